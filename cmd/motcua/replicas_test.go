package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"gorm.io/gorm"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/models/modelstest"
	"github.com/motcua/motcua/notify/notifytest"
	"github.com/motcua/motcua/workflow"
	"github.com/motcua/motcua/workflow/workflowtest"
)

// TestReplicasDeliverOnce is the multi-replica integration test (issue 4):
// three `motcua serve` processes on one PostgreSQL schema sweep every
// second and drain the outbox every 200 ms to an in-test SMTP server.
//
//  1. 30 dossiers received on pinned past working days, so that against
//     the real clock 12 are overdue, 6 due in one working day, 6 in two and
//     6 far from due; every third has an applicant address, whose receipt
//     was enqueued when it was received. The test waits until every
//     expected alert is raised and every email delivered.
//  2. Once everything is delivered, the SMTP server holds the next message
//     offered; 6 more overdue dossiers (two with an applicant address)
//     give the replicas new emails, and the replica that claims them and
//     sends first (the envelope sender tells which) is SIGKILLed
//     mid-delivery, its transaction holding the rest of its batch locked.
//     The held message is then refused, not recorded.
//  3. 6 more overdue dossiers and a receipt notifying an applicant; the
//     test waits (30 s at most) until everything is delivered.
//
// Then: each alert exists exactly once and the alerts are exactly those the
// dossiers call for; the email rows are exactly one per alert recipient and
// per applicant receipt, all sent after one attempt (the killed attempt
// left no trace); the SMTP server got each row's Message-ID exactly once,
// to the row's address, including the one the killed replica was sending;
// the two survivors exit 0 on SIGTERM.
func TestReplicasDeliverOnce(t *testing.T) {
	db := modelstest.Postgres(t) // skips when PostgreSQL is unreachable, unless MOTCUA_REQUIRE_POSTGRES=1
	waitPastMidnight(t)
	var schema string
	if err := db.Raw("SELECT current_schema()").Scan(&schema).Error; err != nil {
		t.Fatal(err)
	}
	dsn, err := models.WithSearchPath(modelstest.PostgresURL(), schema)
	if err != nil {
		t.Fatal(err)
	}
	// The binary builds while the dossiers are made.
	type build struct {
		bin string
		err error
	}
	built, binDir, done := make(chan build, 1), t.TempDir(), make(chan struct{})
	t.Cleanup(func() { <-done }) // before binDir is removed
	go func() {
		defer close(done)
		bin, err := buildMotcua(binDir)
		built <- build{bin, err}
	}()
	start := time.Now()
	f := newReplicaFixture(t, db)
	for i := range 30 {
		switch {
		case i < 12:
			f.dossier(t, overdueDossier, f.cal().AddWorkingDays(f.today, -(1+i%5)), i)
		case i < 18:
			f.dossier(t, dueInOneDay, f.cal().AddWorkingDays(f.today, 1), i)
		case i < 24:
			f.dossier(t, dueInTwoDays, f.cal().AddWorkingDays(f.today, 2), i)
		default:
			f.dossier(t, farFromDue, f.cal().AddWorkingDays(f.today, 5+i%4), i)
		}
	}
	t.Logf("%s %d dossiers built", since(start), 30)
	b := <-built
	if b.err != nil {
		t.Fatal(b.err)
	}
	bin := b.bin
	t.Logf("%s binary built", since(start))
	migrateCmd := exec.Command(bin, "migrate")
	migrateCmd.Env, migrateCmd.Dir = childEnv(map[string]string{"DATABASE_URL": dsn}), t.TempDir()
	if out, err := migrateCmd.CombinedOutput(); err != nil {
		t.Fatalf("motcua migrate: %v\n%s", err, out)
	}

	hold := &holdNext{}
	srv := notifytest.NewServer(t, hold.onData)
	t.Cleanup(hold.release)
	var replicas []*replica
	for i := range 3 {
		replicas = append(replicas, startReplica(t, bin, i, dsn, srv.Port))
	}
	for _, r := range replicas {
		r.waitListening(t)
	}
	t.Logf("%s replicas listening", since(start))

	// 1. Everything raised and delivered.
	f.waitSettled(t, srv, "initial dossiers")
	t.Logf("%s phase 1: %d alerts, %d emails delivered", since(start), len(f.wantAlerts), len(srv.Mails()))

	// 2. Kill the replica that is sending.
	hold.arm()
	for i := range 6 {
		f.dossier(t, overdueDossier, f.cal().AddWorkingDays(f.today, -(1+i%5)), 100+i)
	}
	var held notifytest.Mail
	select {
	case held = <-hold.held:
	case <-time.After(20 * time.Second):
		t.Fatal("no replica sent the new alerts' emails within 20 s")
	}
	var victim *replica
	for _, r := range replicas {
		if r.from == held.From {
			victim = r
		}
	}
	if victim == nil {
		t.Fatalf("held message from unknown sender %q", held.From)
	}
	victim.kill(t)
	hold.release()
	heldID := notifytest.Parse(t, held).MessageID
	t.Logf("%s phase 2: killed replica %d while it sent %s", since(start), victim.n, heldID)

	// 3. More work for the survivors.
	for i := range 6 {
		f.dossier(t, overdueDossier, f.cal().AddWorkingDays(f.today, -(1+i%5)), 200+i)
	}
	f.dossierNow(t, "nhadautu@dn.test")
	f.waitSettled(t, srv, "after the kill")
	t.Logf("%s phase 3: all delivered", since(start))

	f.checkAlerts(t)
	rows := f.checkOutbox(t)
	checkDelivered(t, srv, rows, heldID, victim.from)
	var survivors []*replica
	for _, r := range replicas {
		if r != victim {
			if err := r.cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			survivors = append(survivors, r)
		}
	}
	for _, r := range survivors {
		r.waitTerminated(t)
	}
	t.Logf("%s survivors stopped", since(start))
	if t.Failed() {
		for _, r := range replicas {
			t.Logf("replica %d log (tail):\n%s", r.n, r.logTail())
		}
	}
}

