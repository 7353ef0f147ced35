package reports

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/workflow"
)

// Tally is a number of projects and their registered capital, per currency.
type Tally struct {
	Projects int     `json:"projects"`
	Capital  Amounts `json:"capital"`
}

// add counts n projects of capital m.
func (t *Tally) add(n int, m Money) {
	t.Projects += n
	t.Capital = t.Capital.add(m)
}

// Split is a tally of foreign-invested (FDI) and domestic (DDI) projects apart.
type Split struct {
	Foreign  Tally `json:"foreign"`
	Domestic Tally `json:"domestic"`
}

// Projects is the number of projects, FDI and DDI together.
func (s Split) Projects() int { return s.Foreign.Projects + s.Domestic.Projects }

// side is the tally of foreign-invested projects, or of domestic ones.
func (s *Split) side(foreign bool) *Tally {
	if foreign {
		return &s.Foreign
	}
	return &s.Domestic
}

// Adjustments are the projects adjusted in a period. A project adjusted
// more than once counts once; it counts among the increases when one of its
// adjustments raised the registered capital (the decreases likewise), and
// the totals add every adjustment's change, per currency.
type Adjustments struct {
	Projects  int     `json:"projects"`
	Increased int     `json:"increased_projects"`
	Increase  Amounts `json:"increase"`
	Decreased int     `json:"decreased_projects"`
	Decrease  Amounts `json:"decrease"`
}

// InvestmentStats are a period's investment statistics, for one board or
// all, as of the end of the period (records after it are ignored): new
// projects, adjustments and terminations in the period, and the projects
// still valid at its end with their registered capital. Every amount is
// exact; see docs/REPORTS.md for how each figure is counted.
type InvestmentStats struct {
	Period     Period      `json:"period"`
	BoardID    *uint       `json:"board_id,omitempty"`
	New        Split       `json:"new"`        // issued in the period, with their capital at issue
	Adjusted   Adjustments `json:"adjusted"`   // adjusted in the period
	Terminated Split       `json:"terminated"` // terminated in the period, with their capital then
	Cumulative Split       `json:"cumulative"` // valid at the end of the period, with their capital then
	// Narrative is the sentence boards write about the period:
	// "cấp mới 1 dự án FDI với tổng vốn đăng ký 0,4 triệu USD; điều chỉnh 12
	// dự án, …".
	Narrative workflow.Text `json:"narrative"`
	// CumulativeNarrative is the sentence about the projects valid at the
	// end: "lũy kế 110 dự án còn hiệu lực, gồm …".
	CumulativeNarrative workflow.Text `json:"cumulative_narrative"`
}

// Investment computes the investment statistics of q.Period for one board
// or all, from the records the engine writes when an investment-certificate
// dossier is approved.
func Investment(ctx context.Context, db *gorm.DB, q Query) (*InvestmentStats, error) {
	if err := q.check(); err != nil {
		return nil, err
	}
	s := &InvestmentStats{Period: q.Period, BoardID: q.BoardID}
	if err := s.periodSums(ctx, db, q); err != nil {
		return nil, err
	}
	if err := s.adjustedProjects(ctx, db, q); err != nil {
		return nil, err
	}
	if err := s.cumulative(ctx, db, q); err != nil {
		return nil, err
	}
	s.Narrative = InvestmentNarrative(s)
	s.CumulativeNarrative = CumulativeNarrative(s.Cumulative)
	return s, nil
}

// investmentSums is one row of the period and cumulative queries.
type investmentSums struct {
	Kind          models.InvestmentKind `gorm:"column:kind"`
	Foreign       bool                  `gorm:"column:fdi"`
	Currency      models.Currency       `gorm:"column:currency"`
	Projects      int                   `gorm:"column:projects"`
	CapitalBefore int64                 `gorm:"column:capital_before"`
	CapitalAfter  int64                 `gorm:"column:capital_after"`
	Increase      int64                 `gorm:"column:increase"`
	Decrease      int64                 `gorm:"column:decrease"`
}

// periodSumsSQL sums the period's records by outcome, FDI or DDI and
// currency. There is one issue and at most one termination per project, so
// their counts are projects; adjustments are counted by adjustedSQL.
const periodSumsSQL = `SELECT r.kind AS kind, r.foreign_invested AS fdi, r.currency AS currency,
	COUNT(DISTINCT r.project_id) AS projects,
	CAST(COALESCE(SUM(r.capital_before), 0) AS BIGINT) AS capital_before,
	CAST(COALESCE(SUM(r.capital_after), 0) AS BIGINT) AS capital_after,
	CAST(COALESCE(SUM(CASE WHEN r.capital_after > r.capital_before THEN r.capital_after - r.capital_before ELSE 0 END), 0) AS BIGINT) AS increase,
	CAST(COALESCE(SUM(CASE WHEN r.capital_after < r.capital_before THEN r.capital_before - r.capital_after ELSE 0 END), 0) AS BIGINT) AS decrease
FROM investment_records r
WHERE r.at >= @start AND r.at < @end%s
GROUP BY r.kind, r.foreign_invested, r.currency`

