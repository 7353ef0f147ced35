package handlers

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/models/modelstest"
	"github.com/motcua/motcua/service"
	"github.com/motcua/motcua/workflow"
	"github.com/motcua/motcua/workflow/workflowtest"
)

// catalogueServer is a real HTTP server with the catalogue routes and the central error handler.
func catalogueServer(t *testing.T, eng *workflow.Engine) *httptest.Server {
	srv := httptest.NewServer(New(Deps{Service: service.New(service.Deps{Engine: eng})}))
	t.Cleanup(srv.Close)
	return srv
}

func getJSON(t *testing.T, url string, into any) int {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if err := json.NewDecoder(res.Body).Decode(into); err != nil {
		t.Fatalf("%s: %v", url, err)
	}
	return res.StatusCode
}

func TestProceduresInForce(t *testing.T) {
	srv := catalogueServer(t, workflowtest.Engine(t))
	cases := []struct {
		at      string
		want    map[string]string // procedure → version id
		missing string
	}{
		{"2026-06-30", map[string]string{"construction-permit": "nd175-2024", "feasibility-appraisal": "nd175-2024"}, ""},
		{"01/07/2026", map[string]string{"construction-permit": "nd217-2026", "investment-certificate": "ld143-2025-nd96-2026"}, ""},
		{"2021-06-01", map[string]string{"union-registration": "service-standard-2021"}, "environmental-licence"},
	}
	for _, c := range cases {
		var body struct {
			Procedures []struct {
				Code    string `json:"code"`
				Version struct {
					ID       string `json:"id"`
					Citation string `json:"citation"`
				} `json:"version"`
			} `json:"procedures"`
		}
		if code := getJSON(t, srv.URL+"/api/v1/procedures?at="+url.QueryEscape(c.at), &body); code != 200 {
			t.Fatalf("at=%s: %d", c.at, code)
		}
		got := map[string]string{}
		for _, p := range body.Procedures {
			got[p.Code] = p.Version.ID
			if p.Version.Citation == "" {
				t.Fatalf("at=%s: %s has no citation", c.at, p.Code)
			}
		}
		for code, id := range c.want {
			if got[code] != id {
				t.Fatalf("at=%s: %s in force %q, want %q", c.at, code, got[code], id)
			}
		}
		if _, ok := got[c.missing]; c.missing != "" && ok {
			t.Fatalf("at=%s: %s should not be in force", c.at, c.missing)
		}
	}
}

func TestDueDatePreview(t *testing.T) {
	srv := catalogueServer(t, workflowtest.Engine(t))
	cases := []struct {
		path, wantDue string
	}{
		// 10 working days from Mon 16/11/2026, skipping 24/11.
		{"/api/v1/procedures/construction-permit/due-date?variant=new&received_at=2026-11-16T09:00:00%2B07:00", "2026-12-01T23:59:59+07:00"},
		// Saturday receipt: the clock starts Monday 23/11.
		{"/api/v1/procedures/union-registration/due-date?variant=standard&received_at=2026-11-21T10:00:00%2B07:00", "2026-12-08T23:59:59+07:00"},
		// After the 15:00 cut-off, given in UTC (08:30Z = 15:30 local): starts Tue 15/12.
		{"/api/v1/procedures/investment-certificate/due-date?variant=issue_without_policy&received_at=2026-12-14T08:30:00Z", "2026-12-29T23:59:59+07:00"},
	}
	for _, c := range cases {
		var body map[string]any
		if code := getJSON(t, srv.URL+c.path, &body); code != 200 || body["due_at"] != c.wantDue {
			t.Fatalf("%s: %d %v, want due_at %s", c.path, code, body, c.wantDue)
		}
	}
}

func TestCatalogueErrors(t *testing.T) {
	srv := catalogueServer(t, workflowtest.Engine(t))
	cases := []struct {
		path, code, field string
		status            int
	}{
		{"/api/v1/procedures/construction-permit/due-date?variant=new", "invalid_received_at", "received_at", 400},
		{"/api/v1/procedures/construction-permit/due-date?variant=nope&received_at=2026-11-16T09:00:00Z", "invalid_variant", "variant", 400},
		{"/api/v1/procedures/no-such/due-date?variant=new&received_at=2026-11-16T09:00:00Z", "not_found", "code", 404},
		{"/api/v1/procedures?at=31-12-2026", "invalid_at", "at", 400},
		{"/api/v1/calendar/holidays?year=abc", "invalid_year", "year", 400},
	}
	for _, c := range cases {
		var body struct {
			Error struct {
				Code    string         `json:"code"`
				Message string         `json:"message"`
				Details map[string]any `json:"details"`
			} `json:"error"`
		}
		status := getJSON(t, srv.URL+c.path, &body)
		if status != c.status || body.Error.Code != c.code || body.Error.Message == "" || body.Error.Details["field"] != c.field {
			t.Fatalf("%s: %d %+v, want %d %s on field %s", c.path, status, body.Error, c.status, c.code, c.field)
		}
	}
}

