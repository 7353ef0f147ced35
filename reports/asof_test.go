package reports_test

import (
	"context"
	"reflect"
	"testing"

	"gorm.io/gorm"

	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/models/modelstest"
	"github.com/motcua/motcua/reports"
	"github.com/motcua/motcua/workflow/workflowtest"
)

// TestBieu06RestartAfterEnd: a feasibility appraisal (group C, 20 calendar
// days, the period restarts on a complete supplement) is overdue at the end
// of October 2024. In November it is asked to supplement and the supplement
// restarts its period: its dossier row now holds a November appointment,
// and no pause. October must still count it overdue; only the resumption
// instant (clock_started_at) tells that its appointment moved after the end.
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
