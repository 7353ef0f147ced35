package service

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/motcua/motcua/errs"
)

// upload reads a real file of testdata/uploads: made by LibreOffice
// (don-de-nghi.docx and its PDF export, danh-sach.xlsx from Calc) and by
// pdftoppm from that PDF (trang-1.png, trang-1.jpg).
func upload(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "uploads", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// checkBytes stages b as an upload and checks its type, as every upload
// path does.
func checkBytes(t testing.TB, b []byte) (string, error) {
	t.Helper()
	st, err := stage(bytes.NewReader(b), "x", &fileStore{dir: t.TempDir()}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	defer st.discard()
	return st.checkType("file")
}

// rewriteZip copies a zip, dropping nothing, and adds entries; extra
// content types (a macro-enabled main part) replace [Content_Types].xml's
// closing tag.
func rewriteZip(t testing.TB, src []byte, add map[string][]byte, contentType string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(src), int64(len(src)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(rc)
		rc.Close()
		if f.Name == "[Content_Types].xml" && contentType != "" {
			data = bytes.Replace(data, []byte("</Types>"), []byte(contentType+"</Types>"), 1)
		}
		w, _ := zw.Create(f.Name)
		w.Write(data)
	}
	for name, data := range add {
		w, _ := zw.Create(name)
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// zeros1MB is 1 MB of zeros deflated: about 1 KB.
func zeros1MB(t testing.TB) []byte {
	t.Helper()
	var buf bytes.Buffer
	fw, _ := flate.NewWriter(&buf, flate.BestCompression)
	fw.Write(make([]byte, 1<<20))
	fw.Close()
	return buf.Bytes()
}

// withRawEntries adds n copies of a deflated entry as raw zip entries,
// declaring the size given (which may lie).
func withRawEntries(t testing.TB, src []byte, n int, deflated []byte, declared uint64, crc uint32) []byte {
	t.Helper()
	zr, _ := zip.NewReader(bytes.NewReader(src), int64(len(src)))
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		if err := zw.Copy(f); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < n; i++ {
		w, err := zw.CreateRaw(&zip.FileHeader{Name: "xl/media/image" + strconv.Itoa(i) + ".bin",
			Method: zip.Deflate, CRC32: crc, CompressedSize64: uint64(len(deflated)), UncompressedSize64: declared})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(deflated)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// encodePNG and encodeJPEG are real images from Go's encoders.
func encodePNG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func encodeJPEG(t testing.TB) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 64, 48))
	for i := range img.Pix {
		img.Pix[i] = byte(i)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// pngChunkBytes is one chunk with its CRC.
func pngChunkBytes(kind string, data []byte) []byte {
	out := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	out = append(out, kind...)
	out = append(out, data...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(append([]byte(kind), data...)))
}

// craftPNG builds a grey 8-bit PNG of w×h (interlaced with Adam7 when
// asked) whose image data is raw, the rows given by rawSize.
func craftPNG(w, h uint32, interlaced bool, raw []byte) []byte {
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 0, 0, 0, 0)
	if interlaced {
		ihdr[12] = 1
	}
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(raw)
	zw.Close()
	out := []byte("\x89PNG\r\n\x1a\n")
	out = append(out, pngChunkBytes("IHDR", ihdr)...)
	out = append(out, pngChunkBytes("IDAT", z.Bytes())...)
	return append(out, pngChunkBytes("IEND", nil)...)
}

// TestCheckTypeAcceptsRealFiles: what LibreOffice, pdftoppm and Go's
// encoders write passes, with the type its bytes give; so does an
// interlaced PNG (the Adam7 sizes), a JPEG with a phone's trailer after
// its end, and a PDF with white space after %%EOF.
func TestCheckTypeAcceptsRealFiles(t *testing.T) {
	interlaced := craftPNG(13, 7, true, make([]byte, mustRawSize(t, 13, 7, true)))
	if _, err := png.Decode(bytes.NewReader(interlaced)); err != nil {
		t.Fatalf("the crafted interlaced PNG does not decode: %v", err)
	}
	for _, c := range []struct {
		name string
		body []byte
		want string
	}{
		{"pdf", upload(t, "don-de-nghi.pdf"), TypePDF},
		{"pdf white space after %%EOF", append(upload(t, "don-de-nghi.pdf"), "\r\n \x00\n"...), TypePDF},
		{"docx", upload(t, "don-de-nghi.docx"), TypeDOCX},
		{"xlsx", upload(t, "danh-sach.xlsx"), TypeXLSX},
		{"png", upload(t, "trang-1.png"), TypePNG},
		{"jpeg", upload(t, "trang-1.jpg"), TypeJPEG},
		{"png from Go", encodePNG(t, 40, 30), TypePNG},
		{"interlaced png", interlaced, TypePNG},
		{"jpeg from Go", encodeJPEG(t), TypeJPEG},
		{"jpeg with a trailer after EOI", append(encodeJPEG(t), "SEFHxxxx\x00\x01"...), TypeJPEG},
	} {
		got, err := checkBytes(t, c.body)
		if err != nil || got != c.want {
			t.Errorf("%s: %q %v, want %s", c.name, got, err, c.want)
		}
	}
}

func mustRawSize(t *testing.T, w, h uint32, interlaced bool) int64 {
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 0, 0, 0, 0)
	if interlaced {
		ihdr[12] = 1
	}
	n, ok := pngRawSize(ihdr)
	if !ok {
		t.Fatal("pngRawSize")
	}
	return n
}

// TestCheckTypeRefusesHostileFiles: each crafted file is refused with
// file_content_not_allowed (or file_type_not_allowed) on the field, and
// the reason names what is wrong.
func TestCheckTypeRefusesHostileFiles(t *testing.T) {
	pdf, docx, xlsx := upload(t, "don-de-nghi.pdf"), upload(t, "don-de-nghi.docx"), upload(t, "danh-sach.xlsx")
	pngFile, jpg := upload(t, "trang-1.png"), upload(t, "trang-1.jpg")
	html := []byte("\n<html><body><script>alert(document.cookie)</script></body></html>\n")
	flipped := bytes.Clone(pngFile)
	flipped[len(flipped)/2] ^= 0x40
	brokenZip := bytes.Clone(docx)
	brokenZip[200] ^= 0xff // inside the first entry's deflated data
	lying := withRawEntries(t, xlsx, 1, zeros1MB(t), 10, crc32.ChecksumIEEE(make([]byte, 10)))
	cases := []struct {
		name, code, reason string
		body               []byte
	}{
		{"pdf with html appended", "file_content_not_allowed", "html_content", append(bytes.Clone(pdf), html...)},
		{"pdf with html appended and %%EOF again", "file_content_not_allowed", "html_content", append(append(bytes.Clone(pdf), html...), "%%EOF\n"...)},
		{"pdf with data appended", "file_content_not_allowed", "pdf_end", append(bytes.Clone(pdf), "\x01\x02binary"...)},
		{"pdf cut short", "file_content_not_allowed", "pdf_end", pdf[:len(pdf)/2]},
		{"pdf header only", "file_content_not_allowed", "pdf_end", []byte("%PDF-1.7\n")},
		{"pdf with SCRIPT in capitals", "file_content_not_allowed", "html_content", append([]byte("%PDF-1.4\n<SCRIPT src=x>\n"), "%%EOF"...)},
		{"png cut short", "file_content_not_allowed", "image_damaged", pngFile[:len(pngFile)-20]},
		{"png with a flipped bit", "file_content_not_allowed", "image_damaged", flipped},
		{"png with html appended", "file_content_not_allowed", "html_content", append(bytes.Clone(pngFile), html...)},
		{"png with data appended", "file_content_not_allowed", "trailing_data", append(bytes.Clone(pngFile), 1, 2, 3)},
		{"png whose data is short of its size", "file_content_not_allowed", "image_damaged", craftPNG(4000, 4000, false, make([]byte, 1000))},
		{"png of 100 million pixels", "file_content_not_allowed", "image_too_large", craftPNG(10000, 10000, false, nil)},
		{"jpeg cut short", "file_content_not_allowed", "image_damaged", jpg[:len(jpg)-40]},
		{"jpeg header only", "file_content_not_allowed", "image_damaged", jpg[:200]},
		{"jpeg with html appended", "file_content_not_allowed", "html_content", append(bytes.Clone(jpg), html...)},
		{"docx with vbaProject.bin", "file_content_not_allowed", "office_macros", rewriteZip(t, docx, map[string][]byte{"word/vbaProject.bin": []byte("\xd0\xcf\x11\xe0")}, "")},
		{"xlsx with vbaProject.bin", "file_content_not_allowed", "office_macros", rewriteZip(t, xlsx, map[string][]byte{"xl/vbaProject.bin": []byte("\xd0\xcf\x11\xe0")}, "")},
		{"docm content type", "file_content_not_allowed", "office_macros", rewriteZip(t, docx, nil,
			`<Override PartName="/word/document.xml" ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/>`)},
		{"xlsm content type", "file_content_not_allowed", "office_macros", rewriteZip(t, xlsx, nil,
			`<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>`)},
		{"xlsx entry inflating 1000 times", "file_content_not_allowed", "archive_too_large", rewriteZip(t, xlsx, map[string][]byte{"xl/media/zeros.bin": make([]byte, 2<<20)}, "")},
		{"xlsx inflating past 100 MB in small entries", "file_content_not_allowed", "archive_too_large", withRawEntries(t, xlsx, 101, zeros1MB(t), 1<<20, crc32.ChecksumIEEE(make([]byte, 1<<20)))},
		{"xlsx declaring 10 bytes that inflate to 1 MB", "file_content_not_allowed", "office_damaged", lying},
		{"docx with a damaged entry", "file_content_not_allowed", "office_damaged", brokenZip},
		{"docx with html appended", "file_content_not_allowed", "html_content", append(bytes.Clone(docx), html...)},
		{"docx with data appended", "file_content_not_allowed", "trailing_data", append(bytes.Clone(docx), 1, 2, 3)},
		{"html", "file_type_not_allowed", "", html},
		{"a zip that is no office file", "file_type_not_allowed", "", rewriteZip(t, upload(t, "danh-sach.xlsx"), map[string][]byte{"word/document.xml": nil}, "")},
	}
	for _, c := range cases {
		ct, err := checkBytes(t, c.body)
		e, ok := errs.As(err)
		if !ok || e.Code != c.code || e.Field != "file" || e.Kind != errs.KindInvalid || e.VI == "" || e.EN == "" {
			t.Errorf("%s: %q %v, want %s on file", c.name, ct, err, c.code)
			continue
		}
		if c.reason != "" && e.Details["reason"] != c.reason {
			t.Errorf("%s: reason %v, want %s (%s)", c.name, e.Details["reason"], c.reason, e.EN)
		}
	}
}

// TestArchiveBombBoundedMemory: an entry of 200 MB of zeros (a 200 KB
// file) is refused within bounded memory, whether its header declares its
// size (refused before anything is inflated) or lies (refused once the
// declared size is passed): the heap never holds what is inflated.
func TestArchiveBombBoundedMemory(t *testing.T) {
	var deflated bytes.Buffer
	fw, _ := flate.NewWriter(&deflated, flate.BestSpeed)
	zero := make([]byte, 1<<20)
	for i := 0; i < 200; i++ {
		fw.Write(zero)
	}
	fw.Close()
	xlsx := upload(t, "danh-sach.xlsx")
	for _, c := range []struct {
		name     string
		declared uint64
		reason   string
	}{
		{"declared", 200 << 20, "archive_too_large"},
		{"lying", 1 << 20, "office_damaged"},
	} {
		bomb := withRawEntries(t, xlsx, 1, deflated.Bytes(), c.declared, 0)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		_, err := checkBytes(t, bomb)
		runtime.ReadMemStats(&after)
		if e, ok := errs.As(err); !ok || e.Details["reason"] != c.reason {
			t.Fatalf("%s: a 200 MB bomb in %d KB: %v", c.name, len(bomb)>>10, err)
		}
		grew := after.TotalAlloc - before.TotalAlloc
		if grew > 8<<20 {
			t.Fatalf("%s: checking the bomb allocated %d MB", c.name, grew>>20)
		}
		t.Logf("%s: a 200 MB bomb in %d KB refused (%s) after allocating %d KB", c.name, len(bomb)>>10, c.reason, grew>>10)
	}
}

// TestHasMarkupAcrossChunks: a tag split over two reads is found, and a
// longer name that begins like a tag (<headerFooter>, an XLSX element) is
// not taken for it, even where a read ends right after "<head".
func TestHasMarkupAcrossChunks(t *testing.T) {
	pad := bytes.Repeat([]byte{0x80}, 64<<10-3)
	for _, c := range []struct {
		body string
		want bool
	}{
		{"<scr" + "ipt>", true},
		{"<head" + "erFooter>", false},
		{"<html", true},
		{"<w:body>", false},
		{"<!DOCTYPE HTML>", true},
	} {
		body := append(bytes.Clone(pad), c.body...)
		scan, err := scanFile(bytes.NewReader(body), int64(len(body)))
		if err != nil || scan.markup != c.want {
			t.Errorf("%q after a chunk boundary: markup %v, want %v", c.body, scan.markup, c.want)
		}
	}
}

// TestCleanFileNameHostile: the probe's names, and any other, come out as
// one base name without separators, control characters or dots alone.
func TestCleanFileNameHostile(t *testing.T) {
	for in, want := range map[string]string{
		"../../etc/passwd":               "passwd",
		`..\x`:                           "x",
		`..\..\windows\system32\a.pdf`:   "a.pdf",
		"a.pdf\x00.exe":                  "a.pdf.exe",
		"\x00../":                        "file",
		"../\u202egnp.exe":               "gnp.exe",
		"C:..\\..\\x.docx":               "x.docx",
		"/":                              "file",
		"...":                            "file",
		"con:stream.pdf":                 "con_stream.pdf",
		"%2e%2e%2fetc%2fpasswd":          "%2e%2e%2fetc%2fpasswd",
		"\xff\xfe../đơn đề nghị.pdf\r\n": "đơn đề nghị.pdf",
	} {
		if got := cleanFileName(in); got != want {
			t.Errorf("cleanFileName(%q) = %q, want %q", in, got, want)
		}
	}
}
