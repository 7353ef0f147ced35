// Package fuzztest helps the fuzz targets (`make fuzz`) hold their
// properties on real databases: while fuzzing, on SQLite only (one file
// per fuzzing worker); when the seed corpus runs as a normal test, on
// PostgreSQL too. It counts what a refused request must leave as it was:
// the rows of every table a request may write and the stored files.
package fuzztest

import (
	"flag"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"testing"

	"gorm.io/gorm"

	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/models/modelstest"
)

// Fuzzing reports whether this run is fuzzing (go test -fuzz), rather
// than running the seed corpus as a test.
func Fuzzing() bool {
	f := flag.Lookup("test.fuzz")
	return f != nil && f.Value.String() != ""
}

// DB is a test database and its name ("sqlite", "postgres").
type DB struct {
	Name string
	*gorm.DB
}

// DBs are the databases a fuzz target runs on: a fresh SQLite file, and,
// unless fuzzing, a fresh PostgreSQL schema when the server is reachable
// (with MOTCUA_REQUIRE_POSTGRES=1 an unreachable one fails, as in
// modelstest).
func DBs(f *testing.F) []DB {
	f.Helper()
	out := []DB{{"sqlite", modelstest.SQLite(f)}}
	if Fuzzing() {
		return out
	}
	if err := reachable(); err != nil {
		if os.Getenv("MOTCUA_REQUIRE_POSTGRES") == "1" {
			f.Fatalf("fuzztest: PostgreSQL is required (MOTCUA_REQUIRE_POSTGRES=1) but unreachable: %v", err)
		}
		f.Logf("fuzztest: PostgreSQL unreachable, the seeds run on SQLite only: %v", err)
		return out
	}
	return append(out, DB{"postgres", modelstest.Postgres(f)})
}

// reachable connects to the test server once.
func reachable() error {
	db, err := models.Open(modelstest.PostgresURL())
	if err != nil {
		return err
	}
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	defer sqlDB.Close()
	return sqlDB.Ping()
}

// Tables are the tables a request of a user may write.
var Tables = []string{"dossiers", "dossier_events", "attachments", "notifications", "report_counts",
	"investment_projects", "investment_records", "idempotency_keys", "alerts", "users", "boards", "zones"}

// Counts are the rows of each table in Tables, and the files under a
// data directory ("files").
type Counts map[string]int64

// Count reads the counts of db and the files under dataDir ("" for none).
func Count(t testing.TB, db *gorm.DB, dataDir string) Counts {
	t.Helper()
	out := Counts{}
	for _, table := range Tables {
		var n int64
		if err := db.Table(table).Count(&n).Error; err != nil {
			t.Fatalf("fuzztest: count %s: %v", table, err)
		}
		out[table] = n
	}
	if dataDir != "" {
		out["files"] = Files(t, dataDir)
	}
	return out
}

// Files counts the regular files under dir (none when it does not exist).
func Files(t testing.TB, dir string) int64 {
	t.Helper()
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			n++
		}
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		t.Fatalf("fuzztest: walk %s: %v", dir, err)
	}
	return n
}

// Unchanged fails t unless after equals before: a refused request wrote
// nothing.
func Unchanged(t testing.TB, what string, before, after Counts) {
	t.Helper()
	if !maps.Equal(before, after) {
		t.Fatalf("%s was refused but wrote: before %v, after %v", what, before, after)
	}
}

// VersionsMatchHistory fails t unless every dossier's version equals the
// number of its history rows: nothing half-written.
func VersionsMatchHistory(t testing.TB, db *gorm.DB) {
	t.Helper()
	var bad []struct {
		Code    string
		Version int
		N       int
	}
	err := db.Raw(`SELECT d.code, d.version, (SELECT COUNT(*) FROM dossier_events e WHERE e.dossier_id = d.id) AS n
		FROM dossiers d WHERE d.version <> (SELECT COUNT(*) FROM dossier_events e WHERE e.dossier_id = d.id)`).Scan(&bad).Error
	if err != nil {
		t.Fatalf("fuzztest: versions: %v", err)
	}
	if len(bad) > 0 {
		t.Fatalf("dossiers whose version is not their history count: %+v", bad)
	}
}
