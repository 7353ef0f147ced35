package bench

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/motcua/motcua/models/modelstest"
	"github.com/motcua/motcua/workflow/workflowtest"
)

// TestBenchDashboardSmall loads 2000 dossiers as bench report does on
// PostgreSQL, sweeps, signs the manager in through the sign-in form and
// renders the dashboard page twice: a functional check of the harness
// (the page answers 200, every grouping's totals equal a direct count, the
// plans are captured), not a measurement.
func TestBenchDashboardSmall(t *testing.T) {
	db := modelstest.Postgres(t) // skips when PostgreSQL is unreachable, unless MOTCUA_REQUIRE_POSTGRES=1
	eng := workflowtest.Engine(t)
	ctx := context.Background()
	l, err := loadReportBench(ctx, db, eng, 2000, 4, false)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := runDashboardBench(ctx, db, eng, l, 2, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"every grouping's totals match a direct count", "GET /dashboard (page)",
		"service.OnTimeRates (12 months)", "plan by procedure, department and officer:", "idx_dossiers_board_finished", "Execution Time"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	t.Log(out.String())
}

// TestBenchDashboardFlags: SQLite is refused with a message naming
// PostgreSQL, and the sizes are checked.
func TestBenchDashboardFlags(t *testing.T) {
	_, err := parseDashboardBench([]string{"-db", "./data/motcua.db"}, "", io.Discard)
	if err == nil || !strings.Contains(err.Error(), "needs PostgreSQL") {
		t.Fatalf("SQLite: err %v, want a refusal naming PostgreSQL", err)
	}
	pg := "postgres://postgres@127.0.0.1:5432/motcua_test"
	cfg, err := parseDashboardBench(nil, pg, io.Discard)
	if err != nil || cfg.url != pg || cfg.dossiers != 1000000 || cfg.renders != 20 || cfg.boards != 4 {
		t.Fatalf("defaults %+v, err %v", cfg, err)
	}
	for _, bad := range [][]string{{"-dossiers", "0"}, {"-renders", "0"}, {"-boards", "0"}} {
		if _, err := parseDashboardBench(append([]string{"-db", pg}, bad...), "", io.Discard); err == nil {
			t.Errorf("%v: no error", bad)
		}
	}
}
