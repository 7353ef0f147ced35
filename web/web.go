// Package web is motcua's web application: the server-rendered pages of
// every role (the public catalogue and tracking, the investor's portal,
// the officer's desk, the leader's queue, the manager's dashboard and the
// administrator's pages), served by the same binary as the JSON API.
//
// It sits on the service layer beside package handlers: neither imports
// the other, and no page touches the database. A page binds its form,
// calls the service, and renders what comes back; a domain error (*errs.Error)
// becomes an error page or a message tied to the form field at fault, in
// one place (errors.go). Templates, messages (locales/) and static files
// are embedded; nothing loads from another site.
//
// Sessions are server-side sign-ins (the service's tokens) carried by an
// HttpOnly, SameSite=Lax cookie; every form carries a CSRF token; every
// response carries the security headers (a Content-Security-Policy
// without unsafe-inline among them).
package web

import (
	"crypto/rand"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/motcua/motcua/service"
)

// Deps are what the web application needs.
type Deps struct {
	Service *service.Service
	Log     *slog.Logger
	// SecureCookies marks the session, language and CSRF cookies Secure and
	// turns on HSTS: set it when the site is served over TLS.
	SecureCookies bool
	// Key authenticates the CSRF cookie: 32 bytes, the same on every
	// instance behind one load balancer. A random key is drawn when nil
	// (forms then expire when the process restarts).
	Key []byte
}

// app holds the web application's handlers and what they share.
type app struct {
	svc    *service.Service
	log    *slog.Logger
	views  *views
	i18n   *catalog
	assets *assets
	secure bool
	csrf   http.Handler
}

// Mount registers every page of the web application on e. The pages get
// their own middleware (session, language, CSRF); the API's routes are
// left alone. It returns the handler that renders, as an HTML page, the
// errors Echo meets before any page (no such route, method not allowed):
// cmd uses it for every path outside the API.
func Mount(e *echo.Echo, d Deps) (echo.HTTPErrorHandler, error) {
	w, err := newApp(d)
	if err != nil {
		return nil, err
	}
	w.routes(&router{e: e, chain: w.chain()})
	return w.errorHandler, nil
}

// newApp loads the templates, messages and static files.
func newApp(d Deps) (*app, error) {
	w := &app{svc: d.Service, log: d.Log, secure: d.SecureCookies}
	if w.log == nil {
		w.log = slog.New(slog.DiscardHandler)
	}
	var err error
	if w.i18n, err = loadCatalog(); err != nil {
		return nil, err
	}
	if w.assets, err = loadAssets(); err != nil {
		return nil, err
	}
	if w.views, err = loadViews(w.assets); err != nil {
		return nil, err
	}
	key := d.Key
	if len(key) == 0 {
		key = make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, fmt.Errorf("web: csrf key: %w", err)
		}
	}
	if len(key) != 32 {
		return nil, fmt.Errorf("web: the CSRF key must be 32 bytes, not %d", len(key))
	}
	w.csrf = newCSRF(key, d.SecureCookies)
	return w, nil
}

// router registers routes with the web application's middleware.
type router struct {
	e     *echo.Echo
	chain []echo.MiddlewareFunc
}

// get and post register a page handler; extra middleware (a role
// requirement) runs after the common chain.
func (r *router) get(path string, h handler, m ...echo.MiddlewareFunc) {
	r.e.GET(path, echo.HandlerFunc(h), append(append([]echo.MiddlewareFunc{}, r.chain...), m...)...)
}

func (r *router) post(path string, h handler, m ...echo.MiddlewareFunc) {
	r.e.POST(path, echo.HandlerFunc(h), append(append([]echo.MiddlewareFunc{}, r.chain...), m...)...)
}

// handler is a page handler: it renders, redirects, or returns an error
// that the chain's error middleware renders as a page.
type handler func(c echo.Context) error

// chain is the middleware every page runs through, outermost first:
// compression, the error page, the language, the session, then CSRF.
func (w *app) chain() []echo.MiddlewareFunc {
	return []echo.MiddlewareFunc{compress, w.renderErrors, w.language, w.session, w.csrfCheck}
}

// compress gzips pages, stylesheets and scripts for a slow line; files
// (PDFs, scans) go as they are.
var compress = middleware.GzipWithConfig(middleware.GzipConfig{
	MinLength: 1024,
	Skipper:   func(c echo.Context) bool { return strings.Contains(c.Path(), "/attachments/") },
})
