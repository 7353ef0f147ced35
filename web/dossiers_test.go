package web_test

import (
	"context"
	"io/fs"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/motcua/motcua/errs"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/models/modelstest"
	"github.com/motcua/motcua/service"
	"github.com/motcua/motcua/web/webtest"
)

// requiredFiles are a PDF for every required document of a construction
// permit for new works, in the version in force at the site's clock.
func requiredFiles(t *testing.T, s *webtest.Site, procedure, variant string) map[string][]webtest.File {
	t.Helper()
	p, err := s.Engine.Catalogue().Procedure(procedure)
	if err != nil {
		t.Fatal(err)
	}
	v, err := p.VersionAt(s.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]webtest.File{}
	for _, code := range v.RequiredDocuments(variant) {
		files["documents."+code] = []webtest.File{webtest.PDF(code+".pdf", "tài liệu "+code)}
	}
	if len(files) == 0 {
		t.Fatal("the variant requires no document: the test would prove nothing")
	}
	return files
}

// fileOnline files a construction permit through the wizard as investor
// and returns its code.
func fileOnline(t *testing.T, s *webtest.Site, c *webtest.Client, applicant string) string {
	t.Helper()
	r := c.Get(t, "/dossiers/new?board=HBI&procedure=construction-permit&variant=new")
	key := regexp.MustCompile(`name="idempotency_key" value="([0-9a-f]+)"`).FindStringSubmatch(r.Body)
	if r.Status != http.StatusOK || key == nil || !strings.Contains(r.Body, "hẹn trả kết quả vào") {
		t.Fatalf("wizard step 4: %d\n%s", r.Status, r.Body)
	}
	form := url.Values{"board": {"HBI"}, "procedure": {"construction-permit"}, "variant": {"new"},
		"idempotency_key": {key[1]}, "applicant_name": {applicant}, "applicant_tax_code": {"0101234567"},
		"title": {"Nhà xưởng số 2"}}
	r = c.PostFiles(t, "/dossiers/new", form, requiredFiles(t, s, "construction-permit", "new"))
	m := regexp.MustCompile(`^/dossiers/([^/?]+)\?filed=1$`).FindStringSubmatch(r.URL)
	if r.Status != http.StatusOK || m == nil || !strings.Contains(r.Body, "Đã nộp hồ sơ") {
		t.Fatalf("filing: %d at %s\n%s", r.Status, r.URL, r.Body)
	}
	return m[1]
}

// TestWizard: the wizard walks board, procedure, variant, then files the
// dossier with one file per document and shows the appointment before.
func TestWizard(t *testing.T) {
	t.Parallel()
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := webtest.New(t, db)
		c := s.Client(t)
		c.Login(t, "investor")
		for path, want := range map[string]string{
			"/dossiers/new":           "Chọn Ban Quản lý tiếp nhận hồ sơ",
			"/dossiers/new?board=HBI": "Chọn thủ tục",
			"/dossiers/new?board=HBI&procedure=construction-permit": "Chọn trường hợp của hồ sơ",
			"/dossiers/new?board=XXX":                               "Không có Ban Quản lý này",
		} {
			if r := c.Get(t, path); r.Status != http.StatusOK || !strings.Contains(r.Body, want) {
				t.Fatalf("%s: %d, want %q", path, r.Status, want)
			}
		}
		code := fileOnline(t, s, c, "Công ty TNHH Nhà Máy Xanh")
		r := c.Get(t, "/dossiers/"+code)
		for _, want := range []string{"Công ty TNHH Nhà Máy Xanh", "application_form.pdf", "Trực tuyến", "Nhà xưởng số 2"} {
			if !strings.Contains(r.Body, want) {
				t.Errorf("dossier page lacks %q", want)
			}
		}
		var atts []models.Attachment
		db.Where("dossier_id = (SELECT id FROM dossiers WHERE code = ?)", code).Find(&atts)
		if len(atts) != len(requiredFiles(t, s, "construction-permit", "new")) || atts[0].StorageKey == "" {
			t.Fatalf("attachments %+v", atts)
		}
		if !atts[0].CreatedAt.Equal(s.Clock.Now()) {
			t.Fatalf("a document filed at %s is recorded at %s", s.Clock.Now(), atts[0].CreatedAt)
		}
		if r := c.Get(t, "/dossiers"); !strings.Contains(r.Body, code) {
			t.Fatal("my dossiers does not list the new one")
		}
	})
}

