package browsertest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// AxeSkipLine is what the accessibility check says when it skips for
// want of axe-core.
const AxeSkipLine = "SKIP axe checks: axe-core not installed (npm ci --prefix web/testdata/axe; needs npm); " +
	"set MOTCUA_REQUIRE_BROWSER=1 to fail instead"

// AxeTags are the rule sets axe runs: WCAG 2.0 and 2.1, levels A and AA,
// and axe's best practices.
var AxeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"}

// MaxShotHeight caps a screenshot's height, in pixels.
const MaxShotHeight = 2400

// maxFocusStops bounds the walk of FocusVisible through a page.
const maxFocusStops = 200

// NoHorizontalScroll fails the test when the page is wider than the
// viewport (document.documentElement.scrollWidth past clientWidth), and
// names the elements that stick out.
func (tb *Tab) NoHorizontalScroll() {
	tb.t.Helper()
	var res struct {
		Scroll, Width float64
		Culprits      []string
	}
	tb.Eval(`(function () {
		var de = document.documentElement, w = de.clientWidth;
		var out = {Scroll: de.scrollWidth, Width: w, Culprits: []};
		if (de.scrollWidth <= w) return out;
		var all = document.body.querySelectorAll("*");
		var wide = function (el) {
			var r = el.getBoundingClientRect();
			if (r.width > 0 && r.right > w + 0.5) return true;
			// text that does not wrap sticks out of a box that fits
			return el.scrollWidth > el.clientWidth + 1 && r.left + el.scrollWidth > w + 0.5 && getComputedStyle(el).overflowX === "visible";
		};
		for (var i = 0; i < all.length && out.Culprits.length < 8; i++) {
			var el = all[i];
			if (!wide(el)) continue;
			var inner = false;
			for (var j = 0; j < el.children.length; j++) if (wide(el.children[j])) { inner = true; break; }
			if (!inner) out.Culprits.push(`+jsDescribe+`(el) + " reaches " + Math.round(Math.max(el.getBoundingClientRect().right, el.getBoundingClientRect().left + el.scrollWidth)) + " px");
		}
		return out;
	})()`, &res)
	if res.Scroll > res.Width {
		tb.t.Errorf("browsertest: %s at %d px scrolls sideways: %.0f px of content in %.0f px; too wide: %s",
			tb.Path(), tb.Width(), res.Scroll, res.Width, strings.Join(res.Culprits, "; "))
	}
}

// jsDescribe names an element for a message: tag, id, classes and the
// start of its text.
const jsDescribe = `function (el) {
	var d = el.tagName.toLowerCase();
	if (el.id) d += "#" + el.id;
	if (typeof el.className === "string" && el.className.trim()) d += "." + el.className.trim().split(/\s+/).join(".");
	var text = (el.innerText || el.value || el.getAttribute("aria-label") || "").replace(/\s+/g, " ").trim();
	if (text) d += " \"" + text.slice(0, 40) + "\"";
	return d;
}`

// focusStop is where one press of Tab put the focus.
type focusStop struct {
	None    bool // the focus left the page
	Key     string
	Desc    string
	Shown   bool // an outline or a box shadow is drawn
	OnPage  bool // inside the page's box, not pushed off it
	Outline string
}

