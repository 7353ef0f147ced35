// Package soak runs a long mixed workload against a running motcua server
// (the API and the pages over HTTP) and judges whether it holds up: 70 %
// reads, 25 % workflow events, 5 % submits, with a sweep every few seconds.
// Every window (30 s by default) it prints throughput, latency percentiles,
// errors, the process's RSS, its goroutines and the database pool's open
// connections; at the end it fails on an error rate above 0.1 % or on RSS or
// goroutine growth above 20 % after the warm-up.
//
// The package knows HTTP only: the caller (cmd/motcua's `soak`) builds the
// server, seeds its accounts and hands over the sweep and the pool's
// statistics as functions.
package soak

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"sync"
	"time"
)

// Config is one soak run.
type Config struct {
	// BaseURL is the server, e.g. http://127.0.0.1:8080 (no trailing slash).
	BaseURL string
	// Board is the code of the board whose demo accounts drive the load
	// (<board>.officer, <board>.leader, <board>.investor).
	Board string
	// Password is the demo accounts' password.
	Password string
	// Procedure, Variant and Documents are what the submits file: the
	// procedure, its variant and the codes of the documents uploaded with
	// each (the required ones, so that the desk can receive it).
	Procedure, Variant string
	Documents          []string
	// Clients is the number of concurrent clients.
	Clients int
	// Duration is how long the load runs.
	Duration time.Duration
	// Window is how often a line is printed (30 s by default).
	Window time.Duration
	// WarmUp is the time after the start whose windows are not compared
	// for growth (60 s by default): the baseline is the first window that
	// starts at or after it.
	WarmUp time.Duration
	// SweepEvery is how often Sweep runs (10 s by default).
	SweepEvery time.Duration
	// Sweep raises the deadline alerts as of now (nil: no sweep).
	Sweep func(ctx context.Context, now time.Time) error
	// DBStats reads the server's database pool (nil: not reported).
	DBStats func() sql.DBStats
	// MaxErrorRate is the highest error rate that passes (0.001 by default).
	MaxErrorRate float64
	// MaxGrowth is the highest RSS or goroutine growth that passes, from
	// the baseline window to the last one (0.20 by default).
	MaxGrowth float64
	// Seed makes the clients' choices repeatable.
	Seed uint64
	// Out receives the lines.
	Out io.Writer
}

// Defaults of Config.
const (
	DefaultWindow       = 30 * time.Second
	DefaultWarmUp       = 60 * time.Second
	DefaultSweepEvery   = 10 * time.Second
	DefaultMaxErrorRate = 0.001
	DefaultMaxGrowth    = 0.20
)

// withDefaults fills the zero fields of c.
func (c Config) withDefaults() Config {
	if c.Window <= 0 {
		c.Window = DefaultWindow
	}
	if c.WarmUp < 0 {
		c.WarmUp = 0
	} else if c.WarmUp == 0 {
		c.WarmUp = DefaultWarmUp
	}
	if c.SweepEvery <= 0 {
		c.SweepEvery = DefaultSweepEvery
	}
	if c.MaxErrorRate <= 0 {
		c.MaxErrorRate = DefaultMaxErrorRate
	}
	if c.MaxGrowth <= 0 {
		c.MaxGrowth = DefaultMaxGrowth
	}
	if c.Out == nil {
		c.Out = io.Discard
	}
	return c
}

func (c Config) validate() error {
	switch {
	case c.BaseURL == "" || c.Board == "":
		return errors.New("soak: the server's URL and the board are required")
	case c.Clients < 1:
		return errors.New("soak: clients must be at least 1")
	case c.Duration <= 0:
		return errors.New("soak: the duration must be positive")
	case c.Procedure == "" || c.Variant == "":
		return errors.New("soak: the submits' procedure and variant are required")
	}
	return nil
}

// Run prepares the accounts and a few dossiers per client, then runs the
// load for cfg.Duration, printing a line per window and a summary. Its
// error is a harness failure (the server could not be signed in to); the
// verdict on the run is Result.Check.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	h, err := newHarness(ctx, cfg)
	if err != nil {
		return nil, err
	}
	defer h.tr.CloseIdleConnections()
	fmt.Fprintf(cfg.Out, "soak: %d clients for %s against %s (board %s), a line every %s, warm-up %s, sweep every %s\n",
		cfg.Clients, cfg.Duration, cfg.BaseURL, cfg.Board, cfg.Window, cfg.WarmUp, cfg.SweepEvery)
	return h.run(ctx), nil
}

// harness is one run's shared state: the sessions, the dossiers, the
// recorder.
type harness struct {
	cfg     Config
	tr      *http.Transport
	api     *http.Client
	tokens  map[string]string       // API bearer tokens by role
	pages   map[string]*http.Client // signed-in page clients by role
	public  *http.Client
	rec     *recorder
	mu      sync.Mutex
	codes   []string    // every dossier the run knows, for reads
	tracked [][2]string // code and PIN of received dossiers, for public tracking
	sweeps  sweepStats
}

