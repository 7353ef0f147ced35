package browsertest

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/draw"
	_ "image/jpeg" // a screenshot may be a JPEG
	_ "image/png"

	"github.com/makiuchi-d/gozxing"
	multiqr "github.com/makiuchi-d/gozxing/multi/qrcode"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// DecodeQR finds the QR code in a picture (a PNG or JPEG, such as the
// screenshot of a printed page) and is the text it holds. It searches the
// whole picture with zxing's TRY_HARDER, then with the reader that finds
// several codes, then at twice the size, for a code drawn with small
// modules.
func DecodeQR(picture []byte) (string, error) {
	img, _, err := image.Decode(bytes.NewReader(picture))
	if err != nil {
		return "", fmt.Errorf("browsertest: decode QR: %w", err)
	}
	g := gray(img)
	var last error
	for _, im := range []*image.Gray{g, double(g)} {
		text, err := decodeQR(im)
		if err == nil {
			return text, nil
		}
		last = err
	}
	return "", fmt.Errorf("browsertest: no QR code found in the picture: %w", last)
}

// decodeQR tries the single and the multiple QR readers on img.
func decodeQR(img image.Image) (string, error) {
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		return "", err
	}
	hints := map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, hints)
	if err == nil {
		return res.GetText(), nil
	}
	many, merr := multiqr.NewQRCodeMultiReader().DecodeMultiple(bmp, hints)
	if merr == nil && len(many) > 0 {
		return many[0].GetText(), nil
	}
	return "", errors.Join(err, merr)
}

// gray is img in shades of grey (a screenshot's RGBA read straight from
// its pixels, anything else through the colour model).
func gray(img image.Image) *image.Gray {
	b := img.Bounds()
	out := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	switch src := img.(type) {
	case *image.Gray:
		for y := 0; y < b.Dy(); y++ {
			copy(out.Pix[y*out.Stride:y*out.Stride+b.Dx()], src.Pix[src.PixOffset(b.Min.X, b.Min.Y+y):])
		}
	case *image.NRGBA, *image.RGBA:
		var pix []uint8
		var stride int
		if n, ok := src.(*image.NRGBA); ok {
			pix, stride = n.Pix[n.PixOffset(b.Min.X, b.Min.Y):], n.Stride
		} else {
			r := src.(*image.RGBA)
			pix, stride = r.Pix[r.PixOffset(b.Min.X, b.Min.Y):], r.Stride
		}
		for y := 0; y < b.Dy(); y++ {
			row := pix[y*stride:]
			for x := 0; x < b.Dx(); x++ {
				r, g, bl := uint32(row[4*x]), uint32(row[4*x+1]), uint32(row[4*x+2])
				out.Pix[y*out.Stride+x] = uint8((r + 2*g + bl) / 4)
			}
		}
	default:
		draw.Draw(out, out.Bounds(), img, b.Min, draw.Src)
	}
	return out
}

// double is g at twice its size, each pixel a 2×2 block.
func double(g *image.Gray) *image.Gray {
	w, h := g.Bounds().Dx(), g.Bounds().Dy()
	out := image.NewGray(image.Rect(0, 0, 2*w, 2*h))
	for y := 0; y < 2*h; y++ {
		src := g.Pix[(y/2)*g.Stride:]
		dst := out.Pix[y*out.Stride:]
		for x := 0; x < 2*w; x++ {
			dst[x] = src[x/2]
		}
	}
	return out
}
