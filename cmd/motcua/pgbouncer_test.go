package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/motcua/motcua/config"
	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/models/modelstest"
	"github.com/motcua/motcua/notify/notifytest"
)

// TestPgBouncerTransactionPooling runs motcua's flows through PgBouncer in
// transaction pooling mode (a child process with its own configuration and
// port, in front of the shared cluster, a database of the test's own),
// with MOTCUA_DB_SIMPLE_PROTOCOL=true:
//   - migrations; dossiers filed and received through the engine;
//   - the sweeps every second and the outbox every 200 ms, as serve runs
//     them, plus three more sweepers racing them: each alert is raised
//     once and each email delivered once;
//   - sign-in, submits and events through the API;
//   - with everything stopped, no advisory lock is left held on the server
//     (a session-level lock, taken in one server session and released in
//     another, would be), and one more sweep is not skipped.
//
// PgBouncer rotates the server connections (server_round_robin), so that
// consecutive transactions of one client land in different sessions, as
// they do under real load. Skipped with one loud line without pgbouncer
// (apt-get install pgbouncer) or PostgreSQL, unless MOTCUA_REQUIRE_POSTGRES=1.
func TestPgBouncerTransactionPooling(t *testing.T) {
	direct, dbName := pgbouncerDatabase(t)
	pgb := startPgBouncer(t, dbName)
	cfg := config.Default()
	cfg.DatabaseURL, cfg.DBSimpleProtocol = pgb, true
	db, err := openDB(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { closeDB(db) })
	if err := models.Migrate(db); err != nil {
		t.Fatalf("migrate through pgbouncer: %v", err)
	}
	eng, err := loadEngine(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := syncCatalogue(context.Background(), db, eng); err != nil {
		t.Fatal(err)
	}
	waitPastMidnight(t)
	f := newReplicaFixture(t, db)
	for i := range 6 {
		f.dossier(t, overdueDossier, f.cal().AddWorkingDays(f.today, -(1+i%3)), i)
	}

	srv := notifytest.NewServer(t, nil)
	cfg.SweepSchedule, cfg.OutboxInterval, cfg.DataDir = "@every 1s", 200*time.Millisecond, t.TempDir()
	cfg.SMTP = config.SMTP{Host: "127.0.0.1", Port: srv.Port, TLS: "none", From: "motcua@bql.test"}
	sweeps, err := startSweeps(cfg, db, eng, quiet)
	if err != nil {
		t.Fatal(err)
	}
	stopOutbox, err := startOutbox(cfg, db, eng, quiet)
	if err != nil {
		t.Fatal(err)
	}
	stopRacers := raceSweepers(t, db, f)
	f.waitSettled(t, srv, "through pgbouncer")
	stopRacers()
	f.checkAlerts(t)
	rows := f.checkOutbox(t)
	got := map[string]int{}
	for _, m := range srv.Mails() {
		got[notifytest.Parse(t, m).MessageID]++
	}
	for _, r := range rows {
		if id := fmt.Sprintf("<notification-%d@motcua>", r.ID); got[id] != 1 {
			t.Errorf("%s delivered %d times, want once", id, got[id])
		}
	}

	h, err := newServer(cfg, db, eng, quiet)
	if err != nil {
		t.Fatal(err)
	}
	api := httptest.NewServer(h)
	defer api.Close()
	pgbouncerAPIFlows(t, db, api.URL+"/api/v1")

	<-sweeps.Stop().Done()
	stopOutbox()
	checkNoAdvisoryLock(t, direct, dbName)
	res, err := newSweeper(db, eng).Run(context.Background(), time.Now())
	if err != nil || res.Skipped {
		t.Fatalf("a sweep after the others through pgbouncer: %s, %v", res, err)
	}
	checkNoAdvisoryLock(t, direct, dbName)
}

// pgbouncerDatabase creates a database of the test's own on the shared
// cluster (PgBouncer passes no search_path, so no schema of modelstest),
// dropped when the test ends; it returns a direct connection to the
// cluster and the database's name.
func pgbouncerDatabase(t *testing.T) (*gorm.DB, string) {
	t.Helper()
	modelstest.Postgres(t) // skips, or fails, as modelstest does when PostgreSQL is unreachable
	u, err := url.Parse(modelstest.PostgresURL())
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/postgres"
	direct, err := models.Open(u.String())
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 5)
	rand.Read(b)
	name := "motcua_pgb_" + hex.EncodeToString(b)
	if err := direct.Exec(`CREATE DATABASE "` + name + `"`).Error; err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := direct.Exec(`DROP DATABASE "` + name + `" WITH (FORCE)`).Error; err != nil {
			t.Errorf("drop %s: %v", name, err)
		}
		closeDB(direct)
	})
	return direct, name
}

