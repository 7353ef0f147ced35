package handlers

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/errs"
)

// maxJSONBody bounds a JSON request body.
const maxJSONBody = 1 << 20

// bindJSON decodes the JSON body into v strictly: an unknown field, a
// value of the wrong type, anything after the value, or a body that is not
// JSON, is a 400 naming the field (or "body").
func bindJSON(c echo.Context, v any) error {
	raw, err := io.ReadAll(io.LimitReader(c.Request().Body, maxJSONBody+1))
	if err != nil {
		return bodyError(err)
	}
	if len(raw) > maxJSONBody {
		return errs.New(errs.KindTooLarge, "body_too_large", "body", "nội dung JSON quá lớn", "the JSON body is too large")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if dec.More() {
		return errs.Invalid("body", "nội dung JSON có dữ liệu thừa sau giá trị", "the body has data after its JSON value")
	}
	return nil
}

// jsonError names the field a JSON decoding error is about.
func jsonError(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return errs.Invalid(te.Field, te.Field+" có kiểu không đúng", te.Field+" has the wrong type")
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name = strings.Trim(name, `"`)
		return errs.Invalid(name, "trường "+name+" không được hỗ trợ ở đây", "field "+name+" is not accepted here")
	}
	return errs.Invalid("body", "nội dung không phải JSON hợp lệ", "the body is not valid JSON")
}

// queryOnly refuses a query parameter the route does not take, naming it.
func queryOnly(c echo.Context, allowed ...string) error {
	for name := range c.QueryParams() {
		if !slices.Contains(allowed, name) {
			return errs.Invalid(name, "tham số "+name+" không được hỗ trợ ở đây", "query parameter "+name+" is not accepted here")
		}
	}
	return nil
}

// idParam reads a positive integer path parameter within the database's range.
func idParam(c echo.Context, name string) (uint64, error) {
	n, err := strconv.ParseUint(c.Param(name), 10, 64)
	if err != nil || n == 0 || n > math.MaxInt64 {
		return 0, errs.Invalid(name, name+" phải là số nguyên dương", name+" must be a positive integer")
	}
	return n, nil
}

// uintParam reads a positive integer path parameter as a uint.
func uintParam(c echo.Context, name string) (uint, error) {
	n, err := idParam(c, name)
	return uint(n), err
}

// uintQuery reads an optional positive integer query parameter.
func uintQuery(c echo.Context, name string) (uint, error) {
	s := c.QueryParam(name)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil || n == 0 || n > math.MaxInt64 {
		return 0, errs.Invalid(name, name+" phải là số nguyên dương", name+" must be a positive integer")
	}
	return uint(n), nil
}

// intQuery reads an optional integer query parameter (0 when absent).
func intQuery(c echo.Context, name string) (int, error) {
	s := c.QueryParam(name)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > math.MaxInt32 {
		return 0, errs.Invalid(name, name+" phải là số nguyên dương", name+" must be a positive integer")
	}
	return n, nil
}

// boolQuery reads an optional true/false query parameter.
func boolQuery(c echo.Context, name string) (bool, error) {
	switch c.QueryParam(name) {
	case "", "false":
		return false, nil
	case "true":
		return true, nil
	}
	return false, errs.Invalid(name, name+" phải là true hoặc false", name+" must be true or false")
}

// dateLayouts are the accepted forms of a date.
var dateLayouts = []string{"2006-01-02", "02/01/2006"}

// parseDate reads a YYYY-MM-DD or dd/mm/yyyy date as a local midnight.
func parseDate(name, s string) (time.Time, error) {
	for _, layout := range dateLayouts {
		if t, err := time.ParseInLocation(layout, s, deadlines.Location); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errs.Invalid(name, name+" phải có dạng YYYY-MM-DD hoặc dd/mm/yyyy", name+" must be YYYY-MM-DD or dd/mm/yyyy")
}

// dateQuery reads an optional date query parameter; nil when absent.
func dateQuery(c echo.Context, name string) (*time.Time, error) {
	s := c.QueryParam(name)
	if s == "" {
		return nil, nil
	}
	t, err := parseDate(name, s)
	return &t, err
}

// listQuery reads a comma-separated query parameter (repeatable) as a list.
func listQuery(c echo.Context, name string) []string {
	var out []string
	for _, v := range c.QueryParams()[name] {
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" && !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	return out
}

// rfc3339 formats an instant with the +07:00 offset.
func rfc3339(t time.Time) string { return t.In(deadlines.Location).Format(time.RFC3339) }

// optTime formats an optional instant.
func optTime(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := rfc3339(*t)
	return &s
}

// optString is nil for "".
func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// ymd formats a local date as YYYY-MM-DD.
func ymd(t time.Time) string { return t.In(deadlines.Location).Format("2006-01-02") }

// dmy formats a local date as dd/mm/yyyy.
func dmy(t time.Time) string { return t.In(deadlines.Location).Format("02/01/2006") }
