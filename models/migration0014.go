package models

import "gorm.io/gorm"

// migrate0014 indexes a board's dossiers by their end. The manager's
// dashboard (Dashboard) reads a board's open dossiers (finished_at IS
// NULL) and those finished since the month start: two ranges of this
// index, instead of the board's whole history (docs/PERFORMANCE.md,
// "Manager dashboard"). It adds no column, so it needs no frozen struct.
func migrate0014(tx *gorm.DB) error {
	return execAll(tx, []string{`CREATE INDEX idx_dossiers_board_finished ON dossiers (board_id, finished_at)`})
}

// rollback0014 drops the index.
func rollback0014(tx *gorm.DB) error {
	return execAll(tx, []string{`DROP INDEX idx_dossiers_board_finished`})
}
