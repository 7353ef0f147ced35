package service

import (
	"context"
	"errors"
	"math"
	"time"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/errs"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/workflow"
)

// DueSoonDays is how many working days ahead the dashboard counts as due soon.
const DueSoonDays = deadlines.DefaultDueSoonDays

// AlertQuery narrows a board's alerts.
type AlertQuery struct {
	Kind           string
	RecipientRole  string
	Unacknowledged bool
	Cursor         string
	Limit          int
}

// AlertPage is one page of alerts, newest first.
type AlertPage struct {
	Items []models.AlertView
	Next  string
}

// alertKinds and recipientRoles are the values an alert query may name.
var (
	alertKinds     = []string{string(models.AlertDueSoon), string(models.AlertOverdue), string(models.AlertStepOverdue), string(models.AlertApologyDue)}
	recipientRoles = []string{models.RecipientOfficer, models.RecipientManager}
)

// Alerts lists the deadline alerts of the principal's board (officers,
// leaders and managers).
func (s *Service) Alerts(ctx context.Context, p *Principal, q AlertQuery) (*AlertPage, error) {
	if err := s.requireStaff(p, workflow.RoleOfficer, workflow.RoleLeader, workflow.RoleManager); err != nil {
		return nil, err
	}
	if q.Kind != "" && !contains(alertKinds, q.Kind) {
		return nil, errs.Invalid("kind", "loại cảnh báo không hợp lệ", "kind must be one of due_soon, overdue, step_overdue, apology_due")
	}
	if q.RecipientRole != "" && !contains(recipientRoles, q.RecipientRole) {
		return nil, errs.Invalid("recipient_role", "recipient_role phải là officer hoặc manager", "recipient_role must be officer or manager")
	}
	var page models.DossierFilter
	if err := pageOf(q.Cursor, q.Limit, &page); err != nil {
		return nil, err
	}
	rows, err := models.SearchAlerts(ctx, s.db, models.AlertFilter{BoardID: p.BoardID(), Kind: q.Kind,
		RecipientRole: q.RecipientRole, Unacknowledged: q.Unacknowledged, AfterID: page.After.ID, Limit: page.Limit})
	if err != nil {
		return nil, err
	}
	out := &AlertPage{Items: rows}
	if len(rows) == page.Limit {
		out.Next = encodeCursor(models.Cursor{ID: rows[len(rows)-1].ID})
	}
	return out, nil
}

// requireStaff refuses anyone but the given roles of a board.
func (s *Service) requireStaff(p *Principal, roles ...workflow.Role) error {
	if err := p.require(roles...); err != nil {
		return err
	}
	if p.BoardID() == 0 {
		return roleNotAllowed(p.Role())
	}
	return nil
}

// AcknowledgeAlert records that the principal saw alert id of their board
// and returns it whole; the first acknowledgement is kept.
func (s *Service) AcknowledgeAlert(ctx context.Context, p *Principal, id uint64) (*models.AlertView, error) {
	if err := s.requireStaff(p, workflow.RoleOfficer, workflow.RoleLeader, workflow.RoleManager); err != nil {
		return nil, err
	}
	notFound := errs.NotFound("id", "không tìm thấy cảnh báo", "alert not found")
	if id == 0 || id > math.MaxInt64 {
		return nil, notFound
	}
	_, err := models.AcknowledgeAlert(ctx, s.db, p.BoardID(), id, p.UserID(), s.now().In(deadlines.Location))
	if errors.Is(err, models.ErrNotFound) {
		return nil, notFound
	}
	if err != nil {
		return nil, err
	}
	return models.GetAlertView(ctx, s.db, p.BoardID(), id)
}

// Dashboard is the board's open, due-soon and overdue dossiers and this
// month's outcomes, by procedure, by department and by officer.
type Dashboard struct {
	At           time.Time
	Month        time.Time
	DueSoonDays  int
	ByProcedure  []models.DashboardRow
	ByDepartment []models.DashboardRow
	ByOfficer    []models.DashboardRow
}

// Dashboard computes the dashboard of the principal's board (leaders and
// managers).
func (s *Service) Dashboard(ctx context.Context, p *Principal) (*Dashboard, error) {
	if err := s.requireStaff(p, workflow.RoleLeader, workflow.RoleManager); err != nil {
		return nil, err
	}
	now := s.now().In(deadlines.Location)
	soon := deadlines.EndOfDay(s.eng.Calendar().AddWorkingDays(now, DueSoonDays))
	month := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, deadlines.Location)
	g, err := models.Dashboard(ctx, s.read, p.BoardID(), now, soon, month)
	if err != nil {
		return nil, err
	}
	return &Dashboard{At: now, Month: month, DueSoonDays: DueSoonDays, ByProcedure: g.ByProcedure,
		ByDepartment: g.ByDepartment, ByOfficer: g.ByOfficer}, nil
}
