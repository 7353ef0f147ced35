package main

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
	"gorm.io/gorm"

	"github.com/motcua/motcua/models/modelstest"
	"github.com/motcua/motcua/web"
)

// want is a row's expected status for each caller, in the order of the
// caller constants: no login, investor (own dossier), investor (another
// investor's dossier), then officer, leader, manager, admin of the
// dossiers' board (HBI), then officer, leader, manager, admin of the other
// board (BGG), then the deployment administrator.
type want [nCallers]int

// w spells a want out, column by column.
func w(anon, inv, inv2, off, lea, man, adm, xoff, xlea, xman, xadm, root int) want {
	return want{anon, inv, inv2, off, lea, man, adm, xoff, xlea, xman, xadm, root}
}

// every is the same status for every caller.
func every(s int) want { return w(s, s, s, s, s, s, s, s, s, s, s, s) }

// signed is anonymous for a visitor and s for every signed-in caller.
func signed(anonStatus, s int) want { return w(anonStatus, s, s, s, s, s, s, s, s, s, s, s) }

// matrixRow is one request of the matrix: the route it exercises (as Echo
// names it), the concrete path with {placeholders} filled from the
// fixture, a body, and what each caller gets.
type matrixRow struct {
	method, route string
	path          string
	json          string
	form          url.Values
	file          *multipartBody
	// fresh signs the caller in anew for this row (sign-out revokes).
	fresh bool
	want  want
}

// The statuses, by name, to keep the table readable.
const (
	s200 = http.StatusOK
	s201 = http.StatusCreated
	s202 = http.StatusAccepted
	s204 = http.StatusNoContent
	s303 = http.StatusSeeOther
	s400 = http.StatusBadRequest
	s401 = http.StatusUnauthorized
	s403 = http.StatusForbidden
	s404 = http.StatusNotFound
	s409 = http.StatusConflict
	s422 = http.StatusUnprocessableEntity
)

// form builds url.Values from pairs.
func form(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v
}

// pdfFile is a multipart body with one valid PDF in field.
func pdfFile(field string, fields ...string) *multipartBody {
	m := &multipartBody{fields: map[string]string{}, field: field, name: "to-trinh.pdf", content: matrixPDF()}
	for i := 0; i+1 < len(fields); i += 2 {
		m.fields[fields[i]] = fields[i+1]
	}
	return m
}

// matrixRows is the access matrix: every API route and every page, at
// least one row each (TestAccessMatrix fails on a route without one).
func matrixRows() []matrixRow {
	return append(apiRows(), pageRows()...)
}

