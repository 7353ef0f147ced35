package workflow

import (
	"errors"
	"fmt"

	"github.com/motcua/motcua/errs"
	"github.com/motcua/motcua/models"
)

// The engine's errors are *errs.Error values: a stable code, the field at
// fault, a message in Vietnamese and English, and a kind that each front end
// maps in one place.

// ErrConflict matches (with errors.Is) every stale-version error.
var ErrConflict = &errs.Error{Kind: errs.KindConflict, Code: "stale_version"}

// invalid is an invalid-input error on field.
func invalid(field, vi, en string) *errs.Error { return errs.Invalid(field, vi, en) }

func rule(code, field, vi, en string) *errs.Error { return errs.Rule(code, field, vi, en) }

func staleError(code string) *errs.Error {
	return errs.Conflict("stale_version", "version",
		fmt.Sprintf("hồ sơ %s đã được người khác thay đổi, hãy tải lại", code),
		fmt.Sprintf("dossier %s was changed by someone else, reload it", code))
}

func notAllowed(ev Event, st State) *errs.Error {
	e := errs.Conflict("event_not_allowed", "event",
		fmt.Sprintf("không thể thực hiện %q ở trạng thái %q", ev, st),
		fmt.Sprintf("event %q is not allowed in state %q", ev, st))
	e.Details = map[string]any{"event": string(ev), "state": string(st)}
	return e
}

func forbidden(ev Event, role Role) *errs.Error {
	return errs.Forbidden("role_not_allowed", "role", fmt.Sprintf("vai trò %q không được thực hiện %q", role, ev),
		fmt.Sprintf("role %q may not fire %q", role, ev))
}

// fromStore maps store errors to domain errors; clock errors are already
// domain errors.
func fromStore(err error, code string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, models.ErrStale):
		return staleError(code)
	case errors.Is(err, models.ErrNotFound):
		return errs.NotFound("", "không tìm thấy: "+err.Error(), "not found: "+err.Error())
	}
	return err
}

// IsConflict reports whether err is a conflict: a stale version or an event
// not allowed in the current state.
func IsConflict(err error) bool { return errs.KindOf(err) == errs.KindConflict }
