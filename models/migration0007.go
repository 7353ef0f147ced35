package models

import (
	"errors"
	"time"

	"gorm.io/gorm"
)

// Migration 0007 lets an investment record have no dossier: the issue (and
// termination) of a project licensed before the board moved to motcua,
// brought in by `motcua import` as an opening project. The unique index on
// dossier_id stays: NULLs never collide, on PostgreSQL and SQLite alike.
//
// PostgreSQL drops the NOT NULL in place. SQLite cannot alter a column, so
// the table is rebuilt from the frozen copy below and its rows copied.

// m0007InvestmentRecord is the frozen copy of investment_records after
// migration 0007. Never edit it: add a migration.
type m0007InvestmentRecord struct {
	ID              uint64    `gorm:"primaryKey"`
	BoardID         uint      `gorm:"not null"`
	DossierID       *uint64   `gorm:"uniqueIndex:idx_investment_records_dossier"`
	ProjectID       uint64    `gorm:"not null"`
	Kind            string    `gorm:"size:16;not null;check:chk_investment_records_kind,kind IN ('issue', 'adjust', 'terminate')"`
	At              time.Time `gorm:"not null"`
	ForeignInvested bool      `gorm:"not null"`
	CapitalBefore   int64     `gorm:"not null;check:chk_investment_records_before,capital_before >= 0"`
	CapitalAfter    int64     `gorm:"not null;check:chk_investment_records_after,capital_after >= 0"`
	Currency        string    `gorm:"size:3;not null;check:chk_investment_records_currency,currency IN ('USD', 'VND')"`
	CreatedAt       time.Time
}

func (m0007InvestmentRecord) TableName() string { return "investment_records" }

// m0007Columns are the columns copied when SQLite rebuilds the table.
const m0007Columns = `id, board_id, dossier_id, project_id, kind, at, foreign_invested, capital_before,
	capital_after, currency, created_at`

func migrate0007(tx *gorm.DB) error {
	if tx.Dialector.Name() == "postgres" {
		return tx.Exec(`ALTER TABLE investment_records ALTER COLUMN dossier_id DROP NOT NULL`).Error
	}
	return rebuildInvestmentRecords(tx, &m0007InvestmentRecord{})
}

// ErrOpeningRecords refuses to roll migration 0007 back while records
// without a dossier (opening projects) exist: the old schema cannot hold them.
var ErrOpeningRecords = errors.New("store: investment records without a dossier (opening projects imported) " +
	"cannot go back to migration 0006; delete them first / có bản ghi dự án đầu kỳ không gắn hồ sơ, hãy xóa trước khi quay lại 0006")

func rollback0007(tx *gorm.DB) error {
	var n int64
	if err := tx.Table("investment_records").Where("dossier_id IS NULL").Count(&n).Error; err != nil {
		return err
	}
	if n > 0 {
		return ErrOpeningRecords
	}
	if tx.Dialector.Name() == "postgres" {
		return tx.Exec(`ALTER TABLE investment_records ALTER COLUMN dossier_id SET NOT NULL`).Error
	}
	return rebuildInvestmentRecords(tx, &m0006InvestmentRecord{})
}

// rebuildInvestmentRecords recreates investment_records on SQLite from the
// frozen struct model, keeping its rows and the indexes of migration 0006.
func rebuildInvestmentRecords(tx *gorm.DB, model any) error {
	stmts := []string{
		`DROP INDEX idx_investment_records_dossier`,
		`DROP INDEX idx_investment_records_board_at`,
		`DROP INDEX idx_investment_records_project_at`,
		`ALTER TABLE investment_records RENAME TO investment_records_old`,
	}
	if err := execAll(tx, stmts); err != nil {
		return err
	}
	if err := tx.AutoMigrate(model); err != nil {
		return err
	}
	copyRows := `INSERT INTO investment_records (` + m0007Columns + `) SELECT ` + m0007Columns + ` FROM investment_records_old`
	return execAll(tx, append([]string{copyRows, `DROP TABLE investment_records_old`}, m0006Indexes...))
}

// execAll runs statements in order, stopping at the first error.
func execAll(tx *gorm.DB, stmts []string) error {
	for _, stmt := range stmts {
		if err := tx.Exec(stmt).Error; err != nil {
			return err
		}
	}
	return nil
}
