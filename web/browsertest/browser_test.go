package browsertest_test

import (
	"bytes"
	"image"
	"image/png"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/motcua/motcua/web/browsertest"
)

// receiptLink is what the test receipt's QR code holds.
const receiptLink = "http://motcua.test/track?code=000.20.30.H33-261116-0001&pin=52420558"

// receiptSite serves a receipt page with a QR code as small as a printed
// one (3 pixels a module), a form, and a file only a visitor holding the
// page's cookie may download.
func receiptSite(t *testing.T) *httptest.Server {
	t.Helper()
	qr, err := qrcode.NewQRCodeWriter().Encode(receiptLink, gozxing.BarcodeFormat_QR_CODE, 0, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	var qrPNG bytes.Buffer
	if err := png.Encode(&qrPNG, scaled(qr, 3)); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "k", Value: "v", Path: "/", HttpOnly: true})
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><html lang="vi"><title>Giấy tiếp nhận</title>
<h1>GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ</h1><p>Mã hồ sơ: 000.20.30.H33-261116-0001</p>
<img src="/qr.png" alt="Mã QR tra cứu">
<form method="get" action="/echo"><label for="n">Tên người nộp <span>(bắt buộc)</span></label><input id="n" name="n">
<button>Gửi</button></form>
<a href="/file/result">Tải kết quả</a>`))
	})
	mux.HandleFunc("/qr.png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write(qrPNG.Bytes())
	})
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><html lang="vi"><title>x</title><p id="out">` + r.URL.Query().Get("n") + `</p>`))
	})
	mux.HandleFunc("/file/result", func(w http.ResponseWriter, r *http.Request) {
		if c, err := r.Cookie("k"); err != nil || c.Value != "v" {
			http.Error(w, "no cookie", http.StatusForbidden)
			return
		}
		w.Header().Set("Content-Disposition", `attachment; filename="ket-qua.pdf"`)
		w.Write([]byte("%PDF-1.7 kết quả"))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// TestTabOnAPage: the tab's actions on a small site: a field found by its
// label and filled with Vietnamese, a button clicked to the next page, a
// file downloaded with the tab's cookie, and the QR code of a printed-size
// receipt read back from a screenshot of the page.
func TestTabOnAPage(t *testing.T) {
	t.Parallel()
	b := browsertest.Start(t)
	srv := receiptSite(t)
	tab := b.Tab(t, srv.URL)
	if st := tab.Go("/"); st != http.StatusOK || tab.Cookie("k") != "v" {
		t.Fatalf("page: %d, cookie %q", st, tab.Cookie("k"))
	}
	name, body := tab.Download("Tải kết quả")
	if name != "ket-qua.pdf" || string(body) != "%PDF-1.7 kết quả" {
		t.Fatalf("download: %q %q", name, body)
	}
	text, err := browsertest.DecodeQR(tab.ScreenshotPNG())
	if err != nil || text != receiptLink {
		t.Fatalf("QR from the screenshot: %q, %v", text, err)
	}
	tab.FillLabel("Tên người nộp", "Công ty TNHH Điện tử Hòa Bình")
	if st := tab.Click("Gửi"); st != http.StatusOK || tab.Text("#out") != "Công ty TNHH Điện tử Hòa Bình" {
		t.Fatalf("form: %d, %q at %s", st, tab.Text("#out"), tab.Path())
	}
	other := b.Tab(t, srv.URL)
	if c := other.Cookies(); len(c) != 0 {
		t.Fatalf("a new tab has cookies: %v", c)
	}
	if !strings.HasPrefix(tab.URL(), srv.URL) {
		t.Fatalf("tab at %s", tab.URL())
	}
}

// scaled is img drawn k times as large, each pixel a k×k block.
func scaled(img image.Image, k int) image.Image {
	b := img.Bounds()
	out := image.NewGray(image.Rect(0, 0, b.Dx()*k, b.Dy()*k))
	for y := 0; y < out.Bounds().Dy(); y++ {
		for x := 0; x < out.Bounds().Dx(); x++ {
			out.Set(x, y, img.At(b.Min.X+x/k, b.Min.Y+y/k))
		}
	}
	return out
}
