package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/motcua/motcua/internal/pgclustertest"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/notify/notifytest"
)

// The outage and what the test allows.
const (
	outageLength = 10 * time.Second
	// answerBound is the longest any answer may take, outage or not: the
	// connect timeout (a stopped database refuses at once, so an answer
	// that waits even that long is a hang).
	answerBound = models.DefaultConnectTimeout
	// readyWithin is how soon /readyz must answer 200 once the
	// database accepts connections again.
	readyWithin = 5 * time.Second
	// settleAfterReady is how long after /readyz's first 200 answers may
	// still fail (requests sent before it).
	settleAfterReady = time.Second
	outagePassword   = "mat-dien-10-giay"
)

// TestDatabaseOutage is the outage test of issue 14, part 3: one `motcua
// serve` on a PostgreSQL cluster of the test's own, under load (the API's
// search, a dossier, submits, sign-ins and tracking; the officer's desk
// page and the public tracking page), sweeping every second and
// delivering the outbox every 200 ms to an in-process SMTP server.
//
// The cluster is stopped (immediate: as in a crash, every connection cut
// without a word, recovery at the next start) for 10 s while
// the outbox worker is in the middle of sending an email: the SMTP server
// holds the message until the database is down, then accepts it. Then the
// cluster starts again; serve is not restarted.
//
// It checks that:
//   - no answer is a 500 or any 5xx but 503, and none takes longer than
//     the connect timeout (5 s);
//   - every 503 carries Retry-After, and says "database_unavailable" (the
//     API) or is the error page (pages) in both languages;
//   - every answer sent and received while the database was down is 503;
//   - /readyz answers 503 during the outage and 200 within 5 s of the
//     database's return; every kind of request succeeds again, and every
//     request sent a second after that succeeds;
//   - every dossier whose submit answered 201 is in the database;
//   - each alert exists once, each email row was sent once in one
//     attempt, and the SMTP server got each row's message exactly once
//     (the one being sent when the database went down included);
//   - serve logs the outage's failed requests in a few lines, not a line
//     per request, and exits 0 on SIGTERM.
func TestDatabaseOutage(t *testing.T) {
	waitPastMidnight(t)
	start := time.Now()
	built, binDir, done := make(chan build, 1), t.TempDir(), make(chan struct{})
	t.Cleanup(func() { <-done })
	go func() {
		defer close(done)
		bin, err := buildMotcua(binDir)
		built <- build{bin, err}
	}()
	pg := pgclustertest.New(t, "outage")
	dsn := pg.CreateDatabase(t, "motcua")
	t.Logf("%s cluster %s on port %d", since(start), pg.Name, pg.Port)
	b := <-built
	if b.err != nil {
		t.Fatal(b.err)
	}
	t.Logf("%s binary built", since(start))
	migrateCmd := exec.Command(b.bin, "migrate")
	migrateCmd.Env, migrateCmd.Dir = childEnv(map[string]string{"DATABASE_URL": dsn}), t.TempDir()
	if out, err := migrateCmd.CombinedOutput(); err != nil {
		t.Fatalf("motcua migrate: %v\n%s", err, out)
	}
	db, err := models.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { closeDB(db) })

	f := newReplicaFixture(t, db)
	for i := range 6 {
		f.dossier(t, overdueDossier, f.cal().AddWorkingDays(f.today, -(1+i%3)), i)
	}
	c := &outageClient{http: &http.Client{Timeout: 30 * time.Second}, user: "a.officer", password: outagePassword}
	c.code, c.pin = signInable(t, db, c.user, c.password)
	hold := &holdThenAccept{}
	srv := notifytest.NewServer(t, hold.onData)
	r := startReplica(t, b.bin, 0, dsn, srv.Port)
	r.waitListening(t)
	c.base = "http://" + r.addr
	c.login(t)
	f.waitSettled(t, srv, "before the outage")
	t.Logf("%s serving; %d alerts, %d emails delivered", since(start), len(f.wantAlerts), len(srv.Mails()))

	ready := pollReady(c)
	work := startLoad(c)
	time.Sleep(2 * time.Second)

	// The worker is sending when the database goes down.
	hold.arm()
	f.dossierNow(t, "dang-gui@dn.test")
	for i := range 3 {
		f.dossier(t, overdueDossier, f.cal().AddWorkingDays(f.today, -(1+i)), 100+i)
	}
	var held notifytest.Mail
	select {
	case held = <-hold.held:
	case <-time.After(20 * time.Second):
		t.Fatal("the worker sent nothing within 20 s")
	}
	stopAt := time.Now()
	pg.Stop(t, "immediate")
	down := time.Now()
	hold.release() // the message is accepted, with the database down
	t.Logf("%s database stopped while %s was being sent", since(start), notifytest.Parse(t, held).MessageID)
	time.Sleep(outageLength)
	upAt := time.Now()
	pg.Start(t)
	up := time.Now()
	t.Logf("%s database started again (%s to start)", since(start), up.Sub(upAt).Round(time.Millisecond))
	readyAt := waitReady(t, ready, upAt, up)
	t.Logf("%s /readyz 200 again, %s after the start command (the database accepted connections after %s)",
		since(start), readyAt.Sub(upAt).Round(time.Millisecond), up.Sub(upAt).Round(time.Millisecond))
	time.Sleep(3 * time.Second)
	answers := work.halt()
	readies := ready.halt()

	w := window{stopAt: stopAt, down: down, upAt: upAt, ready: readyAt}
	checkAnswers(t, answers, w)
	checkReadiness(t, readies, w)
	checkSubmitted(t, db, answers)
	f.waitSettled(t, srv, "after the outage")
	f.checkAlerts(t)
	rows := f.checkOutbox(t)
	checkDeliveredOnce(t, srv, rows, notifytest.Parse(t, held).MessageID)
	if err := r.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	checkOutageLog(t, r, answers, w)
	t.Logf("%s done", since(start))
}

