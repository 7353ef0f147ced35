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
// the total. For every row ReceivedTotal + CarriedOver = ResolvedTotal +
// InProgressTotal and ResolvedTotal = ResolvedEarly + ResolvedOnTime +
// ResolvedLate.
//
// Withdrawn and Refused are informational: a dossier withdrawn by the
// investor or refused by the board in the period is resolved (its end date
// is the withdrawal or the refusal) and is ALSO counted in ResolvedTotal and
// in ResolvedEarly, ResolvedOnTime or ResolvedLate by its outcome at that
// moment. They are not added again to any total.
type Row struct {
	Procedure string        `json:"procedure"` // procedure code; "" on subtotal and total rows
	Name      workflow.Text `json:"name"`      // for display
	Field     string        `json:"field"`     // report group (lĩnh vực); "" on the total row

	ReceivedTotal   int `json:"received_total"`   // received in the period (receive event)
	ReceivedOnline  int `json:"received_online"`  // of which filed online
	ReceivedOffline int `json:"received_offline"` // of which at the desk or by post
	CarriedOver     int `json:"carried_over"`     // received before the period, not resolved before it

	ResolvedTotal  int `json:"resolved_total"`   // end date in the period
	ResolvedEarly  int `json:"resolved_early"`   // before the appointment date
	ResolvedOnTime int `json:"resolved_on_time"` // on the appointment date
	ResolvedLate   int `json:"resolved_late"`    // after the appointment date

	InProgressTotal   int `json:"in_progress_total"`   // not resolved by the end of the period
	InProgressWithin  int `json:"in_progress_within"`  // appointment in force at the end not passed (or clock paused)
	InProgressOverdue int `json:"in_progress_overdue"` // appointment date before the period's last day

	Withdrawn int `json:"withdrawn"` // resolved by withdrawal (also in ResolvedTotal)
	Refused   int `json:"refused"`   // resolved by refusal (also in ResolvedTotal)
}

// add adds r's counts to t.
func (t *Row) add(r Row) {
	t.ReceivedTotal += r.ReceivedTotal
	t.ReceivedOnline += r.ReceivedOnline
	t.ReceivedOffline += r.ReceivedOffline
	t.CarriedOver += r.CarriedOver
	t.ResolvedTotal += r.ResolvedTotal
	t.ResolvedEarly += r.ResolvedEarly
	t.ResolvedOnTime += r.ResolvedOnTime
	t.ResolvedLate += r.ResolvedLate
	t.InProgressTotal += r.InProgressTotal
	t.InProgressWithin += r.InProgressWithin
	t.InProgressOverdue += r.InProgressOverdue
	t.Withdrawn += r.Withdrawn
	t.Refused += r.Refused
}

// Balanced reports whether the row's two identities hold: received +
// carried over = resolved + in progress, and resolved = early + on time +
// late.
func (t Row) Balanced() bool {
	return t.ReceivedTotal+t.CarriedOver == t.ResolvedTotal+t.InProgressTotal &&
		t.ResolvedTotal == t.ResolvedEarly+t.ResolvedOnTime+t.ResolvedLate
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

// counts are one procedure's figures, for a board or summed over boards.
type counts struct {
	Handled, Rcv, RcvOnline, RcvOffline, Carried int
	Res, ResEarly, ResOnTime, ResLate            int
	Prog, Overdue, Within                        int
	Withdrawn, Refused                           int
	Good, Multi                                  int // Decision 766: on time (less Multi), asked to supplement more than once

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
		c.Overdue += r.UntilAsOf
		if r.Multi {
			c.overdueMulti += r.UntilAsOf
		}
	case models.TallyOpenMulti:
		c.openMulti += r.UntilAsOf
	}
}

// addReceived adds a received counter.
func (c *counts) addReceived(r counterRow) {
	c.Rcv += r.Inside
	c.Carried += r.Before
	switch models.Channel(r.Channel) {
	case models.ChannelOnline:
		c.RcvOnline += r.Inside
	case models.ChannelDirect, models.ChannelPostal:
		c.RcvOffline += r.Inside
	}
}

// addResolved adds a resolved counter.
func (c *counts) addResolved(r counterRow, refused, withdrawn bool) {
	c.Carried -= r.Before
	c.Res += r.Inside
	outcome := deadlines.Outcome(r.Outcome)
	switch outcome {
	case deadlines.Early:
		c.ResEarly += r.Inside
	case deadlines.OnTime:
		c.ResOnTime += r.Inside
	default:
		c.ResLate += r.Inside
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
	c.Handled = c.Rcv + c.Carried
	c.Prog = c.Handled - c.Res
	c.Within = c.Prog - c.Overdue
	c.Multi += c.openMulti
	c.Good += c.Prog - c.Overdue - c.openMulti + c.overdueMulti
}

// consistent reports whether the sums can describe real dossiers.
func (c *counts) consistent() bool {
	return c.Carried >= 0 && c.Prog >= 0 && c.Overdue >= 0 && c.Within >= 0 && c.openMulti >= 0 &&
		c.overdueMulti >= 0 && c.overdueMulti <= min(c.Overdue, c.openMulti) && c.openMulti <= c.Prog
}

// plus adds two procedures' counts.
func (c counts) plus(o counts) counts {
	return counts{Handled: c.Handled + o.Handled, Rcv: c.Rcv + o.Rcv, RcvOnline: c.RcvOnline + o.RcvOnline,
		RcvOffline: c.RcvOffline + o.RcvOffline, Carried: c.Carried + o.Carried, Res: c.Res + o.Res,
		ResEarly: c.ResEarly + o.ResEarly, ResOnTime: c.ResOnTime + o.ResOnTime, ResLate: c.ResLate + o.ResLate,
		Prog: c.Prog + o.Prog, Overdue: c.Overdue + o.Overdue, Within: c.Within + o.Within,
		Withdrawn: c.Withdrawn + o.Withdrawn, Refused: c.Refused + o.Refused, Good: c.Good + o.Good, Multi: c.Multi + o.Multi}
}

// row turns a procedure's counts into a report row.
func (c counts) row() Row {
	return Row{ReceivedTotal: c.Rcv, ReceivedOnline: c.RcvOnline, ReceivedOffline: c.RcvOffline,
		CarriedOver: c.Carried, ResolvedTotal: c.Res, ResolvedEarly: c.ResEarly, ResolvedOnTime: c.ResOnTime,
		ResolvedLate: c.ResLate, InProgressTotal: c.Prog, InProgressWithin: c.Within, InProgressOverdue: c.Overdue,
		Withdrawn: c.Withdrawn, Refused: c.Refused}
}

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
		rep.Total.add(g.Subtotal)
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
		g.Subtotal.add(r)
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
