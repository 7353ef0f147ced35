package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/motcua/motcua/errs"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/service"
)

// statuses maps each kind of domain error to the status of its page, as
// the JSON API does.
var statuses = map[errs.Kind]int{
	errs.KindInvalid:         http.StatusBadRequest,
	errs.KindForbidden:       http.StatusForbidden,
	errs.KindNotFound:        http.StatusNotFound,
	errs.KindConflict:        http.StatusConflict,
	errs.KindRule:            http.StatusUnprocessableEntity,
	errs.KindUnavailable:     http.StatusServiceUnavailable,
	errs.KindUnauthenticated: http.StatusUnauthorized,
	errs.KindRateLimited:     http.StatusTooManyRequests,
	errs.KindTooLarge:        http.StatusRequestEntityTooLarge,
	errs.KindIntegrity:       http.StatusServiceUnavailable, // see handlers/errors.go
}

// errorData is what the error page shows.
type errorData struct {
	Status  int
	Code    string
	Message string
}

// renderErrors is the one place where an error a page handler returns
// becomes a page: a domain error shows its message in the page's
// language with its kind's status; a visitor asked to sign in is sent to
// the sign-in page; anything else is logged and shown as a 500 without
// its details.
func (w *app) renderErrors(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		err := next(c)
		if err == nil || c.Response().Committed {
			return err
		}
		return w.errorPage(c, err)
	}
}

// errorPage renders err as a page (see renderErrors).
func (w *app) errorPage(c echo.Context, err error) error {
	de, status := w.classify(c, err)
	if de.Kind == errs.KindUnauthenticated && principalOf(c) == nil && c.Request().Method == http.MethodGet {
		return redirect(c, "/login"+encodeQuery("next", localPath(c.Request().URL.RequestURI())))
	}
	if de.RetryAfter > 0 {
		c.Response().Header().Set("Retry-After", strconv.Itoa(int(de.RetryAfter.Seconds())))
	}
	p := w.page(c, "error.title")
	p.Data = errorData{Status: status, Code: de.Code, Message: w.message(p.Lang, de)}
	if rerr := w.render(c, status, "public/error", p); rerr != nil {
		w.log.Error("web: rendering the error page", "err", rerr)
		return c.String(status, http.StatusText(status))
	}
	return nil
}

// classify is err as a domain error and its status: Echo's own errors (no
// route, method not allowed, body too large) and a body that could not be
// read keep their status; a database that cannot be reached (or not
// within the request's time) is 503 with Retry-After, logged once per
// interval; anything else is an internal error.
func (w *app) classify(c echo.Context, err error) (*errs.Error, int) {
	if de, ok := errs.As(err); ok {
		if status, ok := statuses[de.Kind]; ok {
			if status >= http.StatusInternalServerError {
				w.logFailure(c, de, err)
			}
			return de, status
		}
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		switch he.Code {
		case http.StatusNotFound:
			return errs.NotFound("", "không có trang này", "there is no such page"), he.Code
		case http.StatusRequestEntityTooLarge:
			return errs.New(errs.KindTooLarge, "too_large", "", "tệp hoặc biểu mẫu quá lớn",
				"the file or form is too large"), he.Code
		case http.StatusMethodNotAllowed:
			return errs.New(errs.KindInvalid, "method_not_allowed", "", "phương thức không được phép",
				"method not allowed"), he.Code
		}
	}
	if errors.Is(err, context.Canceled) {
		// the browser went away (a click elsewhere mid-request): nothing to show, nothing wrong here
		w.log.Info("web: request canceled by the client", "path", c.Request().URL.Path)
		return errs.New(errs.KindUnavailable, "canceled", "", "yêu cầu đã bị hủy", "the request was canceled"),
			http.StatusServiceUnavailable
	}
	var be *service.BodyError
	if errors.As(err, &be) {
		return errs.Invalid("", "không đọc được nội dung gửi lên", "the request body could not be read"), http.StatusBadRequest
	}
	if de := models.Unavailable(err); de != nil {
		w.logFailure(c, de, err)
		return de, http.StatusServiceUnavailable
	}
	w.log.Error("web: request failed", "err", err, "path", c.Request().URL.Path, slog.String("method", c.Request().Method))
	return errs.New(0, "internal", "", "lỗi hệ thống; xin thử lại sau", "internal error; please try again later"),
		http.StatusInternalServerError
}

// outages logs an unavailable database once per interval for every page
// of the process.
var outages models.OutageLog

// logFailure logs a page that failed on the server's side with a known
// error: an unavailable database once per interval, anything else (stored
// data that disagree) each time.
func (w *app) logFailure(c echo.Context, de *errs.Error, err error) {
	if de.Kind == errs.KindUnavailable {
		outages.Failed(w.log, err, c.Request().URL.Path)
		return
	}
	w.log.Error("web: request failed", "err", err, "path", c.Request().URL.Path, slog.String("method", c.Request().Method))
}

// message is a domain error's message in lang, as a sentence: the
// service writes it for the API, in lower case.
func (w *app) message(lang string, de *errs.Error) string {
	m := de.VI
	if lang == langEN && de.EN != "" {
		m = de.EN
	}
	return capitalize(m)
}

// capitalize upper-cases the first letter of s.
func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// errorHandler renders the errors that reach Echo outside a page handler
// (no such route, method not allowed) as an HTML page.
func (w *app) errorHandler(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	if rerr := w.errorPage(c, err); rerr != nil {
		w.log.Error("web: error page", "err", rerr)
	}
}
