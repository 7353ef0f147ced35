package notify

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"gorm.io/gorm"

	"github.com/motcua/motcua/models"
)

// Defaults of the worker.
const (
	DefaultBatch       = 20
	DefaultMaxAttempts = 8
	DefaultInterval    = 5 * time.Second
	firstRetry         = 30 * time.Second
	maxRetry           = time.Hour
)

// Worker delivers pending email notifications: it locks a batch, sends each
// message and records the outcome in the same transaction, so a row is
// never taken by two workers and never lost if a process dies (its
// transaction rolls back and the row is pending again).
//
// When the database fails after the mailer accepted messages but before
// the transaction committed (an outage), the rows are pending again
// though their messages went out. The worker keeps them in memory and,
// before it claims anything else, marks them sent once the database is
// back, so an outage sends no email twice. (Another replica that claims
// such a row first, in the instant the database is back, would send it
// again; so would a restart before the database is back.)
type Worker struct {
	DB          *gorm.DB
	Mailer      Mailer
	Renderer    *Renderer
	Log         *slog.Logger
	Batch       int    // rows per transaction; 0 means DefaultBatch
	MaxAttempts int    // attempts before a row is marked failed; 0 means DefaultMaxAttempts
	Domain      string // Message-ID domain; "" means "motcua"

	mu         sync.Mutex
	unrecorded []accepted // sent, but the transaction that marked them failed
}

// accepted is a message the mailer accepted for row n at at.
type accepted struct {
	n  models.Notification
	at time.Time
}

// Stats counts what one run did.
type Stats struct {
	Sent, Retried, Failed int
}

// add accumulates o into s.
func (s *Stats) add(o Stats) {
	s.Sent, s.Retried, s.Failed = s.Sent+o.Sent, s.Retried+o.Retried, s.Failed+o.Failed
}

// Backoff is the wait before attempt n+1 after n failed attempts: 30 s,
// doubling, at most an hour.
func Backoff(n int) time.Duration {
	d := firstRetry
	for i := 1; i < n && d < maxRetry; i++ {
		d *= 2
	}
	return min(d, maxRetry)
}

// Drain delivers batches due by now until none is left; first it records
// the messages sent before the database failed, if any.
func (w *Worker) Drain(ctx context.Context, now time.Time) (Stats, error) {
	var total Stats
	if err := w.recordUnrecorded(ctx); err != nil {
		return total, err
	}
	for {
		s, n, err := w.runBatch(ctx, now)
		total.add(s)
		if err != nil || n < w.batch() || ctx.Err() != nil {
			return total, err
		}
	}
}

// Run drains the outbox every interval until ctx ends, as of clock().
func (w *Worker) Run(ctx context.Context, interval time.Duration, clock func() time.Time) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		s, err := w.Drain(ctx, clock())
		if err != nil && ctx.Err() == nil {
			w.logger().Error("notification delivery failed", "err", err)
		}
		if s != (Stats{}) {
			w.logger().Info("notifications delivered", "sent", s.Sent, "retried", s.Retried, "failed", s.Failed)
		}
		select {
		case <-ctx.Done():
			w.lastRecord()
			return
		case <-t.C:
		}
	}
}

// lastRecord tries once more, for a few seconds, to record the messages
// sent before the database failed, as the worker stops.
func (w *Worker) lastRecord() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := w.recordUnrecorded(ctx); err != nil {
		w.logger().Error("notifications sent but not recorded: they will be sent again", "err", err)
	}
}

