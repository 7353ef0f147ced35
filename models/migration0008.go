package models

import (
	"context"

	"gorm.io/gorm"
)

// m0008ReportCount is the frozen copy of ReportCount for migration 0008:
// the reform report's per-day counters. Never edit it: add a migration.
type m0008ReportCount struct {
	BoardID   uint   `gorm:"primaryKey;autoIncrement:false"`
	Procedure string `gorm:"primaryKey;size:64"`
	Day       string `gorm:"primaryKey;size:10"`
	Kind      string `gorm:"primaryKey;size:16"`
	Channel   string `gorm:"primaryKey;size:16"`
	Outcome   string `gorm:"primaryKey;size:16"`
	EndState  string `gorm:"primaryKey;size:64"`
	Multi     bool   `gorm:"primaryKey"`
	N         int64  `gorm:"not null"`
}

func (m0008ReportCount) TableName() string { return "report_counts" }

// migrate0008 creates the report counters and counts the dossiers already
// there, in the migration's transaction. It counts through
// RebuildReportCounts as it is at migration 0008: freeze a copy of its
// statements here before changing them.
func migrate0008(tx *gorm.DB) error {
	if err := tx.AutoMigrate(&m0008ReportCount{}); err != nil {
		return err
	}
	_, err := RebuildReportCounts(context.Background(), tx)
	return err
}

func rollback0008(tx *gorm.DB) error { return tx.Migrator().DropTable("report_counts") }
