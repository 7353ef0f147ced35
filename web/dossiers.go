package web

import (
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/errs"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/service"
	"github.com/motcua/motcua/workflow"
)

// dossierRoutes are the investor's dossiers, the new-dossier wizard and
// the dossier page every role opens, with its actions and files.
func (w *app) dossierRoutes(r *router) {
	r.get("/dossiers", w.myDossiers, signedIn())
	r.get("/dossiers/new", w.wizard, signedIn(investor))
	r.post("/dossiers/new", w.fileDossier, signedIn(investor))
	r.get("/dossiers/:code", w.dossier, signedIn())
	r.post("/dossiers/:code/events/:event", w.fire, signedIn())
	r.get("/dossiers/:code/attachments/:id", w.attachment, signedIn())
}

// myDossiers answers GET /dossiers: an investor's dossiers with every
// board, newest first; staff search their board's instead.
func (w *app) myDossiers(c echo.Context) error {
	p := principalOf(c)
	if p.Role() != investor {
		return redirect(c, "/desk/search")
	}
	page, err := w.svc.Search(c.Request().Context(), p, service.SearchQuery{Sort: "newest", Cursor: c.QueryParam("after")})
	if err != nil {
		return err
	}
	pg := w.page(c, "dossiers.title")
	pg.Data = page
	return w.render(c, statusOK, "dossiers/list", pg)
}

// dossierData is the dossier page: the service's detail, the action
// whose form was refused (to show it open, with its messages), and
// whether the dossier was just filed.
type dossierData struct {
	*service.DossierDetail
	Active string
	Done   string
}

// dossier answers GET /dossiers/:code.
func (w *app) dossier(c echo.Context) error {
	d, err := w.svc.Detail(c.Request().Context(), principalOf(c), c.Param("code"))
	if err != nil {
		return err
	}
	p := w.page(c, "")
	p.Title = d.View.Code
	p.Form = newForm(nil)
	data := &dossierData{DossierDetail: d}
	if done := c.QueryParam("done"); done != "" {
		data.Done = done
		p.Flash = p.T("dossier.done", "Event", p.Text(d.Name(done)))
	}
	if c.QueryParam("filed") != "" {
		p.Flash = p.T("dossier.filed", "Code", d.View.Code)
	}
	p.Data = data
	return w.render(c, statusOK, "dossiers/show", p)
}

// fire answers an action's form: the event with what its form carries
// (comment, missing items, assignee, extension, result, investment,
// documents), fired with its files in one transaction. A refusal shows
// the page again with the form open and the message on its field.
func (w *app) fire(c echo.Context) error {
	code, event := c.Param("code"), c.Param("event")
	v, err := formValues(c)
	if err != nil {
		return err
	}
	req, err := eventRequest(event, v)
	var files []service.FileInput
	if err == nil {
		files, err = uploadedFiles(c)
		defer closeAll(files)
	}
	if err == nil {
		_, _, err = w.svc.FireWithFiles(c.Request().Context(), principalOf(c), code, req, files)
	}
	if err != nil {
		return w.refusedAction(c, code, event, v, err)
	}
	return redirect(c, "/dossiers/"+url.PathEscape(code)+"?done="+url.QueryEscape(event))
}

// refusedAction shows the dossier page again with the refused form open.
func (w *app) refusedAction(c echo.Context, code, event string, v url.Values, err error) error {
	d, derr := w.svc.Detail(c.Request().Context(), principalOf(c), code)
	if derr != nil {
		return derr
	}
	p := w.page(c, "")
	p.Title = d.View.Code
	p.Form = newForm(v)
	p.Data = &dossierData{DossierDetail: d, Active: event}
	return w.formError(c, p, "dossiers/show", err)
}

// eventRequest reads an action's form.
func eventRequest(event string, v url.Values) (service.EventRequest, error) {
	req := service.EventRequest{Event: event, Comment: v.Get("comment")}
	var err error
	if req.Version, err = strconv.Atoi(v.Get("version")); err != nil {
		return req, errs.Invalid("version", "thiếu phiên bản hồ sơ; hãy tải lại trang", "the dossier version is missing; reload the page")
	}
	if s := v.Get("assignee_id"); s != "" {
		id, err := strconv.ParseUint(s, 10, 32)
		if err != nil {
			return req, errs.Invalid("assignee_id", "hãy chọn một chuyên viên", "choose an officer")
		}
		u := uint(id)
		req.AssigneeID = &u
	}
	req.Missing = missingItems(v)
	if v.Has("extension.reason") || v.Has("extension.new_due_date") {
		if req.Extension, err = extensionRequest(v); err != nil {
			return req, err
		}
	}
	if m := v.Get("result.medium"); m != "" {
		req.Result = &service.ResultRequest{Medium: m, Reference: v.Get("result.reference")}
	}
	if v.Has("investment.project_code") {
		if req.Investment, err = investmentInput(v); err != nil {
			return req, err
		}
	}
	return req, nil
}

// maxMissingRows is how many rows of missing items a form offers.
const maxMissingRows = 6

