package soak

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"time"
)

// The mix of operations, in percent: reads, then events; the rest submits.
const (
	readShare  = 70
	eventShare = 25
)

// prepared is how many dossiers each client files before the clock starts,
// so that the desk has work from the first second.
const prepared = 3

// applicant is the name on every dossier the soak files (and the text
// searched for).
const applicant = "Công ty TNHH Kiểm thử Tải Dài Hạn"

// client is one simulated user agent: it owns the dossiers it filed, so
// that no two clients fire events at the same dossier (a stale version
// would be the harness's fault, not the server's).
type client struct {
	h     *harness
	rng   *rand.Rand
	mine  []string          // open dossiers this client moves along
	hints map[string]string // the state each was last seen in
}

// prepare files a few dossiers before the measured run.
func (c *client) prepare(ctx context.Context) {
	for range prepared {
		c.submit(ctx)
	}
}

// loop runs operations until the deadline: 70 % reads, 25 % events, 5 %
// submits (an event with no open dossier left becomes a submit).
func (c *client) loop(ctx context.Context, deadline time.Time) {
	for time.Now().Before(deadline) && ctx.Err() == nil {
		switch n := c.rng.IntN(100); {
		case n < readShare:
			c.read(ctx)
		case n < readShare+eventShare && len(c.mine) > 0:
			c.h.rec.op("event")
			c.event(ctx)
		default:
			c.h.rec.op("submit")
			c.submit(ctx)
		}
	}
}

// submit files a dossier as the investor and uploads its documents.
func (c *client) submit(ctx context.Context) {
	h := c.h
	body, _ := json.Marshal(map[string]string{"board": h.cfg.Board, "procedure": h.cfg.Procedure,
		"variant": h.cfg.Variant, "applicant_name": applicant})
	var out struct {
		Code string `json:"code"`
	}
	if h.send(ctx, request{kind: "api submit", method: http.MethodPost, path: "/api/v1/dossiers",
		token: h.tokens["investor"], ctype: "application/json", body: body, into: &out}) != nil || out.Code == "" {
		return
	}
	for _, doc := range h.cfg.Documents {
		b, ctype := multipartPDF(doc)
		if h.send(ctx, request{kind: "api upload", method: http.MethodPost, path: "/api/v1/dossiers/" + out.Code + "/attachments",
			token: h.tokens["investor"], ctype: ctype, body: b}) != nil {
			return
		}
	}
	c.mine = append(c.mine, out.Code)
	h.addCode(out.Code)
}

// read is one read, the API's or a page's, picked at random.
func (c *client) read(ctx context.Context) {
	r := reads[c.rng.IntN(len(reads))]
	c.h.rec.op("read")
	c.h.send(ctx, r.build(c))
}

// aRead is one kind of read: how to build its request.
type aRead struct {
	build func(c *client) request
}

// reads are the reads of the mix, API and pages side by side: lists,
// a dossier, the inbox, search, the dashboard, the report, public
// tracking and the catalogue.
var reads = []aRead{
	{func(c *client) request { return c.api("api list", "officer", "/api/v1/dossiers?limit=20") }},
	{func(c *client) request { return c.api("api dossier", "officer", "/api/v1/dossiers/"+c.someCode()) }},
	{func(c *client) request { return c.api("api inbox", "officer", "/api/v1/inbox") }},
	{func(c *client) request {
		return c.api("api search", "officer", "/api/v1/dossiers?q="+url.QueryEscape("Kiểm thử"))
	}},
	{func(c *client) request { return c.api("api dashboard", "leader", "/api/v1/dashboard") }},
	{func(c *client) request {
		return c.api("api report", "leader", "/api/v1/reports/reform?period="+time.Now().Format("2006-01"))
	}},
	{func(c *client) request { return c.api("api investor list", "investor", "/api/v1/dossiers?limit=20") }},
	{func(c *client) request { return c.track() }},
	{func(c *client) request {
		return request{kind: "api catalogue", method: http.MethodGet, path: "/api/v1/procedures"}
	}},
	{func(c *client) request { return c.page("page desk", "officer", "/desk") }},
	{func(c *client) request { return c.page("page dossier", "officer", "/dossiers/"+c.someCode()) }},
	{func(c *client) request {
		return c.page("page search", "officer", "/desk/search?q="+url.QueryEscape("Kiểm thử"))
	}},
	{func(c *client) request { return c.page("page dashboard", "leader", "/dashboard") }},
	{func(c *client) request { return c.page("page report", "leader", "/reports") }},
	{func(c *client) request { return c.page("page my dossiers", "investor", "/dossiers") }},
	{func(c *client) request {
		return request{kind: "page catalogue", client: c.h.public, method: http.MethodGet, path: "/procedures"}
	}},
	{func(c *client) request {
		return request{kind: "page tracking", client: c.h.public, method: http.MethodGet, path: "/track"}
	}},
}

// api is a GET of the API as role.
func (c *client) api(kind, role, path string) request {
	return request{kind: kind, method: http.MethodGet, path: path, token: c.h.tokens[role]}
}

// page is a GET of a page signed in as role.
func (c *client) page(kind, role, path string) request {
	return request{kind: kind, client: c.h.pages[role], method: http.MethodGet, path: path, signed: true}
}

// someCode is a dossier to read: any the run knows.
func (c *client) someCode() string {
	if code := c.h.anyCode(c.rng); code != "" {
		return code
	}
	return "none"
}

