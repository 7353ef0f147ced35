package handlers

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/models/modelstest"
	"github.com/motcua/motcua/service"
)

func get(t *testing.T, h http.Handler, path string) (int, map[string]map[string]any) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	var body map[string]map[string]any
	json.Unmarshal(rec.Body.Bytes(), &body)
	return rec.Code, body
}

func TestHealthAndErrors(t *testing.T) {
	db := modelstest.SQLite(t)
	e := New(Deps{Service: service.New(service.Deps{DB: db})})
	if code, _ := get(t, e, "/healthz"); code != http.StatusOK {
		t.Fatalf("healthz %d", code)
	}
	if code, _ := get(t, e, "/readyz"); code != http.StatusOK {
		t.Fatalf("readyz on a migrated database: %d", code)
	}
	code, body := get(t, e, "/no/such/route")
	if code != http.StatusNotFound || body["error"]["code"] != "not_found" || body["error"]["message"] == "" {
		t.Fatalf("404 body %v", body)
	}
}

func TestReadyRefusesSchemaBehind(t *testing.T) {
	db, err := models.Open(filepath.Join(t.TempDir(), "empty.db"))
	if err != nil {
		t.Fatal(err)
	}
	code, body := get(t, New(Deps{Service: service.New(service.Deps{DB: db})}), "/readyz")
	if code != http.StatusServiceUnavailable || body["error"]["code"] != "schema_behind" {
		t.Fatalf("readyz on an unmigrated database: %d %v", code, body)
	}
}

func TestRequestLog(t *testing.T) {
	var buf bytes.Buffer
	e := New(Deps{Service: service.New(service.Deps{DB: modelstest.SQLite(t)}), Log: slog.New(slog.NewJSONHandler(&buf, nil))})
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
	var line map[string]any
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
		t.Fatalf("log line %q: %v", buf.String(), err)
	}
	if line["path"] != "/healthz" || line["status"] != float64(200) || line["request_id"] == "" || line["request_id"] != rec.Header().Get("X-Request-Id") {
		t.Fatalf("log line %v, response id %q", line, rec.Header().Get("X-Request-Id"))
	}
}
