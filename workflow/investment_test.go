package workflow_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"

	"gorm.io/gorm"

	"github.com/motcua/motcua/errs"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/models/modelstest"
	"github.com/motcua/motcua/workflow"
	"github.com/motcua/motcua/workflow/workflowtest"
)

const certificate = "investment-certificate"

func boolPtr(b bool) *bool { return &b }

// approve fires approve at d as the leader with the investment outcome inv.
func approve(db *gorm.DB, eng *workflow.Engine, d *models.Dossier, when string, t *testing.T,
	inv *workflow.InvestmentInput) (*models.Dossier, error) {
	got, _, err := workflowtest.Apply(t, eng, context.Background(), db, d.ID, d.Version, workflow.EventApprove,
		actor(workflow.RoleLeader), at(t, when), workflow.Input{Investment: inv})
	return got, err
}

// project loads a board's project by code.
func project(t *testing.T, db *gorm.DB, board uint, code string) models.InvestmentProject {
	t.Helper()
	var p models.InvestmentProject
	if err := db.Where("board_id = ? AND code = ?", board, code).First(&p).Error; err != nil {
		t.Fatalf("project %s: %v", code, err)
	}
	return p
}

// record loads a dossier's investment record.
func record(t *testing.T, db *gorm.DB, d *models.Dossier) models.InvestmentRecord {
	t.Helper()
	r, err := models.InvestmentRecordOf(context.Background(), db, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	return *r
}

// TestInvestmentOutcomes issues a project, adjusts its capital up, adjusts
// its name without touching the capital, terminates it, and checks the
// project row, each record and the history row's summary.
func TestInvestmentOutcomes(t *testing.T) {
	eng := workflowtest.Engine(t)
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		board := newBoard(t, db, "HBI", "000.20.30.H33")
		zone := workflowtest.Zone(t, db, board.ID)
		const code = "5432187690"

		d := workflowtest.PendingDecision(t, db, eng, board.ID, certificate, "issue_without_policy", at(t, "2024-03-01 09:00"))
		if eng.InvestmentKind(d) != models.InvestmentIssue {
			t.Fatalf("kind %q, want issue", eng.InvestmentKind(d))
		}
		d, err := approve(db, eng, d, "2024-03-05 10:00", t, &workflow.InvestmentInput{ProjectCode: " " + code + " ",
			Name: "Nhà máy sản xuất linh kiện điện tử", ZoneID: &zone, Foreign: boolPtr(true), Capital: "400000", Currency: "USD"})
		if err != nil {
			t.Fatal(err)
		}
		p := project(t, db, board.ID, code)
		if p.Capital != 40_000_000 || p.Currency != models.CurrencyUSD || !p.ForeignInvested || p.Status != models.ProjectValid ||
			p.ZoneID == nil || *p.ZoneID != zone || !p.IssuedAt.Equal(at(t, "2024-03-05 10:00")) || p.TerminatedAt != nil {
			t.Fatalf("issued project %+v", p)
		}
		r := record(t, db, d)
		if r.Kind != models.InvestmentIssue || r.ProjectID != p.ID || r.CapitalBefore != 0 || r.CapitalAfter != 40_000_000 ||
			!r.ForeignInvested || r.BoardID != board.ID || !r.At.Equal(at(t, "2024-03-05 10:00")) {
			t.Fatalf("issue record %+v", r)
		}
		checkHistorySummary(t, db, d, map[string]any{"kind": "issue", "project_code": code, "capital": "400000", "currency": "USD"})

		up := workflowtest.PendingDecision(t, db, eng, board.ID, certificate, "adjust_other", at(t, "2024-04-01 09:00"))
		if _, err := approve(db, eng, up, "2024-04-02 10:00", t, &workflow.InvestmentInput{ProjectCode: code,
			Capital: "650000.50", Currency: "USD"}); err != nil {
			t.Fatal(err)
		}
		if r := record(t, db, up); r.Kind != models.InvestmentAdjust || r.CapitalBefore != 40_000_000 || r.CapitalAfter != 65_000_050 {
			t.Fatalf("adjustment record %+v", r)
		}

		rename := workflowtest.PendingDecision(t, db, eng, board.ID, certificate, "adjust_update", at(t, "2024-05-01 09:00"))
		if _, err := approve(db, eng, rename, "2024-05-02 10:00", t, &workflow.InvestmentInput{ProjectCode: code,
			Name: "Nhà máy linh kiện điện tử Lương Sơn", Foreign: boolPtr(false)}); err != nil {
			t.Fatal(err)
		}
		p = project(t, db, board.ID, code)
		if r := record(t, db, rename); r.CapitalBefore != 65_000_050 || r.CapitalAfter != 65_000_050 || r.ForeignInvested ||
			p.Name != "Nhà máy linh kiện điện tử Lương Sơn" || p.ForeignInvested {
			t.Fatalf("update without capital: record %+v, project %+v", r, p)
		}

		end := workflowtest.PendingDecision(t, db, eng, board.ID, certificate, "terminate", at(t, "2024-06-03 09:00"))
		if _, err := approve(db, eng, end, "2024-06-04 10:00", t, &workflow.InvestmentInput{ProjectCode: code,
			Capital: "ignored", Currency: "EUR"}); err != nil {
			t.Fatal(err)
		}
		p = project(t, db, board.ID, code)
		if r := record(t, db, end); r.Kind != models.InvestmentTerminate || r.CapitalBefore != 65_000_050 || r.CapitalAfter != 65_000_050 ||
			p.Status != models.ProjectTerminated || p.TerminatedAt == nil || !p.TerminatedAt.Equal(at(t, "2024-06-04 10:00")) {
			t.Fatalf("termination: record %+v, project %+v", r, p)
		}

		late := workflowtest.PendingDecision(t, db, eng, board.ID, certificate, "adjust_other", at(t, "2024-07-01 09:00"))
		_, err = approve(db, eng, late, "2024-07-02 10:00", t, &workflow.InvestmentInput{ProjectCode: code, Capital: "1", Currency: "USD"})
		assertDomainError(t, err, "investment_project_terminated", "investment.project_code", errs.KindRule)
	})
}