// TestWizardRefusesWithNothingWritten: a file of a type not accepted, or
// a missing applicant name, is refused on its field, and no dossier, no
// row and no file is left behind.
func TestWizardRefusesWithNothingWritten(t *testing.T) {
	t.Parallel()
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := webtest.New(t, db)
		c := s.Client(t)
		c.Login(t, "investor")
		base := url.Values{"board": {"HBI"}, "procedure": {"construction-permit"}, "variant": {"new"},
			"applicant_name": {"Công ty A"}}
		files := requiredFiles(t, s, "construction-permit", "new")
		bad := map[string][]webtest.File{}
		for k, v := range files {
			bad[k] = v
		}
		bad["documents.application_form"] = []webtest.File{{Name: "don.exe", Body: []byte("MZ\x90\x00 not a document")}}
		c.Get(t, "/dossiers/new?board=HBI&procedure=construction-permit&variant=new")
		r := c.PostFiles(t, "/dossiers/new", base, bad)
		if r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "hỉ nhận tệp PDF") ||
			!strings.Contains(r.Body, `id="doc-application_form-error"`) {
			t.Fatalf("bad file type: %d\n%s", r.Status, r.Body)
		}
		noName := url.Values{}
		for k, v := range base {
			noName[k] = v
		}
		noName.Set("applicant_name", "  ")
		r = c.PostFiles(t, "/dossiers/new", noName, files)
		if r.Status != http.StatusBadRequest || !strings.Contains(r.Body, `id="f-applicant-name-error"`) {
			t.Fatalf("no applicant name: %d\n%s", r.Status, r.Body)
		}
		var n int64
		db.Model(&models.Dossier{}).Count(&n)
		var a int64
		db.Model(&models.Attachment{}).Count(&a)
		if n != 0 || a != 0 || countFiles(t, s.DataDir) != 0 {
			t.Fatalf("after refusals: %d dossiers, %d attachments, %d files", n, a, countFiles(t, s.DataDir))
		}
	})
}

// countFiles counts the regular files under dir.
func countFiles(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			n++
		}
		return nil
	})
	return n
}

// TestWizardTwiceFilesOnce: the same form sent twice (a double click, a
// reload) files one dossier.
func TestWizardTwiceFilesOnce(t *testing.T) {
	t.Parallel()
	s := webtest.New(t, modelstest.SQLite(t))
	c := s.Client(t)
	c.Login(t, "investor")
	c.Get(t, "/dossiers/new?board=HBI&procedure=construction-permit&variant=new")
	form := url.Values{"board": {"HBI"}, "procedure": {"construction-permit"}, "variant": {"new"},
		"idempotency_key": {"same-form-twice"}, "applicant_name": {"Công ty B"}}
	files := requiredFiles(t, s, "construction-permit", "new")
	first := c.PostFiles(t, "/dossiers/new", form, files)
	second := c.PostFiles(t, "/dossiers/new", form, files)
	if first.URL != second.URL {
		t.Fatalf("two dossiers: %s and %s", first.URL, second.URL)
	}
	var n int64
	s.DB.Model(&models.Dossier{}).Count(&n)
	if n != 1 || countFiles(t, s.DataDir) != len(files) {
		t.Fatalf("%d dossiers, %d files", n, countFiles(t, s.DataDir))
	}
}

