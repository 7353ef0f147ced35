package reports

import (
	"context"
	"database/sql"
	"fmt"

	"gorm.io/gorm"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/workflow"
)

// Query selects what a report counts: a period and optionally one board
// (nil: every board of the deployment).
type Query struct {
	Period  Period
	BoardID *uint
}

// check refuses a query without a valid period (a zero Period, or one
// ending before it starts), which ParsePeriod never returns.
func (q Query) check() error {
	if q.Period.From.IsZero() || q.Period.To.IsZero() || q.Period.To.Before(q.Period.From.Time) {
		return periodError(q.Period.Label.VI, "thiếu hoặc sai kỳ báo cáo", "missing or invalid period")
	}
	return nil
}

// factsSQL counts the dossiers handled in the period (received before its
// end and not resolved before its start) by board, procedure, channel,
// outcome and end state. Every condition reads only what is fixed by the
// end of the period, so the counts are those of the period's end whatever
// happened since (docs/REPORTS.md, "As of the period's end"):
//
//   - rcv: received in the period (the others are carried over);
//   - res: finished_at (the first of decided, refused, stopped, withdrawn;
//     set once by the engine) in the period; the outcome and the end state
//     (dossiers.end_state, set with finished_at) are those of that moment;
//   - overdue: not resolved by the end, and the appointment in force at the
//     end falls before the last day;
//   - multi: more than one supplementation request by the end (Decision 766).
//
// The inner query reads dossiers only, so that PostgreSQL can aggregate in
// parallel workers. Dossiers whose appointment at the end or whose requests
// must be read from history (lookupSQL) are grouped one by one, and the
// outer query reads their history: correlated subqueries, which PostgreSQL
// does not run in parallel workers, for a few rows only.
//
// Bounds are named parameters (boundArgs); on SQLite instants compare as
// text, so they are passed in Asia/Ho_Chi_Minh like the stored ones.
const factsSQL = `SELECT f.board_id AS board_id, f.proc AS proc, f.channel AS channel, f.outcome AS outcome,
	f.end_state AS end_state, f.handled AS handled, f.rcv AS rcv, f.res AS res,
	CASE WHEN f.lookup IS NULL OR f.lookup < 0 THEN f.overdue
		WHEN (SELECT e.due_at FROM dossier_events e WHERE e.dossier_id = f.lookup AND e.at < @end
			ORDER BY e.seq DESC LIMIT 1) < @last THEN 1 ELSE 0 END AS overdue,
	CASE WHEN f.lookup IS NULL OR f.requests <= 1 THEN 0
		WHEN (SELECT COUNT(*) FROM dossier_events s WHERE s.dossier_id = ABS(f.lookup)
			AND s.event = 'request_supplement' AND s.at < @end) > 1 THEN 1 ELSE 0 END AS multi
FROM (SELECT d.board_id AS board_id, d.procedure AS proc, d.channel AS channel, COALESCE(d.outcome, '') AS outcome,
		d.end_state AS end_state, ` + lookupSQL + ` AS lookup,
		MAX(d.supplement_count) AS requests, COUNT(*) AS handled,
		SUM(CASE WHEN d.received_at >= @start THEN 1 ELSE 0 END) AS rcv,
		SUM(CASE WHEN d.finished_at < @end THEN 1 ELSE 0 END) AS res,
		SUM(CASE WHEN d.finished_at < @end THEN 0 WHEN d.due_at < @last THEN 1 ELSE 0 END) AS overdue
	FROM dossiers d
	WHERE d.received_at IS NOT NULL AND d.received_at < @end AND (d.finished_at IS NULL OR d.finished_at >= @start)%s
	GROUP BY 1, 2, 3, 4, 5, 6) f`

