package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"gorm.io/gorm"

	"github.com/motcua/motcua/config"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/service"
	"github.com/motcua/motcua/workflow"
)

// caller is one column of the access matrix: a role in a relation to the
// fixture's dossiers, which all belong to the investor "inv" and board HBI.
type caller int

// The columns of the matrix, in the order every want lists them.
const (
	anon caller = iota // no login
	inv                // investor, own dossier
	inv2               // investor, another investor's dossier
	off                // officer of HBI (own board)
	lea                // leader of HBI
	man                // manager of HBI
	adm                // administrator of HBI
	xoff               // officer of BGG (other board)
	xlea               // leader of BGG
	xman               // manager of BGG
	xadm               // administrator of BGG
	root               // deployment administrator (no board)
	nCallers
)

// callerNames name the columns in subtest names (route × role × relation).
var callerNames = [nCallers]string{"no-login", "investor×own-dossier", "investor×other-investor", "officer×own-board",
	"leader×own-board", "manager×own-board", "admin×own-board", "officer×other-board", "leader×other-board",
	"manager×other-board", "admin×other-board", "admin×deployment"}

// callerUsers are the accounts behind the columns.
var callerUsers = [nCallers]string{"", "inv", "inv2", "hbi.officer", "hbi.leader", "hbi.manager", "hbi.admin",
	"bgg.officer", "bgg.leader", "bgg.manager", "bgg.admin", "root.admin"}

// matrixPassword is every fixture account's password.
const matrixPassword = "mật-khẩu-ma-trận-1"

// matrixFixture is the composed server (API and pages, as in production)
// on a database with two boards, their staff, two investors and dossiers
// in useful states, built through the service layer.
type matrixFixture struct {
	db    *gorm.DB
	svc   *service.Service
	url   string
	http  *http.Client
	users map[string]*models.User
	board map[string]*models.Board
	// tokens are the callers' sign-ins (the API's bearer token and the
	// pages' session cookie are the same token).
	tokens [nCallers]string
	// csrf are the callers' CSRF cookie and a form token that goes with it.
	csrfCookie, csrfToken [nCallers]string
	// ids fill the path parameters: {submitted}, {received}, {decided},
	// {returned}, {doc}, {result}, {alert}, {notif}, {user}, {board}, ...
	ids  map[string]string
	data string
	seq  atomic.Uint32 // numbers the requests, for their addresses
	// routes are the composed server's routes (Echo's list).
	routes []*echo.Route
}

