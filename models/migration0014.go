package models

import "gorm.io/gorm"

// m0014Index is the index of migration 0014 on each database. On
// PostgreSQL it carries every column the dashboard counts with, so that
// the dashboard reads the index alone (an index-only scan, but for the
// pages changed since the last vacuum): over 1,000,000 dossiers the
// heap's scattered pages cost four times as much (docs/PERFORMANCE.md,
// "Manager dashboard"). SQLite has no INCLUDE.
var m0014Index = map[string]string{
	"postgres": `CREATE INDEX idx_dossiers_board_finished ON dossiers (board_id, finished_at)
		INCLUDE (procedure, assignee_id, received_at, due_at, outcome)`,
	"sqlite": `CREATE INDEX idx_dossiers_board_finished ON dossiers (board_id, finished_at)`,
}

// migrate0014 indexes a board's dossiers by their end. The manager's
// dashboard (Dashboard) reads a board's open dossiers (finished_at IS
// NULL) and those finished since the month start: two ranges of this
// index, instead of the board's whole history. It adds no column, so it
// needs no frozen struct.
func migrate0014(tx *gorm.DB) error {
	return execAll(tx, []string{m0014Index[tx.Dialector.Name()]})
}

// rollback0014 drops the index.
func rollback0014(tx *gorm.DB) error {
	return execAll(tx, []string{`DROP INDEX idx_dossiers_board_finished`})
}
