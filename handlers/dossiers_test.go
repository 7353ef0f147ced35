package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/models/modelstest"
	"github.com/motcua/motcua/service"
	"github.com/motcua/motcua/workflow"
	"github.com/motcua/motcua/workflow/workflowtest"
)

// apiFixture is a real HTTP server over a fresh database, with two boards,
// their staff and two investors, and one online dossier of investor a.
type apiFixture struct {
	srv     *httptest.Server
	db      *gorm.DB
	tokens  map[string]string
	code    string
	dataDir string
}

func newAPIFixture(t *testing.T, db *gorm.DB) *apiFixture {
	t.Helper()
	eng := workflowtest.Engine(t)
	now := time.Date(2026, 11, 16, 9, 0, 0, 0, deadlines.Location)
	f := &apiFixture{db: db, tokens: map[string]string{}, dataDir: t.TempDir()}
	f.srv = httptest.NewServer(New(Deps{Service: service.New(service.Deps{DB: db, Engine: eng, DataDir: f.dataDir,
		Now: func() time.Time { return now }})}))
	t.Cleanup(f.srv.Close)
	hbi := models.Board{Code: "HBI", NameVI: "Ban Quản lý các KCN tỉnh Hòa Bình", AgencyCode: "000.20.30.H33"}
	bgg := models.Board{Code: "BGG", NameVI: "Ban Quản lý các KCN tỉnh Bắc Giang", AgencyCode: "000.20.24.H06"}
	db.Create(&hbi)
	db.Create(&bgg)
	users := map[string]*models.User{}
	for _, u := range []struct {
		name  string
		role  workflow.Role
		board uint
	}{{"hbi.investor", "investor", hbi.ID}, {"hbi.investor2", "investor", hbi.ID}, {"hbi.officer", "officer", hbi.ID},
		{"hbi.leader", "leader", hbi.ID}, {"bgg.officer", "officer", bgg.ID}} {
		hash, _ := models.HashPassword("secret-" + u.name)
		board := u.board
		row := &models.User{BoardID: &board, Username: u.name, Role: string(u.role), PasswordHash: hash, Active: true,
			FullName: u.name, EmailVerifiedAt: &now}
		if u.role == workflow.RoleInvestor {
			row.BoardID = nil // investor accounts belong to no board
		}
		if err := db.Create(row).Error; err != nil {
			t.Fatal(err)
		}
		users[u.name] = row
		f.tokens[u.name] = f.login(t, u.name)
	}
	investor := users["hbi.investor"]
	err := models.InTx(context.Background(), db, func(tx *gorm.DB) error {
		d, err := eng.Submit(context.Background(), tx, workflow.SubmitInput{BoardID: hbi.ID, Procedure: "construction-permit",
			Variant: "new", Channel: models.ChannelOnline, ApplicantName: "Công ty TNHH Một Cửa", InvestorID: &investor.ID,
			Attachments: allDocs(t, eng, now)}, workflow.Actor{UserID: &investor.ID, Role: "investor"}, now.Add(-time.Hour))
		if d != nil {
			f.code = d.Code
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func allDocs(t *testing.T, eng *workflow.Engine, at time.Time) []workflow.AttachmentInput {
	return workflowtest.Documents(t, eng, "construction-permit", "new", at)
}

func (f *apiFixture) login(t *testing.T, user string) string {
	t.Helper()
	var out struct {
		Token string `json:"token"`
	}
	status := f.call(t, "", http.MethodPost, "/api/v1/auth/login", map[string]string{"username": user, "password": "secret-" + user}, &out)
	if status != http.StatusOK || out.Token == "" {
		t.Fatalf("login %s: %d", user, status)
	}
	return out.Token
}

// call sends a JSON request as user (by token) and decodes the answer.
func (f *apiFixture) call(t *testing.T, token, method, path string, body, into any) int {
	t.Helper()
	var buf bytes.Buffer
	if body != nil {
		json.NewEncoder(&buf).Encode(body)
	}
	req, _ := http.NewRequest(method, f.srv.URL+path, &buf)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if into != nil {
		json.NewDecoder(res.Body).Decode(into)
	}
	return res.StatusCode
}

type apiError struct {
	Error struct {
		Code    string         `json:"code"`
		Message string         `json:"message"`
		Details map[string]any `json:"details"`
	} `json:"error"`
}

type fired struct {
	Dossier struct {
		State         string   `json:"state"`
		Version       int      `json:"version"`
		DueAt         *string  `json:"due_at"`
		Outcome       *string  `json:"outcome"`
		AllowedEvents []string `json:"allowed_events"`
	} `json:"dossier"`
}

func TestDossierEventsOverHTTP(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newAPIFixture(t, db)
		path := "/api/v1/dossiers/" + f.code + "/events"
		steps := []struct {
			user, event string
			version     int
			body        map[string]any
			status      int
			code        string // error code, or the state reached
		}{
			{"hbi.investor", "receive", 1, nil, 403, "role_not_allowed"},
			{"hbi.leader", "approve", 1, nil, 409, "event_not_allowed"},
			{"hbi.officer", "receive", 0, nil, 400, "invalid_version"},
			{"hbi.officer", "receive", 1, nil, 200, "received"},
			{"hbi.officer", "assign", 1, nil, 409, "stale_version"},
			{"hbi.officer", "assign", 2, nil, 200, "in_review"},
			{"hbi.officer", "request_supplement", 3, nil, 422, "comment_required"},
			{"hbi.officer", "propose", 3, nil, 200, "pending_decision"},
			{"hbi.leader", "approve", 4, nil, 422, "result_required"},
			{"hbi.leader", "approve", 4, map[string]any{"result": map[string]any{"medium": "paper", "reference": "12/GPXD-BQL"}}, 200, "approved"},
			{"hbi.officer", "return_result", 5, nil, 200, "returned"},
		}
		for i, s := range steps {
			body := map[string]any{"event": s.event, "version": s.version}
			for k, v := range s.body {
				body[k] = v
			}
			var out fired
			var bad apiError
			into := any(&out)
			if s.status != 200 {
				into = &bad
			}
			status := f.call(t, f.tokens[s.user], http.MethodPost, path, body, into)
			got := out.Dossier.State
			if s.status != 200 {
				got = bad.Error.Code
				if bad.Error.Message == "" {
					t.Fatalf("step %d: error without message", i)
				}
			}
			if status != s.status || got != s.code {
				t.Fatalf("step %d %s by %s: %d %q, want %d %q", i, s.event, s.user, status, got, s.status, s.code)
			}
			// Received Mon 16/11/2026 09:00: 10 working days, skipping 24/11 → Tue 1/12.
			if s.event == "receive" && status == 200 && (out.Dossier.DueAt == nil || *out.Dossier.DueAt != "2026-12-01T23:59:59+07:00") {
				t.Fatalf("due_at after receipt: %v", out.Dossier.DueAt)
			}
		}
		var hist struct {
			History []struct {
				Event       string  `json:"event"`
				At          string  `json:"at"`
				StepOutcome *string `json:"step_outcome"`
				Hash        string  `json:"hash"`
			} `json:"history"`
		}
		if status := f.call(t, f.tokens["hbi.investor"], http.MethodGet, "/api/v1/dossiers/"+f.code+"/history", nil, &hist); status != 200 || len(hist.History) != 6 {
			t.Fatalf("history: %d, %d rows, want 6", status, len(hist.History))
		}
		if hist.History[1].At != "2026-11-16T09:00:00+07:00" {
			t.Fatalf("history times are not RFC 3339 with +07:00: %s", hist.History[1].At)
		}
		seen := map[string]bool{}
		for i, r := range hist.History {
			if len(r.Hash) != 64 || seen[r.Hash] {
				t.Fatalf("history row %d: hash %q", i+1, r.Hash)
			}
			seen[r.Hash] = true
		}
		// The engine's rows, as the API and the pages write them, verify.
		if rep, err := models.VerifyAudit(context.Background(), db, models.AuditOptions{}); err != nil || !rep.OK() || rep.Rows < 6 {
			t.Fatalf("the history written over HTTP does not verify: %+v %v", rep, err)
		}
	})
}

func TestDossierTenancy(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newAPIFixture(t, db)
		cases := []struct {
			user, method, path string
			status             int
			code               string
		}{
			{"hbi.investor", "GET", "/api/v1/dossiers/" + f.code, 200, ""},
			{"hbi.officer", "GET", "/api/v1/dossiers/" + f.code, 200, ""},
			{"hbi.investor2", "GET", "/api/v1/dossiers/" + f.code, 404, "not_found"},
			{"hbi.investor2", "GET", "/api/v1/dossiers/" + f.code + "/history", 404, "not_found"},
			{"bgg.officer", "GET", "/api/v1/dossiers/" + f.code, 404, "not_found"},
			{"bgg.officer", "POST", "/api/v1/dossiers/" + f.code + "/events", 404, "not_found"},
			{"hbi.officer", "GET", "/api/v1/dossiers/000.20.30.H33-261116-9999", 404, "not_found"},
			{"", "GET", "/api/v1/dossiers/" + f.code, 401, "unauthenticated"},
		}
		for _, c := range cases {
			var bad apiError
			status := f.call(t, f.tokens[c.user], c.method, c.path, map[string]any{"event": "receive", "version": 1}, &bad)
			if status != c.status || bad.Error.Code != c.code {
				t.Fatalf("%s %s %s: %d %q, want %d %q", c.user, c.method, c.path, status, bad.Error.Code, c.status, c.code)
			}
		}
		var d struct {
			AllowedEvents []string `json:"allowed_events"`
			State         string   `json:"state"`
		}
		f.call(t, f.tokens["hbi.officer"], "GET", "/api/v1/dossiers/"+f.code, nil, &d)
		// Officers may also record a withdrawal asked for in writing.
		if d.State != "submitted" || strings.Join(d.AllowedEvents, ",") != "receive,reject_intake,request_completion,withdraw" {
			t.Fatalf("officer's allowed events at submitted: %v", d.AllowedEvents)
		}
		f.call(t, f.tokens["hbi.investor"], "GET", "/api/v1/dossiers/"+f.code, nil, &d)
		if len(d.AllowedEvents) != 1 || d.AllowedEvents[0] != "withdraw" {
			t.Fatalf("investor's allowed events at submitted: %v", d.AllowedEvents)
		}
	})
}
