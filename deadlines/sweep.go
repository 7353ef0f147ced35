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
	// Notifications is how many email notifications the new alerts enqueued.
	Notifications int
	// MarkedOverdue is how many open dossiers were newly marked overdue.
	MarkedOverdue int
	Skipped       bool
}

// Total is the number of alerts inserted.
func (r Result) Total() int { return r.DueSoon + r.Overdue + r.StepOverdue + r.ApologyDue }

// String formats the counts for logs and the sweep subcommand.
func (r Result) String() string {
	if r.Skipped {
		return "skipped: another replica holds the sweep lock"
	}
	return fmt.Sprintf("due_soon=%d overdue=%d step_overdue=%d apology_due=%d notifications=%d marked_overdue=%d",
		r.DueSoon, r.Overdue, r.StepOverdue, r.ApologyDue, r.Notifications, r.MarkedOverdue)
}

// digestLockKey is the first half of the advisory lock of the daily
// digest, apart from the sweeps' so that neither skips the other.
const digestLockKey = sweepLockKey + 1

// Run runs every sweep as of now, each in its own transaction. On
// PostgreSQL it first takes a transaction-level advisory lock, held by a
// transaction of its own on a dedicated connection while the sweeps run,
// and returns Result{Skipped: true} when another replica holds it.
func (s *Sweeper) Run(ctx context.Context, now time.Time) (Result, error) {
	var res Result
	skipped, err := s.locked(ctx, sweepLockKey, func() error {
		var err error
		res, err = s.runAll(ctx, now)
		return err
	})
	res.Skipped = skipped
	return res, err
}

// Digest enqueues the day's digest email for every officer and manager
// with unacknowledged alerts about open dossiers, once per day whatever
// the number of runs or replicas, and returns how many it enqueued;
// skipped is true when another replica held the digest lock.
func (s *Sweeper) Digest(ctx context.Context, now time.Time) (n int, skipped bool, err error) {
	day := now.In(Location).Format("2006-01-02")
	skipped, err = s.locked(ctx, digestLockKey, func() error {
		return models.InTx(ctx, s.DB, func(tx *gorm.DB) error {
			var err error
			n, err = models.EnqueueDigests(ctx, tx, day, now)
			return err
		})
	})
	if err != nil {
		return 0, false, fmt.Errorf("deadlines: digest: %w", err)
	}
	return n, skipped, nil
}

// locked runs fn under the advisory lock (key, schema) on PostgreSQL:
// skipped is true when another session holds it. Elsewhere (one process)
// it just runs fn.
//
// The lock is transaction-level (pg_try_advisory_xact_lock), taken
// without waiting in a transaction of its own that stays open while fn
// runs its own transactions on other connections, and is released when
// that transaction ends, even if the process dies. A session-level lock
// would not survive PgBouncer in transaction pooling mode: between two
// statements the session is handed to another client, so the lock would
// guard nothing, and its unlock could run in a session that does not
// hold it, leaving it held forever. Behind a pooler the pool needs two
// server connections at least: one holds the lock, another runs the sweep.
func (s *Sweeper) locked(ctx context.Context, key int, fn func() error) (skipped bool, err error) {
	if s.DB.Dialector.Name() != "postgres" {
		return false, fn()
	}
	err = s.DB.WithContext(ctx).Transaction(func(lockTx *gorm.DB) error {
		ok, err := tryLock(lockTx, key)
		if err != nil {
			return err
		}
		if !ok {
			skipped = true
			return nil
		}
		return fn()
	})
	return skipped, err
}

// tryLock takes the advisory lock (key, schema) for the rest of tx,
// without waiting.
func tryLock(tx *gorm.DB, key int) (bool, error) {
	var ok bool
	err := tx.Raw("SELECT pg_try_advisory_xact_lock(?, hashtext(current_schema()))", key).Scan(&ok).Error
	if err != nil {
		return false, fmt.Errorf("deadlines: sweep lock: %w", err)
	}
	return ok, nil
}

// sweep is one kind of alert: its name, the dossiers it selects as of
// now, and the counter of its result.
type sweep struct {
	name  string
	rng   func(now time.Time) (models.AlertRange, bool)
	count func(r *Result) *int
}

// sweeps lists the four alert sweeps in the order they run.
func (s *Sweeper) sweeps() []sweep {
	return []sweep{
		{"overdue", s.overdueRange, func(r *Result) *int { return &r.Overdue }},
		{"due_soon", s.dueSoonRange, func(r *Result) *int { return &r.DueSoon }},
		{"apology_due", s.apologyRange, func(r *Result) *int { return &r.ApologyDue }},
		{"step_overdue", s.stepRange, func(r *Result) *int { return &r.StepOverdue }},
	}
}

