package models

import (
	"gorm.io/gorm"
)

// Migration 0013 shards the report counters: report_counts gets a shard
// column (0 to ReportShards-1), part of the primary key, so that the
// receipts of one board, procedure and day, which all add one to the same
// cell, lock one of ReportShards rows each instead of queueing on one
// (docs/PERFORMANCE.md, "HTTP: submit + receive"). The reports sum the
// shards. The counters already there become shard 0. The table is rebuilt
// (its primary key changes), on both databases in the same way.

// m0013ReportCount is the frozen copy of ReportCount for migration 0013.
// Never edit it: add a migration.
type m0013ReportCount struct {
	BoardID   uint   `gorm:"primaryKey;autoIncrement:false"`
	Procedure string `gorm:"primaryKey;size:64"`
	Day       string `gorm:"primaryKey;size:10"`
	Kind      string `gorm:"primaryKey;size:16"`
	Channel   string `gorm:"primaryKey;size:16"`
	Outcome   string `gorm:"primaryKey;size:16"`
	EndState  string `gorm:"primaryKey;size:64"`
	Multi     bool   `gorm:"primaryKey"`
	Shard     int16  `gorm:"primaryKey;autoIncrement:false;not null;default:0"`
	N         int64  `gorm:"not null"`
}

func (m0013ReportCount) TableName() string { return "report_counts" }

// m0013Cell is the counters' key without the shard, as in migration 0008.
const m0013Cell = `board_id, procedure, day, kind, channel, outcome, end_state, multi`

// renameCounters moves report_counts (and, on PostgreSQL, its primary key's
// index, whose name the new table's takes) aside to old.
func renameCounters(tx *gorm.DB, old string) error {
	stmts := []string{`ALTER TABLE report_counts RENAME TO ` + old}
	if tx.Dialector.Name() == "postgres" {
		stmts = append(stmts, `ALTER INDEX report_counts_pkey RENAME TO `+old+`_pkey`)
	}
	return execAll(tx, stmts)
}

func migrate0013(tx *gorm.DB) error {
	if err := renameCounters(tx, "report_counts_0008"); err != nil {
		return err
	}
	if err := tx.AutoMigrate(&m0013ReportCount{}); err != nil {
		return err
	}
	return execAll(tx, []string{
		`INSERT INTO report_counts (` + m0013Cell + `, shard, n) SELECT ` + m0013Cell + `, 0, n FROM report_counts_0008`,
		`DROP TABLE report_counts_0008`})
}

// rollback0013 adds up the shards of each cell into the table of
// migration 0008.
func rollback0013(tx *gorm.DB) error {
	if err := renameCounters(tx, "report_counts_0013"); err != nil {
		return err
	}
	if err := tx.AutoMigrate(&m0008ReportCount{}); err != nil {
		return err
	}
	return execAll(tx, []string{
		`INSERT INTO report_counts (` + m0013Cell + `, n) SELECT ` + m0013Cell + `, SUM(n) FROM report_counts_0013 GROUP BY ` + m0013Cell,
		`DROP TABLE report_counts_0013`})
}