// since is the time elapsed since start, for the log.
func since(start time.Time) string { return time.Since(start).Round(time.Millisecond).String() }

// waitPastMidnight waits out the last 40 s of the day in Asia/Ho_Chi_Minh:
// which dossiers are due soon depends on the date.
func waitPastMidnight(t *testing.T) {
	now := time.Now().In(deadlines.Location)
	if left := deadlines.DateOf(now).AddDate(0, 0, 1).Sub(now); left < 40*time.Second {
		t.Logf("waiting %s for midnight", left)
		time.Sleep(left + time.Second)
	}
}

// buildMotcua builds the command into dir, with the race
// detector when the test binary has it (its packages are then in the build cache).
func buildMotcua(dir string) (string, error) {
	bin := filepath.Join(dir, "motcua")
	args := []string{"build", "-o", bin}
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			if s.Key == "-race" && s.Value == "true" {
				args = append(args, "-race")
			}
		}
	}
	if out, err := exec.Command("go", append(args, ".")...).CombinedOutput(); err != nil {
		return "", fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return bin, nil
}

// childEnv is the test's environment without DATABASE_URL, DATABASE_REPLICA_URL and MOTCUA_*
// (so MOTCUA_CONFIG_DIR is unset: the embedded configs), plus set.
func childEnv(set map[string]string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "MOTCUA_") && !strings.HasPrefix(kv, "DATABASE_URL=") && !strings.HasPrefix(kv, "DATABASE_REPLICA_URL=") {
			env = append(env, kv)
		}
	}
	for k, v := range set {
		env = append(env, k+"="+v)
	}
	return env
}

// replica is one `motcua serve` process.
type replica struct {
	n    int
	cmd  *exec.Cmd
	addr string
	from string // its MOTCUA_SMTP_FROM: the envelope sender tells the replicas apart
	log  string // stdout and stderr
	done chan error
}

