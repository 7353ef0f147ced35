package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/robfig/cron/v3"
	"gorm.io/gorm"

	"github.com/motcua/motcua/config"
	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/workflow"
)

// newSweeper builds the deadline sweeper over db with the engine's calendar.
func newSweeper(db *gorm.DB, eng *workflow.Engine) *deadlines.Sweeper {
	return &deadlines.Sweeper{DB: db, Cal: eng.Calendar()}
}

// fireExpiredJob is the scheduled job that fires expired steps' events
// (deemed consent, supplementation lapsed) after each sweep.
func fireExpiredJob(db *gorm.DB, eng *workflow.Engine, log *slog.Logger) deadlines.Job {
	return func(ctx context.Context, now time.Time) error {
		n, err := eng.FireExpired(ctx, db, now)
		if n > 0 {
			log.Info("expired steps fired", "fired", n)
		}
		return err
	}
}

// loginFailureRetention is how long failed sign-ins are kept: far longer
// than the throttling window, for an administrator looking into attacks.
const loginFailureRetention = 24 * time.Hour

// pruneJob is the scheduled job that deletes old failed sign-ins, so that
// the table stays small.
func pruneJob(db *gorm.DB) deadlines.Job {
	return func(ctx context.Context, now time.Time) error {
		return models.PruneLoginFailures(ctx, db, now.Add(-loginFailureRetention))
	}
}

// startSweeps schedules the sweeps on the configured schedule (default every
// 5 minutes), each followed by firing expired steps, and the digest
// (default 07:30), and starts them; each sweep also prunes old failed
// sign-ins and writes the audit anchors of the days finished since. The caller stops the returned cron.
func startSweeps(cfg config.Config, db *gorm.DB, eng *workflow.Engine, log *slog.Logger) (*cron.Cron, error) {
	c, err := deadlines.Schedule(newSweeper(db, eng), cfg.SweepSchedule, cfg.DigestSchedule, log,
		fireExpiredJob(db, eng, log), pruneJob(db), anchorJob(db))
	if err != nil {
		return nil, err
	}
	c.Start()
	return c, nil
}

// openCurrent loads the engine and opens the configured database, refusing
// a schema that is behind: what every command working on live data needs.
func openCurrent(cfg config.Config) (*workflow.Engine, *gorm.DB, error) {
	eng, err := loadEngine(cfg)
	if err != nil {
		return nil, nil, err
	}
	db, err := openDB(cfg)
	if err != nil {
		return nil, nil, err
	}
	return eng, db, models.CheckSchema(db)
}

// sweepFlags are the flags of the sweep subcommand.
type sweepFlags struct {
	now     time.Time
	digest  bool // also enqueue the daily digest
	deliver bool // then deliver the outbox once
}

// sweep runs every deadline sweep once, as of --at (default now), then
// fires the events of expired steps and, when asked, enqueues the digest
// and delivers the outbox: for catch-up after downtime, and for tests.
func sweep(cfg config.Config, args []string, out io.Writer, log *slog.Logger) error {
	f, err := parseSweepFlags(args, out)
	if err != nil {
		return err
	}
	eng, db, err := openCurrent(cfg)
	if err != nil {
		return err
	}
	if err := sweepOnce(context.Background(), db, eng, f, out); err != nil {
		return err
	}
	if !f.deliver {
		return nil
	}
	return deliverOnce(cfg, context.Background(), db, eng, f.now, out, log)
}

// sweepOnce runs the sweeps, fires expired steps and, with --digest,
// enqueues the digest, printing the counts.
func sweepOnce(ctx context.Context, db *gorm.DB, eng *workflow.Engine, f sweepFlags, out io.Writer) error {
	s := newSweeper(db, eng)
	res, err := s.Run(ctx, f.now)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "sweep at %s: %s\n", f.now.In(deadlines.Location).Format(time.RFC3339), res)
	n, err := eng.FireExpired(ctx, db, f.now)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "expired steps fired: %d\n", n)
	a, err := models.WriteAnchors(ctx, db, f.now)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "audit anchors written: %d\n", a)
	if !f.digest {
		return nil
	}
	d, skipped, err := s.Digest(ctx, f.now)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "digests enqueued: %d (skipped: %t)\n", d, skipped)
	return nil
}

// deliverOnce drains the outbox as of now.
func deliverOnce(cfg config.Config, ctx context.Context, db *gorm.DB, eng *workflow.Engine, now time.Time, out io.Writer,
	log *slog.Logger) error {
	w, err := newWorker(cfg, db, eng, log)
	if err != nil {
		return err
	}
	st, err := w.Drain(ctx, now)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "notifications sent=%d retried=%d failed=%d\n", st.Sent, st.Retried, st.Failed)
	return nil
}

// parseSweepFlags parses the sweep subcommand's flags.
func parseSweepFlags(args []string, out io.Writer) (sweepFlags, error) {
	var f sweepFlags
	fs := flag.NewFlagSet("sweep", flag.ContinueOnError)
	fs.SetOutput(out)
	at := fs.String("at", "", "the instant to sweep as of, RFC 3339 (default now), e.g. 2026-12-02T08:00:00+07:00")
	fs.BoolVar(&f.digest, "digest", false, "also enqueue the daily digest for the date of --at")
	fs.BoolVar(&f.deliver, "deliver", false, "then deliver the pending notifications once")
	if err := fs.Parse(args); err != nil {
		return f, err
	}
	f.now = time.Now()
	if *at == "" {
		return f, nil
	}
	now, err := time.Parse(time.RFC3339, *at)
	if err != nil {
		return f, fmt.Errorf("sweep --at: %q is not a time such as 2006-01-02T15:04:05+07:00", *at)
	}
	f.now = now
	return f, nil
}
