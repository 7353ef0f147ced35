package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"mime"
	"net/url"
	"path"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// Viewport widths: a desktop and a 375-px phone.
const (
	Desktop = 1280
	Phone   = 375
)

// Tab is one tab of the browser in a browser context of its own, so its
// cookies are its own: a fresh tab is a visitor without a session. Its
// methods fail the test that opened it (t.Fatal) when an action fails or
// runs past ActionTimeout.
type Tab struct {
	t     testing.TB
	ctx   context.Context
	base  string
	state *tabState
}

// tabState is what the browser reported to a tab: the dialogs that opened
// and the errors written to its console.
type tabState struct {
	mu      sync.Mutex
	dialogs []string
	console []string
	marks   int
	width   int64
}

// Tab opens a tab on the site at base (e.g. "http://127.0.0.1:1234"): Go
// and Click take paths on it. It closes when t ends. Any JavaScript dialog
// (alert, confirm, prompt) that opens in it is dismissed and fails t: the
// pages have none, so one means a script ran that should not have. It
// starts as a 1280-px desktop.
func (b *Browser) Tab(t testing.TB, base string) *Tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	if err := within(startTimeout, func() error { return chromedp.Do(ctx) }); err != nil {
		cancel()
		t.Fatalf("browsertest: open a tab: %v", err)
	}
	tab := &Tab{t: t, ctx: ctx, base: strings.TrimSuffix(base, "/"), state: &tabState{width: Desktop}}
	if err := chromedp.Listen(ctx, tab.listen); err != nil {
		cancel()
		t.Fatalf("browsertest: listen to the tab: %v", err)
	}
	console := chromedp.Console(ctx)
	go tab.collect(console)
	t.Cleanup(func() {
		cancel()
		if d := tab.Dialogs(); len(d) > 0 {
			t.Errorf("browsertest: JavaScript dialogs opened: %q", d)
		}
	})
	tab.SetViewport(Desktop)
	return tab
}

// For is the same tab failing t instead, for a subtest that goes on in the
// tab of its parent.
func (tb *Tab) For(t testing.TB) *Tab {
	c := *tb
	c.t = t
	return &c
}

// listen records each JavaScript dialog and dismisses it (on another
// goroutine: a listener may run no command).
func (tb *Tab) listen(ev any) {
	if d, ok := ev.(*page.EventJavascriptDialogOpening); ok {
		tb.state.mu.Lock()
		tb.state.dialogs = append(tb.state.dialogs, string(d.Type)+": "+d.Message)
		tb.state.mu.Unlock()
		go chromedp.Call(tb.ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
	}
}

// collect keeps the errors the page writes to the console: uncaught
// exceptions, console.error, and the browser's own errors, among them a
// refusal by the Content-Security-Policy.
func (tb *Tab) collect(console iter.Seq2[chromedp.ConsoleMessage, error]) {
	for m, err := range console {
		if err != nil {
			return
		}
		if m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleException {
			text := m.String()
			if m.URL != "" {
				text += " (" + m.URL + ")"
			}
			tb.state.mu.Lock()
			tb.state.console = append(tb.state.console, text)
			tb.state.mu.Unlock()
		}
	}
}

// Dialogs are the JavaScript dialogs that opened in the tab so far.
func (tb *Tab) Dialogs() []string {
	tb.state.mu.Lock()
	defer tb.state.mu.Unlock()
	return append([]string(nil), tb.state.dialogs...)
}

// ConsoleErrors are the errors written to the tab's console since the last
// call, which clears them.
func (tb *Tab) ConsoleErrors() []string {
	tb.state.mu.Lock()
	defer tb.state.mu.Unlock()
	out := tb.state.console
	tb.state.console = nil
	return out
}

// do runs steps within ActionTimeout and fails the test on an error.
func (tb *Tab) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, ActionTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		tb.t.Fatalf("browsertest: %s: %v", what, err)
	}
}

// response runs steps that load a page, within ActionTimeout, and is the
// page's HTTP status.
func (tb *Tab) response(what string, steps ...chromedp.Action[chromedp.Void]) int {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, ActionTimeout)
	defer cancel()
	res, err := chromedp.RunResponse(ctx, steps...)
	if err != nil {
		tb.t.Fatalf("browsertest: %s: %v", what, err)
	}
	if res == nil {
		return 0
	}
	return int(res.Status)
}