// build is the motcua binary built for the test, or why not.
type build struct {
	bin string
	err error
}

// closeDB closes a handle's pool.
func closeDB(db *gorm.DB) {
	if sqlDB, err := db.DB(); err == nil {
		sqlDB.Close()
	}
}

// signInable gives the user a password and a verified address, and
// returns the code and tracking PIN of a dossier.
func signInable(t *testing.T, db *gorm.DB, username, password string) (code, pin string) {
	t.Helper()
	hash, err := models.HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Model(&models.User{}).Where("username = ?", username).
		Updates(map[string]any{"password_hash": hash, "email_verified_at": time.Now().UTC()}).Error
	if err != nil {
		t.Fatal(err)
	}
	var d models.Dossier
	if err := db.Order("id").First(&d).Error; err != nil {
		t.Fatal(err)
	}
	return d.Code, d.TrackingPIN
}

// holdThenAccept is an onData hook: once armed, it holds the next
// message offered until released, then accepts it.
type holdThenAccept struct {
	mu       sync.Mutex
	armed    bool
	held     chan notifytest.Mail
	released chan struct{}
}

func (h *holdThenAccept) arm() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.armed, h.held, h.released = true, make(chan notifytest.Mail, 1), make(chan struct{})
}

func (h *holdThenAccept) release() { close(h.released) }

func (h *holdThenAccept) onData(m notifytest.Mail) error {
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
	return nil
}

// window is when the database was asked to stop and when it was down,
// when it was started again and when /readyz first answered 200 after.
type window struct {
	stopAt, down, upAt, ready time.Time
}

// during reports whether a was sent and answered while the database was down.
func (w window) during(a answer) bool { return a.sent.After(w.down) && a.got.Before(w.upAt) }

// settled reports whether a was sent after the service was ready again
// and had a moment to settle.
func (w window) settled(a answer) bool { return a.sent.After(w.ready.Add(settleAfterReady)) }