func TestHolidays(t *testing.T) {
	srv := catalogueServer(t, workflowtest.Engine(t))
	var body struct {
		Year        int      `json:"year"`
		DaysOff     []string `json:"days_off"`
		WorkingDays []string `json:"working_days"`
	}
	if code := getJSON(t, srv.URL+"/api/v1/calendar/holidays?year=2026", &body); code != 200 || body.Year != 2026 {
		t.Fatalf("%d %+v", code, body)
	}
	for _, d := range []string{"2026-01-01", "2026-01-02", "2026-02-16", "2026-02-20", "2026-04-27", "2026-08-31", "2026-09-02", "2026-11-24"} {
		if !slices.Contains(body.DaysOff, d) {
			t.Fatalf("2026 days_off lacks %s: %v", d, body.DaysOff)
		}
	}
	if !slices.Equal(body.WorkingDays, []string{"2026-01-10", "2026-08-22"}) {
		t.Fatalf("2026 working Saturdays %v, want 10/01 and 22/08", body.WorkingDays)
	}
}

// TestPreviewMatchesReceipt: the preview promises the appointment that
// receipt then gives, at instants around the cut-off, weekends and holidays.
func TestPreviewMatchesReceipt(t *testing.T) {
	eng := workflowtest.Engine(t)
	srv := catalogueServer(t, eng)
	instants := []string{"2026-11-16T14:59:00+07:00", "2026-11-16T15:00:00+07:00", "2026-11-21T10:00:00+07:00",
		"2026-11-24T09:00:00+07:00", "2026-12-31T16:00:00+07:00", "2026-06-30T10:00:00+07:00"}
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		board := models.Board{Code: "HBI", NameVI: "Ban Quản lý các KCN tỉnh Hòa Bình", AgencyCode: "000.20.30.H33"}
		db.Create(&board)
		for _, proc := range [][2]string{{"construction-permit", "new"}, {"environmental-licence", "provincial"}, {"union-registration", "standard"}} {
			for _, s := range instants {
				at, _ := time.Parse(time.RFC3339, s)
				var preview map[string]any
				getJSON(t, srv.URL+"/api/v1/procedures/"+proc[0]+"/due-date?variant="+proc[1]+"&received_at="+url.QueryEscape(s), &preview)
				got := receiveAt(t, db, eng, board.ID, proc[0], proc[1], at)
				if preview["due_at"] != got {
					t.Fatalf("%s received %s: preview %v, receipt gave %s", proc[0], s, preview["due_at"], got)
				}
			}
		}
	})
}

// receiveAt submits and receives a dossier at the instant and returns its due_at as the API writes it.
func receiveAt(t *testing.T, db *gorm.DB, eng *workflow.Engine, board uint, proc, variant string, at time.Time) string {
	t.Helper()
	ctx := context.Background()
	officer := workflow.Actor{Role: workflow.RoleOfficer}
	var due string
	err := models.InTx(ctx, db, func(tx *gorm.DB) error {
		p, _ := eng.Catalogue().Procedure(proc)
		v, _ := p.VersionAt(at)
		var atts []workflow.AttachmentInput
		for _, c := range v.RequiredDocuments(variant) {
			atts = append(atts, workflow.AttachmentInput{DocumentCode: c, FileName: c + ".pdf"})
		}
		d, err := eng.Submit(ctx, tx, workflow.SubmitInput{BoardID: board, Procedure: proc, Variant: variant,
			Channel: models.ChannelDirect, ApplicantName: "Công ty TNHH Xem Trước", Attachments: atts}, officer, at)
		if err != nil {
			return err
		}
		if _, err := workflowtest.Fire(t, eng, ctx, tx, d, workflow.EventReceive, officer, at, workflow.Input{}); err != nil {
			return err
		}
		due = rfc3339(*d.DueAt)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return due
}

// TestCatalogueDocumentsPerVariant: the public catalogue says which
// documents each variant requires, as receipt demands them.
func TestCatalogueDocumentsPerVariant(t *testing.T) {
	srv := catalogueServer(t, workflowtest.Engine(t))
	var body struct {
		Procedures []procedureJSON `json:"procedures"`
	}
	if status := getJSON(t, srv.URL+"/api/v1/procedures?at=2026-11-16", &body); status != 200 {
		t.Fatalf("procedures: %d", status)
	}
	required := map[string]map[string]bool{}
	for _, p := range body.Procedures {
		if p.Fee == nil && p.Code != "" {
			t.Logf("%s publishes no fee yet", p.Code)
		}
		for _, v := range p.Variants {
			required[p.Code+"/"+v.Code] = map[string]bool{}
			for _, d := range v.Documents {
				required[p.Code+"/"+v.Code][d.Code] = d.Required
			}
			if v.PeriodText == "" || v.Basis.Citation == "" {
				t.Errorf("%s/%s: period %q citation %q", p.Code, v.Code, v.PeriodText, v.Basis.Citation)
			}
		}
	}
	for _, c := range []struct {
		variant, doc string
		want         bool
	}{
		{"construction-permit/new", "land_rights", true},
		{"construction-permit/new", "application_form", true},
		{"construction-permit/new", "existing_permit", false},
		{"construction-permit/extension", "existing_permit", true},
		{"construction-permit/extension", "land_rights", false},
	} {
		got, ok := required[c.variant][c.doc]
		if !ok || got != c.want {
			t.Errorf("%s: %s required %v (listed %v), want %v", c.variant, c.doc, got, ok, c.want)
		}
	}
}
