package notify_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"gorm.io/gorm"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/models/modelstest"
	"github.com/motcua/motcua/notify"
	"github.com/motcua/motcua/notify/notifytest"
	"github.com/motcua/motcua/workflow"
	"github.com/motcua/motcua/workflow/workflowtest"
)

// at parses "2006-01-02 15:04" in Asia/Ho_Chi_Minh.
var at = workflowtest.At

// boardNameVI is the board's name, with every kind of diacritic the
// renderer must carry through SMTP.
const boardNameVI = "Ban Quản lý các khu công nghiệp tỉnh Hòa Bình"

var discard = slog.New(slog.NewTextHandler(io.Discard, nil))

// fixture is a board and an investor account on a fresh database with the
// shipped engine.
type fixture struct {
	db       *gorm.DB
	eng      *workflow.Engine
	board    *models.Board
	investor *models.User
}

func newFixture(t testing.TB, db *gorm.DB) *fixture {
	t.Helper()
	b := &models.Board{Code: "HBI", NameVI: boardNameVI, NameEN: "Hoa Binh Industrial Zones Authority",
		AgencyCode: "000.20.30.H33"}
	if err := db.Create(b).Error; err != nil {
		t.Fatal(err)
	}
	inv := &models.User{Username: "investor", FullName: "Nguyễn Thị Đầu Tư", Role: "investor",
		Email: "account@dn.test", Active: true}
	if err := db.Create(inv).Error; err != nil {
		t.Fatal(err)
	}
	return &fixture{db: db, eng: workflowtest.Engine(t), board: b, investor: inv}
}

