package deadlines_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"gorm.io/gorm"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/models/modelstest"
)

// openDossier inserts an open dossier in review with a running clock due
// at the end of due (and its step at the end of stepDue, when given).
func openDossier(t *testing.T, db *gorm.DB, board uint, n int, due string, stepDue string, assignee *uint) *models.Dossier {
	t.Helper()
	dueAt := deadlines.EndOfDay(at(t, due+" 00:00"))
	d := &models.Dossier{Code: fmt.Sprintf("000.20.30.H33-260101-%04d", n), BoardID: board,
		Procedure: "construction-permit", CatalogueVersion: "nd175-2024", Variant: "new",
		Channel: models.ChannelDirect, ApplicantName: "Công ty TNHH Thử Nghiệm", State: "in_review", Version: 3,
		SubmittedAt: dueAt.AddDate(0, -1, 0), ClockState: string(deadlines.ClockRunning), DueAt: &dueAt,
		StepState: "in_review", AssigneeID: assignee}
	if stepDue != "" {
		s := deadlines.EndOfDay(at(t, stepDue+" 00:00"))
		d.StepDueAt = &s
	}
	if err := models.InsertDossier(context.Background(), db, d); err != nil {
		t.Fatal(err)
	}
	return d
}

// kinds lists a dossier's alerts as "kind/role", sorted.
func kinds(t *testing.T, f *fixture, id uint64) []string {
	t.Helper()
	var out []string
	for _, a := range f.alerts(t, id) {
		out = append(out, string(a.Kind)+"/"+a.RecipientRole)
	}
	slices.Sort(out)
	return out
}

// TestSweepWindowsAcrossBreaks pins now and one due date per case across
// the Tết Bính Ngọ break (Sat 14/02 – Sun 22/02/2026: Fri 13/02 and Mon
// 23/02 are working days) and the National Day break of 2026, whose Mon
// 31/08 off was swapped for Sat 22/08 worked. Working days between now
// and the due date, counted by hand, decide the alerts.
func TestSweepWindowsAcrossBreaks(t *testing.T) {
	const soon, apology, overdueO, overdueM, step = "due_soon/officer", "apology_due/officer",
		"overdue/officer", "overdue/manager", "step_overdue/officer"
	cases := []struct {
		name, now, due, stepDue string
		want                    []string
	}{
		// Thu 12/02 → Mon 23/02: 13/02 and 23/02, 2 working days.
		{"tet: two working days across the break", "2026-02-12 10:00", "2026-02-23", "", []string{soon}},
		// Fri 13/02 → Mon 23/02: one working day, the break in between.
		{"tet: one working day across the break", "2026-02-13 10:00", "2026-02-23", "", []string{apology, soon}},
		// Fri 13/02 → Tue 24/02: 2 working days.
		{"tet: two working days after the break", "2026-02-13 10:00", "2026-02-24", "", []string{soon}},
		// Fri 13/02 → Wed 25/02: 3 working days, not yet due soon.
		{"tet: three working days", "2026-02-13 10:00", "2026-02-25", "", nil},
		// During the break (Tue 17/02) → Mon 23/02: one working day.
		{"tet: swept during the break", "2026-02-17 10:00", "2026-02-23", "", []string{apology, soon}},
		// Mon 23/02 08:00, due Fri 13/02: overdue; the step too.
		{"tet: overdue after the break", "2026-02-23 08:00", "2026-02-13", "2026-02-12", []string{overdueM, overdueO, step}},
		// The step deadline is today: not yet overdue.
		{"tet: step due today", "2026-02-23 08:00", "2026-03-20", "2026-02-23", nil},
		// Fri 21/08 → Mon 24/08: Sat 22/08 is worked, so 2 working days.
		{"swap: the worked Saturday counts", "2026-08-21 10:00", "2026-08-24", "", []string{soon}},
		// Fri 21/08 → Sat 22/08 (a working day): 1 working day.
		{"swap: due on the worked Saturday", "2026-08-21 10:00", "2026-08-22", "", []string{apology, soon}},
		// Fri 28/08 → Thu 03/09: 29/08 – 02/09 off (31/08 swapped), 1 working day.
		{"swap: across the National Day break", "2026-08-28 10:00", "2026-09-03", "", []string{apology, soon}},
		// Fri 28/08 → Fri 04/09: 2 working days.
		{"swap: two working days after the break", "2026-08-28 10:00", "2026-09-04", "", []string{soon}},
		// Due today, later than now: due soon (0 working days), not overdue.
		{"due later today", "2026-08-28 10:00", "2026-08-28", "", []string{soon}},
	}
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		for i, c := range cases {
			d := openDossier(t, db, f.board, i+1, c.due, c.stepDue, nil)
			if _, err := f.sweeper().Run(context.Background(), at(t, c.now)); err != nil {
				t.Fatal(err)
			}
			if got := kinds(t, f, d.ID); !slices.Equal(got, c.want) {
				t.Errorf("%s: alerts %v, want %v", c.name, got, c.want)
			}
			// Finish it so that the next case's sweeps leave it alone.
			if err := db.Model(d).Update("finished_at", at(t, c.now)).Error; err != nil {
				t.Fatal(err)
			}
		}
	})
}
