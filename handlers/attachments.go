package handlers

import (
	"archive/zip"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime/multipart"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
	"gorm.io/gorm"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/workflow"
)

// Upload limits.
const (
	// MaxAttachmentSize is the largest file an upload may carry (20 MB).
	MaxAttachmentSize = 20 << 20
	// multipartOverhead is what the multipart body may carry besides the
	// file: part headers and the document_code field.
	multipartOverhead = 2 << 20
	// maxFieldSize caps a text field of the upload form.
	maxFieldSize = 1 << 10
)

// DefaultDataDir is the data directory when MOTCUA_DATA_DIR is not set.
const DefaultDataDir = "./data"

// Content types an attachment may have, detected from its bytes.
const (
	typePDF  = "application/pdf"
	typePNG  = "image/png"
	typeJPEG = "image/jpeg"
	typeDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	typeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

var allowedTypes = []string{typePDF, typePNG, typeJPEG, typeDOCX, typeXLSX}

// attachmentAPI stores and serves the files of a dossier.
type attachmentAPI struct {
	db      *gorm.DB
	eng     *workflow.Engine
	now     func() time.Time
	dataDir string
}

// registerAttachments adds the attachment routes to g, behind auth. The
// data directory is read from MOTCUA_DATA_DIR (default DefaultDataDir)
// once, here; files live under <data>/attachments/<yyyy>/<mm>/.
func registerAttachments(g *echo.Group, d Deps, auth echo.MiddlewareFunc) {
	d = d.withDefaults()
	h := &attachmentAPI{db: d.DB, eng: d.Engine, now: d.Now, dataDir: dataDirFromEnv()}
	g.POST("/dossiers/:code/attachments", h.upload, auth)
	g.GET("/dossiers/:code/attachments", h.list, auth)
	g.GET("/dossiers/:code/attachments/:id", h.download, auth)
}

// dataDirFromEnv is MOTCUA_DATA_DIR, made absolute, or DefaultDataDir.
func dataDirFromEnv() string {
	dir := strings.TrimSpace(os.Getenv("MOTCUA_DATA_DIR"))
	if dir == "" {
		dir = DefaultDataDir
	}
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	return dir
}

// attachmentJSON is an attachment as the API shows it.
type attachmentJSON struct {
	ID           uint64 `json:"id"`
	DocumentCode string `json:"document_code"`
	FileName     string `json:"file_name"`
	ContentType  string `json:"content_type"`
	Size         int64  `json:"size"`
	SHA256       string `json:"sha256"`
	CreatedAt    string `json:"created_at"`
}

func attachmentRow(a models.Attachment) attachmentJSON {
	return attachmentJSON{ID: a.ID, DocumentCode: a.DocumentCode, FileName: a.FileName, ContentType: a.ContentType,
		Size: a.Size, SHA256: a.SHA256, CreatedAt: rfc3339(a.CreatedAt)}
}

// received is an uploaded file held in a temporary file until it is accepted.
type received struct {
	tmp  *os.File
	name string // the client's base name, sanitised
	size int64
	sum  string // hex SHA-256
}

// discard closes and removes the temporary file.
func (r *received) discard() {
	if r != nil && r.tmp != nil {
		r.tmp.Close()
		os.Remove(r.tmp.Name())
	}
}

// uploadForm is the parsed multipart body.
type uploadForm struct {
	file         *received
	documentCode string
}

// upload answers POST /dossiers/{code}/attachments (multipart: file,
// document_code). Refused uploads leave nothing on disk or in the database.
func (h *attachmentAPI) upload(c echo.Context) error {
	req := c.Request()
	if req.ContentLength > MaxAttachmentSize+multipartOverhead {
		return fileTooLarge()
	}
	req.Body = http.MaxBytesReader(c.Response(), req.Body, MaxAttachmentSize+multipartOverhead)
	// Read what is left (bounded by the limit above), so that the client
	// gets the answer instead of a reset connection.
	defer io.Copy(io.Discard, req.Body)

	d, actor, err := VisibleDossier(c, h.db)
	if err != nil {
		return err
	}
	if d.FinishedAt != nil {
		return &workflow.Error{Kind: workflow.KindConflict, Code: "dossier_closed", Field: "code",
			Message: "hồ sơ " + d.Code + " đã kết thúc, không thể bổ sung tệp / dossier " + d.Code +
				" is finished: no more attachments"}
	}
	slots, err := h.documentSlots(d)
	if err != nil {
		return err
	}
	now := h.now()
	dir := h.monthDir(now)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("handlers: attachment directory: %w", err)
	}
	form, err := readUploadForm(req, dir)
	if form.file != nil {
		defer form.file.discard() // a no-op once the file has been renamed
	}
	if err != nil {
		return err
	}
	switch {
	case form.file == nil:
		return badParam("file", "thiếu tệp đính kèm (file)", "the file field is required")
	case form.documentCode == "":
		return badParam("document_code", "thiếu mã giấy tờ (document_code)", "document_code is required")
	case !slices.Contains(slots, form.documentCode):
		return &workflow.Error{Kind: workflow.KindRule, Code: "unknown_document", Field: "document_code",
			Message: fmt.Sprintf("thủ tục không có giấy tờ %q / the procedure has no document %q",
				form.documentCode, form.documentCode),
			Details: map[string]any{"valid": slots}}
	}
	contentType, ok := detectType(form.file.tmp, form.file.size)
	if !ok {
		return &workflow.Error{Kind: workflow.KindInvalid, Code: "file_type_not_allowed", Field: "file",
			Message: "chỉ nhận PDF, PNG, JPEG, DOCX, XLSX / only PDF, PNG, JPEG, DOCX and XLSX files are accepted",
			Details: map[string]any{"detected": contentType, "allowed": allowedTypes}}
	}
	a, err := h.store(c, form, d.ID, actor, contentType, dir, now)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, attachmentRow(*a))
}

