package models

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// NotificationKind names what a notification tells its recipient.
type NotificationKind string

// The notification kinds. An alert's notification has the alert's kind.
const (
	NotifyReceived         NotificationKind = "received"             // the dossier was received (form 01)
	NotifyCompletion       NotificationKind = "completion_requested" // complete the dossier before receipt (form 02)
	NotifyIntakeRejected   NotificationKind = "intake_rejected"      // the dossier was refused at intake (form 03)
	NotifySupplement       NotificationKind = "supplement_requested" // the applicant must supplement (form 02)
	NotifyAppointmentMoved NotificationKind = "appointment_moved"    // a new appointment and an apology (form 04)
	NotifyResultReady      NotificationKind = "result_ready"         // the decision is made: the result can be collected
	NotifyDigest           NotificationKind = "digest"               // the 07:30 summary of a staff member's open alerts
	NotifyVerifyEmail      NotificationKind = "verify_email"         // an account's email verification link
	NotifyPasswordReset    NotificationKind = "password_reset"       // an account's password reset link
)

// NotificationChannel is how a notification reaches its recipient.
type NotificationChannel string

// The channels: the in-app notification list, and email.
const (
	NotifyInApp NotificationChannel = "in_app"
	NotifyEmail NotificationChannel = "email"
)

// The delivery states of an outbox row.
const (
	NotificationPending = "pending" // waiting for the worker, or for its next attempt
	NotificationSent    = "sent"    // delivered (in-app rows are delivered when written)
	NotificationFailed  = "failed"  // gave up after the last attempt
)

// Notification is one row of the outbox: a message for one recipient on one
// channel, written in the transaction of the event or alert it is about and
// delivered after commit. (source, channel, recipient) is unique, so
// enqueueing twice sends once. Subject and body are rendered at delivery
// from the kind and the dossier, event or alert it points to.
type Notification struct {
	ID            uint64 `gorm:"primaryKey"`
	BoardID       *uint  // nil for an account's own emails (verification, password reset)
	DossierID     *uint64
	AlertID       *uint64
	EventID       *uint64
	Kind          NotificationKind    `gorm:"size:32;not null"`
	Channel       NotificationChannel `gorm:"size:8;not null"`
	Source        string              `gorm:"size:64;not null"`  // "event:ID", "alert:ID" or "digest:YYYY-MM-DD"
	Recipient     string              `gorm:"size:255;not null"` // "user:ID" or "mailto:ADDRESS"
	UserID        *uint
	Email         string `gorm:"size:255;not null;default:''"`
	Status        string `gorm:"size:8;not null"`
	Attempts      int    `gorm:"not null;default:0"`
	NextAttemptAt time.Time
	LastError     string `gorm:"size:1024;not null;default:''"`
	CreatedAt     time.Time
	SentAt        *time.Time
	ReadAt        *time.Time
	// Payload is what an email needs until it is sent (the token of a
	// verification or reset link); it is cleared when the email is sent.
	Payload string `gorm:"type:text;not null;default:''"`
}

// notificationConflict is the unique key a notification is enqueued once under.
var notificationConflict = clause.OnConflict{
	Columns:   []clause.Column{{Name: "source"}, {Name: "channel"}, {Name: "recipient"}},
	DoNothing: true,
}

// userRecipient and mailRecipient build the Recipient column.
func userRecipient(id uint) string     { return "user:" + strconv.FormatUint(uint64(id), 10) }
func mailRecipient(addr string) string { return "mailto:" + addr }

