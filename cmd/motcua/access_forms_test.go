package main

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// escapedScript is matrixScript as html/template writes it.
const escapedScript = `&lt;script&gt;alert(&#34;xss&#34;)&lt;/script&gt;`

// checkEscaping: the fixture's text fields (applicant names,
// titles, comments, the missing items' descriptions and reasons, the
// result's reference, the users' full names) all carry a script; every
// page that shows them renders it escaped and never the raw tag, and the
// API's JSON never carries the raw tag either.
func (f *matrixFixture) checkEscaping(t *testing.T) {
	for _, p := range []struct {
		caller caller
		path   string
	}{
		{inv, "/dossiers"}, {inv, "/dossiers/{received}"}, {inv, "/dossiers/{returned}"}, {inv, "/dossiers/{completion}"},
		{inv, "/notifications"}, {inv, "/account"}, {off, "/dossiers/{received}"}, {off, "/dossiers/{completion}"},
		{off, "/desk"}, {off, "/desk/intake"}, {off, "/desk/search?q=C"}, {lea, "/decisions"}, {lea, "/dossiers/{pending}"},
		{man, "/desk/search"}, {off, "/dossiers/{received}/forms/receipt"}, {off, "/dossiers/{completion}/forms/completion"},
		{off, "/dossiers/{returned}/forms/control_sheet"}, {root, "/admin/users"}, {root, "/admin/users/{user}"},
		{adm, "/admin/users?q=Ng"}, {anon, "/track?code={received}&pin={pin}"}, {lea, "/dashboard"}, {lea, "/reports"},
	} {
		t.Run(callerNames[p.caller]+p.path, func(t *testing.T) {
			a := f.do(t, request{method: http.MethodGet, path: f.fill(p.path), token: f.tokens[p.caller]})
			if a.status != http.StatusOK {
				t.Fatalf("GET %s as %s: %d", p.path, callerNames[p.caller], a.status)
			}
			if strings.Contains(a.body, "<script>alert") {
				t.Errorf("GET %s: the raw script tag is in the page", p.path)
			}
			if !strings.Contains(a.body, escapedScript) {
				t.Errorf("GET %s: no escaped text field shown (the test shows nothing)", p.path)
			}
		})
	}
	for _, path := range []string{"/api/v1/dossiers/{received}", "/api/v1/dossiers/{completion}/history", "/api/v1/dossiers",
		"/api/v1/auth/me", "/api/v1/dossiers/{returned}/history", "/api/v1/notifications"} {
		a := f.do(t, request{method: http.MethodGet, path: f.fill(path), token: f.tokens[inv]})
		if a.status != http.StatusOK || strings.Contains(a.body, "<script") || !strings.Contains(a.body, `\u003cscript\u003e`) {
			t.Errorf("GET %s: %d, the script not encoded: %.300s", path, a.status, a.body)
		}
	}
}

// checkCSRF: every POST page of the matrix is refused (403,
// the form's expiry message) without its CSRF token and with a token of
// another browser, for every caller; the matrix itself sends the token
// and gets the row's status.
func (f *matrixFixture) checkCSRF(t *testing.T) {
	n := 0
	for _, r := range pageRows() {
		if r.method != http.MethodPost {
			continue
		}
		n++
		accepted := false
		for c := anon; c < nCallers; c++ {
			hows := []string{"no token"}
			if !accepted && r.want[c] != http.StatusForbidden {
				accepted = true // the first caller the form is for: a token of another browser too
				hows = append(hows, "another browser's token")
			}
			t.Run(fmt.Sprintf("%s/%s", r.path, callerNames[c]), func(t *testing.T) {
				for _, how := range hows {
					req := f.rowRequest(t, r, c)
					if how == "no token" {
						req.noCSRF = true
					} else {
						req.csrfToken = f.csrfToken[(c+1)%nCallers]
					}
					a := f.do(t, req)
					if a.status != http.StatusForbidden || !strings.Contains(a.body, "Biểu mẫu đã hết hạn hoặc không hợp lệ") {
						t.Errorf("POST %s as %s with %s: %d, want 403 (csrf)\n%s", r.path, callerNames[c], how, a.status, a.body[strings.Index(a.body, "<main"):])
					}
					checkSecurityHeaders(t, "POST "+r.path, a)
				}
			})
		}
		if !accepted {
			t.Errorf("POST %s: no caller of the matrix gets past the form (nothing shows the token is accepted)", r.path)
		}
	}
	if n < 19 {
		t.Fatalf("only %d POST pages in the matrix", n)
	}
}

// checkErrorHeaders: the errors met before any handler (no
// such route, method not allowed) and the handlers' refusals carry the
// security headers and no-store too, on the API and the pages.
func (f *matrixFixture) checkErrorHeaders(t *testing.T) {
	for _, c := range []struct {
		method, path string
		json         string
		caller       caller
		want         int
	}{
		{"GET", "/api/v1/no-such", "", off, 404}, {"GET", "/no-such", "", off, 404}, {"GET", "/no-such", "", anon, 404},
		{"DELETE", "/api/v1/dossiers", "", off, 405}, {"PUT", "/procedures", "", anon, 405}, {"DELETE", "/dossiers/{received}", "", inv, 405},
		{"POST", "/api/v1/auth/login", "{", anon, 400}, {"GET", "/api/v1/dossiers?unknown=1", "", inv, 400},
		{"GET", "/api/v1/auth/me", "", anon, 401}, {"GET", "/admin/users", "", inv, 403}, {"GET", "/api/v1/admin/users", "", inv, 403},
		{"GET", "/dossiers/no-such-code", "", inv, 404}, {"GET", "/api/v1/dossiers/no-such-code", "", inv, 404},
	} {
		a := f.do(t, request{method: c.method, path: f.fill(c.path), json: c.json, token: f.tokens[c.caller]})
		if a.status != c.want {
			t.Errorf("%s %s: %d, want %d", c.method, c.path, a.status, c.want)
		}
		checkSecurityHeaders(t, c.method+" "+c.path, a)
	}
}
