package models

import (
	"path/filepath"
	"testing"
)

// TestMigration0006Rollback: 0006 rolls back to 0005 (its tables gone,
// 0006 and the later 0007 pending) and applies again.
func TestMigration0006Rollback(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "motcua.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := Migrate(db); err != nil {
		t.Fatal(err)
	}
	if err := newMigrator(db).RollbackTo("0005_notifications"); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"investment_projects", "investment_records"} {
		if db.Migrator().HasTable(table) {
			t.Fatalf("%s survived the rollback", table)
		}
	}
	if pending, err := Pending(db); err != nil || len(pending) != 2 || pending[0] != "0006_investment" ||
		pending[1] != "0007_opening_projects" {
		t.Fatalf("pending after rollback: %v %v", pending, err)
	}
	if err := Migrate(db); err != nil {
		t.Fatal(err)
	}
}