// recordUnrecorded marks sent, in one transaction, the rows whose messages
// went out in a transaction that failed; a row something else recorded
// meanwhile (the commit went through after all) is left as it is. On
// failure the rows are kept for the next try.
func (w *Worker) recordUnrecorded(ctx context.Context) error {
	w.mu.Lock()
	rows := w.unrecorded
	w.unrecorded = nil
	w.mu.Unlock()
	if len(rows) == 0 {
		return nil
	}
	dbCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	recorded := 0
	err := models.InTx(dbCtx, w.DB, func(tx *gorm.DB) error {
		recorded = 0
		for i := range rows {
			ok, err := models.MarkNotificationSentIfPending(dbCtx, tx, &rows[i].n, rows[i].at)
			if err != nil {
				return err
			}
			if ok {
				recorded++
			}
		}
		return nil
	})
	if err != nil {
		w.remember(rows)
		return fmt.Errorf("notify: record %d messages sent before the database failed: %w", len(rows), err)
	}
	w.logger().Info("notifications sent before the database failed recorded", "sent", len(rows), "recorded", recorded)
	return nil
}

// remember keeps rows whose messages went out but whose transaction failed.
func (w *Worker) remember(rows []accepted) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.unrecorded = append(w.unrecorded, rows...)
}

// logger is the worker's log, or one that discards.
func (w *Worker) logger() *slog.Logger {
	if w.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return w.Log
}

// runBatch claims, sends and marks one batch in one transaction; it returns
// the batch size. When ctx ends it stops sending but still commits what was
// sent, on a context of its own, so that nothing sent is sent again.
func (w *Worker) runBatch(ctx context.Context, now time.Time) (Stats, int, error) {
	var s Stats
	var n int
	var sent []accepted // by the mailer, in this transaction
	dbCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	err := models.InTx(dbCtx, w.DB, func(tx *gorm.DB) error {
		rows, err := models.ClaimNotifications(dbCtx, tx, now, w.batch())
		if err != nil {
			return err
		}
		n = len(rows)
		for i := range rows {
			if ctx.Err() != nil {
				break
			}
			if err := w.deliver(ctx, tx.WithContext(dbCtx), &rows[i], now, &s, &sent); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil && len(sent) > 0 {
		w.remember(sent)
	}
	return s, n, err
}

// deliver renders and sends one row and records the outcome through tx;
// a message the mailer accepted is added to sent.
func (w *Worker) deliver(ctx context.Context, tx *gorm.DB, n *models.Notification, now time.Time, s *Stats,
	sent *[]accepted) error {
	err := w.send(ctx, tx, n)
	if err == nil {
		s.Sent++
		*sent = append(*sent, accepted{n: *n, at: now})
		return models.MarkNotificationSent(tx.Statement.Context, tx, n, now)
	}
	if ctx.Err() != nil {
		return nil // shutting down: the row stays pending
	}
	var next *time.Time
	if n.Attempts+1 < w.maxAttempts() {
		t := now.Add(Backoff(n.Attempts + 1))
		next = &t
		s.Retried++
	} else {
		s.Failed++
	}
	w.logger().Warn("notification not delivered", "notification", n.ID, "attempt", n.Attempts+1, "err", err)
	return models.MarkNotificationRetry(tx.Statement.Context, tx, n, err, next)
}

// send renders n through tx and hands it to the mailer. Rendering reads
// through the claiming transaction, not Renderer.DB: on SQLite the pool has
// a single connection, which the transaction holds, so a read through
// Renderer.DB would wait for the transaction's timeout, roll it back after
// the message went out and send it again on every run.
func (w *Worker) send(ctx context.Context, tx *gorm.DB, n *models.Notification) error {
	r := *w.Renderer
	r.DB = tx
	c, err := r.Render(tx.Statement.Context, n)
	if err != nil {
		return err
	}
	return w.Mailer.Send(ctx, Message{NotificationID: n.ID, To: n.Email, Subject: c.Subject, Text: c.Body,
		MessageID: fmt.Sprintf("notification-%d@%s", n.ID, w.domain())})
}

func (w *Worker) batch() int {
	if w.Batch > 0 {
		return w.Batch
	}
	return DefaultBatch
}

func (w *Worker) maxAttempts() int {
	if w.MaxAttempts > 0 {
		return w.MaxAttempts
	}
	return DefaultMaxAttempts
}

func (w *Worker) domain() string {
	if w.Domain != "" {
		return w.Domain
	}
	return "motcua"
}
