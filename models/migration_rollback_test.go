package models

import (
	"path/filepath"
	"testing"
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
