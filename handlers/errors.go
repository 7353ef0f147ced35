package handlers

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/motcua/motcua/errs"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/service"
)

// errorBody is the one error shape of the API.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string         `json:"code"`
	Message string         `json:"message"`
	Details map[string]any `json:"details,omitempty"`
}

// statuses maps each kind of domain error to its HTTP status.
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
	// Stored data that disagree (report counters edited behind the
	// engine's back): the server's fault, not the caller's (so not 4xx),
	// known and named with its repair, `motcua recount` (so not a bare
	// 500), and over once an operator has run it; monitors alert on 5xx.
	errs.KindIntegrity: http.StatusServiceUnavailable,
}

// ErrorHandler is the central Echo error handler of the API: every error
// leaves as {"error":{"code","message","details"}} with the status its
// kind gives, and Retry-After when the error says how long to wait. An
// unavailable database is logged once per interval, with the count of
// the requests it failed since.
func ErrorHandler(log *slog.Logger) echo.HTTPErrorHandler {
	outages := &models.OutageLog{}
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		de := toDomain(err)
		status := statusOf(err, de)
		switch {
		case de.Kind == errs.KindUnavailable:
			outages.Failed(log, err, c.Request().URL.Path) // once per interval, not once per request
		case status >= 500 && log != nil:
			log.Error("request failed", "err", err, "path", c.Request().URL.Path)
		}
		if de.Kind == errs.KindUnauthenticated {
			c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="motcua"`)
		}
		if de.RetryAfter > 0 {
			c.Response().Header().Set("Retry-After", strconv.Itoa(int(de.RetryAfter.Seconds())))
		}
		if c.Request().Method == http.MethodHead {
			_ = c.NoContent(status)
			return
		}
		_ = c.JSON(status, body(de))
	}
}

// statusOf is the status of an error: its kind's, or Echo's own for a
// method not allowed.
func statusOf(err error, de *errs.Error) int {
	var he *echo.HTTPError
	if errors.As(err, &he) && he.Code == http.StatusMethodNotAllowed {
		return he.Code
	}
	if status, ok := statuses[de.Kind]; ok {
		return status
	}
	return http.StatusInternalServerError
}

// body is the JSON of a domain error: details with the field named.
func body(de *errs.Error) errorBody {
	details := de.Details
	if de.Field != "" {
		details = make(map[string]any, len(de.Details)+1)
		for k, v := range de.Details {
			details[k] = v
		}
		details["field"] = de.Field
	}
	return errorBody{errorDetail{Code: de.Code, Message: de.Message(), Details: details}}
}

// toDomain turns any error into a domain error: a *errs.Error as it is, a
// body that could not be read into 400 or 413, a database that cannot be
// reached (or not within the request's time) into 503 with Retry-After,
// Echo's own errors (no route, method not allowed, body too large) by
// their status, anything else into a 500 "internal" that shows nothing of
// the cause.
func toDomain(err error) *errs.Error {
	if de, ok := errs.As(err); ok {
		return de
	}
	var be *service.BodyError
	if errors.As(err, &be) {
		return bodyError(be.Err)
	}
	if de := models.Unavailable(err); de != nil {
		return de
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		return echoError(he)
	}
	return errs.New(0, "internal", "", "lỗi hệ thống", "internal error")
}

// echoError maps an error Echo raised itself.
func echoError(he *echo.HTTPError) *errs.Error {
	text := http.StatusText(he.Code)
	code := strings.ToLower(strings.ReplaceAll(text, " ", "_"))
	switch he.Code {
	case http.StatusNotFound:
		return errs.NotFound("", "không tìm thấy", "not found")
	case http.StatusRequestEntityTooLarge:
		return errs.New(errs.KindTooLarge, "body_too_large", "body", "nội dung yêu cầu quá lớn", "the request body is too large")
	case http.StatusMethodNotAllowed:
		return errs.New(errs.KindInvalid, code, "", "phương thức không được hỗ trợ", text)
	case http.StatusUnauthorized:
		return errs.New(errs.KindUnauthenticated, "unauthenticated", "", "chưa đăng nhập", text)
	}
	return errs.New(errs.KindInvalid, code, "", "yêu cầu không hợp lệ", text)
}

// bodyError classifies an error reading the request body.
func bodyError(err error) *errs.Error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		e := errs.New(errs.KindTooLarge, "file_too_large", "file", "tệp vượt quá 20 MB", "the file exceeds 20 MB")
		return e.With("max_bytes", service.MaxFileSize)
	}
	return errs.Invalid("body", "nội dung yêu cầu không hợp lệ hoặc bị ngắt", "the request body is malformed or was cut off")
}