// EnqueueEventNotifications writes, through tx, the investor's notifications
// about event ev of dossier d: in the investor's in-app list (delivered as
// it commits) when the dossier has an investor account, and by email to the
// applicant's address, or else the investor account's. It returns how many
// rows were written.
func EnqueueEventNotifications(ctx context.Context, tx *gorm.DB, d *Dossier, ev *DossierEvent,
	kind NotificationKind, now time.Time) (int, error) {
	base := Notification{BoardID: &d.BoardID, DossierID: &d.ID, EventID: &ev.ID, Kind: kind,
		Source: "event:" + strconv.FormatUint(ev.ID, 10), Status: NotificationPending,
		NextAttemptAt: now.UTC(), CreatedAt: now.UTC()}
	email := d.ApplicantEmail
	var rows []Notification
	if d.InvestorID != nil {
		n := base
		sent := now.UTC()
		n.Channel, n.Recipient, n.UserID, n.Status, n.SentAt = NotifyInApp, userRecipient(*d.InvestorID),
			d.InvestorID, NotificationSent, &sent
		rows = append(rows, n)
		if email == "" {
			var err error
			if email, err = userEmail(ctx, tx, *d.InvestorID); err != nil {
				return 0, err
			}
		}
	}
	if email != "" {
		n := base
		n.Channel, n.Recipient, n.Email, n.UserID = NotifyEmail, mailRecipient(email), email, d.InvestorID
		rows = append(rows, n)
	}
	return insertNotifications(ctx, tx, rows)
}

// userEmail returns a user's email address, empty when none is set.
func userEmail(ctx context.Context, tx *gorm.DB, id uint) (string, error) {
	var emails []string
	if err := tx.WithContext(ctx).Model(&User{}).Where("id = ?", id).Pluck("email", &emails).Error; err != nil {
		return "", fmt.Errorf("store: user email: %w", err)
	}
	if len(emails) == 0 {
		return "", nil
	}
	return emails[0], nil
}

// insertNotifications inserts the rows not enqueued yet.
func insertNotifications(ctx context.Context, tx *gorm.DB, rows []Notification) (int, error) {
	if len(rows) == 0 {
		return 0, nil
	}
	res := tx.WithContext(ctx).Clauses(notificationConflict).Create(&rows)
	if res.Error != nil {
		return 0, fmt.Errorf("store: enqueue notifications: %w", res.Error)
	}
	return int(res.RowsAffected), nil
}

// alertNotificationsSQL enqueues one email per alert raised at $1 and per
// active staff member of the alert's board who has an address: the
// assigned officer (every officer of the board while unassigned) for
// officer alerts, every manager for manager alerts.
const alertNotificationsSQL = `INSERT INTO notifications (board_id, dossier_id, alert_id, kind, channel, source,
	recipient, user_id, email, status, attempts, next_attempt_at, last_error, created_at)
SELECT a.board_id, a.dossier_id, a.id, a.kind, 'email', 'alert:' || a.id, 'user:' || u.id, u.id, u.email,
	'pending', 0, ?, '', ?
FROM alerts a JOIN users u ON u.board_id = a.board_id AND u.active AND u.email <> '' AND u.role = a.recipient_role
WHERE a.raised_at = ? AND a.kind = ? AND (a.recipient_role <> 'officer' OR a.assignee_id IS NULL OR a.assignee_id = u.id)
ON CONFLICT (source, channel, recipient) DO NOTHING`

// EnqueueAlertNotifications writes, through tx, the email notifications of
// the alerts of kind raised at raisedAt, and returns how many it wrote.
func EnqueueAlertNotifications(ctx context.Context, tx *gorm.DB, kind AlertKind, raisedAt, now time.Time) (int, error) {
	res := tx.WithContext(ctx).Exec(alertNotificationsSQL, now.UTC(), now.UTC(), raisedAt.UTC(), string(kind))
	if res.Error != nil {
		return 0, fmt.Errorf("store: enqueue alert notifications: %w", res.Error)
	}
	return int(res.RowsAffected), nil
}

