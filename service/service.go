// Package service is motcua's service layer: everything a front end asks
// for, with no HTTP in it. The JSON API (handlers/) and the web pages (web/)
// sit on it side by side and only bind input, call it, and render what it
// returns or map the *errs.Error it refuses with.
//
// It owns:
//   - visibility and tenancy: who may see which dossier, board and report;
//   - filing a dossier, with its idempotency key, in one transaction;
//   - firing an event for a signed-in user;
//   - search and the inboxes;
//   - accounts, sign-in and its throttling, sign-up, passwords;
//   - attachment and result files: storage, type checks, downloads;
//   - the administrator's rules for boards, zones and users;
//   - public tracking by code and PIN, and the public catalogue.
//
// It opens and commits its own transactions; a front end never touches the
// database. The rules of the procedures themselves live in the catalogue
// (configs/), the clock in deadlines/ and the state machine in workflow/;
// docs/ARCHITECTURE.md says where each rule lives.
package service

import (
	"context"
	"log/slog"
	"time"

	"gorm.io/gorm"

	"github.com/motcua/motcua/errs"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/workflow"
)

// Deps are what the service needs; zero fields take a default.
type Deps struct {
	// DB is the primary: every write, and every read that must see the
	// caller's own write (the dossier page after an event, sign-in and
	// sessions, anything inside a transaction).
	DB *gorm.DB
	// Read (DB when nil) is a read replica for read-only work that may lag
	// by a moment: reports, the dashboard, search and inbox listings,
	// public tracking. It is never written to.
	Read   *gorm.DB
	Engine *workflow.Engine
	Log    *slog.Logger
	// DataDir is where files are stored (attachments/yyyy/mm/...).
	DataDir string
	// PublicURL is the address people open, the base of tracking links
	// and of the links in emails (no trailing slash).
	PublicURL string
	// TokenTTL is how long a sign-in lasts (DefaultTokenTTL when zero).
	TokenTTL time.Duration
	// Now is the clock (time.Now when nil); tests pin it.
	Now func() time.Time
	// Sleep slows throttled sign-ins down (time.Sleep when nil).
	Sleep func(time.Duration)
}

// DefaultTokenTTL is how long a sign-in lasts when Deps.TokenTTL is zero.
const DefaultTokenTTL = 12 * time.Hour

// Service is the service layer. It is safe for concurrent use.
type Service struct {
	db        *gorm.DB // the primary
	read      *gorm.DB // the read replica, or the primary (see Deps.Read)
	eng       *workflow.Engine
	log       *slog.Logger
	files     *fileStore
	publicURL string
	tokenTTL  time.Duration
	now       func() time.Time
	sleep     func(time.Duration)
}

// New builds the service over d.
func New(d Deps) *Service {
	s := &Service{db: d.DB, eng: d.Engine, log: d.Log, publicURL: d.PublicURL, tokenTTL: d.TokenTTL,
		now: d.Now, sleep: d.Sleep, files: &fileStore{dir: d.DataDir}}
	if s.read = d.Read; s.read == nil {
		s.read = d.DB
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.tokenTTL <= 0 {
		s.tokenTTL = DefaultTokenTTL
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.sleep == nil {
		s.sleep = time.Sleep
	}
	if s.files.dir == "" {
		s.files.dir = "./data"
	}
	return s
}

// Engine is the workflow engine (its catalogue and calendar).
func (s *Service) Engine() *workflow.Engine { return s.eng }

// Now is the service's clock.
func (s *Service) Now() time.Time { return s.now() }

// Ready reports whether the database answers and its schema is current.
func (s *Service) Ready(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := s.db.WithContext(ctx).Exec("SELECT 1").Error; err != nil {
		return errs.Unavailable("database_unreachable", "không kết nối được cơ sở dữ liệu", "database unreachable",
			models.OutageRetryAfter, err)
	}
	if err := models.CheckSchema(s.db); err != nil {
		return errs.New(errs.KindUnavailable, "schema_behind", "", "lược đồ cơ sở dữ liệu chưa cập nhật, hãy chạy `motcua migrate`",
			err.Error())
	}
	return nil
}