// FocusVisible walks the page with the Tab key from its start, as a
// keyboard user does, and fails the test for every element that takes the
// focus without a visible outline or box shadow (getComputedStyle), or
// that sits off the page while focused. It also fails when nothing takes
// the focus at all.
func (tb *Tab) FocusVisible() {
	tb.t.Helper()
	// start from the top of the page: focus a scratch element put first,
	// then take it away once the focus has moved on
	tb.Eval(`(function () {
		if (document.activeElement) document.activeElement.blur();
		var s = document.createElement("span");
		s.id = "browsertest-start"; s.tabIndex = -1;
		document.body.insertBefore(s, document.body.firstChild);
		s.focus();
		return true;
	})()`, nil)
	seen := map[string]bool{}
	var bad []string
	for i := 0; i < maxFocusStops; i++ {
		tb.do("press Tab", chromedp.KeyEvent(kb.Tab))
		var f focusStop
		tb.Eval(jsFocused, &f)
		if f.None || seen[f.Key] {
			break
		}
		seen[f.Key] = true
		switch {
		case !f.OnPage:
			bad = append(bad, f.Desc+": focused off the page")
		case !f.Shown:
			bad = append(bad, f.Desc+": no visible focus ("+f.Outline+")")
		}
	}
	tb.Eval(`(function () {
		var s = document.getElementById("browsertest-start");
		if (s) s.remove();
		if (document.activeElement) document.activeElement.blur();
		window.scrollTo(0, 0);
		return true;
	})()`, nil)
	if len(seen) == 0 {
		tb.t.Errorf("browsertest: %s: nothing takes the keyboard focus", tb.Path())
	}
	if len(bad) > 0 {
		tb.t.Errorf("browsertest: %s at %d px, keyboard focus not visible on:\n  %s", tb.Path(), tb.Width(),
			strings.Join(bad, "\n  "))
	}
}

// jsFocused describes the focused element and whether its focus shows.
const jsFocused = `(function () {
	var el = document.activeElement;
	if (!el || el === document.body || el === document.documentElement) return {None: true};
	var s = document.getElementById("browsertest-start");
	if (s && el !== s) s.remove();
	var key = [];
	for (var n = el; n && n.parentElement; n = n.parentElement) {
		key.unshift(n.tagName + ":" + Array.prototype.indexOf.call(n.parentElement.children, n));
	}
	var cs = getComputedStyle(el);
	var ow = parseFloat(cs.outlineWidth) || 0;
	var clear = /^(transparent|rgba\(\d+, \d+, \d+, 0\))$/;
	var outline = cs.outlineStyle !== "none" && ow > 0 && !clear.test(cs.outlineColor);
	var shadow = !!cs.boxShadow && cs.boxShadow !== "none";
	var r = el.getBoundingClientRect();
	var doc = document.documentElement;
	var onPage = r.width > 0 && r.height > 0 && r.right + window.scrollX > 0 && r.bottom + window.scrollY > 0 &&
		r.left + window.scrollX < doc.scrollWidth;
	return {Key: key.join("/"), Desc: (` + jsDescribe + `)(el), Shown: outline || shadow, OnPage: onPage,
		Outline: "outline " + cs.outlineStyle + " " + cs.outlineWidth + " " + cs.outlineColor + ", box-shadow " + cs.boxShadow};
})()`

// Violation is one rule axe found broken on a page.
type Violation struct {
	ID     string
	Impact string
	Help   string
	Nodes  []ViolationNode
}

// ViolationNode is an element that breaks a rule.
type ViolationNode struct {
	Target  string
	Summary string
}

// axeScript is axe-core's source, read once.
var axeScript = sync.OnceValues(func() (string, error) {
	b, err := os.ReadFile(AxePath())
	return string(b), err
})

// axeSkipOnce says AxeSkipLine once a process.
var axeSkipOnce sync.Once

// AxePath is where axe-core's script is: MOTCUA_AXE_JS, or
// web/testdata/axe/node_modules/axe-core/axe.min.js of this source tree
// (npm ci --prefix web/testdata/axe puts it there).
func AxePath() string {
	if p := os.Getenv("MOTCUA_AXE_JS"); p != "" {
		return p
	}
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return filepath.Join("testdata", "axe", "node_modules", "axe-core", "axe.min.js")
	}
	return filepath.Join(filepath.Dir(file), "..", "testdata", "axe", "node_modules", "axe-core", "axe.min.js")
}

