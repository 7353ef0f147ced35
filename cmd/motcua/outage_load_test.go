package main

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// answer is one response the load got: which request, when it was sent
// and answered, its status, Retry-After and error code.
type answer struct {
	kind       string
	sent, got  time.Time
	status     int // 0 when no response came (err says why)
	retryAfter string
	code       string // the API's error code, or "page" for an HTML page
	body       string // the start of the body, for a failure's message
	err        error
}

func (a answer) latency() time.Duration { return a.got.Sub(a.sent) }

func (a answer) String() string {
	if a.err != nil {
		return fmt.Sprintf("%s at %s: no answer after %s: %v", a.kind, a.sent.Format("15:04:05.000"), a.latency(), a.err)
	}
	body := a.body
	if a.code == "page" { // the page's text, without its markup
		body = strings.Join(strings.Fields(markup.ReplaceAllString(body, " ")), " ")
	}
	return fmt.Sprintf("%s at %s: %d (Retry-After %q, code %q) in %s: %.300s", a.kind, a.sent.Format("15:04:05.000"),
		a.status, a.retryAfter, a.code, a.latency().Round(time.Millisecond), body)
}

// markup matches an HTML tag, and the head with its styles and scripts.
var markup = regexp.MustCompile(`(?s)<head>.*</head>|<[^>]*>`)

// outageClient talks to one `motcua serve` as an officer, a visitor and
// a public tracker would.
type outageClient struct {
	base     string
	http     *http.Client
	token    string // the officer's, for the API and as the pages' session cookie
	user     string
	password string
	code     string // a dossier of the officer's board, and its tracking PIN
	pin      string
}

// loadKind is one kind of request the load sends: its name, the success
// statuses, and the request.
type loadKind struct {
	name  string
	every time.Duration
	ok    []int
	do    func(c *outageClient) answer
}

// loadKinds are the requests of the load: the API's list and search, a
// submit, a sign-in and public tracking; the officer's desk and the
// public tracking page.
var loadKinds = []loadKind{
	{"api search", 100 * time.Millisecond, []int{200}, func(c *outageClient) answer {
		return c.api("GET", "/dossiers?q=Thử&limit=20", nil, c.token)
	}},
	{"api dossier", 100 * time.Millisecond, []int{200}, func(c *outageClient) answer {
		return c.api("GET", "/dossiers/"+url.PathEscape(c.code), nil, c.token)
	}},
	{"api submit", 250 * time.Millisecond, []int{201}, func(c *outageClient) answer {
		return c.api("POST", "/dossiers", map[string]any{"procedure": "construction-permit", "variant": "new",
			"channel": "direct", "applicant_name": "Công ty TNHH Mất Điện"}, c.token)
	}},
	{"api login", 300 * time.Millisecond, []int{200}, func(c *outageClient) answer {
		return c.api("POST", "/auth/login", map[string]any{"username": c.user, "password": c.password}, "")
	}},
	{"api track", 150 * time.Millisecond, []int{200}, func(c *outageClient) answer {
		return c.api("POST", "/track", map[string]any{"code": c.code, "pin": c.pin}, "")
	}},
	{"page desk", 150 * time.Millisecond, []int{200}, func(c *outageClient) answer {
		return c.page("/desk", true)
	}},
	{"page track", 150 * time.Millisecond, []int{200}, func(c *outageClient) answer {
		return c.page("/track?"+url.Values{"code": {c.code}, "pin": {c.pin}}.Encode(), false)
	}},
}

// api sends a JSON request to /api/v1 with the bearer token, if any.
func (c *outageClient) api(method, path string, body any, token string) answer {
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.base+"/api/v1"+path, r)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if method == "POST" && path == "/dossiers" {
		req.Header.Set("Idempotency-Key", "outage-"+randomKey())
	}
	return c.send(req)
}

// page GETs a page, signed in as the officer when signedIn.
func (c *outageClient) page(path string, signedIn bool) answer {
	req, _ := http.NewRequest("GET", c.base+path, nil)
	if signedIn {
		req.AddCookie(&http.Cookie{Name: "motcua_session", Value: c.token})
	}
	return c.send(req)
}

// send sends req and reads what came back.
func (c *outageClient) send(req *http.Request) answer {
	a := answer{sent: time.Now()}
	res, err := c.http.Do(req)
	if err != nil {
		a.got, a.err = time.Now(), err
		return a
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	a.got, a.status, a.retryAfter, a.body = time.Now(), res.StatusCode, res.Header.Get("Retry-After"), string(b)
	if strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		var e struct {
			Error struct {
				Code string `json:"code"`
			} `json:"error"`
		}
		if json.Unmarshal(b, &e) == nil {
			a.code = e.Error.Code
		}
	} else {
		a.code = "page"
	}
	return a
}

// login signs the officer in through the API and keeps the token.
func (c *outageClient) login(t *testing.T) {
	t.Helper()
	a := c.api("POST", "/auth/login", map[string]any{"username": c.user, "password": c.password}, "")
	var out struct {
		Token string `json:"token"`
	}
	if a.status != 200 || json.Unmarshal([]byte(a.body), &out) != nil || out.Token == "" {
		t.Fatalf("sign-in: %s", a)
	}
	c.token = out.Token
}

// load runs every load kind in its own goroutine until stopped, and
// keeps every answer.
type load struct {
	mu      sync.Mutex
	answers []answer
	stop    chan struct{}
	wg      sync.WaitGroup
}

func startLoad(c *outageClient) *load {
	l := &load{stop: make(chan struct{})}
	for _, k := range loadKinds {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			for {
				a := k.do(c)
				a.kind = k.name
				l.mu.Lock()
				l.answers = append(l.answers, a)
				l.mu.Unlock()
				select {
				case <-l.stop:
					return
				case <-time.After(k.every):
				}
			}
		}()
	}
	return l
}

// halt stops the load and returns every answer.
func (l *load) halt() []answer {
	close(l.stop)
	l.wg.Wait()
	return l.answers
}

// pollReady GETs /readyz every 100 ms until stopped, keeping the answers.
func pollReady(c *outageClient) *load {
	l := &load{stop: make(chan struct{})}
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		for {
			req, _ := http.NewRequest("GET", c.base+"/readyz", nil)
			a := c.send(req)
			a.kind = "readyz"
			l.mu.Lock()
			l.answers = append(l.answers, a)
			l.mu.Unlock()
			select {
			case <-l.stop:
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
	}()
	return l
}

// firstOK is when the first 200 to a request sent after since came.
func (l *load) firstOK(since time.Time) (time.Time, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, a := range l.answers {
		if a.sent.After(since) && a.status == http.StatusOK {
			return a.got, true
		}
	}
	return time.Time{}, false
}

// randomKey is a fresh idempotency key.
func randomKey() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// retryAfterOK reports whether a Retry-After header is a positive number
// of seconds of at most a minute.
func retryAfterOK(v string) bool {
	n, err := strconv.Atoi(v)
	return err == nil && n > 0 && n <= 60
}
