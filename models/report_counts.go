package models

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// TallyKind is what a report counter counts: dossiers received, dossiers
// resolved (their end: decided, refused, stopped or withdrawn), or changes
// in the number of dossiers in progress that are overdue, or that were asked
// to supplement more than once.
type TallyKind string

// The report counters' kinds.
const (
	TallyReceived TallyKind = "received"
	TallyResolved TallyKind = "resolved"
	// TallyOverdue cells hold +1 on the first day at whose end a dossier in
	// progress is overdue under its appointment (the day after the
	// appointment date, or the day the appointment was set if later) and -1
	// on the day that stops (the appointment moves or is suspended, or the
	// dossier ends; or, to cancel, the first day if that comes later). The
	// sum over the days up to a period's last day is the number of dossiers
	// in progress and overdue at its end. Multi marks those asked to
	// supplement more than once by then.
	TallyOverdue TallyKind = "overdue"
	// TallyOpenMulti cells hold +1 on the day a dossier in progress gets its
	// second supplementation request, -1 on the day such a dossier ends.
	TallyOpenMulti TallyKind = "open_multi"
)

// ReportCount is one cell of the reform report's counters (migration
// 0008): for a board, a procedure and a local day, how many dossiers were
// received or resolved, and by how much the number of dossiers in progress
// that are overdue, or asked to supplement more than once, changed (see
// TallyKind). The engine adds to them in the transaction of each event, so
// that a report sums a few thousand counters instead of reading every
// dossier, and every cell is final once its day is past: a report for a
// past period is that of its end. A received cell is split by channel; a
// resolved cell by outcome, end state and whether the dossier was asked to
// supplement more than once (Decision 766); an overdue cell by the latter.
// A cell whose changes cancel out may stay, at zero. Each cell is split
// again into up to ReportShards rows by Shard (migration 0013): an event
// adds to the shard of its dossier (ShardOf), so that concurrent receipts
// of one board, procedure and day seldom wait for each other's lock; a
// report sums the shards, and a recount writes shard 0.
type ReportCount struct {
	BoardID   uint      `gorm:"primaryKey;autoIncrement:false"`
	Procedure string    `gorm:"primaryKey;size:64"`
	Day       string    `gorm:"primaryKey;size:10"` // YYYY-MM-DD, Asia/Ho_Chi_Minh
	Kind      TallyKind `gorm:"primaryKey;size:16"`
	Channel   string    `gorm:"primaryKey;size:16"` // received: online, direct or postal; resolved: ""
	Outcome   string    `gorm:"primaryKey;size:16"` // resolved: early, on_time or late; received: ""
	EndState  string    `gorm:"primaryKey;size:64"` // resolved: the state it ended in; received: ""
	Multi     bool      `gorm:"primaryKey"`         // resolved: more than one supplementation request
	Shard     int16     `gorm:"primaryKey;autoIncrement:false"`
	N         int64     `gorm:"not null"`
}

// ReportShards is the number of rows a report counter is split into.
// Sixteen keep 32 concurrent receipts of one board and day mostly apart
// (docs/PERFORMANCE.md) and multiply a busy day's rows by at most 16.
const ReportShards = 16

// ShardOf is the counter shard the events of a dossier add to.
func ShardOf(dossierID uint64) int16 { return int16(dossierID % ReportShards) }

// TableName is report_counts.
func (ReportCount) TableName() string { return "report_counts" }

// Tally is what an event adds to one counter: the dossier's board,
// procedure and channel come from the dossier, the rest from the event.
type Tally struct {
	Kind     TallyKind `json:"kind"`
	Day      string    `json:"day"` // local date, YYYY-MM-DD
	Outcome  string    `json:"outcome"`
	EndState string    `json:"end_state"`
	Multi    bool      `json:"multi"`
	N        int64     `json:"n"`
}

// cell is t's counter row for dossier d.
func (t *Tally) cell(d *Dossier) ReportCount {
	c := ReportCount{BoardID: d.BoardID, Procedure: d.Procedure, Day: t.Day, Kind: t.Kind, Shard: ShardOf(d.ID), N: t.N}
	if t.Kind == TallyReceived {
		c.Channel = string(d.Channel)
		return c
	}
	c.Outcome, c.EndState, c.Multi = t.Outcome, t.EndState, t.Multi
	return c
}

