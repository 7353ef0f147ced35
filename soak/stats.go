package soak

import (
	"bufio"
	"bytes"
	"database/sql"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// recorder collects every request's latency and outcome: the current
// window's exact samples, and the run's totals by kind.
type recorder struct {
	mu        sync.Mutex
	since     time.Duration // the current window's start, from the run's start
	samples   []time.Duration
	errors    int64
	requests  int64
	total     int64
	failed    int64
	kinds     map[string]*kindCount
	ops       map[string]int64
	firstErrs []string
}

// kindCount is one kind of request's totals and latency histogram.
type kindCount struct {
	requests, errors int64
	hist             histogram
}

// The per-kind histograms' buckets grow by 5 % from 50 µs: about 300 of
// them reach two minutes. A kind's percentile is its bucket's upper bound,
// within 5 % of the exact figure, in fixed memory however long the run.
const (
	histMin     = 50 * time.Microsecond
	histFactor  = 1.05
	histBuckets = 300
)

// histogram counts durations in logarithmic buckets.
type histogram struct {
	counts [histBuckets]int64
	n      int64
}

func (h *histogram) add(d time.Duration) {
	i := 0
	if d > histMin {
		i = int(math.Log(float64(d)/float64(histMin)) / math.Log(histFactor))
	}
	h.counts[min(i, histBuckets-1)]++
	h.n++
}

// quantile is the upper bound of the bucket holding the p-th percentile
// (nearest rank); 0 when empty.
func (h *histogram) quantile(p float64) time.Duration {
	rank := int64(math.Ceil(p*float64(h.n)/100 - 1e-9))
	var seen int64
	for i, c := range h.counts {
		seen += c
		if c > 0 && seen >= rank {
			return time.Duration(float64(histMin) * math.Pow(histFactor, float64(i+1)))
		}
	}
	return 0
}

func newRecorder() *recorder {
	return &recorder{kinds: map[string]*kindCount{}, ops: map[string]int64{}}
}

// reset forgets what preparation recorded.
func (r *recorder) reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.samples, r.errors, r.requests, r.total, r.failed, r.firstErrs = nil, 0, 0, 0, 0, nil
	r.kinds, r.ops = map[string]*kindCount{}, map[string]int64{}
}

// record counts one request.
func (r *recorder) record(kind string, d time.Duration, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.samples = append(r.samples, d)
	r.requests++
	r.total++
	k := r.kinds[kind]
	if k == nil {
		k = &kindCount{}
		r.kinds[kind] = k
	}
	k.requests++
	k.hist.add(d)
	if err != nil {
		r.errors++
		r.failed++
		k.errors++
		if len(r.firstErrs) < 5 {
			r.firstErrs = append(r.firstErrs, kind+": "+err.Error())
		}
	}
}

// op counts one operation of the mix.
func (r *recorder) op(name string) {
	r.mu.Lock()
	r.ops[name]++
	r.mu.Unlock()
}

// Window is what one reporting window measured; the process figures are
// read at its end.
type Window struct {
	Start, End       time.Duration // from the run's start
	Requests, Errors int64
	P50, P99, P999   time.Duration
	RSS              int64 // bytes, VmRSS of /proc/self/status (0 where unknown)
	Goroutines       int
	OpenConns, InUse int
	Partial          bool    // the run's tail, shorter than a window
	PerSecond        float64 // requests per second
}

// ErrorRate is the window's share of failed requests.
func (w Window) ErrorRate() float64 { return rate(w.Errors, w.Requests) }

func rate(n, of int64) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) / float64(of)
}

// window closes the current window at elapsed and opens the next.
func (r *recorder) window(elapsed time.Duration, dbStats func() sql.DBStats) (Window, bool) {
	r.mu.Lock()
	samples, n, errs, since := r.samples, r.requests, r.errors, r.since
	r.samples, r.requests, r.errors, r.since = nil, 0, 0, elapsed
	r.mu.Unlock()
	if elapsed <= since {
		return Window{}, false
	}
	slices.Sort(samples)
	w := Window{Start: since, End: elapsed, Requests: n, Errors: errs, P50: percentile(samples, 50),
		P99: percentile(samples, 99), P999: percentile(samples, 99.9), RSS: rss(), Goroutines: runtime.NumGoroutine(),
		PerSecond: float64(n) / (elapsed - since).Seconds()}
	if dbStats != nil {
		s := dbStats()
		w.OpenConns, w.InUse = s.OpenConnections, s.InUse
	}
	return w, true
}

