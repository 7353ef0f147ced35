package workflow_test

import (
	"context"
	"testing"

	"gorm.io/gorm"

	"github.com/motcua/motcua/errs"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/models/modelstest"
	"github.com/motcua/motcua/workflow"
	"github.com/motcua/motcua/workflow/workflowtest"
)

// TestOpenProject: an opening project gets its row and an issue record
// with no dossier at its issue instant, and a termination record when it
// has ended; a later adjustment dossier applies to it, a termination
// before the issue or an adjustment before it is refused, and its fields
// are checked as an issue's.
func TestOpenProject(t *testing.T) {
	eng := workflowtest.Engine(t)
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		board := newBoard(t, db, "HBI", "000.20.30.H33")
		other := newBoard(t, db, "BGG", "000.20.24.H06")
		zone, otherZone := workflowtest.Zone(t, db, board.ID), workflowtest.Zone(t, db, other.ID)
		open := func(code, capital, currency string, issued string, terminated string) (*models.InvestmentProject, error) {
			op := workflow.OpeningProject{BoardID: board.ID, IssuedAt: at(t, issued), Project: workflow.InvestmentInput{
				ProjectCode: code, Name: "Nhà máy " + code, ZoneID: &zone, Foreign: boolPtr(currency == "USD"),
				Capital: capital, Currency: currency}}
			if terminated != "" {
				end := at(t, terminated)
				op.TerminatedAt = &end
			}
			return eng.OpenProject(ctx, db, op)
		}
		valid, err := open("OP-1", "12500000", "USD", "2019-05-06 00:00", "")
		if err != nil {
			t.Fatal(err)
		}
		if valid.Status != models.ProjectValid || valid.Capital != 1_250_000_000 || !valid.IssuedAt.Equal(at(t, "2019-05-06 00:00")) {
			t.Fatalf("opening project %+v", valid)
		}
		ended, err := open("OP-2", "85000000000", "VND", "2018-03-01 00:00", "2023-11-20 00:00")
		if err != nil {
			t.Fatal(err)
		}
		var recs []models.InvestmentRecord
		db.Order("id").Find(&recs)
		if len(recs) != 3 || recs[0].DossierID != nil || recs[0].Kind != models.InvestmentIssue || recs[0].CapitalAfter != 1_250_000_000 ||
			recs[2].Kind != models.InvestmentTerminate || recs[2].ProjectID != ended.ID || recs[2].CapitalBefore != 85_000_000_000 ||
			!recs[2].At.Equal(at(t, "2023-11-20 00:00")) || ended.Status != models.ProjectTerminated {
			t.Fatalf("records %+v, terminated project %+v", recs, ended)
		}

		up := workflowtest.PendingDecision(t, db, eng, board.ID, certificate, "adjust_other", at(t, "2024-04-01 09:00"))
		if _, err := approve(db, eng, up, "2024-04-02 10:00", t, &workflow.InvestmentInput{ProjectCode: "OP-1",
			Capital: "15000000", Currency: "USD"}); err != nil {
			t.Fatal(err)
		}
		if r := record(t, db, up); r.CapitalBefore != 1_250_000_000 || r.CapitalAfter != 1_500_000_000 {
			t.Fatalf("adjustment of an opening project: %+v", r)
		}
		_, err = open("OP-3", "1", "USD", "2025-01-02 00:00", "2024-01-02 00:00")
		assertDomainError(t, err, "invalid_terminated_at", "terminated_at", errs.KindInvalid)
		_, err = open("OP-1", "1", "USD", "2020-01-02 00:00", "")
		assertDomainError(t, err, "investment_project_exists", "investment.project_code", errs.KindRule)
		_, err = open("OP-4", "1.5", "VND", "2020-01-02 00:00", "")
		assertDomainError(t, err, "invalid_investment", "investment.capital", errs.KindInvalid)
		_, err = eng.OpenProject(ctx, db, workflow.OpeningProject{BoardID: board.ID, IssuedAt: at(t, "2020-01-02 00:00"),
			Project: workflow.InvestmentInput{ProjectCode: "OP-5", Name: "Nhà máy", Foreign: boolPtr(false), Capital: "1", Currency: "VND"}})
		assertDomainError(t, err, "invalid_investment", "investment.zone_id", errs.KindInvalid)
		_, err = eng.OpenProject(ctx, db, workflow.OpeningProject{BoardID: board.ID, IssuedAt: at(t, "2020-01-02 00:00"),
			Project: workflow.InvestmentInput{ProjectCode: "OP-6", Name: "Nhà máy", ZoneID: &otherZone, Foreign: boolPtr(false),
				Capital: "1", Currency: "VND"}})
		assertDomainError(t, err, "invalid_investment", "investment.zone_id", errs.KindInvalid)
		var n int64
		db.Model(&models.InvestmentProject{}).Count(&n)
		if n != 2 {
			t.Fatalf("%d projects after the refused ones, want 2", n)
		}

		late := workflowtest.PendingDecision(t, db, eng, board.ID, certificate, "adjust_other", at(t, "2024-05-06 09:00"))
		if _, err := eng.OpenProject(ctx, db, workflow.OpeningProject{BoardID: board.ID, IssuedAt: at(t, "2024-06-03 00:00"),
			Project: workflow.InvestmentInput{ProjectCode: "OP-7", Name: "Nhà máy", ZoneID: &zone, Foreign: boolPtr(false),
				Capital: "1", Currency: "VND"}}); err != nil {
			t.Fatal(err)
		}
		_, err = approve(db, eng, late, "2024-05-07 10:00", t, &workflow.InvestmentInput{ProjectCode: "OP-7", Capital: "2", Currency: "VND"})
		assertDomainError(t, err, "investment_out_of_order", "investment.project_code", errs.KindRule)
	})
}
