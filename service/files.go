package service

import (
	"archive/zip"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/errs"
)

// MaxFileSize is the largest file an upload may carry (20 MB).
const MaxFileSize = 20 << 20

// Content types a file may have, detected from its bytes.
const (
	TypePDF  = "application/pdf"
	TypePNG  = "image/png"
	TypeJPEG = "image/jpeg"
	TypeDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	TypeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

// AllowedTypes are the content types an attachment may have.
var AllowedTypes = []string{TypePDF, TypePNG, TypeJPEG, TypeDOCX, TypeXLSX}

// fileStore keeps files under dir/attachments/yyyy/mm/, each under a
// random name: a client's file name is never a path.
type fileStore struct{ dir string }

// monthDir is the directory of files stored in t's local month.
func (f *fileStore) monthDir(t time.Time) string {
	t = t.In(deadlines.Location)
	return filepath.Join(f.dir, "attachments", t.Format("2006"), t.Format("01"))
}

// open opens a stored file by its key (its path under the store), never
// outside the store.
func (f *fileStore) open(key string) (*os.File, error) {
	return os.OpenInRoot(f.dir, filepath.FromSlash(key))
}

// BodyError is a failure to read what the client sent (a body cut off, or
// over the front end's limit); the front end maps it.
type BodyError struct{ Err error }

func (e *BodyError) Error() string { return "service: reading the upload: " + e.Err.Error() }

// Unwrap returns the read error.
func (e *BodyError) Unwrap() error { return e.Err }

// staged is an uploaded file held in a temporary file of the store until it
// is accepted (renamed to its final name) or discarded.
type staged struct {
	tmp  *os.File
	dir  string
	name string // the client's base name, cleaned
	size int64
	sum  string // hex SHA-256
	// contentType is the type checkType found in the whole file.
	contentType string
	checked     bool
}

// stage copies r into a temporary file in dir, hashing it, and refuses it
// beyond MaxFileSize.
func stage(r io.Reader, clientName, dir string) (*staged, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("service: file directory: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".upload-*")
	if err != nil {
		return nil, fmt.Errorf("service: temporary file: %w", err)
	}
	st := &staged{tmp: tmp, dir: dir, name: cleanFileName(clientName)}
	src := &readRecorder{r: io.LimitReader(r, MaxFileSize+1)}
	hash := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, hash), src)
	st.size = n
	switch {
	case src.err != nil && !errors.Is(src.err, io.EOF):
		st.discard()
		return nil, &BodyError{Err: src.err}
	case err != nil:
		st.discard()
		return nil, fmt.Errorf("service: write upload: %w", err)
	case n > MaxFileSize:
		st.discard()
		return nil, errFileTooLarge()
	}
	st.sum = hex.EncodeToString(hash.Sum(nil))
	return st, nil
}

// readRecorder remembers the error its reader returned, so that a failed
// copy tells a client's broken body from a full disk.
type readRecorder struct {
	r   io.Reader
	err error
}

func (r *readRecorder) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if err != nil {
		r.err = err
	}
	return n, err
}

// discard closes and removes the temporary file; a no-op once kept.
func (st *staged) discard() {
	if st != nil && st.tmp != nil {
		st.tmp.Close()
		os.Remove(st.tmp.Name())
		st.tmp = nil
	}
}

// keep renames the file to a random final name in its directory and
// returns its storage key (its path under root, with slashes).
func (st *staged) keep(root string) (final, key string, err error) {
	name, err := randomName()
	if err != nil {
		return "", "", err
	}
	final = filepath.Join(st.dir, name)
	if err := st.tmp.Close(); err != nil {
		return "", "", fmt.Errorf("service: close upload: %w", err)
	}
	if err := os.Rename(st.tmp.Name(), final); err != nil {
		return "", "", fmt.Errorf("service: store upload: %w", err)
	}
	st.tmp = nil
	rel, err := filepath.Rel(root, final)
	if err != nil {
		os.Remove(final)
		return "", "", fmt.Errorf("service: storage key: %w", err)
	}
	return final, filepath.ToSlash(rel), nil
}

// typeZIP is a ZIP archive, which DOCX and XLSX files are.
const typeZIP = "application/zip"

// magic are the leading bytes of each type a file may have.
var magic = []struct {
	prefix string
	ct     string
}{
	{"%PDF-", TypePDF},
	{"\x89PNG\r\n\x1a\n", TypePNG},
	{"\xff\xd8\xff", TypeJPEG},
	{"PK\x03\x04", typeZIP},
}

// sniff names the type of a file from its first bytes ("application/
// octet-stream" when none matches).
func sniff(head []byte) string {
	for _, m := range magic {
		if strings.HasPrefix(string(head), m.prefix) {
			return m.ct
		}
	}
	return "application/octet-stream"
}

// officeType recognises a DOCX ("word/document.xml") or an XLSX
// ("xl/workbook.xml") from the ZIP's central directory.
func officeType(f *os.File, size int64) (string, bool) {
	zr, err := zip.NewReader(f, size)
	if err != nil {
		return typeZIP, false
	}
	var docx, xlsx bool
	for _, e := range zr.File {
		switch e.Name {
		case "word/document.xml":
			docx = true
		case "xl/workbook.xml":
			xlsx = true
		}
	}
	switch {
	case docx && !xlsx:
		return TypeDOCX, true
	case xlsx && !docx:
		return TypeXLSX, true
	}
	return typeZIP, false
}

// checkFileName refuses a client's file name that climbs out of its
// directory: a ".." component (with / or \ between), or a separator or
// ".." percent-encoded (%2f, %5c, %2e%2e). Such a name is an attack, never
// a document's name; field names the form field. A plain path (some
// browsers send C:\Users\...\x.pdf) is not refused: cleanFileName keeps
// its base name, as it cleans other awkward characters.
func checkFileName(field, name string) error {
	lower := strings.ToLower(name)
	bad := strings.Contains(lower, "%2f") || strings.Contains(lower, "%5c") || strings.Contains(lower, "%2e%2e")
	for _, part := range strings.Split(strings.ReplaceAll(name, `\`, "/"), "/") {
		bad = bad || strings.TrimSpace(part) == ".."
	}
	if !bad {
		return nil
	}
	return errs.Invalid(field, "tên tệp không được chứa đường dẫn lên thư mục trên (..)",
		"the file name may not climb out of its directory (..)")
}

// cleanFileName keeps the base name of the client's file name, without
// control or path characters, at most 255 bytes; "file" when nothing is left.
func cleanFileName(name string) string {
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	if name == "/" {
		return "file"
	}
	name = strings.Map(func(r rune) rune {
		switch {
		case r == utf8.RuneError || unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			return -1
		case strings.ContainsRune(`/\:*?"<>|`, r):
			return '_'
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	for len(name) > 255 {
		_, size := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-size]
	}
	if strings.Trim(name, ".") == "" {
		return "file"
	}
	return name
}

// randomName is 32 hex digits from crypto/rand.
func randomName() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("service: random name: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}

// errFileTooLarge refuses a file over MaxFileSize.
func errFileTooLarge() *errs.Error {
	e := errs.New(errs.KindTooLarge, "file_too_large", "file", "tệp vượt quá 20 MB", "the file exceeds 20 MB")
	return e.With("max_bytes", MaxFileSize)
}

// isNotExist reports whether err says a stored file is gone.
func isNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }
