package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"mime/multipart"
	"net"
	"net/http"
	"net/mail"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/models/modelstest"
	"github.com/motcua/motcua/notify/notifytest"
	"github.com/motcua/motcua/workflow/workflowtest"
)

// checkChains verifies every dossier's history chain after each restart
// of TestCrashSafety (models.VerifyAudit, motcua verify-audit's core): a
// kill must leave no half-written or unchained row.
func checkChains(t *testing.T, db *gorm.DB) {
	t.Helper()
	rep, err := models.VerifyAudit(context.Background(), db, models.AuditOptions{})
	if err != nil {
		t.Fatalf("verify the history chains: %v", err)
	}
	if !rep.OK() {
		t.Errorf("a history chain is broken after the kill: %+v (%d breaks)", *rep.First(), len(rep.Breaks))
	}
	if rep.Rows == 0 {
		t.Errorf("verify-audit walked no history row")
	}
}

// TestCrashSafety is the crash test of the HTTP path (issue 14, part 2).
// One `motcua serve` on a fresh PostgreSQL schema, with a data directory,
// the sweep every second and the outbox every 200 ms to an in-test SMTP
// server, takes concurrent submits, uploads (every required document)
// and receipts from 4 clients; once a receipt of the round is
// acknowledged it is SIGKILLed at a random moment in the next 1.5 s
// (seeded; MOTCUA_CRASH_SEED replays a run) and restarted,
// MOTCUA_CRASH_KILLS times (default 4). After each restart, once /readyz answers 200 and before
// the load resumes:
//   - every request that got a 2xx is in the database: each dossier, each
//     attachment (its file on disk, with its SHA-256), each receipt (the
//     history row of the version it answered);
//   - each dossier's version equals its history row count, and its chain
//     verifies (models.VerifyAudit);
//   - the alerts are exactly those the dossiers call for, each once; the
//     email rows are exactly those the alerts and the receipts imply,
//     each once;
//   - no file is on disk without its row: the startup sweep removed what
//     the killed process left (it logs each) and the only staging area is
//     the new process's, empty.
//
// At the end every email row is sent, and the SMTP server got each row's
// Message-ID at least once. A second copy is allowed only for a message
// the relay accepted in the moment before a kill (its row's transaction
// never committed), and at most one per kill (serve's worker commits each
// message on its own): the outbox is at-least-once across a crash, with a
// stable Message-ID (README, "Crash safety"); the test logs how many.
func TestCrashSafety(t *testing.T) {
	db := modelstest.Postgres(t) // skips when PostgreSQL is unreachable, unless MOTCUA_REQUIRE_POSTGRES=1
	waitPastMidnight(t)
	seed, kills := crashSettings(t)
	rng := rand.New(rand.NewPCG(uint64(seed), 0))
	t.Logf("seed %d, %d kills (MOTCUA_CRASH_SEED=%d MOTCUA_CRASH_KILLS=%d replays this run)", seed, kills, seed, kills)
	start := time.Now()
	built, binDir, done := make(chan build, 1), t.TempDir(), make(chan struct{})
	t.Cleanup(func() { <-done })
	go func() {
		defer close(done)
		bin, err := buildMotcua(binDir)
		built <- build{bin, err}
	}()
	var schema string
	if err := db.Raw("SELECT current_schema()").Scan(&schema).Error; err != nil {
		t.Fatal(err)
	}
	dsn, err := models.WithSearchPath(modelstest.PostgresURL(), schema)
	if err != nil {
		t.Fatal(err)
	}
	f := newReplicaFixture(t, db)
	for i := range 4 {
		f.dossier(t, overdueDossier, f.cal().AddWorkingDays(f.today, -(1+i%3)), i)
	}
	signInable(t, db, "a.officer", outagePassword)
	b := <-built
	if b.err != nil {
		t.Fatal(b.err)
	}
	t.Logf("%s binary built, fixture ready", since(start))

	mails := &mailLog{}
	srv := notifytest.NewServer(t, mails.onData)
	cs := &crashServe{bin: b.bin, dsn: dsn, smtpPort: srv.Port, data: filepath.Join(t.TempDir(), "data"), logDir: t.TempDir()}
	c := &crashClient{http: &http.Client{Timeout: 20 * time.Second}, docs: requiredDocs(t, f)}
	rec := &crashRecord{}
	var killAt []time.Time
	for round := 0; round <= kills; round++ {
		r := cs.start(t, round)
		c.base = "http://" + r.addr
		cs.waitReady(t, r, c)
		if round == 0 {
			c.login(t)
			f.waitSettled(t, srv, "before the first kill")
		} else {
			checkAfterRestart(t, f, cs, r, rec, round)
			if t.Failed() {
				t.Fatalf("round %d failed; serve log (tail):\n%s", round, r.logTail())
			}
		}
		if round == kills {
			break
		}
		loadStart := time.Now()
		stop := c.drive(rec, 4)
		rec.waitReceipt(10 * time.Second)
		time.Sleep(time.Duration(rng.IntN(1500)) * time.Millisecond)
		r.kill(t)
		killAt = append(killAt, time.Now()) // dead: it sent nothing after this
		stop()
		t.Logf("%s round %d: killed after %s of load; %s", since(start), round+1,
			killAt[len(killAt)-1].Sub(loadStart).Round(time.Millisecond), rec.summary())
	}
	r := cs.current
	waitAllSent(t, f, 60*time.Second)
	checkDeliveredAtLeastOnce(t, srv, mails, f.outbox(t), killAt)
	if err := r.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	r.waitTerminated(t)
	t.Logf("%s done: %s; startup sweeps removed %d files in all", since(start), rec.summary(), cs.removed)
}

// crashSettings reads the seed and the number of kills from
// MOTCUA_CRASH_SEED and MOTCUA_CRASH_KILLS (defaults: now, 4).
func crashSettings(t *testing.T) (int64, int) {
	t.Helper()
	seed, kills := time.Now().UnixNano(), 4
	if v := os.Getenv("MOTCUA_CRASH_SEED"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			t.Fatalf("MOTCUA_CRASH_SEED: %v", err)
		}
		seed = n
	}
	if v := os.Getenv("MOTCUA_CRASH_KILLS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("MOTCUA_CRASH_KILLS=%q: want a positive number", v)
		}
		kills = n
	}
	return seed, kills
}

// requiredDocs are the documents a new construction permit requires.
func requiredDocs(t *testing.T, f *replicaFixture) []string {
	t.Helper()
	var out []string
	for _, d := range workflowtest.Documents(t, f.eng, "construction-permit", "new", time.Now()) {
		out = append(out, d.DocumentCode)
	}
	return out
}

// crashServe starts `motcua serve` again and again on one schema and one
// data directory.
type crashServe struct {
	bin, dsn string
	smtpPort int
	data     string
	logDir   string
	current  *replica
	removed  int // files the startup sweeps logged as removed
}

// start starts serve for round n on a free port.
func (cs *crashServe) start(t *testing.T, n int) *replica {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	r := &replica{n: n, addr: addr, from: "motcua@bql.test", log: filepath.Join(cs.logDir, fmt.Sprintf("serve-%d.log", n)),
		done: make(chan error, 1)}
	logFile, err := os.Create(r.log)
	if err != nil {
		t.Fatal(err)
	}
	r.cmd = exec.Command(cs.bin, "serve")
	r.cmd.Dir, r.cmd.Stdout, r.cmd.Stderr = cs.logDir, logFile, logFile
	r.cmd.Env = childEnv(map[string]string{
		"DATABASE_URL":           cs.dsn,
		"MOTCUA_ADDR":            addr,
		"MOTCUA_DATA_DIR":        cs.data,
		"MOTCUA_SWEEP_SCHEDULE":  "@every 1s",
		"MOTCUA_OUTBOX_INTERVAL": "200ms",
		"MOTCUA_SMTP_HOST":       "127.0.0.1",
		"MOTCUA_SMTP_PORT":       strconv.Itoa(cs.smtpPort),
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
	cs.current = r
	return r
}

// waitReady waits (30 s at most) until /readyz answers 200.
func (cs *crashServe) waitReady(t *testing.T, r *replica, c *crashClient) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-r.done:
			t.Fatalf("serve %d exited before it was ready: %v\n%s", r.n, err, r.logTail())
		default:
		}
		if res, err := c.http.Get(c.base + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("serve %d not ready after 30 s\n%s", r.n, r.logTail())
}

// crashClient drives the API as the board's officer.
type crashClient struct {
	base  string
	http  *http.Client
	token string
	docs  []string // the document codes to upload before receiving
}

// login signs the officer in; the token outlives the restarts.
func (c *crashClient) login(t *testing.T) {
	t.Helper()
	oc := &outageClient{base: c.base, http: c.http, user: "a.officer", password: outagePassword}
	oc.login(t)
	c.token = oc.token
}

// crashRecord is every request that got a 2xx.
type crashRecord struct {
	mu          sync.Mutex
	dossiers    []string             // codes
	attachments map[uint64]crashFile // by id
	receipts    []crashReceipt
	n           int // dossiers started, for the applicants' addresses
}

// crashFile is an attachment a 2xx answered for.
type crashFile struct {
	code string
	sum  string
}

// crashReceipt is a receipt a 2xx answered for: the dossier and the version it answered.
type crashReceipt struct {
	code    string
	version int
}

func (r *crashRecord) next() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.n++
	return r.n
}

// waitReceipt waits until one more receipt is acknowledged, or limit
// passes: each round's kill then falls at a random moment after the load
// has gone the whole way through once (uploads and a receipt), however
// slow the machine.
func (r *crashRecord) waitReceipt(limit time.Duration) {
	r.mu.Lock()
	before := len(r.receipts)
	r.mu.Unlock()
	for deadline := time.Now().Add(limit); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		r.mu.Lock()
		n := len(r.receipts)
		r.mu.Unlock()
		if n > before {
			return
		}
	}
}

func (r *crashRecord) summary() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return fmt.Sprintf("%d dossiers, %d attachments, %d receipts acknowledged", len(r.dossiers), len(r.attachments), len(r.receipts))
}

// drive runs workers clients until the returned stop is called: each
// submits a dossier (with an applicant address), uploads its required
// documents and receives it, and again. A request that fails (the
// process is gone) abandons that dossier.
func (c *crashClient) drive(rec *crashRecord, workers int) (stop func()) {
	quit := make(chan struct{})
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-quit:
					return
				default:
				}
				if !c.oneDossier(rec) {
					select {
					case <-quit:
						return
					case <-time.After(50 * time.Millisecond):
					}
				}
			}
		}()
	}
	return func() { close(quit); wg.Wait() }
}

// oneDossier submits, uploads and receives one dossier, recording each
// 2xx; false when a request failed.
func (c *crashClient) oneDossier(rec *crashRecord) bool {
	n := rec.next()
	var d struct {
		Code    string `json:"code"`
		Version int    `json:"version"`
	}
	status, body := c.json("POST", "/dossiers", map[string]any{"procedure": "construction-permit", "variant": "new",
		"channel": "direct", "applicant_name": "Công ty TNHH Sập Nguồn", "applicant_email": fmt.Sprintf("hs%04d@dn.test", n)},
		"crash-"+strconv.Itoa(n))
	if status != http.StatusCreated || json.Unmarshal(body, &d) != nil {
		return false
	}
	rec.mu.Lock()
	rec.dossiers = append(rec.dossiers, d.Code)
	rec.mu.Unlock()
	for i, doc := range c.docs {
		id, sum, ok := c.upload(d.Code, doc, n*100+i)
		if !ok {
			return false
		}
		rec.mu.Lock()
		if rec.attachments == nil {
			rec.attachments = map[uint64]crashFile{}
		}
		rec.attachments[id] = crashFile{code: d.Code, sum: sum}
		rec.mu.Unlock()
	}
	var after struct {
		Dossier struct {
			Version int `json:"version"`
		} `json:"dossier"`
	}
	status, body = c.json("POST", "/dossiers/"+url.PathEscape(d.Code)+"/events", map[string]any{"event": "receive",
		"version": d.Version}, "")
	if status != http.StatusOK || json.Unmarshal(body, &after) != nil || after.Dossier.Version == 0 {
		return false
	}
	rec.mu.Lock()
	rec.receipts = append(rec.receipts, crashReceipt{code: d.Code, version: after.Dossier.Version})
	rec.mu.Unlock()
	return true
}

// json sends a JSON request to /api/v1 as the officer; status 0 when no answer came.
func (c *crashClient) json(method, path string, body any, idempotencyKey string) (int, []byte) {
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, c.base+"/api/v1"+path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+c.token)
	if idempotencyKey != "" {
		req.Header.Set("Idempotency-Key", idempotencyKey+"-"+randomKey())
	}
	return c.do(req)
}

// upload posts a PDF of about 256 KB (distinct for each n) as document doc.
func (c *crashClient) upload(code, doc string, n int) (uint64, string, bool) {
	pdf := crashPDF(n)
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	w.WriteField("document_code", doc)
	part, _ := w.CreateFormFile("file", doc+".pdf")
	part.Write(pdf)
	w.Close()
	req, _ := http.NewRequest("POST", c.base+"/api/v1/dossiers/"+url.PathEscape(code)+"/attachments", &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+c.token)
	status, body := c.do(req)
	var a struct {
		ID     uint64 `json:"id"`
		SHA256 string `json:"sha256"`
	}
	if status != http.StatusCreated || json.Unmarshal(body, &a) != nil || a.ID == 0 {
		return 0, "", false
	}
	sum := sha256.Sum256(pdf)
	return a.ID, hex.EncodeToString(sum[:]), true
}

// do sends req; status 0 when no answer came.
func (c *crashClient) do(req *http.Request) (int, []byte) {
	res, err := c.http.Do(req)
	if err != nil {
		return 0, nil
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return 0, nil
	}
	return res.StatusCode, b
}

// crashPDF is a minimal PDF padded with a comment to about 256 KB.
func crashPDF(n int) []byte {
	return []byte("%PDF-1.4\n%" + strings.Repeat(strconv.Itoa(n%10), 256<<10) + "\n% " + strconv.Itoa(n) +
		"\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n" +
		"trailer<</Root 1 0 R>>\n%%EOF\n")
}

// checkAfterRestart checks the database and the data directory as the
// restarted process found them.
func checkAfterRestart(t *testing.T, f *replicaFixture, cs *crashServe, r *replica, rec *crashRecord, round int) {
	t.Helper()
	checkCrashAcknowledged(t, f.db, cs.data, rec)
	checkVersions(t, f.db)
	checkChains(t, f.db)
	checkAlertsAndEmails(t, f)
	removed := checkNoOrphans(t, f.db, cs.data, r)
	cs.removed += removed
	t.Logf("round %d: restart checked; the startup sweep removed %d files", round, removed)
}

// checkCrashAcknowledged: every 2xx is in the database.
func checkCrashAcknowledged(t *testing.T, db *gorm.DB, data string, rec *crashRecord) {
	t.Helper()
	rec.mu.Lock()
	defer rec.mu.Unlock()
	var n int64
	if err := db.Model(&models.Dossier{}).Where("code IN ?", append(rec.dossiers, "")).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	if int(n) != len(rec.dossiers) {
		t.Errorf("%d submits answered 201, %d of their dossiers are stored", len(rec.dossiers), n)
	}
	for id, want := range rec.attachments {
		var a models.Attachment
		err := db.Table("attachments a").Select("a.*").Joins("JOIN dossiers d ON d.id = a.dossier_id").
			Where("a.id = ? AND d.code = ?", id, want.code).Take(&a).Error
		if err != nil {
			t.Errorf("attachment %d of %s answered 201, not stored: %v", id, want.code, err)
			continue
		}
		b, err := os.ReadFile(filepath.Join(data, filepath.FromSlash(a.StorageKey)))
		if sum := sha256.Sum256(b); err != nil || hex.EncodeToString(sum[:]) != want.sum || a.SHA256 != want.sum {
			t.Errorf("attachment %d (%s): file %v, not the bytes uploaded", id, a.StorageKey, err)
		}
	}
	for _, r := range rec.receipts {
		var k int64
		err := db.Table("dossier_events e").Joins("JOIN dossiers d ON d.id = e.dossier_id").
			Where("d.code = ? AND e.seq = ? AND e.event = ?", r.code, r.version, "receive").Count(&k).Error
		if err != nil {
			t.Fatal(err)
		}
		if k != 1 {
			t.Errorf("receipt of %s answered 200 at version %d: %d history rows", r.code, r.version, k)
		}
	}
}

// checkVersions: each dossier's version is its history row count.
func checkVersions(t *testing.T, db *gorm.DB) {
	t.Helper()
	var bad []struct {
		Code    string
		Version int
		Rows    int
	}
	err := db.Raw(`SELECT d.code, d.version, COUNT(e.id) AS rows FROM dossiers d LEFT JOIN dossier_events e
		ON e.dossier_id = d.id GROUP BY d.id, d.code, d.version HAVING d.version <> COUNT(e.id)`).Scan(&bad).Error
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bad {
		t.Errorf("dossier %s: version %d, %d history rows", b.Code, b.Version, b.Rows)
	}
}

// checkAlertsAndEmails: the alerts are those the fixture's dossiers call
// for, each once (the load's dossiers are far from due); the email rows
// are exactly one per alert recipient and per receipt of a dossier with
// an applicant address, each once.
func checkAlertsAndEmails(t *testing.T, f *replicaFixture) {
	t.Helper()
	f.checkAlerts(t)
	var receipts []struct {
		ID    uint64
		Email string
	}
	err := f.db.Raw(`SELECT d.id, d.applicant_email AS email FROM dossier_events e JOIN dossiers d ON d.id = e.dossier_id
		WHERE e.event = 'receive' AND d.applicant_email <> ''`).Scan(&receipts).Error
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, k := range f.wantEmails {
		if strings.HasPrefix(k, "alert/") {
			want = append(want, k)
		}
	}
	for _, r := range receipts {
		want = append(want, fmt.Sprintf("event/%d/%s→%s", r.ID, models.NotifyReceived, r.Email))
	}
	got := outboxKeys(f.outbox(t))
	if !sameSet(got, want) {
		t.Errorf("email rows (%d) are not those the alerts and receipts imply (%d):\n got %v\nwant %v",
			len(got), len(want), got, want)
	}
}

// checkNoOrphans: every file under attachments/ outside the staging areas
// has its row; the only staging area is the running process's, and it
// holds no file. It returns how many files the startup sweep logged as
// removed.
func checkNoOrphans(t *testing.T, db *gorm.DB, data string, r *replica) int {
	t.Helper()
	root := filepath.Join(data, "attachments")
	var keys, staged []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(data, path)
		rel = filepath.ToSlash(rel)
		if strings.HasPrefix(rel, "attachments/.staging/") {
			staged = append(staged, rel)
		} else {
			keys = append(keys, rel)
		}
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	stored, err := models.StoredKeys(context.Background(), db, keys)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		if !stored[k] {
			t.Errorf("file %s has no row", k)
		}
	}
	for _, s := range staged {
		t.Errorf("file %s left in a staging area", s)
	}
	areas, _ := os.ReadDir(filepath.Join(root, ".staging"))
	if len(areas) > 1 {
		t.Errorf("%d staging areas, want only the running process's", len(areas))
	}
	b, _ := os.ReadFile(r.log)
	return strings.Count(string(b), "file without a row removed")
}

