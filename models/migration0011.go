package models

import (
	"time"

	"gorm.io/gorm"
)

// Migration 0011 adds what the one-stop desk's flows record:
//   - dossiers.extension_proposal_seq: the history row of an extension an
//     officer proposed and no leader has decided yet (0 when none), with a
//     partial index for the leaders' queue;
//   - dossiers.result_medium and result_attachment_id: the decision's
//     result, electronic (a file) or paper;
//   - dossiers.tracking_pin: with the code, public tracking without signing
//     in. Dossiers already there get a random PIN;
//   - attachments.kind: a paper of the dossier, or a result file;
//   - tracking_failures: wrong PINs, counted per dossier code and per
//     address to throttle guessing.

// m0011Dossier adds the desk's columns to dossiers.
type m0011Dossier struct {
	ExtensionProposalSeq int    `gorm:"not null;default:0"`
	ResultMedium         string `gorm:"size:16;not null;default:''"`
	ResultAttachmentID   *uint64
	TrackingPIN          string `gorm:"size:16;not null;default:''"`
}

func (m0011Dossier) TableName() string { return "dossiers" }

// m0011Attachment adds the kind of a file.
type m0011Attachment struct {
	Kind string `gorm:"size:16;not null;default:document"`
}

func (m0011Attachment) TableName() string { return "attachments" }

// m0011TrackingFailure is the frozen copy of tracking_failures.
type m0011TrackingFailure struct {
	ID   uint64    `gorm:"primaryKey"`
	Code string    `gorm:"size:64;not null;index:idx_tracking_failures_code_at,priority:1"`
	IP   string    `gorm:"size:64;not null;index:idx_tracking_failures_ip_at,priority:1"`
	At   time.Time `gorm:"not null;index:idx_tracking_failures_code_at,priority:2;index:idx_tracking_failures_ip_at,priority:2"`
}

func (m0011TrackingFailure) TableName() string { return "tracking_failures" }

// m0011PINs gives each dossier already there a random 8-digit PIN, from the
// database's cryptographic random source (gen_random_uuid on PostgreSQL;
// random() on SQLite, which draws from the same ChaCha20 generator as
// randomblob).
var m0011PINs = map[string]string{
	"postgres": `UPDATE dossiers SET tracking_pin = lpad((('x' || substr(md5(gen_random_uuid()::text), 1, 15))::bit(60)::bigint % 100000000)::text, 8, '0')`,
	"sqlite":   `UPDATE dossiers SET tracking_pin = substr('00000000' || (abs(random()) % 100000000), -8, 8)`,
}

func migrate0011(tx *gorm.DB) error {
	for _, col := range []string{"ExtensionProposalSeq", "ResultMedium", "ResultAttachmentID", "TrackingPIN"} {
		if err := tx.Migrator().AddColumn(&m0011Dossier{}, col); err != nil {
			return err
		}
	}
	if err := tx.Migrator().AddColumn(&m0011Attachment{}, "Kind"); err != nil {
		return err
	}
	if err := tx.AutoMigrate(&m0011TrackingFailure{}); err != nil {
		return err
	}
	return execAll(tx, []string{m0011PINs[tx.Dialector.Name()],
		`CREATE INDEX idx_dossiers_extension_pending ON dossiers (board_id) WHERE extension_proposal_seq > 0`})
}

func rollback0011(tx *gorm.DB) error {
	if err := execAll(tx, []string{`DROP INDEX idx_dossiers_extension_pending`}); err != nil {
		return err
	}
	if err := tx.Migrator().DropTable("tracking_failures"); err != nil {
		return err
	}
	if err := tx.Migrator().DropColumn(&m0011Attachment{}, "Kind"); err != nil {
		return err
	}
	for _, col := range []string{"TrackingPIN", "ResultAttachmentID", "ResultMedium", "ExtensionProposalSeq"} {
		if err := tx.Migrator().DropColumn(&m0011Dossier{}, col); err != nil {
			return err
		}
	}
	return nil
}
