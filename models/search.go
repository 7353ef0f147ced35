package models

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// DossierFilter selects dossiers for a search. Zero values do not filter.
// BoardID or InvestorID must be set: a search is always within a tenant.
type DossierFilter struct {
	BoardID       uint
	InvestorID    uint
	State         string
	Procedure     string
	Channel       string
	ZoneID        uint
	AssigneeID    uint
	Overdue       bool
	Now           time.Time // the instant "overdue" is judged at
	DueBefore     *time.Time
	ReceivedFrom  *time.Time // inclusive
	ReceivedUntil *time.Time // exclusive
	Text          string     // part of the code or of the applicant's name
	AfterID       uint64     // keyset cursor: only ids below it (newest first)
	Limit         int
}

// SearchDossiers returns up to f.Limit dossiers, newest first, with ids
// below f.AfterID when it is set (keyset pagination).
func SearchDossiers(ctx context.Context, db *gorm.DB, f DossierFilter) ([]Dossier, error) {
	if f.BoardID == 0 && f.InvestorID == 0 {
		return nil, fmt.Errorf("store: search without a tenant")
	}
	q := tenant(db.WithContext(ctx).Model(&Dossier{}), f)
	q = f.apply(q)
	var out []Dossier
	if err := q.Order("id DESC").Limit(f.Limit).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("store: search dossiers: %w", err)
	}
	return out, nil
}

func tenant(q *gorm.DB, f DossierFilter) *gorm.DB {
	if f.InvestorID != 0 {
		q = q.Where("investor_id = ?", f.InvestorID)
	}
	if f.BoardID != 0 {
		q = q.Where("board_id = ?", f.BoardID)
	}
	return q
}

// apply adds the filters that are set.
func (f DossierFilter) apply(q *gorm.DB) *gorm.DB {
	eq := map[string]any{"state": f.State, "procedure": f.Procedure, "channel": f.Channel}
	for col, v := range eq {
		if v != "" {
			q = q.Where(col+" = ?", v)
		}
	}
	if f.ZoneID != 0 {
		q = q.Where("zone_id = ?", f.ZoneID)
	}
	if f.AssigneeID != 0 {
		q = q.Where("assignee_id = ?", f.AssigneeID)
	}
	if f.Overdue {
		q = q.Where("finished_at IS NULL AND due_at IS NOT NULL AND due_at < ?", f.Now)
	}
	if f.DueBefore != nil {
		q = q.Where("due_at < ?", *f.DueBefore)
	}
	if f.ReceivedFrom != nil {
		q = q.Where("received_at >= ?", *f.ReceivedFrom)
	}
	if f.ReceivedUntil != nil {
		q = q.Where("received_at < ?", *f.ReceivedUntil)
	}
	if t := strings.ToLower(strings.TrimSpace(f.Text)); t != "" {
		like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(t) + "%"
		q = q.Where(`(LOWER(code) LIKE ? ESCAPE '\' OR LOWER(applicant_name) LIKE ? ESCAPE '\')`, like, like)
	}
	if f.AfterID != 0 {
		q = q.Where("id < ?", f.AfterID)
	}
	return q
}
