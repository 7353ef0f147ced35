package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/motcua/motcua/internal/pgclustertest"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/notify/notifytest"
)

// The failover's timing.
const (
	// failoverWarmup is how long the load runs before anything fails.
	failoverWarmup = 1500 * time.Millisecond
	// standbyDownFor is how long the standby is stopped, under load,
	// before the primary is killed: an asynchronous primary acknowledges
	// writes then that the standby never gets.
	standbyDownFor = 2 * time.Second
	// recoverWithin is how soon after the promotion a write must succeed
	// again, serve not being restarted.
	recoverWithin    = 20 * time.Second
	failoverPassword = "chuyen-may-chu"
)

// TestFailover is the failover test of issue 14, part 4: a primary and a
// streaming replica (pg_basebackup -R), two PostgreSQL clusters of the
// test's own, the primary with synchronous_standby_names = '*' and
// synchronous_commit = on. One `motcua serve` runs on the multi-host URL
// postgres://…@primary,standby/motcua?target_session_attrs=read-write,
// under load: submits, and an event (reject_intake) on each dossier
// submitted.
//
// Then, the load still running: the standby stops for 2 s (with
// synchronous replication every commit waits for it; an asynchronous
// primary would acknowledge them), the primary is killed (stop -m
// immediate, as in a crash), the standby starts again and is promoted. It
// checks that:
//   - writes succeed again within 20 s of the promotion, serve not being
//     restarted (its new connections find the promoted primary);
//   - every write that was acknowledged (201 or 200) is on the promoted
//     primary: each submitted dossier, each event in its history.
//
// MOTCUA_FAILOVER_MUTATION=async runs it with synchronous replication off
// (synchronous_standby_names = ”), to watch it fail: the writes
// acknowledged while the standby was down are lost.
func TestFailover(t *testing.T) {
	waitPastMidnight(t)
	start := time.Now()
	built, binDir, done := make(chan build, 1), t.TempDir(), make(chan struct{})
	t.Cleanup(func() { <-done })
	go func() {
		defer close(done)
		bin, err := buildMotcua(binDir)
		built <- build{bin, err}
	}()
	primary := pgclustertest.New(t, "failover-a")
	t.Logf("%s primary created", since(start))
	standby := pgclustertest.NewStandby(t, primary, "failover-b")
	standby.WalReceiverPID(t) // streaming
	t.Logf("%s standby created and streaming", since(start))
	sync := map[string]string{"synchronous_standby_names": "*", "synchronous_commit": "on"}
	if os.Getenv("MOTCUA_FAILOVER_MUTATION") == "async" {
		t.Log("MUTATION: synchronous replication off")
		sync["synchronous_standby_names"] = ""
	}
	primary.Set(t, sync)
	dsnA := primary.CreateDatabase(t, "motcua")
	dsn := failoverURL(primary, standby)
	t.Logf("%s primary %s on %d, standby %s on %d; DATABASE_URL=%s", since(start), primary.Name, primary.Port,
		standby.Name, standby.Port, dsn)
	b := <-built
	if b.err != nil {
		t.Fatal(b.err)
	}
	migrateCmd := exec.Command(b.bin, "migrate")
	migrateCmd.Env, migrateCmd.Dir = childEnv(map[string]string{"DATABASE_URL": dsn}), t.TempDir()
	if out, err := migrateCmd.CombinedOutput(); err != nil {
		t.Fatalf("motcua migrate: %v\n%s", err, out)
	}
	db, err := models.Open(dsnA)
	if err != nil {
		t.Fatal(err)
	}
	newReplicaFixture(t, db)
	hash, err := models.HashPassword(failoverPassword)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Model(&models.User{}).Where("username = ?", "a.officer").
		Updates(map[string]any{"password_hash": hash, "email_verified_at": time.Now().UTC()}).Error
	if err != nil {
		t.Fatal(err)
	}
	closeDB(db)

	srv := notifytest.NewServer(t, nil)
	r := startReplica(t, b.bin, 0, dsn, srv.Port)
	r.waitListening(t)
	c := &replicaClient{t: t, base: "http://" + r.addr + "/api/v1"}
	l := startFailoverLoad(c.base, c.login("a.officer", failoverPassword))
	t.Logf("%s serving, load started", since(start))

	time.Sleep(failoverWarmup)
	standby.Stop(t, "fast")
	standbyDown := time.Now()
	time.Sleep(standbyDownFor)
	primary.Stop(t, "immediate")
	primaryDown := time.Now()
	t.Logf("%s standby stopped for %s, then the primary killed", since(start), primaryDown.Sub(standbyDown).Round(time.Millisecond))
	standby.Start(t)
	standby.Promote(t)
	promoted := time.Now()
	t.Logf("%s standby started and promoted (%s after the primary died)", since(start), promoted.Sub(primaryDown).Round(time.Millisecond))
	back, ok := l.waitWrite(promoted, recoverWithin)
	if !ok {
		l.halt()
		t.Fatalf("no write succeeded within %s of the promotion\n%s", recoverWithin, r.logTail())
	}
	t.Logf("%s a write succeeded again %s after the promotion", since(start), back.Sub(promoted).Round(time.Millisecond))
	time.Sleep(time.Second)
	acks := l.halt()
	t.Logf("%s load: %s", since(start), l.summary(standbyDown, primaryDown, promoted))

	newPrimary, err := models.Open(standby.URL("motcua"))
	if err != nil {
		t.Fatal(err)
	}
	defer closeDB(newPrimary)
	checkAcknowledged(t, newPrimary, acks, standbyDown)
	if err := r.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	t.Logf("%s done", since(start))
}

