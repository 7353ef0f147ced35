package soak

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// request is one HTTP call of the load.
type request struct {
	kind   string // what it is, for the counts: "api list", "page desk", …
	client *http.Client
	method string
	path   string // from the server's root: /api/v1/… or a page
	token  string // API bearer token
	ctype  string
	body   []byte
	into   any  // JSON answer, decoded when not nil
	signed bool // a page that needs a session: landing on /login is an error
}

// send does r, timing it and counting it under its kind; any answer but
// 2xx (after redirects), and a signed-in page that lands on the sign-in
// form, is an error.
func (h *harness) send(ctx context.Context, r request) error {
	t0 := time.Now()
	err := h.roundTrip(ctx, r)
	h.rec.record(r.kind, time.Since(t0), err)
	return err
}

func (h *harness) roundTrip(ctx context.Context, r request) error {
	req, err := http.NewRequestWithContext(ctx, r.method, h.cfg.BaseURL+r.path, bytes.NewReader(r.body))
	if err != nil {
		return err
	}
	if r.ctype != "" {
		req.Header.Set("Content-Type", r.ctype)
	}
	if r.token != "" {
		req.Header.Set("Authorization", "Bearer "+r.token)
	}
	c := r.client
	if c == nil {
		c = h.api
	}
	resp, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", r.method, r.path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("%s %s: reading the answer: %w", r.method, r.path, err)
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %d %s", r.method, r.path, resp.StatusCode, firstLine(b))
	}
	if r.signed && resp.Request.URL.Path == "/login" {
		return fmt.Errorf("%s %s: signed out (landed on /login)", r.method, r.path)
	}
	if r.into != nil {
		if err := json.Unmarshal(b, r.into); err != nil {
			return fmt.Errorf("%s %s: %w", r.method, r.path, err)
		}
	}
	return nil
}

// firstLine is the start of an answer, for an error message.
func firstLine(b []byte) string {
	s := strings.TrimSpace(string(b))
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// apiLogin signs user in to the API and returns the token (untimed: it is
// preparation).
func (h *harness) apiLogin(ctx context.Context, user string) (string, error) {
	body, _ := json.Marshal(map[string]string{"username": user, "password": h.cfg.Password})
	var out struct {
		Token string `json:"token"`
	}
	err := h.roundTrip(ctx, request{method: http.MethodPost, path: "/api/v1/auth/login", ctype: "application/json",
		body: body, into: &out})
	if err == nil && out.Token == "" {
		err = fmt.Errorf("no token in the answer")
	}
	if err != nil {
		return "", fmt.Errorf("soak: API sign-in of %s: %w", user, err)
	}
	return out.Token, nil
}

// csrfInput finds a form's CSRF token.
var csrfInput = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// pageLogin signs user in through the sign-in form with c's cookie jar.
func (h *harness) pageLogin(ctx context.Context, c *http.Client, user string) error {
	page, err := h.getPage(ctx, c, "/login")
	if err != nil {
		return fmt.Errorf("soak: sign-in page: %w", err)
	}
	m := csrfInput.FindSubmatch(page)
	if m == nil {
		return fmt.Errorf("soak: sign-in page: no CSRF token")
	}
	form := url.Values{"username": {user}, "password": {h.cfg.Password}, "_csrf": {html.UnescapeString(string(m[1]))}}
	err = h.roundTrip(ctx, request{client: c, method: http.MethodPost, path: "/login",
		ctype: "application/x-www-form-urlencoded", body: []byte(form.Encode()), signed: true})
	if err != nil {
		return fmt.Errorf("soak: page sign-in of %s: %w", user, err)
	}
	return nil
}

// getPage reads a page whole (untimed).
func (h *harness) getPage(ctx context.Context, c *http.Client, path string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, h.cfg.BaseURL+path, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("GET %s: %d", path, resp.StatusCode)
	}
	return b, err
}

// soakPDF is the file uploaded for every document: a tiny PDF that passes
// the content check.
var soakPDF = []byte("%PDF-1.4\n%motcua soak\n%%EOF\n")

// multipartPDF is the body of an upload of document doc.
func multipartPDF(doc string) ([]byte, string) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("document_code", doc)
	fw, _ := mw.CreateFormFile("file", doc+".pdf")
	fw.Write(soakPDF)
	mw.Close()
	return buf.Bytes(), mw.FormDataContentType()
}
