package handlers

import (
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/motcua/motcua/errs"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/service"
)

// Upload limits of the multipart body.
const (
	// multipartOverhead is what the body may carry besides the file: part
	// headers and the text fields.
	multipartOverhead = 2 << 20
	// maxFieldSize caps a text field of the upload form.
	maxFieldSize = 1 << 10
)

// attachmentJSON is an attachment as the API shows it.
type attachmentJSON struct {
	ID           uint64 `json:"id"`
	Kind         string `json:"kind"`
	DocumentCode string `json:"document_code"`
	FileName     string `json:"file_name"`
	ContentType  string `json:"content_type"`
	Size         int64  `json:"size"`
	SHA256       string `json:"sha256"`
	CreatedAt    string `json:"created_at"`
}

func toAttachmentJSON(a *models.Attachment) attachmentJSON {
	return attachmentJSON{ID: a.ID, Kind: string(a.Kind), DocumentCode: a.DocumentCode, FileName: a.FileName, ContentType: a.ContentType,
		Size: a.Size, SHA256: a.SHA256, CreatedAt: rfc3339(a.CreatedAt)}
}

// upload answers POST /dossiers/{code}/attachments[?kind=result] (multipart:
// file, document_code). A refused upload leaves nothing on disk or in the
// database.
func (a *api) upload(c echo.Context) error {
	if err := queryOnly(c, "kind"); err != nil {
		return err
	}
	req := c.Request()
	if req.ContentLength > service.MaxFileSize+multipartOverhead {
		return bodyError(&http.MaxBytesError{Limit: service.MaxFileSize + multipartOverhead})
	}
	req.Body = http.MaxBytesReader(c.Response(), req.Body, service.MaxFileSize+multipartOverhead)
	// Read what is left (bounded by the limit above), so that the client
	// gets the answer instead of a reset connection.
	defer io.Copy(io.Discard, req.Body)
	u, err := a.svc.BeginUpload(req.Context(), principal(c), c.Param("code"), models.AttachmentKind(c.QueryParam("kind")))
	if err != nil {
		return err
	}
	defer u.Close()
	fields, err := readUploadForm(req, u)
	if err != nil {
		return err
	}
	att, err := u.Commit(req.Context(), fields["document_code"])
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toAttachmentJSON(att))
}

// uploadFields are the text fields an upload form may carry.
var uploadFields = []string{"document_code"}

// readUploadForm streams the multipart body: the file part into the
// upload, the text fields into memory; any other part is refused.
func readUploadForm(req *http.Request, u *service.Upload) (map[string]string, error) {
	mr, err := req.MultipartReader()
	if err != nil {
		return nil, errs.Invalid("body", "nội dung phải là multipart/form-data", "the body must be multipart/form-data")
	}
	fields := map[string]string{}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return fields, nil
		}
		if err != nil {
			return nil, bodyError(err)
		}
		err = readPart(part, u, fields)
		part.Close()
		if err != nil {
			return nil, err
		}
	}
}

// readPart reads one part of the upload form.
func readPart(part *multipart.Part, u *service.Upload, fields map[string]string) error {
	name := part.FormName()
	switch {
	case name == "file":
		return u.Receive(part, sentFileName(part))
	case contains(uploadFields, name):
		v, err := readField(part, name)
		fields[name] = v
		return err
	}
	return errs.Invalid(name, "trường "+name+" không được hỗ trợ ở đây", "form field "+name+" is not accepted here")
}

// sentFileName is the file name as the client sent it: Part.FileName
// keeps only its base, which would hide a path the service must refuse.
func sentFileName(part *multipart.Part) string {
	_, params, err := mime.ParseMediaType(part.Header.Get("Content-Disposition"))
	if err != nil || params["filename"] == "" {
		return part.FileName()
	}
	return params["filename"]
}

// readField reads a short text field.
func readField(part *multipart.Part, field string) (string, error) {
	b, err := io.ReadAll(io.LimitReader(part, maxFieldSize+1))
	if err != nil {
		return "", bodyError(err)
	}
	if len(b) > maxFieldSize || !utf8.Valid(b) {
		return "", errs.Invalid(field, field+" quá dài hoặc không hợp lệ", field+" is too long or not valid text")
	}
	return strings.TrimSpace(string(b)), nil
}

// contains reports whether list holds s.
func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// attachments answers GET /dossiers/{code}/attachments.
func (a *api) attachments(c echo.Context) error {
	if err := queryOnly(c); err != nil {
		return err
	}
	d, atts, err := a.svc.Attachments(c.Request().Context(), principal(c), c.Param("code"))
	if err != nil {
		return err
	}
	rows := make([]attachmentJSON, len(atts))
	for i := range atts {
		rows[i] = toAttachmentJSON(&atts[i])
	}
	return c.JSON(http.StatusOK, map[string]any{"code": d.Code, "attachments": rows})
}

// download answers GET /dossiers/{code}/attachments/{id}: the file, as an
// attachment, with the content type detected at upload.
func (a *api) download(c echo.Context) error {
	if err := queryOnly(c); err != nil {
		return err
	}
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	att, f, err := a.svc.OpenAttachment(c.Request().Context(), principal(c), c.Param("code"), id)
	if err != nil {
		return err
	}
	defer f.Close()
	hdr := c.Response().Header()
	hdr.Set(echo.HeaderContentType, att.ContentType)
	hdr.Set(echo.HeaderContentDisposition, contentDisposition(att.FileName))
	hdr.Set(echo.HeaderXContentTypeOptions, "nosniff")
	hdr.Set(echo.HeaderContentSecurityPolicy, "default-src 'none'; sandbox; frame-ancestors 'none'")
	hdr.Set("Cache-Control", "private, no-cache")
	if att.SHA256 != "" {
		hdr.Set("ETag", `"`+att.SHA256+`"`)
	}
	http.ServeContent(c.Response(), c.Request(), "", att.CreatedAt, f)
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
