package models

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// transitionColumns are the dossier columns an event may change. The
// filing data (code, board, procedure, version binding, applicant) never
// changes through an event.
var transitionColumns = []string{"state", "version", "received_at", "clock_state", "clock_started_at", "due_at",
	"original_due_at", "paused_at", "remaining_days", "paused_days", "paused_seconds", "supplement_count",
	"extension_count", "step_state", "step_started_at", "step_due_at", "assignee_id", "finished_at", "outcome",
	"end_state", "extension_proposal_seq", "result_medium", "result_attachment_id", "updated_at", "last_hash"}

// overdueCleared reports whether the transition of d at ev.At clears the
// overdue mark: the dossier stays open with no appointment, or one not yet
// passed.
func overdueCleared(d *Dossier, ev *DossierEvent) bool {
	return d.FinishedAt == nil && (d.DueAt == nil || !d.DueAt.Before(ev.At))
}

// SaveTransition writes a dossier's new state and its history row,
// together or not at all, if and only if the stored row still has version
// prev (d.Version and ev.Seq already hold the new version). On PostgreSQL
// it is one statement, an UPDATE … RETURNING feeding the INSERT, atomic on
// its own; elsewhere two statements, which the caller must run in a
// transaction. It returns ErrStale when another change got there first.
// The overdue mark is cleared in the same statement when the event moved
// the appointment past its instant, and otherwise kept as stored. The
// event's report tallies (merged, see MergeTallies) are added to the
// counters by the same statement, or within the same transaction. The
// history row is chained on d.LastHash, which then becomes its hash (see
// EventHash).
func SaveTransition(ctx context.Context, db *gorm.DB, d *Dossier, prev int, ev *DossierEvent, ts []Tally) error {
	d.UpdatedAt = time.Now().UTC()
	ev.CreatedAt = d.UpdatedAt
	sealEvent(ev, d.Code, d.LastHash)
	d.LastHash = ev.Hash
	if db.Dialector.Name() == "postgres" {
		return saveTransitionPG(ctx, db, d, prev, ev, ts)
	}
	res := db.WithContext(ctx).Model(d).Select(transitionColumns).Where("version = ?", prev).Updates(d)
	if res.Error != nil {
		return fmt.Errorf("store: update dossier %d: %w", d.ID, res.Error)
	}
	if res.RowsAffected == 0 {
		return ErrStale
	}
	if overdueCleared(d, ev) {
		if err := db.WithContext(ctx).Model(d).Update("overdue_at", nil).Error; err != nil {
			return fmt.Errorf("store: clear overdue mark of dossier %d: %w", d.ID, err)
		}
		d.OverdueAt = nil
	}
	if err := addTallies(ctx, db, d, ts); err != nil {
		return err
	}
	return InsertEvent(ctx, db, ev)
}

// SingleStatementTransitions reports whether SaveTransition is atomic
// without a surrounding transaction on db.
func SingleStatementTransitions(db *gorm.DB) bool { return db.Dialector.Name() == "postgres" }

// transitionSQL is SaveTransition on PostgreSQL in one statement: the
// optimistic-locked UPDATE of the dossier, the report counters' upserts
// from a JSON array of tallies ($41) into the dossier's shard ($47), and
// the history row, the last two only when the UPDATE found the version.
// The row's hash ($45) becomes the dossier's last_hash.
const transitionSQL = `WITH upd AS (
	UPDATE dossiers SET state = $1, version = $2, received_at = $3, clock_state = $4, clock_started_at = $5,
		due_at = $6, original_due_at = $7, paused_at = $8, remaining_days = $9, paused_days = $10,
		paused_seconds = $11, supplement_count = $12, extension_count = $13, step_state = $14,
		step_started_at = $15, step_due_at = $16, assignee_id = $17, finished_at = $18, outcome = $19,
		updated_at = $20, end_state = $39, overdue_at = CASE WHEN $40::boolean THEN NULL ELSE overdue_at END,
		extension_proposal_seq = $42, result_medium = $43, result_attachment_id = $44, last_hash = $45
	WHERE id = $21 AND version = $22
	RETURNING id, board_id, procedure, channel),
cnt AS (
	INSERT INTO report_counts AS c (board_id, procedure, day, kind, channel, outcome, end_state, multi, shard, n)
	SELECT upd.board_id, upd.procedure, t.day, t.kind, CASE WHEN t.kind = 'received' THEN upd.channel ELSE '' END,
		t.outcome, t.end_state, t.multi, $47::smallint, t.n
	FROM upd, jsonb_to_recordset($41::jsonb) AS t(day text, kind text, outcome text, end_state text, multi boolean, n bigint)
	ON CONFLICT (board_id, procedure, day, kind, channel, outcome, end_state, multi, shard) DO UPDATE SET n = c.n + EXCLUDED.n)
INSERT INTO dossier_events (dossier_id, seq, event, from_state, to_state, actor_id, actor_role, actor_name, at,
	comment, step_state, step_due_at, step_outcome, due_at, outcome, data, created_at, prev_hash, hash)
SELECT upd.id, $23::bigint, $24::text, $25::text, $26::text, $27::bigint, $28::text, $29::text, $30::timestamptz,
	$31::text, $32::text, $33::timestamptz, $34::text, $35::timestamptz, $36::text, $37::text, $38::timestamptz,
	$46::text, $45::text
FROM upd RETURNING id`

// saveTransitionPG runs transitionSQL with ts as a JSON array. Row().Scan,
// not gorm's Scan, which formats every statement for its logger, silent or
// not (8% of the CPU of an import).
func saveTransitionPG(ctx context.Context, db *gorm.DB, d *Dossier, prev int, ev *DossierEvent, ts []Tally) error {
	tallies, err := json.Marshal(ts)
	if err != nil {
		return fmt.Errorf("store: report tallies of dossier %d: %w", d.ID, err)
	}
	if ts == nil {
		tallies = []byte("[]")
	}
	err = db.WithContext(ctx).Raw(transitionSQL,
		d.State, d.Version, d.ReceivedAt, d.ClockState, d.ClockStartedAt, d.DueAt, d.OriginalDueAt, d.PausedAt,
		d.RemainingDays, d.PausedDays, d.PausedSeconds, d.SupplementCount, d.ExtensionCount, d.StepState,
		d.StepStartedAt, d.StepDueAt, d.AssigneeID, d.FinishedAt, d.Outcome, d.UpdatedAt, d.ID, prev,
		ev.Seq, ev.Event, ev.FromState, ev.ToState, ev.ActorID, ev.ActorRole, ev.ActorName, ev.At,
		ev.Comment, ev.StepState, ev.StepDueAt, ev.StepOutcome, ev.DueAt, ev.Outcome, ev.Data, ev.CreatedAt,
		d.EndState, overdueCleared(d, ev), string(tallies), d.ExtensionProposalSeq, d.ResultMedium, d.ResultAttachmentID,
		ev.Hash, ev.PrevHash, ShardOf(d.ID),
	).Row().Scan(&ev.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrStale
	}
	if err != nil {
		return fmt.Errorf("store: save transition of dossier %d: %w", d.ID, err)
	}
	if overdueCleared(d, ev) {
		d.OverdueAt = nil
	}
	return nil
}
