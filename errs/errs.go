// Package errs holds motcua's domain errors: a stable code, the input field
// it concerns, a message in Vietnamese and in English, and a kind. It sits at
// the bottom of the house and imports nothing of motcua, so that every layer
// can return these errors and every front end can map a kind to what it
// shows: handlers/ to an HTTP status and a JSON body, the web pages to a
// page or a message beside the field.
package errs

import (
	"errors"
	"fmt"
	"time"
)

// Kind classifies a domain error.
type Kind int

// The kinds. Each front end maps them in one place (the JSON API: 400, 403,
// 404, 409, 422, 503, 401, 429, 413, 503).
const (
	KindInvalid         Kind = iota + 1 // malformed or out-of-range input
	KindForbidden                       // the role may not do this
	KindNotFound                        // no such thing, or not the caller's to see
	KindConflict                        // not allowed in the current state, or a stale version
	KindRule                            // a rule of the catalogue or of the law refuses it
	KindUnavailable                     // a dependency is down
	KindUnauthenticated                 // no valid credentials
	KindRateLimited                     // too many attempts
	KindTooLarge                        // a body or file over its limit
	// KindIntegrity: stored data disagree with each other (report counters
	// edited behind the engine's back); an operator must repair them, and
	// the message says how. Not the caller's fault, and not a passing one.
	KindIntegrity
)

// String names the kind, for logs.
func (k Kind) String() string {
	switch k {
	case KindInvalid:
		return "invalid"
	case KindForbidden:
		return "forbidden"
	case KindNotFound:
		return "not_found"
	case KindConflict:
		return "conflict"
	case KindRule:
		return "rule"
	case KindUnavailable:
		return "unavailable"
	case KindUnauthenticated:
		return "unauthenticated"
	case KindRateLimited:
		return "rate_limited"
	case KindTooLarge:
		return "too_large"
	case KindIntegrity:
		return "integrity"
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// Error is a domain error.
type Error struct {
	Kind    Kind
	Code    string // stable, snake_case: "invalid_version", "documents_missing"
	Field   string // the input field at fault, if any ("extension.new_due_date")
	VI      string // the message in Vietnamese, with full diacritics
	EN      string // the same message in English
	Details map[string]any
	// RetryAfter, when set, is how long the caller should wait (rate
	// limits, a dependency that is down).
	RetryAfter time.Duration
	// Cause, when set, is the error underneath (a database connection
	// refused): for the server's log, never shown to the caller.
	Cause error
}

// Message is the message in both languages, "Vietnamese / English".
func (e *Error) Message() string {
	if e.EN == "" {
		return e.VI
	}
	return e.VI + " / " + e.EN
}

// Error returns Message.
func (e *Error) Error() string { return e.Message() }

// Unwrap is the cause, so that errors.Is and errors.As see through the
// domain error to what went wrong underneath.
func (e *Error) Unwrap() error { return e.Cause }

// Is makes errors.Is(err, target) true for any *Error of the same kind and code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Kind == e.Kind && t.Code == e.Code
}

// With returns a copy of e with the detail key set to v.
func (e *Error) With(key string, v any) *Error {
	c := *e
	c.Details = make(map[string]any, len(e.Details)+1)
	for k, old := range e.Details {
		c.Details[k] = old
	}
	c.Details[key] = v
	return &c
}

// New builds an error of any kind.
func New(kind Kind, code, field, vi, en string) *Error {
	return &Error{Kind: kind, Code: code, Field: field, VI: vi, EN: en}
}

// Invalid is a 400-kind error on field, with code "invalid_" + field
// (dots and brackets kept: "invalid_extension.reason").
func Invalid(field, vi, en string) *Error {
	return New(KindInvalid, "invalid_"+field, field, vi, en)
}

// Rule is a rule of the catalogue or the law refusing the request.
func Rule(code, field, vi, en string) *Error { return New(KindRule, code, field, vi, en) }

// Conflict is a change not allowed in the current state.
func Conflict(code, field, vi, en string) *Error { return New(KindConflict, code, field, vi, en) }

// NotFound is a thing that does not exist or that the caller may not see.
func NotFound(field, vi, en string) *Error { return New(KindNotFound, "not_found", field, vi, en) }

// Forbidden is an action the caller's role may not take.
func Forbidden(code, field, vi, en string) *Error { return New(KindForbidden, code, field, vi, en) }

// Unavailable is a dependency that is down: the caller is told to try
// again after retryAfter; cause is kept for the log.
func Unavailable(code, vi, en string, retryAfter time.Duration, cause error) *Error {
	e := New(KindUnavailable, code, "", vi, en)
	e.RetryAfter, e.Cause = retryAfter, cause
	return e
}

// Integrity is stored data that disagree with each other, which an
// operator repairs as the message says.
func Integrity(code, vi, en string) *Error { return New(KindIntegrity, code, "", vi, en) }

// As returns the *Error in err's chain, if any.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// KindOf is the kind of the *Error in err's chain, or 0.
func KindOf(err error) Kind {
	if e, ok := As(err); ok {
		return e.Kind
	}
	return 0
}
