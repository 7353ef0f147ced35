package models_test

import (
	"errors"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/models/modelstest"
)

// TestMigration0007 on SQLite and PostgreSQL: records written under 0006
// survive 0007; afterwards a record may have no dossier (several may), a
// dossier still has at most one record, and the indexes of 0006 are
// there. Rolling back is refused while records without a dossier exist,
// and works once they are gone.
func TestMigration0007(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		if err := models.RollbackTo(db, "0006_investment"); err != nil {
			t.Fatal(err)
		}
		when := time.Date(2024, 3, 4, 10, 0, 0, 0, time.UTC)
		if err := db.Exec(`INSERT INTO investment_records (board_id, dossier_id, project_id, kind, at, foreign_invested,
			capital_before, capital_after, currency) VALUES (1, 7, 1, 'issue', ?, true, 0, 40000000, 'USD')`, when).Error; err != nil {
			t.Fatal(err)
		}
		if err := models.Migrate(db); err != nil {
			t.Fatal(err)
		}
		var kept models.InvestmentRecord
		if err := db.First(&kept).Error; err != nil || kept.DossierID == nil || *kept.DossierID != 7 || kept.CapitalAfter != 40000000 {
			t.Fatalf("record after 0007: %+v %v", kept, err)
		}
		for _, idx := range []string{"idx_investment_records_dossier", "idx_investment_records_board_at", "idx_investment_records_project_at"} {
			if !db.Migrator().HasIndex("investment_records", idx) {
				t.Errorf("index %s missing after 0007", idx)
			}
		}
		opening := func() *models.InvestmentRecord {
			return &models.InvestmentRecord{BoardID: 1, ProjectID: 2, Kind: models.InvestmentIssue, At: when,
				CapitalAfter: 1, Currency: models.CurrencyVND}
		}
		for i := 0; i < 2; i++ {
			if err := db.Create(opening()).Error; err != nil {
				t.Fatalf("record without a dossier %d: %v", i, err)
			}
		}
		dup := opening()
		dup.DossierID = kept.DossierID
		if err := db.Create(dup).Error; err == nil {
			t.Error("a second record for dossier 7 was stored")
		}
		if err := models.RollbackTo(db, "0006_investment"); !errors.Is(err, models.ErrOpeningRecords) {
			t.Fatalf("rollback with opening records: %v, want ErrOpeningRecords", err)
		}
		if err := db.Where("dossier_id IS NULL").Delete(&models.InvestmentRecord{}).Error; err != nil {
			t.Fatal(err)
		}
		if err := models.RollbackTo(db, "0006_investment"); err != nil {
			t.Fatal(err)
		}
		if err := db.Create(opening()).Error; err == nil {
			t.Error("0006 stored a record without a dossier")
		}
		if err := models.Migrate(db); err != nil {
			t.Fatal(err)
		}
	})
}
