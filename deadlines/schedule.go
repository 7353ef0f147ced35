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

// sweepTimeout bounds one scheduled sweep.
const sweepTimeout = 4 * time.Minute

// Schedule returns a cron, not yet started, that runs s on spec (five
// fields, Asia/Ho_Chi_Minh) and logs the counts. A run still going when the
// next is due makes that one skip. Start it with Start; Stop it on shutdown.
func Schedule(s *Sweeper, spec string, log *slog.Logger) (*cron.Cron, error) {
	c := cron.New(cron.WithLocation(Location), cron.WithChain(cron.SkipIfStillRunning(cron.DiscardLogger)))
	if _, err := c.AddFunc(spec, func() { runScheduled(s, log) }); err != nil {
		return nil, fmt.Errorf("deadlines: sweep schedule %q: %w", spec, err)
	}
	return c, nil
}

// runScheduled is the job body: one sweep as of the current time.
func runScheduled(s *Sweeper, log *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), sweepTimeout)
	defer cancel()
	res, err := s.Run(ctx, time.Now())
	if err != nil {
		log.Error("deadline sweep failed", "err", err)
		return
	}
	log.Info("deadline sweep", "skipped", res.Skipped, "due_soon", res.DueSoon, "overdue", res.Overdue,
		"step_overdue", res.StepOverdue, "apology_due", res.ApologyDue)
}
