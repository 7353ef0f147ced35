// Package webtest runs the web application for tests: a real HTTP server
// with the pages mounted on a real database, a settable clock, boards with
// a user of every role, a real SMTP server that the outbox drains into,
// and a client that keeps cookies and sends each form's CSRF token, as a
// browser does. The browser tests drive the same Site with Chromium.
package webtest

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"gorm.io/gorm"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/notify"
	"github.com/motcua/motcua/notify/notifytest"
	"github.com/motcua/motcua/service"
	"github.com/motcua/motcua/web"
	"github.com/motcua/motcua/workflow"
	"github.com/motcua/motcua/workflow/workflowtest"
)

// Password is every test user's password.
const Password = "mật-khẩu-thử-nghiệm"

// Start is the clock's first instant: Monday 16/11/2026, 09:00 in Hà Nội.
var Start = time.Date(2026, 11, 16, 9, 0, 0, 0, deadlines.Location)

// Clock is a settable clock.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// Now is the clock's instant.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock on by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// Site is the web application on a test database.
type Site struct {
	URL     string
	DB      *gorm.DB
	Svc     *service.Service
	Engine  *workflow.Engine
	Clock   *Clock
	DataDir string
	// Boards by code: HBI and BGG.
	Boards map[string]*models.Board
	// Users by username: hbi.officer, hbi.officer2, hbi.leader,
	// hbi.manager, hbi.admin, bgg.officer, bgg.leader, bgg.manager,
	// investor (files with any board), investor2.
	Users map[string]*models.User
	Mail  *notifytest.Server

	worker *notify.Worker
}

// New starts a site on db (migrated, empty).
func New(t testing.TB, db *gorm.DB) *Site {
	t.Helper()
	s := &Site{DB: db, Engine: workflowtest.Engine(t), Clock: &Clock{now: Start}, DataDir: t.TempDir(),
		Boards: map[string]*models.Board{}, Users: map[string]*models.User{}}
	s.Svc = service.New(service.Deps{DB: db, Engine: s.Engine, DataDir: s.DataDir, PublicURL: "http://motcua.test",
		Now: s.Clock.Now, Sleep: func(time.Duration) {}})
	e := echo.New()
	e.IPExtractor = echo.ExtractIPFromXFFHeader()
	e.Use(web.SecurityHeaders(false))
	pageErrors, err := web.Mount(e, web.Deps{Service: s.Svc, Log: slog.New(slog.NewTextHandler(testWriter{t}, nil))})
	if err != nil {
		t.Fatal(err)
	}
	e.HTTPErrorHandler = pageErrors
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	s.URL = srv.URL
	s.seed(t)
	s.startMail(t)
	return s
}

// testWriter writes log lines to the test's log.
type testWriter struct{ t testing.TB }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}

