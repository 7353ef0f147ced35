package web

import (
	"context"
	"net/http"

	"github.com/gorilla/csrf"
	"github.com/labstack/echo/v4"

	"github.com/motcua/motcua/errs"
)

// csrfField is the name of the hidden field that carries the CSRF token
// in every form.
const csrfField = "_csrf"

// csrfCookie holds the secret the tokens are checked against.
const csrfCookie = "motcua_csrf"

// csrfRun is what the CSRF middleware hands to the protected handler
// through the request context: the Echo request and its outcome.
type csrfRun struct {
	c    echo.Context
	next echo.HandlerFunc
	err  error
}

type csrfKey struct{}

// newCSRF builds gorilla/csrf's protection once, around a handler that
// runs the page the request context names: a form whose token is missing
// or wrong, or that comes from another origin, is refused before the page
// handler runs.
func newCSRF(key []byte, secure bool) http.Handler {
	protect := csrf.Protect(key, csrf.FieldName(csrfField), csrf.CookieName(csrfCookie), csrf.Path("/"),
		csrf.Secure(secure), csrf.HttpOnly(true), csrf.SameSite(csrf.SameSiteLaxMode), csrf.MaxAge(12*3600),
		csrf.ErrorHandler(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
			run := r.Context().Value(csrfKey{}).(*csrfRun)
			run.err = errCSRF()
		})))
	return protect(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		run := r.Context().Value(csrfKey{}).(*csrfRun)
		run.c.SetRequest(r)
		run.err = run.next(run.c)
	}))
}

// csrfCheck runs the request through the CSRF protection; the page
// handler runs inside it, with the request that carries the token.
func (w *app) csrfCheck(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		run := &csrfRun{c: c, next: next}
		r := c.Request().WithContext(context.WithValue(c.Request().Context(), csrfKey{}, run))
		if !w.secure && c.Request().TLS == nil {
			r = csrf.PlaintextHTTPRequest(r)
		}
		w.csrf.ServeHTTP(c.Response(), r)
		return run.err
	}
}

// csrfToken is the request's CSRF token, for the hidden field of its forms.
func csrfToken(c echo.Context) string { return csrf.Token(c.Request()) }

// errCSRF refuses a form without its token: it is most often a page left
// open past the token's life, so the message says to reload it.
func errCSRF() error {
	return errs.Forbidden("csrf_invalid", "", "biểu mẫu đã hết hạn hoặc không hợp lệ; hãy tải lại trang và gửi lại",
		"the form has expired or is not valid; reload the page and send it again")
}
