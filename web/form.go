package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/motcua/motcua/errs"
)

// Form is a form being filled: the values sent (to fill it again after a
// refusal), the message of each field at fault, and a message for the
// whole form.
type Form struct {
	Values  url.Values
	Errors  map[string]string
	Message string
}

// newForm is a form holding a copy of values (nil for an empty one): a
// handler may drop a password from the form without touching what it
// still has to read.
func newForm(values url.Values) *Form {
	c := url.Values{}
	for k, v := range values {
		c[k] = append([]string(nil), v...)
	}
	return &Form{Values: c, Errors: map[string]string{}}
}

// Value is the value sent for field name.
func (f *Form) Value(name string) string {
	if f == nil {
		return ""
	}
	return f.Values.Get(name)
}

// Has reports whether value v was sent for field name (a checkbox, a
// multiple select).
func (f *Form) Has(name, v string) bool {
	if f == nil {
		return false
	}
	for _, x := range f.Values[name] {
		if x == v {
			return true
		}
	}
	return false
}

// Error is the message of field name, "" when it is not at fault.
func (f *Form) Error(name string) string {
	if f == nil {
		return ""
	}
	return f.Errors[name]
}

// Field is one labelled input as the "field" partial draws it: the label
// tied to the input, the hint and the error tied to it by
// aria-describedby, the value sent before.
type Field struct {
	Page     *Page
	Name     string
	Label    string
	Type     string
	Required bool
	Hint     string
	// Attrs are extra attributes, already safe: autocomplete, inputmode…
	Attrs string
	// Scope tells apart the ids of fields of the same name in several forms
	// of one page (each action's comment): ids must be unique for a label
	// to name its own field.
	Scope string
}

// ID is the input's id, from its name and scope.
func (f Field) ID() string {
	r := strings.NewReplacer(".", "-", "[", "-", "]", "", "_", "-")
	if f.Scope != "" {
		return "f-" + r.Replace(f.Scope) + "-" + r.Replace(f.Name)
	}
	return "f-" + r.Replace(f.Name)
}

// Value is the value sent before.
func (f Field) Value() string { return f.Page.Form.Value(f.Name) }

// Error is the field's message.
func (f Field) Error() string { return f.Page.Form.Error(f.Name) }

// newField is the template function "field": field page name labelID type
// [required] [hintID] ["attrs:…"] ["scope:…"].
func newField(p *Page, name, labelID, typ string, opts ...any) Field {
	f := Field{Page: p, Name: name, Label: p.T(labelID), Type: typ}
	for _, o := range opts {
		switch v := o.(type) {
		case bool:
			f.Required = v
		case string:
			if strings.HasPrefix(v, "attrs:") {
				f.Attrs = strings.TrimPrefix(v, "attrs:")
			} else if strings.HasPrefix(v, "scope:") {
				f.Scope = strings.TrimPrefix(v, "scope:")
			} else {
				f.Hint = p.T(v)
			}
		}
	}
	return f
}

// formError is the one mapping of a refused form: an error tied to a
// field (or to the whole form) that the user can correct is shown on the
// form again, with its status; anything else (not found, not allowed, a
// system error) becomes the error page.
// Kinds listed in also count as correctable on this form (a tracking
// lookup shows "not found" on its form).
func (w *app) formError(c echo.Context, p *Page, name string, err error, also ...errs.Kind) error {
	de, ok := errs.As(err)
	if !ok || !(correctable(de.Kind) || slices.Contains(also, de.Kind)) {
		return err
	}
	if p.Form == nil {
		p.Form = newForm(nil)
	}
	msg := w.message(p.Lang, de)
	if de.Field != "" {
		p.Form.Errors[de.Field] = msg
	}
	p.Form.Message = msg
	return w.render(c, statuses[de.Kind], name, p)
}

// correctable reports whether the user can put right an error of kind k
// on the form itself.
func correctable(k errs.Kind) bool {
	switch k {
	case errs.KindInvalid, errs.KindRule, errs.KindConflict, errs.KindTooLarge, errs.KindRateLimited,
		errs.KindUnauthenticated:
		return true
	}
	return false
}

// formValues parses the request's form (urlencoded or multipart) and
// returns its values.
func formValues(c echo.Context) (url.Values, error) {
	if strings.HasPrefix(c.Request().Header.Get(echo.HeaderContentType), echo.MIMEMultipartForm) {
		f, err := c.MultipartForm()
		if err != nil {
			return nil, errs.Invalid("", "biểu mẫu gửi lên không đọc được", "the form could not be read")
		}
		return url.Values(f.Value), nil
	}
	v, err := c.FormParams()
	if err != nil {
		return nil, errs.Invalid("", "biểu mẫu gửi lên không đọc được", "the form could not be read")
	}
	return v, nil
}

// statusOK is the status of a page shown as asked.
const statusOK = http.StatusOK

// parseID is a positive id a select sent, 0 for none or garbage (the
// service then refuses or ignores it, naming the field).
func parseID(s string) uint {
	id, err := strconv.ParseUint(strings.TrimSpace(s), 10, 32)
	if err != nil {
		return 0
	}
	return uint(id)
}
