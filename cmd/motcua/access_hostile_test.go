package main

import (
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/motcua/motcua/models"
)

// injections are SQL put where a filter goes.
var injections = []string{`' OR 1=1--`, `1; DROP TABLE dossiers`, `%' UNION SELECT id, code FROM dossiers--`}

// filterRoute is a list, search, inbox or report route, its filter
// parameters, the parameters every request keeps (base) and the caller
// who reaches its filters with the least to see: the other board's staff,
// the other investor (a leak shows as a dossier of HBI's or inv's).
type filterRoute struct {
	path    string
	base    string
	params  []string
	callers []caller
}

// filterRoutes are every filter and query parameter of the list, search,
// inbox and report routes, on the API and the pages.
var filterRoutes = []filterRoute{
	{path: "/api/v1/dossiers", params: []string{"state", "procedure", "channel", "zone_id", "assignee_id", "overdue", "due_before",
		"received_from", "received_to", "q", "sort", "cursor", "limit"}, callers: []caller{xoff}},
	{path: "/api/v1/inbox", base: "queue=work", params: []string{"queue", "cursor", "limit", "state", "procedure", "q"}, callers: []caller{xoff}},
	{path: "/api/v1/alerts", params: []string{"kind", "recipient_role", "unacknowledged", "cursor", "limit"}, callers: []caller{xoff}},
	{path: "/api/v1/admin/users", params: []string{"board_id", "role"}, callers: []caller{xadm}},
	{path: "/api/v1/notifications", params: []string{"cursor", "limit"}, callers: []caller{inv2}},
	{path: "/api/v1/reports/reform", base: "board=HBI&period=2026-Q4", params: []string{"board", "period", "from", "to", "format"},
		callers: []caller{xlea}},
	{path: "/api/v1/calendar/holidays", params: []string{"year"}, callers: []caller{anon}},
	{path: "/api/v1/procedures/construction-permit/due-date", base: "variant=new&received_at=2026-11-16T09:00:00%2B07:00",
		params: []string{"variant", "received_at"}, callers: []caller{anon}},
	{path: "/api/v1/dossiers/{received}/forms/receipt", params: []string{"seq"}, callers: []caller{inv}},
	{path: "/dossiers", params: []string{"after", "done", "filed"}, callers: []caller{inv2}},
	{path: "/desk", params: []string{"procedure", "q", "state", "after"}, callers: []caller{xoff}},
	{path: "/desk/intake", params: []string{"procedure", "q", "state", "after"}, callers: []caller{xoff}},
	{path: "/decisions", params: []string{"procedure", "q", "state", "after"}, callers: []caller{xlea}},
	{path: "/desk/search", params: []string{"procedure", "q", "overdue", "sort", "state", "after"}, callers: []caller{xoff}},
	{path: "/notifications", params: []string{"after"}, callers: []caller{inv2}},
	{path: "/dashboard", params: []string{"acked"}, callers: []caller{xman}},
	{path: "/reports", params: []string{"kind", "year", "quarter", "half", "from", "to"}, callers: []caller{xlea}},
	{path: "/reports/reform.csv", base: "kind=quarter&year=2026&quarter=4", params: []string{"kind", "year", "quarter", "half", "from", "to"},
		callers: []caller{xlea}},
	{path: "/admin/users", params: []string{"q", "role", "active", "done"}, callers: []caller{xadm}},
	{path: "/admin/zones", params: []string{"board"}, callers: []caller{xadm}},
	{path: "/dossiers/{received}/forms/receipt", params: []string{"seq"}, callers: []caller{inv}},
}

// visibleCodes are the dossier codes each caller may see.
func (f *matrixFixture) visibleCodes(c caller) map[string]bool {
	mine := []string{"submitted", "completion", "received", "pending", "decided", "returned"}
	var keys []string
	switch c {
	case inv:
		keys = mine
	case inv2:
		keys = []string{"other", "bggdossier"}
	case off, lea, man, adm:
		keys = append(mine, "other")
	case xoff, xlea, xman, xadm:
		keys = []string{"bggdossier"}
	}
	out := map[string]bool{}
	for _, k := range keys {
		out[f.ids[k]] = true
	}
	return out
}

// checkInjection puts SQL into every filter and query
// parameter of the list, search, inbox and report routes, for every
// caller: the answer is 400 or a normal one (never 500), it lists no
// dossier the caller may not see, and the tables are intact.
func (f *matrixFixture) checkInjection(t *testing.T) {
	all := []string{}
	for _, k := range []string{"submitted", "completion", "received", "pending", "decided", "returned", "other", "bggdossier"} {
		all = append(all, f.ids[k])
	}
	for _, r := range filterRoutes {
		for _, param := range r.params {
			for i, inj := range injections {
				q, _ := url.ParseQuery(r.base)
				q.Set(param, inj)
				path := f.fill(r.path) + "?" + q.Encode()
				for _, c := range r.callers {
					t.Run(fmt.Sprintf("%s?%s=#%d/%s", r.path, param, i, callerNames[c]), func(t *testing.T) {
						a := f.do(t, request{method: http.MethodGet, path: path, token: f.tokens[c]})
						if a.status >= 500 || !(a.status < 300 || a.status == 303 || a.status == 400 || a.status == 401 ||
							a.status == 403 || a.status == 404 || a.status == 422) {
							t.Fatalf("GET %s as %s: %d\n%.300s", path, callerNames[c], a.status, a.body)
						}
						if a.status == 400 && strings.HasPrefix(path, "/api/") && !strings.Contains(a.body, `"field"`) &&
							!strings.Contains(a.body, "invalid_") {
							t.Errorf("GET %s: 400 naming no field: %.300s", path, a.body)
						}
						seen := f.visibleCodes(c)
						for _, code := range all {
							if !seen[code] && !strings.Contains(path, code) && strings.Contains(a.body, code) {
								t.Errorf("GET %s as %s lists %s, which is not theirs", path, callerNames[c], code)
							}
						}
						checkSecurityHeaders(t, "GET "+r.path, a)
					})
				}
			}
		}
	}
	var n int64
	if err := f.db.Model(&models.Dossier{}).Count(&n).Error; err != nil || n != 8 {
		t.Fatalf("after the injections: %d dossiers, %v", n, err)
	}
}

