// Package pgclustertest gives a test a PostgreSQL cluster of its own,
// which it may stop, kill and start again: created with the Debian tools
// (pg_createcluster) on a free port, trust authentication on 127.0.0.1,
// and dropped when the test ends, failed or not. The machine's shared
// cluster (5432) is never touched.
//
// It needs root (pg_createcluster writes /etc/postgresql and runs the
// server as postgres) and the postgresql-common tools. Without them the
// test is skipped with one loud line, unless MOTCUA_REQUIRE_POSTGRES=1
// (set by .ci/run), which turns the skip into a failure.
package pgclustertest

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/motcua/motcua/models"
)

// namePrefix starts the name of every cluster this package creates; the
// creating process's id ends it, so that a cluster left behind by a test
// process that was killed is recognised and dropped by the next one.
const namePrefix = "motcua-"

// Cluster is a PostgreSQL cluster the test owns.
type Cluster struct {
	Version string // the PostgreSQL major version, as in /etc/postgresql
	Name    string
	Port    int
}

// New creates a cluster named after purpose ("outage") on a free port,
// starts it, and drops it (stopping it first) when t ends. It skips or
// fails t as the package doc says when the machine cannot create one.
func New(t testing.TB, purpose string) *Cluster {
	t.Helper()
	c := create(t, purpose)
	c.Start(t)
	return c
}

// create creates a cluster named after purpose on a free port, not
// started, dropped when t ends.
func create(t testing.TB, purpose string) *Cluster {
	t.Helper()
	version, why := usable()
	if why != "" {
		if os.Getenv("MOTCUA_REQUIRE_POSTGRES") == "1" {
			t.Fatalf("pgclustertest: cannot create a PostgreSQL cluster (%s) and MOTCUA_REQUIRE_POSTGRES=1", why)
		}
		t.Skipf("*** SKIPPED: cannot create a PostgreSQL cluster of its own (%s); run .ci/run as root ***", why)
	}
	dropStale(t, version)
	c := &Cluster{Version: version, Name: fmt.Sprintf("%s%s-%d", namePrefix, purpose, os.Getpid()), Port: freePort(t)}
	c.run(t, "pg_createcluster", c.Version, c.Name, "-p", strconv.Itoa(c.Port), "--start-conf=manual",
		"-o", "max_connections=200", "--", "--auth=trust", "--encoding=UTF8",
		"--locale=C.UTF-8", "--no-sync") // initdb need not flush a throwaway cluster
	t.Cleanup(func() { c.drop(t) })
	return c
}

// NewStandby creates a streaming replica of primary, named after purpose:
// a cluster whose data directory is a pg_basebackup of primary's with
// -R (standby.signal and primary_conninfo, application_name purpose), started
// and dropped when t ends. The primary's postgresql.conf settings, in
// /etc/postgresql, are not copied: a promoted standby has none of them.
func NewStandby(t testing.TB, primary *Cluster, purpose string) *Cluster {
	t.Helper()
	c := create(t, purpose)
	dir := c.DataDir()
	entries, err := os.ReadDir(dir) // emptied, kept: its parent is root's
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			t.Fatal(err)
		}
	}
	conninfo := fmt.Sprintf("host=127.0.0.1 port=%d user=postgres application_name=%s", primary.Port, purpose)
	c.run(t, "runuser", "-u", "postgres", "--", filepath.Join("/usr/lib/postgresql", c.Version, "bin", "pg_basebackup"),
		"-d", conninfo, "-D", dir, "-R", "-X", "stream", "-c", "fast")
	c.Start(t)
	return c
}

// DataDir is the cluster's data directory.
func (c *Cluster) DataDir() string {
	return filepath.Join("/var/lib/postgresql", c.Version, c.Name)
}

// Set sets postgresql.conf parameters (in /etc/postgresql, so that a
// pg_basebackup does not copy them) and reloads the cluster.
func (c *Cluster) Set(t testing.TB, params map[string]string) {
	t.Helper()
	for k, v := range params {
		c.run(t, "pg_conftool", c.Version, c.Name, "set", k, v)
	}
	c.run(t, "pg_ctlcluster", "--skip-systemctl-redirect", c.Version, c.Name, "reload")
}

