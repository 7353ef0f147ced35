package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// touchInterval is how stale last_used_at may get before TouchToken writes
// it again: one write per token per interval, not one per request.
const touchInterval = time.Minute

// APIToken is a bearer token issued at login. Only the SHA-256 (hex) of the
// token is stored; the token itself is shown once, to the client.
type APIToken struct {
	ID         uint64    `gorm:"primaryKey"`
	UserID     uint      `gorm:"index;not null"`
	TokenHash  string    `gorm:"type:char(64);uniqueIndex;not null"`
	CreatedAt  time.Time `gorm:"not null"`
	ExpiresAt  time.Time `gorm:"not null"`
	RevokedAt  *time.Time
	LastUsedAt *time.Time
}

// LoginFailure is one failed sign-in, counted per account and per address
// to slow down and then refuse password guessing. Rows live in the database
// so that every replica sees the same counts.
type LoginFailure struct {
	ID       uint64    `gorm:"primaryKey"`
	Username string    `gorm:"size:128;not null"`
	IP       string    `gorm:"size:64;not null"`
	At       time.Time `gorm:"not null"`
}

// FailureCounts are the recent login failures of one account and of one
// client address.
type FailureCounts struct {
	Account int64
	Address int64
}

// Max is the larger of the two counts: the one throttling follows.
func (f FailureCounts) Max() int64 { return max(f.Account, f.Address) }

// GetUserByUsername loads one user by username.
func GetUserByUsername(ctx context.Context, tx *gorm.DB, username string) (*User, error) {
	var u User
	if err := tx.WithContext(ctx).Where("username = ?", username).First(&u).Error; err != nil {
		return nil, notFound(err, "user "+username)
	}
	return &u, nil
}

// CreateToken stores the hash of a new token for userID, valid from now
// until expires.
func CreateToken(ctx context.Context, tx *gorm.DB, userID uint, hash string, now, expires time.Time) (*APIToken, error) {
	t := &APIToken{UserID: userID, TokenHash: hash, CreatedAt: now.UTC(), ExpiresAt: expires.UTC()}
	if err := tx.WithContext(ctx).Create(t).Error; err != nil {
		return nil, fmt.Errorf("store: create token: %w", err)
	}
	return t, nil
}

// FindActiveToken returns the active user and the token whose hash is hash,
// when the token is neither revoked nor expired at now. Anything else is
// ErrNotFound, including a token whose user has been deactivated. It is one
// query, the token joined to its user: it runs on every request.
func FindActiveToken(ctx context.Context, tx *gorm.DB, hash string, now time.Time) (*User, *APIToken, error) {
	var u User
	var t APIToken
	err := tx.WithContext(ctx).Raw(activeTokenSQL, hash, now.UTC()).Row().Scan(&t.ID, &t.UserID, &t.TokenHash,
		&t.CreatedAt, &t.ExpiresAt, &t.RevokedAt, &t.LastUsedAt, &u.ID, &u.BoardID, &u.Username, &u.FullName, &u.Role,
		&u.Department, &u.Email, &u.PasswordHash, &u.Active, &u.CreatedAt, &u.EmailVerifiedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, fmt.Errorf("store: token: %w", ErrNotFound)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("store: token: %w", err)
	}
	return &u, &t, nil
}

// activeTokenSQL is FindActiveToken's query.
const activeTokenSQL = `SELECT t.id, t.user_id, t.token_hash, t.created_at, t.expires_at, t.revoked_at, t.last_used_at,
	u.id, u.board_id, u.username, u.full_name, u.role, u.department, u.email, u.password_hash, u.active, u.created_at,
	u.email_verified_at
FROM api_tokens t JOIN users u ON u.id = t.user_id
WHERE t.token_hash = ? AND t.revoked_at IS NULL AND t.expires_at > ? AND u.active`

// TouchDue reports whether TouchToken would record a use of t at now:
// whether its last recorded use is older than touchInterval, or none.
// Checking it first spares a request the UPDATE's round trip.
func (t *APIToken) TouchDue(now time.Time) bool {
	return t.LastUsedAt == nil || t.LastUsedAt.Before(now.Add(-touchInterval))
}

// TouchToken records that the token was used at now, writing at most once
// per touchInterval.
func TouchToken(ctx context.Context, tx *gorm.DB, id uint64, now time.Time) error {
	now = now.UTC()
	err := oneStatement(tx).WithContext(ctx).Model(&APIToken{}).
		Where("id = ? AND (last_used_at IS NULL OR last_used_at < ?)", id, now.Add(-touchInterval)).
		Update("last_used_at", now).Error
	if err != nil {
		return fmt.Errorf("store: touch token: %w", err)
	}
	return nil
}

// RevokeToken revokes the token id at now. Revoking a revoked token keeps
// its first revocation time.
func RevokeToken(ctx context.Context, tx *gorm.DB, id uint64, now time.Time) error {
	err := tx.WithContext(ctx).Model(&APIToken{}).Where("id = ? AND revoked_at IS NULL", id).
		Update("revoked_at", now.UTC()).Error
	if err != nil {
		return fmt.Errorf("store: revoke token: %w", err)
	}
	return nil
}

// RecordLoginFailure records a failed sign-in for username from ip at now.
func RecordLoginFailure(ctx context.Context, tx *gorm.DB, username, ip string, now time.Time) error {
	f := &LoginFailure{Username: username, IP: ip, At: now.UTC()}
	if err := tx.WithContext(ctx).Create(f).Error; err != nil {
		return fmt.Errorf("store: record login failure: %w", err)
	}
	return nil
}

// CountLoginFailures counts the failures since since, for the account
// username (from any address) and for the address ip (on any account).
func CountLoginFailures(ctx context.Context, tx *gorm.DB, username, ip string, since time.Time) (FailureCounts, error) {
	var c FailureCounts
	q := tx.WithContext(ctx).Model(&LoginFailure{})
	if err := q.Where("username = ? AND at >= ?", username, since.UTC()).Count(&c.Account).Error; err != nil {
		return c, fmt.Errorf("store: count login failures: %w", err)
	}
	q = tx.WithContext(ctx).Model(&LoginFailure{})
	if err := q.Where("ip = ? AND at >= ?", ip, since.UTC()).Count(&c.Address).Error; err != nil {
		return c, fmt.Errorf("store: count login failures: %w", err)
	}
	return c, nil
}

// ClearLoginFailures forgets the account's failures after a successful sign-in.
func ClearLoginFailures(ctx context.Context, tx *gorm.DB, username string) error {
	if err := tx.WithContext(ctx).Where("username = ?", username).Delete(&LoginFailure{}).Error; err != nil {
		return fmt.Errorf("store: clear login failures: %w", err)
	}
	return nil
}

// PruneLoginFailures deletes failures older than before; a sweep may call
// it so that the table stays small.
func PruneLoginFailures(ctx context.Context, tx *gorm.DB, before time.Time) error {
	if err := tx.WithContext(ctx).Where("at < ?", before.UTC()).Delete(&LoginFailure{}).Error; err != nil {
		return fmt.Errorf("store: prune login failures: %w", err)
	}
	return nil
}

// CountAndClearLoginFailures forgets an account's failures and says how
// many there were: an operator lifting a lock.
func CountAndClearLoginFailures(ctx context.Context, tx *gorm.DB, username string) (int64, error) {
	res := tx.WithContext(ctx).Where("username = ?", username).Delete(&LoginFailure{})
	if res.Error != nil {
		return 0, fmt.Errorf("store: clear login failures: %w", res.Error)
	}
	return res.RowsAffected, nil
}
