package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// IdempotencyKey remembers which dossier a user's submission with a given
// Idempotency-Key created, and a hash of the request that created it.
type IdempotencyKey struct {
	ID          uint64 `gorm:"primaryKey"`
	UserID      uint   `gorm:"not null"`
	Key         string `gorm:"size:255;not null"`
	RequestHash string `gorm:"size:64;not null"`
	DossierID   uint64 `gorm:"not null"`
	CreatedAt   time.Time
}

// FindIdempotencyKey returns the user's key row, or ErrNotFound.
func FindIdempotencyKey(ctx context.Context, tx *gorm.DB, userID uint, key string) (*IdempotencyKey, error) {
	var k IdempotencyKey
	if err := tx.WithContext(ctx).Where("user_id = ? AND key = ?", userID, key).First(&k).Error; err != nil {
		return nil, notFound(err, "idempotency key")
	}
	return &k, nil
}

// InsertIdempotencyKey records a key; a concurrent duplicate fails on the
// unique index, rolling its transaction back.
func InsertIdempotencyKey(ctx context.Context, tx *gorm.DB, k *IdempotencyKey) error {
	if err := tx.WithContext(ctx).Create(k).Error; err != nil {
		return fmt.Errorf("store: insert idempotency key: %w", err)
	}
	return nil
}

// GetZone loads one zone by id.
func GetZone(ctx context.Context, tx *gorm.DB, id uint) (*Zone, error) {
	var z Zone
	if err := tx.WithContext(ctx).First(&z, id).Error; err != nil {
		return nil, notFound(err, fmt.Sprintf("zone %d", id))
	}
	return &z, nil
}

// GetUser loads one user by id.
func GetUser(ctx context.Context, tx *gorm.DB, id uint) (*User, error) {
	var u User
	if err := tx.WithContext(ctx).First(&u, id).Error; err != nil {
		return nil, notFound(err, fmt.Sprintf("user %d", id))
	}
	return &u, nil
}