// missingItems reads the filled rows of missing items (missing[i].document,
// .description, .reason).
func missingItems(v url.Values) []workflow.MissingItem {
	var out []workflow.MissingItem
	for i := 0; i < maxMissingRows; i++ {
		key := fmt.Sprintf("missing[%d].", i)
		it := workflow.MissingItem{Document: v.Get(key + "document"), Description: strings.TrimSpace(v.Get(key + "description")),
			Reason: v.Get(key + "reason")}
		if it.Document != "" || it.Description != "" || strings.TrimSpace(it.Reason) != "" {
			out = append(out, it)
		}
	}
	return out
}

// extensionRequest reads an extension proposal: the new appointment is a
// local date (yyyy-mm-dd, as a date input sends it).
func extensionRequest(v url.Values) (*service.ExtensionRequest, error) {
	day, err := time.ParseInLocation("2006-01-02", v.Get("extension.new_due_date"), deadlines.Location)
	if err != nil {
		return nil, errs.Invalid("extension.new_due_date", "ngày hẹn mới không hợp lệ", "the new appointment date is not a valid date")
	}
	return &service.ExtensionRequest{Reason: v.Get("extension.reason"), NewDueDate: day,
		ApologyLetter: v.Get("extension.apology_letter")}, nil
}

// investmentInput reads the project an investment decision describes.
func investmentInput(v url.Values) (*workflow.InvestmentInput, error) {
	in := &workflow.InvestmentInput{ProjectCode: v.Get("investment.project_code"), Name: v.Get("investment.name"),
		Capital: v.Get("investment.capital"), Currency: v.Get("investment.currency")}
	if s := v.Get("investment.zone_id"); s != "" {
		id, err := strconv.ParseUint(s, 10, 32)
		if err != nil {
			return nil, errs.Invalid("investment.zone_id", "khu công nghiệp không hợp lệ", "not a valid zone")
		}
		z := uint(id)
		in.ZoneID = &z
	}
	switch v.Get("investment.foreign") {
	case "true":
		t := true
		in.Foreign = &t
	case "false":
		f := false
		in.Foreign = &f
	}
	return in, nil
}

// sentFileName is the file name as the client sent it: the multipart
// reader keeps only its base, which would hide a path the service must
// refuse.
func sentFileName(h *multipart.FileHeader) string {
	_, params, err := mime.ParseMediaType(h.Header.Get("Content-Disposition"))
	if err != nil || params["filename"] == "" {
		return h.Filename
	}
	return params["filename"]
}

// uploadedFiles are the files of a multipart form: documents in fields
// "documents.<code>", the result in "result_file". The caller closes them.
func uploadedFiles(c echo.Context) ([]service.FileInput, error) {
	if !strings.HasPrefix(c.Request().Header.Get(echo.HeaderContentType), echo.MIMEMultipartForm) {
		return nil, nil
	}
	mf, err := c.MultipartForm()
	if err != nil {
		return nil, errs.Invalid("", "biểu mẫu gửi lên không đọc được", "the form could not be read")
	}
	var out []service.FileInput
	for field, headers := range mf.File {
		in := service.FileInput{}
		switch {
		case field == "result_file":
			in.Kind = models.AttachmentResult
		case strings.HasPrefix(field, "documents."):
			in.Kind, in.DocumentCode = models.AttachmentDocument, strings.TrimPrefix(field, "documents.")
		default:
			continue
		}
		for _, h := range headers {
			if h.Size == 0 && h.Filename == "" {
				continue // an empty file input
			}
			f, err := openPart(h)
			if err != nil {
				closeAll(out)
				return nil, err
			}
			in.Name, in.Body = sentFileName(h), f
			out = append(out, in)
		}
	}
	return out, nil
}

// openPart opens an uploaded part.
func openPart(h *multipart.FileHeader) (multipart.File, error) {
	f, err := h.Open()
	if err != nil {
		return nil, fmt.Errorf("web: open upload: %w", err)
	}
	return f, nil
}

// closeAll closes the files' bodies.
func closeAll(files []service.FileInput) {
	for _, f := range files {
		if c, ok := f.Body.(io.Closer); ok {
			c.Close()
		}
	}
}

// fileContentSecurityPolicy is the policy of a file opened in the browser.
const fileContentSecurityPolicy = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; object-src 'self'; " +
	"frame-ancestors 'self'"

// attachment answers GET /dossiers/:code/attachments/:id: a PDF or an
// image opens in the browser, anything else downloads.
func (w *app) attachment(c echo.Context) error {
	id, err := strconv.ParseUint(c.Param("id"), 10, 64)
	if err != nil {
		return errs.NotFound("id", "không có tệp này", "there is no such file")
	}
	a, f, err := w.svc.OpenAttachment(c.Request().Context(), principalOf(c), c.Param("code"), id)
	if err != nil {
		return err
	}
	defer f.Close()
	disposition := "attachment"
	switch a.ContentType {
	case service.TypePDF, service.TypePNG, service.TypeJPEG:
		disposition = "inline"
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentDisposition, fmt.Sprintf("%s; filename*=UTF-8''%s", disposition, url.PathEscape(a.FileName)))
	h.Set("Cache-Control", "private, no-store")
	// a file is not a page: the browser's own PDF and image viewers need
	// their plugin and styles; nothing of ours runs in it.
	h.Set("Content-Security-Policy", fileContentSecurityPolicy)
	return c.Stream(http.StatusOK, a.ContentType, f)
}
