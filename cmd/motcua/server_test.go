package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/motcua/motcua/config"
	"github.com/motcua/motcua/web"
)

// TestServerComposition: one server answers the pages and the API side
// by side; an unknown address is a JSON error under /api/ and an HTML
// page elsewhere; every response, the API's included, carries the
// security headers.
func TestServerComposition(t *testing.T) {
	db := migratedSQLite(t)
	cfg := config.Default()
	eng, err := loadEngine(cfg)
	if err != nil {
		t.Fatal(err)
	}
	h, err := newServer(cfg, db, eng, quiet)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	for _, c := range []struct {
		path, wantType string
		status         int
	}{
		{"/", "text/html", 200}, {"/procedures", "text/html", 200}, {"/no-such-page", "text/html", 404},
		{"/api/v1/procedures", "application/json", 200}, {"/api/v1/no-such", "application/json", 404},
		{"/healthz", "application/json", 200},
	} {
		res, err := http.Get(srv.URL + c.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != c.status || !strings.HasPrefix(res.Header.Get("Content-Type"), c.wantType) {
			t.Errorf("%s: %d %s, want %d %s", c.path, res.StatusCode, res.Header.Get("Content-Type"), c.status, c.wantType)
		}
		if res.Header.Get("Content-Security-Policy") != web.ContentSecurityPolicy || res.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: security headers missing: %v", c.path, res.Header)
		}
		if c.wantType == "application/json" && c.status == 404 {
			var e map[string]map[string]any
			if json.Unmarshal(body, &e) != nil || e["error"]["code"] == nil {
				t.Errorf("%s: not the API's error shape: %s", c.path, body)
			}
		}
		if c.wantType == "text/html" && !strings.Contains(string(body), "<html lang=\"vi\">") {
			t.Errorf("%s: not a page", c.path)
		}
	}
}
