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
// random name: a client's file name is never a path. Files on their way
// there wait in this process's staging area (see staging.go).
type fileStore struct {
	dir     string
	staging staging
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

// staged is an uploaded file held in a temporary file of the staging area
// until it is accepted (moved to its final name, then settled once its
// row is committed) or discarded.
type staged struct {
	tmp     *os.File
	month   string // yyyy/mm of the final directory
	final   string // once kept: the final path, and the staging name linked to it
	pending string
	name    string // the client's base name, cleaned
	size    int64
	sum     string // hex SHA-256
	// contentType is the type checkType found in the whole file.
	contentType string
	checked     bool
}

// stage copies r into a temporary file of the store's staging area,
// hashing it, and refuses it beyond MaxFileSize; the file is to be stored
// under the month of now.
func stage(r io.Reader, clientName string, store *fileStore, now time.Time) (*staged, error) {
	dir, err := store.area()
	if err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp(dir, stagedPrefix+"*")
	if err != nil {
		return nil, fmt.Errorf("service: temporary file: %w", err)
	}
	st := &staged{tmp: tmp, month: storeMonth(now), name: cleanFileName(clientName)}
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

// discard removes the file: the temporary one, or once kept its final
// name then its staging name (in that order: a final name always has its
// staging name until its row is committed). It is a no-op once settled.
func (st *staged) discard() {
	if st == nil {
		return
	}
	if st.tmp != nil {
		st.tmp.Close()
		os.Remove(st.tmp.Name())
		st.tmp = nil
	}
	if st.pending != "" {
		os.Remove(st.final)
		os.Remove(st.pending)
		st.final, st.pending = "", ""
	}
}

// settle removes the staging name of a kept file whose row is committed.
func (st *staged) settle() {
	if st != nil && st.pending != "" {
		os.Remove(st.pending)
		st.final, st.pending = "", ""
	}
}

// keep gives the file a random name: it renames it in the staging area to
// the staging name of that name, then links it to its final name under
// root; it returns its storage key (its path under root, with slashes).
// Until settle or discard, the file has both names.
func (st *staged) keep(root string) (key string, err error) {
	name, err := randomName()
	if err != nil {
		return "", err
	}
	if err := st.tmp.Close(); err != nil {
		return "", fmt.Errorf("service: close upload: %w", err)
	}
	pending := filepath.Join(filepath.Dir(st.tmp.Name()), stagedName(st.month, name))
	if err := os.Rename(st.tmp.Name(), pending); err != nil {
		return "", fmt.Errorf("service: stage upload: %w", err)
	}
	st.tmp, st.pending = nil, pending
	dir := filepath.Join(root, "attachments", filepath.FromSlash(st.month))
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", fmt.Errorf("service: file directory: %w", err)
	}
	st.final = filepath.Join(dir, name)
	if err := os.Link(pending, st.final); err != nil {
		return "", fmt.Errorf("service: store upload: %w", err)
	}
	return "attachments/" + st.month + "/" + name, nil
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
