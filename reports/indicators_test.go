package reports_test

import (
	"context"
	"math"
	"testing"

	"gorm.io/gorm"

	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/models/modelstest"
	"github.com/motcua/motcua/reports"
	"github.com/motcua/motcua/workflow/workflowtest"
)

// TestDecision766Hand checks indicators 2.1 and 2.2 for October 2024 on
// dossiers whose appointments and working days were counted by hand
// (October 2024 has no public holiday; 01/10 is a Tuesday). Union
// recognition is given two supplementation requests here so that a dossier
// can have more than one.
func TestDecision766Hand(t *testing.T) {
	eng := workflowtest.EngineWith(t, map[string][2]string{"procedures/union-registration.yaml": {"max_requests: 1", "max_requests: 2"}})
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		hbi := newBoard(t, db, "HBI", "000.20.30.H33")
		bgg := newBoard(t, db, "BGG", "000.20.24.H06")
		d := map[string]*models.Dossier{}
		recv := func(name string, board uint, procedure, variant, day, due string, steps ...step) {
			d[name] = script(t, db, eng, submit(t, db, eng, board, procedure, variant, models.ChannelDirect, at(t, day+" 08:00")),
				append([]step{{event: "receive", role: "officer", at: day + " 09:00", due: due}}, steps...)...)
		}
		// P1: due 15/10, approved 10/10: early; 7 working days (2-4, 7-10/10).
		recv("P1", hbi.ID, union, "standard", "2024-10-01", "2024-10-15",
			step{event: "assign", role: "officer", at: "2024-10-01 10:00"},
			step{event: "propose", role: "officer", at: "2024-10-09 10:00"},
			step{event: "approve", role: "leader", at: "2024-10-10 10:00"})
		// P2: paused 03/10 with 8 working days left, resumed 08/10: due moves
		// from 15/10 to 18/10; approved 18/10: on time only because the
		// supplementation time is subtracted. 13 working days less 3 paused
		// (4, 7, 8/10) = 10.
		recv("P2", hbi.ID, union, "standard", "2024-10-01", "2024-10-15",
			step{event: "assign", role: "officer", at: "2024-10-01 10:00"},
			step{event: "request_supplement", role: "officer", at: "2024-10-03 10:00", due: "-"},
			step{event: "resubmit", role: "investor", at: "2024-10-08 10:00", due: "2024-10-18"},
			step{event: "propose", role: "officer", at: "2024-10-17 10:00"},
			step{event: "approve", role: "leader", at: "2024-10-18 15:00"})
		// P3: two supplementation requests, approved early on 11/10: late for
		// 2.1. 8 working days less 2 + 2 paused (3, 4/10 and 8, 9/10) = 4.
		recv("P3", hbi.ID, union, "standard", "2024-10-01", "2024-10-15",
			step{event: "assign", role: "officer", at: "2024-10-01 10:00"},
			step{event: "request_supplement", role: "officer", at: "2024-10-02 10:00", due: "-"},
			step{event: "resubmit", role: "investor", at: "2024-10-04 09:00", due: "2024-10-17"},
			step{event: "request_supplement", role: "officer", at: "2024-10-07 10:00", due: "-"},
			step{event: "resubmit", role: "investor", at: "2024-10-09 09:00", due: "2024-10-21"},
			step{event: "propose", role: "officer", at: "2024-10-10 10:00"},
			step{event: "approve", role: "leader", at: "2024-10-11 10:00"})
		// P4: received 24/10, due 07/11: in progress within the deadline.
		recv("P4", hbi.ID, union, "standard", "2024-10-24", "2024-11-07")
		// P5: due 15/10, still in review on 31/10: overdue.
		recv("P5", hbi.ID, union, "standard", "2024-10-01", "2024-10-15",
			step{event: "assign", role: "officer", at: "2024-10-01 10:00"})
		// P6: carried over (received 25/09, due 09/10), approved 14/10: late;
		// 13 working days (26, 27, 30/9, 1-4, 7-11, 14/10).
		recv("P6", hbi.ID, union, "standard", "2024-09-25", "2024-10-09",
			step{event: "assign", role: "officer", at: "2024-09-25 10:00"},
			step{event: "propose", role: "officer", at: "2024-10-11 10:00"},
			step{event: "approve", role: "leader", at: "2024-10-14 10:00"})
		// P7: one request before the end (resumed 25/10, due 06/11), a second
		// one after it: one request at the end, within the deadline.
		recv("P7", hbi.ID, union, "standard", "2024-10-21", "2024-11-04",
			step{event: "assign", role: "officer", at: "2024-10-21 10:00"},
			step{event: "request_supplement", role: "officer", at: "2024-10-23 10:00", due: "-"},
			step{event: "resubmit", role: "investor", at: "2024-10-25 09:00", due: "2024-11-06"},
			step{event: "request_supplement", role: "officer", at: "2024-11-05 10:00", due: "-"})
		// P8: paused at the end (within the deadline) but asked twice: overdue for 2.1.
		recv("P8", hbi.ID, union, "standard", "2024-10-01", "2024-10-15",
			step{event: "assign", role: "officer", at: "2024-10-01 10:00"},
			step{event: "request_supplement", role: "officer", at: "2024-10-02 10:00", due: "-"},
			step{event: "resubmit", role: "investor", at: "2024-10-03 09:00", due: "2024-10-16"},
			step{event: "request_supplement", role: "officer", at: "2024-10-07 10:00", due: "-"})
		// Q1: investment certificate after a policy decision (5 working days),
		// received 07/10 (due 14/10), withdrawn 09/10: early; 2 working days.
		recv("Q1", hbi.ID, "investment-certificate", "issue_after_policy", "2024-10-07", "2024-10-14",
			step{event: "withdraw", role: "investor", at: "2024-10-09 10:00"})
		// R1, another board: approved the next day: early, 1 working day.
		recv("R1", bgg.ID, union, "standard", "2024-10-01", "2024-10-15",
			step{event: "assign", role: "officer", at: "2024-10-01 10:00"},
			step{event: "propose", role: "officer", at: "2024-10-02 09:00"},
			step{event: "approve", role: "leader", at: "2024-10-02 10:00"})

		got, err := reports.Decision766(context.Background(), db, eng.Catalogue(), eng.Calendar(),
			reports.Query{Period: period(t, "2024-10")})
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Boards) != 2 || got.Boards[0].Code != "HBI" || got.Boards[1].Code != "BGG" {
			t.Fatalf("boards %+v", got.Boards)
		}
		hb := got.Boards[0]
		if len(hb.Procedures) != 2 || hb.Procedures[0].Procedure != "investment-certificate" || hb.Procedures[1].Procedure != union {
			t.Fatalf("HBI procedures in catalogue order: %+v", hb.Procedures)
		}
		// Handled P1-P8; on time P1, P2, P4, P7; P3 and P8 asked twice.
		checkIndicator(t, "HBI union", hb.Procedures[1], 8, 4, 2, 4, 34.0/4)
		checkIndicator(t, "HBI investment", hb.Procedures[0], 1, 1, 0, 1, 2)
		checkIndicator(t, "HBI total", hb.Total, 9, 5, 2, 5, 36.0/5)
		checkIndicator(t, "BGG total", got.Boards[1].Total, 1, 1, 0, 1, 1)
		if p := hb.Procedures[1].Points; p == nil || math.Abs(*p-10) > 1e-9 {
			t.Errorf("HBI union points %v, want 20 × 4/8 = 10", p)
		}
		if !got.OnTimeBasis.Verify || !got.AverageBasis.Verify {
			t.Error("the 766 scoring must be flagged verify")
		}

		one, err := reports.Decision766(context.Background(), db, eng.Catalogue(), eng.Calendar(),
			reports.Query{Period: period(t, "2024-10"), BoardID: &bgg.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(one.Boards) != 1 || one.Boards[0].BoardID != bgg.ID {
			t.Fatalf("board filter: %+v", one.Boards)
		}
		checkIndicator(t, "BGG alone", one.Boards[0].Total, 1, 1, 0, 1, 1)

		// A board with nothing handled has no rate, no points, no average.
		empty, err := reports.Decision766(context.Background(), db, eng.Catalogue(), eng.Calendar(),
			reports.Query{Period: period(t, "2023-10")})
		if err != nil {
			t.Fatal(err)
		}
		if tot := empty.Boards[0].Total; tot.OnTimeRate != nil || tot.Points != nil || tot.AverageWorkingDays != nil || tot.Handled != 0 {
			t.Errorf("empty period: %+v", tot)
		}
	})
}

// checkIndicator compares counts, the 2.1 rate and points, and the 2.2 average.
func checkIndicator(t testing.TB, what string, got reports.Indicator, handled, onTime, multi, completed int, avg float64) {
	t.Helper()
	rate := float64(onTime) / float64(handled)
	if got.Handled != handled || got.OnTime != onTime || got.MultiSupplement != multi || got.Completed != completed ||
		got.OnTimeRate == nil || math.Abs(*got.OnTimeRate-rate) > 1e-9 ||
		got.Points == nil || math.Abs(*got.Points-20*rate) > 1e-9 ||
		got.AverageWorkingDays == nil || math.Abs(*got.AverageWorkingDays-avg) > 1e-9 {
		t.Errorf("%s: got handled %d on time %d multi %d completed %d rate %v points %v avg %v;\nwant %d %d %d %d rate %.4f points %.4f avg %.4f",
			what, got.Handled, got.OnTime, got.MultiSupplement, got.Completed, fmtPtr(got.OnTimeRate), fmtPtr(got.Points),
			fmtPtr(got.AverageWorkingDays), handled, onTime, multi, completed, rate, 20*rate, avg)
	}
}
