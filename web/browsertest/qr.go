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
	var last error
	for _, im := range []image.Image{img, double(img)} {
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

// double is img at twice its size, each pixel a 2×2 block.
func double(img image.Image) image.Image {
	b := img.Bounds()
	src := image.NewRGBA(b)
	draw.Draw(src, b, img, b.Min, draw.Src)
	out := image.NewRGBA(image.Rect(0, 0, 2*b.Dx(), 2*b.Dy()))
	for y := 0; y < out.Bounds().Dy(); y++ {
		for x := 0; x < out.Bounds().Dx(); x++ {
			out.Set(x, y, src.At(b.Min.X+x/2, b.Min.Y+y/2))
		}
	}
	return out
}
