package handlers

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// TestRequestTimeoutIsUnavailable: a request whose deadline (the
// ContextTimeout middleware) passes while it waits on the database answers
// 503 database_unavailable with Retry-After, as an outage does, not the
// 400 that Echo's own 503 used to be mapped to.
func TestRequestTimeoutIsUnavailable(t *testing.T) {
	e := echo.New()
	e.HTTPErrorHandler = ErrorHandler(nil)
	e.Use(middleware.ContextTimeoutWithConfig(middleware.ContextTimeoutConfig{Timeout: 50 * time.Millisecond}))
	e.GET("/api/v1/dossiers", func(c echo.Context) error {
		<-c.Request().Context().Done() // a statement waiting on a database that does not answer
		return fmt.Errorf("service: search: %w", fmt.Errorf("store: search: %w", c.Request().Context().Err()))
	})
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/dossiers", nil))
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") != "5" {
		t.Fatalf("%d Retry-After %q: %s", rec.Code, rec.Header().Get("Retry-After"), rec.Body.String())
	}
	if body := rec.Body.String(); !strings.Contains(body, `"code":"database_unavailable"`) {
		t.Fatalf("body %s", body)
	}
}