// startReplica starts replica n on a free port; it is killed when the test ends if still running.
func startReplica(t *testing.T, bin string, n int, dsn string, smtpPort int) *replica {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	dir := t.TempDir()
	r := &replica{n: n, addr: addr, from: fmt.Sprintf("motcua-%d@bql.test", n), log: filepath.Join(dir, "serve.log"),
		done: make(chan error, 1)}
	logFile, err := os.Create(r.log)
	if err != nil {
		t.Fatal(err)
	}
	r.cmd = exec.Command(bin, "serve")
	r.cmd.Dir, r.cmd.Stdout, r.cmd.Stderr = dir, logFile, logFile
	r.cmd.Env = childEnv(map[string]string{
		"DATABASE_URL":           dsn,
		"MOTCUA_ADDR":            addr,
		"MOTCUA_DATA_DIR":        filepath.Join(dir, "data"),
		"MOTCUA_SWEEP_SCHEDULE":  "@every 1s",
		"MOTCUA_OUTBOX_INTERVAL": "200ms",
		"MOTCUA_SMTP_HOST":       "127.0.0.1",
		"MOTCUA_SMTP_PORT":       fmt.Sprint(smtpPort),
		"MOTCUA_SMTP_TLS":        "none",
		"MOTCUA_SMTP_FROM":       r.from,
	})
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { r.done <- r.cmd.Wait(); logFile.Close() }()
	t.Cleanup(func() {
		if r.cmd.ProcessState == nil {
			r.cmd.Process.Kill()
			<-r.done
		}
	})
	return r
}

// waitListening waits until the replica accepts connections.
func (r *replica) waitListening(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-r.done:
			t.Fatalf("replica %d exited before listening: %v\n%s", r.n, err, r.logTail())
		default:
		}
		if c, err := net.Dial("tcp", r.addr); err == nil {
			c.Close()
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("replica %d never listened on %s\n%s", r.n, r.addr, r.logTail())
}

// kill SIGKILLs the replica and waits for it to die.
func (r *replica) kill(t *testing.T) {
	t.Helper()
	if err := r.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err := <-r.done
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("replica %d: %v, want killed by SIGKILL", r.n, err)
	}
}

// waitTerminated checks that the replica, sent SIGTERM, exits 0 within
// 20 s, without a data race or an error logged.
func (r *replica) waitTerminated(t *testing.T) {
	t.Helper()
	select {
	case err := <-r.done:
		if err != nil {
			t.Errorf("replica %d on SIGTERM: %v, want exit 0\n%s", r.n, err, r.logTail())
		}
	case <-time.After(20 * time.Second):
		t.Errorf("replica %d still running 20 s after SIGTERM", r.n)
		return
	}
	b, _ := os.ReadFile(r.log)
	for _, bad := range []string{"DATA RACE", "panic:", `"level":"ERROR"`} {
		if strings.Contains(string(b), bad) {
			t.Errorf("replica %d logged %q:\n%s", r.n, bad, r.logTail())
		}
	}
}

// logTail is the end of the replica's output.
func (r *replica) logTail() string {
	b, _ := os.ReadFile(r.log)
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

// holdNext is an onData hook: once armed, it holds the next message
// offered until released, then refuses it (it is not recorded).
type holdNext struct {
	mu       sync.Mutex
	armed    bool
	held     chan notifytest.Mail
	released chan struct{}
	once     sync.Once
}

func (h *holdNext) arm() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.armed, h.held, h.released = true, make(chan notifytest.Mail, 1), make(chan struct{})
}

// release lets the held message go (refused); it may be called more than once.
func (h *holdNext) release() {
	h.mu.Lock()
	ch := h.released
	h.mu.Unlock()
	if ch != nil {
		h.once.Do(func() { close(ch) })
	}
}

func (h *holdNext) onData(m notifytest.Mail) error {
	h.mu.Lock()
	if !h.armed {
		h.mu.Unlock()
		return nil
	}
	h.armed = false
	held, released := h.held, h.released
	h.mu.Unlock()
	held <- m
	<-released
	return &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 4, 2}, Message: "connection lost"}
}

