package web

import (
	"bytes"
	"fmt"
	"html"
	"html/template"
	"image"
	"image/color"
	"regexp"
	"strconv"

	"github.com/yeqown/go-qrcode/v2"
)

// quietZone is the white margin around a QR code, in modules: the four
// that ISO/IEC 18004 asks for, so that a phone finds the code on a page.
const quietZone = 4

// qrSVG is the QR code of text (a tracking link) as an inline SVG: one
// path of dark modules on a white square that includes the quiet zone,
// drawn with presentation attributes only (the page's CSP allows no style
// attribute). label names it for screen readers. The markup is built here
// from the code's modules and the escaped label, never from what a user
// typed, which is why it may be template.HTML.
func qrSVG(text, label string) (template.HTML, error) {
	code, err := qrcode.NewWith(text, qrcode.WithErrorCorrectionLevel(qrcode.ErrorCorrectionMedium))
	if err != nil {
		return "", fmt.Errorf("web: qr code: %w", err)
	}
	w := &svgWriter{label: label}
	if err := code.Save(w); err != nil {
		return "", fmt.Errorf("web: qr code: %w", err)
	}
	return template.HTML(w.buf.String()), nil
}

// svgWriter is a qrcode.Writer that draws the matrix as an SVG.
type svgWriter struct {
	label string
	buf   bytes.Buffer
}

// Write draws mat: each row's runs of dark modules as rectangles of one
// path, offset by the quiet zone.
func (w *svgWriter) Write(mat qrcode.Matrix) error {
	bits := mat.Bitmap()
	n := len(bits) + 2*quietZone
	fmt.Fprintf(&w.buf, `<svg xmlns="http://www.w3.org/2000/svg" class="qr" viewBox="0 0 %d %d" role="img" aria-label="%s" shape-rendering="crispEdges">`,
		n, n, html.EscapeString(w.label))
	fmt.Fprintf(&w.buf, `<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, n, n)
	for y, row := range bits {
		for x := 0; x < len(row); {
			if !row[x] {
				x++
				continue
			}
			run := 0
			for x+run < len(row) && row[x+run] {
				run++
			}
			fmt.Fprintf(&w.buf, "M%d %dh%dv1h-%dz", x+quietZone, y+quietZone, run, run)
			x += run
		}
	}
	w.buf.WriteString(`"/></svg>`)
	return nil
}

// Close has nothing to release.
func (w *svgWriter) Close() error { return nil }

// The parts of an SVG that qrSVG draws, for QRModules.
var (
	svgViewBox = regexp.MustCompile(`viewBox="0 0 (\d+) (\d+)"`)
	svgPath    = regexp.MustCompile(`<path fill="#000" d="([^"]*)"`)
	svgRun     = regexp.MustCompile(`M(\d+) (\d+)h(\d+)v1h-(\d+)z`)
)

// QRModules reads back the modules of a QR code that the printed receipt
// draws as SVG (quiet zone included; true is dark), so that a test, or
// the browser tests, can decode the code a page carries.
func QRModules(svg string) ([][]bool, error) {
	vb := svgViewBox.FindStringSubmatch(svg)
	path := svgPath.FindStringSubmatch(svg)
	if vb == nil || path == nil || vb[1] != vb[2] {
		return nil, fmt.Errorf("web: not a QR code drawn by qrSVG")
	}
	n, _ := strconv.Atoi(vb[1])
	if n > 400 {
		return nil, fmt.Errorf("web: QR code too large (%d modules)", n)
	}
	m := make([][]bool, n)
	for i := range m {
		m[i] = make([]bool, n)
	}
	for _, r := range svgRun.FindAllStringSubmatch(path[1], -1) {
		x, _ := strconv.Atoi(r[1])
		y, _ := strconv.Atoi(r[2])
		run, _ := strconv.Atoi(r[3])
		if y >= n || x+run > n {
			return nil, fmt.Errorf("web: QR module outside the code at %d,%d", x, y)
		}
		for i := 0; i < run; i++ {
			m[y][x+i] = true
		}
	}
	return m, nil
}

// QRImage rasterises modules (from QRModules), each as a square of scale
// pixels, black on white.
func QRImage(modules [][]bool, scale int) image.Image {
	n := len(modules)
	img := image.NewGray(image.Rect(0, 0, n*scale, n*scale))
	for y := 0; y < n*scale; y++ {
		for x := 0; x < n*scale; x++ {
			c := color.Gray{Y: 255}
			if modules[y/scale][x/scale] {
				c = color.Gray{Y: 0}
			}
			img.SetGray(x, y, c)
		}
	}
	return img
}
