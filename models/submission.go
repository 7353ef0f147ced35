package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// MaxSequence is the last number of a board's daily dossier sequence: the
// code has four digits.
const MaxSequence = 9999

// ErrSequenceExhausted is returned by InsertSubmission when the board's
// sequence for the day is past MaxSequence.
var ErrSequenceExhausted = errors.New("store: the daily dossier sequence is exhausted")

// InsertSubmission creates a new dossier and its first history row, the
// submission (ev.DossierID is set to the new id), chained on GenesisHash:
// the row's hash is the dossier's last_hash. With day empty, d.Code is the
// dossier's code. Otherwise d.Code is the code's prefix, and the next
// number of the board's sequence for day (YYMMDD), on four digits, is
// appended to it.
//
// The row's hash binds the dossier's code, so the number is taken before
// the insert, in the same transaction (a savepoint when tx is one
// already): the sequence row stays locked for the insert and the commit
// only, not for the rest of a filing. On PostgreSQL the insert is one
// statement, an INSERT … RETURNING feeding the history INSERT; elsewhere
// two.
func InsertSubmission(ctx context.Context, tx *gorm.DB, d *Dossier, ev *DossierEvent, day string) error {
	if day == "" {
		return insertSubmission(ctx, tx, d, ev)
	}
	return tx.WithContext(ctx).Transaction(func(t *gorm.DB) error {
		if err := numberCode(ctx, t, d, day); err != nil {
			return err
		}
		return insertSubmission(ctx, t, d, ev)
	})
}

// ReserveNumber takes the board's next number for day (YYMMDD) in a
// transaction of its own, for a filing that will insert its dossier with
// the code made of it (InsertSubmission with day empty). On PostgreSQL
// that transaction does not wait for its commit to reach the disk
// (synchronous_commit off): the sequence row is locked for the upsert
// alone, so concurrent filings of one board no longer queue behind each
// other's commits (docs/PERFORMANCE.md). A number is never given twice: a
// crash loses a reservation only if nothing durable was written after it,
// and a dossier bearing the number commits after it, synchronously, which
// makes the reservation durable too, on the primary and on a synchronous
// standby (the WAL is written and sent in order). A filing that fails
// after its reservation leaves a gap in the day's numbers. Past
// MaxSequence it returns ErrSequenceExhausted.
func ReserveNumber(ctx context.Context, db *gorm.DB, boardID uint, day string) (int, error) {
	var n int
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if tx.Dialector.Name() == "postgres" {
			if err := tx.Exec("SET LOCAL synchronous_commit TO OFF").Error; err != nil {
				return fmt.Errorf("store: reserve a number: %w", err)
			}
		}
		var err error
		n, err = NextSequence(ctx, tx, boardID, day)
		return err
	})
	if err != nil {
		return 0, err
	}
	if n > MaxSequence {
		return 0, ErrSequenceExhausted
	}
	return n, nil
}

// numberCode appends to d.Code the board's next number for day.
func numberCode(ctx context.Context, tx *gorm.DB, d *Dossier, day string) error {
	seq, err := NextSequence(ctx, tx, d.BoardID, day)
	if err != nil {
		return err
	}
	if seq > MaxSequence {
		return ErrSequenceExhausted
	}
	d.Code += fmt.Sprintf("%04d", seq)
	return nil
}

// insertSubmission inserts d, whose code is final, and ev, sealed on
// GenesisHash.
func insertSubmission(ctx context.Context, tx *gorm.DB, d *Dossier, ev *DossierEvent) error {
	if tx.Dialector.Name() != "postgres" {
		sealEvent(ev, d.Code, GenesisHash)
		d.LastHash = ev.Hash
		if err := InsertDossier(ctx, tx, d); err != nil {
			return err
		}
		ev.DossierID = d.ID
		return InsertEvent(ctx, tx, ev)
	}
	now := time.Now().UTC()
	d.CreatedAt, d.UpdatedAt, ev.CreatedAt = now, now, now
	sealEvent(ev, d.Code, GenesisHash)
	d.LastHash = ev.Hash
	err := tx.WithContext(ctx).Raw(submissionSQL,
		d.Code, d.BoardID, d.ZoneID, d.Procedure, d.CatalogueVersion, d.Variant, d.Channel, d.Title,
		d.ApplicantName, d.ApplicantTaxCode, d.ApplicantEmail, d.ApplicantPhone, d.InvestorID, d.AssigneeID,
		d.State, d.Version, d.SubmittedAt, d.ClockState, d.RemainingDays, d.PausedDays, d.PausedSeconds,
		d.SupplementCount, d.ExtensionCount, d.StepState, d.Outcome, d.EndState, d.CreatedAt, d.UpdatedAt,
		d.StepStartedAt, d.StepDueAt, d.TrackingPIN, d.LastHash,
		ev.Seq, ev.Event, ev.FromState, ev.ToState, ev.ActorID, ev.ActorRole, ev.ActorName, ev.At, ev.Comment,
		ev.StepState, ev.StepOutcome, ev.Outcome, ev.Data, ev.CreatedAt, ev.PrevHash, ev.StepDueAt, ev.DueAt,
	).Row().Scan(&d.ID, &ev.ID)
	if err != nil {
		return fmt.Errorf("store: insert dossier %s: %w", d.Code, err)
	}
	ev.DossierID = d.ID
	return nil
}

// submissionSQL inserts a new dossier (the columns a submission sets: the
// clock's and the end's instants are NULL; the intake step may be timed)
// and its history row, chained on GenesisHash; the row's hash ($32) is the
// dossier's last_hash. The row keeps the intake step's deadline
// (step_due_at), as on SQLite: it is part of the row's hash.
const submissionSQL = `WITH d AS (
	INSERT INTO dossiers (code, board_id, zone_id, procedure, catalogue_version, variant, channel, title,
		applicant_name, applicant_tax_code, applicant_email, applicant_phone, investor_id, assignee_id,
		state, version, submitted_at, clock_state, remaining_days, paused_days, paused_seconds,
		supplement_count, extension_count, step_state, outcome, end_state, created_at, updated_at,
		step_started_at, step_due_at, tracking_pin, last_hash)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,
		$22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32)
	RETURNING id)
INSERT INTO dossier_events (dossier_id, seq, event, from_state, to_state, actor_id, actor_role, actor_name, at,
	comment, step_state, step_outcome, outcome, data, created_at, prev_hash, hash, step_due_at, due_at)
SELECT d.id, $33::bigint, $34::text, $35::text, $36::text, $37::bigint, $38::text, $39::text, $40::timestamptz,
	$41::text, $42::text, $43::text, $44::text, $45::text, $46::timestamptz, $47::text, $32::text,
	$48::timestamptz, $49::timestamptz
FROM d RETURNING dossier_id, id`
