package reports

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/errs"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/workflow"
)

// Query selects what a report counts: a period and optionally one board
// (nil: every board of the deployment).
//
// Now is when the report is made. A period that has not ended yet is
// reported as of Now's day: a dossier in progress is overdue when its
// appointment date is before that day, not before the period's last day,
// which has not come. Zero means as of the period's end.
type Query struct {
	Period  Period
	BoardID *uint
	Now     time.Time
}

// AsOf is the day whose end the dossiers in progress are classified at:
// the period's last day, or Now's day if earlier.
func (q Query) AsOf() time.Time {
	if q.Now.IsZero() {
		return q.Period.LastDay()
	}
	today := deadlines.DateOf(q.Now)
	if today.Before(q.Period.LastDay()) {
		return today
	}
	return q.Period.LastDay()
}

// check refuses a query without a valid period (a zero Period, or one
// ending before it starts), which ParsePeriod never returns.
func (q Query) check() error {
	if q.Period.From.IsZero() || q.Period.To.IsZero() || q.Period.To.Before(q.Period.From.Time) {
		return periodError(q.Period.Label.VI, "thiếu hoặc sai kỳ báo cáo", "missing or invalid period")
	}
	return nil
}

// countersSQL sums the report counters (models.ReportCount, kept by the
// engine in each event's transaction) up to the period's last day: inside
// the period and before it. Every counter of a day is final once the day
// is past, so the sums are those of the period's end whatever happened
// since (docs/REPORTS.md, "As of the period's end"):
//
//   - received in the period, by channel: received counters inside;
//   - carried over: received before the period less resolved before it;
//   - resolved (finished_at, the first of decided, refused, stopped,
//     withdrawn) in the period, by outcome, end state and Decision 766's
//     "more than one supplementation request": resolved counters inside;
//   - in progress at the end: received less resolved, in all;
//   - overdue at the end: the overdue changes up to the as-of day (the
//     last day, or today for a period not yet ended: Query.AsOf), which sum
//     to the dossiers in progress whose appointment in force then falls
//     before that day; with the multi mark, those of them asked to
//     supplement more than once;
//   - asked to supplement more than once and in progress at the end: the
//     open_multi changes up to the as-of day.
//
// Days are YYYY-MM-DD text, so the bounds compare the same way on both
// databases.
const countersSQL = `SELECT board_id AS board_id, procedure AS proc, kind AS kind, channel AS channel,
	outcome AS outcome, end_state AS end_state, multi AS multi,
	SUM(CASE WHEN day >= @start_day THEN n ELSE 0 END) AS inside,
	SUM(CASE WHEN day < @start_day THEN n ELSE 0 END) AS before,
	SUM(CASE WHEN day <= @as_of_day THEN n ELSE 0 END) AS until_as_of
FROM report_counts
WHERE day <= @last_day%s
GROUP BY 1, 2, 3, 4, 5, 6, 7`

// counterRow is one row of countersSQL.
type counterRow struct {
	BoardID   uint   `gorm:"column:board_id"`
	Proc      string `gorm:"column:proc"`
	Kind      string `gorm:"column:kind"`
	Channel   string `gorm:"column:channel"`
	Outcome   string `gorm:"column:outcome"`
	EndState  string `gorm:"column:end_state"`
	Multi     bool   `gorm:"column:multi"`
	Inside    int    `gorm:"column:inside"`
	Before    int    `gorm:"column:before"`
	UntilAsOf int    `gorm:"column:until_as_of"`
}

// boardFilter restricts countersSQL to the query's board, if any.
func boardFilter(q Query) string {
	if q.BoardID == nil {
		return ""
	}
	return " AND board_id = @board"
}

// boundArgs are the named parameters of countersSQL and resolutionSQL:
// the period's bounds in Asia/Ho_Chi_Minh (the zone of stored instants)
// and its first and last days.
func boundArgs(q Query) map[string]any {
	args := map[string]any{"start": q.Period.Start(), "end": q.Period.End(),
		"start_day": q.Period.Start().Format("2006-01-02"), "last_day": q.Period.LastDay().Format("2006-01-02"),
		"as_of_day": q.AsOf().Format("2006-01-02")}
	if q.BoardID != nil {
		args["board"] = *q.BoardID
	}
	return args
}

// boardProc keys a procedure of a board.
type boardProc struct {
	board uint
	proc  string
}

// aggregate counts q's handled dossiers per board and procedure from the
// report counters, through tx (see snapshot). It fails if the counters are
// inconsistent (more resolved or overdue than received), which only
// counters changed behind the engine's back can cause: `motcua recount`
// rebuilds them.
func aggregate(tx *gorm.DB, cat *workflow.Catalogue, q Query) (map[boardProc]*counts, error) {
	var ctrs []counterRow
	if err := tx.Raw(fmt.Sprintf(countersSQL, boardFilter(q)), boundArgs(q)).Scan(&ctrs).Error; err != nil {
		return nil, fmt.Errorf("reports: sum the report counters for %s: %w", q.Period, err)
	}
	refused, withdrawn := endStatesOf(cat, workflow.EventRefuse), endStatesOf(cat, workflow.EventWithdraw)
	out := map[boardProc]*counts{}
	for _, r := range ctrs {
		k := boardProc{r.BoardID, r.Proc}
		if out[k] == nil {
			out[k] = &counts{}
		}
		out[k].addCounter(r, refused.has(r.Proc, r.EndState), withdrawn.has(r.Proc, r.EndState))
	}
	for k, c := range out {
		if c.close(); c.Handled == 0 {
			delete(out, k) // every dossier counted ended before the period
		} else if !c.consistent() {
			return nil, fmt.Errorf("reports: the report counters of board %d, %s are inconsistent for %s "+
				"(received %d, carried over %d, resolved %d, overdue %d): %w",
				k.board, k.proc, q.Period, c.ReceivedTotal, c.CarriedOver, c.ResolvedTotal, c.InProgressOverdue, countersDisagree(k, q.Period))
		}
	}
	return out, nil
}

