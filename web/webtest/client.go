package webtest

import (
	"bytes"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// Client is a browser without JavaScript: it keeps cookies, follows
// redirects, and posts each form with the CSRF token of the last page it
// read.
type Client struct {
	site *Site
	http *http.Client
	// IP is sent as X-Forwarded-For (the site trusts it in tests).
	IP   string
	last string
}

// Response is a page as the client got it, after redirects.
type Response struct {
	Status int
	Body   string
	Header http.Header
	// URL is the page's final address (path and query).
	URL string
}

// Client is a new client without cookies.
func (s *Site) Client(t testing.TB) *Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &Client{site: s, http: &http.Client{Jar: jar}, IP: "10.1.1.1"}
}

// Login signs username in through the sign-in form.
func (c *Client) Login(t testing.TB, username string) *Response {
	t.Helper()
	c.Get(t, "/login")
	r := c.Post(t, "/login", url.Values{"username": {username}, "password": {Password}})
	if c.Cookie("motcua_session") == "" || strings.HasPrefix(r.URL, "/login") {
		t.Fatalf("webtest: sign in %s: %d at %s", username, r.Status, r.URL)
	}
	return r
}

// Get reads a page.
func (c *Client) Get(t testing.TB, path string) *Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.site.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c.do(t, req)
}

// Post sends a form with the CSRF token of the last page read (unless the
// form names its own _csrf, which a test of the protection does).
func (c *Client) Post(t testing.TB, path string, form url.Values) *Response {
	t.Helper()
	form = c.withToken(form)
	req, err := http.NewRequest(http.MethodPost, c.site.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(t, req)
}

// File is a file a multipart form sends.
type File struct {
	Name string
	Body []byte
}

// PostFiles sends a multipart form: fields and files by field name.
func (c *Client) PostFiles(t testing.TB, path string, form url.Values, files map[string][]File) *Response {
	t.Helper()
	form = c.withToken(form)
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, vs := range form {
		for _, v := range vs {
			if err := mw.WriteField(k, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	for field, fs := range files {
		for _, f := range fs {
			w, err := mw.CreateFormFile(field, f.Name)
			if err != nil {
				t.Fatal(err)
			}
			w.Write(f.Body)
		}
	}
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, c.site.URL+path, &b)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(t, req)
}

// withToken adds the CSRF token of the last page read to form.
func (c *Client) withToken(form url.Values) url.Values {
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["_csrf"]; !ok {
		if tok := CSRFToken(c.last); tok != "" {
			form.Set("_csrf", tok)
		}
	}
	return form
}

// csrfInput finds a form's CSRF token.
var csrfInput = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// CSRFToken is the CSRF token of the first form of page, "" when none.
func CSRFToken(page string) string {
	if m := csrfInput.FindStringSubmatch(page); m != nil {
		return html.UnescapeString(m[1])
	}
	return ""
}

// do sends req from the client's address and reads the answer.
func (c *Client) do(t testing.TB, req *http.Request) *Response {
	t.Helper()
	req.Header.Set("X-Forwarded-For", c.IP)
	res, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	r := &Response{Status: res.StatusCode, Body: string(body), Header: res.Header, URL: res.Request.URL.RequestURI()}
	if strings.Contains(r.Body, `name="_csrf"`) {
		c.last = r.Body
	}
	return r
}

// Cookie is the value of the client's cookie name for the site, "" when none.
func (c *Client) Cookie(name string) string {
	u, _ := url.Parse(c.site.URL)
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

// SetCookie plants a cookie, as an attacker's page or script might.
func (c *Client) SetCookie(name, value string) {
	u, _ := url.Parse(c.site.URL)
	c.http.Jar.SetCookies(u, []*http.Cookie{{Name: name, Value: value, Path: "/"}})
}

// PDF is a small valid-looking PDF file named name, its text marking it.
func PDF(name, text string) File {
	body := "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% " + text + "\ntrailer << /Root 1 0 R >>\n%%EOF\n"
	return File{Name: name, Body: []byte(body)}
}