// store moves the accepted file to its final name and records it; if the
// row cannot be written, the file is removed.
func (h *attachmentAPI) store(c echo.Context, form uploadForm, dossierID uint64, actor workflow.Actor,
	contentType, dir string, now time.Time) (*models.Attachment, error) {
	name, err := randomName()
	if err != nil {
		return nil, err
	}
	final := filepath.Join(dir, name)
	if err := form.file.tmp.Close(); err != nil {
		return nil, fmt.Errorf("handlers: close upload: %w", err)
	}
	if err := os.Rename(form.file.tmp.Name(), final); err != nil {
		return nil, fmt.Errorf("handlers: store upload: %w", err)
	}
	form.file.tmp = nil
	key, err := filepath.Rel(h.dataDir, final)
	if err != nil {
		os.Remove(final)
		return nil, fmt.Errorf("handlers: storage key: %w", err)
	}
	a := &models.Attachment{DossierID: dossierID, DocumentCode: form.documentCode, FileName: form.file.name,
		ContentType: contentType, Size: form.file.size, SHA256: form.file.sum, StorageKey: filepath.ToSlash(key),
		UploadedBy: actor.UserID, CreatedAt: now}
	if err := models.InsertAttachment(c.Request().Context(), h.db, a); err != nil {
		os.Remove(final)
		return nil, err
	}
	return a, nil
}

// readUploadForm streams the multipart body: the file part into a
// temporary file in dir (hashed on the way), document_code into memory,
// anything else discarded. On error the caller still discards form.file.
func readUploadForm(req *http.Request, dir string) (uploadForm, error) {
	var form uploadForm
	mr, err := req.MultipartReader()
	if err != nil {
		return form, badParam("body", "nội dung phải là multipart/form-data", "the body must be multipart/form-data")
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return form, nil
		}
		if err != nil {
			return form, bodyError(err)
		}
		switch part.FormName() {
		case "file":
			if form.file != nil {
				return form, badParam("file", "chỉ gửi một tệp mỗi lần", "send one file per request")
			}
			form.file, err = receiveFile(part, dir)
		case "document_code":
			form.documentCode, err = readField(part, "document_code")
		default:
			_, err = io.Copy(io.Discard, part)
			if err != nil {
				err = bodyError(err)
			}
		}
		part.Close()
		if err != nil {
			return form, err
		}
	}
}

// receiveFile copies the part into a temporary file in dir, hashing it,
// and refuses it beyond MaxAttachmentSize.
func receiveFile(part *multipart.Part, dir string) (*received, error) {
	tmp, err := os.CreateTemp(dir, ".upload-*")
	if err != nil {
		return nil, fmt.Errorf("handlers: temporary file: %w", err)
	}
	r := &received{tmp: tmp, name: cleanFileName(part.FileName())}
	hash := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, hash), io.LimitReader(part, MaxAttachmentSize+1))
	r.size = n
	var pathErr *fs.PathError
	switch {
	case errors.As(err, &pathErr):
		r.discard()
		return nil, fmt.Errorf("handlers: write upload: %w", err)
	case err != nil:
		r.discard()
		return nil, bodyError(err)
	case n > MaxAttachmentSize:
		r.discard()
		return nil, fileTooLarge()
	}
	r.sum = hex.EncodeToString(hash.Sum(nil))
	return r, nil
}

// readField reads a short text field.
func readField(part *multipart.Part, field string) (string, error) {
	b, err := io.ReadAll(io.LimitReader(part, maxFieldSize+1))
	if err != nil {
		return "", bodyError(err)
	}
	if len(b) > maxFieldSize {
		return "", badParam(field, field+" quá dài", field+" is too long")
	}
	return strings.TrimSpace(string(b)), nil
}

// bodyError classifies an error reading the request body.
func bodyError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return fileTooLarge()
	}
	return badParam("body", "nội dung multipart không hợp lệ hoặc bị ngắt", "the multipart body is malformed or was cut off")
}

// fileTooLarge is a 413 naming the file field.
func fileTooLarge() error {
	return &workflow.Error{Kind: workflow.KindTooLarge, Code: "file_too_large", Field: "file",
		Message: "tệp vượt quá 20 MB / the file exceeds 20 MB", Details: map[string]any{"max_bytes": MaxAttachmentSize}}
}

