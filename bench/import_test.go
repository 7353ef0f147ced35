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

// TestBenchImportSmall generates 200 dossiers and imports them on
// PostgreSQL: a functional check of the generator (every procedure and
// path, investment dossiers with their opening projects) and of the
// counts, not a measurement.
func TestBenchImportSmall(t *testing.T) {
	db := modelstest.Postgres(t) // skips when PostgreSQL is unreachable, unless MOTCUA_REQUIRE_POSTGRES=1
	eng := workflowtest.Engine(t)
	f, err := generateImport(eng, 200)
	if err != nil {
		t.Fatal(err)
	}
	if f.dossiers != 200 || f.projects == 0 || f.events < 5*200 || f.events > 7*200 {
		t.Fatalf("generated %d dossiers, %d events, %d opening projects", f.dossiers, f.events, f.projects)
	}
	for _, want := range []string{`"event":"request_supplement"`, `"event":"refuse"`, `"event":"withdraw"`,
		`"variant":"terminate"`, `"variant":"adjust_other"`, `"currency":"USD"`} {
		if !bytes.Contains(f.data, []byte(want)) {
			t.Errorf("the generated file has no %s", want)
		}
	}
	var out bytes.Buffer
	if err := runImportBench(context.Background(), db, eng, 200, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "dossiers/s") {
		t.Errorf("output %s", out.String())
	}
	t.Log(out.String())
}

// TestBenchImportFlags: SQLite is refused with a message naming PostgreSQL,
// and the size is checked.
func TestBenchImportFlags(t *testing.T) {
	if _, err := parseImportBench([]string{"-db", "./data/motcua.db"}, "", io.Discard); err == nil || !strings.Contains(err.Error(), "needs PostgreSQL") {
		t.Fatalf("SQLite: %v", err)
	}
	pg := "postgres://postgres@127.0.0.1:5432/motcua_test"
	if cfg, err := parseImportBench([]string{"-db", pg}, "", io.Discard); err != nil || cfg.dossiers != 20000 {
		t.Fatalf("defaults %+v, %v", cfg, err)
	}
	if _, err := parseImportBench([]string{"-db", pg, "-dossiers", "0"}, "", io.Discard); err == nil {
		t.Error("-dossiers 0 accepted")
	}
}
