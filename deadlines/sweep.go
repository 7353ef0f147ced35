package deadlines

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/motcua/motcua/models"
)

// DefaultDueSoonDays is how many working days ahead an appointment counts
// as due soon when Sweeper.DueSoonDays is zero.
const DefaultDueSoonDays = 2

// sweepBatch is the keyset page size of every sweep query.
const sweepBatch = 1000

// sweepLockKey is the first half of the PostgreSQL advisory lock key; the
// second half is the hash of the current schema, so that one lock guards
// one deployment.
const sweepLockKey = 0x6d6f7463 // "motc"

// Sweeper raises deadline alerts: due soon, overdue, step overdue and
// apology due. Each alert is a row raised once, so a sweep may run twice,
// late or on several replicas.
type Sweeper struct {
	DB          *gorm.DB
	Cal         *Calendar
	DueSoonDays int // working days ahead that count as due soon; 0 means DefaultDueSoonDays
}

// Result counts the alerts one Run inserted, by kind. Skipped is true when
// another replica held the sweep lock, and nothing was done.
type Result struct {
	DueSoon     int
	Overdue     int
	StepOverdue int
	ApologyDue  int
	Skipped     bool
}

// Total is the number of alerts inserted.
func (r Result) Total() int { return r.DueSoon + r.Overdue + r.StepOverdue + r.ApologyDue }

// String formats the counts for logs and the sweep subcommand.
func (r Result) String() string {
	if r.Skipped {
		return "skipped: another replica holds the sweep lock"
	}
	return fmt.Sprintf("due_soon=%d overdue=%d step_overdue=%d apology_due=%d",
		r.DueSoon, r.Overdue, r.StepOverdue, r.ApologyDue)
}

// Run runs every sweep as of now, each in its own transaction. On
// PostgreSQL it first takes a session advisory lock on a dedicated
// connection and returns Result{Skipped: true} when another replica holds it.
func (s *Sweeper) Run(ctx context.Context, now time.Time) (Result, error) {
	if s.DB.Dialector.Name() != "postgres" {
		return s.runAll(ctx, now)
	}
	var res Result
	err := s.DB.WithContext(ctx).Connection(func(conn *gorm.DB) error {
		ok, err := tryLock(conn)
		if err != nil || !ok {
			res.Skipped = !ok
			return err
		}
		defer unlock(conn)
		res, err = s.runAll(ctx, now)
		return err
	})
	return res, err
}

// tryLock takes the sweep's advisory lock on conn without waiting.
func tryLock(conn *gorm.DB) (bool, error) {
	var ok bool
	err := conn.Raw("SELECT pg_try_advisory_lock(?, hashtext(current_schema()))", sweepLockKey).Scan(&ok).Error
	if err != nil {
		return false, fmt.Errorf("deadlines: sweep lock: %w", err)
	}
	return ok, nil
}

// unlock releases the lock tryLock took; closing the session would too.
func unlock(conn *gorm.DB) {
	conn.Exec("SELECT pg_advisory_unlock(?, hashtext(current_schema()))", sweepLockKey)
}

// runAll runs the four sweeps in turn.
func (s *Sweeper) runAll(ctx context.Context, now time.Time) (Result, error) {
	now = now.In(Location) // SQLite compares instants as text in the zone they were stored in
	var res Result
	sweeps := []struct {
		name string
		fn   func(context.Context, *gorm.DB, time.Time) (int, error)
		n    *int
	}{
		{"overdue", s.sweepOverdue, &res.Overdue},
		{"due_soon", s.sweepDueSoon, &res.DueSoon},
		{"apology_due", s.sweepApology, &res.ApologyDue},
		{"step_overdue", s.sweepStepOverdue, &res.StepOverdue},
	}
	for _, sw := range sweeps {
		err := models.InTx(ctx, s.DB, func(tx *gorm.DB) error {
			n, err := sw.fn(ctx, tx, now)
			*sw.n = n
			return err
		})
		if err != nil {
			return res, fmt.Errorf("deadlines: %s sweep: %w", sw.name, err)
		}
	}
	return res, nil
}

// page fetches one keyset page of dossiers after afterID.
type page func(ctx context.Context, tx *gorm.DB, afterID uint64) ([]models.Dossier, error)

