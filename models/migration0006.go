package models

import (
	"time"

	"gorm.io/gorm"
)

// Frozen copies for migration 0006: investment projects and the record of
// each approved investment-certificate dossier. Never edit them: add a
// migration.
type m0006InvestmentProject struct {
	ID              uint64 `gorm:"primaryKey"`
	BoardID         uint   `gorm:"not null;uniqueIndex:idx_investment_projects_code,priority:1"`
	ZoneID          *uint
	Code            string    `gorm:"size:64;not null;uniqueIndex:idx_investment_projects_code,priority:2"`
	Name            string    `gorm:"size:512;not null"`
	ForeignInvested bool      `gorm:"not null"`
	Capital         int64     `gorm:"not null;check:chk_investment_projects_capital,capital >= 0"`
	Currency        string    `gorm:"size:3;not null;check:chk_investment_projects_currency,currency IN ('USD', 'VND')"`
	Status          string    `gorm:"size:16;not null;check:chk_investment_projects_status,status IN ('valid', 'terminated')"`
	IssuedAt        time.Time `gorm:"not null"`
	TerminatedAt    *time.Time
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

func (m0006InvestmentProject) TableName() string { return "investment_projects" }

type m0006InvestmentRecord struct {
	ID              uint64    `gorm:"primaryKey"`
	BoardID         uint      `gorm:"not null"`
	DossierID       uint64    `gorm:"not null;uniqueIndex:idx_investment_records_dossier"`
	ProjectID       uint64    `gorm:"not null"`
	Kind            string    `gorm:"size:16;not null;check:chk_investment_records_kind,kind IN ('issue', 'adjust', 'terminate')"`
	At              time.Time `gorm:"not null"`
	ForeignInvested bool      `gorm:"not null"`
	CapitalBefore   int64     `gorm:"not null;check:chk_investment_records_before,capital_before >= 0"`
	CapitalAfter    int64     `gorm:"not null;check:chk_investment_records_after,capital_after >= 0"`
	Currency        string    `gorm:"size:3;not null;check:chk_investment_records_currency,currency IN ('USD', 'VND')"`
	CreatedAt       time.Time
}

func (m0006InvestmentRecord) TableName() string { return "investment_records" }

// m0006Indexes serve the statistics (reports.Investment): the records of a
// period by board and instant, and each project's latest record as of a
// date (the cumulative figures), by project and instant.
var m0006Indexes = []string{
	`CREATE INDEX idx_investment_records_board_at ON investment_records (board_id, at)`,
	`CREATE INDEX idx_investment_records_project_at ON investment_records (project_id, at, id)`,
}

func migrate0006(tx *gorm.DB) error {
	if err := tx.AutoMigrate(&m0006InvestmentProject{}, &m0006InvestmentRecord{}); err != nil {
		return err
	}
	for _, stmt := range m0006Indexes {
		if err := tx.Exec(stmt).Error; err != nil {
			return err
		}
	}
	return nil
}

func rollback0006(tx *gorm.DB) error {
	return tx.Migrator().DropTable("investment_records", "investment_projects")
}
