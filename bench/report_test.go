package bench

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/models/modelstest"
	"github.com/motcua/motcua/reports"
	"github.com/motcua/motcua/workflow/workflowtest"
)

// TestBenchReportSmall loads 2000 dossiers over 2025 on PostgreSQL, checks
// Biểu 06 (all boards and each board) and Decision 766 against the load
// plan, and times each report once: a functional check of the loader, the
// expected counts and the plan capture, not a measurement.
func TestBenchReportSmall(t *testing.T) {
	db := modelstest.Postgres(t) // skips when PostgreSQL is unreachable, unless MOTCUA_REQUIRE_POSTGRES=1
	eng := workflowtest.Engine(t)
	ctx := context.Background()
	l, err := loadReportBench(ctx, db, eng, 2000, 4, true)
	if err != nil {
		t.Fatal(err)
	}
	// About 6 history rows per dossier, every path and procedure used.
	if l.events < 5*2000 || l.events > 7*2000 {
		t.Errorf("%d history rows for 2000 dossiers, want about 6 each", l.events)
	}
	used := map[*reportTemplate]bool{}
	for i := int64(1); i <= 2000; i++ {
		used[l.planFor(i).tpl] = true
	}
	if len(used) != len(l.tpls) {
		t.Errorf("%d of %d templates copied", len(used), len(l.tpls))
	}
	start := time.Now()
	if rep, err := models.VerifyAudit(ctx, db, models.AuditOptions{}); err != nil || !rep.OK() || rep.Rows != int(l.events) {
		t.Errorf("the copies' history chains: %+v %v", rep, err)
	}
	t.Logf("VerifyAudit walked %d rows in %v", l.events, time.Since(start))
	var out bytes.Buffer
	if err := runReportBench(ctx, db, eng, l, 1, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"identities hold and every cell matches the load plan", "Biểu 06, all boards",
		"Decision 766, one board", "Biểu 06 plan, one board:", "Scan on report_counts"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	t.Log(out.String())

	// A wrong expectation must fail loudly: one dossier fewer in the plan.
	p, err := reports.ParsePeriod(reportBenchPeriod)
	if err != nil {
		t.Fatal(err)
	}
	l.n--
	if _, err := checkReportBench(ctx, db, eng, l, p); err == nil {
		t.Error("a report that does not match the plan passed the check")
	}
}

// TestBenchReportFlags: SQLite is refused with a message naming PostgreSQL,
// and the sizes are checked.
func TestBenchReportFlags(t *testing.T) {
	_, err := parseReportBench([]string{"-db", "./data/motcua.db"}, "", io.Discard)
	if err == nil || !strings.Contains(err.Error(), "needs PostgreSQL") {
		t.Fatalf("SQLite: err %v, want a refusal naming PostgreSQL", err)
	}
	pg := "postgres://postgres@127.0.0.1:5432/motcua_test"
	cfg, err := parseReportBench([]string{"-db", pg}, "", io.Discard)
	if err != nil || cfg.dossiers != 1000000 || cfg.runs != 5 || cfg.boards != 4 {
		t.Fatalf("defaults %+v, err %v", cfg, err)
	}
	for _, bad := range [][]string{{"-dossiers", "0"}, {"-runs", "0"}, {"-boards", "0"}, {"-dossiers", "100000000"}} {
		if _, err := parseReportBench(append([]string{"-db", pg}, bad...), "", io.Discard); err == nil {
			t.Errorf("%v: no error", bad)
		}
	}
}