// MergeTallies adds up the tallies of one event that fall in the same
// counter and drops those that cancel out, so that each counter is written
// once per event, and sorts them, so that concurrent events lock the
// counters they share in the same order.
func MergeTallies(ts []Tally) []Tally {
	var out []Tally
	for _, t := range ts {
		i := slices.IndexFunc(out, func(o Tally) bool { o.N = t.N; return o == t }) // same counter
		if i < 0 {
			out = append(out, t)
			continue
		}
		out[i].N += t.N
	}
	out = slices.DeleteFunc(out, func(t Tally) bool { return t.N == 0 })
	slices.SortFunc(out, func(a, b Tally) int {
		return cmp.Or(cmp.Compare(a.Day, b.Day), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Outcome, b.Outcome),
			cmp.Compare(a.EndState, b.EndState), cmpBool(a.Multi, b.Multi))
	})
	return out
}

// cmpBool orders false before true.
func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case b:
		return -1
	}
	return 1
}

// reportCountKey is the counters' primary key, the conflict target of an
// increment.
var reportCountKey = []clause.Column{{Name: "board_id"}, {Name: "procedure"}, {Name: "day"}, {Name: "kind"},
	{Name: "channel"}, {Name: "outcome"}, {Name: "end_state"}, {Name: "multi"}, {Name: "shard"}}

// addTallies adds ts (merged) to the counters of d through tx, one upsert
// each.
func addTallies(ctx context.Context, tx *gorm.DB, d *Dossier, ts []Tally) error {
	for _, t := range ts {
		c := t.cell(d)
		err := tx.WithContext(ctx).Clauses(clause.OnConflict{Columns: reportCountKey,
			DoUpdates: clause.Assignments(map[string]any{"n": gorm.Expr("report_counts.n + excluded.n")})}).Create(&c).Error
		if err != nil {
			return fmt.Errorf("store: count dossier %d in the report counters: %w", d.ID, err)
		}
	}
	return nil
}

// rebuildCountsSQL recounts every counter from the dossiers: received
// ones by receipt day and channel, resolved ones by end day, outcome, end
// state and supplementation requests. %[1]s and %[2]s give the local date
// of received_at and finished_at as YYYY-MM-DD.
const rebuildCountsSQL = `INSERT INTO report_counts (board_id, procedure, day, kind, channel, outcome, end_state, multi, n)
SELECT board_id, procedure, %[1]s, 'received', channel, '', '', false, COUNT(*)
	FROM dossiers WHERE received_at IS NOT NULL GROUP BY 1, 2, 3, 5
UNION ALL
SELECT board_id, procedure, %[2]s, 'resolved', '', COALESCE(outcome, ''), end_state,
		COALESCE(supplement_count, 0) > 1, COUNT(*)
	FROM dossiers WHERE received_at IS NOT NULL AND finished_at IS NOT NULL GROUP BY 1, 2, 3, 6, 7, 8`