// TestDeskFlowThroughPages: the officer asks for completion at intake,
// the investor reads the officer's words and completes it with a file,
// the officer receives it; the officer proposes an extension and the
// leader approves it; the officer proposes a decision and the leader
// approves it with the result file, which the investor then downloads.
func TestDeskFlowThroughPages(t *testing.T) {
	t.Parallel()
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := webtest.New(t, db)
		inv := s.Client(t)
		inv.Login(t, "investor")
		code := fileOnline(t, s, inv, "Công ty TNHH Thép Sông Đà")
		off, lead := s.Client(t), s.Client(t)
		off.Login(t, "hbi.officer")
		lead.Login(t, "hbi.leader")
		if r := off.Get(t, "/desk/intake"); !strings.Contains(r.Body, code) {
			t.Fatal("the intake queue does not list the new dossier")
		}
		act(t, off, code, "request_completion", url.Values{"missing[0].document": {"land_rights"},
			"missing[0].reason": {"Thiếu bản sao có chứng thực"}, "comment": {"Đề nghị bổ sung trong 5 ngày"}}, nil)
		r := inv.Get(t, "/dossiers/"+code)
		for _, want := range []string{"Việc bạn cần làm", "Thiếu bản sao có chứng thực", "Đề nghị bổ sung trong 5 ngày",
			"Giấy tờ hợp pháp về quyền sử dụng đất"} {
			if !strings.Contains(r.Body, want) {
				t.Fatalf("the investor does not see %q", want)
			}
		}
		act(t, inv, code, "complete", url.Values{"comment": {"Đã bổ sung"}},
			map[string][]webtest.File{"documents.land_rights": {webtest.PDF("qsdd.pdf", "quyền sử dụng đất")}})
		act(t, off, code, "receive", nil, nil)
		act(t, off, code, "assign", url.Values{"assignee_id": {idOf(s, "hbi.officer")}}, nil)
		if r := lead.Get(t, "/dossiers/"+code); strings.Contains(r.Body, "/events/approve_extension") {
			t.Fatal("the leader is offered to approve an extension nobody proposed")
		}
		act(t, off, code, "propose_extension", url.Values{"extension.new_due_date": {"2026-12-31"},
			"extension.reason": {"Chờ ý kiến Sở Xây dựng"}, "extension.apology_letter": {"Ban Quản lý xin lỗi quý công ty."}}, nil)
		if r := off.Get(t, "/dossiers/"+code); strings.Contains(r.Body, "/events/propose_extension") {
			t.Fatal("a second extension is offered while one awaits the leader")
		}
		if r := lead.Get(t, "/decisions"); !strings.Contains(r.Body, code) || !strings.Contains(r.Body, "Đang chờ duyệt gia hạn") {
			t.Fatal("the leader's queue does not show the proposed extension")
		}
		if r := lead.Get(t, "/dossiers/"+code); !strings.Contains(r.Body, "Chờ ý kiến Sở Xây dựng") {
			t.Fatal("the leader does not see the proposal's reason")
		}
		act(t, lead, code, "approve_extension", nil, nil)
		if r := inv.Get(t, "/dossiers/"+code); !strings.Contains(r.Body, "31/12/2026") {
			t.Fatal("the new appointment is not on the investor's page")
		}
		act(t, off, code, "propose", nil, nil)
		result := webtest.PDF("giay-phep.pdf", "GIẤY PHÉP XÂY DỰNG số 12/GPXD")
		act(t, lead, code, "approve", url.Values{"result.medium": {"electronic"}, "result.reference": {"12/GPXD-BQL"}},
			map[string][]webtest.File{"result_file": {result}})
		if r := inv.Get(t, "/dossiers/"+code); strings.Contains(r.Body, "Tải kết quả") {
			t.Fatal("the investor sees the result before it is returned")
		}
		act(t, off, code, "return_result", nil, nil)
		r = inv.Get(t, "/dossiers/"+code)
		link := regexp.MustCompile(`href="(/dossiers/[^"]+/attachments/\d+)" download`).FindStringSubmatch(r.Body)
		if link == nil {
			t.Fatalf("no result link for the investor\n%s", r.Body)
		}
		if got := inv.Get(t, link[1]); got.Status != http.StatusOK || got.Body != string(result.Body) ||
			got.Header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("result download: %d %q", got.Status, got.Header.Get("Content-Type"))
		}
	})
}

// idOf is a user's id as a form sends it.
func idOf(s *webtest.Site, username string) string {
	return strconv.FormatUint(uint64(s.Users[username].ID), 10)
}

