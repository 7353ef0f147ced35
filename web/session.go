package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/motcua/motcua/errs"
	"github.com/motcua/motcua/service"
	"github.com/motcua/motcua/workflow"
)

// sessionCookie carries the sign-in token. The session itself lives in
// the database (the service's tokens): it expires like an API token and
// signing out revokes it.
const sessionCookie = "motcua_session"

// Context keys of what the middleware finds.
const (
	ctxPrincipal = "web.principal"
	ctxLang      = "web.lang"
)

// session finds the signed-in user of the request's session cookie. A
// cookie that no longer names a live sign-in is cleared; the request goes
// on as a visitor's.
func (w *app) session(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ck, err := c.Cookie(sessionCookie)
		if err != nil || ck.Value == "" {
			return next(c)
		}
		p, err := w.svc.Authenticate(c.Request().Context(), ck.Value)
		switch {
		case err == nil:
			c.Set(ctxPrincipal, p)
		case errs.KindOf(err) == errs.KindUnauthenticated:
			w.clearSession(c)
		default:
			return err
		}
		return next(c)
	}
}

// principalOf is the request's signed-in user, nil for a visitor.
func principalOf(c echo.Context) *service.Principal {
	p, _ := c.Get(ctxPrincipal).(*service.Principal)
	return p
}

// startSession sets the cookie of a new sign-in. The token is new at
// every sign-in, so a cookie planted before it (session fixation) names
// nothing.
func (w *app) startSession(c echo.Context, s *service.Session) {
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: s.Token, Path: "/", Expires: s.ExpiresAt,
		MaxAge: int(s.ExpiresAt.Sub(w.svc.Now()).Seconds()), HttpOnly: true, Secure: w.secure, SameSite: http.SameSiteLaxMode})
}

// clearSession removes the session cookie.
func (w *app) clearSession(c echo.Context) {
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: w.secure, SameSite: http.SameSiteLaxMode})
}

// signedIn admits a signed-in user of one of roles (any role when none is
// named); a visitor is sent to the sign-in page and back, another role
// gets the forbidden page.
func signedIn(roles ...workflow.Role) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			p := principalOf(c)
			if p == nil {
				return redirect(c, "/login"+encodeQuery("next", localPath(c.Request().URL.RequestURI())))
			}
			if len(roles) > 0 && !p.Is(roles...) {
				return errs.Forbidden("role_not_allowed", "", "vai trò của bạn không được dùng trang này",
					"your role may not use this page")
			}
			return next(c)
		}
	}
}

// localPath keeps a return address on this site: anything else (another
// host, a scheme, "//host") becomes "/".
func localPath(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.IsAbs() || u.Host != "" || !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") ||
		strings.HasPrefix(s, "/\\") {
		return "/"
	}
	return s
}

// language finds the page language: the lang cookie, else Vietnamese.
func (w *app) language(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		lang := langVI
		if ck, err := c.Cookie(langCookie); err == nil {
			lang = normLang(ck.Value)
		}
		c.Set(ctxLang, lang)
		return next(c)
	}
}

// langOf is the request's page language.
func langOf(c echo.Context) string {
	if l, ok := c.Get(ctxLang).(string); ok {
		return l
	}
	if ck, err := c.Cookie(langCookie); err == nil {
		return normLang(ck.Value)
	}
	return langVI
}

// switchLanguage answers GET /lang/:lang: the choice is kept in a cookie
// for a year, and the browser goes back where it was.
func (w *app) switchLanguage(c echo.Context) error {
	lang := normLang(c.Param("lang"))
	c.SetCookie(&http.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, Secure: w.secure, SameSite: http.SameSiteLaxMode})
	return redirect(c, localPath(c.QueryParam("next")))
}