// checkHistorySummary checks the investment summary in the history row of
// the dossier's last event.
func checkHistorySummary(t *testing.T, db *gorm.DB, d *models.Dossier, want map[string]any) {
	t.Helper()
	h, err := models.History(context.Background(), db, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	var data struct {
		Investment map[string]any `json:"investment"`
	}
	if err := json.Unmarshal([]byte(h[len(h)-1].Data), &data); err != nil {
		t.Fatal(err)
	}
	for k, v := range want {
		if data.Investment[k] != v {
			t.Fatalf("history data %s: investment.%s = %v, want %v", h[len(h)-1].Data, k, data.Investment[k], v)
		}
	}
}

// assertDomainError checks err's code, field and kind.
func assertDomainError(t *testing.T, err error, code, field string, kind errs.Kind) {
	t.Helper()
	var de *errs.Error
	if !asError(err, &de) {
		t.Fatalf("error %v, want %s on %s", err, code, field)
	}
	if de.Code != code || de.Field != field || de.Kind != kind {
		t.Fatalf("error %s on %s (%s): %s; want %s on %s (%s)", de.Code, de.Field, de.Kind, de.Message(), code, field, kind)
	}
}

// TestInvestmentValidation: every faulty input is refused with an error
// naming its field, and writes nothing: the dossier keeps its state and
// version, and no project or record appears.
func TestInvestmentValidation(t *testing.T) {
	eng := workflowtest.Engine(t)
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		board := newBoard(t, db, "HBI", "000.20.30.H33")
		other := newBoard(t, db, "BGG", "000.20.24.H06")
		zone, otherZone := workflowtest.Zone(t, db, board.ID), workflowtest.Zone(t, db, other.ID)
		when := at(t, "2024-03-01 09:00")
		existing := workflowtest.PendingDecision(t, db, eng, board.ID, certificate, "issue_after_policy", when)
		if _, err := approve(db, eng, existing, "2024-03-01 15:00", t, &workflow.InvestmentInput{ProjectCode: "P-USD",
			Name: "Dự án USD", ZoneID: &zone, Foreign: boolPtr(true), Capital: "1000000", Currency: "USD"}); err != nil {
			t.Fatal(err)
		}
		pending := map[string]*models.Dossier{}
		for _, v := range []string{"issue_without_policy", "adjust_other", "terminate"} {
			pending[v] = workflowtest.PendingDecision(t, db, eng, board.ID, certificate, v, when)
		}
		union := workflowtest.PendingDecision(t, db, eng, board.ID, "union-registration", "standard", when)
		issue := func(edit func(*workflow.InvestmentInput)) *workflow.InvestmentInput {
			in := &workflow.InvestmentInput{ProjectCode: "P-NEW", Name: "Dự án mới", ZoneID: &zone, Foreign: boolPtr(false),
				Capital: "85000000000", Currency: "VND"}
			edit(in)
			return in
		}
		cases := []struct {
			name    string
			d       *models.Dossier
			event   workflow.Event
			in      *workflow.InvestmentInput
			code    string
			field   string
			kind    errs.Kind
			comment string
		}{
			{"issue without investment", pending["issue_without_policy"], "approve", nil, "invalid_investment", "investment", errs.KindInvalid, ""},
			{"no project code", pending["issue_without_policy"], "approve", issue(func(i *workflow.InvestmentInput) { i.ProjectCode = "  " }), "invalid_investment", "investment.project_code", errs.KindInvalid, ""},
			{"control character in code", pending["issue_without_policy"], "approve", issue(func(i *workflow.InvestmentInput) { i.ProjectCode = "P\n1" }), "invalid_investment", "investment.project_code", errs.KindInvalid, ""},
			{"no name", pending["issue_without_policy"], "approve", issue(func(i *workflow.InvestmentInput) { i.Name = "" }), "invalid_investment", "investment.name", errs.KindInvalid, ""},
			{"no zone", pending["issue_without_policy"], "approve", issue(func(i *workflow.InvestmentInput) { i.ZoneID = nil }), "invalid_investment", "investment.zone_id", errs.KindInvalid, ""},
			{"zone of another board", pending["issue_without_policy"], "approve", issue(func(i *workflow.InvestmentInput) { i.ZoneID = &otherZone }), "invalid_investment", "investment.zone_id", errs.KindInvalid, ""},
			{"no foreign", pending["issue_without_policy"], "approve", issue(func(i *workflow.InvestmentInput) { i.Foreign = nil }), "invalid_investment", "investment.foreign", errs.KindInvalid, ""},
			{"no capital", pending["issue_without_policy"], "approve", issue(func(i *workflow.InvestmentInput) { i.Capital = "" }), "invalid_investment", "investment.capital", errs.KindInvalid, ""},
			{"decimal comma", pending["issue_without_policy"], "approve", issue(func(i *workflow.InvestmentInput) { i.Capital = "85,5" }), "invalid_investment", "investment.capital", errs.KindInvalid, ""},
			{"negative", pending["issue_without_policy"], "approve", issue(func(i *workflow.InvestmentInput) { i.Capital = "-5" }), "invalid_investment", "investment.capital", errs.KindInvalid, ""},
			{"zero", pending["issue_without_policy"], "approve", issue(func(i *workflow.InvestmentInput) { i.Capital = "0.00" }), "invalid_investment", "investment.capital", errs.KindInvalid, ""},
			{"fraction of a đồng", pending["issue_without_policy"], "approve", issue(func(i *workflow.InvestmentInput) { i.Capital = "1.5" }), "invalid_investment", "investment.capital", errs.KindInvalid, ""},
			{"fraction of a cent", pending["issue_without_policy"], "approve", issue(func(i *workflow.InvestmentInput) { i.Capital, i.Currency = "400000.125", "USD" }), "invalid_investment", "investment.capital", errs.KindInvalid, ""},
			{"too large", pending["issue_without_policy"], "approve", issue(func(i *workflow.InvestmentInput) { i.Capital = "1000000000000000000" }), "invalid_investment", "investment.capital", errs.KindInvalid, ""},
			{"unknown currency", pending["issue_without_policy"], "approve", issue(func(i *workflow.InvestmentInput) { i.Currency = "EUR" }), "invalid_investment", "investment.currency", errs.KindInvalid, ""},
			{"no currency", pending["issue_without_policy"], "approve", issue(func(i *workflow.InvestmentInput) { i.Currency = "" }), "invalid_investment", "investment.currency", errs.KindInvalid, ""},
			{"code already issued", pending["issue_without_policy"], "approve", issue(func(i *workflow.InvestmentInput) { i.ProjectCode = "P-USD" }), "investment_project_exists", "investment.project_code", errs.KindRule, ""},
			{"adjust unknown project", pending["adjust_other"], "approve", &workflow.InvestmentInput{ProjectCode: "P-NONE", Capital: "1", Currency: "USD"}, "investment_project_not_found", "investment.project_code", errs.KindRule, ""},
			{"adjust in another currency", pending["adjust_other"], "approve", &workflow.InvestmentInput{ProjectCode: "P-USD", Capital: "1", Currency: "VND"}, "investment_currency_mismatch", "investment.currency", errs.KindRule, ""},
			{"adjust capital without currency", pending["adjust_other"], "approve", &workflow.InvestmentInput{ProjectCode: "P-USD", Capital: "1"}, "invalid_investment", "investment.currency", errs.KindInvalid, ""},
			{"adjust before the issue", pending["adjust_other"], "approve", &workflow.InvestmentInput{ProjectCode: "P-USD", Capital: "2000000", Currency: "USD"}, "investment_out_of_order", "investment.project_code", errs.KindRule, ""},
			{"terminate unknown project", pending["terminate"], "approve", &workflow.InvestmentInput{ProjectCode: "P-NONE"}, "investment_project_not_found", "investment.project_code", errs.KindRule, ""},
			{"terminate without investment", pending["terminate"], "approve", nil, "invalid_investment", "investment", errs.KindInvalid, ""},
			{"with a refusal", pending["issue_without_policy"], "refuse", issue(func(*workflow.InvestmentInput) {}), "invalid_investment", "investment", errs.KindInvalid, "Không đủ điều kiện"},
			{"with another procedure", union, "approve", issue(func(*workflow.InvestmentInput) {}), "invalid_investment", "investment", errs.KindInvalid, ""},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				when := "2024-03-04 10:00"
				if c.name == "adjust before the issue" {
					when = "2024-03-01 14:00"
				}
				_, _, err := workflowtest.Apply(t, eng, context.Background(), db, c.d.ID, c.d.Version, c.event, actor(workflow.RoleLeader),
					at(t, when), workflow.Input{Investment: c.in, Comment: c.comment})
				assertDomainError(t, err, c.code, c.field, c.kind)
				assertNothingWritten(t, db, c.d, 1, 1)
			})
		}
	})
}

