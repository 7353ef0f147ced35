package reports

import (
	"gorm.io/gorm"

	"github.com/motcua/motcua/deadlines"
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

// factsSQL yields one row per dossier handled in the period, i.e. received
// before its end and not resolved before its start, with 0/1 flags saying
// in which cells of Biểu 06 it falls. Every condition reads only instants
// set once (received_at, finished_at) or the state in force at the end, so
// the flags are those of the period's end whatever happened since:
//
//   - received: received_at in the period; carried: received before it;
//   - resolved: finished_at (the first of decided, refused, stopped,
//     withdrawn; set once by the engine) in the period, classified by the
//     outcome fixed at that moment; any other outcome than early or on time
//     (none in practice) counts as late;
//   - in progress: not resolved by the end; overdue when the appointment
//     in force at the end (dueAtEndSQL) falls before the last day;
//   - withdrawn, refused: resolved dossiers whose end was a withdrawal or a
//     refusal (also counted in resolved);
//   - multi: more than one supplementation request by the end (Decision 766).
//
// Bounds are named parameters (boundArgs); on SQLite instants compare as
// text, so they are passed in Asia/Ho_Chi_Minh like the stored ones.
const factsSQL = `SELECT d.board_id AS board_id, d.procedure AS proc,
	CASE WHEN d.received_at >= @start THEN 1 ELSE 0 END AS rcv,
	CASE WHEN d.received_at >= @start AND d.channel = 'online' THEN 1 ELSE 0 END AS rcv_online,
	CASE WHEN d.received_at >= @start AND d.channel IN ('direct', 'postal') THEN 1 ELSE 0 END AS rcv_offline,
	CASE WHEN d.received_at < @start THEN 1 ELSE 0 END AS carried,
	CASE WHEN d.finished_at < @end THEN 1 ELSE 0 END AS res,
	CASE WHEN d.finished_at < @end AND d.outcome = 'early' THEN 1 ELSE 0 END AS res_early,
	CASE WHEN d.finished_at < @end AND d.outcome = 'on_time' THEN 1 ELSE 0 END AS res_on_time,
	CASE WHEN d.finished_at < @end AND d.outcome NOT IN ('early', 'on_time') THEN 1 ELSE 0 END AS res_late,
	CASE WHEN d.finished_at IS NULL OR d.finished_at >= @end THEN 1 ELSE 0 END AS prog,
	CASE WHEN d.finished_at < @end THEN 0 WHEN ` + dueAtEndSQL + ` < @last THEN 1 ELSE 0 END AS prog_overdue,
	CASE WHEN d.finished_at < @end AND d.state = 'withdrawn' THEN 1 ELSE 0 END AS wd,
	` + refusedSQL + ` AS rf,
	` + multiSQL + ` AS multi
FROM dossiers d
WHERE d.received_at IS NOT NULL AND d.received_at < @end AND (d.finished_at IS NULL OR d.finished_at >= @start)`

// dueAtEndSQL is the appointment (due_at) in force at the end of the
// period. A dossier row not written since the end still holds it; only for
// the others is the last history row before the end looked up. updated_at
// is the wall-clock time of the last write (in UTC, hence @end_utc), never
// before the instant of the event written unless an event is fired with a
// future instant; the clock instants guard that case for pauses, resumptions
// and ends. A paused clock has no appointment (NULL): within the deadline.
const dueAtEndSQL = `(CASE WHEN d.finished_at IS NOT NULL OR d.updated_at >= @end_utc
		OR d.paused_at >= @end OR d.clock_started_at >= @end
	THEN (SELECT e.due_at FROM dossier_events e WHERE e.dossier_id = d.id AND e.at < @end ORDER BY e.seq DESC LIMIT 1)
	ELSE d.due_at END)`

// refusedSQL flags a dossier resolved in the period by a refusal. The end
// event's state may have moved on (refused → returned), so for states other
// than refused, approved and withdrawn the refuse event is looked up: one
// index probe, made for resolved dossiers only.
const refusedSQL = `CASE WHEN d.finished_at IS NULL OR d.finished_at >= @end THEN 0
	WHEN d.state = 'refused' THEN 1
	WHEN d.state IN ('approved', 'withdrawn') THEN 0
	WHEN EXISTS (SELECT 1 FROM dossier_events r WHERE r.dossier_id = d.id AND r.event = 'refuse') THEN 1
	ELSE 0 END`

// multiSQL flags a dossier with more than one supplementation request at or
// before the end. supplement_count (every request increments it) rules out
// nearly every dossier before history is read.
const multiSQL = `CASE WHEN d.supplement_count <= 1 THEN 0
	WHEN (SELECT COUNT(*) FROM dossier_events s WHERE s.dossier_id = d.id AND s.event = 'request_supplement'
		AND s.at < @end) > 1 THEN 1
	ELSE 0 END`

// facts returns factsSQL restricted to the query's board, if any.
func facts(q Query) string {
	if q.BoardID == nil {
		return factsSQL
	}
	return factsSQL + ` AND d.board_id = @board`
}

// boundArgs are the named parameters of factsSQL: the period's bounds in
// Asia/Ho_Chi_Minh (the zone of stored instants) and the end in UTC for
// updated_at, which gorm writes in UTC.
func boundArgs(q Query) map[string]any {
	end := q.Period.End()
	args := map[string]any{"start": q.Period.Start(), "end": end, "last": q.Period.LastDay(), "end_utc": end.UTC()}
	if q.BoardID != nil {
		args["board"] = *q.BoardID
	}
	return args
}

// localDateSQL is the expression giving an instant column's local date as
// YYYY-MM-DD: SQLite stores the text in Asia/Ho_Chi_Minh already.
func localDateSQL(db *gorm.DB, col string) string {
	if db.Dialector.Name() == "postgres" {
		return "to_char(" + col + " AT TIME ZONE '" + deadlines.Location.String() + "', 'YYYY-MM-DD')"
	}
	return "substr(" + col + ", 1, 10)"
}
