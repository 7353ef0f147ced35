package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"gorm.io/gorm"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/internal/fuzztest"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/service"
	"github.com/motcua/motcua/workflow"
	"github.com/motcua/motcua/workflow/workflowtest"
)

// fuzzAPI is the API on one database, called in process (no socket):
// two boards, an investor, HBI's officer and leader, BGG's officer; one
// online dossier submitted with its papers (code), and one received
// (received), both of the investor.
type fuzzAPI struct {
	db       fuzztest.DB
	e        *echo.Echo
	dataDir  string
	tokens   map[string]string
	code     string
	received string
}

// fuzzNow is the clock of the fuzzed API: Monday 16/11/2026, 09:00.
var fuzzNow = time.Date(2026, 11, 16, 9, 0, 0, 0, deadlines.Location)

func newFuzzAPI(t testing.TB, db fuzztest.DB, eng *workflow.Engine) *fuzzAPI {
	t.Helper()
	a := &fuzzAPI{db: db, dataDir: t.TempDir(), tokens: map[string]string{}}
	svc := service.New(service.Deps{DB: db.DB, Engine: eng, DataDir: a.dataDir, Now: func() time.Time { return fuzzNow },
		Sleep: func(time.Duration) {}})
	a.e = New(Deps{Service: svc})
	boards := map[string]*models.Board{}
	for _, b := range []models.Board{{Code: "HBI", NameVI: "Ban Quản lý các KCN tỉnh Hòa Bình", AgencyCode: "000.20.30.H33"},
		{Code: "BGG", NameVI: "Ban Quản lý các KCN tỉnh Bắc Giang", AgencyCode: "000.20.24.H06"}} {
		b := b
		if err := db.Create(&b).Error; err != nil {
			t.Fatal(err)
		}
		db.Create(&models.Zone{BoardID: b.ID, Name: "KCN " + b.Code})
		boards[b.Code] = &b
	}
	hash, _ := models.HashPassword("mật-khẩu-thử")
	users := map[string]*models.User{}
	for _, u := range []struct{ name, role, board string }{{"investor", "investor", ""}, {"hbi.officer", "officer", "HBI"},
		{"hbi.leader", "leader", "HBI"}, {"bgg.officer", "officer", "BGG"}} {
		row := &models.User{Username: u.name, Role: u.role, PasswordHash: hash, Active: true, FullName: u.name, EmailVerifiedAt: &fuzzNow}
		if u.board != "" {
			row.BoardID = &boards[u.board].ID
		}
		if err := db.Create(row).Error; err != nil {
			t.Fatal(err)
		}
		users[u.name] = row
		s, err := svc.Login(context.Background(), service.Credentials{Username: u.name, Password: "mật-khẩu-thử", IP: "10.0.0.1"})
		if err != nil {
			t.Fatal(err)
		}
		a.tokens[u.name] = s.Token
	}
	inv := users["investor"]
	err := models.InTx(context.Background(), db.DB, func(tx *gorm.DB) error {
		for _, code := range []*string{&a.code, &a.received} {
			d, err := eng.Submit(context.Background(), tx, workflow.SubmitInput{BoardID: boards["HBI"].ID, Procedure: "construction-permit",
				Variant: "new", Channel: models.ChannelOnline, ApplicantName: "Công ty TNHH Một Cửa", InvestorID: &inv.ID,
				Attachments: workflowtest.Documents(t, eng, "construction-permit", "new", fuzzNow)},
				workflow.Actor{UserID: &inv.ID, Role: workflow.RoleInvestor}, fuzzNow.Add(-time.Hour))
			if err != nil {
				return err
			}
			*code = d.Code
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if status, body := a.do(t, "hbi.officer", http.MethodPost, "/api/v1/dossiers/"+a.received+"/events", "application/json",
		strings.NewReader(`{"event":"receive","version":1}`)); status != http.StatusOK {
		t.Fatalf("receive: %d %s", status, body)
	}
	return a
}

// do sends a request as user ("" for none) and returns the status and
// body; status 0 when target is no URL a client could send.
func (a *fuzzAPI) do(t testing.TB, user, method, target, contentType string, body *strings.Reader) (int, []byte) {
	t.Helper()
	var rd io.Reader = http.NoBody
	if body != nil {
		rd = body
	}
	req, err := http.NewRequest(method, "http://motcua.test"+target, rd)
	if err != nil {
		return 0, nil
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if user != "" {
		req.Header.Set("Authorization", "Bearer "+a.tokens[user])
	}
	rec := httptest.NewRecorder()
	a.e.ServeHTTP(rec, req)
	return rec.Code, rec.Body.Bytes()
}

// wantAnswer fails t on a 5xx, or a refusal that is not the API's error
// shape with a code.
func wantAnswer(t testing.TB, what string, status int, body []byte) {
	t.Helper()
	if status >= 500 || status == 0 {
		t.Fatalf("%s: %d %s", what, status, body)
	}
	if status >= 400 {
		var e apiError
		if err := json.Unmarshal(body, &e); err != nil || e.Error.Code == "" || e.Error.Message == "" {
			t.Fatalf("%s: %d with a body not in the error shape: %s", what, status, body)
		}
	}
}

// fuzzAPIs builds the API on every database of fuzztest.DBs.
func fuzzAPIs(f *testing.F) []*fuzzAPI {
	f.Helper()
	eng := workflowtest.Engine(f)
	var out []*fuzzAPI
	for _, db := range fuzztest.DBs(f) {
		out = append(out, newFuzzAPI(f, db, eng))
	}
	return out
}

// eventSeeds are real bodies of the tests of events (flows_test.go,
// lifecycle_test.go, investment_test.go, TestStrictInputOverHTTP) and the
// probe's classes: NUL bytes, over-long text, integers past 2^63.
var eventSeeds = []string{
	`{"event":"receive","version":1}`,
	`{"event":"assign","version":2,"assignee_id":2}`,
	`{"event":"request_completion","version":1,"missing":[{"item":"Bản vẽ thiết kế","reason":"thiếu chữ ký"}]}`,
	`{"event":"request_supplement","version":3,"comment":"Bổ sung danh sách đoàn viên có chữ ký"}`,
	`{"event":"propose_extension","version":3,"extension":{"reason":"Cần lấy ý kiến Sở Xây dựng","new_due_date":"2026-12-30","apology_letter":"Kính gửi quý công ty"}}`,
	`{"event":"propose_extension","version":3,"extension":{"reason":"x","new_due_date":"30/12/2026"}}`,
	`{"event":"approve","version":6,"result":{"medium":"electronic","attachment_id":1,"reference":"15/QĐ-BQL"}}`,
	`{"event":"approve","version":4,"investment":{"project_code":"2143658709","name":"Nhà máy","zone_id":1,"foreign":true,"capital":"400000","currency":"USD"}}`,
	`{"event":"refuse","version":4,"comment":"Không đủ điều kiện","result":{"medium":"paper"}}`,
	`{"event":"reject_intake","version":1,"comment":"lý do\u0000"}`,
	`{"event":"reject_intake","version":1,"comment":"` + strings.Repeat("x", 4001) + `"}`,
	`{"event":"assign","version":2,"assignee_id":9223372036854775808}`,
	`{"event":"approve","version":2,"result":{"medium":"electronic","attachment_id":18446744073709551615}}`,
	`{"event":"receive","version":9223372036854775807}`,
	`{"event":"receive","version":-9223372036854775808}`,
	`{"event":"approve","version":2,"investment":{"capital":"9223372036854775808","currency":"VND","zone_id":4294967296}}`,
	`{"event":"receive","version":1,"colour":"red"}`, `{"event":"propose_extension","version":1,"extension":{"why":"x"}}`,
	`{"event":"receive","version":1} {"event":"receive","version":1}`, `[]`, `null`, `"receive"`, `{"event":null}`, "\xff\xfe",
	`{"event":"propose_extension","version":2,"extension":{"new_due_date":"9999-99-99"}}`,
	`{"event":"request_completion","version":1,"missing":[{"item":"` + strings.Repeat("ệ", 600) + `","reason":"\u0000"}]}`,
}

// FuzzEventBody: whatever body is posted to a dossier's events, by the
// officer, the leader or the investor, the API answers without a 5xx and
// in its error shape; a refused event writes nothing (rows and files
// alike), an accepted one moves the version by one with one history row.
func FuzzEventBody(f *testing.F) {
	for i, s := range eventSeeds {
		f.Add([]byte(s), uint8(i))
	}
	apis := fuzzAPIs(f)
	users := []string{"hbi.officer", "hbi.leader", "investor", "bgg.officer"}
	f.Fuzz(func(t *testing.T, body []byte, pick uint8) {
		for _, a := range apis {
			user, code := users[int(pick)%len(users)], a.code
			if pick&4 != 0 {
				code = a.received
			}
			before := fuzztest.Count(t, a.db.DB, a.dataDir)
			status, out := a.do(t, user, http.MethodPost, "/api/v1/dossiers/"+code+"/events", "application/json",
				strings.NewReader(string(body)))
			wantAnswer(t, a.db.Name+" "+user+" posts "+string(body), status, out)
			if status != http.StatusOK {
				fuzztest.Unchanged(t, a.db.Name+" "+string(body), before, fuzztest.Count(t, a.db.DB, a.dataDir))
			}
			fuzztest.VersionsMatchHistory(t, a.db.DB)
		}
	})
}

// querySeeds are real query strings of the search, inbox, alert and
// notification tests, real cursors written by the API (filled in at the
// start), and the probe's classes.
var querySeeds = []string{
	"", "state=submitted,received", "state=received&state=in_review", "procedure=construction-permit&channel=online",
	"q=Một Cửa", "q=000.20.30.H33", "sort=due", "sort=newest&limit=1", "overdue=true", "due_before=2026-12-01",
	"received_from=01/11/2026&received_to=2026-11-30", "zone_id=1&assignee_id=2", "queue=intake", "queue=decisions",
	"kind=overdue&recipient_role=officer&unacknowledged=true", "q=a%00b", "q=" + strings.Repeat("x", 300),
	"limit=99999999999", "limit=0", "limit=-1", "zone_id=9223372036854775808", "assignee_id=18446744073709551616",
	"cursor=zzzzzzzzzzzzzz", "cursor=n.1", "cursor=n.1&sort=due", "sort=name", "colour=red", "state=lost",
	"received_from=2026-02-30", "due_before=99/99/9999", "q=%27%20OR%201%3D1%20--", "procedure=%27;DROP TABLE dossiers;--",
	"state=%ff%fe", "%zz", "cursor=N.1&sort=due", "cursor=+1",
}

// listRoutes are the routes that take filters and cursors.
var listRoutes = []string{"/api/v1/dossiers", "/api/v1/inbox", "/api/v1/alerts", "/api/v1/notifications"}

// FuzzListQuery: whatever query string a list route is given (filters,
// sort, cursor, limit), by any role, the API answers without a 5xx and
// writes nothing; an answer's next_cursor is accepted back.
func FuzzListQuery(f *testing.F) {
	apis := fuzzAPIs(f)
	for _, s := range querySeeds {
		f.Add(s, uint8(0))
		f.Add(s, uint8(1))
	}
	// real cursors: the first page of one dossier, by each order
	for _, q := range []string{"limit=1", "limit=1&sort=due"} {
		status, body := apis[0].do(f, "hbi.officer", http.MethodGet, "/api/v1/dossiers?"+q, "", nil)
		var page struct {
			Next *string `json:"next_cursor"`
		}
		if json.Unmarshal(body, &page); status != http.StatusOK || page.Next == nil {
			f.Fatalf("a page of one: %d %s", status, body)
		}
		f.Add(q+"&cursor="+url.QueryEscape(*page.Next), uint8(0))
	}
	users := []string{"hbi.officer", "hbi.leader", "investor", "bgg.officer"}
	f.Fuzz(func(t *testing.T, query string, pick uint8) {
		for _, a := range apis {
			route, user := listRoutes[int(pick)%len(listRoutes)], users[int(pick/4)%len(users)]
			before := fuzztest.Count(t, a.db.DB, "")
			status, body := a.do(t, user, http.MethodGet, route+"?"+query, "", nil)
			if status == 0 {
				return // no URL: nothing a client can send
			}
			wantAnswer(t, a.db.Name+" "+user+" GET "+route+"?"+query, status, body)
			fuzztest.Unchanged(t, "a list", before, fuzztest.Count(t, a.db.DB, ""))
			var page struct {
				Next *string `json:"next_cursor"`
			}
			if status == http.StatusOK && json.Unmarshal(body, &page) == nil && page.Next != nil {
				v, _ := url.ParseQuery(query)
				v.Set("cursor", *page.Next)
				if s, b := a.do(t, user, http.MethodGet, route+"?"+v.Encode(), "", nil); s != http.StatusOK {
					t.Fatalf("%s: next_cursor %q refused: %d %s", route, *page.Next, s, b)
				}
			}
		}
	})
}

// FuzzDossierCode: whatever stands where a dossier's code goes (a path
// segment, or the public tracking form with a PIN), the API answers
// without a 5xx: another's or no dossier is 404, never a 500. Seeds: real
// codes and the probe's classes.
func FuzzDossierCode(f *testing.F) {
	apis := fuzzAPIs(f)
	for _, s := range []string{apis[0].code, apis[0].received, "000.20.30.H33-261116-9999", "000.20.24.H06-261116-0001",
		strings.ToLower(apis[0].code), apis[0].code + "\x00", strings.Repeat("9", 70), "9223372036854775808", "..", "../admin",
		"%2e%2e%2f", "' OR 1=1 --", "\xff\xfe", "mã hồ sơ", ""} {
		f.Add(s, "12345678", uint8(0))
	}
	suffixes := []string{"", "/history", "/receipt", "/attachments", "/forms/receipt"}
	users := []string{"investor", "hbi.officer", "bgg.officer", ""}
	f.Fuzz(func(t *testing.T, code, pin string, pick uint8) {
		for _, a := range apis {
			before := fuzztest.Count(t, a.db.DB, "")
			path := "/api/v1/dossiers/" + url.PathEscape(code) + suffixes[int(pick)%len(suffixes)]
			user := users[int(pick/8)%len(users)]
			if status, body := a.do(t, user, http.MethodGet, path, "", nil); status != 0 {
				wantAnswer(t, a.db.Name+" GET "+path, status, body)
			}
			track, _ := json.Marshal(map[string]string{"code": code, "pin": pin})
			status, body := a.do(t, "", http.MethodPost, "/api/v1/track", "application/json", strings.NewReader(string(track)))
			wantAnswer(t, a.db.Name+" track "+string(track), status, body)
			after := fuzztest.Count(t, a.db.DB, "")
			fuzztest.Unchanged(t, "reading a dossier", before, after)
		}
	})
}

// uploadSeeds are the real files of service/testdata/uploads, each also
// with HTML appended, cut in half, and under the probe's file names.
func uploadSeeds(f *testing.F) [][]byte {
	f.Helper()
	names, _ := filepath.Glob(filepath.Join("..", "service", "testdata", "uploads", "*"))
	var out [][]byte
	for _, n := range names {
		data, err := os.ReadFile(n)
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, data, append(bytes.Clone(data), "<html><script>alert(1)</script>"...), data[:len(data)/2])
	}
	return out
}

// FuzzUpload: whatever multipart body is posted to a dossier's
// attachments (file bytes, file name, document code, kind), by any role,
// the API answers without a 5xx; a refused upload leaves no row and no
// file, an accepted one exactly one of each, stored under a random name.
func FuzzUpload(f *testing.F) {
	names := []string{"đơn đề nghị.pdf", "../../etc/passwd", `..\x`, "a\x00b.pdf", strings.Repeat("ệ", 300) + ".docx", ""}
	docs := []string{"application_form", "design_drawings", "business_plan", "", "application_form\x00", strings.Repeat("x", 2000)}
	for i, data := range uploadSeeds(f) {
		f.Add(data, names[i%len(names)], docs[i%len(docs)], uint8(i))
	}
	apis := fuzzAPIs(f)
	users := []string{"investor", "hbi.officer", "hbi.leader", "bgg.officer"}
	f.Fuzz(func(t *testing.T, data []byte, name, doc string, pick uint8) {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		mw.WriteField("document_code", doc)
		w, err := mw.CreateFormFile("file", name)
		if err != nil {
			return
		}
		w.Write(data)
		mw.Close()
		for _, a := range apis {
			path := "/api/v1/dossiers/" + a.code + "/attachments"
			if pick&16 != 0 {
				path += "?kind=result"
			}
			user := users[int(pick)%len(users)]
			before := fuzztest.Count(t, a.db.DB, a.dataDir)
			status, out := a.do(t, user, http.MethodPost, path, mw.FormDataContentType(), strings.NewReader(body.String()))
			wantAnswer(t, a.db.Name+" upload "+name, status, out)
			after := fuzztest.Count(t, a.db.DB, a.dataDir)
			if status != http.StatusCreated {
				fuzztest.Unchanged(t, a.db.Name+" an upload", before, after)
				continue
			}
			if after["attachments"] != before["attachments"]+1 || after["files"] != before["files"]+1 {
				t.Fatalf("an accepted upload: before %v, after %v", before, after)
			}
		}
	})
}
