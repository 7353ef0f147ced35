package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
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

// alertBatchSize bounds the rows of one INSERT statement.
const alertBatchSize = 500

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

// alertConflict is the unique key an alert is raised once under.
var alertConflict = clause.OnConflict{
	Columns:   []clause.Column{{Name: "dossier_id"}, {Name: "kind"}, {Name: "due_at"}, {Name: "recipient_role"}},
	DoNothing: true,
}

// InsertAlerts inserts the alerts not raised yet and returns how many were
// new; an alert whose (dossier, kind, due instant, recipient role) exists is
// skipped. The IDs of the given alerts are not reliable afterwards.
func InsertAlerts(ctx context.Context, tx *gorm.DB, alerts []Alert) (int, error) {
	if len(alerts) == 0 {
		return 0, nil
	}
	res := tx.WithContext(ctx).Clauses(alertConflict).CreateInBatches(&alerts, alertBatchSize)
	if res.Error != nil {
		return 0, fmt.Errorf("store: insert alerts: %w", res.Error)
	}
	return int(res.RowsAffected), nil
}

// ListAlerts returns a board's alerts, oldest first.
func ListAlerts(ctx context.Context, tx *gorm.DB, boardID uint) ([]Alert, error) {
	var out []Alert
	if err := tx.WithContext(ctx).Where("board_id = ?", boardID).Order("id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("store: list alerts: %w", err)
	}
	return out, nil
}

// OpenDueBetween returns up to limit open dossiers with from <= due_at <
// before (no lower bound when from is zero) and id > afterID, by id: one
// keyset page over the partial index idx_dossiers_open_due. On SQLite
// instants compare as text, so pass them in the zone the due dates were
// written in.
func OpenDueBetween(ctx context.Context, tx *gorm.DB, from, before time.Time, afterID uint64, limit int) ([]Dossier, error) {
	q := tx.WithContext(ctx).Where("finished_at IS NULL AND due_at IS NOT NULL AND due_at < ? AND id > ?", before, afterID)
	if !from.IsZero() {
		q = q.Where("due_at >= ?", from)
	}
	var out []Dossier
	if err := q.Order("id").Limit(limit).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("store: open dossiers due: %w", err)
	}
	return out, nil
}

// OpenDueBefore returns up to limit open dossiers due before before with
// id > afterID, by id (see OpenDueBetween).
func OpenDueBefore(ctx context.Context, tx *gorm.DB, before time.Time, afterID uint64, limit int) ([]Dossier, error) {
	return OpenDueBetween(ctx, tx, time.Time{}, before, afterID, limit)
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