// hostileUpload is a file an attacker sends, and the field it must be
// refused on.
type hostileUpload struct {
	name    string
	content []byte
}

// hostileUploads: names that climb out of the data directory, and types
// in disguise.
var hostileUploads = []hostileUpload{
	{"../../etc/passwd", matrixPDF()},
	{"..%2f..%2fetc%2fpasswd.pdf", []byte("root:x:0:0:root:/root:/bin/bash\n")},
	{"..\\..\\windows\\win.ini", []byte("[fonts]\n")},
	{"x.pdf", []byte("<!DOCTYPE html><html><body><script>alert(1)</script></body></html>")},
	{"x.png", append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"), make([]byte, 64)...)},
	{"x.pdf", append(matrixPDF(), []byte("<html><script>alert(1)</script></html>")...)},
}

// checkUploads sends path traversal and disguised types to
// every upload: the API's attachments, the investor's new dossier, the
// officer's event with a result file and the desk's walk-in: each is
// refused with 400 (or 422) naming the field, and nothing is written.
func (f *matrixFixture) checkUploads(t *testing.T) {
	files, rows := f.stored(t), f.attachmentRows(t)
	docCode := f.firstDocument(t)
	for i, h := range hostileUploads {
		for _, u := range []struct {
			what   string
			caller caller
			path   string
			field  string
			fields map[string]string
		}{
			{"API upload", off, "/api/v1/dossiers/{received}/attachments", "file", map[string]string{"document_code": docCode}},
			{"API upload", inv, "/api/v1/dossiers/{submitted}/attachments", "file", map[string]string{"document_code": docCode}},
			{"new dossier", inv, "/dossiers/new", "documents." + docCode, map[string]string{"board": "HBI",
				"procedure": "construction-permit", "variant": "new", "applicant_name": "Công ty A", "applicant_tax_code": "0101234567"}},
			{"walk-in", off, "/desk/file", "documents." + docCode, map[string]string{"procedure": "construction-permit",
				"variant": "new", "channel": "direct", "applicant_name": "Công ty B", "applicant_tax_code": "0101234567"}},
			{"event result", lea, "/dossiers/{pending}/events/approve", "result_file", map[string]string{"version": "{vpending}",
				"result_medium": "electronic"}},
		} {
			t.Run(fmt.Sprintf("%s/%d", u.what, i), func(t *testing.T) {
				fields := map[string]string{}
				for k, v := range u.fields {
					fields[k] = f.fill(v)
				}
				a := f.do(t, request{method: http.MethodPost, path: f.fill(u.path), token: f.tokens[u.caller],
					csrfCookie: f.csrfCookie[u.caller], csrfToken: f.csrfToken[u.caller],
					multipart: &multipartBody{fields: fields, field: u.field, name: h.name, content: h.content}})
				if a.status != 400 && a.status != 422 {
					t.Fatalf("%s of %q: %d, want 400\n%.400s", u.what, h.name, a.status, a.body)
				}
				field := u.field
				if strings.HasPrefix(u.path, "/api/") {
					if !strings.Contains(a.body, `"field":"`+field+`"`) {
						t.Errorf("%s of %q: the refusal does not name %s: %.400s", u.what, h.name, field, a.body)
					}
				} else if !regexp.MustCompile(`name="` + regexp.QuoteMeta(field) + `"[^>]*aria-invalid="true"`).MatchString(a.body) {
					t.Errorf("%s of %q: the page does not tie the message to %s", u.what, h.name, field)
				}
				checkSecurityHeaders(t, "POST "+u.path, a)
			})
		}
	}
	if after := f.stored(t); len(after) != len(files) {
		t.Errorf("refused uploads left files: %d before, %d after", len(files), len(after))
	}
	if after := f.attachmentRows(t); after != rows {
		t.Errorf("refused uploads left rows: %d before, %d after", rows, after)
	}
}

// stored lists the files under the data directory.
func (f *matrixFixture) stored(t *testing.T) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(f.data, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, p)
		}
		return nil
	})
	return out
}

// attachmentRows counts the attachments.
func (f *matrixFixture) attachmentRows(t *testing.T) int64 {
	t.Helper()
	var n int64
	if err := f.db.Model(&models.Attachment{}).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// firstDocument is the code of the construction permit's first required document.
func (f *matrixFixture) firstDocument(t *testing.T) string {
	t.Helper()
	p, err := f.svc.Engine().Catalogue().Procedure("construction-permit")
	if err != nil {
		t.Fatal(err)
	}
	v, err := p.VersionAt(f.svc.Now())
	if err != nil {
		t.Fatal(err)
	}
	return v.RequiredDocuments("new")[0]
}
