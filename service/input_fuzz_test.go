package service

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/motcua/motcua/errs"
	"github.com/motcua/motcua/models"
)

// FuzzDecodeCursor: any cursor either decodes, for the order it was
// written for, to an id in the database's range that encodes back to an
// equal position, or is refused as invalid_cursor on "cursor". Seeds:
// cursors written by encodeCursor for real positions, and the probe's
// classes (2^63 and past, NUL, over-long).
func FuzzDecodeCursor(f *testing.F) {
	due := time.Date(2026, 11, 23, 17, 0, 0, 0, time.UTC)
	for _, c := range []models.Cursor{{ID: 1}, {ID: 4711}, {ID: math.MaxInt64}, {ID: 12, DueNull: true}, {ID: 9, Due: &due}} {
		sort := models.SortNewest
		if c.Due != nil || c.DueNull {
			sort = models.SortDue
		}
		f.Add(encodeCursor(c), sort == models.SortDue)
	}
	for _, s := range []string{"", "0", "zzzzzzzzzzzzzz", "1y2p0ij32e8e8", "1y2p0ij32e8e7", "-1", "n.1", "n.", ".1", "a.b.c",
		"1\x00", strings.Repeat("9", 5000), "ｚ", "1.1.1", "-zzzzzzzzzzzz.1", "+1"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, byDue bool) {
		sort := models.SortNewest
		if byDue {
			sort = models.SortDue
		}
		c, err := decodeCursor(s, sort)
		if err != nil {
			e, ok := errs.As(err)
			if !ok || e.Code != "invalid_cursor" || e.Field != "cursor" || e.Kind != errs.KindInvalid {
				t.Fatalf("%q: %v", s, err)
			}
			return
		}
		if s == "" {
			return
		}
		if c.ID == 0 || c.ID > math.MaxInt64 {
			t.Fatalf("%q: id %d out of range", s, c.ID)
		}
		again, err := decodeCursor(encodeCursor(c), sort)
		if err != nil || again.ID != c.ID || again.DueNull != c.DueNull || (again.Due == nil) != (c.Due == nil) ||
			(c.Due != nil && !again.Due.Equal(*c.Due)) {
			t.Fatalf("%q decodes to %+v, which does not round-trip: %+v %v", s, c, again, err)
		}
	})
}

// FuzzCleanFileName: whatever a client names its file, the name kept is
// one non-empty base name of at most 255 bytes of valid UTF-8, without a
// separator, a control or format character, nor only dots.
func FuzzCleanFileName(f *testing.F) {
	for _, s := range []string{"hồ sơ.pdf", "../../etc/passwd", `..\x`, `..\..\windows\win.ini`, "a\x00b.pdf", "\u202egnp.exe",
		strings.Repeat("ệ", 300), "..", "/", "", "\xff\xfe", "C:\\x\\y.docx", "con.pdf:ads"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := cleanFileName(in)
		switch {
		case out == "" || len(out) > 255 || !utf8.ValidString(out):
			t.Fatalf("%q → %q: empty, long or not UTF-8", in, out)
		case strings.ContainsAny(out, `/\:*?"<>|`) || strings.Trim(out, ".") == "":
			t.Fatalf("%q → %q: a path", in, out)
		case strings.IndexFunc(out, func(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) }) >= 0:
			t.Fatalf("%q → %q: a control or format character", in, out)
		}
	})
}

// FuzzCheckType: whatever an upload's bytes, the check never panics, and
// what it accepts holds to its type: no markup anywhere; a PDF ends with
// %%EOF; a PNG or JPEG decodes its header within the pixel bound; an
// Office file opens as a ZIP without a macro part. Seeds: the real files
// of testdata/uploads and hostile variants of them.
func FuzzCheckType(f *testing.F) {
	names, _ := filepath.Glob(filepath.Join("testdata", "uploads", "*"))
	html := []byte("<html><script>alert(1)</script></html>")
	for _, n := range names {
		data, err := os.ReadFile(n)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
		f.Add(append(bytes.Clone(data), html...))
		f.Add(data[:len(data)/2])
	}
	f.Add([]byte("%PDF-1.4\n%%EOF\n"))
	f.Add([]byte("%PDF-1.4\n\x00\x00%%EOF"))
	f.Add([]byte("\x89PNG\r\n\x1a\n"))
	f.Add([]byte("\xff\xd8\xff\xd9"))
	f.Add([]byte("PK\x05\x06" + strings.Repeat("\x00", 18)))
	store := &fileStore{dir: f.TempDir()}
	f.Fuzz(func(t *testing.T, data []byte) {
		st, err := stage(bytes.NewReader(data), "x", store, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		defer st.discard()
		ct, err := st.checkType("file")
		if err != nil {
			if e, ok := errs.As(err); !ok || e.Field != "file" || e.Kind != errs.KindInvalid {
				t.Fatalf("a refusal not on the file: %v", err)
			}
			return
		}
		scan, _ := scanFile(bytes.NewReader(data), int64(len(data)))
		if scan.markup {
			t.Fatalf("%s accepted with markup", ct)
		}
		if ct == TypePDF && !bytes.HasSuffix(bytes.TrimRight(data, "\x00\t\n\f\r "), []byte("%%EOF")) {
			t.Fatalf("a PDF accepted without %%%%EOF at its end")
		}
		if (ct == TypeDOCX || ct == TypeXLSX) && checkOffice(bytes.NewReader(data), int64(len(data))) != nil {
			t.Fatalf("an office file accepted that checkOffice refuses")
		}
	})
}
