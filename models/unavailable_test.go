package models_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/glebarez/sqlite"
	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/motcua/motcua/errs"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/models/modelstest"
)

// wrapped wraps err as the layers above the store do.
func wrapped(err error) error {
	return fmt.Errorf("service: list dossiers: %w", fmt.Errorf("store: search: %w", err))
}

// checkOutage fails t unless err, wrapped twice, is classified as an
// outage: 503-kind, code database_unavailable, Retry-After 5 s, the cause kept.
func checkOutage(t *testing.T, name string, err error) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: no error", name)
	}
	de := models.Unavailable(wrapped(err))
	if de == nil {
		t.Fatalf("%s: %v (%T) is not classified as an outage", name, err, err)
	}
	if de.Kind != errs.KindUnavailable || de.Code != "database_unavailable" || de.RetryAfter != models.OutageRetryAfter ||
		!errors.Is(de, err) || de.VI == "" || de.EN == "" {
		t.Errorf("%s: %+v", name, de)
	}
}

// TestUnavailableOnRealFailures: the errors PostgreSQL and SQLite really
// give when the database cannot be reached are outages; the errors of a
// database that answers are not.
func TestUnavailableOnRealFailures(t *testing.T) {
	t.Run("connection refused", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		l.Close()
		_, err = models.Open(fmt.Sprintf("postgres://postgres@127.0.0.1:%d/motcua?sslmode=disable", port))
		checkOutage(t, "connection refused", err)
	})
	t.Run("postgres", func(t *testing.T) {
		db := modelstest.Postgres(t) // skips when PostgreSQL is unreachable, unless MOTCUA_REQUIRE_POSTGRES=1
		ctx := context.Background()
		err := db.WithContext(ctx).Connection(func(conn *gorm.DB) error {
			err := conn.Exec("SELECT pg_terminate_backend(pg_backend_pid())").Error
			checkOutage(t, "session terminated by the server", err)
			return conn.Exec("SELECT 1").Error
		})
		checkOutage(t, "a statement on the terminated session", err)
		short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		defer cancel()
		checkOutage(t, "deadline while waiting", db.WithContext(short).Exec("SELECT pg_sleep(2)").Error)
		checkAnswered(t, db)
	})
	t.Run("sqlite locked", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "m.db")
		db, err := models.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := models.Migrate(db); err != nil {
			t.Fatal(err)
		}
		other, err := gorm.Open(sqlite.Open(path+"?_pragma=busy_timeout(50)&_txlock=immediate"),
			&gorm.Config{Logger: logger.Default.LogMode(logger.Silent)})
		if err != nil {
			t.Fatal(err)
		}
		release := make(chan struct{})
		holding := make(chan struct{})
		go db.Transaction(func(tx *gorm.DB) error {
			tx.Exec("INSERT INTO boards (code, name_vi, agency_code) VALUES ('LCK', 'Khoá', '000.00.00.L00')")
			close(holding)
			<-release
			return errors.New("rolled back")
		})
		<-holding
		err = other.Exec("INSERT INTO boards (code, name_vi, agency_code) VALUES ('OTH', 'Khác', '000.00.00.O00')").Error
		close(release)
		checkOutage(t, "database is locked past the busy timeout", err)
		checkAnswered(t, db)
	})
}

// checkAnswered: the errors of a database that answers are not outages.
func checkAnswered(t *testing.T, db *gorm.DB) {
	t.Helper()
	board := &models.Board{Code: "DUP", NameVI: "Trùng", AgencyCode: "000.00.00.D00"}
	if err := db.Create(board).Error; err != nil {
		t.Fatal(err)
	}
	dup := &models.Board{Code: "DUP", NameVI: "Trùng", AgencyCode: "000.00.00.D00"}
	_, missing := models.GetDossier(context.Background(), db, 999999)
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	for name, err := range map[string]error{
		"unique violation":       db.Create(dup).Error,
		"syntax error":           db.Exec("SELEKT 1").Error,
		"not found":              missing,
		"canceled by the client": db.WithContext(canceled).Exec("SELECT 1").Error,
		"a domain error":         errs.Invalid("code", "mã sai", "bad code"),
	} {
		if err == nil {
			t.Fatalf("%s: no error", name)
		}
		if de := models.Unavailable(wrapped(err)); de != nil {
			t.Errorf("%s: %v classified as an outage", name, err)
		}
	}
	if models.Unavailable(nil) != nil {
		t.Error("nil classified as an outage")
	}
}

// TestUnavailableStates: the SQLSTATEs of a server that cannot serve now
// are outages (they are hard to cause on the shared test server: starting
// up, shutting down, too many connections); the others are not.
func TestUnavailableStates(t *testing.T) {
	for code, want := range map[string]bool{
		"57P01": true, "57P02": true, "57P03": true, "53300": true, "08006": true, "08001": true, "08P01": true,
		"23505": false, "40001": false, "42601": false, "57014": false, "53100": false,
	} {
		err := &pgconn.PgError{Severity: "FATAL", Code: code, Message: "the database system is " + code}
		if got := models.Unavailable(wrapped(err)) != nil; got != want {
			t.Errorf("SQLSTATE %s: outage %t, want %t", code, got, want)
		}
	}
}

// TestConnectTimeout: a PostgreSQL URL without connect_timeout gets the
// default; one that sets it keeps its own.
func TestConnectTimeout(t *testing.T) {
	got, err := models.WithConnectTimeout("postgres://u@db:5432/motcua?sslmode=disable")
	if err != nil || !strings.Contains(got, "connect_timeout=5") || !strings.Contains(got, "sslmode=disable") {
		t.Errorf("without connect_timeout: %q %v", got, err)
	}
	multi := "postgres://u@a:5432,b:5433/motcua?target_session_attrs=read-write"
	if got, err := models.WithConnectTimeout(multi); err != nil ||
		got != "postgres://u@a:5432,b:5433/motcua?connect_timeout=5&target_session_attrs=read-write" {
		t.Errorf("several hosts: %q %v", got, err)
	}
	own := "postgres://u@db/motcua?connect_timeout=30"
	if got, err := models.WithConnectTimeout(own); err != nil || got != own {
		t.Errorf("with its own: %q %v", got, err)
	}
}

// TestOutageLog: failures within the interval make one line; the next
// line, an interval later, counts those it left out.
func TestOutageLog(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	now := time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)
	o := &models.OutageLog{Now: func() time.Time { return now }}
	cause := errors.New("connection refused")
	for range 100 {
		o.Failed(log, cause, "/api/v1/dossiers")
		now = now.Add(50 * time.Millisecond) // 100 failures in 5 s
	}
	now = now.Add(models.DefaultOutageLogEvery)
	o.Failed(log, cause, "/desk")
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines, want 2:\n%s", len(lines), buf.String())
	}
	var second struct {
		Msg    string `json:"msg"`
		Failed int    `json:"failed_since_last_line"`
		Path   string `json:"path"`
	}
	if err := json.Unmarshal([]byte(lines[1]), &second); err != nil || second.Msg != models.OutageLogMessage ||
		second.Failed != 99 || second.Path != "/desk" {
		t.Errorf("second line %s: %+v %v", lines[1], second, err)
	}
}