// startPgBouncer runs pgbouncer in transaction pooling mode in front of the
// shared cluster's database dbName, on a free port, until the test ends,
// and returns the URL of the database through it.
func startPgBouncer(t *testing.T, dbName string) string {
	t.Helper()
	bin, err := exec.LookPath("pgbouncer")
	if err != nil {
		bin = "/usr/sbin/pgbouncer"
		if _, err := os.Stat(bin); err != nil {
			if os.Getenv("MOTCUA_REQUIRE_POSTGRES") == "1" {
				t.Fatal("pgbouncer not found and MOTCUA_REQUIRE_POSTGRES=1 (apt-get install pgbouncer)")
			}
			t.Skip("*** SKIPPED: pgbouncer not found (apt-get install pgbouncer; .ci/run installs it) ***")
		}
	}
	target, err := url.Parse(modelstest.PostgresURL())
	if err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "motcua-pgbouncer-") // not under t.TempDir(), which only root may enter
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	port := freeTCPPort(t)
	conf := fmt.Sprintf(`[databases]
motcua = host=%s port=%s dbname=%s user=postgres

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = %d
unix_socket_dir =
auth_type = trust
auth_file = %s
pool_mode = transaction
default_pool_size = 4
max_client_conn = 200
server_round_robin = 1
logfile = %s
pidfile = %s
`, target.Hostname(), target.Port(), dbName, port, filepath.Join(dir, "userlist.txt"), filepath.Join(dir, "pgbouncer.log"),
		filepath.Join(dir, "pgbouncer.pid"))
	for name, text := range map[string]string{"pgbouncer.ini": conf, "userlist.txt": `"postgres" ""` + "\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	args := []string{filepath.Join(dir, "pgbouncer.ini")}
	if os.Geteuid() == 0 { // pgbouncer refuses to run as root
		pg, err := user.Lookup("postgres")
		if err != nil {
			t.Fatalf("pgbouncer runs as postgres when the test is root: %v", err)
		}
		uid, _ := strconv.Atoi(pg.Uid)
		gid, _ := strconv.Atoi(pg.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
		args = append([]string{"-u", "postgres"}, args...)
	}
	cmd := exec.Command(bin, args...)
	out, _ := os.Create(filepath.Join(t.TempDir(), "pgbouncer.out"))
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
		out.Close()
	})
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port)); err == nil {
			c.Close()
			break
		}
		select {
		case <-exited:
			log, _ := os.ReadFile(out.Name())
			logFile, _ := os.ReadFile(filepath.Join(dir, "pgbouncer.log"))
			t.Fatalf("pgbouncer exited: %s%s", log, logFile)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("pgbouncer did not listen within 10 s")
		}
	}
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/motcua?sslmode=disable", port)
}

// freeTCPPort is a port of 127.0.0.1 that nothing listens on now.
func freeTCPPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// raceSweepers runs three more sweepers in a loop until stopped; none may fail.
func raceSweepers(t *testing.T, db *gorm.DB, f *replicaFixture) (stop func()) {
	t.Helper()
	done := make(chan struct{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := &deadlines.Sweeper{DB: db, Cal: f.cal()}
			for {
				select {
				case <-done:
					return
				case <-time.After(30 * time.Millisecond):
				}
				if _, err := s.Run(context.Background(), time.Now()); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}
		}()
	}
	return func() {
		close(done)
		wg.Wait()
		for _, err := range errs {
			t.Errorf("a racing sweep through pgbouncer: %v", err)
		}
	}
}

// pgbouncerAPIFlows signs in, submits and fires events through the API.
func pgbouncerAPIFlows(t *testing.T, db *gorm.DB, base string) {
	t.Helper()
	const password = "qua-bo-gop-ket-noi"
	hash, err := models.HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Model(&models.User{}).Where("username = ?", "a.officer").
		Updates(map[string]any{"password_hash": hash, "email_verified_at": time.Now().UTC()}).Error
	if err != nil {
		t.Fatal(err)
	}
	c := &replicaClient{t: t, base: base}
	token := c.login("a.officer", password)
	for range 10 {
		var filed struct {
			Code    string `json:"code"`
			Version int    `json:"version"`
		}
		c.call("POST", "/dossiers", token, map[string]any{"procedure": "construction-permit", "variant": "new",
			"channel": "direct", "applicant_name": "Công ty TNHH Bể Kết Nối"}, http.StatusCreated, &filed)
		c.call("POST", "/dossiers/"+url.PathEscape(filed.Code)+"/events", token, map[string]any{"event": "reject_intake",
			"version": filed.Version, "comment": "Không thuộc thẩm quyền / not within the board's remit"}, http.StatusOK, nil)
		c.call("GET", "/dossiers/"+url.PathEscape(filed.Code), token, nil, http.StatusOK, nil)
	}
	c.call("GET", "/dossiers?limit=50", token, nil, http.StatusOK, nil)
}

// checkNoAdvisoryLock fails t if any session holds an advisory lock in
// the database dbName.
func checkNoAdvisoryLock(t *testing.T, direct *gorm.DB, dbName string) {
	t.Helper()
	var held []struct {
		PID     int   `gorm:"column:pid"`
		ObjID   int64 `gorm:"column:objid"`
		Granted bool  `gorm:"column:granted"`
	}
	err := direct.Raw(`SELECT l.pid, l.objid, l.granted FROM pg_locks l JOIN pg_database d ON d.oid = l.database
		WHERE l.locktype = 'advisory' AND d.datname = ?`, dbName).Scan(&held).Error
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range held {
		t.Errorf("an advisory lock is still held by server session %d (objid %d) with no sweep running: a session-level lock "+
			"behind transaction pooling", h.PID, h.ObjID)
	}
}
