// Package handlers is motcua's HTTP layer: Echo routes, request binding and
// validation, the one central error handler, and the web pages.
package handlers

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"gorm.io/gorm"

	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/workflow"
)

// Deps are what the handlers need.
type Deps struct {
	DB     *gorm.DB
	Engine *workflow.Engine
	Log    *slog.Logger

	// TokenTTL is how long a login token lasts (DefaultTokenTTL when zero).
	TokenTTL time.Duration
	// Now is the clock (time.Now when nil); tests pin it.
	Now func() time.Time
	// Sleep slows throttled logins down (time.Sleep when nil); tests record it.
	Sleep func(time.Duration)
	// IPExtractor finds the client address that login throttling counts
	// (the connection's peer address when nil: X-Forwarded-For is trusted
	// only when the deployment says so).
	IPExtractor echo.IPExtractor
}

// New builds the Echo server with its middleware, error handler and routes.
func New(d Deps) *echo.Echo {
	d = d.withDefaults()
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.IPExtractor = d.IPExtractor
	e.HTTPErrorHandler = ErrorHandler(d.Log)
	e.Use(middleware.RequestID(), requestLog(d.Log), middleware.Recover(), middleware.BodyLimit("32M"))
	e.Use(middleware.ContextTimeoutWithConfig(middleware.ContextTimeoutConfig{Timeout: 30 * time.Second}))
	routes(e, d)
	return e
}

// requestLog writes one structured line per request: method, path, status,
// latency, request id, client address. Bodies and tokens are never logged.
func requestLog(log *slog.Logger) echo.MiddlewareFunc {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		LogMethod: true, LogURIPath: true, LogStatus: true, LogLatency: true, LogRequestID: true, LogRemoteIP: true,
		HandleError: true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			log.Info("request", "method", v.Method, "path", v.URIPath, "status", v.Status,
				"latency_ms", v.Latency.Milliseconds(), "request_id", v.RequestID, "ip", v.RemoteIP)
			return nil
		},
	})
}

// routes registers every route in one place.
func routes(e *echo.Echo, d Deps) {
	h := &health{db: d.DB}
	e.GET("/healthz", h.alive)
	e.GET("/readyz", h.ready)
	api := e.Group("/api/v1")
	api.GET("/openapi.yaml", serveOpenAPI)
	registerCatalogue(api, d.Engine)
	registerAuth(api, d)
	registerDossiers(api, d, RequireAuth(d))
	registerAttachments(api, d, RequireAuth(d))
	registerAdmin(api, d, RequireAuth(d))
	registerManager(api, d, RequireAuth(d))
	registerReports(api, d, RequireAuth(d))
	registerNotifications(api, d, RequireAuth(d))
}

type health struct{ db *gorm.DB }

// alive answers while the process runs.
func (h *health) alive(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

// ready answers when the database is reachable and its schema current.
func (h *health) ready(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	if err := h.db.WithContext(ctx).Exec("SELECT 1").Error; err != nil {
		return &workflow.Error{Kind: workflow.KindUnavailable, Code: "database_unreachable",
			Message: "không kết nối được cơ sở dữ liệu / database unreachable"}
	}
	if err := models.CheckSchema(h.db); err != nil {
		return &workflow.Error{Kind: workflow.KindUnavailable, Code: "schema_behind", Message: err.Error()}
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ready"})
}

// errorBody is the one error shape of the API.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string         `json:"code"`
	Message string         `json:"message"`
	Details map[string]any `json:"details,omitempty"`
}

// ErrorHandler is the central Echo error handler: every error leaves as
// {"error":{"code","message","details"}} with the status its kind gives.
func ErrorHandler(log *slog.Logger) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		status, body := toBody(err)
		if status >= 500 && log != nil {
			log.Error("request failed", "err", err, "path", c.Request().URL.Path)
		}
		if c.Request().Method == http.MethodHead {
			_ = c.NoContent(status)
			return
		}
		_ = c.JSON(status, body)
	}
}

func toBody(err error) (int, errorBody) {
	var de *workflow.Error
	var he *echo.HTTPError
	switch {
	case errors.As(err, &de):
		details := de.Details
		if de.Field != "" {
			details = withField(details, de.Field)
		}
		return de.Status(), errorBody{errorDetail{Code: de.Code, Message: de.Message, Details: details}}
	case errors.Is(err, models.ErrNotFound):
		return http.StatusNotFound, errorBody{errorDetail{Code: "not_found", Message: "không tìm thấy / not found"}}
	case errors.As(err, &he):
		text := http.StatusText(he.Code)
		return he.Code, errorBody{errorDetail{Code: strings.ToLower(strings.ReplaceAll(text, " ", "_")), Message: text}}
	}
	return http.StatusInternalServerError, errorBody{errorDetail{Code: "internal",
		Message: "lỗi hệ thống / internal error"}}
}

func withField(details map[string]any, field string) map[string]any {
	out := make(map[string]any, len(details)+1)
	for k, v := range details {
		out[k] = v
	}
	out["field"] = field
	return out
}