// The kinds of dossier the test builds, by distance to the appointment.
const (
	overdueDossier = "overdue"
	dueInOneDay    = "due in 1 working day"
	dueInTwoDays   = "due in 2 working days"
	farFromDue     = "far from due"
)

// replicaFixture is a board with one officer and one manager who have
// addresses, and the alerts and emails the dossiers built so far call for.
type replicaFixture struct {
	db               *gorm.DB
	eng              *workflow.Engine
	board            uint
	officer, manager string // their addresses
	today            time.Time
	wantAlerts       []string // dossier/kind/due/role
	wantEmails       []string // see outboxKeys
}

func newReplicaFixture(t *testing.T, db *gorm.DB) *replicaFixture {
	t.Helper()
	b := &models.Board{Code: "HBI", NameVI: "Ban Quản lý các khu công nghiệp tỉnh Hòa Bình", AgencyCode: "000.20.30.H33"}
	if err := db.Create(b).Error; err != nil {
		t.Fatal(err)
	}
	f := &replicaFixture{db: db, eng: workflowtest.Engine(t), board: b.ID, officer: "canbo@bql.test",
		manager: "lanhdao@bql.test", today: deadlines.DateOf(time.Now())}
	for _, u := range []*models.User{
		{BoardID: &b.ID, Username: "a.officer", FullName: "Trần Văn Cán Bộ", Role: models.RecipientOfficer, Email: f.officer, Active: true},
		{BoardID: &b.ID, Username: "m.manager", FullName: "Lê Thị Lãnh Đạo", Role: models.RecipientManager, Email: f.manager, Active: true},
	} {
		if err := db.Create(u).Error; err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func (f *replicaFixture) cal() *deadlines.Calendar { return f.eng.Calendar() }

// dossier files a construction permit (new) at 08:30 and receives it at
// 09:00 on the past working day that makes it due at the end of due, and
// records what it calls for; every third has an applicant address.
func (f *replicaFixture) dossier(t *testing.T, kind string, due time.Time, n int) {
	t.Helper()
	day := f.receiptDay(t, due)
	email := ""
	if n%3 == 0 {
		email = fmt.Sprintf("hoso%03d@dn.test", n)
	}
	d := f.receive(t, day.Add(8*time.Hour+30*time.Minute), email)
	if want := deadlines.EndOfDay(due); d.DueAt == nil || !d.DueAt.Equal(want) {
		t.Fatalf("dossier received %s is due %v, want %v", day.Format(time.DateOnly), d.DueAt, want)
	}
	alert := func(kind models.AlertKind, role, to string) {
		f.wantAlerts = append(f.wantAlerts, alertKey(d.ID, kind, *d.DueAt, role))
		f.wantEmails = append(f.wantEmails, fmt.Sprintf("alert/%d/%s/%s→%s", d.ID, kind, role, to))
	}
	switch kind {
	case overdueDossier:
		alert(models.AlertOverdue, models.RecipientOfficer, f.officer)
		alert(models.AlertOverdue, models.RecipientManager, f.manager)
	case dueInOneDay:
		alert(models.AlertDueSoon, models.RecipientOfficer, f.officer)
		alert(models.AlertApologyDue, models.RecipientOfficer, f.officer)
	case dueInTwoDays:
		alert(models.AlertDueSoon, models.RecipientOfficer, f.officer)
	}
	if email != "" {
		f.wantEmails = append(f.wantEmails, fmt.Sprintf("event/%d/%s→%s", d.ID, models.NotifyReceived, email))
	}
}

// dossierNow files and receives a dossier now, far from due, notifying the applicant.
func (f *replicaFixture) dossierNow(t *testing.T, email string) {
	t.Helper()
	d := f.receive(t, time.Now().Add(-30*time.Minute), email)
	f.wantEmails = append(f.wantEmails, fmt.Sprintf("event/%d/%s→%s", d.ID, models.NotifyReceived, email))
}

// receiptDay finds a working day, before today, on which a dossier
// received at 09:00 is due on due.
func (f *replicaFixture) receiptDay(t *testing.T, due time.Time) time.Time {
	t.Helper()
	p, err := f.eng.Catalogue().Procedure("construction-permit")
	if err != nil {
		t.Fatal(err)
	}
	for day := due.AddDate(0, 0, -60); day.Before(f.today); day = day.AddDate(0, 0, 1) {
		v, err := p.VersionAt(day.Add(9 * time.Hour))
		if err != nil || !f.cal().IsWorkingDay(day) {
			continue
		}
		rules, err := v.Rules("new", f.eng.Catalogue().OneStop)
		if err != nil {
			t.Fatal(err)
		}
		if f.cal().DueDate(day, rules.Period).Equal(due) {
			return day
		}
	}
	t.Fatalf("no receipt day before %s gives the appointment %s", f.today.Format(time.DateOnly), due.Format(time.DateOnly))
	return time.Time{}
}

// receive submits at submitted and receives 30 minutes later, through the engine.
func (f *replicaFixture) receive(t *testing.T, submitted time.Time, email string) *models.Dossier {
	t.Helper()
	ctx := context.Background()
	officer := workflow.Actor{Role: workflow.RoleOfficer, Name: "officer"}
	var d *models.Dossier
	err := models.InTx(ctx, f.db, func(tx *gorm.DB) error {
		var err error
		d, err = f.eng.Submit(ctx, tx, workflow.SubmitInput{BoardID: f.board, Procedure: "construction-permit",
			Variant: "new", Channel: models.ChannelDirect, ApplicantName: "Công ty TNHH Thử Nghiệm", ApplicantEmail: email,
			Attachments: workflowtest.Documents(t, f.eng, "construction-permit", "new", submitted)}, officer, submitted)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	d, _, err = workflowtest.Apply(t, f.eng, ctx, f.db, d.ID, d.Version, "receive", officer, submitted.Add(30*time.Minute), workflow.Input{})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func alertKey(dossier uint64, kind models.AlertKind, due time.Time, role string) string {
	return fmt.Sprintf("%d/%s/%s/%s", dossier, kind, due.UTC().Format(time.RFC3339), role)
}

// alertKeys lists the alerts in the schema.
func (f *replicaFixture) alertKeys(t *testing.T) []string {
	t.Helper()
	var alerts []models.Alert
	if err := f.db.Order("id").Find(&alerts).Error; err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, a := range alerts {
		out = append(out, alertKey(a.DossierID, a.Kind, a.DueAt, a.RecipientRole))
	}
	return out
}

// outboxRow is an email row with what it is about.
type outboxRow struct {
	models.Notification
	AlertKind     string
	RecipientRole string
}

// outbox lists the email rows, digests included.
func (f *replicaFixture) outbox(t *testing.T) []outboxRow {
	t.Helper()
	var rows []outboxRow
	err := f.db.Table("notifications n").Select("n.*, a.kind AS alert_kind, a.recipient_role").
		Joins("LEFT JOIN alerts a ON a.id = n.alert_id").Where("n.channel = ?", models.NotifyEmail).
		Order("n.id").Scan(&rows).Error
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// outboxKeys describes the rows other than digests (which depend on the
// time of day): "alert/dossier/kind/role→address" or "event/dossier/kind→address".
func outboxKeys(rows []outboxRow) []string {
	var out []string
	for _, r := range rows {
		switch {
		case r.Kind == models.NotifyDigest:
		case r.AlertID != nil:
			out = append(out, fmt.Sprintf("alert/%d/%s/%s→%s", *r.DossierID, r.AlertKind, r.RecipientRole, r.Email))
		default:
			out = append(out, fmt.Sprintf("event/%d/%s→%s", *r.DossierID, r.Kind, r.Email))
		}
	}
	return out
}

// waitSettled polls (30 s at most) until the alerts and email rows are
// those expected, every row is sent and the SMTP server has as many
// messages as there are rows.
func (f *replicaFixture) waitSettled(t *testing.T, srv *notifytest.Server, phase string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		alerts, rows := f.alertKeys(t), f.outbox(t)
		unsent := 0
		for _, r := range rows {
			if r.Status != models.NotificationSent {
				unsent++
			}
		}
		mails := len(srv.Mails())
		if sameSet(alerts, f.wantAlerts) && sameSet(outboxKeys(rows), f.wantEmails) && unsent == 0 && mails >= len(rows) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not settled after 30 s: %d alerts (want %d), %d email rows (want %d), %d not sent, %d messages",
				phase, len(alerts), len(f.wantAlerts), len(rows), len(f.wantEmails), unsent, mails)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// sameSet reports whether a and b hold the same strings, duplicates counted.
func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// checkAlerts: each (dossier, kind, due_at, recipient_role) once, and the
// set is what the dossiers call for.
func (f *replicaFixture) checkAlerts(t *testing.T) {
	t.Helper()
	got := f.alertKeys(t)
	count := map[string]int{}
	for _, k := range got {
		count[k]++
	}
	for k, n := range count {
		if n != 1 {
			t.Errorf("alert %s raised %d times", k, n)
		}
	}
	if !sameSet(got, f.wantAlerts) {
		t.Errorf("alerts:\n%v\nwant:\n%v", got, f.wantAlerts)
	}
}

// checkOutbox: the email rows are those expected, each sent after exactly
// one attempt, none pending or failed; it returns every email row.
func (f *replicaFixture) checkOutbox(t *testing.T) []outboxRow {
	t.Helper()
	rows := f.outbox(t)
	if got := outboxKeys(rows); !sameSet(got, f.wantEmails) {
		t.Errorf("email rows:\n%v\nwant:\n%v", got, f.wantEmails)
	}
	for _, r := range rows {
		if r.Status != models.NotificationSent || r.Attempts != 1 || r.SentAt == nil || r.LastError != "" {
			t.Errorf("row %d (%s to %s): status %s, attempts %d, sent_at %v, last_error %q; want sent once",
				r.ID, r.Kind, r.Email, r.Status, r.Attempts, r.SentAt, r.LastError)
		}
	}
	var other int64
	f.db.Model(&models.Notification{}).Where("status IN ?", []string{models.NotificationPending, models.NotificationFailed}).
		Count(&other)
	if other != 0 {
		t.Errorf("%d notification rows pending or failed", other)
	}
	return rows
}

// checkDelivered: the SMTP server got each row's Message-ID exactly once,
// addressed to the row's recipient, and nothing else; the message the
// killed replica was sending was delivered by another.
func checkDelivered(t *testing.T, srv *notifytest.Server, rows []outboxRow, heldID, victim string) {
	t.Helper()
	want := map[string]string{}
	for _, r := range rows {
		want[fmt.Sprintf("<notification-%d@motcua>", r.ID)] = r.Email
	}
	got := map[string]int{}
	senders := map[string]int{}
	for _, m := range srv.Mails() {
		id := notifytest.Parse(t, m).MessageID
		got[id]++
		senders[m.From]++
		if to, ok := want[id]; !ok || !slices.Equal(m.To, []string{to}) {
			t.Errorf("message %s to %v: not a row of the outbox, or not to its address %q", id, m.To, to)
		}
		if id == heldID && m.From == victim {
			t.Errorf("the held message %s was recorded from the killed replica", id)
		}
	}
	for id, n := range got {
		if n != 1 {
			t.Errorf("%s delivered %d times", id, n)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d distinct messages delivered, want %d", len(got), len(want))
	}
	if got[heldID] != 1 {
		t.Errorf("the message the killed replica was sending (%s) was delivered %d times, want once", heldID, got[heldID])
	}
	t.Logf("%d distinct messages delivered, %d in all; by sender: %v", len(got), len(srv.Mails()), senders)
}
