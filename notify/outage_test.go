package notify_test

import (
	"context"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/models/modelstest"
	"github.com/motcua/motcua/notify"
	"github.com/motcua/motcua/notify/notifytest"
)

// TestWorkerRecordsSentAcrossOutage: the database goes away (its session
// terminated by the server) while the worker sends the second of three
// emails, after the relay accepted the first and as it accepts the second:
// the batch's transaction fails and rolls back, so the three rows are
// pending again though two messages went out. The next drain, with the
// database back, records those two as sent and sends only the third: each
// message arrives once and each row is sent after one attempt.
func TestWorkerRecordsSentAcrossOutage(t *testing.T) {
	db := modelstest.Postgres(t) // skips when PostgreSQL is unreachable, unless MOTCUA_REQUIRE_POSTGRES=1
	f := newFixture(t, db)
	var rows []models.Notification
	for i, email := range []string{"mot@dn.test", "hai@dn.test", "ba@dn.test"} {
		_, n := f.received(t, email, at(t, "2026-11-16 08:30").Add(time.Duration(i)*time.Minute))
		rows = append(rows, n)
	}
	app := "motcua_outage_" + time.Now().Format("150405.000000")
	workerDB := openAs(t, db, app)
	var offered atomic.Int32
	srv := notifytest.NewServer(t, func(notifytest.Mail) error {
		if offered.Add(1) == 2 { // the database goes away as the relay takes the second message
			err := db.Exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = ?", app).Error
			if err != nil {
				t.Error(err)
			}
		}
		return nil
	})
	w := &notify.Worker{DB: workerDB, Mailer: smtpMailer(t, srv), Log: discard,
		Renderer: &notify.Renderer{DB: workerDB, Cat: f.eng.Catalogue()}}
	now := at(t, "2026-11-16 10:00")
	if s, err := w.Drain(context.Background(), now); err == nil {
		t.Fatalf("the drain whose session was terminated succeeded (%+v)", s)
	}
	for _, n := range rows {
		if got := reload(t, db, n); got.Status != models.NotificationPending || got.Attempts != 0 {
			t.Fatalf("after the failed drain row %d is %s after %d attempts; want pending (rolled back)", n.ID,
				got.Status, got.Attempts)
		}
	}
	if len(srv.Mails()) != 2 {
		t.Fatalf("%d messages accepted before the failure, want 2", len(srv.Mails()))
	}
	drain(t, w, now.Add(time.Minute), notify.Stats{Sent: 1})
	seen := map[string]int{}
	for _, m := range srv.Mails() {
		seen[notifytest.Parse(t, m).MessageID]++
	}
	for _, n := range rows {
		if seen[messageID(n.ID)] != 1 {
			t.Errorf("%s delivered %d times, want once", messageID(n.ID), seen[messageID(n.ID)])
		}
		if got := reload(t, db, n); got.Status != models.NotificationSent || got.Attempts != 1 || got.SentAt == nil {
			t.Errorf("row %d: %s after %d attempts, sent at %v; want sent once", n.ID, got.Status, got.Attempts, got.SentAt)
		}
	}
}

// openAs opens db's schema again, its sessions named app.
func openAs(t *testing.T, db *gorm.DB, app string) *gorm.DB {
	t.Helper()
	var schema string
	if err := db.Raw("SELECT current_schema()").Scan(&schema).Error; err != nil {
		t.Fatal(err)
	}
	dsn, err := models.WithSearchPath(modelstest.PostgresURL(), schema)
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("application_name", app)
	u.RawQuery = q.Encode()
	out, err := models.Open(u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if sqlDB, err := out.DB(); err == nil {
			sqlDB.Close()
		}
	})
	return out
}
