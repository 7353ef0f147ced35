package models

import (
	"context"
	"fmt"
	"slices"

	"gorm.io/gorm"
)

// GetBoardByCode loads one board by its code (e.g. "HBI"); ErrNotFound
// when no board has it.
func GetBoardByCode(ctx context.Context, tx *gorm.DB, code string) (*Board, error) {
	var b Board
	if err := tx.WithContext(ctx).Where("code = ?", code).First(&b).Error; err != nil {
		return nil, notFound(err, "board "+code)
	}
	return &b, nil
}

// BoardsByID loads the boards with the given ids, keyed by id.
func BoardsByID(ctx context.Context, tx *gorm.DB, ids []uint) (map[uint]Board, error) {
	return byID[Board](ctx, tx, ids, func(b Board) uint { return b.ID }, "boards")
}

// ZonesByID loads the zones with the given ids, keyed by id.
func ZonesByID(ctx context.Context, tx *gorm.DB, ids []uint) (map[uint]Zone, error) {
	return byID[Zone](ctx, tx, ids, func(z Zone) uint { return z.ID }, "zones")
}

// UsersByID loads the users with the given ids, keyed by id.
func UsersByID(ctx context.Context, tx *gorm.DB, ids []uint) (map[uint]User, error) {
	return byID[User](ctx, tx, ids, func(u User) uint { return u.ID }, "users")
}

// byID loads the rows of T with the given ids (duplicates allowed) in one
// query, keyed by id.
func byID[T any](ctx context.Context, tx *gorm.DB, ids []uint, key func(T) uint, what string) (map[uint]T, error) {
	out := make(map[uint]T, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	uniq := slices.Compact(slices.Sorted(slices.Values(ids)))
	var rows []T
	if err := tx.WithContext(ctx).Where("id IN ?", uniq).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: %s by id: %w", what, err)
	}
	for _, r := range rows {
		out[key(r)] = r
	}
	return out, nil
}