// Eval runs a JavaScript expression in the page (a promise is awaited) and
// decodes its JSON value into out (nil: the value is dropped).
func (tb *Tab) Eval(expr string, out any) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, ActionTimeout)
	defer cancel()
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.t.Fatalf("browsertest: evaluate %.80q: %v", expr, err)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			tb.t.Fatalf("browsertest: evaluate %.80q: %v in %.200s", expr, err, raw)
		}
	}
}

// call runs the JavaScript function fn (source text) with args and decodes
// its value into out.
func (tb *Tab) call(fn string, out any, args ...any) {
	tb.t.Helper()
	enc, err := json.Marshal(args)
	if err != nil {
		tb.t.Fatal(err)
	}
	tb.Eval("("+fn+").apply(null, "+string(enc)+")", out)
}

// URL is the address of the page in the tab.
func (tb *Tab) URL() string {
	tb.t.Helper()
	var u string
	tb.Eval(`location.href`, &u)
	return u
}

// Path is the path and query of the page in the tab.
func (tb *Tab) Path() string {
	tb.t.Helper()
	u, err := url.Parse(tb.URL())
	if err != nil {
		tb.t.Fatal(err)
	}
	return u.RequestURI()
}

// abs is path on the tab's site; a full address stays as it is.
func (tb *Tab) abs(path string) string {
	if strings.HasPrefix(path, "/") {
		return tb.base + path
	}
	return path
}

// Go opens path (on the tab's site) or a full address, waits for it to
// load, and is its HTTP status (after redirects).
func (tb *Tab) Go(path string) int {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, ActionTimeout)
	defer cancel()
	res, err := chromedp.Run(ctx, chromedp.NavigateResponse(tb.abs(path)))
	if err != nil {
		tb.t.Fatalf("browsertest: open %s: %v", path, err)
	}
	return int(res.Status)
}

// SetViewport makes the tab width pixels wide: a phone (mobile, touch,
// 812 px high) under 768, a desktop window (900 px high) from it. One CSS
// pixel is one image pixel, which keeps screenshots small.
func (tb *Tab) SetViewport(width int) {
	tb.t.Helper()
	if width < 768 {
		tb.do("set the viewport", chromedp.EmulateViewport(int64(width), 812, chromedp.EmulateMobile))
	} else {
		tb.do("set the viewport", chromedp.EmulateViewport(int64(width), 900))
	}
	tb.state.mu.Lock()
	tb.state.width = int64(width)
	tb.state.mu.Unlock()
}

// Width is the tab's viewport width (Desktop until SetViewport).
func (tb *Tab) Width() int {
	tb.state.mu.Lock()
	defer tb.state.mu.Unlock()
	return int(tb.state.width)
}

// BypassCSP turns the Content-Security-Policy off in this tab, for a test
// that must see what escaping alone does: with the policy on, an injected
// inline script would not run even if it were not escaped.
func (tb *Tab) BypassCSP() {
	tb.t.Helper()
	tb.do("bypass the CSP", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Call(ctx, page.SetBypassCSP, page.SetBypassCSPParams{Enabled: true})
		return err
	}))
}

// mark finds an element by the script find (a function of target that
// returns an element, or a string saying why there is none), tags it with
// a data attribute and is a CSS selector of it.
func (tb *Tab) mark(find, target string) string {
	tb.t.Helper()
	tb.state.mu.Lock()
	tb.state.marks++
	id := fmt.Sprintf("bt%d", tb.state.marks)
	tb.state.mu.Unlock()
	var res struct {
		OK  bool
		Why string
	}
	tb.call(`function (find, target, id) {
		var el = (`+find+`)(target);
		if (typeof el === "string") return {OK: false, Why: el};
		el.setAttribute("data-browsertest", id);
		return {OK: true};
	}`, &res, find, target, id)
	if !res.OK {
		tb.t.Fatalf("browsertest: on %s: %s", tb.Path(), res.Why)
	}
	return `[data-browsertest="` + id + `"]`
}