// track is a public tracking request with a received dossier's code and
// PIN (the catalogue until a dossier has been received).
func (c *client) track() request {
	t, ok := c.h.anyTracked(c.rng)
	if !ok {
		return request{kind: "api catalogue", method: http.MethodGet, path: "/api/v1/procedures"}
	}
	body, _ := json.Marshal(map[string]string{"code": t[0], "pin": t[1]})
	return request{kind: "api tracking", method: http.MethodPost, path: "/api/v1/track", ctype: "application/json", body: body}
}

// dossierJSON is the part of the API's dossier that picks an event.
type dossierJSON struct {
	State           string   `json:"state"`
	Version         int      `json:"version"`
	SupplementCount int      `json:"supplement_count"`
	InvestmentKind  string   `json:"investment_kind"`
	AllowedEvents   []string `json:"allowed_events"`
}

// event moves one of the client's dossiers along: it reads the dossier as
// the role whose turn it is, picks one of the events the service allows
// that role now, and fires it. A dossier with nothing left to do leaves
// the client's list.
func (c *client) event(ctx context.Context) {
	i := c.rng.IntN(len(c.mine))
	code := c.mine[i]
	role := turnOf(c.stateHint(code))
	var d dossierJSON
	if c.h.send(ctx, c.apiInto("api event read", role, "/api/v1/dossiers/"+code, &d)) != nil {
		return
	}
	c.hints[code] = d.State
	ev, body := c.pick(d)
	if ev == "" {
		if len(d.AllowedEvents) == 0 || finalState(d.State) {
			c.mine = slices.Delete(c.mine, i, i+1)
			delete(c.hints, code)
		}
		return
	}
	body["event"], body["version"] = ev, d.Version
	b, _ := json.Marshal(body)
	var out struct {
		Dossier dossierJSON `json:"dossier"`
	}
	if c.h.send(ctx, request{kind: "api event " + ev, method: http.MethodPost, path: "/api/v1/dossiers/" + code + "/events",
		token: c.h.tokens[role], ctype: "application/json", body: b, into: &out}) != nil {
		return
	}
	c.hints[code] = nextState[ev]
	if ev == "receive" {
		c.learnPIN(ctx, code)
	}
}

// learnPIN reads a received dossier's receipt for its tracking PIN.
func (c *client) learnPIN(ctx context.Context, code string) {
	var f struct {
		Receipt *struct {
			TrackingPIN string `json:"tracking_pin"`
		} `json:"receipt"`
	}
	if c.h.send(ctx, c.apiInto("api receipt", "investor", "/api/v1/dossiers/"+code+"/forms/receipt", &f)) == nil &&
		f.Receipt != nil && f.Receipt.TrackingPIN != "" {
		c.h.addTracked(code, f.Receipt.TrackingPIN)
	}
}

func (c *client) apiInto(kind, role, path string, into any) request {
	r := c.api(kind, role, path)
	r.into = into
	return r
}

// stateHint is the state the client last saw code in.
func (c *client) stateHint(code string) string {
	if c.hints == nil {
		c.hints = map[string]string{}
	}
	return c.hints[code]
}

// turnOf is the role that moves a dossier in state: the leader decides,
// the investor answers a supplement request, the officer does the rest.
func turnOf(state string) string {
	switch state {
	case "pending_decision":
		return "leader"
	case "supplement_requested":
		return "investor"
	}
	return "officer"
}

// nextState is where an event the soak fires leads (a hint for whose turn
// it is next; the dossier read before each event has the truth).
var nextState = map[string]string{"receive": "received", "assign": "in_review", "request_supplement": "supplement_requested",
	"resubmit": "in_review", "consult": "consulting", "consent": "in_review", "propose": "pending_decision",
	"approve": "approved", "refuse": "refused", "return_result": "returned"}

// finalState: nothing more happens to a dossier in state.
func finalState(state string) bool {
	return state == "returned" || state == "withdrawn" || state == "intake_rejected"
}

// pick chooses the event to fire among those allowed now, with its body:
// mostly forward (receive, assign, propose, approve, return the result),
// sometimes a supplement request and its answer, a consultation, a
// refusal. "" when none of the allowed events is one the soak fires.
func (c *client) pick(d dossierJSON) (string, map[string]any) {
	allowed := func(ev string) bool { return slices.Contains(d.AllowedEvents, ev) }
	paper := map[string]any{"medium": "paper", "reference": "123/GP-BQL"}
	switch {
	case allowed("request_supplement") && d.SupplementCount == 0 && c.rng.IntN(100) < 15:
		return "request_supplement", map[string]any{"comment": "Đề nghị bổ sung bản vẽ / Please add the drawings"}
	case allowed("consult") && c.rng.IntN(100) < 10:
		return "consult", map[string]any{}
	case allowed("approve") && d.InvestmentKind == "" && c.rng.IntN(100) < 90:
		return "approve", map[string]any{"result": paper}
	case allowed("refuse") && d.State == "pending_decision":
		return "refuse", map[string]any{"comment": "Không đủ điều kiện / Not eligible", "result": paper}
	}
	for _, ev := range []string{"receive", "assign", "resubmit", "consent", "propose", "return_result"} {
		if allowed(ev) {
			return ev, map[string]any{}
		}
	}
	return "", nil
}