// percentile is the nearest-rank p-th percentile of sorted durations: the
// smallest value with at least p % of the values at or below it (0 when
// empty).
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(p*float64(len(sorted))/100-1e-9)) - 1 // 99.9 % of 1000 is 999, not 999.0000001
	return sorted[max(0, min(i, len(sorted)-1))]
}

// rss is the process's resident set (VmRSS), 0 where /proc is missing.
func rss() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	return parseVmRSS(b)
}

// parseVmRSS reads the VmRSS line ("VmRSS:   123456 kB") of a
// /proc/<pid>/status file, in bytes.
func parseVmRSS(status []byte) int64 {
	sc := bufio.NewScanner(bytes.NewReader(status))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 2 && f[0] == "VmRSS:" {
			kb, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil {
				return 0
			}
			return kb * 1024
		}
	}
	return 0
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// printWindow writes one window's line.
func (h *harness) printWindow(w Window) {
	fmt.Fprintln(h.cfg.Out, w.Line())
}

// Line is the window's report line.
func (w Window) Line() string {
	tail := ""
	if w.Partial {
		tail = " (tail)"
	}
	return fmt.Sprintf("soak %5.0fs: %7.1f req/s  p50 %6.1f ms  p99 %7.1f ms  p99.9 %7.1f ms  errors %d (%.3f %%)  "+
		"rss %.1f MB  goroutines %d  db open %d in use %d%s", w.End.Seconds(), w.PerSecond, ms(w.P50), ms(w.P99),
		ms(w.P999), w.Errors, 100*w.ErrorRate(), float64(w.RSS)/(1<<20), w.Goroutines, w.OpenConns, w.InUse, tail)
}

// KindStats is one kind of request's totals over the run, and its
// percentiles from a logarithmic histogram (within 5 %).
type KindStats struct {
	Requests, Errors int64
	P50, P99         time.Duration
}

// Result is what a run measured and the limits it is judged by.
type Result struct {
	Start          time.Time
	Elapsed        time.Duration
	Windows        []Window
	Requests       int64
	Errors         int64
	FirstErrors    []string
	Kinds          map[string]KindStats // by kind of request
	Ops            map[string]int64     // operations of the mix: read, event, submit
	Sweeps         int
	SweepTime      time.Duration
	SweepErrors    []string
	WarmUp         time.Duration
	MaxErrorRate   float64
	MaxGrowth      float64
	Baseline, Last int // indexes into Windows of the growth comparison, -1 when none
}

// finish takes the totals from the harness.
func (r *Result) finish(h *harness) {
	r.Elapsed = time.Since(r.Start)
	h.rec.mu.Lock()
	r.Requests, r.Errors, r.FirstErrors = h.rec.total, h.rec.failed, h.rec.firstErrs
	r.Kinds = map[string]KindStats{}
	for k, c := range h.rec.kinds {
		r.Kinds[k] = KindStats{Requests: c.requests, Errors: c.errors, P50: c.hist.quantile(50), P99: c.hist.quantile(99)}
	}
	r.Ops = maps(h.rec.ops)
	h.rec.mu.Unlock()
	h.sweeps.mu.Lock()
	r.Sweeps, r.SweepTime, r.SweepErrors = h.sweeps.runs, h.sweeps.total, h.sweeps.failed
	h.sweeps.mu.Unlock()
	r.WarmUp, r.MaxErrorRate, r.MaxGrowth = h.cfg.WarmUp, h.cfg.MaxErrorRate, h.cfg.MaxGrowth
	r.Baseline, r.Last = growthWindows(r.Windows, r.WarmUp)
}

