package reports

import (
	"context"
	"sort"

	"gorm.io/gorm"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/workflow"
)

// Row is one line of Biểu số 06/VPCP/KSTT: a procedure, a field subtotal or
// the total. Its thirteen counts are described, in the order of the form,
// by Counts, which every use of them reads (adding rows, the identities of
// Balanced, the JSON, CSV and XLSX columns): add a count there and here.
// For every row ReceivedTotal + CarriedOver = ResolvedTotal +
// InProgressTotal and ResolvedTotal = ResolvedEarly + ResolvedOnTime +
// ResolvedLate (Balanced).
//
// Withdrawn and Refused are informational: a dossier withdrawn by the
// investor or refused by the board in the period is resolved (its end date
// is the withdrawal or the refusal) and is ALSO counted in ResolvedTotal and
// in ResolvedEarly, ResolvedOnTime or ResolvedLate by its outcome at that
// moment. They are not added again to any total.
//
// Its JSON is {"procedure", "name", "field", then the counts under their
// Count.Key} (MarshalJSON).
type Row struct {
	Procedure string        // procedure code; "" on subtotal and total rows
	Name      workflow.Text // for display
	Field     string        // report group (lĩnh vực); "" on the total row

	ReceivedTotal   int // received in the period (receive event)
	ReceivedOnline  int // of which filed online
	ReceivedOffline int // of which at the desk or by post
	CarriedOver     int // received before the period, not resolved before it

	ResolvedTotal  int // end date in the period
	ResolvedEarly  int // before the appointment date
	ResolvedOnTime int // on the appointment date
	ResolvedLate   int // after the appointment date

	InProgressTotal   int // not resolved by the end of the period
	InProgressWithin  int // appointment in force at the end not passed (or clock paused)
	InProgressOverdue int // appointment date before the period's last day

	Withdrawn int // resolved by withdrawal (also in ResolvedTotal)
	Refused   int // resolved by refusal (also in ResolvedTotal)
}

// Group is the procedures of one field (lĩnh vực) and their subtotal.
type Group struct {
	Field    string        `json:"field"`
	Name     workflow.Text `json:"name"`
	Rows     []Row         `json:"rows"`
	Subtotal Row           `json:"subtotal"`
}

// Report is Biểu số 06/VPCP/KSTT for one period: the procedures grouped by
// field (in the order of workflow.Fields, procedures in catalogue order),
// the total, and the sentence a board writes from it.
type Report struct {
	Period    Period        `json:"period"`
	AsOf      workflow.Date `json:"as_of"` // the day the dossiers in progress are classified at (Query.AsOf)
	BoardID   *uint         `json:"board_id,omitempty"`
	Groups    []Group       `json:"groups"`
	Total     Row           `json:"total"`
	Narrative workflow.Text `json:"narrative"`
}

// Lines returns the report's rows in print order: each group's procedures
// then its subtotal, and the total last.
func (r *Report) Lines() []Row {
	var out []Row
	for _, g := range r.Groups {
		out = append(out, g.Rows...)
		out = append(out, g.Subtotal)
	}
	return append(out, r.Total)
}

// fieldNames are the display names of the report groups of workflow.Fields.
var fieldNames = map[string]workflow.Text{
	"dau_tu":     {VI: "Lĩnh vực đầu tư", EN: "Investment"},
	"xay_dung":   {VI: "Lĩnh vực xây dựng", EN: "Construction"},
	"moi_truong": {VI: "Lĩnh vực môi trường", EN: "Environment"},
	"lao_dong":   {VI: "Lĩnh vực lao động", EN: "Labour"},
}

// otherField groups dossiers of procedures no longer in the catalogue, so
// that no received dossier goes uncounted.
const otherField = "khac"

// totalName labels the total row.
var totalName = workflow.Text{VI: "Tổng cộng", EN: "Total"}

// counts are one procedure's figures, for a board or summed over boards:
// its Biểu 06 row and Decision 766's.
type counts struct {
	Row
	Handled, Good, Multi int // Decision 766: handled; on time (less Multi); asked to supplement more than once

	openMulti, overdueMulti int // in progress at the end: asked to supplement more than once; and overdue too
}

// addCounter adds a row of countersSQL (see close for the rest).
// Receipts before the period are carried over unless they ended before it
// too. Resolved dossiers ended refused or withdrawn as the catalogue says
// of their end state. Any outcome other than early or on time (none in
// practice) counts as late. Good, the Decision 766 numerator, takes the
// dossiers resolved early or on time unless asked to supplement more than
// once.
func (c *counts) addCounter(r counterRow, refused, withdrawn bool) {
	switch models.TallyKind(r.Kind) {
	case models.TallyReceived:
		c.addReceived(r)
	case models.TallyResolved:
		c.addResolved(r, refused, withdrawn)
	case models.TallyOverdue:
		c.InProgressOverdue += r.UntilAsOf
		if r.Multi {
			c.overdueMulti += r.UntilAsOf
		}
	case models.TallyOpenMulti:
		c.openMulti += r.UntilAsOf
	}
}

// addReceived adds a received counter.
func (c *counts) addReceived(r counterRow) {
	c.ReceivedTotal += r.Inside
	c.CarriedOver += r.Before
	switch models.Channel(r.Channel) {
	case models.ChannelOnline:
		c.ReceivedOnline += r.Inside
	case models.ChannelDirect, models.ChannelPostal:
		c.ReceivedOffline += r.Inside
	}
}

