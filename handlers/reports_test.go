package handlers

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"gorm.io/gorm"

	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/models/modelstest"
	"github.com/motcua/motcua/reports"
	"github.com/motcua/motcua/workflow/workflowtest"
)

// newReportFixture is newAdminFixture plus a manager for each board, with
// November 2026 at HBI: the fixture's online construction permit received
// on 16/11 (due 01/12: within the deadline on 30/11) and a trade-union
// recognition filed at the desk and approved the same day (early).
func newReportFixture(t *testing.T, db *gorm.DB) *apiFixture {
	t.Helper()
	f := newAdminFixture(t, db)
	for _, u := range []struct{ name, board string }{{"hbi.manager", "HBI"}, {"bgg.manager", "BGG"}} {
		hash, err := models.HashPassword("secret-" + u.name)
		if err != nil {
			t.Fatal(err)
		}
		board := f.boardID(t, u.board)
		verified := time.Now()
		row := &models.User{BoardID: &board, Username: u.name, Role: "manager", PasswordHash: hash, Active: true,
			EmailVerifiedAt: &verified}
		if err := db.Create(row).Error; err != nil {
			t.Fatal(err)
		}
		f.tokens[u.name] = f.login(t, u.name)
	}
	if status := f.call(t, f.tokens["hbi.officer"], "POST", "/api/v1/dossiers/"+f.code+"/events",
		map[string]any{"event": "receive", "version": 1}, nil); status != http.StatusOK {
		t.Fatalf("receive: %d", status)
	}
	approvedEarly(t, db, workflowtest.Engine(t))
	return f
}

// download sends a GET and returns the response with its body read.
func (f *apiFixture) download(t *testing.T, token, path string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, f.srv.URL+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, body
}

// reformJSON is the part of the JSON report the tests read.
type reformJSON struct {
	Board *struct {
		Code string `json:"code"`
	} `json:"board"`
	Period struct {
		From  string `json:"from"`
		To    string `json:"to"`
		Label string `json:"label"`
	} `json:"period"`
	Total struct {
		ReceivedTotal   int `json:"received_total"`
		ReceivedOnline  int `json:"received_online"`
		ResolvedEarly   int `json:"resolved_early"`
		InProgressTotal int `json:"in_progress_total"`
	} `json:"total"`
	Narrative     string          `json:"narrative"`
	Indicators766 json.RawMessage `json:"indicators_766"`
}

// reformOf asks for the JSON report and decodes it.
func (f *apiFixture) reformOf(t *testing.T, user, query string) reformJSON {
	t.Helper()
	res, body := f.download(t, f.tokens[user], "/api/v1/reports/reform?"+query)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("%s ?%s: %d %s", user, query, res.StatusCode, body)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("content type %q", ct)
	}
	var out reformJSON
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestReformReportFormats: a manager gets the board's report as JSON, CSV
// and XLSX with the right types and attachment names; a leader too.
func TestReformReportFormats(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newReportFixture(t, db)
		r := f.reformOf(t, "hbi.manager", "period=2026-11")
		if r.Board == nil || r.Board.Code != "HBI" || r.Period.From != "2026-11-01" || r.Period.To != "2026-11-30" ||
			r.Period.Label != "Tháng 11 năm 2026" || len(r.Indicators766) == 0 {
			t.Fatalf("report %+v", r)
		}
		if r.Total.ReceivedTotal != 2 || r.Total.ReceivedOnline != 1 || r.Total.ResolvedEarly != 1 || r.Total.InProgressTotal != 1 {
			t.Errorf("total %+v", r.Total)
		}
		if !strings.HasPrefix(r.Narrative, "tiếp nhận 2 hồ sơ") {
			t.Errorf("narrative %q", r.Narrative)
		}
		checkReformCSV(t, f)
		checkReformXLSX(t, f)
	})
}

// checkReformCSV: CSV with a BOM, attached as bieu06-HBI-2026-11.csv.
func checkReformCSV(t *testing.T, f *apiFixture) {
	t.Helper()
	res, body := f.download(t, f.tokens["hbi.manager"], "/api/v1/reports/reform?period=2026-11&format=csv")
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/csv; charset=utf-8" {
		t.Fatalf("CSV: %d %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if cd := res.Header.Get("Content-Disposition"); cd != `attachment; filename="bieu06-HBI-2026-11.csv"` {
		t.Errorf("Content-Disposition %q", cd)
	}
	if !bytes.HasPrefix(body, []byte("\uFEFFSTT,")) || !bytes.Contains(body, []byte(",,Tổng cộng,2,1,1,0,1,1,0,0,1,1,0,0,0\r\n")) {
		t.Errorf("CSV body:\n%s", body)
	}
}