// apiRows are the JSON API's rows. Columns of w(...): no login,
// investor own, investor other, HBI officer, leader, manager, admin, BGG
// officer, leader, manager, admin, deployment admin. The dossiers are the
// investor's, at HBI. A body that would change something is invalid on
// purpose where it can be (a caller who may act gets 400 or 409, one who
// may not 403 or 404), so that the rows do not depend on their order.
func apiRows() []matrixRow {
	const v1 = "/api/v1"
	seen := w(s401, s200, s404, s200, s200, s200, s200, s404, s404, s404, s404, s404) // a dossier as each sees it
	return []matrixRow{
		{method: "GET", route: "/healthz", path: "/healthz", want: every(s200)},
		{method: "GET", route: "/readyz", path: "/readyz", want: every(s200)},
		{method: "GET", route: v1 + "/openapi.yaml", path: v1 + "/openapi.yaml", want: every(s200)},
		{method: "GET", route: v1 + "/procedures", path: v1 + "/procedures", want: every(s200)},
		{method: "GET", route: v1 + "/procedures/:code/due-date", path: v1 + "/procedures/construction-permit/due-date?variant=new&received_at=2026-11-16T09:00:00%2B07:00", want: every(s200)},
		{method: "GET", route: v1 + "/procedures/:code/due-date", path: v1 + "/procedures/no-such/due-date?variant=new&received_at=2026-11-16T09:00:00%2B07:00", want: every(s404)},
		{method: "GET", route: v1 + "/calendar/holidays", path: v1 + "/calendar/holidays?year=2026", want: every(s200)},
		{method: "GET", route: v1 + "/boards", path: v1 + "/boards", want: every(s200)},
		{method: "POST", route: v1 + "/track", path: v1 + "/track", json: `{"code":"{received}","pin":"{pin}"}`, want: every(s200)},
		{method: "POST", route: v1 + "/auth/login", path: v1 + "/auth/login", json: `{"username":"inv","password":"` + matrixPassword + `"}`, want: every(s200)},
		{method: "POST", route: v1 + "/auth/logout", path: v1 + "/auth/logout", fresh: true, want: signed(s401, s204)},
		{method: "GET", route: v1 + "/auth/me", path: v1 + "/auth/me", want: signed(s401, s200)},
		{method: "POST", route: v1 + "/auth/signup", path: v1 + "/auth/signup", json: `{}`, want: every(s400)},
		{method: "POST", route: v1 + "/auth/verify-email", path: v1 + "/auth/verify-email", json: `{"token":"khong-hop-le"}`, want: every(s422)},
		{method: "POST", route: v1 + "/auth/verification", path: v1 + "/auth/verification", json: `{"email":"nobody@example.vn"}`, want: every(s202)},
		{method: "POST", route: v1 + "/auth/password", path: v1 + "/auth/password", json: `{}`, want: signed(s401, s400)},
		{method: "POST", route: v1 + "/auth/password-reset", path: v1 + "/auth/password-reset", json: `{"login":"nobody@example.vn"}`, want: every(s202)},
		{method: "POST", route: v1 + "/auth/password-reset/confirm", path: v1 + "/auth/password-reset/confirm", json: `{"token":"khong-hop-le","password":"Mat-khau-moi-1234"}`, want: every(s422)},
		{method: "POST", route: v1 + "/dossiers", path: v1 + "/dossiers", json: `{"board":"HBI","procedure":"no-such","variant":"new","applicant_name":"A"}`,
			want: w(s401, s400, s400, s400, s403, s403, s403, s400, s403, s403, s403, s403)},
		{method: "GET", route: v1 + "/dossiers", path: v1 + "/dossiers", want: w(s401, s200, s200, s200, s200, s200, s200, s200, s200, s200, s200, s403)},
		{method: "GET", route: v1 + "/inbox", path: v1 + "/inbox?queue=work", want: w(s401, s403, s403, s200, s403, s403, s403, s200, s403, s403, s403, s403)},
		{method: "GET", route: v1 + "/dossiers/:code", path: v1 + "/dossiers/{received}", want: seen},
		{method: "GET", route: v1 + "/dossiers/:code", path: v1 + "/dossiers/{other}", want: w(s401, s404, s200, s200, s200, s200, s200, s404, s404, s404, s404, s404)},
		{method: "GET", route: v1 + "/dossiers/:code/receipt", path: v1 + "/dossiers/{received}/receipt", want: seen},
		{method: "POST", route: v1 + "/dossiers/:code/events", path: v1 + "/dossiers/{submitted}/events", json: `{"event":"receive","version":999}`, // a version ahead: 400 to whoever sees the dossier
			want: w(s401, s400, s404, s400, s400, s400, s400, s404, s404, s404, s404, s404)},
		{method: "POST", route: v1 + "/dossiers/:code/events", path: v1 + "/dossiers/{submitted}/events", json: `{"event":"reject_intake","version":{vsubmitted}}`, // the officer's event, without its reason
			want: w(s401, s403, s404, s422, s403, s403, s403, s404, s404, s404, s404, s404)},
		{method: "POST", route: v1 + "/dossiers/:code/events", path: v1 + "/dossiers/{received}/events", json: `{"event":"request_supplement","version":1}`, // a stale version
			want: w(s401, s409, s404, s409, s409, s409, s409, s404, s404, s404, s404, s404)},
		{method: "GET", route: v1 + "/dossiers/:code/history", path: v1 + "/dossiers/{received}/history", want: seen},
		{method: "GET", route: v1 + "/dossiers/:code/forms/:kind", path: v1 + "/dossiers/{received}/forms/receipt", want: seen},
		{method: "POST", route: v1 + "/dossiers/:code/attachments", path: v1 + "/dossiers/{received}/attachments", file: pdfFile("file", "document_code", "no_such_document"), // 422 unknown_document on document_code
			want: w(s401, s422, s404, s422, s422, s422, s422, s404, s404, s404, s404, s404)},
		{method: "GET", route: v1 + "/dossiers/:code/attachments", path: v1 + "/dossiers/{received}/attachments", want: seen},
		{method: "GET", route: v1 + "/dossiers/:code/attachments/:id", path: v1 + "/dossiers/{received}/attachments/{doc}", want: seen},
		{method: "GET", route: v1 + "/dossiers/:code/attachments/:id", path: v1 + "/dossiers/{decided}/attachments/{result}", // not yet returned
			want: w(s401, s404, s404, s200, s200, s200, s200, s404, s404, s404, s404, s404)},
		{method: "GET", route: v1 + "/dossiers/:code/attachments/:id", path: v1 + "/dossiers/{returned}/attachments/{rresult}", want: seen},
		{method: "GET", route: v1 + "/admin/boards", path: v1 + "/admin/boards", want: w(s401, s403, s403, s403, s403, s403, s200, s403, s403, s403, s200, s200)},
		{method: "POST", route: v1 + "/admin/boards", path: v1 + "/admin/boards", json: `{}`, want: w(s401, s403, s403, s403, s403, s403, s403, s403, s403, s403, s403, s400)},
		{method: "PATCH", route: v1 + "/admin/boards/:id", path: v1 + "/admin/boards/{board}", json: `{"name_vi":""}`,
			want: w(s401, s403, s403, s403, s403, s403, s400, s403, s403, s403, s404, s400)},
		{method: "GET", route: v1 + "/admin/boards/:id/zones", path: v1 + "/admin/boards/{board}/zones", want: w(s401, s403, s403, s403, s403, s403, s200, s403, s403, s403, s404, s200)},
		{method: "POST", route: v1 + "/admin/boards/:id/zones", path: v1 + "/admin/boards/{board}/zones", json: `{"name":""}`,
			want: w(s401, s403, s403, s403, s403, s403, s400, s403, s403, s403, s404, s400)},
		{method: "GET", route: v1 + "/admin/users", path: v1 + "/admin/users", want: w(s401, s403, s403, s403, s403, s403, s200, s403, s403, s403, s200, s200)},
		{method: "POST", route: v1 + "/admin/users", path: v1 + "/admin/users", json: `{}`, want: w(s401, s403, s403, s403, s403, s403, s400, s403, s403, s403, s400, s400)},
		{method: "PATCH", route: v1 + "/admin/users/:id", path: v1 + "/admin/users/{user}", json: `{"email":"khong-phai-email"}`,
			want: w(s401, s403, s403, s403, s403, s403, s400, s403, s403, s403, s404, s400)},
		{method: "GET", route: v1 + "/alerts", path: v1 + "/alerts", want: w(s401, s403, s403, s200, s200, s200, s403, s200, s200, s200, s403, s403)},
		{method: "POST", route: v1 + "/alerts/:id/ack", path: v1 + "/alerts/{alert}/ack", want: w(s401, s403, s403, s200, s200, s200, s403, s404, s404, s404, s403, s403)},
		{method: "GET", route: v1 + "/dashboard", path: v1 + "/dashboard", want: w(s401, s403, s403, s403, s200, s200, s403, s403, s200, s200, s403, s403)},
		{method: "GET", route: v1 + "/reports/reform", path: v1 + "/reports/reform?board=HBI&period=2026-Q4", // another board's report is 404
			want: w(s401, s403, s403, s403, s200, s200, s200, s403, s404, s404, s404, s200)},
		{method: "GET", route: v1 + "/notifications", path: v1 + "/notifications", want: signed(s401, s200)},
		{method: "POST", route: v1 + "/notifications/:id/read", path: v1 + "/notifications/{notif}/read", want: w(s401, s200, s404, s404, s404, s404, s404, s404, s404, s404, s404, s404)},
	}
}