// Promote promotes a standby to primary and waits until it accepts writes.
func (c *Cluster) Promote(t testing.TB) {
	t.Helper()
	c.run(t, "pg_ctlcluster", "--skip-systemctl-redirect", c.Version, c.Name, "promote")
	deadline := time.Now().Add(30 * time.Second)
	for {
		var recovering bool
		err := c.query("SELECT pg_is_in_recovery()", &recovering)
		if err == nil && !recovering {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("pgclustertest: %s still in recovery 30 s after promote: %v", c.Name, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// WalReceiverPID is the process id of a standby's WAL receiver, waiting
// (10 s at most) until it streams.
func (c *Cluster) WalReceiverPID(t testing.TB) int {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var pid int
		err := c.query("SELECT coalesce((SELECT pid FROM pg_stat_wal_receiver WHERE status = 'streaming'), 0)", &pid)
		if err == nil && pid != 0 {
			return pid
		}
		if time.Now().After(deadline) {
			t.Fatalf("pgclustertest: %s has no streaming WAL receiver: %v", c.Name, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// query runs a one-value query on the postgres database.
func (c *Cluster) query(sql string, into any) error {
	db, err := models.Open(c.URL("postgres"))
	if err != nil {
		return err
	}
	defer closeDB(db)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	return db.WithContext(ctx).Raw(sql).Row().Scan(into)
}

// usable is the newest installed PostgreSQL version, or why no cluster
// can be created here.
func usable() (version, why string) {
	if os.Geteuid() != 0 {
		return "", "not root"
	}
	for _, tool := range []string{"pg_createcluster", "pg_ctlcluster", "pg_dropcluster"} {
		if _, err := exec.LookPath(tool); err != nil {
			return "", tool + " not found (apt-get install postgresql)"
		}
	}
	entries, err := os.ReadDir("/etc/postgresql")
	var versions []int
	for _, e := range entries {
		if n, err := strconv.Atoi(e.Name()); err == nil && e.IsDir() {
			versions = append(versions, n)
		}
	}
	if err != nil || len(versions) == 0 {
		return "", "no PostgreSQL version in /etc/postgresql"
	}
	sort.Ints(versions)
	return strconv.Itoa(versions[len(versions)-1]), ""
}

// staleName matches the clusters this package names: prefix, purpose, pid.
var staleName = regexp.MustCompile(`^` + namePrefix + `[a-z0-9-]+-(\d+)$`)

// dropStale drops the clusters of this package whose process is gone (a
// test killed before its cleanup ran).
func dropStale(t testing.TB, version string) {
	t.Helper()
	entries, _ := os.ReadDir(filepath.Join("/etc/postgresql", version))
	for _, e := range entries {
		m := staleName.FindStringSubmatch(e.Name())
		if m == nil {
			continue
		}
		pid, _ := strconv.Atoi(m[1])
		if pid == os.Getpid() || syscall.Kill(pid, 0) == nil {
			continue // this process's, or its process still runs
		}
		t.Logf("pgclustertest: dropping the cluster %s left by process %d", e.Name(), pid)
		out, err := exec.Command("pg_dropcluster", "--stop", version, e.Name()).CombinedOutput()
		if err != nil {
			t.Logf("pgclustertest: pg_dropcluster %s: %v\n%s", e.Name(), err, out)
		}
	}
}

// freePort is a TCP port of 127.0.0.1 that nothing listens on now.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// Start starts the cluster and waits until it accepts connections.
func (c *Cluster) Start(t testing.TB) {
	t.Helper()
	c.run(t, "pg_ctlcluster", "--skip-systemctl-redirect", c.Version, c.Name, "start")
	c.WaitReady(t, 30*time.Second)
}

// Stop stops the cluster in mode: "fast" (sessions are terminated, a
// clean shutdown) or "immediate" (no shutdown: recovery at the next
// start, as after a crash).
func (c *Cluster) Stop(t testing.TB, mode string) {
	t.Helper()
	c.run(t, "pg_ctlcluster", "--skip-systemctl-redirect", c.Version, c.Name, "stop", "-m", mode)
}

// WaitReady waits until the server answers a query, at most within.
func (c *Cluster) WaitReady(t testing.TB, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		err := c.ping()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("pgclustertest: %s not ready after %s: %v", c.Name, within, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// ping runs SELECT 1 on the postgres database.
func (c *Cluster) ping() error {
	db, err := models.Open(c.URL("postgres"))
	if err != nil {
		return err
	}
	defer closeDB(db)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	return db.WithContext(ctx).Exec("SELECT 1").Error
}

// URL is the address of database on the cluster, as the postgres user.
func (c *Cluster) URL(database string) string {
	u := url.URL{Scheme: "postgres", User: url.User("postgres"), Host: fmt.Sprintf("127.0.0.1:%d", c.Port),
		Path: "/" + database, RawQuery: "sslmode=disable"}
	return u.String()
}

// CreateDatabase creates a database on the cluster and returns its URL.
func (c *Cluster) CreateDatabase(t testing.TB, name string) string {
	t.Helper()
	db, err := models.Open(c.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer closeDB(db)
	if err := db.Exec(`CREATE DATABASE "` + name + `"`).Error; err != nil {
		t.Fatalf("pgclustertest: create database %s: %v", name, err)
	}
	return c.URL(name)
}

// drop stops and removes the cluster, data and configuration.
func (c *Cluster) drop(t testing.TB) {
	out, err := exec.Command("pg_dropcluster", "--stop", c.Version, c.Name).CombinedOutput()
	if err != nil {
		t.Errorf("pgclustertest: pg_dropcluster --stop %s %s: %v\n%s", c.Version, c.Name, err, out)
	}
}

// run runs a cluster tool, failing t with its output.
func (c *Cluster) run(t testing.TB, name string, args ...string) {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("pgclustertest: %s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

// closeDB closes a database handle's pool.
func closeDB(db *gorm.DB) {
	if sqlDB, err := db.DB(); err == nil {
		sqlDB.Close()
	}
}
