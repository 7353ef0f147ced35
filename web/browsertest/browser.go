// Package browsertest drives Debian's Chromium for the web application's
// end-to-end tests, through chromedp: a headless browser shared by the
// tests of one process, a tab per test in a browser context of its own (no
// cookies shared), and the checks every page must pass: axe-core finds no
// serious or critical accessibility violation, a 375-px phone screen does
// not scroll sideways, and keyboard focus is always visible. It also takes
// the screenshots of `make screenshots` and decodes a QR code from one.
//
// Where Chromium is not installed the tests skip with one loud line, unless
// MOTCUA_REQUIRE_BROWSER=1 (CI sets it), when they fail.
package browsertest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// SkipLine is what a browser test says when it skips for want of Chromium.
const SkipLine = "SKIP browser tests: chromium not installed (apt-get install chromium); " +
	"set MOTCUA_REQUIRE_BROWSER=1 to fail instead"

// requireEnv, set to 1, turns every skip of this package into a failure.
const requireEnv = "MOTCUA_REQUIRE_BROWSER"

// startTimeout bounds the start of the browser and the opening of a tab;
// ActionTimeout bounds every action a tab runs, so that a hung browser
// fails the test at hand rather than the whole suite.
const (
	startTimeout  = 60 * time.Second
	ActionTimeout = 30 * time.Second
)

// Required tells whether a missing browser or axe-core must fail the tests
// (MOTCUA_REQUIRE_BROWSER=1) rather than skip them.
func Required() bool { return os.Getenv(requireEnv) == "1" }

// ExecPath is Chromium's path: MOTCUA_CHROMIUM when set, else
// /usr/bin/chromium, else chromium on PATH; "" when there is none.
func ExecPath() string {
	if p := os.Getenv("MOTCUA_CHROMIUM"); p != "" {
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		}
		return ""
	}
	if st, err := os.Stat("/usr/bin/chromium"); err == nil && !st.IsDir() {
		return "/usr/bin/chromium"
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	return ""
}

// Browser is a headless Chromium shared by the tests that use it at the
// same time; it closes when the last of them ends.
type Browser struct {
	ctx    context.Context // the browser's chromedp context
	cancel context.CancelFunc
	refs   int
}

// shared is the process's browser, while a test uses it.
var shared struct {
	sync.Mutex
	b *Browser
}

// Start is the browser for test t, started when no running test holds
// one. Without Chromium t skips with SkipLine, or fails when
// MOTCUA_REQUIRE_BROWSER=1.
func Start(t testing.TB) *Browser {
	t.Helper()
	path := ExecPath()
	if path == "" {
		if Required() {
			t.Fatalf("browser tests: chromium is not installed (apt-get install chromium) and %s=1", requireEnv)
		}
		t.Skip(SkipLine)
	}
	shared.Lock()
	defer shared.Unlock()
	if shared.b == nil {
		b, err := launch(path)
		if err != nil {
			t.Fatalf("browsertest: %v", err)
		}
		shared.b = b
	}
	b := shared.b
	b.refs++
	t.Cleanup(func() { b.release() })
	return b
}

// release drops a test's hold on the browser and closes it after the last.
func (b *Browser) release() {
	shared.Lock()
	defer shared.Unlock()
	if b.refs--; b.refs == 0 {
		b.cancel()
		if shared.b == b {
			shared.b = nil
		}
	}
}

// launch starts Chromium headless with the flags this closed network
// needs (no background networking, no component updates, no QUIC), in a
// fresh profile directory that chromedp makes and removes.
func launch(path string) (*Browser, error) {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelBrowser := chromedp.NewContext(allocCtx)
	cancel := func() { cancelBrowser(); cancelAlloc() }
	// the first Do starts the browser and binds it to ctx, which must have
	// no deadline; the wait for it is bounded here instead
	if err := within(startTimeout, func() error { return chromedp.Do(ctx) }); err != nil {
		cancel()
		return nil, fmt.Errorf("start chromium %s: %w", path, err)
	}
	return &Browser{ctx: ctx, cancel: cancel}, nil
}

// errTimeout is what within returns when f did not finish in time.
var errTimeout = errors.New("timed out")

// within runs f and waits for it at most d.
func within(d time.Duration, f func() error) error {
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		return err
	case <-time.After(d):
		return fmt.Errorf("%w after %s", errTimeout, d)
	}
}