// pageRows are the pages' rows (same columns). A visitor on a page that
// needs a sign-in is sent to /login (303); a role the page is not for
// gets the forbidden page (403); a dossier the caller may not see is 404.
// Every POST carries its CSRF token (TestAccessMatrixCSRF sends none).
func pageRows() []matrixRow {
	seen := w(s303, s200, s404, s200, s200, s200, s200, s404, s404, s404, s404, s404)
	staffOnly := func(off, lea, man int) want {
		return w(s303, s403, s403, off, lea, man, s403, off, lea, man, s403, s403)
	}
	adminOnly := func(s int) want { return w(s303, s403, s403, s403, s403, s403, s, s403, s403, s403, s, s) }
	return []matrixRow{
		{method: "GET", route: "/static/:name", path: "/static/{css}", want: every(s200)},
		{method: "GET", route: "/static/:name", path: "/static/no-such.css", want: every(s404)},
		{method: "GET", route: "/lang/:lang", path: "/lang/en", want: every(s303)},
		{method: "GET", route: "/", path: "/", want: signed(s200, s303)},
		{method: "GET", route: "/procedures", path: "/procedures", want: every(s200)},
		{method: "GET", route: "/procedures/:code", path: "/procedures/construction-permit", want: every(s200)},
		{method: "GET", route: "/procedures/:code", path: "/procedures/no-such", want: every(s404)},
		{method: "GET", route: "/track", path: "/track", want: every(s200)},
		{method: "POST", route: "/track", path: "/track", form: form("code", "{received}", "pin", "{pin}"), want: every(s200)},
		{method: "GET", route: "/login", path: "/login", want: signed(s200, s303)},
		{method: "POST", route: "/login", path: "/login", form: form("username", "inv", "password", matrixPassword), want: every(s303)},
		{method: "POST", route: "/logout", path: "/logout", fresh: true, want: every(s303)},
		{method: "GET", route: "/signup", path: "/signup", want: every(s200)},
		{method: "POST", route: "/signup", path: "/signup", form: form("email", ""), want: every(s400)},
		{method: "GET", route: "/signup/sent", path: "/signup/sent", want: every(s200)},
		{method: "GET", route: "/verify-email", path: "/verify-email?token=khong-hop-le", want: every(s200)},
		{method: "POST", route: "/verify-email", path: "/verify-email", form: form("token", "khong-hop-le"), want: every(s422)},
		{method: "POST", route: "/verification", path: "/verification", form: form("email", "nobody@example.vn"), want: every(s200)},
		{method: "GET", route: "/forgot-password", path: "/forgot-password", want: every(s200)},
		{method: "POST", route: "/forgot-password", path: "/forgot-password", form: form("login", "nobody@example.vn"), want: every(s200)},
		{method: "GET", route: "/reset-password", path: "/reset-password?token=khong-hop-le", want: every(s200)},
		{method: "POST", route: "/reset-password", path: "/reset-password", form: form("token", "khong-hop-le", "password", "Mat-khau-moi-1234"), want: every(s400)},
		{method: "GET", route: "/account", path: "/account", want: signed(s303, s200)},
		{method: "POST", route: "/account/password", path: "/account/password", form: form("current_password", ""), want: signed(s303, s400)},
		{method: "GET", route: "/notifications", path: "/notifications", want: signed(s303, s200)},
		{method: "POST", route: "/notifications/:id/read", path: "/notifications/{notif}/read", want: w(s303, s303, s404, s404, s404, s404, s404, s404, s404, s404, s404, s404)},
		{method: "GET", route: "/dossiers", path: "/dossiers", want: w(s303, s200, s200, s303, s303, s303, s303, s303, s303, s303, s303, s303)}, // staff are sent to their first page,
		{method: "GET", route: "/dossiers/new", path: "/dossiers/new", want: w(s303, s200, s200, s403, s403, s403, s403, s403, s403, s403, s403, s403)},
		{method: "POST", route: "/dossiers/new", path: "/dossiers/new", form: form("procedure", "no-such"), want: w(s303, s400, s400, s403, s403, s403, s403, s403, s403, s403, s403, s403)},
		{method: "GET", route: "/dossiers/:code", path: "/dossiers/{received}", want: seen},
		{method: "GET", route: "/dossiers/:code", path: "/dossiers/{other}", want: w(s303, s404, s200, s200, s200, s200, s200, s404, s404, s404, s404, s404)},
		{method: "POST", route: "/dossiers/:code/events/:event", path: "/dossiers/{submitted}/events/receive", form: form("version", "999"),
			want: w(s303, s400, s404, s400, s400, s400, s400, s404, s404, s404, s404, s404)},
		{method: "POST", route: "/dossiers/:code/events/:event", path: "/dossiers/{submitted}/events/reject_intake", form: form("version", "{vsubmitted}"),
			want: w(s303, s403, s404, s422, s403, s403, s403, s404, s404, s404, s404, s404)},
		{method: "POST", route: "/dossiers/:code/events/:event", path: "/dossiers/{received}/events/request_supplement", form: form("version", "1"),
			want: w(s303, s409, s404, s409, s409, s409, s409, s404, s404, s404, s404, s404)},
		{method: "GET", route: "/dossiers/:code/attachments/:id", path: "/dossiers/{received}/attachments/{doc}", want: seen},
		{method: "GET", route: "/dossiers/:code/attachments/:id", path: "/dossiers/{decided}/attachments/{result}",
			want: w(s303, s404, s404, s200, s200, s200, s200, s404, s404, s404, s404, s404)},
		{method: "GET", route: "/dossiers/:code/attachments/:id", path: "/dossiers/{returned}/attachments/{rresult}", want: seen},
		{method: "GET", route: "/dossiers/:code/forms/:kind", path: "/dossiers/{received}/forms/receipt", want: seen},
		{method: "GET", route: "/desk", path: "/desk", want: staffOnly(s200, s403, s403)},
		{method: "GET", route: "/desk/intake", path: "/desk/intake", want: staffOnly(s200, s403, s403)},
		{method: "GET", route: "/decisions", path: "/decisions", want: staffOnly(s403, s200, s403)},
		{method: "GET", route: "/desk/search", path: "/desk/search", want: staffOnly(s200, s200, s200)},
		{method: "GET", route: "/desk/file", path: "/desk/file", want: staffOnly(s200, s403, s403)},
		{method: "POST", route: "/desk/file", path: "/desk/file", form: form("procedure", "no-such"), want: staffOnly(s400, s403, s403)},
		{method: "GET", route: "/dashboard", path: "/dashboard", want: staffOnly(s403, s200, s200)},
		{method: "GET", route: "/dashboard/charts/:name", path: "/dashboard/charts/ontime-procedure.svg", // BGG has nothing to draw: 404
			want: w(s303, s403, s403, s403, s200, s200, s403, s403, s404, s404, s403, s403)},
		{method: "POST", route: "/alerts/:id/ack", path: "/alerts/{alert}/ack", want: w(s303, s403, s403, s303, s303, s303, s403, s404, s404, s404, s403, s403)},
		{method: "GET", route: "/reports", path: "/reports", want: w(s303, s403, s403, s403, s200, s200, s200, s403, s200, s200, s200, s200)},
		{method: "GET", route: "/reports/reform.xlsx", path: "/reports/reform.xlsx?kind=quarter&year=2026&quarter=4", want: w(s303, s403, s403, s403, s200, s200, s200, s403, s200, s200, s200, s200)},
		{method: "GET", route: "/reports/reform.csv", path: "/reports/reform.csv?kind=quarter&year=2026&quarter=4", want: w(s303, s403, s403, s403, s200, s200, s200, s403, s200, s200, s200, s200)},
		{method: "GET", route: "/admin/users", path: "/admin/users", want: adminOnly(s200)},
		{method: "GET", route: "/admin/users/new", path: "/admin/users/new", want: adminOnly(s200)},
		{method: "POST", route: "/admin/users", path: "/admin/users", form: form("username", ""), want: adminOnly(s400)},
		{method: "GET", route: "/admin/users/:id", path: "/admin/users/{user}", want: w(s303, s403, s403, s403, s403, s403, s200, s403, s403, s403, s404, s200)},
		{method: "POST", route: "/admin/users/:id", path: "/admin/users/{user}", form: form("email", "khong-phai-email"), want: w(s303, s403, s403, s403, s403, s403, s400, s403, s403, s403, s404, s400)},
		{method: "POST", route: "/admin/users/:id/unlock", path: "/admin/users/{user}/unlock", want: w(s303, s403, s403, s403, s403, s403, s303, s403, s403, s403, s404, s303)},
		{method: "GET", route: "/admin/zones", path: "/admin/zones", want: adminOnly(s200)},
		{method: "POST", route: "/admin/zones", path: "/admin/zones", form: form("name", ""), want: adminOnly(s400)},
		{method: "GET", route: "/admin/holidays", path: "/admin/holidays", want: adminOnly(s200)},
		{method: "GET", route: "/admin/catalogue", path: "/admin/catalogue", want: adminOnly(s200)},
	}
}

