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

// add adds a Biểu 06 row's resolved columns.
func (c *OutcomeCounts) add(r reports.Row) {
	c.Early += r.ResolvedEarly
	c.OnTime += r.ResolvedOnTime
	c.Late += r.ResolvedLate
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
// dossier, in the order of Biểu 06) and per month (every month, empty
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
// each month (reports.Bieu06), so "on time" has one definition: the
// outcome the engine fixed at the dossier's end. A month not yet ended
// counts up to now.
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
	reps, err := s.monthReports(ctx, p.BoardID(), first, n)
	if err != nil {
		return nil, err
	}
	out := &OnTimeRates{From: first, To: last}
	byProc := map[string]*ProcedureOutcomes{}
	for i, rep := range reps {
		mo := MonthOutcomes{Month: first.AddDate(0, i, 0)}
		mo.add(rep.Total)
		out.ByMonth = append(out.ByMonth, mo)
		for _, l := range rep.Lines() {
			if l.Procedure == "" || l.ResolvedTotal == 0 {
				continue // a subtotal, the total, or nothing resolved
			}
			po := byProc[l.Procedure]
			if po == nil {
				po = &ProcedureOutcomes{Procedure: l.Procedure, Name: l.Name}
				byProc[l.Procedure] = po
			}
			po.add(l)
		}
	}
	out.ByProcedure = procedureOrder(s.eng.Catalogue(), byProc)
	return out, nil
}

// monthReports are Biểu 06 of board for n months from first, one after
// the other (computing four at once, each in its own transaction, was
// slower on the 2-core test machine).
func (s *Service) monthReports(ctx context.Context, board uint, first time.Time, n int) ([]*reports.Report, error) {
	out := make([]*reports.Report, n)
	for i := range n {
		var err error
		if out[i], err = s.monthReport(ctx, board, first.AddDate(0, i, 0)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// monthReport is Biểu 06 of board for the month starting at m.
func (s *Service) monthReport(ctx context.Context, board uint, m time.Time) (*reports.Report, error) {
	period, err := reports.ParsePeriod(m.Format("2006-01"))
	if err != nil {
		return nil, err
	}
	return reports.Bieu06(ctx, s.read, s.eng.Catalogue(), reports.Query{Period: period, BoardID: &board, Now: s.now()})
}

// procedureOrder lists the procedures in catalogue order, then any the
// catalogue no longer has, by code.
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
