package models

import (
	"fmt"
	"strings"
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// migrationsTable is where gormigrate records applied migrations.
const migrationsTable = "schema_migrations"

// migrations lists every schema change in order. Each one uses frozen
// struct copies, never the live models, so that a later change of a model
// cannot change what an old migration does.
func migrations() []*gormigrate.Migration {
	return []*gormigrate.Migration{
		{ID: "0001_initial", Migrate: migrate0001, Rollback: rollback0001},
		{ID: "0002_auth", Migrate: migrate0002, Rollback: rollback0002},
		{ID: "0003_idempotency", Migrate: migrate0003, Rollback: rollback0003},
		{ID: "0004_alerts", Migrate: migrate0004, Rollback: rollback0004},
		{ID: "0005_notifications", Migrate: migrate0005, Rollback: rollback0005},
		{ID: "0006_investment", Migrate: migrate0006, Rollback: rollback0006},
		{ID: "0007_opening_projects", Migrate: migrate0007, Rollback: rollback0007},
		{ID: "0008_report_counts", Migrate: migrate0008, Rollback: rollback0008},
		{ID: "0010_accounts", Migrate: migrate0010, Rollback: rollback0010},
		{ID: "0011_desk", Migrate: migrate0011, Rollback: rollback0011},
		{ID: "0012_audit_chain", Migrate: migrate0012, Rollback: rollback0012},
		{ID: "0013_report_shards", Migrate: migrate0013, Rollback: rollback0013},
		{ID: "0014_dashboard_index", Migrate: migrate0014, Rollback: rollback0014},
	}
}

func newMigrator(db *gorm.DB) *gormigrate.Gormigrate {
	opts := *gormigrate.DefaultOptions
	opts.TableName = migrationsTable
	opts.UseTransaction = true
	return gormigrate.New(db, &opts, migrations())
}

// Migrate applies every pending migration.
func Migrate(db *gorm.DB) error {
	if err := newMigrator(db).Migrate(); err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	return nil
}

// Pending lists the migrations not yet applied, in order.
func Pending(db *gorm.DB) ([]string, error) {
	var applied []string
	if db.Migrator().HasTable(migrationsTable) {
		if err := db.Table(migrationsTable).Pluck("id", &applied).Error; err != nil {
			return nil, fmt.Errorf("store: read migrations: %w", err)
		}
	}
	done := make(map[string]bool, len(applied))
	for _, id := range applied {
		done[id] = true
	}
	var pending []string
	for _, m := range migrations() {
		if !done[m.ID] {
			pending = append(pending, m.ID)
		}
	}
	return pending, nil
}

// ErrSchemaBehind is returned by CheckSchema when migrations are pending.
type ErrSchemaBehind struct{ Pending []string }

func (e *ErrSchemaBehind) Error() string {
	return fmt.Sprintf("store: database schema is behind: pending migrations %v; run `motcua migrate` / "+
		"lược đồ cơ sở dữ liệu chưa cập nhật, hãy chạy `motcua migrate`", e.Pending)
}

// CheckSchema returns *ErrSchemaBehind when the database needs migrating.
func CheckSchema(db *gorm.DB) error {
	pending, err := Pending(db)
	if err != nil {
		return err
	}
	if len(pending) > 0 {
		return &ErrSchemaBehind{Pending: pending}
	}
	return nil
}

// Frozen copies for migration 0001. Never edit them: add a migration.
type m0001Board struct {
	ID         uint   `gorm:"primaryKey"`
	Code       string `gorm:"size:16;uniqueIndex;not null"`
	NameVI     string `gorm:"size:255;not null"`
	NameEN     string `gorm:"size:255"`
	Province   string `gorm:"size:128"`
	AgencyCode string `gorm:"size:32;uniqueIndex;not null"`
	CreatedAt  time.Time
}

func (m0001Board) TableName() string { return "boards" }

type m0001Zone struct {
	ID      uint   `gorm:"primaryKey"`
	BoardID uint   `gorm:"index;not null"`
	Name    string `gorm:"size:255;not null"`
}

func (m0001Zone) TableName() string { return "zones" }

type m0001User struct {
	ID           uint   `gorm:"primaryKey"`
	BoardID      *uint  `gorm:"index"`
	Username     string `gorm:"size:128;uniqueIndex;not null"`
	FullName     string `gorm:"size:255"`
	Role         string `gorm:"size:16;not null"`
	Department   string `gorm:"size:128"`
	PasswordHash string `gorm:"size:255"`
	Active       bool   `gorm:"not null;default:true"`
	CreatedAt    time.Time
}

func (m0001User) TableName() string { return "users" }

type m0001CatalogueVersion struct {
	ID             uint      `gorm:"primaryKey"`
	Procedure      string    `gorm:"size:64;not null;uniqueIndex:idx_catalogue_proc_version"`
	VersionID      string    `gorm:"size:64;not null;uniqueIndex:idx_catalogue_proc_version"`
	EffectiveFrom  time.Time `gorm:"not null"`
	EffectiveUntil *time.Time
	Citation       string `gorm:"size:1024"`
	Checksum       string `gorm:"size:64"`
	LoadedAt       time.Time
}

func (m0001CatalogueVersion) TableName() string { return "catalogue_versions" }

type m0001Dossier struct {
	ID               uint64    `gorm:"primaryKey"`
	Code             string    `gorm:"size:64;uniqueIndex;not null"`
	BoardID          uint      `gorm:"not null"`
	ZoneID           *uint     `gorm:"index"`
	Procedure        string    `gorm:"size:64;not null"`
	CatalogueVersion string    `gorm:"size:64;not null"`
	Variant          string    `gorm:"size:64;not null"`
	Channel          string    `gorm:"size:16;not null"`
	Title            string    `gorm:"size:512"`
	ApplicantName    string    `gorm:"size:255;not null"`
	ApplicantTaxCode string    `gorm:"size:32"`
	ApplicantEmail   string    `gorm:"size:255"`
	ApplicantPhone   string    `gorm:"size:32"`
	InvestorID       *uint     `gorm:"index"`
	AssigneeID       *uint     `gorm:"index"`
	State            string    `gorm:"size:64;not null"`
	Version          int       `gorm:"not null"`
	SubmittedAt      time.Time `gorm:"not null"`
	ReceivedAt       *time.Time
	ClockState       string `gorm:"size:16;not null"`
	ClockStartedAt   *time.Time
	DueAt            *time.Time
	OriginalDueAt    *time.Time
	PausedAt         *time.Time
	RemainingDays    int
	PausedDays       int
	PausedSeconds    int64
	SupplementCount  int
	ExtensionCount   int
	StepState        string `gorm:"size:64"`
	StepStartedAt    *time.Time
	StepDueAt        *time.Time
	FinishedAt       *time.Time
	Outcome          string `gorm:"size:16"`
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

func (m0001Dossier) TableName() string { return "dossiers" }

type m0001DossierEvent struct {
	ID          uint64 `gorm:"primaryKey"`
	DossierID   uint64 `gorm:"not null;uniqueIndex:idx_dossier_events_seq"`
	Seq         int    `gorm:"not null;uniqueIndex:idx_dossier_events_seq"`
	Event       string `gorm:"size:64;not null"`
	FromState   string `gorm:"size:64"`
	ToState     string `gorm:"size:64;not null"`
	ActorID     *uint
	ActorRole   string    `gorm:"size:16;not null"`
	ActorName   string    `gorm:"size:255"`
	At          time.Time `gorm:"not null"`
	Comment     string    `gorm:"type:text"`
	StepState   string    `gorm:"size:64"`
	StepDueAt   *time.Time
	StepOutcome string `gorm:"size:16"`
	DueAt       *time.Time
	Outcome     string `gorm:"size:16"`
	Data        string `gorm:"type:text"`
	CreatedAt   time.Time
}

func (m0001DossierEvent) TableName() string { return "dossier_events" }

type m0001Attachment struct {
	ID           uint64 `gorm:"primaryKey"`
	DossierID    uint64 `gorm:"index;not null"`
	EventID      *uint64
	DocumentCode string `gorm:"size:64"`
	FileName     string `gorm:"size:255;not null"`
	ContentType  string `gorm:"size:128"`
	Size         int64
	SHA256       string `gorm:"size:64"`
	StorageKey   string `gorm:"size:512"`
	UploadedBy   *uint
	CreatedAt    time.Time
}

func (m0001Attachment) TableName() string { return "attachments" }

type m0001DossierSequence struct {
	BoardID uint   `gorm:"primaryKey;autoIncrement:false"`
	Day     string `gorm:"primaryKey;size:6"`
	Last    int    `gorm:"not null"`
}

func (m0001DossierSequence) TableName() string { return "dossier_sequences" }

// m0001Indexes fit the queries that follow: sweeps over open dossiers by
// due instant (partial, so their cost follows the dossiers due), step
// deadlines, and reports by board and receipt date. Every index is paid
// for on each transition (a state change is never a HOT update), so an
// index arrives with the migration of the query that needs it.
var m0001Indexes = []string{
	`CREATE INDEX idx_dossiers_open_due ON dossiers (due_at) WHERE finished_at IS NULL AND due_at IS NOT NULL`,
	`CREATE INDEX idx_dossiers_step_due ON dossiers (step_due_at) WHERE finished_at IS NULL AND step_due_at IS NOT NULL`,
	`CREATE INDEX idx_dossiers_board_received ON dossiers (board_id, received_at)`,
}

func migrate0001(tx *gorm.DB) error {
	if err := tx.AutoMigrate(&m0001Board{}, &m0001Zone{}, &m0001User{}, &m0001CatalogueVersion{},
		&m0001Dossier{}, &m0001DossierEvent{}, &m0001Attachment{}, &m0001DossierSequence{}); err != nil {
		return err
	}
	for _, stmt := range m0001Indexes {
		if err := tx.Exec(stmt).Error; err != nil {
			return err
		}
	}
	return nil
}

func rollback0001(tx *gorm.DB) error {
	return tx.Migrator().DropTable("dossier_sequences", "attachments", "dossier_events", "dossiers",
		"catalogue_versions", "users", "zones", "boards")
}

// Frozen copies for migration 0002 (bearer tokens and login throttling).
// Never edit them: add a migration.
type m0002APIToken struct {
	ID         uint64    `gorm:"primaryKey"`
	UserID     uint      `gorm:"index;not null"`
	TokenHash  string    `gorm:"type:char(64);uniqueIndex;not null"`
	CreatedAt  time.Time `gorm:"not null"`
	ExpiresAt  time.Time `gorm:"not null"`
	RevokedAt  *time.Time
	LastUsedAt *time.Time
}

func (m0002APIToken) TableName() string { return "api_tokens" }

type m0002LoginFailure struct {
	ID       uint64    `gorm:"primaryKey"`
	Username string    `gorm:"size:128;not null;index:idx_login_failures_username_at,priority:1"`
	IP       string    `gorm:"size:64;not null;index:idx_login_failures_ip_at,priority:1"`
	At       time.Time `gorm:"not null;index:idx_login_failures_username_at,priority:2;index:idx_login_failures_ip_at,priority:2"`
}

func (m0002LoginFailure) TableName() string { return "login_failures" }

func migrate0002(tx *gorm.DB) error {
	return tx.AutoMigrate(&m0002APIToken{}, &m0002LoginFailure{})
}

func rollback0002(tx *gorm.DB) error {
	return tx.Migrator().DropTable("login_failures", "api_tokens")
}

// m0003IdempotencyKey is the frozen copy for migration 0003: a retried
// submission with the same Idempotency-Key returns the first dossier.
type m0003IdempotencyKey struct {
	ID          uint64    `gorm:"primaryKey"`
	UserID      uint      `gorm:"not null;uniqueIndex:idx_idempotency_user_key"`
	Key         string    `gorm:"size:255;not null;uniqueIndex:idx_idempotency_user_key"`
	RequestHash string    `gorm:"size:64;not null"`
	DossierID   uint64    `gorm:"not null"`
	CreatedAt   time.Time `gorm:"not null"`
}

func (m0003IdempotencyKey) TableName() string { return "idempotency_keys" }

func migrate0003(tx *gorm.DB) error { return tx.AutoMigrate(&m0003IdempotencyKey{}) }

func rollback0003(tx *gorm.DB) error { return tx.Migrator().DropTable("idempotency_keys") }

// m0004Alert is the frozen copy for migration 0004: deadline alerts, raised
// once per (dossier, kind, due instant, recipient role).
type m0004Alert struct {
	ID             uint64    `gorm:"primaryKey"`
	BoardID        uint      `gorm:"not null;index:idx_alerts_board_ack,priority:1"`
	DossierID      uint64    `gorm:"not null;uniqueIndex:idx_alerts_unique,priority:1"`
	Kind           string    `gorm:"size:16;not null;uniqueIndex:idx_alerts_unique,priority:2"`
	DueAt          time.Time `gorm:"not null;uniqueIndex:idx_alerts_unique,priority:3"`
	StepState      string    `gorm:"size:64"`
	RecipientRole  string    `gorm:"size:16;not null;uniqueIndex:idx_alerts_unique,priority:4"`
	AssigneeID     *uint
	RaisedAt       time.Time  `gorm:"not null"`
	AcknowledgedAt *time.Time `gorm:"index:idx_alerts_board_ack,priority:2"`
	AcknowledgedBy *uint
}

func (m0004Alert) TableName() string { return "alerts" }

func migrate0004(tx *gorm.DB) error { return tx.AutoMigrate(&m0004Alert{}) }

func rollback0004(tx *gorm.DB) error { return tx.Migrator().DropTable("alerts") }

// Frozen copies for migration 0005: the notification outbox, staff email
// addresses, the overdue mark and how a dossier ended, and the sweep index
// on (due_at, id). Never edit them: add a migration.
type m0005User struct {
	Email string `gorm:"size:255;not null;default:''"`
}

func (m0005User) TableName() string { return "users" }

type m0005Dossier struct {
	OverdueAt *time.Time
	EndState  string `gorm:"size:64;not null;default:''"`
}

func (m0005Dossier) TableName() string { return "dossiers" }

type m0005Notification struct {
	ID            uint64    `gorm:"primaryKey"`
	BoardID       uint      `gorm:"not null"`
	DossierID     *uint64   `gorm:"index"`
	AlertID       *uint64   `gorm:"index"`
	EventID       *uint64   `gorm:"index"`
	Kind          string    `gorm:"size:32;not null"`
	Channel       string    `gorm:"size:8;not null;uniqueIndex:idx_notifications_unique,priority:2"`
	Source        string    `gorm:"size:64;not null;uniqueIndex:idx_notifications_unique,priority:1"`
	Recipient     string    `gorm:"size:255;not null;uniqueIndex:idx_notifications_unique,priority:3"`
	UserID        *uint     `gorm:"index:idx_notifications_user,priority:1"`
	Email         string    `gorm:"size:255;not null;default:''"`
	Status        string    `gorm:"size:8;not null"`
	Attempts      int       `gorm:"not null;default:0"`
	NextAttemptAt time.Time `gorm:"not null"`
	LastError     string    `gorm:"size:1024;not null;default:''"`
	CreatedAt     time.Time `gorm:"not null"`
	SentAt        *time.Time
	ReadAt        *time.Time
}

func (m0005Notification) TableName() string { return "notifications" }

// m0005Statements: pending deliveries by due instant (partial: the worker's
// cost follows what is pending), alerts by the sweep that raised them, and
// the open-due index extended with id so that a sweep pages in index order,
// and room on each dossiers page (PostgreSQL) so that the overdue mark, which
// no index covers, is a HOT update.
var m0005Statements = []string{
	`ALTER TABLE dossiers SET (fillfactor = 90)`,
	`CREATE INDEX idx_notifications_pending ON notifications (next_attempt_at, id) WHERE status = 'pending'`,
	`CREATE INDEX idx_alerts_raised ON alerts (raised_at)`,
	`DROP INDEX idx_dossiers_open_due`,
	`CREATE INDEX idx_dossiers_open_due ON dossiers (due_at, id) WHERE finished_at IS NULL AND due_at IS NOT NULL`,
	`UPDATE dossiers SET end_state = COALESCE((SELECT e.to_state FROM dossier_events e
		WHERE e.dossier_id = dossiers.id AND e.at = dossiers.finished_at ORDER BY e.seq LIMIT 1), '')
		WHERE finished_at IS NOT NULL`,
}

func migrate0005(tx *gorm.DB) error {
	if err := tx.Migrator().AddColumn(&m0005User{}, "Email"); err != nil {
		return err
	}
	for _, col := range []string{"OverdueAt", "EndState"} {
		if err := tx.Migrator().AddColumn(&m0005Dossier{}, col); err != nil {
			return err
		}
	}
	if err := tx.AutoMigrate(&m0005Notification{}); err != nil {
		return err
	}
	for _, stmt := range m0005Statements {
		if strings.Contains(stmt, "fillfactor") && tx.Dialector.Name() != "postgres" {
			continue
		}
		if err := tx.Exec(stmt).Error; err != nil {
			return err
		}
	}
	return nil
}

func rollback0005(tx *gorm.DB) error {
	if err := tx.Migrator().DropTable("notifications"); err != nil {
		return err
	}
	for _, stmt := range []string{`DROP INDEX idx_alerts_raised`, `DROP INDEX idx_dossiers_open_due`,
		`CREATE INDEX idx_dossiers_open_due ON dossiers (due_at) WHERE finished_at IS NULL AND due_at IS NOT NULL`} {
		if err := tx.Exec(stmt).Error; err != nil {
			return err
		}
	}
	if err := tx.Migrator().DropColumn(&m0005Dossier{}, "OverdueAt"); err != nil {
		return err
	}
	if err := tx.Migrator().DropColumn(&m0005Dossier{}, "EndState"); err != nil {
		return err
	}
	return tx.Migrator().DropColumn(&m0005User{}, "Email")
}
