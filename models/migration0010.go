package models

import (
	"time"

	"gorm.io/gorm"
)

// Migration 0010 opens accounts to investors who sign up themselves:
//   - users.email_verified_at: an account signs in only once its email is
//     verified; accounts made before (by an administrator or the demo) are
//     taken as verified when they were created;
//   - investor accounts belong to no board (one account files with any
//     board); staff accounts keep theirs;
//   - user_tokens: the one-time tokens of email verification and password
//     reset, stored as SHA-256 hashes;
//   - notifications.board_id may be NULL (an account's own emails concern
//     no board), and notifications.payload carries what an email needs
//     until it is sent (the link's token), cleared once delivered.
//
// PostgreSQL drops the NOT NULL in place; SQLite rebuilds notifications
// from the frozen copy below, with its indexes.

// m0010User adds the verification instant to users.
type m0010User struct {
	EmailVerifiedAt *time.Time
}

func (m0010User) TableName() string { return "users" }

// m0010UserToken is the frozen copy of user_tokens.
type m0010UserToken struct {
	ID        uint64    `gorm:"primaryKey"`
	UserID    uint      `gorm:"not null;index"`
	Purpose   string    `gorm:"size:16;not null"`
	TokenHash string    `gorm:"type:char(64);not null;uniqueIndex"`
	CreatedAt time.Time `gorm:"not null"`
	ExpiresAt time.Time `gorm:"not null"`
	UsedAt    *time.Time
}

func (m0010UserToken) TableName() string { return "user_tokens" }

// m0010Notification is the frozen copy of notifications after migration 0010.
type m0010Notification struct {
	ID            uint64    `gorm:"primaryKey"`
	BoardID       *uint     ``
	DossierID     *uint64   `gorm:"index"`
	AlertID       *uint64   `gorm:"index"`
	EventID       *uint64   `gorm:"index"`
	Kind          string    `gorm:"size:32;not null"`
	Channel       string    `gorm:"size:8;not null;uniqueIndex:idx_notifications_unique,priority:2"`
	Source        string    `gorm:"size:64;not null;uniqueIndex:idx_notifications_unique,priority:1"`
	Recipient     string    `gorm:"size:255;not null;uniqueIndex:idx_notifications_unique,priority:3"`
	UserID        *uint     `gorm:"index:idx_notifications_user,priority:1"`
	Email         string    `gorm:"size:255;not null;default:''"`
	Status        string    `gorm:"size:8;not null"`
	Attempts      int       `gorm:"not null;default:0"`
	NextAttemptAt time.Time `gorm:"not null"`
	LastError     string    `gorm:"size:1024;not null;default:''"`
	CreatedAt     time.Time `gorm:"not null"`
	SentAt        *time.Time
	ReadAt        *time.Time
	Payload       string `gorm:"type:text;not null;default:''"`
}

func (m0010Notification) TableName() string { return "notifications" }

// m0010Columns are the notification columns a rebuild copies.
const m0010Columns = `id, board_id, dossier_id, alert_id, event_id, kind, channel, source, recipient, user_id,
	email, status, attempts, next_attempt_at, last_error, created_at, sent_at, read_at`

func migrate0010(tx *gorm.DB) error {
	if err := tx.Migrator().AddColumn(&m0010User{}, "EmailVerifiedAt"); err != nil {
		return err
	}
	if err := tx.AutoMigrate(&m0010UserToken{}); err != nil {
		return err
	}
	stmts := []string{
		`UPDATE users SET email_verified_at = created_at`,
		`UPDATE users SET board_id = NULL WHERE role = 'investor'`,
	}
	if err := execAll(tx, stmts); err != nil {
		return err
	}
	if tx.Dialector.Name() == "postgres" {
		return execAll(tx, []string{`ALTER TABLE notifications ALTER COLUMN board_id DROP NOT NULL`,
			`ALTER TABLE notifications ADD COLUMN payload text NOT NULL DEFAULT ''`})
	}
	return rebuildNotifications(tx)
}

// rebuildNotifications recreates notifications on SQLite from the frozen
// copy of migration 0010, keeping its rows and indexes.
func rebuildNotifications(tx *gorm.DB) error {
	stmts := []string{`DROP INDEX idx_notifications_pending`, `DROP INDEX idx_notifications_unique`,
		`DROP INDEX idx_notifications_user`, `DROP INDEX idx_notifications_dossier_id`,
		`DROP INDEX idx_notifications_alert_id`, `DROP INDEX idx_notifications_event_id`,
		`ALTER TABLE notifications RENAME TO notifications_old`}
	if err := execAll(tx, stmts); err != nil {
		return err
	}
	if err := tx.AutoMigrate(&m0010Notification{}); err != nil {
		return err
	}
	return execAll(tx, []string{
		`INSERT INTO notifications (` + m0010Columns + `) SELECT ` + m0010Columns + ` FROM notifications_old`,
		`DROP TABLE notifications_old`,
		`CREATE INDEX idx_notifications_pending ON notifications (next_attempt_at, id) WHERE status = 'pending'`,
	})
}

// rollback0010 goes back to board-scoped notifications: account emails
// (no board) are deleted, investors stay without a board.
func rollback0010(tx *gorm.DB) error {
	if err := execAll(tx, []string{`DELETE FROM notifications WHERE board_id IS NULL`}); err != nil {
		return err
	}
	if tx.Dialector.Name() == "postgres" {
		if err := execAll(tx, []string{`ALTER TABLE notifications ALTER COLUMN board_id SET NOT NULL`,
			`ALTER TABLE notifications DROP COLUMN payload`}); err != nil {
			return err
		}
	} else if err := rebuildNotificationsBack(tx); err != nil {
		return err
	}
	if err := tx.Migrator().DropTable("user_tokens"); err != nil {
		return err
	}
	return tx.Migrator().DropColumn(&m0010User{}, "EmailVerifiedAt")
}

// rebuildNotificationsBack recreates the notifications of migration 0005 on SQLite.
func rebuildNotificationsBack(tx *gorm.DB) error {
	stmts := []string{`DROP INDEX idx_notifications_pending`, `DROP INDEX idx_notifications_unique`,
		`DROP INDEX idx_notifications_user`, `DROP INDEX idx_notifications_dossier_id`,
		`DROP INDEX idx_notifications_alert_id`, `DROP INDEX idx_notifications_event_id`,
		`ALTER TABLE notifications RENAME TO notifications_old`}
	if err := execAll(tx, stmts); err != nil {
		return err
	}
	if err := tx.AutoMigrate(&m0005Notification{}); err != nil {
		return err
	}
	return execAll(tx, []string{
		`INSERT INTO notifications (` + m0010Columns + `) SELECT ` + m0010Columns + ` FROM notifications_old`,
		`DROP TABLE notifications_old`,
		`CREATE INDEX idx_notifications_pending ON notifications (next_attempt_at, id) WHERE status = 'pending'`,
	})
}
