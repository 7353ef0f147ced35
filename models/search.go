package models

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// DossierSort orders a search.
type DossierSort int

// The orders of a search.
const (
	SortNewest DossierSort = iota // by id, newest first
	SortDue                       // by appointment (due_at), soonest first, none last; then by id
	SortOldest                    // by submission (id), oldest first: the intake queue
)

// DossierFilter selects dossiers for a search. Zero values do not filter.
// BoardID or InvestorID must be set: a search is always within a tenant.
type DossierFilter struct {
	BoardID       uint
	InvestorID    uint
	States        []string // any of them
	Procedure     string
	Channel       string
	ZoneID        uint
	AssigneeID    uint
	Open          bool // not finished
	Received      bool // received (the clock has started at least once)
	Overdue       bool
	Now           time.Time // the instant "overdue" is judged at
	DueBefore     *time.Time
	ReceivedFrom  *time.Time // inclusive
	ReceivedUntil *time.Time // exclusive
	Text          string     // part of the code, the applicant's name or tax code
	// MineOrUnassigned keeps the dossiers assigned to this user or to no one.
	MineOrUnassigned uint
	// ExtensionPending keeps the dossiers with an extension awaiting a leader.
	ExtensionPending bool
	// DecisionsOrExtensions keeps the dossiers in DecisionState or with an
	// extension awaiting a leader: a leader's queue.
	DecisionsOrExtensions bool
	DecisionState         string

	Sort  DossierSort
	After Cursor // keyset position: only dossiers after it in the sort order
	Limit int
}

// Cursor is a keyset position: the id (and, sorted by due, the due
// instant; DueNull when it had none) of the last dossier of a page.
type Cursor struct {
	ID      uint64
	Due     *time.Time
	DueNull bool
}

// Zero reports whether the cursor is unset (the first page).
func (c Cursor) Zero() bool { return c.ID == 0 }

// SearchDossiers returns up to f.Limit dossiers in f.Sort order after f.After.
func SearchDossiers(ctx context.Context, db *gorm.DB, f DossierFilter) ([]Dossier, error) {
	if f.BoardID == 0 && f.InvestorID == 0 {
		return nil, fmt.Errorf("store: search without a tenant")
	}
	q := tenant(db.WithContext(ctx).Model(&Dossier{}), f)
	q = f.keyset(f.apply(q))
	var out []Dossier
	if err := q.Limit(f.Limit).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("store: search dossiers: %w", err)
	}
	return out, nil
}

// CursorOf is the cursor after dossier d in sort order s.
func CursorOf(d *Dossier, s DossierSort) Cursor {
	c := Cursor{ID: d.ID}
	if s == SortDue {
		c.Due, c.DueNull = d.DueAt, d.DueAt == nil
	}
	return c
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
	if len(f.States) > 0 {
		q = q.Where("state IN ?", f.States)
	}
	for col, v := range map[string]string{"procedure": f.Procedure, "channel": f.Channel} {
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
	if f.MineOrUnassigned != 0 {
		q = q.Where("(assignee_id = ? OR assignee_id IS NULL)", f.MineOrUnassigned)
	}
	if f.Open || f.MineOrUnassigned != 0 {
		q = q.Where("finished_at IS NULL")
	}
	if f.Received {
		q = q.Where("received_at IS NOT NULL")
	}
	if f.ExtensionPending {
		q = q.Where("extension_proposal_seq > 0")
	}
	if f.DecisionsOrExtensions {
		q = q.Where("(state = ? OR extension_proposal_seq > 0)", f.DecisionState)
	}
	return f.times(f.text(q))
}

// times adds the filters on instants.
func (f DossierFilter) times(q *gorm.DB) *gorm.DB {
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
	return q
}

// text adds the free-text filter: part of the code, of the applicant's
// name or of the tax code, ignoring case.
func (f DossierFilter) text(q *gorm.DB) *gorm.DB {
	t := strings.ToLower(strings.TrimSpace(f.Text))
	if t == "" {
		return q
	}
	like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(t) + "%"
	return q.Where(`(LOWER(code) LIKE ? ESCAPE '\' OR LOWER(applicant_name) LIKE ? ESCAPE '\' OR LOWER(applicant_tax_code) LIKE ? ESCAPE '\')`,
		like, like, like)
}

// keyset orders the search and starts it after f.After.
func (f DossierFilter) keyset(q *gorm.DB) *gorm.DB {
	a := f.After
	switch f.Sort {
	case SortDue:
		q = q.Order("due_at IS NULL").Order("due_at").Order("id")
		switch {
		case a.Zero():
		case a.DueNull || a.Due == nil:
			q = q.Where("due_at IS NULL AND id > ?", a.ID)
		default:
			q = q.Where("(due_at > ? OR (due_at = ? AND id > ?) OR due_at IS NULL)", *a.Due, *a.Due, a.ID)
		}
	case SortOldest:
		q = q.Order("id")
		if !a.Zero() {
			q = q.Where("id > ?", a.ID)
		}
	default:
		q = q.Order("id DESC")
		if !a.Zero() {
			q = q.Where("id < ?", a.ID)
		}
	}
	return q
}
