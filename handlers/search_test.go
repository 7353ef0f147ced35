package handlers

import (
	"context"
	"net/url"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/models/modelstest"
	"github.com/motcua/motcua/workflow"
	"github.com/motcua/motcua/workflow/workflowtest"
)

type searchPage struct {
	Items []struct {
		Code          string `json:"code"`
		State         string `json:"state"`
		ApplicantName string `json:"applicant_name"`
	} `json:"items"`
	NextCursor *string `json:"next_cursor"`
	apiError
}

func (f *apiFixture) search(t *testing.T, user, query string) (int, searchPage) {
	t.Helper()
	var p searchPage
	status := f.call(t, f.tokens[user], "GET", "/api/v1/dossiers?"+query, nil, &p)
	return status, p
}

func TestSearchDossiers(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newAPIFixture(t, db)
		// Four more dossiers at the desk, one of them received long ago and now overdue.
		names := []string{"Công ty CP Alpha", "Công ty TNHH Beta", "Công ty TNHH Gamma", "Công ty CP Delta"}
		codes := map[string]string{}
		for _, n := range names {
			var out submitted
			f.post(t, "hbi.officer", "/api/v1/dossiers", "", map[string]any{"procedure": "union-registration",
				"variant": "standard", "applicant_name": n}, &out)
			codes[n] = out.Code
		}
		receiveLongAgo(t, db, codes["Công ty CP Delta"])
		cases := []struct {
			user, query string
			want        []string // applicant names, newest first
		}{
			{"hbi.investor", "", []string{"Công ty TNHH Một Cửa"}},
			{"hbi.investor2", "", []string{}},
			{"bgg.officer", "", []string{}},
			{"hbi.officer", "", []string{"Công ty CP Delta", "Công ty TNHH Gamma", "Công ty TNHH Beta", "Công ty CP Alpha", "Công ty TNHH Một Cửa"}},
			{"hbi.officer", "procedure=construction-permit", []string{"Công ty TNHH Một Cửa"}},
			{"hbi.officer", "channel=online", []string{"Công ty TNHH Một Cửa"}},
			{"hbi.officer", "state=received", []string{"Công ty CP Delta"}},
			{"hbi.officer", "overdue=true", []string{"Công ty CP Delta"}},
			{"hbi.officer", "received_from=2026-09-01&received_to=2026-09-30", []string{"Công ty CP Delta"}},
			{"hbi.officer", "received_from=2026-10-01", []string{}},
			{"hbi.officer", "q=beta", []string{"Công ty TNHH Beta"}},
			{"hbi.officer", "q=" + url.QueryEscape(codes["Công ty TNHH Gamma"][14:]), []string{"Công ty TNHH Gamma"}},
			{"hbi.officer", "q=" + url.QueryEscape("%"), []string{}},
		}
		for _, c := range cases {
			status, p := f.search(t, c.user, c.query)
			if status != 200 || len(p.Items) != len(c.want) {
				t.Fatalf("%s ?%s: %d, %d items, want %v", c.user, c.query, status, len(p.Items), c.want)
			}
			for i, it := range p.Items {
				if it.ApplicantName != c.want[i] {
					t.Fatalf("%s ?%s: item %d is %s, want %s", c.user, c.query, i, it.ApplicantName, c.want[i])
				}
			}
		}
		assertPages(t, f, 5)
	})
}

// assertPages walks the officer's dossiers two at a time: every dossier
// once, the last page without a cursor.
func assertPages(t *testing.T, f *apiFixture, total int) {
	seen, cursor, pages := map[string]bool{}, "", 0
	for {
		q := "limit=2"
		if cursor != "" {
			q += "&cursor=" + cursor
		}
		_, p := f.search(t, "hbi.officer", q)
		pages++
		for _, it := range p.Items {
			if seen[it.Code] {
				t.Fatalf("page %d repeats %s", pages, it.Code)
			}
			seen[it.Code] = true
		}
		if p.NextCursor == nil {
			break
		}
		cursor = *p.NextCursor
	}
	if len(seen) != total || pages != 3 {
		t.Fatalf("%d dossiers over %d pages, want %d over 3", len(seen), pages, total)
	}
}

// receiveLongAgo receives a dossier on 15/09/2026: by 16/11/2026 it is overdue.
func receiveLongAgo(t *testing.T, db *gorm.DB, code string) {
	eng := workflowtest.Engine(t)
	d, err := models.GetDossierByCode(context.Background(), db, code)
	if err != nil {
		t.Fatal(err)
	}
	when := time.Date(2026, 9, 15, 9, 0, 0, 0, deadlines.Location)
	atts := workflowtest.Documents(t, eng, d.Procedure, d.Variant, d.SubmittedAt)
	if _, _, err := workflowtest.Apply(t, eng, context.Background(), db, d.ID, d.Version, workflow.EventReceive,
		workflow.Actor{Role: workflow.RoleOfficer}, when, workflow.Input{Attachments: atts}); err != nil {
		t.Fatal(err)
	}
}

func TestSearchBadParams(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newAPIFixture(t, db)
		for _, c := range []struct{ query, field string }{
			{"limit=0", "limit"}, {"limit=500", "limit"}, {"cursor=!!", "cursor"}, {"overdue=maybe", "overdue"},
			{"received_from=15-09-2026", "received_from"}, {"zone_id=-1", "zone_id"}, {"assignee_id=x", "assignee_id"},
		} {
			status, p := f.search(t, "hbi.officer", c.query)
			if status != 400 || p.Error.Code != "invalid_"+c.field || p.Error.Details["field"] != c.field {
				t.Fatalf("?%s: %d %+v, want 400 naming %s", c.query, status, p.Error, c.field)
			}
		}
	})
}

// TestSearchReceivedDateNearMidnight: a dossier received at 00:30 on
// 15/09/2026 local time (17:30 UTC the day before) counts as received on
// 15/09, whatever zone the instant arrives in.
func TestSearchReceivedDateNearMidnight(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newAPIFixture(t, db)
		eng := workflowtest.Engine(t)
		d, _ := models.GetDossierByCode(context.Background(), db, f.code)
		atts := workflowtest.Documents(t, eng, d.Procedure, d.Variant, d.SubmittedAt)
		utc := time.Date(2026, 9, 14, 17, 30, 0, 0, time.UTC)
		if _, _, err := workflowtest.Apply(t, eng, context.Background(), db, d.ID, d.Version, workflow.EventReceive,
			workflow.Actor{Role: workflow.RoleOfficer}, utc, workflow.Input{Attachments: atts}); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			query string
			want  int
		}{{"received_from=2026-09-15&received_to=2026-09-15", 1}, {"received_to=2026-09-14", 0}} {
			if _, p := f.search(t, "hbi.officer", c.query); len(p.Items) != c.want {
				t.Fatalf("?%s: %d items, want %d", c.query, len(p.Items), c.want)
			}
		}
	})
}
