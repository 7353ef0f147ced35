package models

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// AlertKind names what an alert warns about.
type AlertKind string

// The alert kinds raised by the deadline sweeps.
const (
	AlertDueSoon     AlertKind = "due_soon"     // the appointment is a few working days away
	AlertOverdue     AlertKind = "overdue"      // the appointment has passed
	AlertStepOverdue AlertKind = "step_overdue" // the control-sheet step is past its own deadline
	AlertApologyDue  AlertKind = "apology_due"  // one working day left: apology letter and form 04 if late
)

// The roles an alert is addressed to.
const (
	RecipientOfficer = "officer"
	RecipientManager = "manager"
)

// Alert is one deadline warning about a dossier. The unique key (dossier,
// kind, due instant, recipient role) makes raising an alert idempotent.
type Alert struct {
	ID             uint64    `gorm:"primaryKey"`
	BoardID        uint      `gorm:"not null;index:idx_alerts_board_ack,priority:1"`
	DossierID      uint64    `gorm:"not null;uniqueIndex:idx_alerts_unique,priority:1"`
	Kind           AlertKind `gorm:"size:16;not null;uniqueIndex:idx_alerts_unique,priority:2"`
	DueAt          time.Time `gorm:"not null;uniqueIndex:idx_alerts_unique,priority:3"` // the deadline the alert is about
	StepState      string    `gorm:"size:64"`
	RecipientRole  string    `gorm:"size:16;not null;uniqueIndex:idx_alerts_unique,priority:4"`
	AssigneeID     *uint
	RaisedAt       time.Time  `gorm:"not null"`
	AcknowledgedAt *time.Time `gorm:"index:idx_alerts_board_ack,priority:2"`
	AcknowledgedBy *uint
}

// ListAlerts returns a board's alerts, oldest first.
func ListAlerts(ctx context.Context, tx *gorm.DB, boardID uint) ([]Alert, error) {
	var out []Alert
	if err := tx.WithContext(ctx).Where("board_id = ?", boardID).Order("id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("store: list alerts: %w", err)
	}
	return out, nil
}

// OpenStepsDueBefore returns up to limit open dossiers whose current step
// is due before before, with id > afterID, by id: one keyset page over the
// partial index idx_dossiers_step_due.
func OpenStepsDueBefore(ctx context.Context, tx *gorm.DB, before time.Time, afterID uint64, limit int) ([]Dossier, error) {
	var out []Dossier
	err := tx.WithContext(ctx).
		Where("finished_at IS NULL AND step_due_at IS NOT NULL AND step_due_at < ? AND id > ?", before, afterID).
		Order("id").Limit(limit).Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("store: open steps due: %w", err)
	}
	return out, nil
}

// AlertRange selects the open dossiers one kind of alert is raised for:
// those whose appointment (or, with Step, current step deadline) falls in
// [DueFrom, DueBefore). On SQLite instants compare as text, so pass them in
// the zone the due dates were written in.
type AlertRange struct {
	Kind      AlertKind
	Roles     []string  // one alert per recipient role
	DueFrom   time.Time // zero: no lower bound
	DueBefore time.Time
	Step      bool // the step deadline (step_due_at) instead of the appointment (due_at)
	Apology   bool // only running clocks never extended
}

// RaiseAlerts inserts, in one statement over the partial index of the due
// column, the alerts of r not raised yet, stamped raisedAt, and returns how
// many were new. Its cost follows the dossiers in range, not those open.
func RaiseAlerts(ctx context.Context, tx *gorm.DB, r AlertRange, raisedAt time.Time) (int, error) {
	col := "due_at"
	if r.Step {
		col = "step_due_at"
	}
	args := []any{string(r.Kind), raisedAt.UTC()}
	roles := make([]string, len(r.Roles))
	for i, role := range r.Roles {
		roles[i] = "SELECT CAST(? AS VARCHAR(16)) AS role"
		args = append(args, role)
	}
	where := fmt.Sprintf("d.finished_at IS NULL AND d.%[1]s IS NOT NULL AND d.%[1]s < ?", col)
	args = append(args, r.DueBefore)
	if !r.DueFrom.IsZero() {
		where += fmt.Sprintf(" AND d.%s >= ?", col)
		args = append(args, r.DueFrom)
	}
	if r.Apology {
		where += " AND d.extension_count = 0 AND d.clock_state = 'running'"
	}
	sql := fmt.Sprintf(`INSERT INTO alerts (board_id, dossier_id, kind, due_at, step_state, recipient_role,
	assignee_id, raised_at)
SELECT d.board_id, d.id, ?, d.%s, d.step_state, r.role, d.assignee_id, ?
FROM dossiers d CROSS JOIN (%s) r
WHERE %s
ON CONFLICT (dossier_id, kind, due_at, recipient_role) DO NOTHING`, col, strings.Join(roles, " UNION ALL "), where)
	res := tx.WithContext(ctx).Exec(sql, args...)
	if res.Error != nil {
		return 0, fmt.Errorf("store: raise %s alerts: %w", r.Kind, res.Error)
	}
	return int(res.RowsAffected), nil
}

// MarkOverdue stamps at on every open dossier past its appointment at that
// instant and not yet marked, and returns how many it marked. An event that
// moves the appointment past its own instant clears the mark
// (SaveTransition); a finished dossier keeps it.
func MarkOverdue(ctx context.Context, tx *gorm.DB, at time.Time) (int, error) {
	res := tx.WithContext(ctx).Exec(`UPDATE dossiers SET overdue_at = ?
		WHERE finished_at IS NULL AND due_at IS NOT NULL AND due_at < ? AND overdue_at IS NULL`, at, at)
	if res.Error != nil {
		return 0, fmt.Errorf("store: mark overdue: %w", res.Error)
	}
	return int(res.RowsAffected), nil
}