// deltasSQL recounts the overdue and open_multi counters from the
// history, as the engine writes them event by event: for each history row
// of a received dossier, its appointment while in progress (due_at after
// the row, NULL once ended) and its supplementation requests so far; a
// row that changes either closes the previous appointment (-1) and opens
// the new one (+1), on the later of the row's day and the day after the
// appointment date. The {…} are dialect expressions (deltasSQLFor).
const deltasSQL = `INSERT INTO report_counts (board_id, procedure, day, kind, channel, outcome, end_state, multi, n)
WITH h AS (
	SELECT d.board_id AS board_id, d.procedure AS procedure, e.dossier_id AS dossier_id, e.seq AS seq, e.at AS at,
		CASE WHEN e.at >= d.received_at AND (d.finished_at IS NULL OR e.at < d.finished_at) THEN e.due_at END AS a,
		CASE WHEN e.at >= d.received_at AND (d.finished_at IS NULL OR e.at < d.finished_at) THEN 1 ELSE 0 END AS open,
		SUM(CASE WHEN e.event = 'request_supplement' THEN 1 ELSE 0 END)
			OVER (PARTITION BY e.dossier_id ORDER BY e.seq) AS requests
	FROM dossier_events e JOIN dossiers d ON d.id = e.dossier_id
	WHERE d.received_at IS NOT NULL),
s AS (
	SELECT board_id, procedure, at, a, requests > 1 AS multi, open = 1 AND requests > 1 AS om,
		LAG(a) OVER w AS pa, COALESCE(LAG(requests) OVER w, 0) > 1 AS pmulti,
		COALESCE(LAG(open = 1 AND requests > 1) OVER w, FALSE) AS pom
	FROM h WINDOW w AS (PARTITION BY dossier_id ORDER BY seq)),
x AS (
	SELECT board_id, procedure, {greatest_prev} AS day, 'overdue' AS kind, pmulti AS multi, -1 AS n
	FROM s WHERE pa IS NOT NULL AND (a IS NULL OR a <> pa OR multi <> pmulti)
	UNION ALL
	SELECT board_id, procedure, {greatest_new}, 'overdue', multi, 1
	FROM s WHERE a IS NOT NULL AND (pa IS NULL OR a <> pa OR multi <> pmulti)
	UNION ALL
	SELECT board_id, procedure, {day_at}, 'open_multi', FALSE, CASE WHEN om THEN 1 ELSE -1 END
	FROM s WHERE om <> pom)
SELECT board_id, procedure, day, kind, '', '', '', multi, SUM(n) FROM x
GROUP BY board_id, procedure, day, kind, multi HAVING SUM(n) <> 0`

// deltasSQLFor fills deltasSQL's dialect expressions for db.
func deltasSQLFor(db *gorm.DB) string {
	greatest := "GREATEST"
	if db.Dialector.Name() != "postgres" {
		greatest = "MAX" // SQLite's scalar max of its arguments
	}
	day := LocalDaySQL(db, "at")
	return strings.NewReplacer(
		"{greatest_prev}", greatest+"("+nextDaySQL(db, "pa")+", "+day+")",
		"{greatest_new}", greatest+"("+nextDaySQL(db, "a")+", "+day+")",
		"{day_at}", day).Replace(deltasSQL)
}

// RebuildReportCounts replaces every report counter by a count of the
// dossiers and their history, through tx: after a bulk load that bypassed
// the engine, or to repair counters (`motcua recount`). It returns the
// number of counters. On PostgreSQL it first locks the counters against
// increments, which then wait: an event committed before the lock is in
// the recount, one committed after it adds to the recount. Call it in a
// transaction.
func RebuildReportCounts(ctx context.Context, tx *gorm.DB) (int64, error) {
	db := tx.WithContext(ctx)
	if db.Dialector.Name() == "postgres" {
		if err := db.Exec("LOCK TABLE report_counts IN EXCLUSIVE MODE").Error; err != nil {
			return 0, fmt.Errorf("store: lock the report counters: %w", err)
		}
	}
	if err := db.Exec("DELETE FROM report_counts").Error; err != nil {
		return 0, fmt.Errorf("store: clear the report counters: %w", err)
	}
	var total int64
	for _, stmt := range []string{fmt.Sprintf(rebuildCountsSQL, LocalDaySQL(db, "received_at"),
		LocalDaySQL(db, "finished_at")), deltasSQLFor(db)} {
		res := db.Exec(stmt)
		if res.Error != nil {
			return 0, fmt.Errorf("store: recount the report counters: %w", res.Error)
		}
		total += res.RowsAffected
	}
	return total, nil
}

// nextDaySQL is the SQL expression of the local date after an instant
// column's, as YYYY-MM-DD text.
func nextDaySQL(db *gorm.DB, col string) string {
	if db.Dialector.Name() == "postgres" {
		return "to_char(CAST(" + col + " AT TIME ZONE 'Asia/Ho_Chi_Minh' AS date) + 1, 'YYYY-MM-DD')"
	}
	return "date(substr(" + col + ", 1, 10), '+1 day')"
}

// LocalDaySQL is the SQL expression of an instant column's local date
// (Asia/Ho_Chi_Minh) as YYYY-MM-DD text. SQLite stores instants as text in
// that zone already (see Dossier).
func LocalDaySQL(db *gorm.DB, col string) string {
	if db.Dialector.Name() == "postgres" {
		return "to_char(" + col + " AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD')"
	}
	return "substr(" + col + ", 1, 10)"
}