// assertNothingWritten checks that d is as it was read and that the
// database holds exactly the given numbers of projects and records.
func assertNothingWritten(t *testing.T, db *gorm.DB, d *models.Dossier, projects, records int64) {
	t.Helper()
	now, err := models.GetDossier(context.Background(), db, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	h, err := models.History(context.Background(), db, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	var nProjects, nRecords int64
	db.Model(&models.InvestmentProject{}).Count(&nProjects)
	db.Model(&models.InvestmentRecord{}).Count(&nRecords)
	if now.Version != d.Version || now.State != d.State || now.FinishedAt != nil || len(h) != d.Version ||
		nProjects != projects || nRecords != records {
		t.Fatalf("written: version %d state %s finished %v history %d projects %d records %d; want version %d state %s, %d projects, %d records",
			now.Version, now.State, now.FinishedAt, len(h), nProjects, nRecords, d.Version, d.State, projects, records)
	}
}

// TestInvestmentAtomic: when the record cannot be inserted (a row for the
// dossier is already there), the approval, its history row and the new
// project are all rolled back. On PostgreSQL this also shows that an event
// with an investment outcome runs in a transaction even when it notifies
// no one, not as the single statement such events otherwise use.
func TestInvestmentAtomic(t *testing.T) {
	eng := workflowtest.Engine(t)
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		board := newBoard(t, db, "HBI", "000.20.30.H33")
		d := workflowtest.PendingDecision(t, db, eng, board.ID, certificate, "issue_without_policy", at(t, "2024-03-01 09:00"))
		blocker := &models.InvestmentRecord{BoardID: board.ID, DossierID: &d.ID, ProjectID: 999, Kind: models.InvestmentIssue,
			At: at(t, "2024-01-01 09:00"), CapitalAfter: 1, Currency: models.CurrencyVND}
		if err := db.Create(blocker).Error; err != nil {
			t.Fatal(err)
		}
		// Quiet: approve notifies the investor, which alone would need a
		// transaction; without it only the investment outcome does.
		_, _, err := workflowtest.Apply(t, eng, context.Background(), db, d.ID, d.Version, workflow.EventApprove, actor(workflow.RoleLeader),
			at(t, "2024-03-04 10:00"), workflow.Input{Investment: workflowtest.Issue(t, db, d), Quiet: true})
		if err == nil {
			t.Fatal("approve succeeded despite the conflicting record")
		}
		assertNothingWritten(t, db, d, 0, 1) // no project; the blocker is the only record
	})
}

