package importer

import (
	"errors"
	"fmt"
	"strings"

	"github.com/motcua/motcua/errs"
)

// Codes of the faults the importer finds itself. Faults the engine finds
// keep the engine's code (event_not_allowed, role_not_allowed,
// invalid_investment, documents_missing, …), except that an issued project
// code the board already has is reported as CodeDuplicateProject.
const (
	CodeMalformedJSON    = "malformed_json"
	CodeUnknownField     = "unknown_field"
	CodeWrongType        = "wrong_type"
	CodeMissingField     = "missing_field"
	CodeUnknownBoard     = "unknown_board"
	CodeUnknownZone      = "unknown_zone"
	CodeUnknownProcedure = "unknown_procedure"
	CodeUnknownVariant   = "unknown_variant"
	CodeNoVersion        = "no_version_in_force"
	CodeInvalidRole      = "invalid_role"
	CodeInvalidTime      = "invalid_time"
	CodeTimeBackwards    = "time_backwards"
	CodeTimeInFuture     = "time_in_future"
	CodeFirstNotSubmit   = "first_event_not_submit"
	CodeUnexpectedField  = "unexpected_field"
	CodeDuplicateProject = "duplicate_project"
	CodeTooLong          = "too_long"
	CodeNULCharacter     = "nul_character"
	CodePaperOnly        = "result_paper_only"
)

// Error is one fault of an import file: the line (1-based, blank and
// comment lines counted), the field as a JSON path within the line
// (events[3].at, investment.capital; "" for the whole line), a stable code
// and a message in Vietnamese with English beside it.
type Error struct {
	Line    int    `json:"line"`
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Error writes the fault as the command prints it: line, field, code and message.
func (e *Error) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("dòng %d / line %d: %s: %s", e.Line, e.Line, e.Code, e.Message)
	}
	return fmt.Sprintf("dòng %d / line %d, %s: %s: %s", e.Line, e.Line, e.Field, e.Code, e.Message)
}

// Errors are every fault of a file, in line order. An import that returns
// them has written nothing.
type Errors []*Error

// Error writes the count of faults, then each fault on its own line.
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return fmt.Sprintf("nhập dữ liệu: %d lỗi, không ghi gì / import: %d error(s), nothing written\n%s",
		len(es), len(es), strings.Join(lines, "\n"))
}

// fault builds an Error with a bilingual message; the line is set by the caller.
func fault(field, code, vi, en string) *Error {
	return &Error{Field: field, Code: code, Message: vi + " / " + en}
}

// missing is a required field left out.
func missing(field string) *Error {
	return fault(field, CodeMissingField, "thiếu trường bắt buộc "+field, "required field "+field+" is missing")
}

// fromEngine turns an engine error on the line into an Error whose field is
// a JSON path of the line: path maps the engine's field names. Anything
// that is not a domain error (a database failure) is returned as is.
func fromEngine(err error, path func(string) string) (*Error, error) {
	var de *errs.Error
	if !errors.As(err, &de) {
		return nil, err
	}
	code := de.Code
	if code == "investment_project_exists" {
		code = CodeDuplicateProject
	}
	return &Error{Field: path(de.Field), Code: code, Message: de.Message()}, nil
}

// investmentPath maps the engine's investment fields to the line's:
// investment.zone_id is the zone given by name, investment.zone.
func investmentPath(prefix, field string) string {
	field = strings.TrimPrefix(field, "investment")
	if field == ".zone_id" {
		field = ".zone"
	}
	return prefix + field
}
