package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/service"
	"github.com/motcua/motcua/workflow"
)

//go:embed templates
var templateFS embed.FS

// views are the parsed page templates, by name ("area/page"): each page
// file parsed with every file of templates/layout/.
type views struct {
	pages map[string]*template.Template
}

// loadViews parses every page template once, at start.
func loadViews(a *assets) (*views, error) {
	layouts, err := fs.Glob(templateFS, "templates/layout/*.html")
	if err != nil {
		return nil, fmt.Errorf("web: templates: %w", err)
	}
	pages, err := fs.Glob(templateFS, "templates/*/*.html")
	if err != nil {
		return nil, fmt.Errorf("web: templates: %w", err)
	}
	v := &views{pages: map[string]*template.Template{}}
	funcs := templateFuncs(a)
	for _, p := range pages {
		if strings.HasPrefix(p, "templates/layout/") {
			continue
		}
		name := strings.TrimSuffix(strings.TrimPrefix(p, "templates/"), ".html")
		// the page last: its definitions ("back", say) replace the layout's blocks
		files := append(append([]string{}, layouts...), p)
		t, err := template.New(path.Base(p)).Funcs(funcs).ParseFS(templateFS, files...)
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", name, err)
		}
		v.pages[name] = t
	}
	return v, nil
}

// Page is what every template renders: the request's language, the
// signed-in user, the CSRF token, the form being filled, and the page's
// own data.
type Page struct {
	Lang  string
	Title string
	// Layout is "base" (the site's frame) or "print" (an A4 form).
	Layout string
	User   *service.Principal
	// Path is the request's path and query (the language switch returns to it).
	Path      string
	CSRFToken string
	Form      *Form
	Flash     string
	Unread    int
	Now       time.Time
	Data      any
	w         *app
}

// T is message id in the page's language (see catalog.T).
func (p *Page) T(id string, args ...any) string { return p.w.i18n.T(p.Lang, id, args...) }

// Text is a catalogue text in the page's language.
func (p *Page) Text(t workflow.Text) string { return text(p.Lang, t) }

// Num formats a number in the page's language.
func (p *Page) Num(v any) string { return p.w.i18n.number(p.Lang, v) }

// Pct formats a ratio as a percentage in the page's language.
func (p *Page) Pct(ratio float64) string { return p.w.i18n.percent(p.Lang, ratio) }

// Board is a board's name in the page's language.
func (p *Page) Board(b models.Board) string {
	if p.Lang == langEN && b.NameEN != "" {
		return b.NameEN
	}
	return b.NameVI
}

// Past reports whether t is before the page's instant.
func (p *Page) Past(t *time.Time) bool { return t != nil && p.Now.After(*t) }

// Other is the language the switch offers.
func (p *Page) Other() string {
	if p.Lang == langEN {
		return langVI
	}
	return langEN
}

// Role is the signed-in user's role, "" for a visitor.
func (p *Page) Role() string {
	if p.User == nil {
		return ""
	}
	return string(p.User.Role())
}

// Is reports whether the signed-in user has one of roles.
func (p *Page) Is(roles ...string) bool {
	for _, r := range roles {
		if p.Role() == r {
			return true
		}
	}
	return false
}

// page starts the Page of a request.
func (w *app) page(c echo.Context, titleID string) *Page {
	p := &Page{Lang: langOf(c), Layout: "base", User: principalOf(c), Path: c.Request().URL.RequestURI(),
		CSRFToken: csrfToken(c), Now: w.svc.Now(), w: w}
	if titleID != "" {
		p.Title = p.T(titleID)
	}
	if p.User != nil && c.Request().Method == http.MethodGet {
		n, err := w.svc.UnreadNotifications(c.Request().Context(), p.User)
		if err != nil {
			w.log.Warn("web: unread notifications", "err", err)
		}
		p.Unread = int(n)
	}
	return p
}

// render writes page name with status: the whole page is rendered before
// a byte is sent, so that a template error is a clean 500.
func (w *app) render(c echo.Context, status int, name string, p *Page) error {
	t, ok := w.views.pages[name]
	if !ok {
		return fmt.Errorf("web: no template %q", name)
	}
	if p.Layout == "" {
		p.Layout = "base"
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, p.Layout, p); err != nil {
		return fmt.Errorf("web: render %s: %w", name, err)
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
	h.Set("Cache-Control", "no-store")
	return c.HTMLBlob(status, buf.Bytes())
}

// templateFuncs are the functions every template may call; the ones that
// depend on the language are methods of Page.
func templateFuncs(a *assets) template.FuncMap {
	return template.FuncMap{
		"date":     formatDate,
		"datetime": formatDateTime,
		"isodate":  func(t time.Time) string { return t.In(deadlines.Location).Format("2006-01-02") },
		"deref": func(t *time.Time) time.Time {
			if t == nil {
				return time.Time{}
			}
			return *t
		},
		"asset": a.url,
		"field": newField,
		"dict":  dict,
		"add":   func(a, b int) int { return a + b },
		"seq": func(n int) []int {
			out := make([]int, n)
			for i := range out {
				out[i] = i
			}
			return out
		},
		// isoToDate shows a yyyy-mm-dd date as dd/mm/yyyy.
		"isoToDate": func(s string) string {
			t, err := time.Parse("2006-01-02", s)
			if err != nil {
				return s
			}
			return t.Format(dateLayout)
		},
		"query": func(kv ...string) template.URL { return template.URL(encodeQuery(kv...)) },
		"join":  strings.Join,
		// withForm is the page with another form's values and messages:
		// a page of several forms fills only the one that was sent.
		"withForm": func(p *Page, f *Form) *Page {
			q := *p
			q.Form = f
			return &q
		},
		// attrs marks attributes written in a template as safe; never pass
		// it what a user typed.
		"attrs": func(s string) template.HTMLAttr { return template.HTMLAttr(s) },
	}
}

// dict builds a map from name, value pairs, for a partial template.
func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, fmt.Errorf("dict: odd number of arguments")
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		m[fmt.Sprint(kv[i])] = kv[i+1]
	}
	return m, nil
}

// encodeQuery is "?k=v&…" of the pairs whose value is not empty.
func encodeQuery(kv ...string) string {
	q := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			q.Add(kv[i], kv[i+1])
		}
	}
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}

// redirect sends the browser to path after a form (303 See Other).
func redirect(c echo.Context, to string) error { return c.Redirect(http.StatusSeeOther, to) }
