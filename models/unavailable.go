package models

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/motcua/motcua/errs"
)

// OutageRetryAfter is how long a client is told to wait (Retry-After)
// when the database cannot be reached.
const OutageRetryAfter = 5 * time.Second

// DefaultConnectTimeout bounds the opening of a PostgreSQL connection
// when the database URL sets no connect_timeout: a request waiting on a
// database that does not answer fails within it instead of hanging.
const DefaultConnectTimeout = 5 * time.Second

// Unavailable is the one classification of database outages. When err
// says that the database cannot be reached now, or could not be within
// the request's time, it returns the error a front end shows:
// KindUnavailable, code "database_unavailable", Retry-After
// OutageRetryAfter, err kept as the cause for the log. For any other
// error it returns nil.
//
// An outage is: a connection that could not be opened (refused, timed
// out, the server starting up or shutting down, too many connections), a
// connection lost mid-statement (reset, broken pipe, end of stream, the
// server terminating it), a deadline passed while waiting for the
// database, and SQLite's "database is locked" once its busy timeout has
// run out.
func Unavailable(err error) *errs.Error {
	if err == nil || !unreachable(err) {
		return nil
	}
	return errs.Unavailable("database_unavailable",
		"cơ sở dữ liệu tạm thời không truy cập được; xin thử lại sau ít giây",
		"the database is unavailable for the moment; please try again in a few seconds",
		OutageRetryAfter, err)
}

// unreachable reports whether err is one of the outages Unavailable names.
func unreachable(err error) bool {
	var connect *pgconn.ConnectError
	if errors.As(err, &connect) {
		return true
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return outageState(pg.Code)
	}
	for _, target := range lostConnection {
		if errors.Is(err, target) {
			return true
		}
	}
	if pgconn.Timeout(err) {
		return true
	}
	var op *net.OpError
	if errors.As(err, &op) {
		return true // a dial, read or write: the only network peer of the store is the database
	}
	return sqliteBusy(err)
}

// lostConnection are the errors of a connection that went away or could
// not be had in time.
var lostConnection = []error{
	context.DeadlineExceeded, pgconn.ErrConnClosed, driver.ErrBadConn, sql.ErrConnDone, io.ErrUnexpectedEOF,
	syscall.ECONNREFUSED, syscall.ECONNRESET, syscall.ECONNABORTED, syscall.EPIPE, syscall.ETIMEDOUT,
	syscall.EHOSTUNREACH, syscall.ENETUNREACH, net.ErrClosed,
}

// outageState reports whether a SQLSTATE says the server cannot serve
// now: class 08 (connection exception), 53300 (too many connections),
// 57P01-57P03 (shut down by the administrator, crashed, starting up or
// shutting down).
func outageState(code string) bool {
	switch code {
	case "53300", "57P01", "57P02", "57P03":
		return true
	}
	return strings.HasPrefix(code, "08")
}

// sqliteCoder is the error of the SQLite driver: its result code.
type sqliteCoder interface {
	error
	Code() int
}

// sqliteBusy reports whether err is SQLite's SQLITE_BUSY (5) or
// SQLITE_LOCKED (6), extended codes included: the busy timeout ran out.
func sqliteBusy(err error) bool {
	var e sqliteCoder
	if !errors.As(err, &e) {
		return false
	}
	code := e.Code() & 0xff
	return code == 5 || code == 6
}

// withConnectTimeout adds connect_timeout (DefaultConnectTimeout) to a
// PostgreSQL URL that sets none. Only the query is parsed: a URL naming
// several hosts (a:5432,b:5432, as pgx accepts for failover) is not a URL
// to net/url.
func withConnectTimeout(raw string) (string, error) {
	base, query, _ := strings.Cut(raw, "?")
	q, err := url.ParseQuery(query)
	if err != nil || !strings.Contains(base, "://") {
		return "", errors.New("store: the database URL is not a URL")
	}
	if q.Get("connect_timeout") != "" {
		return raw, nil
	}
	q.Set("connect_timeout", strconv.Itoa(int(DefaultConnectTimeout/time.Second)))
	return base + "?" + q.Encode(), nil
}

// OutageLog writes database outages to a log at most once per interval,
// with the number of failed requests since the last line, so that an
// outage under load is a line every few seconds and not one per request.
// The zero value logs at most every DefaultOutageLogEvery. It is safe for
// concurrent use.
type OutageLog struct {
	Every time.Duration
	Now   func() time.Time // the clock; time.Now when nil

	mu         sync.Mutex
	last       time.Time
	suppressed int
}

// OutageLogMessage is the message of an OutageLog's lines.
const OutageLogMessage = "database unavailable: requests answer 503"

// DefaultOutageLogEvery is how often an OutageLog writes at most.
const DefaultOutageLogEvery = 10 * time.Second

// Failed records a request that failed on an outage (err, on path) and
// logs it unless a line was written less than Every ago.
func (o *OutageLog) Failed(log *slog.Logger, err error, path string) {
	if log == nil {
		return
	}
	every := o.Every
	if every <= 0 {
		every = DefaultOutageLogEvery
	}
	clock := o.Now
	if clock == nil {
		clock = time.Now
	}
	o.mu.Lock()
	now := clock()
	if !o.last.IsZero() && now.Sub(o.last) < every {
		o.suppressed++
		o.mu.Unlock()
		return
	}
	suppressed := o.suppressed
	o.last, o.suppressed = now, 0
	o.mu.Unlock()
	log.Error(OutageLogMessage, "err", err, "path", path,
		"failed_since_last_line", suppressed, "next_line_in", every.String())
}
