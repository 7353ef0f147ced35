// Package modelstest gives tests a fresh, migrated database: an SQLite file
// in a temporary directory, and a fresh PostgreSQL schema on the server
// named by MOTCUA_TEST_DATABASE_URL. With MOTCUA_REQUIRE_POSTGRES=1 (set by
// .ci/run) an unreachable PostgreSQL fails the test instead of skipping it.
package modelstest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"gorm.io/gorm"

	"github.com/motcua/motcua/models"
)

// DefaultPostgresURL is used when MOTCUA_TEST_DATABASE_URL is not set.
const DefaultPostgresURL = "postgres://postgres@127.0.0.1:5432/motcua_test?sslmode=disable"

// PostgresURL returns the test server's URL.
func PostgresURL() string {
	if u := os.Getenv("MOTCUA_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return DefaultPostgresURL
}

// Each runs fn as two subtests, "sqlite" and "postgres", each on its own
// fresh database.
func Each(t *testing.T, fn func(t *testing.T, db *gorm.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
}

// SQLite returns a migrated database in a new temporary file.
func SQLite(t testing.TB) *gorm.DB {
	t.Helper()
	db, err := models.Open(filepath.Join(t.TempDir(), "motcua.db"))
	if err != nil {
		t.Fatal(err)
	}
	migrate(t, db)
	return db
}

// Postgres returns a migrated database in a fresh schema, dropped when the test ends.
func Postgres(t testing.TB) *gorm.DB {
	t.Helper()
	admin := adminDB(t)
	schema := "t_" + randomHex()
	if err := admin.Exec("CREATE SCHEMA " + schema).Error; err != nil {
		t.Fatalf("modelstest: create schema: %v", err)
	}
	dsn, err := models.WithSearchPath(PostgresURL(), schema)
	if err != nil {
		t.Fatal(err)
	}
	db, err := models.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if sqlDB, err := db.DB(); err == nil {
			sqlDB.Close()
		}
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
	})
	migrate(t, db)
	return db
}

func migrate(t testing.TB, db *gorm.DB) {
	t.Helper()
	if err := models.Migrate(db); err != nil {
		t.Fatal(err)
	}
}

var (
	adminOnce sync.Once
	admin     *gorm.DB
	adminErr  error
)

// adminDB connects to the test database, creating it if it is missing.
func adminDB(t testing.TB) *gorm.DB {
	t.Helper()
	adminOnce.Do(func() { admin, adminErr = connectAdmin(PostgresURL()) })
	if adminErr != nil {
		if os.Getenv("MOTCUA_REQUIRE_POSTGRES") == "1" {
			t.Fatalf("modelstest: PostgreSQL is required (MOTCUA_REQUIRE_POSTGRES=1) but unreachable: %v", adminErr)
		}
		t.Skipf("modelstest: PostgreSQL unreachable, skipping: %v", adminErr)
	}
	return admin
}

func connectAdmin(raw string) (*gorm.DB, error) {
	db, err := models.Open(raw)
	if err == nil {
		err = db.Exec("SELECT 1").Error
	}
	if err == nil || !strings.Contains(err.Error(), "does not exist") {
		return db, err
	}
	u, perr := url.Parse(raw)
	if perr != nil {
		return nil, perr
	}
	name := strings.TrimPrefix(u.Path, "/")
	u.Path = "/postgres"
	root, err := models.Open(u.String())
	if err != nil {
		return nil, err
	}
	if err := root.Exec(`CREATE DATABASE "` + name + `"`).Error; err != nil && !strings.Contains(err.Error(), "already exists") {
		return nil, err
	}
	return models.Open(raw)
}

func randomHex() string {
	b := make([]byte, 6)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// CheckCounters fails t unless the report counters the engine kept event
// by event are exactly those models.RebuildReportCounts recounts from the
// dossiers and their history (cells at zero aside: the engine may leave
// changes that cancelled out). It returns the number of non-zero cells.
func CheckCounters(t testing.TB, db *gorm.DB) int {
	t.Helper()
	kept := counters(t, db)
	err := models.InTx(context.Background(), db, func(tx *gorm.DB) error {
		_, err := models.RebuildReportCounts(context.Background(), tx)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	recounted := counters(t, db)
	for k, n := range recounted {
		if kept[k] != n {
			t.Errorf("counter %+v: the engine kept %d, a recount gives %d", k, kept[k], n)
		}
	}
	for k, n := range kept {
		if _, ok := recounted[k]; !ok {
			t.Errorf("counter %+v: the engine kept %d, a recount gives none", k, n)
		}
	}
	return len(kept)
}

// counters reads the non-zero report counters, keyed by cell (N and
// Shard zeroed: the shards of a cell summed).
func counters(t testing.TB, db *gorm.DB) map[models.ReportCount]int64 {
	t.Helper()
	var rows []models.ReportCount
	if err := db.Find(&rows).Error; err != nil {
		t.Fatal(err)
	}
	out := map[models.ReportCount]int64{}
	for _, r := range rows {
		n := r.N
		r.N, r.Shard = 0, 0
		out[r] += n
	}
	for k, n := range out {
		if n == 0 {
			delete(out, k)
		}
	}
	return out
}