// addResolved adds a resolved counter.
func (c *counts) addResolved(r counterRow, refused, withdrawn bool) {
	c.CarriedOver -= r.Before
	c.ResolvedTotal += r.Inside
	outcome := deadlines.Outcome(r.Outcome)
	switch outcome {
	case deadlines.Early:
		c.ResolvedEarly += r.Inside
	case deadlines.OnTime:
		c.ResolvedOnTime += r.Inside
	default:
		c.ResolvedLate += r.Inside
	}
	if refused {
		c.Refused += r.Inside
	}
	if withdrawn {
		c.Withdrawn += r.Inside
	}
	if r.Multi {
		c.Multi += r.Inside
	} else if outcome == deadlines.Early || outcome == deadlines.OnTime {
		c.Good += r.Inside
	}
}

// close derives the dossiers handled and in progress at the end from the
// sums: in progress = received + carried over - resolved, within = in
// progress - overdue. Those within are good for Decision 766 unless asked
// to supplement more than once: good += in progress - |overdue ∪ multi|.
func (c *counts) close() {
	c.Handled = c.ReceivedTotal + c.CarriedOver
	c.InProgressTotal = c.Handled - c.ResolvedTotal
	c.InProgressWithin = c.InProgressTotal - c.InProgressOverdue
	c.Multi += c.openMulti
	c.Good += c.InProgressTotal - c.InProgressOverdue - c.openMulti + c.overdueMulti
}

// consistent reports whether the sums can describe real dossiers: no count
// below zero, and the dossiers asked to supplement more than once among
// those in progress and among those overdue.
func (c *counts) consistent() bool {
	return c.nonNegative() && c.openMulti >= 0 && c.overdueMulti >= 0 &&
		c.overdueMulti <= min(c.InProgressOverdue, c.openMulti) && c.openMulti <= c.InProgressTotal
}

// plus adds two procedures' counts.
func (c counts) plus(o counts) counts {
	c.Row.Add(o.Row)
	c.Handled, c.Good, c.Multi = c.Handled+o.Handled, c.Good+o.Good, c.Multi+o.Multi
	c.openMulti, c.overdueMulti = 0, 0
	return c
}

// row is a procedure's report row.
func (c counts) row() Row { return c.Row }

// Bieu06 computes Biểu số 06/VPCP/KSTT for q.Period, for one board or all:
// a row for every procedure of the catalogue (zeros included), grouped by
// field with subtotals, the total and the narrative. The counts are those
// at the end of the period; see Row and docs/REPORTS.md for the rules.
func Bieu06(ctx context.Context, db *gorm.DB, cat *workflow.Catalogue, q Query) (*Report, error) {
	if err := q.check(); err != nil {
		return nil, err
	}
	var rows map[boardProc]*counts
	err := snapshot(ctx, db, func(tx *gorm.DB) error {
		var err error
		rows, err = aggregate(tx, cat, q)
		return err
	})
	if err != nil {
		return nil, err
	}
	sums := map[string]counts{}
	for k, c := range rows {
		sums[k.proc] = sums[k.proc].plus(*c)
	}
	byProc := make(map[string]Row, len(sums))
	for proc, c := range sums {
		byProc[proc] = c.row()
	}
	rep := &Report{Period: q.Period, AsOf: workflow.Date{Time: q.AsOf()}, BoardID: q.BoardID, Groups: groups(cat, byProc)}
	rep.Total.Name = totalName
	for _, g := range rep.Groups {
		rep.Total.Add(g.Subtotal)
	}
	rep.Narrative = Narrative(rep.Total)
	return rep, nil
}

// groups lays out one row per catalogue procedure, by field in the order of
// workflow.Fields, then any procedure the catalogue no longer has.
func groups(cat *workflow.Catalogue, byProc map[string]Row) []Group {
	var out []Group
	for _, field := range workflow.Fields {
		g := Group{Field: field, Name: fieldNames[field]}
		for _, code := range cat.Order {
			if p := cat.Procedures[code]; p.Field == field {
				g.Rows = append(g.Rows, procRow(byProc[code], p.Code, p.Name, field))
				delete(byProc, code)
			}
		}
		if len(g.Rows) > 0 {
			out = append(out, g.close())
		}
	}
	if other := otherGroup(byProc); len(other.Rows) > 0 {
		out = append(out, other.close())
	}
	return out
}

// otherGroup holds the rows of procedures missing from the catalogue, by code.
func otherGroup(byProc map[string]Row) Group {
	g := Group{Field: otherField, Name: workflow.Text{VI: "Thủ tục khác", EN: "Other procedures"}}
	for _, code := range sortedKeys(byProc) {
		g.Rows = append(g.Rows, procRow(byProc[code], code, workflow.Text{VI: code, EN: code}, otherField))
	}
	return g
}

// procRow labels a procedure's counts.
func procRow(r Row, code string, name workflow.Text, field string) Row {
	r.Procedure, r.Name, r.Field = code, name, field
	return r
}

// close computes the group's subtotal.
func (g Group) close() Group {
	g.Subtotal = Row{Name: g.Name, Field: g.Field}
	for _, r := range g.Rows {
		g.Subtotal.Add(r)
	}
	return g
}

// sortedKeys returns a map's keys in order.
func sortedKeys(m map[string]Row) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// sortStrings sorts a slice in place and returns it.
func sortStrings(s []string) []string {
	sort.Strings(s)
	return s
}
