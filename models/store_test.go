package models_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/models/modelstest"
)

func TestMigrateAndSchema(t *testing.T) {
	empty, err := models.Open(filepath.Join(t.TempDir(), "empty.db"))
	if err != nil {
		t.Fatal(err)
	}
	var behind *models.ErrSchemaBehind
	if err := models.CheckSchema(empty); err == nil || !asBehind(err, &behind) || behind.Pending[0] != "0001_initial" {
		t.Fatalf("unmigrated database: %v", err)
	}
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		if err := models.CheckSchema(db); err != nil {
			t.Fatal(err)
		}
		if err := models.Migrate(db); err != nil { // a second run changes nothing
			t.Fatal(err)
		}
		for i, want := range []int{1, 2} {
			n, err := models.NextSequence(context.Background(), db, 1, "261123")
			if err != nil || n != want {
				t.Fatalf("sequence call %d: %d %v, want %d", i, n, err, want)
			}
		}
		if n, _ := models.NextSequence(context.Background(), db, 1, "261124"); n != 1 {
			t.Fatalf("a new day restarts the sequence: got %d", n)
		}
	})
}

func asBehind(err error, target **models.ErrSchemaBehind) bool {
	b, ok := err.(*models.ErrSchemaBehind)
	*target = b
	return ok
}

// TestSweepQueryUsesIndex: the deadline sweep's query (open dossiers due
// before an instant) can be answered from the partial index, so its cost
// follows the dossiers due, not the dossiers open.
func TestSweepQueryUsesIndex(t *testing.T) {
	db := modelstest.Postgres(t)
	var plan []string
	err := db.Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec("SET LOCAL enable_seqscan = off").Error; err != nil {
			return err
		}
		return tx.Raw(`EXPLAIN SELECT id FROM dossiers WHERE finished_at IS NULL AND due_at IS NOT NULL AND due_at < ? ORDER BY due_at`,
			time.Now()).Scan(&plan).Error
	})
	if err != nil {
		t.Fatal(err)
	}
	if joined := strings.Join(plan, "\n"); !strings.Contains(joined, "idx_dossiers_open_due") {
		t.Fatalf("sweep query plan does not use idx_dossiers_open_due:\n%s", joined)
	}
}
