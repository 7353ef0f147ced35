package handlers

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/models/modelstest"
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
	e := New(Deps{DB: db})
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
	code, body := get(t, New(Deps{DB: db}), "/readyz")
	if code != http.StatusServiceUnavailable || body["error"]["code"] != "schema_behind" {
		t.Fatalf("readyz on an unmigrated database: %d %v", code, body)
	}
}