// waitAllSent waits until no email row is pending.
func waitAllSent(t *testing.T, f *replicaFixture, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		var pending int64
		if err := f.db.Model(&models.Notification{}).Where("channel = ? AND status <> ?", models.NotifyEmail,
			models.NotificationSent).Count(&pending).Error; err != nil {
			t.Fatal(err)
		}
		if pending == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d email rows still not sent after %s", pending, limit)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// mailLog remembers when each message reached the SMTP server.
type mailLog struct {
	mu sync.Mutex
	at map[string][]time.Time // by Message-ID
}

func (l *mailLog) onData(m notifytest.Mail) error {
	id := messageID(m.Data)
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.at == nil {
		l.at = map[string][]time.Time{}
	}
	l.at[id] = append(l.at[id], time.Now())
	return nil
}

// messageID is the Message-ID header of raw message data.
func messageID(data []byte) string {
	m, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		return ""
	}
	return m.Header.Get("Message-Id")
}

// crashDuplicateWindow is how long before a kill a message may have been
// accepted by the relay and still be sent again: the commit that marks it
// sent, on a loaded machine.
const crashDuplicateWindow = 5 * time.Second

// checkDeliveredAtLeastOnce: each email row's Message-ID reached the SMTP
// server, to the row's address; none that is no row; a second copy only
// of a message first accepted within crashDuplicateWindow before a kill,
// and no more such copies than kills.
func checkDeliveredAtLeastOnce(t *testing.T, srv *notifytest.Server, l *mailLog, rows []outboxRow, kills []time.Time) {
	t.Helper()
	want := map[string]string{}
	for _, r := range rows {
		want[fmt.Sprintf("<notification-%d@motcua>", r.ID)] = r.Email
	}
	got := map[string]int{}
	for _, m := range srv.Mails() {
		id := notifytest.Parse(t, m).MessageID
		got[id]++
		if to, ok := want[id]; !ok || len(m.To) != 1 || m.To[0] != to {
			t.Errorf("message %s to %v: not a row of the outbox, or not to its address %q", id, m.To, to)
		}
	}
	dups := 0
	l.mu.Lock()
	defer l.mu.Unlock()
	for id := range want {
		switch n := got[id]; {
		case n == 0:
			t.Errorf("%s never delivered", id)
		case n > 1:
			dups++
			first := l.at[id][0]
			if !acceptedBeforeKill(first, kills) {
				t.Errorf("%s delivered %d times, first at %s, not in the %s before a kill (kills: %s)", id, n,
					first.Format("15:04:05.000"), crashDuplicateWindow, clockTimes(kills))
			}
		}
	}
	if dups > len(kills) {
		t.Errorf("%d messages delivered twice across %d kills: a kill may send again only the one message in hand",
			dups, len(kills))
	}
	t.Logf("%d email rows, %d messages delivered; %d delivered twice (accepted just before a kill)", len(want),
		len(srv.Mails()), dups)
}

// clockTimes formats times for a message.
func clockTimes(ts []time.Time) string {
	var out []string
	for _, t := range ts {
		out = append(out, t.Format("15:04:05.000"))
	}
	return strings.Join(out, " ")
}

// acceptedBeforeKill reports whether at falls within crashDuplicateWindow
// before one of kills (each the moment the process was known dead).
func acceptedBeforeKill(at time.Time, kills []time.Time) bool {
	for _, k := range kills {
		if !at.After(k) && k.Sub(at) <= crashDuplicateWindow {
			return true
		}
	}
	return false
}
