package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/motcua/motcua/config"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/models/modelstest"
)

// TestReportCountersDisagree: counters edited behind the engine's back
// (more overdue than in progress) make the reform report refuse, on the
// API and on the report page: 503, code report_counters_inconsistent,
// a message in both languages that names `motcua recount`, no
// Retry-After (waiting does not repair them); the server log says which
// board and counts. Once recounted, the report answers 200 again.
func TestReportCountersDisagree(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		receivedDossier(t, db)
		managerOf(t, db, "HBI", "hbi.manager", outagePassword)
		var logged bytes.Buffer
		log := slog.New(slog.NewJSONHandler(&logged, nil))
		eng, err := loadEngine(config.Default())
		if err != nil {
			t.Fatal(err)
		}
		h, err := newServer(config.Default(), db, eng, log)
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(h)
		defer srv.Close()
		c := &outageClient{base: srv.URL, http: srv.Client(), user: "hbi.manager", password: outagePassword}
		c.login(t)
		api := func() answer { return c.api("GET", "/reports/reform?board=HBI&period=2026-Q4", nil, c.token) }
		page := func() answer { return c.page("/reports?kind=quarter&year=2026&quarter=4", true) }
		if a, p := api(), page(); a.status != 200 || p.status != 200 {
			t.Fatalf("before the edit:\n%s\n%s", a, p)
		}

		if err := db.Exec("UPDATE report_counts SET n = 2, day = '2026-11-20' WHERE kind = 'overdue'").Error; err != nil {
			t.Fatal(err)
		}
		a := api()
		var body struct {
			Error struct {
				Code    string         `json:"code"`
				Message string         `json:"message"`
				Details map[string]any `json:"details"`
			} `json:"error"`
		}
		if err := json.Unmarshal([]byte(a.body), &body); err != nil || a.status != http.StatusServiceUnavailable ||
			a.retryAfter != "" || body.Error.Code != "report_counters_inconsistent" ||
			strings.Count(body.Error.Message, "`motcua recount`") != 2 || body.Error.Details["procedure"] != "construction-permit" {
			t.Errorf("the API over edited counters: %s", a)
		}
		p := page()
		if p.status != http.StatusServiceUnavailable || p.retryAfter != "" || !strings.Contains(p.body, "motcua recount") ||
			!strings.Contains(strings.ToLower(p.body), "số liệu tổng hợp của báo cáo không khớp với hồ sơ") {
			t.Errorf("the report page over edited counters: %s", p)
		}
		if !strings.Contains(logged.String(), "the report counters of board") || strings.Contains(logged.String(), `"internal"`) {
			t.Errorf("the server log does not say which counters:\n%s", logged.String())
		}

		err = models.InTx(context.Background(), db, func(tx *gorm.DB) error { // what `motcua recount` does
			_, err := models.RebuildReportCounts(context.Background(), tx)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if a, p := api(), page(); a.status != 200 || p.status != 200 {
			t.Fatalf("after the recount:\n%s\n%s", a, p)
		}
	})
}

// managerOf adds a manager of the board who can sign in with password.
func managerOf(t *testing.T, db *gorm.DB, board, username, password string) {
	t.Helper()
	var b models.Board
	if err := db.Where("code = ?", board).First(&b).Error; err != nil {
		t.Fatal(err)
	}
	hash, err := models.HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	verified := time.Now().UTC()
	u := &models.User{BoardID: &b.ID, Username: username, FullName: "Lê Thị Quản Lý", Role: "manager",
		Email: username + "@bql.test", Active: true, PasswordHash: hash, EmailVerifiedAt: &verified}
	if err := db.Create(u).Error; err != nil {
		t.Fatal(err)
	}
}
