package models

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// Migration 0012 makes the history tamper-evident (see audit.go):
//   - dossier_events.prev_hash and hash: each row's link to the previous
//     row of its dossier and its own hash;
//   - dossiers.last_hash: the hash of the dossier's last row;
//   - audit_anchors: the daily anchor of each board;
//   - the rows already there are hashed, dossier by dossier in version
//     order, and each dossier gets its last row's hash. Their anchors are
//     written by the next sweep (or `motcua audit-anchors`).

// m0012Dossier adds the last row's hash to dossiers.
type m0012Dossier struct {
	LastHash string `gorm:"size:64;not null;default:''"`
}

func (m0012Dossier) TableName() string { return "dossiers" }

// m0012Event adds the chain's columns to dossier_events.
type m0012Event struct {
	PrevHash string `gorm:"size:64;not null;default:''"`
	Hash     string `gorm:"size:64;not null;default:''"`
}

func (m0012Event) TableName() string { return "dossier_events" }

// m0012AuditAnchor is the frozen copy of audit_anchors.
type m0012AuditAnchor struct {
	ID        uint64    `gorm:"primaryKey"`
	BoardID   uint      `gorm:"not null;uniqueIndex:idx_audit_anchors_board_day,priority:1"`
	Day       string    `gorm:"size:10;not null;uniqueIndex:idx_audit_anchors_board_day,priority:2"`
	Hash      string    `gorm:"size:64;not null"`
	Rows      int64     `gorm:"not null"`
	Dossiers  int64     `gorm:"not null"`
	CreatedAt time.Time `gorm:"not null"`
}

func (m0012AuditAnchor) TableName() string { return "audit_anchors" }

func migrate0012(tx *gorm.DB) error {
	if err := tx.Migrator().AddColumn(&m0012Dossier{}, "LastHash"); err != nil {
		return err
	}
	for _, col := range []string{"PrevHash", "Hash"} {
		if err := tx.Migrator().AddColumn(&m0012Event{}, col); err != nil {
			return err
		}
	}
	if err := tx.AutoMigrate(&m0012AuditAnchor{}); err != nil {
		return err
	}
	_, err := sealUnsealed(context.Background(), tx)
	return err
}

func rollback0012(tx *gorm.DB) error {
	if err := tx.Migrator().DropTable("audit_anchors"); err != nil {
		return err
	}
	// ALTER TABLE … DROP COLUMN, on SQLite too (3.35 and later): gorm's
	// SQLite DropColumn rebuilds the table and loses its partial indexes.
	return execAll(tx, []string{`ALTER TABLE dossier_events DROP COLUMN hash`,
		`ALTER TABLE dossier_events DROP COLUMN prev_hash`, `ALTER TABLE dossiers DROP COLUMN last_hash`})
}
