package workflow

import (
	"time"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/models"
)

// reportTallies is what the change from d to nd at instant at adds to the
// report counters (models.TallyKind): a receipt on its day; an end on its
// day with its outcome, end state and supplementation requests; and the
// overdue and open_multi changes when the appointment of the dossier in
// progress (none once ended), or its "more than one request" mark, moved.
func reportTallies(d, nd *models.Dossier, at time.Time) []models.Tally {
	day := localDay(at)
	var ts []models.Tally
	switch {
	case d.ReceivedAt == nil && nd.ReceivedAt != nil:
		ts = append(ts, models.Tally{Kind: models.TallyReceived, Day: localDay(*nd.ReceivedAt), N: 1})
	case d.FinishedAt == nil && nd.FinishedAt != nil && nd.ReceivedAt != nil:
		ts = append(ts, models.Tally{Kind: models.TallyResolved, Day: localDay(*nd.FinishedAt), Outcome: nd.Outcome,
			EndState: nd.EndState, Multi: multi(nd), N: 1})
	}
	before, after := appointment(d), appointment(nd)
	if !sameTime(before, after) || multi(d) != multi(nd) {
		if before != nil {
			ts = append(ts, models.Tally{Kind: models.TallyOverdue, Day: overdueFrom(*before, day), Multi: multi(d), N: -1})
		}
		if after != nil {
			ts = append(ts, models.Tally{Kind: models.TallyOverdue, Day: overdueFrom(*after, day), Multi: multi(nd), N: 1})
		}
	}
	if om, was := inProgress(nd) && multi(nd), inProgress(d) && multi(d); om != was {
		ts = append(ts, models.Tally{Kind: models.TallyOpenMulti, Day: day, N: delta(om)})
	}
	return models.MergeTallies(ts)
}

// delta is +1 when a dossier enters a count, -1 when it leaves it.
func delta(enters bool) int64 {
	if enters {
		return 1
	}
	return -1
}

// inProgress reports whether d has been received and has not ended.
func inProgress(d *models.Dossier) bool { return d.ReceivedAt != nil && d.FinishedAt == nil }

// multi reports whether d was asked to supplement more than once.
func multi(d *models.Dossier) bool { return d.SupplementCount > 1 }

// appointment is d's appointment while in progress, nil when paused or not.
func appointment(d *models.Dossier) *time.Time {
	if !inProgress(d) {
		return nil
	}
	return d.DueAt
}

// sameTime reports whether two optional instants are equal.
func sameTime(a, b *time.Time) bool {
	return (a == nil) == (b == nil) && (a == nil || a.Equal(*b))
}

// overdueFrom is the first day at whose end a dossier with appointment due
// is overdue (its last day is after the appointment date), but not before
// day, when the appointment was set.
func overdueFrom(due time.Time, day string) string {
	return max(localDay(deadlines.DateOf(due).AddDate(0, 0, 1)), day)
}

// localDay is an instant's date in Asia/Ho_Chi_Minh, as YYYY-MM-DD.
func localDay(t time.Time) string { return t.In(deadlines.Location).Format("2006-01-02") }