// jsClickable finds a button by its visible text (or a submit input by its
// value), else a link or summary by its text, else the first element a CSS
// selector names.
const jsClickable = `function (target) {
	var norm = function (s) { return (s || "").replace(/\s+/g, " ").trim(); };
	// shown: laid out and not hidden by a closed <details> (whose content
	// keeps its boxes under content-visibility: hidden)
	var shown = function (el) { return el.checkVisibility ? el.checkVisibility() : el.getClientRects().length > 0; };
	var kinds = ["button, input[type=submit], input[type=button], [role=button]", "a[href], summary"];
	for (var k = 0; k < kinds.length; k++) {
		var all = document.querySelectorAll(kinds[k]);
		for (var i = 0; i < all.length; i++) {
			var el = all[i];
			var text = el.tagName === "INPUT" ? el.value : el.innerText;
			if (norm(text) === norm(target) && shown(el)) return el;
		}
	}
	try {
		var el = document.querySelector(target);
		if (el) return el;
	} catch (e) {}
	return "no button or link reads " + JSON.stringify(target) + ", and no element matches it as a selector";
}`

// jsLabelled finds the field a <label> names, through the label's own tie
// (for= or nesting): a label tied to no field is an error. The label's
// text may carry a "(required)" note after the words looked for. Of
// several, the first one shown on the page wins.
const jsLabelled = `function (target) {
	var norm = function (s) { return (s || "").replace(/\s+/g, " ").trim(); };
	// shown: laid out and not hidden by a closed <details> (whose content
	// keeps its boxes under content-visibility: hidden)
	var shown = function (el) { return el.checkVisibility ? el.checkVisibility() : el.getClientRects().length > 0; };
	var labels = document.querySelectorAll("label");
	var found = null;
	for (var i = 0; i < labels.length; i++) {
		var l = labels[i];
		var text = norm(l.innerText || l.textContent);
		var bare = text.replace(/\s*\([^()]*\)\s*$/, "");
		if ((text === norm(target) || bare === norm(target)) && (found === null || shown(l))) {
			found = l;
			if (shown(l)) break;
		}
	}
	if (found === null) return "no label reads " + JSON.stringify(target);
	if (!found.control) return "the label " + JSON.stringify(target) + " is tied to no field (no for= naming one, none inside)";
	return found.control;
}`

// jsField finds a field by its label, else by a CSS selector.
const jsField = `function (target) {
	var el = (` + jsLabelled + `)(target);
	if (typeof el !== "string") return el;
	try {
		var q = document.querySelector(target);
		if (q) return q;
	} catch (e) {}
	return el;
}`

