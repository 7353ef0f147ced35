package deadlines

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/robfig/cron/v3"
)

// DefaultSweepSchedule is the cron spec of the sweeps: every 5 minutes.
const DefaultSweepSchedule = "*/5 * * * *"

// DefaultDigestSchedule is the cron spec of the daily digest: 07:30.
const DefaultDigestSchedule = "30 7 * * *"

// sweepTimeout bounds one scheduled sweep.
const sweepTimeout = 4 * time.Minute

// Job is extra work a scheduled sweep runs after the alerts, as of the same
// instant (such as firing expired steps, which this package cannot import).
type Job func(ctx context.Context, now time.Time) error

// Schedule returns a cron, not yet started, that runs s on spec, then each
// of after in order, and the daily digest on digestSpec (five fields or a
// descriptor such as "@every 1s", Asia/Ho_Chi_Minh), and logs the counts. A
// run still going when the next is due makes that one skip. Start it with
// Start; Stop it on shutdown.
func Schedule(s *Sweeper, spec, digestSpec string, log *slog.Logger, after ...Job) (*cron.Cron, error) {
	c := cron.New(cron.WithLocation(Location), cron.WithChain(cron.SkipIfStillRunning(cron.DiscardLogger)))
	if _, err := c.AddFunc(spec, func() { runScheduled(s, log, after) }); err != nil {
		return nil, fmt.Errorf("deadlines: sweep schedule %q: %w", spec, err)
	}
	if _, err := c.AddFunc(digestSpec, func() { runDigest(s, log, time.Now()) }); err != nil {
		return nil, fmt.Errorf("deadlines: digest schedule %q: %w", digestSpec, err)
	}
	return c, nil
}

// runDigest is the digest job body, as of now.
func runDigest(s *Sweeper, log *slog.Logger, now time.Time) {
	ctx, cancel := context.WithTimeout(context.Background(), sweepTimeout)
	defer cancel()
	n, skipped, err := s.Digest(ctx, now)
	if err != nil {
		log.Error("daily digest failed", "err", err)
		return
	}
	log.Info("daily digest", "skipped", skipped, "enqueued", n)
}

// runScheduled is the job body: one sweep as of the current time, then the
// after jobs unless another replica held the sweep lock (it runs them).
func runScheduled(s *Sweeper, log *slog.Logger, after []Job) {
	ctx, cancel := context.WithTimeout(context.Background(), sweepTimeout)
	defer cancel()
	now := time.Now()
	res, err := s.Run(ctx, now)
	if err != nil {
		log.Error("deadline sweep failed", "err", err)
		return
	}
	log.Info("deadline sweep", "skipped", res.Skipped, "due_soon", res.DueSoon, "overdue", res.Overdue,
		"step_overdue", res.StepOverdue, "apology_due", res.ApologyDue, "notifications", res.Notifications,
		"marked_overdue", res.MarkedOverdue)
	if res.Skipped {
		return
	}
	runAfter(ctx, now, log, after)
}

// runAfter runs the after jobs in order, logging and skipping a failed one.
func runAfter(ctx context.Context, now time.Time, log *slog.Logger, after []Job) {
	for _, job := range after {
		if err := job(ctx, now); err != nil {
			log.Error("scheduled job after the sweep failed", "err", err)
		}
	}
}