// act fires an event through its form on the dossier page, as the
// client, and fails unless the page says it was done.
func act(t *testing.T, c *webtest.Client, code, event string, form url.Values, files map[string][]webtest.File) {
	t.Helper()
	page := c.Get(t, "/dossiers/"+code)
	version := regexp.MustCompile(`action="/dossiers/[^"]+/events/` + event + `"[^>]*>\s*<input type="hidden" name="_csrf" value="[^"]*">\s*<input type="hidden" name="version" value="(\d+)"`).FindStringSubmatch(page.Body)
	if version == nil {
		t.Fatalf("%s: the page offers no %s form\n%s", code, event, page.Body)
	}
	if form == nil {
		form = url.Values{}
	}
	form.Set("version", version[1])
	r := c.PostFiles(t, "/dossiers/"+code+"/events/"+event, form, files)
	if r.Status != http.StatusOK || !strings.Contains(r.URL, "?done="+event) {
		msg := regexp.MustCompile(`(?s)role="alert"[^>]*>(.*?)</div>`).FindStringSubmatch(r.Body)
		t.Fatalf("%s %s: %d at %s: %v", code, event, r.Status, r.URL, msg)
	}
}

// TestWalkIn: the officer files a walk-in applicant's dossier, ticking the
// papers received, and receives it at once: the browser goes to form 01
// to print. Without the required papers the dossier is filed but not
// received, and the page says why.
func TestWalkIn(t *testing.T) {
	t.Parallel()
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := webtest.New(t, db)
		off := s.Client(t)
		off.Login(t, "hbi.officer")
		page := off.Get(t, "/desk/file?procedure=construction-permit&variant=new")
		if !strings.Contains(page.Body, "Đã nhận bản giấy") || !strings.Contains(page.Body, "hẹn trả kết quả vào") {
			t.Fatalf("walk-in form:\n%s", page.Body)
		}
		form := url.Values{"procedure": {"construction-permit"}, "variant": {"new"}, "channel": {"direct"},
			"applicant_name": {"Ông Nguyễn Văn Bình"}, "receive_now": {"1"}}
		for k := range requiredFiles(t, s, "construction-permit", "new") {
			form.Add("paper", strings.TrimPrefix(k, "documents."))
		}
		r := off.PostFiles(t, "/desk/file", form, nil)
		m := regexp.MustCompile(`^/dossiers/([^/]+)/forms/receipt$`).FindStringSubmatch(r.URL)
		if m == nil || r.Status != http.StatusOK || !strings.Contains(r.Body, "Ông Nguyễn Văn Bình") ||
			!strings.Contains(r.Body, "Mẫu số 01") {
			t.Fatalf("walk-in: at %s (%d): not the receipt to print", r.URL, r.Status)
		}
		var d models.Dossier
		if err := db.Where("code = ?", m[1]).Take(&d).Error; err != nil || d.State != "received" || d.Channel != "direct" {
			t.Fatalf("walk-in dossier %+v %v", d, err)
		}
		off.Get(t, "/desk/file?procedure=construction-permit&variant=new")
		form.Del("paper")
		form.Set("applicant_name", "Bà Trần Thị Cúc")
		r = off.PostFiles(t, "/desk/file", form, nil)
		if r.Status == http.StatusOK || !strings.Contains(r.Body, "Bà Trần Thị Cúc") || !strings.Contains(r.Body, `role="alert"`) {
			t.Fatalf("receipt without the papers: %d at %s", r.Status, r.URL)
		}
		var states []string
		db.Model(&models.Dossier{}).Order("id").Pluck("state", &states)
		if strings.Join(states, ",") != "received,submitted" {
			t.Fatalf("states %v", states)
		}
	})
}

// TestPaperNotesAreTheDesks: an investor cannot note a paper as received.
func TestPaperNotesAreTheDesks(t *testing.T) {
	t.Parallel()
	s := webtest.New(t, modelstest.SQLite(t))
	_, _, err := s.Svc.SubmitWithFiles(context.Background(), s.Principal(t, "investor"), service.SubmitRequest{Board: "HBI",
		Procedure: "construction-permit", Variant: "new", ApplicantName: "Công ty C"}, "",
		[]service.FileInput{{DocumentCode: "application_form"}})
	if errs.KindOf(err) != errs.KindForbidden {
		t.Fatalf("an investor noting a paper: %v", err)
	}
}
