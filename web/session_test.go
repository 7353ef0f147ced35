package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/motcua/motcua/models/modelstest"
	"github.com/motcua/motcua/web"
	"github.com/motcua/motcua/web/webtest"
)

// TestSecurityHeaders: every page carries the policy (no unsafe-inline)
// and the other headers; the stylesheet is served from the site itself.
func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	s := webtest.New(t, modelstest.SQLite(t))
	c := s.Client(t)
	for _, path := range []string{"/", "/procedures", "/login", "/no-such-page"} {
		r := c.Get(t, path)
		h := r.Header
		csp := h.Get("Content-Security-Policy")
		if csp != web.ContentSecurityPolicy || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s: CSP %q", path, csp)
		}
		for k, want := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
			"Referrer-Policy": "same-origin", "Cross-Origin-Opener-Policy": "same-origin"} {
			if h.Get(k) != want {
				t.Errorf("%s: %s = %q, want %q", path, k, h.Get(k), want)
			}
		}
		if !strings.Contains(r.Body, `<html lang="vi">`) {
			t.Errorf("%s: not a Vietnamese page", path)
		}
	}
	if r := c.Get(t, "/no-such-page"); r.Status != http.StatusNotFound || !strings.Contains(r.Body, "Không có trang này") {
		t.Fatalf("unknown page: %d %q", r.Status, r.Body)
	}
	home := c.Get(t, "/")
	css := between(home.Body, `<link rel="stylesheet" href="`, `"`)
	r := c.Get(t, css)
	if r.Status != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/css") ||
		!strings.Contains(r.Header.Get("Cache-Control"), "immutable") {
		t.Fatalf("stylesheet %s: %d %v", css, r.Status, r.Header)
	}
}

// between is the text of s after the first before and up to the next after.
func between(s, before, after string) string {
	_, rest, ok := strings.Cut(s, before)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(rest, after)
	return v
}

// TestLanguageSwitch: English by a switch that persists; the switch goes
// back to the page, never to another site.
func TestLanguageSwitch(t *testing.T) {
	t.Parallel()
	s := webtest.New(t, modelstest.SQLite(t))
	c := s.Client(t)
	r := c.Get(t, "/lang/en?next=/procedures")
	if r.URL != "/procedures" || !strings.Contains(r.Body, `<html lang="en">`) || !strings.Contains(r.Body, "Catalogue of administrative procedures") {
		t.Fatalf("switch to English: at %s\n%s", r.URL, r.Body[:min(400, len(r.Body))])
	}
	if r := c.Get(t, "/login"); !strings.Contains(r.Body, "Sign in") || strings.Contains(r.Body, "Đăng nhập</h1>") {
		t.Fatal("the choice did not persist")
	}
	for _, next := range []string{"https://evil.example/", "//evil.example/x", "/\\evil.example"} {
		if r := c.Get(t, "/lang/vi?next="+url.QueryEscape(next)); r.URL != "/" {
			t.Fatalf("next=%s: went to %s", next, r.URL)
		}
	}
}

// TestCSRF: a form posted without its token, with another token, or from
// another origin is refused before anything happens.
func TestCSRF(t *testing.T) {
	t.Parallel()
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := webtest.New(t, db)
		c := s.Client(t)
		c.Get(t, "/login")
		form := url.Values{"username": {"hbi.officer"}, "password": {webtest.Password}}
		for name, tok := range map[string]string{"none": "", "forged": "AAAA" + strings.Repeat("x", 84)} {
			f := url.Values{"_csrf": {tok}}
			for k, v := range form {
				f[k] = v
			}
			r := c.Post(t, "/login", f)
			if r.Status != http.StatusForbidden || !strings.Contains(r.Body, "Biểu mẫu đã hết hạn") || c.Cookie("motcua_session") != "" {
				t.Fatalf("%s token: %d, session %q", name, r.Status, c.Cookie("motcua_session"))
			}
		}
		// another client's token does not fit this client's cookie
		other := s.Client(t)
		page := other.Get(t, "/login")
		if r := c.Post(t, "/login", url.Values{"_csrf": {webtest.CSRFToken(page.Body)}, "username": form["username"],
			"password": form["password"]}); r.Status != http.StatusForbidden {
			t.Fatalf("another session's token: %d", r.Status)
		}
		req, _ := http.NewRequest(http.MethodPost, s.URL+"/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", "https://evil.example")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusForbidden {
			t.Fatalf("cross-origin post: %d", res.StatusCode)
		}
		c.Get(t, "/login")
		if r := c.Post(t, "/login", form); r.URL != "/desk" {
			t.Fatalf("with its token the form goes through: at %s (%d)", r.URL, r.Status)
		}
	})
}

// TestSessionFixationAndLogout: a session cookie planted before sign-in
// names nothing and is replaced; signing out revokes the session on the
// server, so a copy of the cookie is worthless.
func TestSessionFixationAndLogout(t *testing.T) {
	t.Parallel()
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := webtest.New(t, db)
		c := s.Client(t)
		const planted = "attacker-chosen-value"
		c.SetCookie("motcua_session", planted)
		if r := c.Get(t, "/account"); !strings.HasPrefix(r.URL, "/login?next=%2Faccount") {
			t.Fatalf("a planted cookie opened /account: at %s", r.URL)
		}
		c.SetCookie("motcua_session", planted)
		c.Login(t, "investor")
		session := c.Cookie("motcua_session")
		if session == "" || session == planted {
			t.Fatalf("session after sign-in %q", session)
		}
		thief := s.Client(t)
		thief.SetCookie("motcua_session", session)
		if r := thief.Get(t, "/account"); r.URL != "/account" || !strings.Contains(r.Body, "Công ty TNHH Sản xuất Hòa Phát Minh") {
			t.Fatalf("the cookie should work until sign-out: at %s", r.URL)
		}
		c.Get(t, "/account")
		if r := c.Post(t, "/logout", nil); r.URL != "/" || c.Cookie("motcua_session") != "" {
			t.Fatalf("sign-out: at %s, cookie %q", r.URL, c.Cookie("motcua_session"))
		}
		if r := thief.Get(t, "/account"); !strings.HasPrefix(r.URL, "/login") {
			t.Fatalf("a copy of the cookie still works after sign-out: at %s", r.URL)
		}
	})
}

// TestSessionCookieFlags: HttpOnly, SameSite=Lax, and Secure only when
// the site says it is served over TLS.
func TestSessionCookieFlags(t *testing.T) {
	t.Parallel()
	s := webtest.New(t, modelstest.SQLite(t))
	c := s.Client(t)
	page := c.Get(t, "/login")
	form := url.Values{"_csrf": {webtest.CSRFToken(page.Body)}, "username": {"hbi.officer"}, "password": {webtest.Password}}
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Cookie", "motcua_csrf="+c.Cookie("motcua_csrf"))
	res, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	var found bool
	for _, ck := range res.Cookies() {
		if ck.Name == "motcua_session" {
			found = true
			if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Secure || ck.MaxAge <= 0 {
				t.Fatalf("session cookie %+v", ck)
			}
		}
	}
	if res.StatusCode != http.StatusSeeOther || !found {
		t.Fatalf("sign-in: %d, session cookie set %v", res.StatusCode, found)
	}
}
