package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// lockChunk bounds the number of accounts one query names.
const lockChunk = 500

// CountLoginFailuresByAccount counts the sign-in failures since since of
// each of the accounts named (their failure keys), in one query per
// lockChunk accounts: the administrator's list shows which are locked.
// An account without failures is absent from the map.
func CountLoginFailuresByAccount(ctx context.Context, tx *gorm.DB, usernames []string, since time.Time) (map[string]int64, error) {
	out := make(map[string]int64)
	for start := 0; start < len(usernames); start += lockChunk {
		chunk := usernames[start:min(start+lockChunk, len(usernames))]
		var rows []struct {
			Username string
			N        int64
		}
		err := tx.WithContext(ctx).Model(&LoginFailure{}).Select("username, COUNT(*) AS n").
			Where("username IN ? AND at >= ?", chunk, since.UTC()).Group("username").Scan(&rows).Error
		if err != nil {
			return nil, fmt.Errorf("store: count login failures by account: %w", err)
		}
		for _, r := range rows {
			out[r.Username] = r.N
		}
	}
	return out, nil
}