// Axe runs axe-core on the page (rule sets AxeTags) and fails the test on
// every violation of serious or critical impact, with the rule, its help
// and the elements at fault; it returns all the violations, the moderate
// and minor ones too. Without axe-core it skips with AxeSkipLine (the
// rest of the test goes on), or fails when MOTCUA_REQUIRE_BROWSER=1.
func (tb *Tab) Axe() []Violation {
	tb.t.Helper()
	src, err := axeScript()
	if err != nil {
		if Required() {
			tb.t.Fatalf("browsertest: axe-core is missing and %s=1: %v (npm ci --prefix web/testdata/axe)", requireEnv, err)
		}
		axeSkipOnce.Do(func() { tb.t.Log(AxeSkipLine) })
		return nil
	}
	var loaded bool
	tb.Eval(`typeof window.axe === "object"`, &loaded)
	if !loaded {
		tb.do("load axe-core", chromedp.Evaluate[chromedp.Void](src))
	}
	var vs []Violation
	tb.call(`function (tags) {
		return axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]}).then(function (r) {
			return r.violations.map(function (v) {
				return {ID: v.id, Impact: v.impact || "", Help: v.help, Nodes: v.nodes.map(function (n) {
					return {Target: n.target.map(String).join(" "), Summary: (n.failureSummary || "").replace(/\s+/g, " ")};
				})};
			});
		});
	}`, &vs, AxeTags)
	var bad []string
	for _, v := range vs {
		if v.Impact != "serious" && v.Impact != "critical" {
			tb.t.Logf("axe on %s at %d px (%s, not failing): %s: %s (%d elements)", tb.Path(), tb.Width(), v.Impact, v.ID,
				v.Help, len(v.Nodes))
			continue
		}
		var nodes []string
		for _, n := range v.Nodes {
			nodes = append(nodes, n.Target+" — "+n.Summary)
		}
		bad = append(bad, fmt.Sprintf("[%s] %s: %s\n      %s", v.Impact, v.ID, v.Help, strings.Join(nodes, "\n      ")))
	}
	if len(bad) > 0 {
		tb.t.Errorf("browsertest: axe on %s (%s) at %d px:\n  %s", tb.Path(), tb.Lang(), tb.Width(), strings.Join(bad, "\n  "))
	}
	return vs
}

// ScreenshotPNG is a PNG of the whole page, as wide as the viewport and
// at most MaxShotHeight high, without a focus ring.
func (tb *Tab) ScreenshotPNG() []byte {
	tb.t.Helper()
	var h float64
	tb.Eval(`(function () {
		if (document.activeElement) document.activeElement.blur();
		return Math.max(document.documentElement.scrollHeight, document.body ? document.body.scrollHeight : 0);
	})()`, &h)
	h = min(h, MaxShotHeight)
	w := float64(tb.Width())
	ctx, cancel := context.WithTimeout(tb.ctx, ActionTimeout)
	defer cancel()
	res, err := chromedp.Call(ctx, page.CaptureScreenshot, page.CaptureScreenshotParams{Format: page.CaptureScreenshotFormatPng,
		Clip: &page.Viewport{Width: w, Height: h, Scale: 1}, CaptureBeyondViewport: new(true)})
	if err != nil {
		tb.t.Fatalf("browsertest: screenshot of %s: %v", tb.Path(), err)
	}
	return res.Data
}

// Screenshot writes ScreenshotPNG to path, making its folder.
func (tb *Tab) Screenshot(path string) {
	tb.t.Helper()
	png := tb.ScreenshotPNG()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		tb.t.Fatal(err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		tb.t.Fatal(err)
	}
}

// ScreenshotDir is where `make screenshots` wants the pictures: the folder
// MOTCUA_SCREENSHOTS names (a relative one from the module's root), or ""
// when it is not set and no screenshot is taken.
func ScreenshotDir() string {
	dir := os.Getenv("MOTCUA_SCREENSHOTS")
	if dir == "" || filepath.IsAbs(dir) {
		return dir
	}
	return filepath.Join(moduleRoot(), dir)
}

// moduleRoot is the folder of go.mod above the working directory (the
// working directory itself when there is none).
func moduleRoot() string {
	wd, err := os.Getwd()
	if err != nil {
		return "."
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			return wd
		}
	}
}