// periodSums fills in new and terminated projects and the adjustments' totals.
func (s *InvestmentStats) periodSums(ctx context.Context, db *gorm.DB, q Query) error {
	var rows []investmentSums
	if err := db.WithContext(ctx).Raw(withBoard(periodSumsSQL, q), investmentArgs(q)).Scan(&rows).Error; err != nil {
		return fmt.Errorf("reports: investment records of %s: %w", q.Period, err)
	}
	for _, r := range rows {
		switch r.Kind {
		case models.InvestmentIssue:
			s.New.side(r.Foreign).add(r.Projects, Money{r.Currency, r.CapitalAfter})
		case models.InvestmentTerminate:
			s.Terminated.side(r.Foreign).add(r.Projects, Money{r.Currency, r.CapitalBefore})
		case models.InvestmentAdjust:
			s.Adjusted.Increase = s.Adjusted.Increase.add(Money{r.Currency, r.Increase})
			s.Adjusted.Decrease = s.Adjusted.Decrease.add(Money{r.Currency, r.Decrease})
		}
	}
	return nil
}

// adjustedSQL counts the projects adjusted in the period, once each, and
// those of them whose capital an adjustment raised or lowered.
const adjustedSQL = `SELECT COUNT(DISTINCT r.project_id) AS projects,
	COUNT(DISTINCT CASE WHEN r.capital_after > r.capital_before THEN r.project_id END) AS increased,
	COUNT(DISTINCT CASE WHEN r.capital_after < r.capital_before THEN r.project_id END) AS decreased
FROM investment_records r
WHERE r.kind = 'adjust' AND r.at >= @start AND r.at < @end%s`

// adjustedProjects fills in the numbers of adjusted projects.
func (s *InvestmentStats) adjustedProjects(ctx context.Context, db *gorm.DB, q Query) error {
	var c struct {
		Projects, Increased, Decreased int
	}
	if err := db.WithContext(ctx).Raw(withBoard(adjustedSQL, q), investmentArgs(q)).Scan(&c).Error; err != nil {
		return fmt.Errorf("reports: adjusted projects of %s: %w", q.Period, err)
	}
	s.Adjusted.Projects, s.Adjusted.Increased, s.Adjusted.Decreased = c.Projects, c.Increased, c.Decreased
	return nil
}

// cumulativeSQL takes each project's latest record before the end of the
// period (by instant, then id): the project is valid at the end unless that
// record terminated it, with the capital and FDI status that record left.
const cumulativeSQL = `SELECT l.fdi AS fdi, l.currency AS currency, COUNT(*) AS projects,
	CAST(COALESCE(SUM(l.capital), 0) AS BIGINT) AS capital_after
FROM (SELECT r.kind AS kind, r.foreign_invested AS fdi, r.currency AS currency, r.capital_after AS capital,
		ROW_NUMBER() OVER (PARTITION BY r.project_id ORDER BY r.at DESC, r.id DESC) AS rn
	FROM investment_records r
	WHERE r.at < @end%s) l
WHERE l.rn = 1 AND l.kind <> 'terminate'
GROUP BY l.fdi, l.currency`

// cumulative fills in the projects valid at the end of the period.
func (s *InvestmentStats) cumulative(ctx context.Context, db *gorm.DB, q Query) error {
	var rows []investmentSums
	if err := db.WithContext(ctx).Raw(withBoard(cumulativeSQL, q), investmentArgs(q)).Scan(&rows).Error; err != nil {
		return fmt.Errorf("reports: valid projects at the end of %s: %w", q.Period, err)
	}
	for _, r := range rows {
		s.Cumulative.side(r.Foreign).add(r.Projects, Money{r.Currency, r.CapitalAfter})
	}
	return nil
}

// withBoard restricts a query on investment_records r to the query's board, if any.
func withBoard(sql string, q Query) string {
	if q.BoardID == nil {
		return fmt.Sprintf(sql, "")
	}
	return fmt.Sprintf(sql, " AND r.board_id = @board")
}

// investmentArgs are the named parameters of the investment queries: the
// period's bounds in Asia/Ho_Chi_Minh, the zone of the stored instants
// (SQLite compares them as text), and the board.
func investmentArgs(q Query) map[string]any {
	args := map[string]any{"start": q.Period.Start(), "end": q.Period.End()}
	if q.BoardID != nil {
		args["board"] = *q.BoardID
	}
	return args
}
