package models

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"
)

// TokenPurpose is what a one-time account token is for.
type TokenPurpose string

// The purposes of a one-time account token.
const (
	TokenVerifyEmail   TokenPurpose = "verify_email"
	TokenResetPassword TokenPurpose = "reset_password"
)

// UserToken is a one-time token sent to an account's email: to verify the
// address, or to reset the password. Only its SHA-256 (hex) is stored.
type UserToken struct {
	ID        uint64       `gorm:"primaryKey"`
	UserID    uint         `gorm:"not null"`
	Purpose   TokenPurpose `gorm:"size:16;not null"`
	TokenHash string       `gorm:"type:char(64);not null"`
	CreatedAt time.Time    `gorm:"not null"`
	ExpiresAt time.Time    `gorm:"not null"`
	UsedAt    *time.Time
}

// CreateUserToken stores the hash of a new one-time token for userID.
func CreateUserToken(ctx context.Context, tx *gorm.DB, userID uint, purpose TokenPurpose, hash string,
	now, expires time.Time) (*UserToken, error) {
	t := &UserToken{UserID: userID, Purpose: purpose, TokenHash: hash, CreatedAt: now.UTC(), ExpiresAt: expires.UTC()}
	if err := tx.WithContext(ctx).Create(t).Error; err != nil {
		return nil, fmt.Errorf("store: create user token: %w", err)
	}
	return t, nil
}

// ConsumeUserToken marks the unused, unexpired token of purpose whose hash
// is hash as used at now, in one statement (so that it is used once), and
// returns its user's id; ErrNotFound otherwise.
func ConsumeUserToken(ctx context.Context, tx *gorm.DB, purpose TokenPurpose, hash string, now time.Time) (uint, error) {
	var ids []uint
	err := tx.WithContext(ctx).Raw(`UPDATE user_tokens SET used_at = ? WHERE token_hash = ? AND purpose = ?
		AND used_at IS NULL AND expires_at > ? RETURNING user_id`, now.UTC(), hash, string(purpose), now.UTC()).Scan(&ids).Error
	if err != nil {
		return 0, fmt.Errorf("store: consume user token: %w", err)
	}
	if len(ids) == 0 {
		return 0, fmt.Errorf("user token: %w", ErrNotFound)
	}
	return ids[0], nil
}

// CountUserTokens counts the tokens of purpose made for userID since since.
func CountUserTokens(ctx context.Context, tx *gorm.DB, userID uint, purpose TokenPurpose, since time.Time) (int64, error) {
	var n int64
	err := tx.WithContext(ctx).Model(&UserToken{}).Where("user_id = ? AND purpose = ? AND created_at >= ?",
		userID, string(purpose), since.UTC()).Count(&n).Error
	if err != nil {
		return 0, fmt.Errorf("store: count user tokens: %w", err)
	}
	return n, nil
}

// EnqueueAccountEmail writes, through tx, the email of an account's own
// one-time link (kind NotifyVerifyEmail or NotifyPasswordReset) to u's
// address, carrying the token as its payload until it is sent.
func EnqueueAccountEmail(ctx context.Context, tx *gorm.DB, u *User, kind NotificationKind, tokenID uint64,
	token string, now time.Time) error {
	n := Notification{Kind: kind, Channel: NotifyEmail, Source: "token:" + strconv.FormatUint(tokenID, 10),
		Recipient: mailRecipient(u.Email), UserID: &u.ID, Email: u.Email, Status: NotificationPending,
		NextAttemptAt: now.UTC(), CreatedAt: now.UTC(), Payload: token}
	_, err := insertNotifications(ctx, tx, []Notification{n})
	return err
}

// FindUserForReset finds the active account a password reset names: by
// username, else by email when exactly one account has it.
func FindUserForReset(ctx context.Context, tx *gorm.DB, login string) (*User, error) {
	var us []User
	err := tx.WithContext(ctx).Where("active AND (username = ? OR email = ?)", login, login).Order("id").Limit(3).Find(&us).Error
	if err != nil {
		return nil, fmt.Errorf("store: find user: %w", err)
	}
	for i := range us {
		if us[i].Username == login {
			return &us[i], nil
		}
	}
	if len(us) != 1 || us[0].Email == "" {
		return nil, fmt.Errorf("user %s: %w", login, ErrNotFound)
	}
	return &us[0], nil
}

// VerifyEmail records that user id proved their address at now.
func VerifyEmail(ctx context.Context, tx *gorm.DB, id uint, now time.Time) error {
	err := tx.WithContext(ctx).Model(&User{}).Where("id = ? AND email_verified_at IS NULL", id).
		Update("email_verified_at", now.UTC()).Error
	if err != nil {
		return fmt.Errorf("store: verify email of user %d: %w", id, err)
	}
	return nil
}

// SetPassword stores a new password hash for user id; the caller decides
// which sign-ins end.
func SetPassword(ctx context.Context, tx *gorm.DB, id uint, hash string) error {
	if err := tx.WithContext(ctx).Model(&User{}).Where("id = ?", id).Update("password_hash", hash).Error; err != nil {
		return fmt.Errorf("store: set password of user %d: %w", id, err)
	}
	return nil
}

// RevokeOtherTokens revokes every live token of user id but keep.
func RevokeOtherTokens(ctx context.Context, tx *gorm.DB, userID uint, keep uint64, now time.Time) error {
	err := tx.WithContext(ctx).Model(&APIToken{}).Where("user_id = ? AND id <> ? AND revoked_at IS NULL", userID, keep).
		Update("revoked_at", now.UTC()).Error
	if err != nil {
		return fmt.Errorf("store: revoke tokens of user %d: %w", userID, err)
	}
	return nil
}

// TrackingFailure is one wrong PIN given for a dossier code, counted per
// code and per client address to throttle guessing.
type TrackingFailure struct {
	ID   uint64    `gorm:"primaryKey"`
	Code string    `gorm:"size:64;not null"`
	IP   string    `gorm:"size:64;not null"`
	At   time.Time `gorm:"not null"`
}

// RecordTrackingAttempt records a tracking attempt for code from ip at now
// (as a failure until it succeeds) and counts the attempts since since,
// for the code and for the address, this one included.
func RecordTrackingAttempt(ctx context.Context, tx *gorm.DB, code, ip string, now, since time.Time) (FailureCounts, error) {
	var c FailureCounts
	if err := tx.WithContext(ctx).Create(&TrackingFailure{Code: code, IP: ip, At: now.UTC()}).Error; err != nil {
		return c, fmt.Errorf("store: record tracking attempt: %w", err)
	}
	q := tx.WithContext(ctx).Model(&TrackingFailure{})
	if err := q.Where("code = ? AND at >= ?", code, since.UTC()).Count(&c.Account).Error; err != nil {
		return c, fmt.Errorf("store: count tracking attempts: %w", err)
	}
	q = tx.WithContext(ctx).Model(&TrackingFailure{})
	if err := q.Where("ip = ? AND at >= ?", ip, since.UTC()).Count(&c.Address).Error; err != nil {
		return c, fmt.Errorf("store: count tracking attempts: %w", err)
	}
	return c, nil
}

// ClearTrackingFailures forgets a code's failures once its PIN was given.
func ClearTrackingFailures(ctx context.Context, tx *gorm.DB, code string) error {
	if err := tx.WithContext(ctx).Where("code = ?", code).Delete(&TrackingFailure{}).Error; err != nil {
		return fmt.Errorf("store: clear tracking failures: %w", err)
	}
	return nil
}
