package browsertest_test

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/motcua/motcua/web/browsertest"
)

// page draws a white A4 page at 100 dpi with lines of "text" (black bars)
// and, when qr is not nil, the QR code at (x, y), as a PNG.
func page(t *testing.T, qr image.Image, x, y int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 827, 1169))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	black := image.NewUniform(color.Black)
	for line := 0; line < 25; line++ {
		for word := 0; word < 7; word++ {
			r := image.Rect(80+word*95, 100+line*30, 80+word*95+70-line%3*10, 100+line*30+10)
			draw.Draw(img, r, black, image.Point{}, draw.Src)
		}
	}
	if qr != nil {
		b := qr.Bounds()
		draw.Draw(img, b.Add(image.Pt(x, y)), qr, b.Min, draw.Src)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestDecodeQR: a tracking link encoded as a QR code and printed in the
// corner of a page full of other marks is found and read back; a page
// without one is an error, not an empty text.
func TestDecodeQR(t *testing.T) {
	t.Parallel()
	const link = "https://motcua.example.vn/track?code=HBI-2026-000123&pin=482913"
	qr, err := qrcode.NewQRCodeWriter().Encode(link, gozxing.BarcodeFormat_QR_CODE, 170, 170, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, at := range []image.Point{{620, 930}, {30, 960}} {
		got, err := browsertest.DecodeQR(page(t, qr, at.X, at.Y))
		if err != nil || got != link {
			t.Fatalf("QR at %v: %q, %v", at, got, err)
		}
	}
	if got, err := browsertest.DecodeQR(page(t, nil, 0, 0)); err == nil {
		t.Fatalf("a page without a QR code read %q", got)
	}
	if _, err := browsertest.DecodeQR([]byte("not a picture")); err == nil {
		t.Fatal("bytes that are no picture decoded")
	}
}