// countersDisagree is the error a report over inconsistent counters
// answers: the client is told what is wrong and that `motcua recount`
// repairs it, not an internal error.
func countersDisagree(k boardProc, p Period) *errs.Error {
	e := errs.Integrity("report_counters_inconsistent",
		fmt.Sprintf("số liệu tổng hợp của báo cáo không khớp với hồ sơ (thủ tục %s, kỳ: %s): "+
			"quản trị hệ thống cần chạy `motcua recount` để tính lại, rồi mở lại báo cáo", k.proc, p.Label.VI),
		fmt.Sprintf("the report's counters disagree with the dossiers (procedure %s, period: %s): "+
			"an operator must run `motcua recount` to rebuild them, then open the report again", k.proc, p.Label.EN))
	return e.With("board_id", k.board).With("procedure", k.proc).With("period", p.Label.VI)
}

// endStates are the states an event leads to, per procedure, in any of
// its versions; any holds those of every procedure, for a procedure the
// catalogue no longer has.
type endStates struct {
	byProc map[string]map[string]bool
	any    map[string]bool
}

// endStatesOf reads from the catalogue where ev leads in each procedure:
// for refuse, the state a refused dossier ends in (refused in the shipped
// catalogue; returning the result later moves the dossier on, but its
// end_state stays).
func endStatesOf(cat *workflow.Catalogue, ev workflow.Event) endStates {
	out := endStates{byProc: map[string]map[string]bool{}, any: map[string]bool{}}
	for code, p := range cat.Procedures {
		states := map[string]bool{}
		add := func(evs []workflow.EventDef) {
			for _, def := range evs {
				if def.Code == ev && def.To != "" {
					states[string(def.To)], out.any[string(def.To)] = true, true
				}
			}
		}
		add(p.Events)
		for _, v := range p.Versions {
			add(v.Events)
		}
		out.byProc[code] = states
	}
	return out
}

// has reports whether a dossier of proc ending in state ended by the event.
func (e endStates) has(proc, state string) bool {
	if states, ok := e.byProc[proc]; ok {
		return states[state]
	}
	return e.any[state]
}

// PostgresSettings are run, in this order, at the start of the read-only
// transaction in which a report's statements run on PostgreSQL:
//   - no JIT compilation: PostgreSQL's cost estimate of the statements that
//     read every dossier resolved in a period (Decision 766's resolution
//     times) asks for it, and compiling takes longer than the statement;
//   - each statement is planned for the period's actual bounds, never as a
//     generic plan of a prepared statement (gorm prepares every statement);
//   - no sorts, no cost for the rows parallel workers pass on and room for
//     the hash tables: the resolution times are grouped by hashing in
//     parallel workers (Parallel Seq Scan, Partial HashAggregate, Gather,
//     Finalize HashAggregate), 10% faster than sorting a million rows.
var PostgresSettings = []string{
	"SET LOCAL jit = off",
	"SET LOCAL plan_cache_mode = force_custom_plan",
	"SET LOCAL enable_sort = off",
	"SET LOCAL enable_incremental_sort = off",
	"SET LOCAL parallel_tuple_cost = 0",
	"SET LOCAL work_mem = '64MB'",
}

// snapshot runs fn's statements as of one snapshot. On PostgreSQL that is
// a read-only REPEATABLE READ transaction with PostgresSettings; when db is
// already a transaction, gorm opens a savepoint instead, and the settings
// last until that transaction ends. On SQLite fn runs on db as is: its
// transactions take the write lock.
func snapshot(ctx context.Context, db *gorm.DB, fn func(tx *gorm.DB) error) error {
	db = db.WithContext(ctx)
	if db.Dialector.Name() != "postgres" {
		return fn(db)
	}
	return db.Transaction(func(tx *gorm.DB) error {
		for _, s := range PostgresSettings {
			if err := tx.Exec(s).Error; err != nil {
				return fmt.Errorf("reports: %s: %w", s, err)
			}
		}
		return fn(tx)
	}, &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead})
}

// localDateSQL is the expression giving an instant column's local date:
// a date on PostgreSQL, YYYY-MM-DD text on SQLite, which stores the text
// in Asia/Ho_Chi_Minh already.
func localDateSQL(db *gorm.DB, col string) string {
	if db.Dialector.Name() == "postgres" {
		return "CAST(" + col + " AT TIME ZONE '" + deadlines.Location.String() + "' AS date)"
	}
	return "substr(" + col + ", 1, 10)"
}

// dateTextSQL writes a localDateSQL value as YYYY-MM-DD.
func dateTextSQL(db *gorm.DB, col string) string {
	if db.Dialector.Name() == "postgres" {
		return "to_char(" + col + ", 'YYYY-MM-DD')"
	}
	return col
}

// listBoards lists the boards in scope, through tx.
func listBoards(ctx context.Context, tx *gorm.DB, only *uint) ([]models.Board, error) {
	boards, err := models.ListBoardsScoped(ctx, tx, only)
	if err != nil {
		return nil, fmt.Errorf("reports: %w", err)
	}
	return boards, nil
}