// Click clicks a button or link by its visible text (or an element by a
// CSS selector), waits for the page it loads, and is that page's HTTP
// status. A click that loads no page fails after ActionTimeout: use Press.
func (tb *Tab) Click(target string) int {
	tb.t.Helper()
	sel := tb.mark(jsClickable, target)
	return tb.response("click "+target, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
}

// Press clicks like Click but waits for no page: for what works in place,
// such as opening a <details>.
func (tb *Tab) Press(target string) {
	tb.t.Helper()
	sel := tb.mark(jsClickable, target)
	tb.do("press "+target, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
}

// FillLabel types value into the field whose <label> reads labelText (a
// "(required)" note after it may be left out), after clearing it; a
// <select> takes the option whose text or value is value. Finding the
// field through its label proves the label is tied to it.
func (tb *Tab) FillLabel(labelText, value string) {
	tb.t.Helper()
	sel := tb.mark(jsLabelled, labelText)
	var kind string
	tb.call(`function (sel) { var el = document.querySelector(sel); return el.tagName === "INPUT" ? el.type : el.tagName.toLowerCase(); }`, &kind, sel)
	switch kind {
	case "select":
		var ok bool
		tb.call(`function (sel, v) {
			var el = document.querySelector(sel);
			for (var i = 0; i < el.options.length; i++) {
				var o = el.options[i];
				if (o.value === v || o.text.replace(/\s+/g, " ").trim() === v) {
					el.value = o.value;
					el.dispatchEvent(new Event("input", {bubbles: true}));
					el.dispatchEvent(new Event("change", {bubbles: true}));
					return true;
				}
			}
			return false;
		}`, &ok, sel, value)
		if !ok {
			tb.t.Fatalf("browsertest: the list %q has no option %q", labelText, value)
		}
	case "checkbox", "radio", "file", "submit", "button", "hidden":
		tb.t.Fatalf("browsertest: the field labelled %q is a %s: use Check or SetFiles", labelText, kind)
	default:
		// chromedp.Clear fails on an empty textarea (no text node): clear it in the page
		tb.call(`function (sel) { document.querySelector(sel).value = ""; }`, nil, sel)
		tb.do("fill "+labelText, chromedp.SendKeys(chromedp.CSS(sel), value))
	}
}

// Check ticks the checkbox or radio button whose label reads labelText
// (a click, so it also unticks a ticked checkbox).
func (tb *Tab) Check(labelText string) {
	tb.t.Helper()
	sel := tb.mark(jsLabelled, labelText)
	tb.do("check "+labelText, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
}

// SetFiles chooses files (paths on this machine) in the file field that
// a label names, or that a CSS selector finds.
func (tb *Tab) SetFiles(field string, paths ...string) {
	tb.t.Helper()
	sel := tb.mark(jsField, field)
	tb.do("choose files for "+field, chromedp.SetUploadFiles(chromedp.CSS(sel), paths))
}

// Text is the visible text of the first element a CSS selector finds;
// it fails the test when there is none.
func (tb *Tab) Text(selector string) string {
	tb.t.Helper()
	var res struct {
		OK   bool
		Text string
	}
	tb.call(`function (sel) {
		var el = document.querySelector(sel);
		return el ? {OK: true, Text: el.innerText} : {OK: false};
	}`, &res, selector)
	if !res.OK {
		tb.t.Fatalf("browsertest: no element %s on %s", selector, tb.Path())
	}
	return res.Text
}

// Count is the number of elements a CSS selector finds.
func (tb *Tab) Count(selector string) int {
	tb.t.Helper()
	var n int
	tb.call(`function (sel) { return document.querySelectorAll(sel).length; }`, &n, selector)
	return n
}

// Lang is the language of the page (<html lang>).
func (tb *Tab) Lang() string {
	tb.t.Helper()
	var l string
	tb.Eval(`document.documentElement.lang`, &l)
	return l
}

// Cookies are the tab's cookies for its site.
func (tb *Tab) Cookies() []*network.Cookie {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, ActionTimeout)
	defer cancel()
	res, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{tb.base + "/"}})
	if err != nil {
		tb.t.Fatalf("browsertest: read cookies: %v", err)
	}
	return res.Cookies
}

// Cookie is the value of the tab's cookie name, "" when none.
func (tb *Tab) Cookie(name string) string {
	tb.t.Helper()
	for _, c := range tb.Cookies() {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// SetCookie sets a cookie for the tab's site, as a page or a script might.
func (tb *Tab) SetCookie(name, value string) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, ActionTimeout)
	defer cancel()
	if _, err := chromedp.Call(ctx, network.SetCookie, network.SetCookieParams{Name: name, Value: value,
		URL: tb.base + "/", Path: "/"}); err != nil {
		tb.t.Fatalf("browsertest: set cookie %s: %v", name, err)
	}
}

// Download follows the link a text or CSS selector names (as Click finds
// it) the way the browser would, with the tab's cookies, and is the file
// it gives: its name (from Content-Disposition, else the link's last path
// segment) and its bytes. A status other than 200 fails the test.
func (tb *Tab) Download(target string) (name string, body []byte) {
	tb.t.Helper()
	sel := tb.mark(jsClickable, target)
	var res struct {
		Status      int
		Disposition string
		URL         string
		Body        []byte // base64 in JSON
	}
	tb.call(`function (sel) {
		var el = document.querySelector(sel);
		var href = el.href || el.getAttribute("formaction") || (el.form && el.form.action);
		return fetch(href, {credentials: "same-origin"}).then(function (r) {
			return r.arrayBuffer().then(function (buf) {
				var bytes = new Uint8Array(buf), bin = "";
				for (var i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
				return {Status: r.status, Disposition: r.headers.get("Content-Disposition") || "", URL: r.url, Body: btoa(bin)};
			});
		});
	}`, &res, sel)
	if res.Status != 200 {
		tb.t.Fatalf("browsertest: download %s from %s: status %d", target, res.URL, res.Status)
	}
	return fileName(res.Disposition, res.URL), res.Body
}

// fileName is the file name a Content-Disposition header gives, else the
// last segment of the address's path.
func fileName(disposition, address string) string {
	if _, params, err := mime.ParseMediaType(disposition); err == nil && params["filename"] != "" {
		return params["filename"]
	}
	if u, err := url.Parse(address); err == nil {
		return path.Base(u.Path)
	}
	return ""
}
