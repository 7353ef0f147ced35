package models_test

import (
	"testing"

	"gorm.io/gorm"

	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/models/modelstest"
)

// TestMigration0013 on SQLite and PostgreSQL: counters written before the
// shards survive 0013 as shard 0; afterwards one cell may hold several
// shards; rolling back adds each cell's shards up into one row again.
func TestMigration0013(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		// The migration before 0013 (0012 once the audit chain is merged).
		if err := models.RollbackTo(db, "0012_audit_chain"); err != nil {
			t.Fatal(err)
		}
		if err := db.Exec(`INSERT INTO report_counts (board_id, procedure, day, kind, channel, outcome, end_state, multi, n)
			VALUES (1, 'construction-permit', '2026-11-16', 'received', 'online', '', '', false, 5)`).Error; err != nil {
			t.Fatal(err)
		}
		if err := models.Migrate(db); err != nil {
			t.Fatal(err)
		}
		cell := models.ReportCount{BoardID: 1, Procedure: "construction-permit", Day: "2026-11-16",
			Kind: models.TallyReceived, Channel: "online"}
		if got := cellRows(t, db); len(got) != 1 || got[0].Shard != 0 || got[0].N != 5 {
			t.Fatalf("counters after 0013: %+v, want the one cell in shard 0 with 5", got)
		}
		other := cell
		other.Shard, other.N = 7, 3
		if err := db.Create(&other).Error; err != nil {
			t.Fatalf("a second shard of the cell: %v", err)
		}
		if err := models.RollbackTo(db, "0012_audit_chain"); err != nil {
			t.Fatal(err)
		}
		var n []int64
		if err := db.Raw(`SELECT n FROM report_counts`).Scan(&n).Error; err != nil || len(n) != 1 || n[0] != 8 {
			t.Fatalf("counters after rolling 0013 back: %v %v, want one row of 8", n, err)
		}
		if err := models.Migrate(db); err != nil {
			t.Fatal(err)
		}
	})
}

// cellRows reads every counter row.
func cellRows(t *testing.T, db *gorm.DB) []models.ReportCount {
	t.Helper()
	var rows []models.ReportCount
	if err := db.Order("shard").Find(&rows).Error; err != nil {
		t.Fatal(err)
	}
	return rows
}
