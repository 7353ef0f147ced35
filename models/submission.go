package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"
)

// MaxSequence is the last number of a board's daily dossier sequence: the
// code has four digits.
const MaxSequence = 9999

// ErrSequenceExhausted is returned by InsertSubmission when the board's
// sequence for the day is past MaxSequence.
var ErrSequenceExhausted = errors.New("store: the daily dossier sequence is exhausted")

// InsertSubmission creates a new dossier and its first history row, the
// submission (ev.DossierID is set to the new id). With day empty, d.Code
// is the dossier's code. Otherwise d.Code is the code's prefix, and the
// next number of the board's sequence for day (YYMMDD), on four digits,
// is appended to it. On PostgreSQL it is one statement: the sequence's
// upsert, the INSERT … RETURNING and the history INSERT, so that the
// sequence row stays locked only for the rest of that statement and the
// commit; without a surrounding transaction that is one round trip
// (SingleStatementTransitions). Elsewhere it is three statements, which
// the caller runs in a transaction.
func InsertSubmission(ctx context.Context, tx *gorm.DB, d *Dossier, ev *DossierEvent, day string) error {
	if tx.Dialector.Name() != "postgres" {
		return insertSubmissionSteps(ctx, tx, d, ev, day)
	}
	now := time.Now().UTC()
	d.CreatedAt, d.UpdatedAt, ev.CreatedAt = now, now, now
	err := tx.WithContext(ctx).Raw(submissionSQL,
		d.Code, d.BoardID, d.ZoneID, d.Procedure, d.CatalogueVersion, d.Variant, d.Channel, d.Title,
		d.ApplicantName, d.ApplicantTaxCode, d.ApplicantEmail, d.ApplicantPhone, d.InvestorID, d.AssigneeID,
		d.State, d.Version, d.SubmittedAt, d.ClockState, d.RemainingDays, d.PausedDays, d.PausedSeconds,
		d.SupplementCount, d.ExtensionCount, d.StepState, d.Outcome, d.EndState, d.CreatedAt, d.UpdatedAt,
		d.StepStartedAt, d.StepDueAt, d.TrackingPIN,
		ev.Seq, ev.Event, ev.FromState, ev.ToState, ev.ActorID, ev.ActorRole, ev.ActorName, ev.At, ev.Comment,
		ev.StepState, ev.StepOutcome, ev.Outcome, ev.Data, ev.CreatedAt, day, MaxSequence,
	).Row().Scan(&d.ID, &ev.ID, &d.Code)
	var pg *pgconn.PgError
	if errors.As(err, &pg) && pg.Code == "23502" && pg.ColumnName == "code" { // no number left: the code is NULL
		return ErrSequenceExhausted
	}
	if err != nil {
		return fmt.Errorf("store: insert dossier %s: %w", d.Code, err)
	}
	ev.DossierID = d.ID
	return nil
}

// insertSubmissionSteps is InsertSubmission in three statements.
func insertSubmissionSteps(ctx context.Context, tx *gorm.DB, d *Dossier, ev *DossierEvent, day string) error {
	if day != "" {
		seq, err := NextSequence(ctx, tx, d.BoardID, day)
		if err != nil {
			return err
		}
		if seq > MaxSequence {
			return ErrSequenceExhausted
		}
		d.Code += fmt.Sprintf("%04d", seq)
	}
	if err := InsertDossier(ctx, tx, d); err != nil {
		return err
	}
	ev.DossierID = d.ID
	return InsertEvent(ctx, tx, ev)
}

// submissionSQL inserts a new dossier (the columns a submission sets: the
// clock's and the end's instants are NULL; the intake step may be timed)
// and its history row. With a day ($46), the board's sequence for that day
// gives the code's number: the upsert leaves the row at $47 once there,
// and returns nothing, so the code is NULL and the insert fails (SQLSTATE
// 23502 on code).
const submissionSQL = `WITH s AS (
	INSERT INTO dossier_sequences (board_id, day, last) SELECT $2::bigint, $46::text, 1 WHERE $46::text <> ''
	ON CONFLICT (board_id, day) DO UPDATE SET last = dossier_sequences.last + 1
	WHERE dossier_sequences.last < $47::bigint RETURNING last),
d AS (
	INSERT INTO dossiers (code, board_id, zone_id, procedure, catalogue_version, variant, channel, title,
		applicant_name, applicant_tax_code, applicant_email, applicant_phone, investor_id, assignee_id,
		state, version, submitted_at, clock_state, remaining_days, paused_days, paused_seconds,
		supplement_count, extension_count, step_state, outcome, end_state, created_at, updated_at,
		step_started_at, step_due_at, tracking_pin)
	VALUES ($1::text || CASE WHEN $46::text = '' THEN '' ELSE (SELECT lpad(last::text, 4, '0') FROM s) END,
		$2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,
		$22, $23, $24, $25, $26, $27, $28, $29, $30, $31)
	RETURNING id, code)
INSERT INTO dossier_events (dossier_id, seq, event, from_state, to_state, actor_id, actor_role, actor_name, at,
	comment, step_state, step_outcome, outcome, data, created_at)
SELECT d.id, $32::bigint, $33::text, $34::text, $35::text, $36::bigint, $37::text, $38::text, $39::timestamptz,
	$40::text, $41::text, $42::text, $43::text, $44::text, $45::timestamptz
FROM d RETURNING dossier_id, id, (SELECT code FROM d)`