// TestAccessMatrix builds the fixture once per database (SQLite, and
// PostgreSQL when MOTCUA_TEST_DATABASE_URL is reachable) and runs, on the
// composed server: every row for every caller with its status and the
// security headers (routes), and fails on a route without a row; then SQL
// in every filter (injection), hostile uploads (uploads), script in every
// text field (escaping), every form without its CSRF token (csrf) and the
// headers of the errors met before any handler (error-headers).
func TestAccessMatrix(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newMatrixFixture(t, db)
		t.Run("routes", f.checkRoutes)
		t.Run("injection", f.checkInjection)
		t.Run("uploads", f.checkUploads)
		t.Run("escaping", f.checkEscaping)
		t.Run("csrf", f.checkCSRF)
		t.Run("error-headers", f.checkErrorHeaders)
	})
}

// checkRoutes runs every row of the matrix for every caller (the callers
// one after another) and checks the status
// and the security headers of every answer.
func (f *matrixFixture) checkRoutes(t *testing.T) {
	rows := matrixRows()
	checkEveryRouteHasARow(t, f, rows)
	printing := os.Getenv("MATRIX_PRINT") != ""
	for _, r := range rows {
		var got want
		t.Run(r.method+"_"+r.path, func(t *testing.T) {
			for c := anon; c < nCallers; c++ {
				t.Run(callerNames[c], func(t *testing.T) {
					a := f.do(t, f.rowRequest(t, r, c))
					got[c] = a.status
					if !printing && a.status != r.want[c] {
						t.Errorf("%s %s (route %s) as %s: %d, want %d\n%.300s", r.method, f.fill(r.path), r.route,
							callerNames[c], a.status, r.want[c], a.body)
					}
					checkSecurityHeaders(t, r.method+" "+r.path, a)
				})
			}
		})
		if printing && got != r.want {
			fmt.Printf("%-6s %-60s got  %v\n%-6s %-60s want %v\n", r.method, r.path, got, "", "", r.want)
		}
	}
}