// lookupSQL names the dossiers whose history must be read: its id when
// the dossier is in progress at the end and its appointment may have
// changed since, minus its id when only its supplementation requests must
// be counted (supplement_count, which every request increments, is above
// one), NULL for every other dossier.
//
// The appointment (due_at) changes only when the clock is paused, resumed
// or extended: receipt sets it, the end keeps it. So a dossier's due_at is
// the appointment in force at the end unless, after the end, its clock was
// resumed (clock_started_at, set by every start and resumption, is at or
// after the end), paused (paused_at, while paused), paused then ended
// (ended with no appointment), or extended (extension_count, whose instant
// the dossier row does not keep). For those the appointment is the due_at
// of the last history row before the end. A paused clock has no
// appointment (NULL): within the deadline.
const lookupSQL = `CASE WHEN (d.finished_at IS NULL OR d.finished_at >= @end)
		AND (d.clock_started_at >= @end OR d.paused_at >= @end OR d.extension_count > 0
			OR (d.finished_at IS NOT NULL AND d.due_at IS NULL)) THEN d.id
	WHEN d.supplement_count > 1 THEN -d.id END`

// fact is one row of factsSQL: dossiers of a board and procedure that
// share a channel, an outcome and an end state, or one dossier whose
// history was read.
type fact struct {
	BoardID  uint   `gorm:"column:board_id"`
	Proc     string `gorm:"column:proc"`
	Channel  string `gorm:"column:channel"`
	Outcome  string `gorm:"column:outcome"`
	EndState string `gorm:"column:end_state"`
	Handled  int    `gorm:"column:handled"`
	Rcv      int    `gorm:"column:rcv"`
	Res      int    `gorm:"column:res"`
	Overdue  int    `gorm:"column:overdue"`
	Multi    int    `gorm:"column:multi"`
}

// facts returns factsSQL restricted to the query's board, if any.
func facts(q Query) string {
	board := ""
	if q.BoardID != nil {
		board = ` AND d.board_id = @board`
	}
	return fmt.Sprintf(factsSQL, board)
}

// boundArgs are the named parameters of factsSQL: the period's bounds in
// Asia/Ho_Chi_Minh (the zone of stored instants).
func boundArgs(q Query) map[string]any {
	args := map[string]any{"start": q.Period.Start(), "end": q.Period.End(), "last": q.Period.LastDay()}
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

// aggregate counts q's handled dossiers per board and procedure, through
// tx (see snapshot).
func aggregate(tx *gorm.DB, cat *workflow.Catalogue, q Query) (map[boardProc]*counts, error) {
	var rows []fact
	if err := tx.Raw(facts(q), boundArgs(q)).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("reports: count dossiers for %s: %w", q.Period, err)
	}
	refused, withdrawn := endStatesOf(cat, workflow.EventRefuse), endStatesOf(cat, workflow.EventWithdraw)
	out := map[boardProc]*counts{}
	for _, f := range rows {
		k := boardProc{f.BoardID, f.Proc}
		c := out[k]
		if c == nil {
			c = &counts{}
			out[k] = c
		}
		c.add(f, refused.has(f.Proc, f.EndState), withdrawn.has(f.Proc, f.EndState))
	}
	return out, nil
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
//   - no JIT compilation: PostgreSQL's cost estimate of the counting
//     statement asks for it, and compiling takes longer than the statement
//     itself (1.2 s of a 6.1 s report over 1,000,000 dossiers);
//   - each statement is planned for the period's actual bounds, never as a
//     generic plan of a prepared statement (gorm prepares every statement);
//   - the counting statement groups one by one the few dossiers whose
//     history is read (lookupSQL). PostgreSQL cannot estimate how many they
//     are and takes nearly every dossier for a group of its own; it would
//     then sort a million rows in one process, or read them in index order.
//     Without sorts, at no cost for the rows parallel workers pass on and
//     with room for the hash tables, it hashes them in parallel workers:
//     Parallel Seq Scan (or Parallel Bitmap Heap Scan for one board),
//     Partial HashAggregate, Gather, Finalize HashAggregate.
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