// received files a construction permit (new) at the desk at submitted, for
// the investor with email as the applicant's address, and receives it 30
// minutes later; it returns the dossier and the email row the receipt
// enqueued.
func (f *fixture) received(t testing.TB, email string, submitted time.Time) (*models.Dossier, models.Notification) {
	t.Helper()
	ctx := context.Background()
	officer := workflow.Actor{Role: workflow.RoleOfficer, Name: "officer"}
	var d *models.Dossier
	err := models.InTx(ctx, f.db, func(tx *gorm.DB) error {
		var err error
		d, err = f.eng.Submit(ctx, tx, workflow.SubmitInput{BoardID: f.board.ID, Procedure: "construction-permit",
			Variant: "new", Channel: models.ChannelDirect, ApplicantName: "Công ty TNHH Thử Nghiệm Đồng Tiến",
			ApplicantEmail: email, InvestorID: &f.investor.ID,
			Attachments: workflowtest.Documents(t, f.eng, "construction-permit", "new", submitted)}, officer, submitted)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	d, ev, err := workflowtest.Apply(t, f.eng, ctx, f.db, d.ID, d.Version, "receive", officer, submitted.Add(30*time.Minute), workflow.Input{})
	if err != nil {
		t.Fatal(err)
	}
	var n models.Notification
	if err := f.db.Where("event_id = ? AND channel = ?", ev.ID, models.NotifyEmail).First(&n).Error; err != nil {
		t.Fatalf("the receipt enqueued no email: %v", err)
	}
	return d, n
}

// worker builds a worker over the fixture's database.
func (f *fixture) worker(m notify.Mailer) *notify.Worker {
	return &notify.Worker{DB: f.db, Mailer: m, Log: discard, Renderer: &notify.Renderer{DB: f.db, Cat: f.eng.Catalogue()}}
}

// smtpMailer is a mailer to srv without TLS.
func smtpMailer(t testing.TB, srv *notifytest.Server) *notify.SMTPMailer {
	t.Helper()
	m, err := notify.NewSMTPMailer(notify.SMTPConfig{Host: "127.0.0.1", Port: srv.Port, From: "motcua@bql.test",
		TLS: "none", Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// reload reads n again.
func reload(t testing.TB, db *gorm.DB, n models.Notification) models.Notification {
	t.Helper()
	var out models.Notification
	if err := db.First(&out, n.ID).Error; err != nil {
		t.Fatal(err)
	}
	return out
}

// drain runs w at now and checks the counts.
func drain(t testing.TB, w *notify.Worker, now time.Time, want notify.Stats) {
	t.Helper()
	got, err := w.Drain(context.Background(), now)
	if err != nil || got != want {
		t.Fatalf("drain at %s: %+v %v, want %+v", now.Format(time.DateTime), got, err, want)
	}
}

// messageID is the Message-ID header of notification id.
func messageID(id uint64) string { return fmt.Sprintf("<notification-%d@motcua>", id) }

// TestWorkerSendsEmail: the receipt of a dossier enqueues one email to the
// applicant's address; the worker sends it over SMTP with the subject in
// Vietnamese and English, diacritics intact (RFC 2047 encoded), the code
// and the appointment date (dd/mm/yyyy) in the body and the row's stable
// Message-ID, and marks the row sent once. A second drain sends nothing
// (the in-app row of the investor account never goes by email).
func TestWorkerSendsEmail(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		d, n := f.received(t, "hoso@dn.test", at(t, "2026-11-16 08:30"))
		if n.Status != models.NotificationPending || n.Email != "hoso@dn.test" || n.Kind != models.NotifyReceived {
			t.Fatalf("enqueued %+v", n)
		}
		srv := notifytest.NewServer(t, nil)
		w := f.worker(smtpMailer(t, srv))
		now := at(t, "2026-11-16 09:05")
		drain(t, w, now, notify.Stats{Sent: 1})

		mails := srv.Mails()
		if len(mails) != 1 {
			t.Fatalf("the SMTP server got %d messages, want 1", len(mails))
		}
		m := mails[0]
		if m.From != "motcua@bql.test" || !slices.Equal(m.To, []string{"hoso@dn.test"}) {
			t.Fatalf("envelope from %q to %v, want motcua@bql.test to [hoso@dn.test]", m.From, m.To)
		}
		p := notifytest.Parse(t, m)
		want := "Hồ sơ " + d.Code + " đã được tiếp nhận / Dossier " + d.Code + " received"
		if p.Subject != want {
			t.Errorf("subject %q, want %q", p.Subject, want)
		}
		if raw := p.Header.Get("Subject"); strings.ContainsFunc(raw, func(r rune) bool { return r > 127 }) {
			t.Errorf("raw Subject header is not RFC 2047 encoded: %q", raw)
		}
		if p.MessageID != messageID(n.ID) {
			t.Errorf("Message-ID %q, want %q", p.MessageID, messageID(n.ID))
		}
		if ct := p.Header.Get("Content-Type"); !strings.Contains(strings.ToLower(ct), "charset=utf-8") {
			t.Errorf("Content-Type %q, want UTF-8", ct)
		}
		// Received Mon 16/11/2026 09:00: ten working days, 24/11 off, due Tue 01/12/2026.
		due := d.DueAt.In(deadlines.Location).Format("02/01/2006")
		if due != "01/12/2026" {
			t.Fatalf("due %s, want 01/12/2026", due)
		}
		for _, s := range []string{d.Code, due, boardNameVI, "Ngày hẹn trả kết quả", "Result due on " + due} {
			if !strings.Contains(p.Body, s) {
				t.Errorf("body lacks %q:\n%s", s, p.Body)
			}
		}

		got := reload(t, db, n)
		if got.Status != models.NotificationSent || got.Attempts != 1 || got.SentAt == nil || !got.SentAt.Equal(now) ||
			got.LastError != "" {
			t.Fatalf("row after delivery: status %s attempts %d sent_at %v last_error %q; want sent, 1, %v",
				got.Status, got.Attempts, got.SentAt, got.LastError, now)
		}
		drain(t, w, now.Add(time.Hour), notify.Stats{})
		if len(srv.Mails()) != 1 || srv.DataCommands() != 1 {
			t.Fatalf("second drain: %d messages, %d DATA commands; want 1 and 1", len(srv.Mails()), srv.DataCommands())
		}
	})
}

// rejectFirst returns an onData hook that answers 451 to the first n
// messages and accepts the rest (n < 0: rejects all).
func rejectFirst(n int) func(notifytest.Mail) error {
	var mu sync.Mutex
	seen := 0
	return func(notifytest.Mail) error {
		mu.Lock()
		defer mu.Unlock()
		seen++
		if n < 0 || seen <= n {
			return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
		}
		return nil
	}
}

// TestWorkerRetriesWithBackoff: a relay that answers 451 to DATA twice.
// The first failure leaves the row pending, attempts 1, retried at
// now+30 s (Backoff(1)); a drain before then sends nothing; the second
// failure waits 60 s more (Backoff(2)); the third attempt succeeds. With
// MaxAttempts 2 a relay that always refuses gets the row marked failed
// after the second attempt, with the relay's answer as last_error, and the
// row is never tried again.
func TestWorkerRetriesWithBackoff(t *testing.T) {
	if notify.Backoff(1) != 30*time.Second || notify.Backoff(2) != time.Minute || notify.Backoff(20) != time.Hour {
		t.Fatalf("Backoff(1, 2, 20) = %v, %v, %v; want 30s, 1m, 1h", notify.Backoff(1), notify.Backoff(2), notify.Backoff(20))
	}
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		_, n := f.received(t, "hoso@dn.test", at(t, "2026-11-16 08:30"))
		srv := notifytest.NewServer(t, rejectFirst(2))
		w := f.worker(smtpMailer(t, srv))
		now := at(t, "2026-11-16 09:05")
		check := func(when string, status string, attempts int, next time.Time) models.Notification {
			t.Helper()
			got := reload(t, db, n)
			if got.Status != status || got.Attempts != attempts || !got.NextAttemptAt.Equal(next) {
				t.Fatalf("%s: status %s attempts %d next %v; want %s, %d, %v", when, got.Status, got.Attempts,
					got.NextAttemptAt.In(deadlines.Location), status, attempts, next.In(deadlines.Location))
			}
			return got
		}

		drain(t, w, now, notify.Stats{Retried: 1})
		got := check("first failure", models.NotificationPending, 1, now.Add(notify.Backoff(1)))
		if !strings.Contains(got.LastError, "451") || got.SentAt != nil {
			t.Fatalf("first failure: last_error %q sent_at %v, want the 451 and no sent_at", got.LastError, got.SentAt)
		}
		drain(t, w, now.Add(10*time.Second), notify.Stats{})
		if srv.DataCommands() != 1 {
			t.Fatalf("a drain before the backoff offered the message again: %d DATA commands", srv.DataCommands())
		}
		second := now.Add(31 * time.Second)
		drain(t, w, second, notify.Stats{Retried: 1})
		check("second failure", models.NotificationPending, 2, second.Add(notify.Backoff(2)))
		drain(t, w, second.Add(59*time.Second), notify.Stats{})
		third := second.Add(61 * time.Second)
		drain(t, w, third, notify.Stats{Sent: 1})
		got = check("third attempt", models.NotificationSent, 3, second.Add(notify.Backoff(2)))
		if got.SentAt == nil || !got.SentAt.Equal(third) || got.LastError != "" {
			t.Fatalf("after delivery: sent_at %v last_error %q, want %v and none", got.SentAt, got.LastError, third)
		}
		if len(srv.Mails()) != 1 || srv.DataCommands() != 3 {
			t.Fatalf("%d messages accepted of %d offered, want 1 of 3", len(srv.Mails()), srv.DataCommands())
		}

		// Gives up after MaxAttempts.
		_, n2 := f.received(t, "other@dn.test", at(t, "2026-11-17 08:30"))
		refusing := notifytest.NewServer(t, rejectFirst(-1))
		w2 := f.worker(smtpMailer(t, refusing))
		w2.MaxAttempts = 2
		start := at(t, "2026-11-17 09:05")
		drain(t, w2, start, notify.Stats{Retried: 1})
		drain(t, w2, start.Add(31*time.Second), notify.Stats{Failed: 1})
		got = reload(t, db, n2)
		if got.Status != models.NotificationFailed || got.Attempts != 2 || got.SentAt != nil ||
			!strings.Contains(got.LastError, "451") || !strings.Contains(got.LastError, "try again later") {
			t.Fatalf("after the last attempt: status %s attempts %d sent_at %v last_error %q; want failed, 2, none, the 451",
				got.Status, got.Attempts, got.SentAt, got.LastError)
		}
		drain(t, w2, start.Add(24*time.Hour), notify.Stats{})
		if refusing.DataCommands() != 2 || len(refusing.Mails()) != 0 {
			t.Fatalf("the failed row was offered %d times (want 2), %d accepted", refusing.DataCommands(), len(refusing.Mails()))
		}
	})
}

// TestWorkerSkipLockedPostgres: about 200 pending emails drained by three
// workers at once, ten rows per transaction, each with its own SMTP
// connection to one server: FOR UPDATE SKIP LOCKED gives each row to one
// worker, so every Message-ID arrives exactly once and every row is sent
// after one attempt.
func TestWorkerSkipLockedPostgres(t *testing.T) {
	db := modelstest.Postgres(t) // skips when PostgreSQL is unreachable, unless MOTCUA_REQUIRE_POSTGRES=1
	f := newFixture(t, db)
	var rows []models.Notification
	for i := range 4 {
		_, n := f.received(t, fmt.Sprintf("hoso%d@dn.test", i), at(t, "2026-11-16 08:30").Add(time.Duration(i)*time.Minute))
		rows = append(rows, n)
	}
	// The same receipts to 196 more addresses: (source, channel, recipient) stays unique.
	var extra []models.Notification
	for i := range 196 {
		n := rows[i%4]
		n.ID, n.Email = 0, fmt.Sprintf("copy%03d@dn.test", i)
		n.Recipient = "mailto:" + n.Email
		extra = append(extra, n)
	}
	if err := db.CreateInBatches(&extra, 100).Error; err != nil {
		t.Fatal(err)
	}
	rows = append(rows, extra...)
	want := map[string]string{} // Message-ID → recipient
	for _, n := range rows {
		want[messageID(n.ID)] = n.Email
	}
	if len(want) != 200 {
		t.Fatalf("%d rows", len(want))
	}

	// A little latency per message keeps the three workers' batches
	// overlapping; the server records how many messages were in flight at once.
	var flightMu sync.Mutex
	inFlight, maxInFlight := 0, 0
	srv := notifytest.NewServer(t, func(notifytest.Mail) error {
		flightMu.Lock()
		inFlight++
		maxInFlight = max(maxInFlight, inFlight)
		flightMu.Unlock()
		time.Sleep(2 * time.Millisecond)
		flightMu.Lock()
		inFlight--
		flightMu.Unlock()
		return nil
	})
	now := at(t, "2026-11-16 10:00")
	const workers = 3
	stats := make([]notify.Stats, workers)
	errs := make([]error, workers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range workers {
		w := f.worker(smtpMailer(t, srv))
		w.Batch = 10
		wg.Go(func() {
			<-start
			stats[i], errs[i] = w.Drain(context.Background(), now)
		})
	}
	close(start)
	wg.Wait()

	sent, busy := 0, 0
	for i := range workers {
		if errs[i] != nil {
			t.Fatalf("worker %d: %v", i, errs[i])
		}
		if stats[i].Retried != 0 || stats[i].Failed != 0 {
			t.Errorf("worker %d: %+v", i, stats[i])
		}
		sent += stats[i].Sent
		if stats[i].Sent > 0 {
			busy++
		}
	}
	t.Logf("sent per worker: %d, %d, %d; at most %d in flight", stats[0].Sent, stats[1].Sent, stats[2].Sent, maxInFlight)
	seen := map[string]int{}
	for _, m := range srv.Mails() {
		p := notifytest.Parse(t, m)
		seen[p.MessageID]++
		if to, ok := want[p.MessageID]; !ok || !slices.Equal(m.To, []string{to}) {
			t.Errorf("message %s to %v: not one of the rows, or the wrong recipient (want %s)", p.MessageID, m.To, to)
		}
	}
	for id, c := range seen {
		if c != 1 {
			t.Errorf("%s delivered %d times", id, c)
		}
	}
	if len(seen) != len(want) || sent != len(want) {
		t.Errorf("%d distinct messages, workers report %d sent; want %d", len(seen), sent, len(want))
	}
	// Without SKIP LOCKED (plain FOR UPDATE) a worker waits for the batch
	// another holds, so the workers send one batch at a time.
	if busy < 2 || maxInFlight < 2 {
		t.Errorf("%d worker(s) sent, at most %d message(s) in flight: the workers did not deliver concurrently",
			busy, maxInFlight)
	}
	var pending int64
	db.Model(&models.Notification{}).Where("channel = ? AND (status <> ? OR attempts <> 1 OR sent_at IS NULL)",
		models.NotifyEmail, models.NotificationSent).Count(&pending)
	if pending != 0 {
		t.Errorf("%d email rows not sent after exactly one attempt", pending)
	}
}

// TestWorkerLogMailer: with SMTP off the LogMailer logs each message,
// naming the recipient, the subject and the Message-ID, and the row is
// marked sent.
func TestWorkerLogMailer(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		d, n := f.received(t, "hoso@dn.test", at(t, "2026-11-16 08:30"))
		var buf bytes.Buffer
		w := f.worker(notify.LogMailer{Log: slog.New(slog.NewJSONHandler(&buf, nil))})
		now := at(t, "2026-11-16 09:05")
		drain(t, w, now, notify.Stats{Sent: 1})
		got := reload(t, db, n)
		if got.Status != models.NotificationSent || got.Attempts != 1 || got.SentAt == nil || !got.SentAt.Equal(now) {
			t.Fatalf("row: status %s attempts %d sent_at %v, want sent, 1, %v", got.Status, got.Attempts, got.SentAt, now)
		}
		var lines []map[string]any
		dec := json.NewDecoder(&buf)
		for dec.More() {
			var l map[string]any
			if err := dec.Decode(&l); err != nil {
				t.Fatal(err)
			}
			lines = append(lines, l)
		}
		if len(lines) != 1 {
			t.Fatalf("%d log lines, want 1: %v", len(lines), lines)
		}
		want := map[string]any{"to": "hoso@dn.test", "notification": float64(n.ID),
			"subject":    "Hồ sơ " + d.Code + " đã được tiếp nhận / Dossier " + d.Code + " received",
			"message_id": fmt.Sprintf("notification-%d@motcua", n.ID)}
		for k, v := range want {
			if lines[0][k] != v {
				t.Errorf("log %s = %v, want %v", k, lines[0][k], v)
			}
		}
		drain(t, w, now.Add(time.Hour), notify.Stats{})
		if buf.Len() != 0 {
			t.Fatalf("a second drain logged again: %s", buf.String())
		}
	})
}