// detectType returns the content type of the file from its bytes, and
// whether it is allowed. ZIP files are DOCX or XLSX by their entries.
func detectType(f *os.File, size int64) (string, bool) {
	head := make([]byte, 512)
	n, err := f.ReadAt(head, 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return "", false
	}
	ct, _, _ := strings.Cut(http.DetectContentType(head[:n]), ";")
	switch ct {
	case typePDF, typePNG, typeJPEG:
		return ct, true
	case "application/zip":
		return officeType(f, size)
	}
	return ct, false
}

// officeType recognises a DOCX ("word/document.xml") or an XLSX
// ("xl/workbook.xml") from the ZIP's central directory.
func officeType(f *os.File, size int64) (string, bool) {
	zr, err := zip.NewReader(f, size)
	if err != nil {
		return "application/zip", false
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
		return typeDOCX, true
	case xlsx && !docx:
		return typeXLSX, true
	}
	return "application/zip", false
}

// cleanFileName keeps the base name of the client's file name, without
// control or path characters, at most 255 bytes; "file" when nothing is left.
func cleanFileName(name string) string {
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
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
		return "", fmt.Errorf("handlers: random name: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}

// monthDir is <data>/attachments/<yyyy>/<mm> for the local month of t.
func (h *attachmentAPI) monthDir(t time.Time) string {
	t = t.In(deadlines.Location)
	return filepath.Join(h.dataDir, "attachments", t.Format("2006"), t.Format("01"))
}

// documentSlots are the document codes of the dossier's catalogue version.
func (h *attachmentAPI) documentSlots(d *models.Dossier) ([]string, error) {
	p, err := h.eng.Catalogue().Procedure(d.Procedure)
	if err != nil {
		return nil, err
	}
	v, err := p.Version(d.CatalogueVersion)
	if err != nil {
		return nil, err
	}
	var codes []string
	for _, doc := range v.Documents {
		codes = append(codes, doc.Code)
	}
	for _, code := range v.RequiredDocuments(d.Variant) {
		if !slices.Contains(codes, code) {
			codes = append(codes, code)
		}
	}
	return codes, nil
}

// list answers GET /dossiers/{code}/attachments.
func (h *attachmentAPI) list(c echo.Context) error {
	d, _, err := VisibleDossier(c, h.db)
	if err != nil {
		return err
	}
	atts, err := models.ListAttachments(c.Request().Context(), h.db, d.ID)
	if err != nil {
		return err
	}
	rows := make([]attachmentJSON, len(atts))
	for i, a := range atts {
		rows[i] = attachmentRow(a)
	}
	return c.JSON(http.StatusOK, map[string]any{"code": d.Code, "attachments": rows})
}

// download answers GET /dossiers/{code}/attachments/{id}: the file, as an
// attachment, with the content type detected at upload.
func (h *attachmentAPI) download(c echo.Context) error {
	d, _, err := VisibleDossier(c, h.db)
	if err != nil {
		return err
	}
	notFound := &workflow.Error{Kind: workflow.KindNotFound, Code: "not_found", Field: "id",
		Message: "không tìm thấy tệp " + c.Param("id") + " / attachment " + c.Param("id") + " not found"}
	id, err := strconv.ParseUint(c.Param("id"), 10, 64)
	if err != nil {
		return notFound
	}
	a, err := models.GetAttachment(c.Request().Context(), h.db, d.ID, id)
	if errors.Is(err, models.ErrNotFound) || (err == nil && a.StorageKey == "") {
		return notFound // metadata recorded at submission, with no stored file
	}
	if err != nil {
		return err
	}
	f, err := os.OpenInRoot(h.dataDir, filepath.FromSlash(a.StorageKey))
	if errors.Is(err, fs.ErrNotExist) {
		return notFound
	}
	if err != nil {
		return fmt.Errorf("handlers: open attachment %d: %w", a.ID, err)
	}
	defer f.Close()
	hdr := c.Response().Header()
	hdr.Set(echo.HeaderContentType, a.ContentType)
	hdr.Set(echo.HeaderContentDisposition, contentDisposition(a.FileName))
	hdr.Set(echo.HeaderXContentTypeOptions, "nosniff")
	hdr.Set(echo.HeaderContentSecurityPolicy, "default-src 'none'; sandbox")
	hdr.Set("Cache-Control", "private, no-cache")
	if a.SHA256 != "" {
		hdr.Set("ETag", `"`+a.SHA256+`"`)
	}
	http.ServeContent(c.Response(), c.Request(), "", a.CreatedAt, f)
	return nil
}

// contentDisposition is "attachment" with the name as an RFC 8187
// extended parameter: filename*, in UTF-8, percent-encoded.
func contentDisposition(name string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	b.WriteString("attachment; filename*=UTF-8''")
	for i := 0; i < len(name); i++ {
		ch := name[i]
		if ch < utf8.RuneSelf && (ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' ||
			strings.IndexByte("!#$&+-.^_`|~", ch) >= 0) {
			b.WriteByte(ch)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[ch>>4])
		b.WriteByte(hexDigits[ch&0x0f])
	}
	return b.String()
}