// digestSQL enqueues the day's digest for every active officer and manager
// with an address and at least one unacknowledged alert addressed to them
// about an open dossier.
const digestSQL = `INSERT INTO notifications (board_id, kind, channel, source, recipient, user_id, email, status,
	attempts, next_attempt_at, last_error, created_at)
SELECT u.board_id, 'digest', 'email', ?, 'user:' || u.id, u.id, u.email, 'pending', 0, ?, '', ?
FROM users u
WHERE u.active AND u.email <> '' AND u.board_id IS NOT NULL AND u.role IN ('officer', 'manager')
	AND EXISTS (SELECT 1 FROM alerts a JOIN dossiers d ON d.id = a.dossier_id
		WHERE a.board_id = u.board_id AND a.recipient_role = u.role AND a.acknowledged_at IS NULL
			AND d.finished_at IS NULL
			AND (u.role <> 'officer' OR a.assignee_id IS NULL OR a.assignee_id = u.id))
ON CONFLICT (source, channel, recipient) DO NOTHING`

// EnqueueDigests writes, through tx, the digest of day (YYYY-MM-DD) for each
// staff member with open alerts, once per day, and returns how many it wrote.
func EnqueueDigests(ctx context.Context, tx *gorm.DB, day string, now time.Time) (int, error) {
	res := tx.WithContext(ctx).Exec(digestSQL, "digest:"+day, now.UTC(), now.UTC())
	if res.Error != nil {
		return 0, fmt.Errorf("store: enqueue digests: %w", res.Error)
	}
	return int(res.RowsAffected), nil
}

// ClaimNotifications locks and returns, through tx, up to limit pending
// email notifications due by now, oldest first. On PostgreSQL rows locked
// by another worker are skipped (FOR UPDATE SKIP LOCKED), so workers on
// several replicas never take the same row; the locks last until tx ends.
func ClaimNotifications(ctx context.Context, tx *gorm.DB, now time.Time, limit int) ([]Notification, error) {
	q := tx.WithContext(ctx).Where("status = ? AND next_attempt_at <= ? AND channel = ?",
		NotificationPending, now.UTC(), NotifyEmail).Order("next_attempt_at, id").Limit(limit)
	if tx.Dialector.Name() == "postgres" {
		q = q.Clauses(clause.Locking{Strength: "UPDATE", Options: "SKIP LOCKED"})
	}
	var out []Notification
	if err := q.Find(&out).Error; err != nil {
		return nil, fmt.Errorf("store: claim notifications: %w", err)
	}
	return out, nil
}

// MarkNotificationSent records a delivery.
func MarkNotificationSent(ctx context.Context, tx *gorm.DB, n *Notification, at time.Time) error {
	n.Attempts++
	sent := at.UTC()
	n.Status, n.SentAt, n.LastError, n.Payload = NotificationSent, &sent, "", ""
	return saveDelivery(ctx, tx, n)
}

// MarkNotificationSentIfPending records a delivery whose transaction
// failed after the mailer had accepted the message (the database went
// away before the commit): n, as claimed then, is marked sent at at after
// one more attempt, unless it is no longer pending (the commit went
// through after all). It reports whether it marked the row.
func MarkNotificationSentIfPending(ctx context.Context, tx *gorm.DB, n *Notification, at time.Time) (bool, error) {
	res := tx.WithContext(ctx).Model(&Notification{}).Where("id = ? AND status = ?", n.ID, NotificationPending).
		Updates(map[string]any{"status": NotificationSent, "attempts": gorm.Expr("attempts + 1"), "sent_at": at.UTC(),
			"last_error": "", "payload": ""})
	if res.Error != nil {
		return false, fmt.Errorf("store: record the delivery of notification %d: %w", n.ID, res.Error)
	}
	return res.RowsAffected == 1, nil
}

// MarkNotificationRetry records a failed attempt: the row is tried again at
// next, or marked failed when next is nil.
func MarkNotificationRetry(ctx context.Context, tx *gorm.DB, n *Notification, cause error, next *time.Time) error {
	n.Attempts++
	n.LastError = truncate(cause.Error(), 1024)
	if next == nil {
		n.Status = NotificationFailed
	} else {
		n.NextAttemptAt = next.UTC()
	}
	return saveDelivery(ctx, tx, n)
}

