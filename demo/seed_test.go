package demo

import (
	"context"
	"io"
	"os"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/models/modelstest"
	"github.com/motcua/motcua/workflow/workflowtest"
)

// TestSeedDemo seeds as of a pinned instant: every state and outcome is
// there, some dossiers are overdue, and a second run adds nothing.
func TestSeedDemo(t *testing.T) {
	eng := workflowtest.Engine(t)
	boards, err := LoadBoards(os.DirFS("../configs"))
	if err != nil || len(boards) != 3 {
		t.Fatalf("demo boards: %d %v", len(boards), err)
	}
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, deadlines.Location)
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		for run := 0; run < 2; run++ {
			if err := Seed(ctx, db, eng, boards[:1], now, io.Discard); err != nil {
				t.Fatal(err)
			}
		}
		var ds []models.Dossier
		db.Find(&ds)
		var users int64
		db.Model(&models.User{}).Count(&users)
		if len(ds) != len(demoScripts) || users != int64(len(Roles)) {
			t.Fatalf("%d dossiers and %d users after two runs, want %d and %d", len(ds), users, len(demoScripts), len(Roles))
		}
		states, outcomes, overdue := map[string]int{}, map[string]int{}, 0
		for _, d := range ds {
			states[d.State]++
			outcomes[d.Outcome]++
			if d.FinishedAt == nil && d.DueAt != nil && d.DueAt.Before(now) {
				overdue++
			}
		}
		for _, s := range []string{"submitted", "received", "in_review", "supplement_requested", "pending_decision",
			"approved", "refused", "returned", "withdrawn", "intake_rejected", "consulting", "public_disclosure", "stopped"} {
			if states[s] == 0 {
				t.Errorf("no demo dossier in state %s (states: %v)", s, states)
			}
		}
		for _, o := range []string{"early", "on_time", "late"} {
			if outcomes[o] == 0 {
				t.Errorf("no demo dossier finished %s (outcomes: %v)", o, outcomes)
			}
		}
		if overdue < 3 {
			t.Errorf("%d overdue demo dossiers, want at least 3", overdue)
		}
		if rep, err := models.VerifyAudit(ctx, db, models.AuditOptions{}); err != nil || !rep.OK() || rep.Rows == 0 {
			t.Errorf("the demo history's chains: %+v %v", rep, err)
		}
	})
}

// TestSeedDemoAnyDay: `make run` seeds as of the real clock, so the demo
// scripts must play on any day: a Sunday, inside Tết, just after the
// 01/07/2026 rule change, on New Year's Day.
func TestSeedDemoAnyDay(t *testing.T) {
	eng := workflowtest.Engine(t)
	boards, _ := LoadBoards(os.DirFS("../configs"))
	for _, day := range []string{"2026-07-05 07:00", "2027-02-07 12:00", "2027-01-01 09:00", "2026-12-31 23:30", "2028-03-15 16:45"} {
		now, _ := time.ParseInLocation("2006-01-02 15:04", day, deadlines.Location)
		if err := Seed(context.Background(), modelstest.SQLite(t), eng, boards[:1], now, io.Discard); err != nil {
			t.Errorf("seed as of %s: %v", day, err)
		}
	}
}
