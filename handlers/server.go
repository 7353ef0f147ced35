// Package handlers is motcua's JSON API under /api/v1: Echo routes, request
// binding, the one central mapping of domain errors to HTTP statuses and
// JSON bodies, and the JSON shapes. It owns no rule: every request is bound
// and handed to the service layer (package service), which decides. It
// never imports gorm nor the web pages, and the web pages never import it.
package handlers

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/motcua/motcua/service"
)

// Deps are what the JSON API needs.
type Deps struct {
	Service *service.Service
	Log     *slog.Logger
	// IPExtractor finds the client address that throttling counts (the
	// connection's peer when nil: X-Forwarded-For is trusted only when the
	// deployment says so).
	IPExtractor echo.IPExtractor
}

// New builds an Echo server with the API mounted (the health probes and
// /api/v1).
func New(d Deps) *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	if d.IPExtractor == nil {
		d.IPExtractor = echo.ExtractIPDirect()
	}
	e.IPExtractor = d.IPExtractor
	e.HTTPErrorHandler = ErrorHandler(d.Log)
	e.Use(middleware.RequestID(), requestLog(d.Log), middleware.Recover(), middleware.BodyLimit("32M"))
	e.Use(middleware.ContextTimeoutWithConfig(middleware.ContextTimeoutConfig{Timeout: 30 * time.Second}))
	Mount(e, d)
	return e
}

// Mount registers the health probes and every /api/v1 route on e, in one
// place.
func Mount(e *echo.Echo, d Deps) {
	a := &api{svc: d.Service}
	e.GET("/healthz", a.alive)
	e.GET("/readyz", a.ready)
	g := e.Group("/api/v1")
	g.GET("/openapi.yaml", serveOpenAPI)
	auth := a.requireAuth
	g.GET("/procedures", a.procedures)
	g.GET("/procedures/:code/due-date", a.dueDate)
	g.GET("/calendar/holidays", a.holidays)
	g.GET("/boards", a.publicBoards)
	g.POST("/track", a.track)
	g.POST("/auth/login", a.login)
	g.POST("/auth/logout", a.logout, auth)
	g.GET("/auth/me", a.me, auth)
	g.POST("/auth/signup", a.signUp)
	g.POST("/auth/verify-email", a.verifyEmail)
	g.POST("/auth/verification", a.resendVerification)
	g.POST("/auth/password", a.changePassword, auth)
	g.POST("/auth/password-reset", a.requestReset)
	g.POST("/auth/password-reset/confirm", a.confirmReset)
	g.POST("/dossiers", a.submit, auth)
	g.GET("/dossiers", a.search, auth)
	g.GET("/inbox", a.inbox, auth)
	g.GET("/dossiers/:code", a.dossier, auth)
	g.GET("/dossiers/:code/receipt", a.receipt, auth)
	g.POST("/dossiers/:code/events", a.fire, auth)
	g.GET("/dossiers/:code/history", a.history, auth)
	g.GET("/dossiers/:code/forms/:kind", a.form, auth)
	g.POST("/dossiers/:code/attachments", a.upload, auth)
	g.GET("/dossiers/:code/attachments", a.attachments, auth)
	g.GET("/dossiers/:code/attachments/:id", a.download, auth)
	g.GET("/admin/boards", a.boards, auth)
	g.POST("/admin/boards", a.createBoard, auth)
	g.PATCH("/admin/boards/:id", a.patchBoard, auth)
	g.GET("/admin/boards/:id/zones", a.zones, auth)
	g.POST("/admin/boards/:id/zones", a.createZone, auth)
	g.GET("/admin/users", a.users, auth)
	g.POST("/admin/users", a.createUser, auth)
	g.PATCH("/admin/users/:id", a.patchUser, auth)
	g.GET("/alerts", a.alerts, auth)
	g.POST("/alerts/:id/ack", a.ack, auth)
	g.GET("/dashboard", a.dashboard, auth)
	g.GET("/reports/reform", a.reform, auth)
	g.GET("/notifications", a.notifications, auth)
	g.POST("/notifications/:id/read", a.readNotification, auth)
}

// api holds the handlers; each binds, calls the service and renders.
type api struct{ svc *service.Service }

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

// alive answers while the process runs.
func (a *api) alive(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

// ready answers when the database is reachable and its schema current.
func (a *api) ready(c echo.Context) error {
	if err := a.svc.Ready(c.Request().Context()); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ready"})
}
