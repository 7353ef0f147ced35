package workflow

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/models"
)

// Kind classifies a domain error; the HTTP layer maps it to a status.
type Kind int

// Error kinds, with the status DESIGN.md gives each.
const (
	KindInvalid         Kind = iota + 1 // malformed input: 400
	KindForbidden                       // the role may not fire the event: 403
	KindNotFound                        // 404
	KindConflict                        // not allowed in the current state, or a stale version: 409
	KindRule                            // a rule of the catalogue: 422
	KindUnavailable                     // a dependency is down: 503
	KindUnauthenticated                 // no valid credentials: 401
	KindRateLimited                     // too many attempts: 429
	KindTooLarge                        // a body or file over its limit: 413
)

// Error is a domain error with a stable code, the field it concerns and a
// bilingual message.
type Error struct {
	Kind    Kind
	Code    string
	Field   string
	Message string
	Details map[string]any
}

func (e *Error) Error() string { return e.Message }

// Status is the HTTP status for the error's kind (the constants are
// net/http's; no HTTP framework is imported).
func (e *Error) Status() int {
	switch e.Kind {
	case KindInvalid:
		return http.StatusBadRequest
	case KindForbidden:
		return http.StatusForbidden
	case KindNotFound:
		return http.StatusNotFound
	case KindConflict:
		return http.StatusConflict
	case KindUnavailable:
		return http.StatusServiceUnavailable
	case KindUnauthenticated:
		return http.StatusUnauthorized
	case KindRateLimited:
		return http.StatusTooManyRequests
	case KindTooLarge:
		return http.StatusRequestEntityTooLarge
	default:
		return http.StatusUnprocessableEntity
	}
}

// ErrConflict matches (with errors.Is) every stale-version error.
var ErrConflict = &Error{Kind: KindConflict, Code: "stale_version"}

// Is lets errors.Is(err, ErrConflict) match any conflict-kind error with the same code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Kind == e.Kind && t.Code == e.Code
}

func invalid(field, vi, en string, args ...any) *Error {
	return &Error{Kind: KindInvalid, Code: "invalid_" + field, Field: field,
		Message: fmt.Sprintf(vi+" / "+en, args...)}
}

func rule(code, field, msg string) *Error {
	return &Error{Kind: KindRule, Code: code, Field: field, Message: msg}
}

func staleError(code string) *Error {
	return &Error{Kind: KindConflict, Code: "stale_version", Field: "version",
		Message: fmt.Sprintf("hồ sơ %s đã được người khác thay đổi, hãy tải lại / dossier %s was changed by someone else, reload it", code, code)}
}

func notAllowed(ev Event, st State) *Error {
	return &Error{Kind: KindConflict, Code: "event_not_allowed", Field: "event",
		Message: fmt.Sprintf("không thể thực hiện %q ở trạng thái %q / event %q is not allowed in state %q", ev, st, ev, st),
		Details: map[string]any{"event": string(ev), "state": string(st)}}
}

func forbidden(ev Event, role Role) *Error {
	return &Error{Kind: KindForbidden, Code: "role_not_allowed", Field: "role",
		Message: fmt.Sprintf("vai trò %q không được thực hiện %q / role %q may not fire %q", role, ev, role, ev)}
}

// fromStore maps store and clock errors to domain errors.
func fromStore(err error, code string) error {
	var re *deadlines.RuleError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, models.ErrStale):
		return staleError(code)
	case errors.Is(err, models.ErrNotFound):
		return &Error{Kind: KindNotFound, Code: "not_found", Message: "không tìm thấy / not found: " + err.Error()}
	case errors.As(err, &re):
		return &Error{Kind: KindRule, Code: re.Code, Field: re.Field, Message: re.Message}
	}
	return err
}
