package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// RevokeSignIns ends, at now, every live sign-in of user id (of every
// account when userID is nil): their tokens are revoked, and their unused
// password-reset links expire. It returns the number of sign-ins ended.
func RevokeSignIns(ctx context.Context, tx *gorm.DB, userID *uint, now time.Time) (int64, error) {
	now = now.UTC()
	tokens := tx.WithContext(ctx).Model(&APIToken{}).Where("revoked_at IS NULL AND expires_at > ?", now)
	links := tx.WithContext(ctx).Model(&UserToken{}).
		Where("purpose = ? AND used_at IS NULL AND expires_at > ?", string(TokenResetPassword), now)
	if userID != nil {
		tokens, links = tokens.Where("user_id = ?", *userID), links.Where("user_id = ?", *userID)
	}
	res := tokens.Update("revoked_at", now)
	if res.Error != nil {
		return 0, fmt.Errorf("store: revoke sign-ins: %w", res.Error)
	}
	if err := links.Update("expires_at", now).Error; err != nil {
		return 0, fmt.Errorf("store: expire reset links: %w", err)
	}
	return res.RowsAffected, nil
}
