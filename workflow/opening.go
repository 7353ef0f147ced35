package workflow

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/models"
)

// OpeningProject is an investment project licensed before the board moved
// to motcua: its certificate's data, the instant of issue and, if it has
// ended, of termination. Project carries the fields of an issue; zone_id is
// required, as there is no dossier to take it from.
type OpeningProject struct {
	BoardID      uint
	Project      InvestmentInput
	IssuedAt     time.Time
	TerminatedAt *time.Time
}

// OpenProject records an opening project through tx: the project row and
// its issue record at IssuedAt, and its termination record at TerminatedAt
// when it has one, none of them tied to a dossier. The statistics then
// count it as of those instants, like a project issued through motcua. The
// fields are checked as an issue's (the same errors, on investment.*
// fields); a code the board already has is a 422
// investment_project_exists, and a termination before the issue a 400 on
// terminated_at.
func (e *Engine) OpenProject(ctx context.Context, tx *gorm.DB, op OpeningProject) (*models.InvestmentProject, error) {
	p, err := planOpening(op)
	if err != nil {
		return nil, err
	}
	if err := checkZone(ctx, tx, op.BoardID, p.zoneID); err != nil {
		return nil, err
	}
	rec := &models.InvestmentRecord{BoardID: op.BoardID, Kind: models.InvestmentIssue, At: op.IssuedAt.In(deadlines.Location)}
	prj, err := p.insertProject(ctx, tx, op.BoardID, rec.At, rec)
	if err != nil {
		return nil, err
	}
	if err := models.InsertInvestmentRecord(ctx, tx, rec); err != nil {
		return nil, err
	}
	if op.TerminatedAt == nil {
		return prj, nil
	}
	return prj, terminateOpening(ctx, tx, prj, op.TerminatedAt.In(deadlines.Location))
}

// planOpening checks an opening project's fields as an issue's.
func planOpening(op OpeningProject) (*investmentPlan, error) {
	code, err := projectCode(op.Project.ProjectCode)
	if err != nil {
		return nil, err
	}
	if op.TerminatedAt != nil && op.TerminatedAt.Before(op.IssuedAt) {
		return nil, invalid("terminated_at",
			fmt.Sprintf("ngày chấm dứt hoạt động %s trước ngày cấp %s", dmy(*op.TerminatedAt), dmy(op.IssuedAt)),
			fmt.Sprintf("the termination date %s is before the issue date %s", dmy(*op.TerminatedAt), dmy(op.IssuedAt)))
	}
	p := &investmentPlan{kind: models.InvestmentIssue, code: code}
	return p, p.issue(&op.Project, nil)
}

// terminateOpening marks the opening project terminated at end and appends
// its termination record, its capital unchanged.
func terminateOpening(ctx context.Context, tx *gorm.DB, prj *models.InvestmentProject, end time.Time) error {
	prj.Status, prj.TerminatedAt = models.ProjectTerminated, &end
	if err := models.SaveProject(ctx, tx, prj); err != nil {
		return err
	}
	return models.InsertInvestmentRecord(ctx, tx, &models.InvestmentRecord{BoardID: prj.BoardID, ProjectID: prj.ID,
		Kind: models.InvestmentTerminate, At: end, ForeignInvested: prj.ForeignInvested, CapitalBefore: prj.Capital,
		CapitalAfter: prj.Capital, Currency: prj.Currency})
}

// dmy writes an instant's date as dd/mm/yyyy in Asia/Ho_Chi_Minh.
func dmy(t time.Time) string { return t.In(deadlines.Location).Format("02/01/2006") }