// rowRequest is row r as caller c sends it.
func (f *matrixFixture) rowRequest(t *testing.T, r matrixRow, c caller) request {
	t.Helper()
	req := request{method: r.method, path: f.fill(r.path), json: f.fill(r.json), token: f.tokens[c],
		csrfCookie: f.csrfCookie[c], csrfToken: f.csrfToken[c]}
	if r.form != nil {
		req.form = url.Values{}
		for k, vs := range r.form {
			for _, v := range vs {
				req.form.Add(k, f.fill(v))
			}
		}
	}
	if r.file != nil {
		m := *r.file
		m.fields = map[string]string{}
		for k, v := range r.file.fields {
			m.fields[k] = f.fill(v)
		}
		req.multipart = &m
	}
	if r.fresh && c != anon {
		req.token = f.login(t, callerUsers[c])
	}
	return req
}

// checkEveryRouteHasARow fails on a route of the composed server that no
// row exercises, and on a row whose route does not exist.
func checkEveryRouteHasARow(t *testing.T, f *matrixFixture, rows []matrixRow) {
	t.Helper()
	covered := map[string]bool{}
	for _, r := range rows {
		covered[r.method+" "+r.route] = true
	}
	if len(f.routes) < 90 {
		t.Fatalf("Echo lists %d routes; the API and the pages have more: is the server composed?", len(f.routes))
	}
	known := map[string]bool{}
	var missing []string
	for _, rt := range f.routes {
		key := rt.Method + " " + rt.Path
		known[key] = true
		if !covered[key] {
			missing = append(missing, key)
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("route %s has no row in the access matrix (cmd/motcua/access_matrix_test.go)", m)
	}
	for key := range covered {
		if !known[key] {
			t.Errorf("the access matrix has a row for %s, which is no route", key)
		}
	}
}

// routesOf are the routes of the composed server, as Echo lists them
// (without the ones Echo adds itself for a group's not-found answer).
func routesOf(h http.Handler) []*echo.Route {
	e := h.(*echo.Echo)
	var out []*echo.Route
	for _, r := range e.Routes() {
		if r.Method == echo.RouteNotFound || strings.HasSuffix(r.Path, "/*") {
			continue
		}
		out = append(out, r)
	}
	return out
}

// fileCSP is the policy of a file a page opens in the browser (a PDF or an
// image, checked to hold no HTML): nothing may run or load; the browser's
// own viewer may style itself and the site may frame it.
const fileCSP = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; object-src 'self'; frame-ancestors 'self'"

// apiFileCSP is the policy of a file the API sends.
const apiFileCSP = "default-src 'none'; sandbox; frame-ancestors 'none'"

// checkSecurityHeaders checks the headers every answer carries, and
// Cache-Control on every answer but the public static files. A file
// downloaded (an attachment) has a stricter policy of its own.
func checkSecurityHeaders(t *testing.T, what string, a matrixAnswer) {
	t.Helper()
	csp := a.header.Get("Content-Security-Policy")
	switch {
	case a.status == http.StatusOK && strings.Contains(what, "/attachments/{"):
		if csp != fileCSP && csp != apiFileCSP {
			t.Errorf("%s: a file with Content-Security-Policy %q", what, csp)
		}
	case csp != web.ContentSecurityPolicy || !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline"):
		t.Errorf("%s: Content-Security-Policy %q", what, csp)
	}
	if a.header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("%s: X-Content-Type-Options %q", what, a.header.Get("X-Content-Type-Options"))
	}
	if a.header.Get("Referrer-Policy") == "" {
		t.Errorf("%s: no Referrer-Policy", what)
	}
	cc := a.header.Get("Cache-Control")
	if strings.HasPrefix(what, "GET /static/") && a.status == http.StatusOK {
		return
	}
	if !strings.Contains(cc, "no-store") && !(strings.Contains(cc, "private") && strings.Contains(cc, "no-cache")) {
		t.Errorf("%s: %d with Cache-Control %q, want no-store (or private, no-cache)", what, a.status, cc)
	}
}