// runAll runs the sweeps in turn, each in its own transaction that raises
// its alerts and enqueues their email notifications together; the overdue
// sweep also marks the dossiers overdue.
func (s *Sweeper) runAll(ctx context.Context, now time.Time) (Result, error) {
	now = now.In(Location) // SQLite compares instants as text in the zone they were stored in
	var res Result
	for _, sw := range s.sweeps() {
		rng, ok := sw.rng(now)
		if !ok {
			continue
		}
		err := models.InTx(ctx, s.DB, func(tx *gorm.DB) error {
			return s.raise(ctx, tx, sw.name, rng, now, sw.count(&res), &res)
		})
		if err != nil {
			return res, fmt.Errorf("deadlines: %s sweep: %w", sw.name, err)
		}
	}
	return res, nil
}

// raise inserts one kind's alerts, their notifications and, for overdue,
// the overdue marks, through tx.
func (s *Sweeper) raise(ctx context.Context, tx *gorm.DB, name string, rng models.AlertRange, now time.Time,
	count *int, res *Result) error {
	n, err := models.RaiseAlerts(ctx, tx, rng, now)
	if err != nil {
		return err
	}
	*count = n
	if n > 0 {
		sent, err := models.EnqueueAlertNotifications(ctx, tx, rng.Kind, now, now)
		if err != nil {
			return err
		}
		res.Notifications += sent
	}
	if name != "overdue" {
		return nil
	}
	res.MarkedOverdue, err = models.MarkOverdue(ctx, tx, now)
	return err
}

// overdueRange selects open dossiers past their appointment: the officer
// and the board's managers are alerted.
func (s *Sweeper) overdueRange(now time.Time) (models.AlertRange, bool) {
	return models.AlertRange{Kind: models.AlertOverdue, DueBefore: now,
		Roles: []string{models.RecipientOfficer, models.RecipientManager}}, true
}

// dueSoonRange selects open dossiers not yet overdue whose appointment date
// is at most DueSoonDays working days after today: the officer is alerted.
func (s *Sweeper) dueSoonRange(now time.Time) (models.AlertRange, bool) {
	from, before, ok := s.dueWindow(now, 0, s.dueSoonDays())
	return models.AlertRange{Kind: models.AlertDueSoon, Roles: []string{models.RecipientOfficer},
		DueFrom: from, DueBefore: before}, ok
}

// apologyRange selects open dossiers whose appointment is one working day
// away, whose clock runs and that were never extended: the officer is told
// the apology letter and a new appointment (form 04) must go out now if
// the dossier will be late (ND 61/2018 Art 19).
func (s *Sweeper) apologyRange(now time.Time) (models.AlertRange, bool) {
	from, before, ok := s.dueWindow(now, 1, 1)
	return models.AlertRange{Kind: models.AlertApologyDue, Roles: []string{models.RecipientOfficer},
		DueFrom: from, DueBefore: before, Apology: true}, ok
}

// stepRange selects open dossiers whose current step is past its own
// deadline: the officer is alerted.
func (s *Sweeper) stepRange(now time.Time) (models.AlertRange, bool) {
	return models.AlertRange{Kind: models.AlertStepOverdue, Roles: []string{models.RecipientOfficer},
		DueBefore: now, Step: true}, true
}

// dueWindow returns the instants [from, before) of the appointments whose
// date is lo to hi working days after today (WorkingDaysBetween), and not
// before now; ok is false when no date qualifies. The distance depends on
// the date alone and never decreases, so the dates form one run.
func (s *Sweeper) dueWindow(now time.Time, lo, hi int) (from, before time.Time, ok bool) {
	last := DateOf(s.Cal.AddWorkingDays(now, hi+1))
	for day := DateOf(now); !day.After(last); day = day.AddDate(0, 0, 1) {
		w := s.Cal.WorkingDaysBetween(now, day)
		if w > hi {
			return from, day, ok
		}
		if w >= lo && !ok {
			from, ok = maxTime(day, now), true
		}
	}
	return from, last.AddDate(0, 0, 1), ok
}

// maxTime returns the later of a and b.
func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// dueSoonDays returns DueSoonDays or its default.
func (s *Sweeper) dueSoonDays() int {
	if s.DueSoonDays > 0 {
		return s.DueSoonDays
	}
	return DefaultDueSoonDays
}
