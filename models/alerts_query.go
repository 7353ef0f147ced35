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

// DashboardGroups are a board's dashboard counts by procedure, by
// department and by officer, each ordered by its group key.
type DashboardGroups struct {
	ByProcedure  []DashboardRow
	ByDepartment []DashboardRow
	ByOfficer    []DashboardRow
}

// dashboardSQL counts the board's dossiers once, per procedure and
// assigned officer, then adds those counts up per procedure, per
// department (of the assigned officer; "" when unassigned) and per
// officer (their username, "" when unassigned). It reads only the board's
// unfinished dossiers and those finished since the month start (two ranges
// of idx_dossiers_board_finished), the only ones any count takes.
const dashboardSQL = `WITH t AS (
	SELECT dossiers.procedure AS procedure, COALESCE(users.username, '') AS username,
		COALESCE(NULLIF(users.full_name, ''), users.username, '') AS full_name, COALESCE(users.department, '') AS department,
		SUM(CASE WHEN finished_at IS NULL AND received_at IS NOT NULL THEN 1 ELSE 0 END) AS open,
		SUM(CASE WHEN finished_at IS NULL AND due_at >= @now AND due_at < @soon THEN 1 ELSE 0 END) AS due_soon,
		SUM(CASE WHEN finished_at IS NULL AND due_at < @now THEN 1 ELSE 0 END) AS overdue,
		SUM(CASE WHEN finished_at >= @month AND outcome = 'early' THEN 1 ELSE 0 END) AS early,
		SUM(CASE WHEN finished_at >= @month AND outcome = 'on_time' THEN 1 ELSE 0 END) AS on_time,
		SUM(CASE WHEN finished_at >= @month AND outcome = 'late' THEN 1 ELSE 0 END) AS late
	FROM dossiers LEFT JOIN users ON users.id = dossiers.assignee_id
	WHERE dossiers.board_id = @board AND (dossiers.finished_at IS NULL OR dossiers.finished_at >= @month)
	GROUP BY dossiers.procedure, COALESCE(users.username, ''), COALESCE(NULLIF(users.full_name, ''), users.username, ''),
		COALESCE(users.department, ''))
SELECT 1 AS grouping, procedure AS group_key, procedure AS name, '' AS department, ` + dashboardSums + `
	FROM t GROUP BY procedure
UNION ALL
SELECT 2, department, department, '', ` + dashboardSums + ` FROM t GROUP BY department
UNION ALL
SELECT 3, username, full_name, department, ` + dashboardSums + ` FROM t GROUP BY username, full_name, department
ORDER BY 1, 2`

// dashboardSums adds up the counts of dashboardSQL's groups.
const dashboardSums = `CAST(SUM(open) AS INTEGER) AS open, CAST(SUM(due_soon) AS INTEGER) AS due_soon,
	CAST(SUM(overdue) AS INTEGER) AS overdue, CAST(SUM(early) AS INTEGER) AS early,
	CAST(SUM(on_time) AS INTEGER) AS on_time, CAST(SUM(late) AS INTEGER) AS late`

// dashboardRow is a row of dashboardSQL: its grouping (1 procedure, 2
// department, 3 officer) and its counts.
type dashboardRow struct {
	Grouping int
	DashboardRow
}

// Dashboard counts, per group, the open dossiers (received, not finished),
// those due before soon and those overdue at now, and the dossiers finished
// since monthStart by outcome: by procedure, by department (of the
// assigned officer; "" when unassigned) and by officer. A group with
// neither an unfinished dossier nor one finished since monthStart, all its
// counts zero, is not listed. It is one statement over the board's
// dossiers (dashboardSQL). On SQLite instants compare as text: pass them
// in Asia/Ho_Chi_Minh, the zone the engine stores.
func Dashboard(ctx context.Context, db *gorm.DB, boardID uint, now, soon, monthStart time.Time) (*DashboardGroups, error) {
	var rows []dashboardRow
	err := db.WithContext(ctx).Raw(dashboardSQL, map[string]any{"board": boardID, "now": now, "soon": soon,
		"month": monthStart}).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("store: dashboard: %w", err)
	}
	out := &DashboardGroups{}
	into := map[int]*[]DashboardRow{1: &out.ByProcedure, 2: &out.ByDepartment, 3: &out.ByOfficer}
	for _, r := range rows {
		*into[r.Grouping] = append(*into[r.Grouping], r.DashboardRow)
	}
	return out, nil
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