// failoverURL is the multi-host DATABASE_URL naming both clusters, for a
// session that accepts writes.
func failoverURL(a, b *pgclustertest.Cluster) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d,127.0.0.1:%d/motcua?sslmode=disable&target_session_attrs=read-write",
		a.Port, b.Port)
}

// ack is a write the service acknowledged: a submit (201) or an event (200).
type ack struct {
	kind      string // "submit" or "event"
	code      string
	sent, got time.Time
}

// failoverLoad submits dossiers and fires reject_intake on each one
// submitted, and keeps every acknowledged write and every failure's status.
type failoverLoad struct {
	base, token string
	http        *http.Client
	submitted   chan string
	stop        chan struct{}
	wg          sync.WaitGroup

	mu       sync.Mutex
	acks     []ack
	failures map[string]int // "submit 503" → count
}

func startFailoverLoad(base, token string) *failoverLoad {
	l := &failoverLoad{base: base, token: token, http: &http.Client{Timeout: 60 * time.Second},
		submitted: make(chan string, 1000), stop: make(chan struct{}), failures: map[string]int{}}
	for range 3 {
		l.loop(l.submit)
		l.loop(l.event)
	}
	return l
}

// loop runs step until the load stops.
func (l *failoverLoad) loop(step func()) {
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		for {
			select {
			case <-l.stop:
				return
			default:
			}
			step()
			time.Sleep(20 * time.Millisecond)
		}
	}()
}

// submit files a dossier at the desk.
func (l *failoverLoad) submit() {
	sent := time.Now()
	status, body := l.post("/dossiers", map[string]any{"procedure": "construction-permit", "variant": "new",
		"channel": "direct", "applicant_name": "Công ty TNHH Chuyển Máy"})
	var out struct {
		Code string `json:"code"`
	}
	if status == http.StatusCreated && json.Unmarshal(body, &out) == nil && out.Code != "" {
		l.record(ack{kind: "submit", code: out.Code, sent: sent, got: time.Now()})
		l.submitted <- out.Code
		return
	}
	l.fail("submit", status)
}

// event sends a dossier submitted before back at intake (its first event).
func (l *failoverLoad) event() {
	var code string
	select {
	case code = <-l.submitted:
	case <-l.stop:
		return
	}
	sent := time.Now()
	status, _ := l.post("/dossiers/"+url.PathEscape(code)+"/events", map[string]any{"event": "reject_intake",
		"version": 1, "comment": "Hồ sơ không thuộc thẩm quyền / not within the board's remit"})
	if status == http.StatusOK {
		l.record(ack{kind: "event", code: code, sent: sent, got: time.Now()})
		return
	}
	l.fail("event", status)
	if status != http.StatusConflict && status != http.StatusUnprocessableEntity {
		select {
		case l.submitted <- code: // again later
		default:
		}
	}
}

// post sends a JSON POST as the officer; status 0 is no answer.
func (l *failoverLoad) post(path string, body any) (int, []byte) {
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", l.base+path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+l.token)
	if path == "/dossiers" {
		req.Header.Set("Idempotency-Key", "failover-"+randomKey())
	}
	res, err := l.http.Do(req)
	if err != nil {
		return 0, nil
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res.StatusCode, out
}

func (l *failoverLoad) record(a ack) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.acks = append(l.acks, a)
}

func (l *failoverLoad) fail(kind string, status int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.failures[fmt.Sprintf("%s %d", kind, status)]++
}

// waitWrite waits until a write sent after since is acknowledged, at most within.
func (l *failoverLoad) waitWrite(since time.Time, within time.Duration) (time.Time, bool) {
	for deadline := time.Now().Add(within); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		l.mu.Lock()
		for _, a := range l.acks {
			if a.sent.After(since) {
				l.mu.Unlock()
				return a.got, true
			}
		}
		l.mu.Unlock()
	}
	return time.Time{}, false
}

// halt stops the load, waits for the requests in flight, and returns
// every acknowledged write.
func (l *failoverLoad) halt() []ack {
	close(l.stop)
	l.wg.Wait()
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.acks
}

// summary counts the acknowledged writes by phase, and the failures.
func (l *failoverLoad) summary(standbyDown, primaryDown, promoted time.Time) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var before, standbyOff, after int
	for _, a := range l.acks {
		switch {
		case a.got.Before(standbyDown):
			before++
		case a.got.Before(primaryDown):
			standbyOff++
		case a.sent.After(promoted):
			after++
		}
	}
	return fmt.Sprintf("%d writes acknowledged (%d before the standby stopped, %d while it was down, %d sent after the promotion); failures %v",
		len(l.acks), before, standbyOff, after, l.failures)
}

// checkAcknowledged: every acknowledged submit's dossier and every
// acknowledged event's history row is on the promoted primary.
func checkAcknowledged(t *testing.T, db *gorm.DB, acks []ack, standbyDown time.Time) {
	t.Helper()
	if len(acks) == 0 {
		t.Fatal("no write was acknowledged")
	}
	lost := 0
	for _, a := range acks {
		var n int64
		q := db.Model(&models.Dossier{}).Where("code = ?", a.code)
		if a.kind == "event" {
			q = db.Model(&models.DossierEvent{}).Joins("JOIN dossiers ON dossiers.id = dossier_events.dossier_id").
				Where("dossiers.code = ? AND dossier_events.event = ?", a.code, "reject_intake")
		}
		if err := q.Count(&n).Error; err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			if lost++; lost <= 10 {
				t.Errorf("acknowledged %s of %s (answered %s, %s after the standby stopped) is lost after the failover",
					a.kind, a.code, a.got.Format("15:04:05.000"), a.got.Sub(standbyDown).Round(time.Millisecond))
			}
		}
	}
	if lost > 0 {
		t.Errorf("%d of %d acknowledged writes are lost after the failover", lost, len(acks))
	}
}