func maps(m map[string]int64) map[string]int64 {
	out := make(map[string]int64, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// growthWindows picks the windows compared for growth: the baseline is
// the first full window that starts at or after the warm-up, the last is
// the last full window; -1, -1 when there are not two such windows.
func growthWindows(ws []Window, warmUp time.Duration) (baseline, last int) {
	baseline, last = -1, -1
	for i, w := range ws {
		if w.Partial || w.Start < warmUp {
			continue
		}
		if baseline < 0 {
			baseline = i
		}
		last = i
	}
	if baseline < 0 || last == baseline {
		return -1, -1
	}
	return baseline, last
}

// ErrorRate is the run's share of failed requests.
func (r *Result) ErrorRate() float64 { return rate(r.Errors, r.Requests) }

// Growth is the RSS and goroutine growth from the baseline window to the
// last one (ok false when the run had no two windows after the warm-up).
func (r *Result) Growth() (rssGrowth, goroutineGrowth float64, ok bool) {
	if r.Baseline < 0 || r.Last <= r.Baseline || r.Last >= len(r.Windows) {
		return 0, 0, false
	}
	b, l := r.Windows[r.Baseline], r.Windows[r.Last]
	return growth(b.RSS, l.RSS), growth(int64(b.Goroutines), int64(l.Goroutines)), true
}

func growth(from, to int64) float64 {
	if from <= 0 {
		return 0
	}
	return float64(to-from) / float64(from)
}

// Check is the verdict: nil when the run holds up, else an error naming
// every limit broken.
func (r *Result) Check() error {
	var bad []string
	if r.Requests == 0 {
		bad = append(bad, "no request was made")
	}
	if er := r.ErrorRate(); er > r.MaxErrorRate {
		bad = append(bad, fmt.Sprintf("error rate %.3f %% (%d of %d requests) is above %.3f %%; first: %s",
			100*er, r.Errors, r.Requests, 100*r.MaxErrorRate, strings.Join(r.FirstErrors, "; ")))
	}
	if len(r.SweepErrors) > 0 {
		bad = append(bad, "sweeps failed: "+strings.Join(r.SweepErrors, "; "))
	}
	if g, gr, ok := r.Growth(); ok {
		b, l := r.Windows[r.Baseline], r.Windows[r.Last]
		if g > r.MaxGrowth {
			bad = append(bad, fmt.Sprintf("RSS grew %.1f %% after the warm-up (%.1f MB at %.0fs → %.1f MB at %.0fs), above %.0f %%",
				100*g, float64(b.RSS)/(1<<20), b.End.Seconds(), float64(l.RSS)/(1<<20), l.End.Seconds(), 100*r.MaxGrowth))
		}
		if gr > r.MaxGrowth {
			bad = append(bad, fmt.Sprintf("goroutines grew %.1f %% after the warm-up (%d at %.0fs → %d at %.0fs), above %.0f %%",
				100*gr, b.Goroutines, b.End.Seconds(), l.Goroutines, l.End.Seconds(), 100*r.MaxGrowth))
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return fmt.Errorf("soak: failed: %s", strings.Join(bad, "; "))
}

// Print writes the run's summary.
func (r *Result) Print(out io.Writer) {
	secs := r.Elapsed.Seconds()
	fmt.Fprintf(out, "soak total: %s, %d requests, %.1f req/s, %d errors (%.3f %%); operations: %d reads, %d events, %d submits\n",
		r.Elapsed.Round(time.Second), r.Requests, float64(r.Requests)/secs, r.Errors, 100*r.ErrorRate(),
		r.Ops["read"], r.Ops["event"], r.Ops["submit"])
	mean := time.Duration(0)
	if r.Sweeps > 0 {
		mean = r.SweepTime / time.Duration(r.Sweeps)
	}
	fmt.Fprintf(out, "sweeps: %d, mean %.1f ms, %d failed\n", r.Sweeps, ms(mean), len(r.SweepErrors))
	if g, gr, ok := r.Growth(); ok {
		fmt.Fprintf(out, "growth after the warm-up (%s; window at %.0fs → window at %.0fs): RSS %+.1f %%, goroutines %+.1f %%\n",
			r.WarmUp, r.Windows[r.Baseline].End.Seconds(), r.Windows[r.Last].End.Seconds(), 100*g, 100*gr)
	} else {
		fmt.Fprintf(out, "growth: not judged (fewer than two full windows after the %s warm-up)\n", r.WarmUp)
	}
	kinds := make([]string, 0, len(r.Kinds))
	for k := range r.Kinds {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		c := r.Kinds[k]
		fmt.Fprintf(out, "  %-30s %7d requests %5d errors  p50 %7.1f ms  p99 %7.1f ms\n", k, c.Requests, c.Errors,
			ms(c.P50), ms(c.P99))
	}
}
