package models

import (
	"context"

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