// waitReady waits until /readyz answers 200 to a request sent after
// upAt, when the database was started again, and returns when that answer
// came; it fails if none came within readyWithin of up, when the
// database was seen accepting connections.
func waitReady(t *testing.T, ready *load, upAt, up time.Time) time.Time {
	t.Helper()
	for {
		if at, ok := ready.firstOK(upAt); ok {
			return at
		}
		if time.Since(up) > readyWithin {
			t.Fatalf("/readyz not 200 within %s of the database's return", readyWithin)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// checkAnswers checks every answer of the load (see TestDatabaseOutage).
func checkAnswers(t *testing.T, answers []answer, w window) {
	t.Helper()
	ok := map[string][]int{}
	for _, k := range loadKinds {
		ok[k.name] = k.ok
	}
	type tally struct{ during, unavailable, successAfter, total int }
	kinds := map[string]*tally{}
	var slowest time.Duration
	bad := 0
	fail := func(format string, args ...any) {
		if bad++; bad <= 20 {
			t.Errorf(format, args...)
		}
	}
	for _, a := range answers {
		k := kinds[a.kind]
		if k == nil {
			k = &tally{}
			kinds[a.kind] = k
		}
		k.total++
		slowest = max(slowest, a.latency())
		success := slices.Contains(ok[a.kind], a.status)
		switch {
		case a.err != nil || a.latency() > answerBound:
			fail("slower than %s: %s", answerBound, a)
		case a.status == http.StatusServiceUnavailable:
			k.unavailable++
			if !unavailableAnswer(a) {
				fail("a 503 without Retry-After or the outage's message: %s", a)
			}
		case !success:
			fail("neither a success nor 503: %s", a)
		}
		if w.during(a) {
			k.during++
			if a.status != http.StatusServiceUnavailable {
				fail("answered while the database was down, but not 503: %s", a)
			}
		}
		if w.settled(a) && !success {
			fail("failed after the service was ready again: %s", a)
		}
		if a.sent.After(w.ready) && success {
			k.successAfter++
		}
	}
	for _, lk := range loadKinds {
		k := kinds[lk.name]
		if k == nil || k.during == 0 || k.successAfter == 0 {
			t.Errorf("%s: %+v; want answers during the outage and successes after it", lk.name, k)
			continue
		}
		t.Logf("%-12s %4d answers, %3d during the outage, %3d answered 503, %3d successes after",
			lk.name, k.total, k.during, k.unavailable, k.successAfter)
	}
	t.Logf("%d answers, the slowest in %s", len(answers), slowest.Round(time.Millisecond))
}

// unavailableAnswer reports whether a 503 is the outage's: Retry-After
// set, and the API's code or the error page in both languages.
func unavailableAnswer(a answer) bool {
	if !retryAfterOK(a.retryAfter) {
		return false
	}
	if a.code == "page" {
		return strings.Contains(strings.ToLower(a.body), "cơ sở dữ liệu tạm thời không truy cập được")
	}
	return a.code == "database_unavailable" && strings.Contains(a.body, "the database is unavailable")
}

// checkReadiness: /readyz answered 503 with the database down, 200 before
// the outage and once ready again.
func checkReadiness(t *testing.T, readies []answer, w window) {
	t.Helper()
	var before, during, after int
	for _, a := range readies {
		switch {
		case a.got.Before(w.stopAt):
			before++
			if a.status != http.StatusOK {
				t.Errorf("/readyz before the outage: %s", a)
			}
		case w.during(a):
			during++
			if a.status != http.StatusServiceUnavailable {
				t.Errorf("/readyz with the database down: %s", a)
			}
		case a.sent.After(w.ready):
			after++
			if a.status != http.StatusOK {
				t.Errorf("/readyz once ready again: %s", a)
			}
		}
	}
	if before == 0 || during == 0 || after == 0 {
		t.Errorf("/readyz answered %d times before, %d during and %d after the outage", before, during, after)
	}
}

// checkSubmitted: every dossier a submit answered 201 for is stored.
func checkSubmitted(t *testing.T, db *gorm.DB, answers []answer) {
	t.Helper()
	var codes []string
	for _, a := range answers {
		if a.kind != "api submit" || a.status != http.StatusCreated {
			continue
		}
		var v struct {
			Code string `json:"code"`
		}
		if err := json.Unmarshal([]byte(a.body), &v); err != nil || v.Code == "" {
			t.Errorf("a submit's 201 without a code: %s", a)
			continue
		}
		codes = append(codes, v.Code)
	}
	var n int64
	if err := db.Model(&models.Dossier{}).Where("code IN ?", codes).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	if int(n) != len(codes) {
		t.Errorf("%d submits answered 201, %d of their dossiers are stored", len(codes), n)
	}
}

// checkDeliveredOnce: the SMTP server got each email row's message
// exactly once, to the row's address, and nothing else; held, the message
// being sent when the database went down, included.
func checkDeliveredOnce(t *testing.T, srv *notifytest.Server, rows []outboxRow, held string) {
	t.Helper()
	want := map[string]string{}
	for _, r := range rows {
		want[fmt.Sprintf("<notification-%d@motcua>", r.ID)] = r.Email
	}
	got := map[string]int{}
	for _, m := range srv.Mails() {
		id := notifytest.Parse(t, m).MessageID
		got[id]++
		if to, ok := want[id]; !ok || !slices.Equal(m.To, []string{to}) {
			t.Errorf("message %s to %v: not a row of the outbox, or not to its address %q", id, m.To, to)
		}
	}
	for id := range want {
		if got[id] != 1 {
			t.Errorf("%s delivered %d times, want once", id, got[id])
		}
	}
	if got[held] != 1 {
		t.Errorf("the message sent as the database went down (%s) was delivered %d times, want once", held, got[held])
	}
	t.Logf("%d email rows, %d messages delivered", len(rows), len(srv.Mails()))
}

// checkOutageLog waits for serve to exit (0, within 20 s) and reads its
// log: the failed requests are logged in at most a line per front end
// every 10 s, with no per-request error line, and no data race or panic.
func checkOutageLog(t *testing.T, r *replica, answers []answer, w window) {
	t.Helper()
	select {
	case err := <-r.done:
		if err != nil {
			t.Errorf("serve on SIGTERM: %v, want exit 0\n%s", err, r.logTail())
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("serve still running 20 s after SIGTERM")
	}
	file, err := os.Open(r.log)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	lines, outageLines := map[string]int{}, 0
	sc := bufio.NewScanner(file)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		for _, bad := range []string{"DATA RACE", "panic:"} {
			if strings.Contains(line, bad) {
				t.Errorf("serve logged %q:\n%s", bad, r.logTail())
			}
		}
		var entry struct {
			Level string `json:"level"`
			Msg   string `json:"msg"`
		}
		if json.Unmarshal([]byte(line), &entry) != nil || entry.Level != "ERROR" {
			continue
		}
		lines[entry.Msg]++
		if entry.Msg == models.OutageLogMessage {
			outageLines++
		}
	}
	unavailable := 0
	for _, a := range answers {
		if a.status == http.StatusServiceUnavailable {
			unavailable++
		}
	}
	// the API (with /readyz) and the pages log apart, each once per 10 s at most
	periods := int(w.ready.Sub(w.down)/models.DefaultOutageLogEvery) + 1
	if outageLines == 0 || outageLines > 2*periods {
		t.Errorf("%d 503s logged in %d lines, want 1 to %d; error lines: %v", unavailable, outageLines, 2*periods, lines)
	}
	for _, perRequest := range []string{"request failed", "web: request failed"} {
		if lines[perRequest] > 0 {
			t.Errorf("serve logged %d %q lines", lines[perRequest], perRequest)
		}
	}
	t.Logf("serve's error lines: %v", lines)
}