// seed creates the boards, their zones and the users.
func (s *Site) seed(t testing.TB) {
	t.Helper()
	for _, b := range []models.Board{
		{Code: "HBI", NameVI: "Ban Quản lý các khu công nghiệp tỉnh Hòa Bình", NameEN: "Hoa Binh Industrial Zones Authority", AgencyCode: "000.20.30.H33"},
		{Code: "BGG", NameVI: "Ban Quản lý các khu công nghiệp tỉnh Bắc Giang", NameEN: "Bac Giang Industrial Zones Authority", AgencyCode: "000.20.24.H06"},
	} {
		b := b
		if err := s.DB.Create(&b).Error; err != nil {
			t.Fatal(err)
		}
		s.Boards[b.Code] = &b
		if err := s.DB.Create(&models.Zone{BoardID: b.ID, Name: "KCN " + b.Code + " 1"}).Error; err != nil {
			t.Fatal(err)
		}
	}
	hash, err := passwordHash()
	if err != nil {
		t.Fatal(err)
	}
	now := s.Clock.Now()
	for _, u := range []struct{ name, full, role, board, dept string }{
		{"hbi.officer", "Trần Thị Hồng", "officer", "HBI", "Phòng Quản lý Đầu tư"},
		{"hbi.officer2", "Lê Văn Nam", "officer", "HBI", "Phòng Quản lý Quy hoạch và Xây dựng"},
		{"hbi.leader", "Phạm Minh Đức", "leader", "HBI", "Lãnh đạo Ban"},
		{"hbi.manager", "Vũ Thu Trang", "manager", "HBI", "Văn phòng"},
		{"hbi.admin", "Đỗ Quang Huy", "admin", "HBI", "Văn phòng"},
		{"bgg.officer", "Ngô Thị Lan", "officer", "BGG", "Phòng Quản lý Đầu tư"},
		{"bgg.leader", "Hoàng Văn Tùng", "leader", "BGG", "Lãnh đạo Ban"},
		{"bgg.manager", "Bùi Thị Mai", "manager", "BGG", "Văn phòng"},
		{"investor", "Công ty TNHH Sản xuất Hòa Phát Minh", "investor", "", ""},
		{"investor2", "Công ty Cổ phần Đông Á", "investor", "", ""},
	} {
		row := &models.User{Username: u.name, FullName: u.full, Role: u.role, Department: u.dept,
			Email: u.name + "@example.vn", PasswordHash: hash, Active: true, EmailVerifiedAt: &now}
		if u.board != "" {
			row.BoardID = &s.Boards[u.board].ID
		}
		if err := s.DB.Create(row).Error; err != nil {
			t.Fatal(err)
		}
		s.Users[u.name] = row
	}
}

// passwordHash hashes Password once.
var passwordHash = sync.OnceValues(func() (string, error) { return models.HashPassword(Password) })

// startMail starts the SMTP server the outbox drains into.
func (s *Site) startMail(t testing.TB) {
	t.Helper()
	s.Mail = notifytest.NewServer(t, nil)
	m, err := notify.NewSMTPMailer(notify.SMTPConfig{Host: "127.0.0.1", Port: s.Mail.Port, From: "motcua@bql.test",
		TLS: "none", Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	s.worker = &notify.Worker{DB: s.DB, Mailer: m,
		Renderer: &notify.Renderer{DB: s.DB, Cat: s.Engine.Catalogue(), PublicURL: s.URL}}
}

// tokenInLink finds an account email's one-time link.
var tokenInLink = regexp.MustCompile(`(/verify-email|/reset-password)\?token=([A-Za-z0-9_-]+)`)

// EmailLink drains the outbox and returns the path and query of the last
// one-time link emailed to addr (verification or password reset).
func (s *Site) EmailLink(t testing.TB, addr string) string {
	t.Helper()
	if _, err := s.worker.Drain(context.Background(), s.Clock.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	link := ""
	for _, m := range s.Mail.Mails() {
		if len(m.To) == 1 && strings.EqualFold(m.To[0], addr) {
			if sub := tokenInLink.FindStringSubmatch(notifytest.Parse(t, m).Body); sub != nil {
				link = sub[0]
			}
		}
	}
	if link == "" {
		t.Fatalf("webtest: no email with a link reached %s (%d emails)", addr, len(s.Mail.Mails()))
	}
	return link
}

// Principal signs username in through the service, for setting up a test.
func (s *Site) Principal(t testing.TB, username string) *service.Principal {
	t.Helper()
	sess, err := s.Svc.Login(context.Background(), service.Credentials{Username: username, Password: Password, IP: "10.0.0.1"})
	if err != nil {
		t.Fatalf("webtest: sign in %s: %v", username, err)
	}
	return sess.Principal
}

// File files a dossier for investor with board (HBI or BGG), through the
// service; it has no attachments.
func (s *Site) File(t testing.TB, investor, board, procedure, variant, applicant string) *service.DossierView {
	t.Helper()
	v, _, err := s.Svc.Submit(context.Background(), s.Principal(t, investor), service.SubmitRequest{Board: board,
		Procedure: procedure, Variant: variant, ApplicantName: applicant, ApplicantTaxCode: "0101234567"}, "")
	if err != nil {
		t.Fatalf("webtest: file a dossier: %v", err)
	}
	return v
}
