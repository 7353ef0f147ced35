package reports_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/models/modelstest"
	"github.com/motcua/motcua/reports"
	"github.com/motcua/motcua/workflow/workflowtest"
)

// TestBieu06RestartAfterEnd: a feasibility appraisal (group C, 15 calendar
// days, the period restarts on a complete supplement) is overdue at the end
// of October 2024. In November it is asked to supplement and the supplement
// restarts its period: its dossier row now holds a November appointment,
// and no pause. October must still count it overdue: its overdue counter
// for October ends on the day of the request, in November.
func TestBieu06RestartAfterEnd(t *testing.T) {
	eng := workflowtest.Engine(t)
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		board := newBoard(t, db, "HBI", "000.20.30.H33")
		d := script(t, db, eng, submit(t, db, eng, board.ID, "feasibility-appraisal", "group_c", models.ChannelDirect,
			at(t, "2024-10-01 08:30")),
			step{event: "receive", role: "officer", at: "2024-10-01 09:00"},
			step{event: "assign", role: "officer", at: "2024-10-01 10:00"})
		if d.DueAt == nil || dueDay(d) >= "2024-10-31" {
			t.Fatalf("appointment %q, want one before 31/10/2024", dueDay(d))
		}
		oct := reports.Query{Period: period(t, "2024-10"), BoardID: &board.ID}
		before, err := reports.Bieu06(ctx, db, eng.Catalogue(), oct)
		if err != nil {
			t.Fatal(err)
		}
		want := reports.Row{Procedure: "feasibility-appraisal", Field: "xay_dung", ReceivedTotal: 1, ReceivedOffline: 1,
			InProgressTotal: 1, InProgressOverdue: 1}
		checkRow(t, "October", rowOf(t, before, "feasibility-appraisal"), want)

		d = script(t, db, eng, d,
			step{event: "request_supplement", role: "officer", at: "2024-11-04 10:00", due: "-"},
			step{event: "resubmit", role: "investor", at: "2024-11-06 09:00"})
		if dueDay(d) <= "2024-11-06" || d.PausedAt != nil {
			t.Fatalf("after the restart: appointment %q, paused at %v; want a later appointment and no pause", dueDay(d), d.PausedAt)
		}
		after, err := reports.Bieu06(ctx, db, eng.Catalogue(), oct)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(before, after) {
			t.Fatalf("October changed after November's restart:\nbefore %+v\nafter  %+v", before.Total, after.Total)
		}
	})
}

// TestBieu06AsOfNow: a period not yet ended is reported as of the day the
// report is made. The appraisal's appointment falls in October 2024: on
// that day it is still within the deadline, from the next day overdue; with
// no Now, or once October is over, as of 31/10 it is overdue.
func TestBieu06AsOfNow(t *testing.T) {
	eng := workflowtest.Engine(t)
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		board := newBoard(t, db, "HBI", "000.20.30.H33")
		d := script(t, db, eng, submit(t, db, eng, board.ID, "feasibility-appraisal", "group_c", models.ChannelDirect,
			at(t, "2024-10-01 08:30")),
			step{event: "receive", role: "officer", at: "2024-10-01 09:00"})
		due := dueDay(d)
		if due == "" || due >= "2024-10-31" {
			t.Fatalf("appointment %q, want one before 31/10/2024", due)
		}
		dueAt := at(t, due+" 14:00")
		for _, c := range []struct {
			name    string
			now     time.Time
			asOf    string
			overdue int
		}{
			{"on the appointment date", dueAt, due, 0},
			{"the next morning", dueAt.Add(19 * time.Hour), dueAt.AddDate(0, 0, 1).Format("2006-01-02"), 1},
			{"no Now: as of the period's end", time.Time{}, "2024-10-31", 1},
			{"after the period", at(t, "2024-11-15 10:00"), "2024-10-31", 1},
		} {
			q := reports.Query{Period: period(t, "2024-10"), BoardID: &board.ID, Now: c.now}
			rep, err := reports.Bieu06(context.Background(), db, eng.Catalogue(), q)
			if err != nil {
				t.Fatal(err)
			}
			want := reports.Row{Procedure: "feasibility-appraisal", Field: "xay_dung", ReceivedTotal: 1, ReceivedOffline: 1,
				InProgressTotal: 1, InProgressOverdue: c.overdue, InProgressWithin: 1 - c.overdue}
			checkRow(t, c.name, rowOf(t, rep, "feasibility-appraisal"), want)
			if got := rep.AsOf.Format("2006-01-02"); got != c.asOf {
				t.Errorf("%s: as of %s, want %s", c.name, got, c.asOf)
			}
		}
	})
}
