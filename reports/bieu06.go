package reports

import (
	"context"
	"fmt"
	"sort"

	"gorm.io/gorm"

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

// counts is one procedure's row of the aggregate query.
type counts struct {
	BoardID    uint   `gorm:"column:board_id"`
	Proc       string `gorm:"column:proc"`
	Handled    int    `gorm:"column:handled"`
	Rcv        int    `gorm:"column:rcv"`
	RcvOnline  int    `gorm:"column:rcv_online"`
	RcvOffline int    `gorm:"column:rcv_offline"`
	Carried    int    `gorm:"column:carried"`
	Res        int    `gorm:"column:res"`
	ResEarly   int    `gorm:"column:res_early"`
	ResOnTime  int    `gorm:"column:res_on_time"`
	ResLate    int    `gorm:"column:res_late"`
	Prog       int    `gorm:"column:prog"`
	Overdue    int    `gorm:"column:prog_overdue"`
	Within     int    `gorm:"column:prog_within"`
	Withdrawn  int    `gorm:"column:wd"`
	Refused    int    `gorm:"column:rf"`
	Good       int    `gorm:"column:good"`
	Multi      int    `gorm:"column:multi"`
}

// aggregateSQL sums the facts of each group; good is the Decision 766
// numerator: resolved early or on time, or in progress within the
// deadline, unless requested to supplement more than once.
const aggregateSQL = `SELECT %s, COUNT(*) AS handled,
	SUM(rcv) AS rcv, SUM(rcv_online) AS rcv_online, SUM(rcv_offline) AS rcv_offline, SUM(carried) AS carried,
	SUM(res) AS res, SUM(res_early) AS res_early, SUM(res_on_time) AS res_on_time, SUM(res_late) AS res_late,
	SUM(prog) AS prog, SUM(prog_overdue) AS prog_overdue,
	SUM(CASE WHEN prog = 1 AND prog_overdue = 0 THEN 1 ELSE 0 END) AS prog_within,
	SUM(wd) AS wd, SUM(rf) AS rf, SUM(multi) AS multi,
	SUM(CASE WHEN multi = 1 THEN 0 WHEN res = 1 THEN res_early + res_on_time WHEN prog_overdue = 1 THEN 0 ELSE 1 END) AS good
FROM (%s) f GROUP BY %s`

// aggregate runs the facts query grouped by keys ("proc" or "board_id, proc").
func aggregate(ctx context.Context, db *gorm.DB, q Query, keys string) ([]counts, error) {
	if err := q.check(); err != nil {
		return nil, err
	}
	var out []counts
	sql := fmt.Sprintf(aggregateSQL, keys, facts(q), keys)
	if err := db.WithContext(ctx).Raw(sql, boundArgs(q)).Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("reports: count dossiers for %s: %w", q.Period, err)
	}
	return out, nil
}

// row turns a procedure's counts into a report row.
func (c counts) row() Row {
	return Row{Procedure: c.Proc, ReceivedTotal: c.Rcv, ReceivedOnline: c.RcvOnline, ReceivedOffline: c.RcvOffline,
		CarriedOver: c.Carried, ResolvedTotal: c.Res, ResolvedEarly: c.ResEarly, ResolvedOnTime: c.ResOnTime,
		ResolvedLate: c.ResLate, InProgressTotal: c.Prog, InProgressWithin: c.Within, InProgressOverdue: c.Overdue,
		Withdrawn: c.Withdrawn, Refused: c.Refused}
}

// Bieu06 computes Biểu số 06/VPCP/KSTT for q.Period, for one board or all:
// a row for every procedure of the catalogue (zeros included), grouped by
// field with subtotals, the total and the narrative. The counts are those
// at the end of the period; see Row and docs/REPORTS.md for the rules.
func Bieu06(ctx context.Context, db *gorm.DB, cat *workflow.Catalogue, q Query) (*Report, error) {
	rows, err := aggregate(ctx, db, q, "proc")
	if err != nil {
		return nil, err
	}
	byProc := make(map[string]Row, len(rows))
	for _, c := range rows {
		byProc[c.Proc] = c.row()
	}
	rep := &Report{Period: q.Period, BoardID: q.BoardID, Groups: groups(cat, byProc)}
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
