package models

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// DefaultSQLitePath is the embedded database a newcomer gets with no set-up.
const DefaultSQLitePath = "./data/motcua.db"

// ErrNotFound is returned when a row does not exist (wraps gorm.ErrRecordNotFound away).
var ErrNotFound = errors.New("store: not found")

// ErrStale is returned when a dossier changed since it was read: another
// change won the optimistic lock.
var ErrStale = errors.New("store: dossier changed since it was read")

// Options are how Open talks to the database.
type Options struct {
	// SimpleProtocol (PostgreSQL) sends every query with the simple
	// protocol and prepares nothing on the server: neither gorm's
	// prepared statements nor pgx's statement cache. PgBouncer in
	// transaction pooling mode needs it, since a prepared statement lives
	// in one server session and the next transaction may get another.
	SimpleProtocol bool
}

// Open connects to PostgreSQL when url starts with postgres:// or
// postgresql:// (opening a connection waits at most its connect_timeout,
// DefaultConnectTimeout when the URL sets none), otherwise to the SQLite
// file at url (DefaultSQLitePath when empty). The SQLite file's directory
// is created if needed.
func Open(url string) (*gorm.DB, error) { return OpenWith(url, Options{}) }

// OpenWith is Open with options. A PostgreSQL URL may name several hosts
// (postgres://u@a:5432,b:5432/db?target_session_attrs=read-write): each new
// connection goes to the first that accepts writes, so that after a
// failover the pool reconnects to the promoted primary by itself.
func OpenWith(url string, o Options) (*gorm.DB, error) {
	cfg := &gorm.Config{Logger: logger.Default.LogMode(logger.Silent), PrepareStmt: !o.SimpleProtocol,
		NowFunc: func() time.Time { return time.Now().UTC() }}
	if IsPostgres(url) {
		url, err := withConnectTimeout(url)
		if err != nil {
			return nil, err
		}
		db, err := gorm.Open(postgres.New(postgres.Config{DSN: url, PreferSimpleProtocol: o.SimpleProtocol}), cfg)
		if err != nil {
			return nil, fmt.Errorf("store: open postgres: %w", err)
		}
		return db, nil
	}
	return openSQLite(url, cfg)
}

// IsPostgres reports whether url names a PostgreSQL database.
func IsPostgres(url string) bool {
	return strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://")
}

func openSQLite(path string, cfg *gorm.Config) (*gorm.DB, error) {
	path = strings.TrimPrefix(path, "sqlite://")
	if path == "" {
		path = DefaultSQLitePath
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("store: create %s: %w", dir, err)
		}
	}
	dsn := path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_txlock=immediate"
	db, err := gorm.Open(sqlite.Open(dsn), cfg)
	if err != nil {
		return nil, fmt.Errorf("store: open sqlite %s: %w", path, err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, fmt.Errorf("store: sqlite handle: %w", err)
	}
	sqlDB.SetMaxOpenConns(1) // SQLite has one writer; serialise rather than fail with SQLITE_BUSY
	return db, nil
}

// notFound turns gorm's not-found error into ErrNotFound.
func notFound(err error, what string) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	return fmt.Errorf("store: %s: %w", what, err)
}

// GetDossier loads one dossier by id.
func GetDossier(ctx context.Context, tx *gorm.DB, id uint64) (*Dossier, error) {
	var d Dossier
	if err := tx.WithContext(ctx).First(&d, id).Error; err != nil {
		return nil, notFound(err, fmt.Sprintf("dossier %d", id))
	}
	return &d, nil
}

// GetDossierByCode loads one dossier by its national code.
func GetDossierByCode(ctx context.Context, tx *gorm.DB, code string) (*Dossier, error) {
	var d Dossier
	if err := tx.WithContext(ctx).Where("code = ?", code).First(&d).Error; err != nil {
		return nil, notFound(err, "dossier "+code)
	}
	return &d, nil
}