// saveDelivery writes the delivery columns of n.
func saveDelivery(ctx context.Context, tx *gorm.DB, n *Notification) error {
	err := tx.WithContext(ctx).Model(n).
		Select("status", "attempts", "next_attempt_at", "last_error", "sent_at", "payload").Updates(n).Error
	if err != nil {
		return fmt.Errorf("store: save delivery of notification %d: %w", n.ID, err)
	}
	return nil
}

// truncate cuts s to at most n bytes on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}

// UserNotifications returns a user's in-app notifications, newest first:
// up to limit with id below beforeID (0: from the newest).
func UserNotifications(ctx context.Context, db *gorm.DB, userID uint, beforeID uint64, limit int) ([]Notification, error) {
	q := db.WithContext(ctx).Where("user_id = ? AND channel = ?", userID, NotifyInApp)
	if beforeID > 0 {
		q = q.Where("id < ?", beforeID)
	}
	var out []Notification
	if err := q.Order("id DESC").Limit(limit).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("store: user notifications: %w", err)
	}
	return out, nil
}

// MarkNotificationRead marks one of the user's in-app notifications read,
// keeping the first reading time. It returns ErrNotFound when the
// notification is not the user's.
func MarkNotificationRead(ctx context.Context, db *gorm.DB, userID uint, id uint64, at time.Time) (*Notification, error) {
	var n Notification
	err := InTx(ctx, db, func(tx *gorm.DB) error {
		res := tx.Where("id = ? AND user_id = ? AND channel = ?", id, userID, NotifyInApp).Limit(1).Find(&n)
		if res.Error != nil {
			return fmt.Errorf("store: notification %d: %w", id, res.Error)
		}
		if res.RowsAffected == 0 {
			return ErrNotFound
		}
		if n.ReadAt != nil {
			return nil
		}
		read := at.UTC()
		n.ReadAt = &read
		return tx.Model(&n).Update("read_at", read).Error
	})
	if err != nil {
		return nil, err
	}
	return &n, nil
}

// DigestLine is one unacknowledged alert of a digest, with its dossier.
type DigestLine struct {
	Kind  AlertKind
	DueAt time.Time
	Code  string
	Title string
}

// DigestLines returns up to limit of the unacknowledged alerts about open
// dossiers addressed to user (as digestSQL selects them), most urgent
// first, and how many there are in all.
func DigestLines(ctx context.Context, db *gorm.DB, user *User, limit int) ([]DigestLine, int64, error) {
	q := db.WithContext(ctx).Table("alerts a").Joins("JOIN dossiers d ON d.id = a.dossier_id").
		Where("a.board_id = ? AND a.recipient_role = ? AND a.acknowledged_at IS NULL AND d.finished_at IS NULL",
			user.BoardID, user.Role)
	if user.Role == RecipientOfficer {
		q = q.Where("a.assignee_id IS NULL OR a.assignee_id = ?", user.ID)
	}
	q = q.Session(&gorm.Session{}) // reused by the count and the page
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("store: digest count: %w", err)
	}
	var out []DigestLine
	err := q.Select("a.kind, a.due_at, d.code, d.title").Order("a.due_at, a.id").Limit(limit).Scan(&out).Error
	if err != nil {
		return nil, 0, fmt.Errorf("store: digest lines: %w", err)
	}
	return out, total, nil
}

// UnreadNotifications counts a user's unread in-app notifications.
func UnreadNotifications(ctx context.Context, db *gorm.DB, userID uint) (int64, error) {
	var n int64
	err := db.WithContext(ctx).Model(&Notification{}).
		Where("user_id = ? AND channel = ? AND read_at IS NULL", userID, NotifyInApp).Count(&n).Error
	if err != nil {
		return 0, fmt.Errorf("store: unread notifications: %w", err)
	}
	return n, nil
}
