package bench

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/models/modelstest"
	"github.com/motcua/motcua/workflow/workflowtest"
)

// TestBenchSweepSmall loads 2000 open dossiers of which 100 are due on
// PostgreSQL, sweeps once and checks the alerts, then checks that a second
// sweep at the same instant raises nothing: a functional check of the
// loader and the expected counts, not a measurement.
func TestBenchSweepSmall(t *testing.T) {
	db := modelstest.Postgres(t) // skips when PostgreSQL is unreachable, unless MOTCUA_REQUIRE_POSTGRES=1
	eng := workflowtest.Engine(t)
	ctx := context.Background()
	plan, err := loadSweepBench(ctx, db, eng, 2000, 100)
	if err != nil {
		t.Fatal(err)
	}
	// 50 overdue × (officer + manager); 50 due soon, of which the 17 with
	// k/2 ≡ 1 (mod 3) are due in exactly one working day; one email per
	// alert, and the 50 overdue dossiers marked.
	want := deadlines.Result{Overdue: 100, DueSoon: 50, ApologyDue: 17, Notifications: 167, MarkedOverdue: 50}
	if plan.want != want {
		t.Fatalf("plan wants %s, want %s", plan.want, want)
	}
	if _, n, err := firstSweep(ctx, newSweeper(db, eng), plan); err != nil || n != want.Total() {
		t.Fatalf("first sweep: %d alerts, %v; want %d", n, err, want.Total())
	}
	if _, err := repeatSweeps(ctx, newSweeper(db, eng), 1); err != nil {
		t.Fatal(err)
	}
}

// TestBenchSweepFlags: SQLite is refused with a message naming PostgreSQL,
// and the size list and counts are checked.
func TestBenchSweepFlags(t *testing.T) {
	_, err := parseSweepBench([]string{"-db", "./data/motcua.db"}, "", io.Discard)
	if err == nil || !strings.Contains(err.Error(), "needs PostgreSQL") {
		t.Fatalf("SQLite: err %v, want a refusal naming PostgreSQL", err)
	}
	pg := "postgres://postgres@127.0.0.1:5432/motcua_test"
	cfg, err := parseSweepBench([]string{"-db", pg, "-open", "100, 2000", "-due", "100", "-runs", "2"}, "", io.Discard)
	if err != nil || len(cfg.open) != 2 || cfg.open[1] != 2000 || cfg.due != 100 || cfg.runs != 2 {
		t.Fatalf("cfg %+v, err %v", cfg, err)
	}
	for _, bad := range [][]string{{"-open", "10,x"}, {"-open", "0"}, {"-due", "101", "-open", "100"}, {"-runs", "0"}} {
		if _, err := parseSweepBench(append([]string{"-db", pg}, bad...), "", io.Discard); err == nil {
			t.Errorf("%v: no error", bad)
		}
	}
}
