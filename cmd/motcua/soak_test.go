package main

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/motcua/motcua/config"
	"github.com/motcua/motcua/models/modelstest"
	"github.com/motcua/motcua/soak"
)

// shortSoak is a soak of a few seconds with 2 s windows, on the composed
// server over a fresh PostgreSQL schema, wrapped by wrap.
func shortSoak(t *testing.T, d time.Duration, wrap func(http.Handler) http.Handler) (*soak.Result, string) {
	t.Helper()
	db := modelstest.Postgres(t)
	var out bytes.Buffer
	run := soak.Config{Clients: 4, Duration: d, Window: 2 * time.Second, WarmUp: 2 * time.Second,
		SweepEvery: time.Second, Procedure: "construction-permit", Variant: "new", Seed: 1}
	res, err := runSoak(context.Background(), config.Default(), db, run, wrap, &out)
	if err != nil {
		t.Fatalf("soak: %v\n%s", err, out.String())
	}
	t.Log(out.String())
	return res, out.String()
}

// TestSoakHoldsUp: a short soak reports a line per window with every
// figure, runs the three kinds of operation and the sweeps, moves
// dossiers through the whole workflow with legal events, and passes.
func TestSoakHoldsUp(t *testing.T) {
	res, out := shortSoak(t, 8*time.Second, nil)
	if raceEnabled {
		// The race detector's shadow memory grows with every new address
		// the run touches: the RSS of a few seconds under -race says
		// nothing of the server's.
		res.MaxGrowth = 0.5
	}
	if err := res.Check(); err != nil {
		t.Fatalf("a clean run fails: %v", err)
	}
	if n := strings.Count(out, " req/s  p50 "); n < 4 {
		t.Errorf("%d window lines, want at least 4", n)
	}
	for _, w := range res.Windows {
		if w.Requests == 0 || w.P50 <= 0 || w.P99 < w.P50 || w.P999 < w.P99 || w.RSS <= 0 || w.Goroutines <= 0 ||
			w.OpenConns <= 0 {
			t.Errorf("window missing a figure: %+v", w)
		}
	}
	if _, _, ok := res.Growth(); !ok {
		t.Error("growth not judged over 8 s with a 2 s warm-up")
	}
	if res.Sweeps < 3 {
		t.Errorf("%d sweeps in 8 s, one a second", res.Sweeps)
	}
	for _, op := range []string{"read", "event", "submit"} {
		if res.Ops[op] == 0 {
			t.Errorf("no %s operation: %v", op, res.Ops)
		}
	}
	ops := res.Ops["read"] + res.Ops["event"] + res.Ops["submit"]
	if ops < 500 {
		// Under -race on a loaded machine a run of 8 s makes some 100
		// operations: too few to judge the mix or to reach every kind.
		t.Logf("%d operations: the mix and the kinds are not judged", ops)
		return
	}
	if reads := float64(res.Ops["read"]) / float64(ops); reads < 0.6 || reads > 0.8 {
		t.Errorf("reads are %.0f %% of the operations, want about 70 %%", 100*reads)
	}
	for _, k := range []string{"api event receive", "api event assign", "api event propose", "api event approve",
		"api event return_result", "api tracking", "page dossier", "page dashboard", "api report"} {
		if res.Kinds[k].Requests == 0 {
			t.Errorf("no %q request: %v", k, res.Kinds)
		}
	}
}

// TestSoakFailsOnInjectedErrors: one request in a hundred answered 500 by
// the server (1 %, ten times the limit) fails the run, naming the rate.
func TestSoakFailsOnInjectedErrors(t *testing.T) {
	var n atomic.Int64
	res, _ := shortSoak(t, 6*time.Second, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if n.Add(1)%100 == 0 { // the preparation makes fewer than 100 requests
				http.Error(w, `{"error":{"code":"injected"}}`, http.StatusInternalServerError)
				return
			}
			h.ServeHTTP(w, r)
		})
	})
	err := res.Check()
	if err == nil || !strings.Contains(err.Error(), "error rate") || !strings.Contains(err.Error(), "500") {
		t.Fatalf("1 %% of requests failing: %v", err)
	}
	if res.Errors > res.Requests/100+1 { // the preparation's requests count for the injection, not the run
		t.Errorf("%d errors in %d requests: more than the 1 %% injected", res.Errors, res.Requests)
	}
	t.Log(err)
}

// TestSoakFailsOnLeak: a server that leaks a goroutine on every request
// fails the run on goroutine growth after the warm-up (at any throughput:
// a loaded machine under -race serves some 15 requests a second).
func TestSoakFailsOnLeak(t *testing.T) {
	stop := make(chan struct{})
	defer close(stop)
	// 12 s: the baseline (2–4 s) already holds the preparation's leaks, so
	// the growth to the last window (10–12 s) is some 75 % at 15 requests
	// a second, and more the faster the server.
	res, _ := shortSoak(t, 12*time.Second, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			go func() { <-stop }()
			h.ServeHTTP(w, r)
		})
	})
	err := res.Check()
	if err == nil || !strings.Contains(err.Error(), "goroutines grew") {
		t.Fatalf("a goroutine leaked on every request: %v", err)
	}
	t.Log(err)
}
