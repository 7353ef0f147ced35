package main

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/config"
	"github.com/motcua/motcua/models"
)

// lockedBuffer is a log sink the server's goroutines share.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestSecretsNeverLogged: the server's log (the request log of the API
// and the pages, and the errors) never holds a password, a sign-in token,
// a tracking PIN or a one-time link's token, wherever a client sends
// them: JSON bodies, forms, headers, query strings. The log is written
// (one line per request), so the test is not vacuous.
func TestSecretsNeverLogged(t *testing.T) {
	db := migratedSQLite(t)
	hash, _ := models.HashPassword("Bí-mật-đăng-nhập-01")
	verified := time.Now()
	if err := db.Create(&models.User{Username: "quantri", Role: "admin", PasswordHash: hash, Active: true,
		EmailVerifiedAt: &verified}).Error; err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	eng, err := loadEngine(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var logs lockedBuffer
	h, err := newServer(cfg, db, eng, slog.New(slog.NewJSONHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	post := func(path, contentType, body string, header ...string) string {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", contentType)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		out.ReadFrom(res.Body)
		res.Body.Close()
		return out.String()
	}
	get := func(path string, header ...string) {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		if res, err := http.DefaultClient.Do(req); err == nil {
			res.Body.Close()
		}
	}
	body := post("/api/v1/auth/login", "application/json", `{"username":"quantri","password":"Bí-mật-đăng-nhập-01"}`)
	token := between(body, `"token":"`, `"`)
	if token == "" {
		t.Fatalf("no sign-in: %s", body)
	}
	secrets := []string{"Bí-mật-đăng-nhập-01", "Sai-mật-khẩu-02", token, "87654321", "TOKENMOTLAN0123456789", "mat-khau-moi-03"}
	post("/api/v1/auth/login", "application/json", `{"username":"quantri","password":"Sai-mật-khẩu-02"}`)
	get("/api/v1/auth/me", "Authorization", "Bearer "+token)
	get("/api/v1/dossiers?q=x&cursor=zz", "Authorization", "Bearer "+token)
	post("/api/v1/track", "application/json", `{"code":"000.20.30.H33-261116-0001","pin":"87654321"}`)
	get("/track?code=000.20.30.H33-261116-0001&pin=87654321")
	get("/verify-email?token=TOKENMOTLAN0123456789")
	get("/reset-password?token=TOKENMOTLAN0123456789")
	post("/api/v1/auth/password-reset/confirm", "application/json", `{"token":"TOKENMOTLAN0123456789","password":"mat-khau-moi-03"}`)
	post("/login", "application/x-www-form-urlencoded", url.Values{"username": {"quantri"}, "password": {"Bí-mật-đăng-nhập-01"}}.Encode())
	post("/api/v1/auth/logout", "application/json", "", "Authorization", "Bearer "+token)
	out := logs.String()
	if strings.Count(out, `"msg":"request"`) < 8 {
		t.Fatalf("the request log is not written:\n%s", out)
	}
	for _, s := range secrets {
		if strings.Contains(out, s) || strings.Contains(out, url.QueryEscape(s)) {
			t.Errorf("the log holds the secret %q:\n%s", s, out)
		}
	}
}

// between is the text of s between the first open and the next close.
func between(s, open, close string) string {
	_, after, ok := strings.Cut(s, open)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(after, close)
	return v
}