// roles whose accounts the load uses.
var roles = []string{"investor", "officer", "leader"}

func newHarness(ctx context.Context, cfg Config) (*harness, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = 4 * cfg.Clients
	tr.MaxIdleConnsPerHost = 4 * cfg.Clients
	h := &harness{cfg: cfg, tr: tr, api: &http.Client{Transport: tr, Timeout: time.Minute},
		public: &http.Client{Transport: tr, Timeout: time.Minute}, tokens: map[string]string{},
		pages: map[string]*http.Client{}, rec: newRecorder()}
	for _, r := range roles {
		user := accountName(cfg.Board, r)
		tok, err := h.apiLogin(ctx, user)
		if err != nil {
			return nil, err
		}
		h.tokens[r] = tok
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Transport: tr, Jar: jar, Timeout: time.Minute}
		if err := h.pageLogin(ctx, c, user); err != nil {
			return nil, err
		}
		h.pages[r] = c
	}
	return h, nil
}

// run starts the clients, the sweeps and the windows, waits for the
// duration and returns what was measured.
func (h *harness) run(ctx context.Context) *Result {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	clients := make([]*client, h.cfg.Clients)
	for i := range clients {
		clients[i] = &client{h: h, rng: rand.New(rand.NewPCG(h.cfg.Seed, uint64(i)))}
		clients[i].prepare(ctx)
	}
	h.rec.reset()
	start := time.Now()
	deadline := start.Add(h.cfg.Duration)
	var wg sync.WaitGroup
	for _, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.loop(ctx, deadline)
		}()
	}
	sweepDone := make(chan struct{})
	go func() {
		defer close(sweepDone)
		h.sweepLoop(ctx, deadline)
	}()
	res := &Result{Start: start}
	h.windows(ctx, res, start, deadline)
	wg.Wait()
	<-sweepDone
	if w, ok := h.rec.window(time.Since(start), h.cfg.DBStats); ok && w.Requests > 0 {
		w.Partial = true
		res.Windows = append(res.Windows, w)
		h.printWindow(w)
	}
	res.finish(h)
	res.Print(h.cfg.Out)
	return res
}

// windows prints one line per window until the deadline.
func (h *harness) windows(ctx context.Context, res *Result, start, deadline time.Time) {
	t := time.NewTicker(h.cfg.Window)
	defer t.Stop()
	for {
		if time.Until(deadline) < h.cfg.Window/2 {
			return // the rest is a partial window, taken after the clients stop
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		w, _ := h.rec.window(time.Since(start), h.cfg.DBStats)
		res.Windows = append(res.Windows, w)
		h.printWindow(w)
	}
}

// sweepStats counts the sweeps run and failed.
type sweepStats struct {
	mu     sync.Mutex
	runs   int
	failed []string
	total  time.Duration
}

// sweepLoop runs the sweep every SweepEvery until the deadline.
func (h *harness) sweepLoop(ctx context.Context, deadline time.Time) {
	if h.cfg.Sweep == nil {
		return
	}
	t := time.NewTicker(h.cfg.SweepEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			if now.After(deadline) {
				return
			}
			t0 := time.Now()
			err := h.cfg.Sweep(ctx, now)
			h.sweeps.mu.Lock()
			h.sweeps.runs++
			h.sweeps.total += time.Since(t0)
			if err != nil && len(h.sweeps.failed) < 3 {
				h.sweeps.failed = append(h.sweeps.failed, err.Error())
			}
			h.sweeps.mu.Unlock()
		}
	}
}

// addCode remembers a dossier for the reads.
func (h *harness) addCode(code string) {
	h.mu.Lock()
	h.codes = append(h.codes, code)
	h.mu.Unlock()
}

// addTracked remembers a received dossier's code and PIN for public
// tracking (the first few hundred are enough).
func (h *harness) addTracked(code, pin string) {
	h.mu.Lock()
	if len(h.tracked) < 500 {
		h.tracked = append(h.tracked, [2]string{code, pin})
	}
	h.mu.Unlock()
}

// anyCode is a random known dossier, "" when none.
func (h *harness) anyCode(rng *rand.Rand) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.codes) == 0 {
		return ""
	}
	return h.codes[rng.IntN(len(h.codes))]
}

// anyTracked is a random received dossier's code and PIN.
func (h *harness) anyTracked(rng *rand.Rand) ([2]string, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.tracked) == 0 {
		return [2]string{}, false
	}
	return h.tracked[rng.IntN(len(h.tracked))], true
}

// accountName is the demo account of role on board: hbi.officer.
func accountName(board, role string) string {
	b := []byte(board)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b) + "." + role
}