func newMatrixFixture(t *testing.T, db *gorm.DB) *matrixFixture {
	t.Helper()
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	// Behind a proxy on this machine: every request comes from an address
	// of its own (X-Forwarded-For), so that the per-address throttling of
	// tracking and sign-in counts no row against another.
	cfg.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	eng, err := loadEngine(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := syncCatalogue(context.Background(), db, eng); err != nil {
		t.Fatal(err)
	}
	h, err := newServer(cfg, db, eng, quiet)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	f := &matrixFixture{routes: routesOf(h), db: db, svc: newService(cfg, db, nil, eng, quiet), url: srv.URL, data: cfg.DataDir,
		users: map[string]*models.User{}, board: map[string]*models.Board{}, ids: map[string]string{},
		http: &http.Client{Timeout: 30 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	f.seedAccounts(t)
	f.seedDossiers(t)
	for c := inv; c < nCallers; c++ {
		f.tokens[c] = f.login(t, callerUsers[c])
	}
	for c := anon; c < nCallers; c++ {
		f.csrfCookie[c], f.csrfToken[c] = f.csrf(t, f.tokens[c])
	}
	home := f.do(t, request{method: http.MethodGet, path: "/procedures"})
	css := regexp.MustCompile(`/static/(app\.[0-9a-f]+\.css)`).FindStringSubmatch(home.body)
	if css == nil {
		t.Fatal("no stylesheet on /procedures")
	}
	f.ids["css"] = css[1]
	return f
}

// seedAccounts creates the boards HBI and BGG, a zone each, and the users.
func (f *matrixFixture) seedAccounts(t *testing.T) {
	t.Helper()
	for _, b := range []models.Board{
		{Code: "HBI", NameVI: "Ban Quản lý các khu công nghiệp tỉnh Hòa Bình", NameEN: "Hoa Binh IZA", AgencyCode: "000.20.30.H33"},
		{Code: "BGG", NameVI: "Ban Quản lý các khu công nghiệp tỉnh Bắc Giang", NameEN: "Bac Giang IZA", AgencyCode: "000.20.24.H06"},
	} {
		b := b
		if err := f.db.Create(&b).Error; err != nil {
			t.Fatal(err)
		}
		f.board[b.Code] = &b
		if err := f.db.Create(&models.Zone{BoardID: b.ID, Name: "KCN " + b.Code + " 1"}).Error; err != nil {
			t.Fatal(err)
		}
	}
	hash, err := models.HashPassword(matrixPassword)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	for _, u := range []struct{ name, role, board string }{
		{"inv", "investor", ""}, {"inv2", "investor", ""},
		{"hbi.officer", "officer", "HBI"}, {"hbi.leader", "leader", "HBI"}, {"hbi.manager", "manager", "HBI"},
		{"hbi.admin", "admin", "HBI"}, {"bgg.officer", "officer", "BGG"}, {"bgg.leader", "leader", "BGG"},
		{"bgg.manager", "manager", "BGG"}, {"bgg.admin", "admin", "BGG"}, {"root.admin", "admin", ""},
	} {
		row := &models.User{Username: u.name, FullName: "Người dùng " + u.name + " " + matrixScript, Role: u.role, Email: u.name + "@example.vn",
			PasswordHash: hash, Active: true, EmailVerifiedAt: &now}
		if u.board != "" {
			row.BoardID = &f.board[u.board].ID
		}
		if err := f.db.Create(row).Error; err != nil {
			t.Fatal(err)
		}
		f.users[u.name] = row
	}
	f.ids["user"] = fmt.Sprint(f.users["hbi.officer"].ID)
	f.ids["board"] = fmt.Sprint(f.board["HBI"].ID)
}

// principal signs username in through the service.
func (f *matrixFixture) principal(t *testing.T, username string) *service.Principal {
	t.Helper()
	s, err := f.svc.Login(context.Background(), service.Credentials{Username: username, Password: matrixPassword, IP: "10.9.9.9"})
	if err != nil {
		t.Fatalf("sign in %s: %v", username, err)
	}
	return s.Principal
}

// login signs username in and returns the token.
func (f *matrixFixture) login(t *testing.T, username string) string {
	t.Helper()
	s, err := f.svc.Login(context.Background(), service.Credentials{Username: username, Password: matrixPassword, IP: "10.9.9.9"})
	if err != nil {
		t.Fatalf("sign in %s: %v", username, err)
	}
	return s.Token
}

// matrixPDF is a small PDF the upload checks accept.
func matrixPDF() []byte {
	return []byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n" +
		"trailer<</Root 1 0 R>>\n%%EOF\n")
}

// matrixScript is the script every text field of the fixture carries.
const matrixScript = `<script>alert("xss")</script>`

// seedDossiers files the investor's dossiers with HBI through the service
// and moves them on: submitted, received with attachments, decided with
// a result file, returned; inv2 has one of their own. Every text field
// carries a script, which the pages must render escaped.
func (f *matrixFixture) seedDossiers(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	investor, investor2 := f.principal(t, "inv"), f.principal(t, "inv2")
	officer, leader := f.principal(t, "hbi.officer"), f.principal(t, "hbi.leader")
	p, err := f.svc.Engine().Catalogue().Procedure("construction-permit")
	if err != nil {
		t.Fatal(err)
	}
	v, err := p.VersionAt(f.svc.Now())
	if err != nil {
		t.Fatal(err)
	}
	file := func(who *service.Principal, applicant string, board ...string) *service.DossierView {
		t.Helper()
		if len(board) == 0 {
			board = []string{"HBI"}
		}
		var files []service.FileInput
		for _, c := range v.RequiredDocuments("new") {
			files = append(files, service.FileInput{DocumentCode: c, Name: c + ".pdf", Body: bytes.NewReader(matrixPDF())})
		}
		d, _, err := f.svc.SubmitWithFiles(ctx, who, service.SubmitRequest{Board: board[0], Procedure: "construction-permit",
			Variant: "new", Title: "Nhà xưởng " + matrixScript, ApplicantName: applicant, ApplicantTaxCode: "0101234567",
			ApplicantEmail: "a@example.vn", ApplicantPhone: "0912345678"}, "", files)
		if err != nil {
			t.Fatalf("file a dossier: %v", err)
		}
		return d
	}
	fire := func(who *service.Principal, code string, req service.EventRequest, files ...service.FileInput) {
		t.Helper()
		d, err := f.svc.Dossier(ctx, who, code)
		if err != nil {
			t.Fatal(err)
		}
		req.Version = d.Version
		if _, _, err := f.svc.FireWithFiles(ctx, who, code, req, files); err != nil {
			t.Fatalf("%s on %s: %v", req.Event, code, err)
		}
	}
	officerID := f.users["hbi.officer"].ID
	sub := file(investor, "Công ty Nộp "+matrixScript)
	f.ids["submitted"], f.ids["vsubmitted"] = sub.Code, fmt.Sprint(sub.Version)
	f.ids["other"] = file(investor2, "Công ty Khác "+matrixScript).Code
	f.ids["completion"] = file(investor, "Công ty Bổ sung "+matrixScript).Code
	fire(officer, f.ids["completion"], service.EventRequest{Event: "request_completion", Comment: "Thiếu " + matrixScript,
		Missing: []workflow.MissingItem{{Description: "Bản vẽ " + matrixScript, Reason: "Lý do " + matrixScript}}})
	f.ids["bggdossier"] = file(investor2, "Công ty Bắc Giang "+matrixScript, "BGG").Code
	codes := map[string]string{}
	for _, k := range []string{"received", "pending", "decided", "returned"} {
		codes[k] = file(investor, "Công ty "+k+" "+matrixScript).Code
		fire(officer, codes[k], service.EventRequest{Event: "receive", Comment: "Tiếp nhận " + matrixScript})
		f.ids[k] = codes[k]
	}
	for _, k := range []string{"pending", "decided", "returned"} {
		fire(officer, codes[k], service.EventRequest{Event: "assign", AssigneeID: &officerID})
		fire(officer, codes[k], service.EventRequest{Event: "propose", Comment: "Đề xuất " + matrixScript})
	}
	for _, k := range []string{"decided", "returned"} {
		fire(leader, codes[k], service.EventRequest{Event: "approve", Comment: "Duyệt " + matrixScript,
			Result: &service.ResultRequest{Medium: "electronic", Reference: "45/GPXD-BQL " + matrixScript}},
			service.FileInput{Kind: models.AttachmentResult, Name: "ket-qua.pdf", Body: bytes.NewReader(matrixPDF())})
	}
	fire(officer, codes["returned"], service.EventRequest{Event: "return_result", Comment: "Trả " + matrixScript})
	rec, err := models.GetDossierByCode(ctx, f.db, codes["received"])
	if err != nil {
		t.Fatal(err)
	}
	f.ids["pin"] = rec.TrackingPIN
	pending, err := models.GetDossierByCode(ctx, f.db, codes["pending"])
	if err != nil {
		t.Fatal(err)
	}
	f.ids["vpending"] = fmt.Sprint(pending.Version)
	f.ids["doc"] = f.attachmentID(t, officer, codes["received"], models.AttachmentDocument)
	f.ids["result"] = f.attachmentID(t, officer, codes["decided"], models.AttachmentResult)
	f.ids["rresult"] = f.attachmentID(t, officer, codes["returned"], models.AttachmentResult)
	f.ids["notif"] = f.notificationID(t, investor)
	f.ids["alert"] = f.alertID(t, codes["received"])
}

// attachmentID is the id of the first attachment of kind on the dossier.
func (f *matrixFixture) attachmentID(t *testing.T, p *service.Principal, code string, kind models.AttachmentKind) string {
	t.Helper()
	_, atts, err := f.svc.Attachments(context.Background(), p, code)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range atts {
		if a.Kind == kind || (kind == models.AttachmentDocument && a.Kind == "") {
			return fmt.Sprint(a.ID)
		}
	}
	t.Fatalf("%s has no %q attachment", code, kind)
	return ""
}

// notificationID is the id of one of p's notifications.
func (f *matrixFixture) notificationID(t *testing.T, p *service.Principal) string {
	t.Helper()
	page, err := f.svc.Notifications(context.Background(), p, "", 10)
	if err != nil || len(page.Items) == 0 {
		t.Fatalf("no notification for %s: %v", p.User.Username, err)
	}
	return fmt.Sprint(page.Items[0].ID)
}

// alertID raises an overdue alert on the dossier for HBI's officers.
func (f *matrixFixture) alertID(t *testing.T, code string) string {
	t.Helper()
	d, err := models.GetDossierByCode(context.Background(), f.db, code)
	if err != nil {
		t.Fatal(err)
	}
	a := &models.Alert{BoardID: d.BoardID, DossierID: d.ID, Kind: models.AlertOverdue, DueAt: time.Now().UTC(),
		RecipientRole: models.RecipientOfficer, RaisedAt: time.Now().UTC()}
	if err := f.db.Create(a).Error; err != nil {
		t.Fatal(err)
	}
	return fmt.Sprint(a.ID)
}

var csrfInputRe = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// csrf reads the public tracking page (a form every caller sees) with the
// session token and returns the CSRF cookie and a token that goes with it.
func (f *matrixFixture) csrf(t *testing.T, token string) (string, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, f.url+"/track", nil)
	if token != "" {
		req.AddCookie(&http.Cookie{Name: "motcua_session", Value: token})
	}
	res, err := f.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := csrfInputRe.FindSubmatch(body)
	cookie := ""
	for _, ck := range res.Cookies() {
		if ck.Name == "motcua_csrf" {
			cookie = ck.Value
		}
	}
	if m == nil || cookie == "" {
		// the csrf part fails on every form; the rows show what else breaks
		t.Errorf("no CSRF token on /track: %d", res.StatusCode)
		return "", ""
	}
	return cookie, strings.ReplaceAll(string(m[1]), "&#43;", "+")
}

// fill replaces the {name} placeholders of s with the fixture's ids.
func (f *matrixFixture) fill(s string) string {
	for k, v := range f.ids {
		s = strings.ReplaceAll(s, "{"+k+"}", v)
	}
	return s
}

// matrixAnswer is what the server sent.
type matrixAnswer struct {
	status int
	header http.Header
	body   string
}

// request is one request of a case.
type request struct {
	method, path string
	json         string     // an API body
	form         url.Values // a page form (the CSRF token is added unless noCSRF)
	multipart    *multipartBody
	noCSRF       bool
	token        string // the session: bearer for the API, cookie for pages
	csrfCookie   string
	csrfToken    string
}

// multipartBody is a multipart form: fields and one file.
type multipartBody struct {
	fields      map[string]string
	field, name string
	content     []byte
}

// do sends r and reads the answer; redirects are not followed.
func (f *matrixFixture) do(t *testing.T, r request) matrixAnswer {
	t.Helper()
	var body io.Reader
	ctype := ""
	api := strings.HasPrefix(r.path, "/api/")
	switch {
	case r.multipart != nil:
		b, ct := r.multipart.encode(t, r, api)
		body, ctype = b, ct
	case r.json != "":
		body, ctype = strings.NewReader(r.json), "application/json"
	case r.form != nil || (!api && r.method == http.MethodPost):
		form := url.Values{}
		for k, v := range r.form {
			form[k] = v
		}
		if !r.noCSRF && r.csrfToken != "" {
			form.Set("_csrf", r.csrfToken)
		}
		body, ctype = strings.NewReader(form.Encode()), "application/x-www-form-urlencoded"
	}
	req, err := http.NewRequest(r.method, f.url+r.path, body)
	if err != nil {
		t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if r.token != "" {
		if api {
			req.Header.Set("Authorization", "Bearer "+r.token)
		} else {
			req.AddCookie(&http.Cookie{Name: "motcua_session", Value: r.token})
		}
	}
	n := f.seq.Add(1)
	req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.%d", n>>16&255, n>>8&255, n&255))
	if r.csrfCookie != "" && !api {
		req.AddCookie(&http.Cookie{Name: "motcua_csrf", Value: r.csrfCookie})
	}
	res, err := f.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return matrixAnswer{status: res.StatusCode, header: res.Header, body: string(raw)}
}

// encode writes the multipart body, with the CSRF token for a page.
func (m *multipartBody) encode(t *testing.T, r request, api bool) (io.Reader, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range m.fields {
		mw.WriteField(k, v)
	}
	if !api && !r.noCSRF && r.csrfToken != "" {
		mw.WriteField("_csrf", r.csrfToken)
	}
	if m.field != "" {
		fw, err := mw.CreateFormFile(m.field, m.name)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(m.content)
	}
	mw.Close()
	return &b, mw.FormDataContentType()
}
