package reports

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/models"
)

// ResolvedCell is how many dossiers of one procedure a board resolved in
// one month with one outcome: the resolved columns of Biểu 06 (early, on
// time, late) for that month, read from the same counters.
type ResolvedCell struct {
	Procedure string
	Month     string // YYYY-MM, Asia/Ho_Chi_Minh
	Outcome   deadlines.Outcome
	N         int
}

// resolvedSQL sums a board's resolved counters over whole local days,
// by procedure, month and outcome, in one statement: what Biểu 06 would
// give, month by month, for its resolved columns, without computing the
// rest of each month's report. Days are YYYY-MM-DD text on both
// databases, so the month is its first 7 characters.
const resolvedSQL = `SELECT procedure AS procedure, substr(day, 1, 7) AS month, outcome AS outcome, SUM(n) AS n
FROM report_counts
WHERE kind = ? AND board_id = ? AND day >= ? AND day <= ?
GROUP BY procedure, substr(day, 1, 7), outcome
ORDER BY 2, 1, 3`

// Resolved returns the resolved dossiers of board by procedure, month and
// outcome, from the day of from to the day of to (local days). An outcome
// other than early or on time counts as late, as in Biểu 06.
func Resolved(ctx context.Context, db *gorm.DB, board uint, from, to time.Time) ([]ResolvedCell, error) {
	var cells []ResolvedCell
	err := db.WithContext(ctx).Raw(resolvedSQL, models.TallyResolved, board,
		deadlines.DateOf(from).Format(time.DateOnly), deadlines.DateOf(to).Format(time.DateOnly)).Scan(&cells).Error
	if err != nil {
		return nil, fmt.Errorf("reports: resolved by month: %w", err)
	}
	for i := range cells {
		if o := cells[i].Outcome; o != deadlines.Early && o != deadlines.OnTime {
			cells[i].Outcome = deadlines.Late
		}
	}
	return cells, nil
}
