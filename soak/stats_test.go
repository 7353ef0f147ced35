package soak

import (
	"strings"
	"testing"
	"time"
)

// TestParseVmRSS: the resident set is read from /proc/<pid>/status in
// bytes; this process has one.
func TestParseVmRSS(t *testing.T) {
	status := []byte("Name:\tmotcua\nVmPeak:\t  999 kB\nVmRSS:\t   51234 kB\nThreads:\t9\n")
	if got := parseVmRSS(status); got != 51234*1024 {
		t.Errorf("VmRSS: %d", got)
	}
	if got := parseVmRSS([]byte("Name:\tx\n")); got != 0 {
		t.Errorf("no VmRSS line: %d", got)
	}
	if rss() <= 0 {
		t.Error("this process's RSS is not read")
	}
}

// TestPercentile: nearest rank over sorted samples.
func TestPercentile(t *testing.T) {
	var s []time.Duration
	for i := 1; i <= 1000; i++ {
		s = append(s, time.Duration(i)*time.Millisecond)
	}
	for p, want := range map[float64]time.Duration{50: 500 * time.Millisecond, 99: 990 * time.Millisecond,
		99.9: 999 * time.Millisecond, 100: time.Second} {
		if got := percentile(s, p); got != want {
			t.Errorf("p%v: %s, want %s", p, got, want)
		}
	}
	if percentile(nil, 99) != 0 {
		t.Error("empty: not 0")
	}
}

// result is a run of windows of 30 s each, every one with n requests and
// the given errors in all, RSS (MB) and goroutines.
func result(n, errs int64, rssMB []int64, goroutines []int) *Result {
	r := &Result{WarmUp: 60 * time.Second, MaxErrorRate: DefaultMaxErrorRate, MaxGrowth: DefaultMaxGrowth}
	for i := range rssMB {
		w := Window{Start: time.Duration(i) * 30 * time.Second, End: time.Duration(i+1) * 30 * time.Second,
			Requests: n, RSS: rssMB[i] << 20, Goroutines: goroutines[i]}
		r.Windows = append(r.Windows, w)
		r.Requests += n
	}
	r.Errors = errs
	r.Baseline, r.Last = growthWindows(r.Windows, r.WarmUp)
	return r
}

// TestCheck: the verdict passes a steady run, and fails, naming the limit,
// on errors above 0.1 %, on RSS or goroutines growing more than 20 % from
// the first window after the warm-up to the last one. The warm-up's
// windows, however high or low, are not compared.
func TestCheck(t *testing.T) {
	steady := []int64{40, 70, 100, 104, 110, 118}
	g := []int{20, 90, 100, 100, 101, 119}
	if err := result(10000, 60, steady, g).Check(); err != nil {
		t.Errorf("steady run (0.1 %% errors, +18 %% RSS, +19 %% goroutines): %v", err)
	}
	for _, c := range []struct {
		name       string
		errs       int64
		rss        []int64
		goroutines []int
		want       string
	}{
		{"errors", 61, steady, g, "error rate 0.102 % (61 of 60000 requests) is above 0.100 %"},
		{"RSS", 0, []int64{40, 70, 100, 104, 110, 121}, g, "RSS grew 21.0 %"},
		{"goroutines", 0, steady, []int{20, 90, 100, 100, 101, 121}, "goroutines grew 21.0 %"},
	} {
		err := result(10000, c.errs, c.rss, c.goroutines).Check()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
	r := result(10000, 0, []int64{40, 100}, []int{20, 100})
	if _, _, ok := r.Growth(); ok || r.Check() != nil {
		t.Errorf("one window after the warm-up: growth judged (%d, %d) or failed: %v", r.Baseline, r.Last, r.Check())
	}
	if err := (&Result{MaxErrorRate: DefaultMaxErrorRate}).Check(); err == nil {
		t.Error("a run with no request passes")
	}
}

// TestHistogram: a kind's percentiles from the logarithmic buckets are
// within 5 % above the exact ones.
func TestHistogram(t *testing.T) {
	var h histogram
	var exact []time.Duration
	for i := 1; i <= 10000; i++ {
		d := time.Duration(i) * 37 * time.Microsecond
		h.add(d)
		exact = append(exact, d)
	}
	for _, p := range []float64{50, 99, 99.9} {
		want, got := percentile(exact, p), h.quantile(p)
		if got < want || float64(got) > 1.05*float64(want) {
			t.Errorf("p%v: %s, exact %s", p, got, want)
		}
	}
	var empty histogram
	if empty.quantile(50) != 0 {
		t.Error("empty: not 0")
	}
	h.add(time.Hour) // beyond the last bucket: counted in it
	if h.n != 10001 || h.counts[histBuckets-1] != 1 {
		t.Errorf("an hour: %d in the last bucket", h.counts[histBuckets-1])
	}
}