// TestInvestmentConcurrentIssue: two dossiers issuing the same project code
// at the same time: one wins, the other gets investment_project_exists and
// stays pending.
func TestInvestmentConcurrentIssue(t *testing.T) {
	eng := workflowtest.Engine(t)
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		board := newBoard(t, db, "HBI", "000.20.30.H33")
		zone := workflowtest.Zone(t, db, board.ID)
		ds := []*models.Dossier{
			workflowtest.PendingDecision(t, db, eng, board.ID, certificate, "issue_without_policy", at(t, "2024-03-01 09:00")),
			workflowtest.PendingDecision(t, db, eng, board.ID, certificate, "issue_after_policy", at(t, "2024-03-01 09:00")),
		}
		failures := make([]error, len(ds))
		when := at(t, "2024-03-04 10:00")
		var wg sync.WaitGroup
		for i, d := range ds {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, _, failures[i] = workflowtest.Apply(t, eng, context.Background(), db, d.ID, d.Version, workflow.EventApprove,
					actor(workflow.RoleLeader), when, workflow.Input{Investment: &workflow.InvestmentInput{ProjectCode: "P-1",
						Name: "Dự án", ZoneID: &zone, Foreign: boolPtr(false), Capital: "5000000000", Currency: "VND"}})
			}()
		}
		wg.Wait()
		won := 0
		for _, err := range failures {
			if err == nil {
				won++
				continue
			}
			assertDomainError(t, err, "investment_project_exists", "investment.project_code", errs.KindRule)
		}
		var n int64
		db.Model(&models.InvestmentRecord{}).Count(&n)
		if won != 1 || n != 1 {
			t.Fatalf("%d approvals won, %d records; want 1 and 1 (errors %v)", won, n, failures)
		}
	})
}
