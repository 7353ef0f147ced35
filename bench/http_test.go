package bench

import (
	"context"
	"io"
	"os"
	"testing"
	"time"

	"github.com/motcua/motcua/configs"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/models/modelstest"
	"github.com/motcua/motcua/workflow/workflowtest"
)

func TestPercentile(t *testing.T) {
	ten := make([]time.Duration, 10)
	for i := range ten {
		ten[i] = time.Duration(i+1) * time.Millisecond // 1ms … 10ms
	}
	hundred := make([]time.Duration, 100)
	for i := range hundred {
		hundred[i] = time.Duration(i+1) * time.Millisecond // 1ms … 100ms
	}
	for _, c := range []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"empty", nil, 50, 0},
		{"one", []time.Duration{7 * time.Millisecond}, 99, 7 * time.Millisecond},
		{"ten p50", ten, 50, 5 * time.Millisecond},
		{"ten p99", ten, 99, 10 * time.Millisecond},
		{"ten p0", ten, 0, 1 * time.Millisecond},
		{"ten p100", ten, 100, 10 * time.Millisecond},
		{"hundred p50", hundred, 50, 50 * time.Millisecond},
		{"hundred p99", hundred, 99, 99 * time.Millisecond},
		{"hundred p99.5", hundred, 99.5, 100 * time.Millisecond},
		{"three p50", []time.Duration{1, 2, 3}, 50, 2},
	} {
		if got := percentile(c.sorted, c.p); got != c.want {
			t.Errorf("%s: percentile(p%v) = %v, want %v", c.name, c.p, got, c.want)
		}
	}
}

// TestBenchHTTPSmoke runs the whole HTTP bench briefly with two clients on
// PostgreSQL: a functional check, not a measurement.
func TestBenchHTTPSmoke(t *testing.T) {
	url := modelstest.PostgresURL()
	if db, err := models.Open(url); err != nil || db.Exec("SELECT 1").Error != nil {
		if os.Getenv("MOTCUA_REQUIRE_POSTGRES") == "1" {
			t.Fatalf("PostgreSQL is required (MOTCUA_REQUIRE_POSTGRES=1) but unreachable at %s", url)
		}
		t.Skipf("PostgreSQL unreachable at %s, skipping", url)
	}
	eng := workflowtest.Engine(t)
	boards, err := demo.LoadBoards(configs.FS)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("MOTCUA_DATA_DIR", "") // restored after the test; the bench sets its own
	cfg := httpBenchConfig{url: url, clients: 2, duration: 2 * time.Second,
		procedure: "investment-certificate", variant: "issue_after_policy"}
	res, err := runHTTPBench(context.Background(), eng, boards[0], cfg, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if res.errors != 0 || res.flows == 0 {
		t.Fatalf("errors %d (first: %v), flows %d", res.errors, res.firstErrs, res.flows)
	}
	if res.uploads == 0 || len(res.latency[kindUpload]) < int(res.flows)*res.uploads {
		t.Fatalf("%d uploads per flow, %d upload latencies for %d flows", res.uploads, len(res.latency[kindUpload]), res.flows)
	}
	if want := res.flows * int64(2+res.uploads); res.requests != want {
		t.Fatalf("requests %d, want %d for %d flows", res.requests, want, res.flows)
	}
	printHTTPBench(io.Discard, cfg, res)
}
