package service

import (
	"bytes"
	"testing"
)

func TestCleanFileName(t *testing.T) {
	long := string(bytes.Repeat([]byte("ệ"), 100)) // 3 bytes each
	for _, c := range []struct{ in, want string }{
		{"hồ sơ.pdf", "hồ sơ.pdf"},
		{"../../etc/passwd", "passwd"},
		{`C:\Users\an\đơn.docx`, "đơn.docx"},
		{"a\x00b\r\n.pdf", "ab.pdf"},
		{`what"is<this>.pdf`, "what_is_this_.pdf"},
		{"..", "file"},
		{"", "file"},
		{long, long[:255]},
	} {
		if got := cleanFileName(c.in); got != c.want {
			t.Errorf("cleanFileName(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestSniff(t *testing.T) {
	for in, want := range map[string]string{
		"%PDF-1.7\n":            TypePDF,
		"\x89PNG\r\n\x1a\nxx":   TypePNG,
		"\xff\xd8\xff\xe0":      TypeJPEG,
		"PK\x03\x04....":        typeZIP,
		"<html><body>":          "application/octet-stream",
		" %PDF-1.7 (not first)": "application/octet-stream",
	} {
		if got := sniff([]byte(in)); got != want {
			t.Errorf("sniff(%q) = %s, want %s", in, got, want)
		}
	}
}
