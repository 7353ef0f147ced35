package service

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/errs"
	"github.com/motcua/motcua/reports"
	"github.com/motcua/motcua/workflow"
)

// MaxChartMonths bounds the months one OnTimeRates call covers: each
// month is one Biểu 06 computation.
const MaxChartMonths = 24

// OutcomeCounts are dossiers resolved (ended: decided, refused, stopped
// or withdrawn) by their outcome, as Biểu 06 counts them: early, on time
// or late against the appointment date.
type OutcomeCounts struct {
	Early  int
	OnTime int
	Late   int
}

// Resolved is how many dossiers were resolved.
func (c OutcomeCounts) Resolved() int { return c.Early + c.OnTime + c.Late }

// Rate is the share of resolved dossiers resolved early or on time, from
// 0 to 1; ok is false when none was resolved.
func (c OutcomeCounts) Rate() (rate float64, ok bool) {
	if c.Resolved() == 0 {
		return 0, false
	}
	return float64(c.Early+c.OnTime) / float64(c.Resolved()), true
}

// addOutcome adds n dossiers resolved with outcome o (any other than
// early or on time is late, as in Biểu 06).
func (c *OutcomeCounts) addOutcome(o deadlines.Outcome, n int) {
	switch o {
	case deadlines.Early:
		c.Early += n
	case deadlines.OnTime:
		c.OnTime += n
	default:
		c.Late += n
	}
}

// ProcedureOutcomes are one procedure's resolved dossiers over the months.
type ProcedureOutcomes struct {
	Procedure string
	Name      workflow.Text
	OutcomeCounts
}

// MonthOutcomes are one month's resolved dossiers, every procedure together.
type MonthOutcomes struct {
	Month time.Time // local midnight of the month's first day
	OutcomeCounts
}

// OnTimeRates are a board's resolved dossiers by outcome over whole
// months: per procedure over all the months (procedures with a resolved
// dossier, in catalogue order) and per month (every month, empty
// ones included).
type OnTimeRates struct {
	From        time.Time // the first month
	To          time.Time // the last month
	ByProcedure []ProcedureOutcomes
	ByMonth     []MonthOutcomes
}

// OnTimeRates counts the dossiers of the principal's board resolved in
// each month from the month of from to the month of to, by outcome, for
// its leaders and managers. The counts are Biểu 06's resolved columns of
// each month, summed in one statement from the same counters
// (reports.Resolved), so "on time" has one definition: the outcome the
// engine fixed at the dossier's end. A month not yet ended counts up to
// now.
func (s *Service) OnTimeRates(ctx context.Context, p *Principal, from, to time.Time) (*OnTimeRates, error) {
	if err := s.requireStaff(p, workflow.RoleLeader, workflow.RoleManager); err != nil {
		return nil, err
	}
	first, last := monthOf(from), monthOf(to)
	if last.Before(first) {
		return nil, errs.Invalid("to", "tháng cuối trước tháng đầu", "the last month is before the first")
	}
	n := monthsBetween(first, last) + 1
	if n > MaxChartMonths {
		return nil, errs.Invalid("from", fmt.Sprintf("tối đa %d tháng", MaxChartMonths),
			fmt.Sprintf("at most %d months", MaxChartMonths))
	}
	cells, err := reports.Resolved(ctx, s.read, p.BoardID(), first, minTime(last.AddDate(0, 1, -1), s.now()))
	if err != nil {
		return nil, err
	}
	return s.onTimeRates(first, last, n, cells), nil
}

// onTimeRates lays out the resolved cells of n months from first: every
// month, empty ones included, and each procedure with a resolved dossier,
// in catalogue order.
func (s *Service) onTimeRates(first, last time.Time, n int, cells []reports.ResolvedCell) *OnTimeRates {
	out := &OnTimeRates{From: first, To: last}
	index := map[string]int{}
	for i := range n {
		m := first.AddDate(0, i, 0)
		out.ByMonth = append(out.ByMonth, MonthOutcomes{Month: m})
		index[m.Format("2006-01")] = i
	}
	byProc := map[string]*ProcedureOutcomes{}
	for _, c := range cells {
		i, ok := index[c.Month]
		if !ok || c.N == 0 {
			continue
		}
		out.ByMonth[i].addOutcome(c.Outcome, c.N)
		po := byProc[c.Procedure]
		if po == nil {
			po = &ProcedureOutcomes{Procedure: c.Procedure, Name: s.procedureName(c.Procedure)}
			byProc[c.Procedure] = po
		}
		po.addOutcome(c.Outcome, c.N)
	}
	out.ByProcedure = procedureOrder(s.eng.Catalogue(), byProc)
	return out
}

// procedureName is a procedure's name in the catalogue, or its code for
// one the catalogue no longer has (as Biểu 06 names it).
func (s *Service) procedureName(code string) workflow.Text {
	if p, err := s.eng.Catalogue().Procedure(code); err == nil {
		return p.Name
	}
	return workflow.Text{VI: code, EN: code}
}

// minTime is the earlier of a and b.
func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// procedureOrder lists the procedures with a resolved dossier, in
// catalogue order, then any the catalogue no longer has, by code.
func procedureOrder(cat *workflow.Catalogue, byProc map[string]*ProcedureOutcomes) []ProcedureOutcomes {
	var out []ProcedureOutcomes
	for _, code := range cat.Order {
		if po := byProc[code]; po != nil {
			out = append(out, *po)
			delete(byProc, code)
		}
	}
	for _, code := range slices.Sorted(maps.Keys(byProc)) {
		out = append(out, *byProc[code])
	}
	return out
}

// monthOf is local midnight of the first day of t's month.
func monthOf(t time.Time) time.Time {
	t = t.In(deadlines.Location)
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, deadlines.Location)
}

// monthsBetween is how many months b is after a (both first days).
func monthsBetween(a, b time.Time) int {
	return (b.Year()-a.Year())*12 + int(b.Month()) - int(a.Month())
}
