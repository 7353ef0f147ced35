package models

import (
	"path/filepath"
	"testing"

	"github.com/go-gormigrate/gormigrate/v2"
)

// TestMigrationRollbacks: each migration since 0006 rolls back to the one
// before it (its tables gone, it alone pending) and applies again.
func TestMigrationRollbacks(t *testing.T) {
	for _, c := range []struct {
		id, before string
		tables     []string
	}{
		{"0006_investment", "0005_notifications", []string{"investment_projects", "investment_records"}},
		{"0008_report_counts", "0007_opening_projects", []string{"report_counts"}},
		{"0010_accounts", "0008_report_counts", []string{"user_tokens"}},
		{"0011_desk", "0010_accounts", []string{"tracking_failures"}},
		{"0012_audit_chain", "0011_desk", []string{"audit_anchors"}},
		{"0013_report_shards", "0012_audit_chain", nil},
		{"0014_dashboard_index", "0013_report_shards", nil},
	} {
		t.Run(c.id, func(t *testing.T) {
			db, err := Open(filepath.Join(t.TempDir(), "motcua.db"))
			if err != nil {
				t.Fatal(err)
			}
			if err := Migrate(db); err != nil {
				t.Fatal(err)
			}
			if err := newMigrator(db).RollbackTo(c.before); err != nil {
				t.Fatal(err)
			}
			for _, table := range c.tables {
				if db.Migrator().HasTable(table) {
					t.Fatalf("%s survived the rollback", table)
				}
			}
			if pending, err := Pending(db); err != nil || len(pending) == 0 || pending[0] != c.id {
				t.Fatalf("pending after rollback: %v %v", pending, err)
			}
			if err := Migrate(db); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestMigration0014Rollback: the dashboard's index rolls back alone (it
// is then the one pending migration) and applies again.
func TestMigration0014Rollback(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "motcua.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := Migrate(db); err != nil {
		t.Fatal(err)
	}
	const id, index = "0014_dashboard_index", "idx_dossiers_board_finished"
	if !db.Migrator().HasIndex("dossiers", index) {
		t.Fatalf("%s missing after migrating", index)
	}
	var m *gormigrate.Migration
	for _, mm := range migrations() {
		if mm.ID == id {
			m = mm
		}
	}
	if m == nil {
		t.Fatalf("no migration %s", id)
	}
	if err := newMigrator(db).RollbackMigration(m); err != nil {
		t.Fatal(err)
	}
	if db.Migrator().HasIndex("dossiers", index) {
		t.Fatalf("%s survived the rollback", index)
	}
	if pending, err := Pending(db); err != nil || len(pending) != 1 || pending[0] != id {
		t.Fatalf("pending after rollback: %v %v", pending, err)
	}
	if err := Migrate(db); err != nil || !db.Migrator().HasIndex("dossiers", index) {
		t.Fatalf("migrating again: %v, index there: %v", err, db.Migrator().HasIndex("dossiers", index))
	}
}