// GetBoard loads one board by id.
func GetBoard(ctx context.Context, tx *gorm.DB, id uint) (*Board, error) {
	var b Board
	if err := tx.WithContext(ctx).First(&b, id).Error; err != nil {
		return nil, notFound(err, fmt.Sprintf("board %d", id))
	}
	return &b, nil
}

// InsertDossier creates a dossier row.
func InsertDossier(ctx context.Context, tx *gorm.DB, d *Dossier) error {
	if err := tx.WithContext(ctx).Create(d).Error; err != nil {
		return fmt.Errorf("store: insert dossier: %w", err)
	}
	return nil
}

// InsertEvent appends a history row. The (dossier, seq) unique index makes
// a second row for the same dossier version impossible.
func InsertEvent(ctx context.Context, tx *gorm.DB, ev *DossierEvent) error {
	if err := tx.WithContext(ctx).Create(ev).Error; err != nil {
		return fmt.Errorf("store: insert event: %w", err)
	}
	return nil
}

// InsertAttachments records attachment metadata.
func InsertAttachments(ctx context.Context, tx *gorm.DB, atts []Attachment) error {
	if len(atts) == 0 {
		return nil
	}
	if err := tx.WithContext(ctx).Create(&atts).Error; err != nil {
		return fmt.Errorf("store: insert attachments: %w", err)
	}
	return nil
}

// DocumentCodes returns the document codes attached to a dossier.
func DocumentCodes(ctx context.Context, tx *gorm.DB, dossierID uint64) ([]string, error) {
	var codes []string
	err := tx.WithContext(ctx).Model(&Attachment{}).Where("dossier_id = ? AND document_code <> ''", dossierID).
		Distinct().Pluck("document_code", &codes).Error
	if err != nil {
		return nil, fmt.Errorf("store: document codes: %w", err)
	}
	return codes, nil
}

// GetEvent loads the history row seq of a dossier.
func GetEvent(ctx context.Context, tx *gorm.DB, dossierID uint64, seq int) (*DossierEvent, error) {
	var ev DossierEvent
	if err := tx.WithContext(ctx).Where("dossier_id = ? AND seq = ?", dossierID, seq).First(&ev).Error; err != nil {
		return nil, notFound(err, fmt.Sprintf("history row %d of dossier %d", seq, dossierID))
	}
	return &ev, nil
}

// History returns a dossier's events in order.
func History(ctx context.Context, tx *gorm.DB, dossierID uint64) ([]DossierEvent, error) {
	var evs []DossierEvent
	if err := tx.WithContext(ctx).Where("dossier_id = ?", dossierID).Order("seq").Find(&evs).Error; err != nil {
		return nil, fmt.Errorf("store: history: %w", err)
	}
	return evs, nil
}

// NextSequence returns the next number of a board's daily dossier
// sequence. The upsert holds the row lock until the transaction ends, so
// concurrent receipts never share a number.
func NextSequence(ctx context.Context, tx *gorm.DB, boardID uint, day string) (int, error) {
	var last int
	err := tx.WithContext(ctx).Raw(`INSERT INTO dossier_sequences (board_id, day, last) VALUES (?, ?, 1)
		ON CONFLICT (board_id, day) DO UPDATE SET last = dossier_sequences.last + 1 RETURNING last`,
		boardID, day).Row().Scan(&last)
	if err != nil {
		return 0, fmt.Errorf("store: next sequence: %w", err)
	}
	return last, nil
}

// InTx runs fn in a transaction: everything fn writes commits together, or
// nothing does.
func InTx(ctx context.Context, db *gorm.DB, fn func(tx *gorm.DB) error) error {
	return db.WithContext(ctx).Transaction(fn)
}

// WithSearchPath returns the PostgreSQL URL raw with its search_path set to
// schema, so that every connection of the pool works in that schema.
func WithSearchPath(raw, schema string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("store: parse database URL: %w", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), nil
}
