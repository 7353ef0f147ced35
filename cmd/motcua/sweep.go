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

// startSweeps schedules the sweeps on MOTCUA_SWEEP_SCHEDULE (default every
// 5 minutes), each followed by firing expired steps, and starts them; the
// caller stops the returned cron.
func startSweeps(db *gorm.DB, eng *workflow.Engine, log *slog.Logger) (*cron.Cron, error) {
	c, err := deadlines.Schedule(newSweeper(db, eng),
		env("MOTCUA_SWEEP_SCHEDULE", deadlines.DefaultSweepSchedule), log, fireExpiredJob(db, eng, log))
	if err != nil {
		return nil, err
	}
	c.Start()
	return c, nil
}

// sweep runs every deadline sweep once, as of --at (default now), then
// fires the events of expired steps: for catch-up after downtime, and for
// tests.
func sweep(args []string, out io.Writer) error {
	now, err := sweepTime(args, out)
	if err != nil {
		return err
	}
	eng, err := loadEngine()
	if err != nil {
		return err
	}
	db, err := openDB()
	if err != nil {
		return err
	}
	if err := models.CheckSchema(db); err != nil {
		return err
	}
	res, err := newSweeper(db, eng).Run(context.Background(), now)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "sweep at %s: %s\n", now.In(deadlines.Location).Format(time.RFC3339), res)
	n, err := eng.FireExpired(context.Background(), db, now)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "expired steps fired: %d\n", n)
	return nil
}

// sweepTime parses the sweep subcommand's flags.
func sweepTime(args []string, out io.Writer) (time.Time, error) {
	fs := flag.NewFlagSet("sweep", flag.ContinueOnError)
	fs.SetOutput(out)
	at := fs.String("at", "", "the instant to sweep as of, RFC 3339 (default now), e.g. 2026-12-02T08:00:00+07:00")
	if err := fs.Parse(args); err != nil {
		return time.Time{}, err
	}
	if *at == "" {
		return time.Now(), nil
	}
	now, err := time.Parse(time.RFC3339, *at)
	if err != nil {
		return time.Time{}, fmt.Errorf("sweep --at: %q is not a time such as 2006-01-02T15:04:05+07:00", *at)
	}
	return now, nil
}
