package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/motcua/motcua/config"
	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/models/modelstest"
)

// TestReadReplicaRouting proves where DATABASE_REPLICA_URL sends each
// read. The "replica" is a distinct database (another SQLite file, another
// PostgreSQL schema) with the same board and accounts as the primary but
// other dossiers, so the database that served an answer shows in it:
//   - a submit writes to the primary, never to the replica, and the
//     dossier page right after it reads the primary (the caller's own write);
//   - sign-in and the session stay on the primary (the replica has no
//     password for anyone);
//   - search, the Biểu 06 report and public tracking read the replica: they
//     show the replica's dossiers and not the one just submitted.
//
// Without DATABASE_REPLICA_URL every read is the primary's.
func TestReadReplicaRouting(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "replica.db")
		replica, err := models.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := models.Migrate(replica); err != nil {
			t.Fatal(err)
		}
		checkReplicaRouting(t, modelstest.SQLite(t), replica, path)
	})
	t.Run("postgres", func(t *testing.T) {
		primary, replica := modelstest.Postgres(t), modelstest.Postgres(t)
		var schema string
		if err := replica.Raw("SELECT current_schema()").Scan(&schema).Error; err != nil {
			t.Fatal(err)
		}
		url, err := models.WithSearchPath(modelstest.PostgresURL(), schema)
		if err != nil {
			t.Fatal(err)
		}
		checkReplicaRouting(t, primary, replica, url)
	})
}

// checkReplicaRouting runs TestReadReplicaRouting on a primary and a
// replica, the replica's URL being replicaURL.
func checkReplicaRouting(t *testing.T, primary, replica *gorm.DB, replicaURL string) {
	waitPastMidnight(t)
	pf, rf := newReplicaFixture(t, primary), newReplicaFixture(t, replica)
	if pf.board != rf.board {
		t.Fatalf("the board is %d on the primary, %d on the replica", pf.board, rf.board)
	}
	// Two dossiers only the replica has, filed two working days ago.
	past := pf.cal().AddWorkingDays(pf.today, -2).Add(8*time.Hour + 30*time.Minute)
	onReplica := []*models.Dossier{rf.receive(t, past, ""), rf.receive(t, past.Add(time.Minute), "")}
	const password = "doc-tu-ban-sao"
	hash, err := models.HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	err = primary.Model(&models.User{}).Where("username IN ?", []string{"a.officer", "m.manager"}).
		Updates(map[string]any{"password_hash": hash, "email_verified_at": time.Now().UTC()}).Error
	if err != nil {
		t.Fatal(err)
	}

	cfg := config.Default()
	cfg.DatabaseReplicaURL = replicaURL
	eng, err := loadEngine(cfg)
	if err != nil {
		t.Fatal(err)
	}
	h, err := newServer(cfg, primary, eng, quiet)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	c := &replicaClient{t: t, base: srv.URL + "/api/v1"}
	officer, manager := c.login("a.officer", password), c.login("m.manager", password)

	// A write and the read of one's own write: the primary.
	var filed struct {
		Code string `json:"code"`
	}
	c.call("POST", "/dossiers", officer, map[string]any{"procedure": "construction-permit", "variant": "new",
		"channel": "direct", "applicant_name": "Công ty TNHH Ghi Chính"}, http.StatusCreated, &filed)
	if n := countCode(t, primary, filed.Code); n != 1 {
		t.Errorf("the submitted dossier %s is %d times on the primary, want once", filed.Code, n)
	}
	if n := countCode(t, replica, filed.Code); n != 0 {
		t.Errorf("the submitted dossier %s was written to the replica", filed.Code)
	}
	c.call("GET", "/dossiers/"+filed.Code, officer, nil, http.StatusOK, nil)

	// Listings, reports and tracking: the replica.
	var page struct {
		Items []struct {
			Code string `json:"code"`
		} `json:"items"`
	}
	c.call("GET", "/dossiers?limit=50", officer, nil, http.StatusOK, &page)
	var listed []string
	for _, it := range page.Items {
		listed = append(listed, it.Code)
	}
	want := []string{onReplica[0].Code, onReplica[1].Code}
	slices.Sort(listed)
	slices.Sort(want)
	if !slices.Equal(listed, want) {
		t.Errorf("search listed %v, want the replica's %v (not the primary's %s)", listed, want, filed.Code)
	}
	var report struct {
		Total struct {
			ReceivedTotal int `json:"received_total"`
		} `json:"total"`
	}
	now := time.Now().In(deadlines.Location)
	c.call("GET", fmt.Sprintf("/reports/reform?from=%s&to=%s", now.AddDate(0, 0, -40).Format(time.DateOnly),
		now.Format(time.DateOnly)), manager, nil, http.StatusOK, &report)
	if report.Total.ReceivedTotal != 2 {
		t.Errorf("Biểu 06 counts %d received, want the replica's 2 (the primary has none)", report.Total.ReceivedTotal)
	}
	c.call("POST", "/track", "", map[string]any{"code": onReplica[0].Code, "pin": onReplica[0].TrackingPIN}, http.StatusOK, nil)
	var own models.Dossier
	if err := primary.Where("code = ?", filed.Code).First(&own).Error; err != nil {
		t.Fatal(err)
	}
	c.call("POST", "/track", "", map[string]any{"code": own.Code, "pin": own.TrackingPIN}, http.StatusNotFound, nil)
}

// countCode counts the dossiers with code in db.
func countCode(t *testing.T, db *gorm.DB, code string) int64 {
	t.Helper()
	var n int64
	if err := db.Model(&models.Dossier{}).Where("code = ?", code).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// replicaClient calls the API of a test server.
type replicaClient struct {
	t    *testing.T
	base string
}

// login signs in and returns the token.
func (c *replicaClient) login(user, password string) string {
	var out struct {
		Token string `json:"token"`
	}
	c.call("POST", "/auth/login", "", map[string]any{"username": user, "password": password}, http.StatusOK, &out)
	return out.Token
}

// call sends a JSON request, fails unless it answers status, and decodes
// the answer into out (when not nil).
func (c *replicaClient) call(method, path, token string, body any, status int, out any) {
	c.t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.base+path, r)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if method == "POST" && path == "/dossiers" {
		req.Header.Set("Idempotency-Key", "replica-"+randomKey())
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != status {
		c.t.Fatalf("%s %s: %d, want %d: %s", method, path, res.StatusCode, status, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			c.t.Fatalf("%s %s: %v: %s", method, path, err, b)
		}
	}
}
