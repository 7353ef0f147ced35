package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// AlertFilter selects a board's alerts. Zero values do not filter.
type AlertFilter struct {
	BoardID        uint
	Kind           string
	RecipientRole  string
	Unacknowledged bool
	AfterID        uint64 // keyset cursor: only ids below it (newest first)
	Limit          int
}

// AlertView is an alert with the code and procedure of its dossier.
type AlertView struct {
	Alert
	Code      string
	Procedure string
}

// SearchAlerts returns a board's alerts, newest first.
func SearchAlerts(ctx context.Context, db *gorm.DB, f AlertFilter) ([]AlertView, error) {
	q := db.WithContext(ctx).Table("alerts").Select("alerts.*, dossiers.code, dossiers.procedure").
		Joins("JOIN dossiers ON dossiers.id = alerts.dossier_id").Where("alerts.board_id = ?", f.BoardID)
	if f.Kind != "" {
		q = q.Where("alerts.kind = ?", f.Kind)
	}
	if f.RecipientRole != "" {
		q = q.Where("alerts.recipient_role = ?", f.RecipientRole)
	}
	if f.Unacknowledged {
		q = q.Where("alerts.acknowledged_at IS NULL")
	}
	if f.AfterID != 0 {
		q = q.Where("alerts.id < ?", f.AfterID)
	}
	var out []AlertView
	if err := q.Order("alerts.id DESC").Limit(f.Limit).Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("store: search alerts: %w", err)
	}
	return out, nil
}

// AcknowledgeAlert records that user saw a board's alert. Acknowledging
// twice keeps the first acknowledgement. An alert of another board is ErrNotFound.
func AcknowledgeAlert(ctx context.Context, db *gorm.DB, boardID uint, id uint64, userID uint, now time.Time) (*Alert, error) {
	var a Alert
	err := InTx(ctx, db, func(tx *gorm.DB) error {
		if err := tx.Where("id = ? AND board_id = ?", id, boardID).First(&a).Error; err != nil {
			return notFound(err, fmt.Sprintf("alert %d", id))
		}
		if a.AcknowledgedAt != nil {
			return nil
		}
		a.AcknowledgedAt, a.AcknowledgedBy = &now, &userID
		return tx.Model(&a).Where("acknowledged_at IS NULL").
			Updates(map[string]any{"acknowledged_at": now, "acknowledged_by": userID}).Error
	})
	if err != nil {
		return nil, err
	}
	return &a, nil
}

// DashboardRow counts a board's dossiers for one group (a procedure, or an
// officer and their department).
type DashboardRow struct {
	GroupKey string
	// Name is the group in words: the officer's full name (their username
	// when they have none); the key itself for the other groupings.
	Name       string
	Department string
	Open       int
	DueSoon    int
	Overdue    int
	Early      int
	OnTime     int
	Late       int
}

// Dashboard counts, per group, the open dossiers (received, not finished),
// those due before soon and those overdue at now, and the dossiers finished
// since monthStart by outcome. groupBy is "procedure", "department" (of the
// assigned officer; "" when unassigned) or "officer". It reads only the
// board's unfinished dossiers and those finished since monthStart (two
// ranges of idx_dossiers_board_finished), the only ones any count takes:
// a group with none of them, all its counts zero, is not listed. On
// SQLite instants compare as text: pass them in Asia/Ho_Chi_Minh, the zone
// the engine stores.
func Dashboard(ctx context.Context, db *gorm.DB, boardID uint, groupBy string, now, soon, monthStart time.Time) ([]DashboardRow, error) {
	key, dept, join := "dossiers.procedure", "''", ""
	name := ""
	switch groupBy {
	case "officer":
		key, dept = "COALESCE(users.username, '')", "COALESCE(users.department, '')"
		name = "COALESCE(NULLIF(users.full_name, ''), users.username, '')"
		join = "LEFT JOIN users ON users.id = dossiers.assignee_id"
	case "department":
		key = "COALESCE(users.department, '')"
		join = "LEFT JOIN users ON users.id = dossiers.assignee_id"
	}
	q := db.WithContext(ctx).Table("dossiers").Group(key)
	if join != "" {
		q = q.Joins(join)
	}
	if dept != "''" {
		q = q.Group(dept)
	}
	if name == "" {
		name = key
	} else {
		q = q.Group(name)
	}
	var rows []DashboardRow
	err := q.Select(key+` AS group_key, `+name+` AS name, `+dept+` AS department,
		SUM(CASE WHEN finished_at IS NULL AND received_at IS NOT NULL THEN 1 ELSE 0 END) AS open,
		SUM(CASE WHEN finished_at IS NULL AND due_at >= ? AND due_at < ? THEN 1 ELSE 0 END) AS due_soon,
		SUM(CASE WHEN finished_at IS NULL AND due_at < ? THEN 1 ELSE 0 END) AS overdue,
		SUM(CASE WHEN finished_at >= ? AND outcome = 'early' THEN 1 ELSE 0 END) AS early,
		SUM(CASE WHEN finished_at >= ? AND outcome = 'on_time' THEN 1 ELSE 0 END) AS on_time,
		SUM(CASE WHEN finished_at >= ? AND outcome = 'late' THEN 1 ELSE 0 END) AS late`,
		now, soon, now, monthStart, monthStart, monthStart).
		Where("dossiers.board_id = ? AND (dossiers.finished_at IS NULL OR dossiers.finished_at >= ?)", boardID, monthStart).
		Order(key).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("store: dashboard: %w", err)
	}
	return rows, nil
}

// GetAlertView loads a board's alert with its dossier's code and
// procedure; ErrNotFound when it is not the board's.
func GetAlertView(ctx context.Context, db *gorm.DB, boardID uint, id uint64) (*AlertView, error) {
	var out []AlertView
	err := db.WithContext(ctx).Table("alerts").Select("alerts.*, dossiers.code, dossiers.procedure").
		Joins("JOIN dossiers ON dossiers.id = alerts.dossier_id").
		Where("alerts.board_id = ? AND alerts.id = ?", boardID, id).Limit(1).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("store: alert %d: %w", id, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("alert %d: %w", id, ErrNotFound)
	}
	return &out[0], nil
}