// raise walks the pages and inserts the alerts build returns per dossier.
func raise(ctx context.Context, tx *gorm.DB, next page, build func(*models.Dossier) []models.Alert) (int, error) {
	var total int
	var after uint64
	for {
		ds, err := next(ctx, tx, after)
		if err != nil {
			return total, err
		}
		var alerts []models.Alert
		for i := range ds {
			alerts = append(alerts, build(&ds[i])...)
		}
		n, err := models.InsertAlerts(ctx, tx, alerts)
		total += n
		if err != nil || len(ds) < sweepBatch {
			return total, err
		}
		after = ds[len(ds)-1].ID
	}
}

// alert builds one alert about d's appointment (or step deadline, due).
func alert(d *models.Dossier, kind models.AlertKind, due time.Time, role string, now time.Time) models.Alert {
	return models.Alert{BoardID: d.BoardID, DossierID: d.ID, Kind: kind, DueAt: due.In(Location),
		StepState: d.StepState, RecipientRole: role, AssigneeID: d.AssigneeID, RaisedAt: now.UTC()}
}

// sweepOverdue alerts the officer and the managers of every open dossier
// past its appointment.
func (s *Sweeper) sweepOverdue(ctx context.Context, tx *gorm.DB, now time.Time) (int, error) {
	next := func(ctx context.Context, tx *gorm.DB, after uint64) ([]models.Dossier, error) {
		return models.OpenDueBefore(ctx, tx, now, after, sweepBatch)
	}
	return raise(ctx, tx, next, func(d *models.Dossier) []models.Alert {
		return []models.Alert{alert(d, models.AlertOverdue, *d.DueAt, models.RecipientOfficer, now),
			alert(d, models.AlertOverdue, *d.DueAt, models.RecipientManager, now)}
	})
}

// sweepDueSoon alerts the officer of every open dossier not yet overdue
// whose appointment date is at most DueSoonDays working days after today.
func (s *Sweeper) sweepDueSoon(ctx context.Context, tx *gorm.DB, now time.Time) (int, error) {
	days := s.dueSoonDays()
	return s.upcoming(ctx, tx, now, days, func(d *models.Dossier) []models.Alert {
		if s.Cal.WorkingDaysBetween(now, *d.DueAt) > days {
			return nil
		}
		return []models.Alert{alert(d, models.AlertDueSoon, *d.DueAt, models.RecipientOfficer, now)}
	})
}

// sweepApology alerts the officer when the appointment is one working day
// away, the clock runs and no extension was granted yet: the apology letter
// and a new appointment (form 04) must go out now if the dossier will be
// late (ND 61/2018 Art 19).
func (s *Sweeper) sweepApology(ctx context.Context, tx *gorm.DB, now time.Time) (int, error) {
	return s.upcoming(ctx, tx, now, 1, func(d *models.Dossier) []models.Alert {
		if d.ExtensionCount > 0 || d.ClockState != string(ClockRunning) ||
			s.Cal.WorkingDaysBetween(now, *d.DueAt) != 1 {
			return nil
		}
		return []models.Alert{alert(d, models.AlertApologyDue, *d.DueAt, models.RecipientOfficer, now)}
	})
}

// upcoming raises build's alerts over open dossiers due from now until the
// (days+1)-th working day after today, by the due_at index.
func (s *Sweeper) upcoming(ctx context.Context, tx *gorm.DB, now time.Time, days int,
	build func(*models.Dossier) []models.Alert) (int, error) {
	until := s.Cal.AddWorkingDays(now, days+1)
	next := func(ctx context.Context, tx *gorm.DB, after uint64) ([]models.Dossier, error) {
		return models.OpenDueBetween(ctx, tx, now, until, after, sweepBatch)
	}
	return raise(ctx, tx, next, build)
}

// sweepStepOverdue alerts the officer of every open dossier whose current
// step is past its own deadline.
func (s *Sweeper) sweepStepOverdue(ctx context.Context, tx *gorm.DB, now time.Time) (int, error) {
	next := func(ctx context.Context, tx *gorm.DB, after uint64) ([]models.Dossier, error) {
		return models.OpenStepsDueBefore(ctx, tx, now, after, sweepBatch)
	}
	return raise(ctx, tx, next, func(d *models.Dossier) []models.Alert {
		return []models.Alert{alert(d, models.AlertStepOverdue, *d.StepDueAt, models.RecipientOfficer, now)}
	})
}

// dueSoonDays returns DueSoonDays or its default.
func (s *Sweeper) dueSoonDays() int {
	if s.DueSoonDays > 0 {
		return s.DueSoonDays
	}
	return DefaultDueSoonDays
}