// checkReformXLSX: a leader's XLSX for from/to dates (both forms), named
// after the month they cover, whose total line is the month's.
func checkReformXLSX(t *testing.T, f *apiFixture) {
	t.Helper()
	res, body := f.download(t, f.tokens["hbi.leader"], "/api/v1/reports/reform?format=xlsx&from=2026-11-01&to=30/11/2026")
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != reports.FormatXLSX.ContentType() {
		t.Fatalf("XLSX: %d %q %s", res.StatusCode, res.Header.Get("Content-Type"), body)
	}
	if cd := res.Header.Get("Content-Disposition"); cd != `attachment; filename="bieu06-HBI-2026-11.xlsx"` {
		t.Errorf("Content-Disposition %q", cd)
	}
	x, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, err := x.GetRows(reports.XLSXSheet)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if len(r) > 4 && r[1] == "Tổng cộng" {
			if strings.Join(r[2:5], ",") != "2,1,1" {
				t.Errorf("XLSX total line %q", r)
			}
			return
		}
	}
	t.Errorf("no total line in the XLSX")
}

// TestReformReportTenancy: each board's staff see their own board only
// (another board answers 404, as its dossiers do); a deployment admin sees
// any board or all; officers and investors are refused.
func TestReformReportTenancy(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newReportFixture(t, db)
		if r := f.reformOf(t, "hbi.manager", "period=2026-11&board=hbi"); r.Board.Code != "HBI" {
			t.Errorf("board=hbi gave %+v", r.Board)
		}
		if r := f.reformOf(t, "bgg.manager", "period=2026-11"); r.Board.Code != "BGG" || r.Total.ReceivedTotal != 0 {
			t.Errorf("BGG's manager got board %+v total %+v", r.Board, r.Total)
		}
		if r := f.reformOf(t, "root.admin", "period=2026-11"); r.Board != nil || r.Total.ReceivedTotal != 2 {
			t.Errorf("all boards: board %+v total %+v", r.Board, r.Total)
		}
		if r := f.reformOf(t, "root.admin", "period=2026-11&board=BGG"); r.Board.Code != "BGG" {
			t.Errorf("root admin, board=BGG: %+v", r.Board)
		}
		if r := f.reformOf(t, "hbi.admin", "period=2026-11"); r.Board.Code != "HBI" {
			t.Errorf("HBI's admin: %+v", r.Board)
		}
		for _, c := range []struct {
			user, query string
			status      int
			code, field string
		}{
			{"bgg.manager", "period=2026-11&board=HBI", 404, "not_found", "board"},
			{"hbi.manager", "period=2026-11&board=BGG", 404, "not_found", "board"},
			{"hbi.admin", "period=2026-11&board=BGG", 404, "not_found", "board"},
			{"root.admin", "period=2026-11&board=NOPE", 404, "not_found", "board"},
			{"hbi.officer", "period=2026-11", 403, "role_not_allowed", "role"},
			{"hbi.investor", "period=2026-11", 403, "role_not_allowed", "role"},
			{"", "period=2026-11", 401, "unauthenticated", ""},
		} {
			checkReformError(t, f, c.user, c.query, c.status, c.code, c.field)
		}
	})
}

// TestReformReportBadParams: every malformed parameter is a 400 naming it.
func TestReformReportBadParams(t *testing.T) {
	f := newReportFixture(t, modelstest.SQLite(t))
	for _, c := range []struct {
		query, code, field string
	}{
		{"", "invalid_period", "period"},
		{"period=2026-H3", "invalid_period", "period"},
		{"period=31/12/2026", "invalid_period", "period"},
		{"period=2026-11&from=2026-11-01&to=2026-11-30", "invalid_period", "period"},
		{"from=2026-11-01", "invalid_to", "to"},
		{"to=2026-11-30", "invalid_from", "from"},
		{"from=2026-13-01&to=2026-12-31", "invalid_from", "from"},
		{"from=2026-11&to=2026-12-31", "invalid_from", "from"},
		{"from=2026-11-01&to=31/02/2026", "invalid_to", "to"},
		{"from=2026-11-30&to=2026-11-01", "invalid_to", "to"},
		{"period=2026-11&format=pdf", "invalid_format", "format"},
	} {
		checkReformError(t, f, "hbi.manager", c.query, http.StatusBadRequest, c.code, c.field)
	}
}

// checkReformError asks for the report and expects an error.
func checkReformError(t *testing.T, f *apiFixture, user, query string, status int, code, field string) {
	t.Helper()
	res, body := f.download(t, f.tokens[user], "/api/v1/reports/reform?"+query)
	var e apiError
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("%s ?%s: %d %s", user, query, res.StatusCode, body)
	}
	if res.StatusCode != status || e.Error.Code != code || (field != "" && e.Error.Details["field"] != field) {
		t.Errorf("%s ?%s: %d %s %v, want %d %s field %q", user, query, res.StatusCode, e.Error.Code, e.Error.Details,
			status, code, field)
	}
}
