package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime/pprof"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/handlers"
	"github.com/motcua/motcua/service"
	"github.com/motcua/motcua/workflow"
)

// httpBenchConfig are the flags of `motcua bench http`.
type httpBenchConfig struct {
	url        string
	clients    int
	duration   time.Duration
	procedure  string
	variant    string
	cpuprofile string
}

// The kinds of request timed by `motcua bench http`, in print order; flow
// is one whole submit → uploads → receive.
const (
	kindSubmit  = "submit"
	kindUpload  = "upload"
	kindReceive = "receive"
	kindFlow    = "flow"
)

var httpBenchKinds = []string{kindSubmit, kindUpload, kindReceive, kindFlow}

// benchPDF is the file uploaded for every required document: a tiny PDF
// that passes the content check.
var benchPDF = []byte("%PDF-1.4\n%motcua bench\n%%EOF\n")

// httpBenchResult is what one run measured.
type httpBenchResult struct {
	elapsed   time.Duration
	requests  int64 // every timed request, failed ones included
	flows     int64 // flows that finished with every answer 2xx
	errors    int64 // non-2xx answers and transport errors
	firstErrs []string
	uploads   int                        // uploads per flow
	latency   map[string][]time.Duration // sorted, by kind
}

// parseBenchHTTP parses the flags of `motcua bench http`; db is the
// default of -db.
func parseBenchHTTP(args []string, db string) (httpBenchConfig, error) {
	fs := flag.NewFlagSet("bench http", flag.ContinueOnError)
	cfg := httpBenchConfig{}
	benchDBFlag(fs, &cfg.url, db, "a fresh schema is created and dropped")
	fs.IntVar(&cfg.clients, "clients", 32, "concurrent HTTP clients")
	fs.DurationVar(&cfg.duration, "duration", 20*time.Second, "how long the clients start new flows")
	fs.StringVar(&cfg.procedure, "procedure", "investment-certificate", "procedure of the submitted dossiers")
	fs.StringVar(&cfg.variant, "variant", "issue_after_policy", "variant of the submitted dossiers")
	fs.StringVar(&cfg.cpuprofile, "cpuprofile", "", "write a Go CPU profile of the timed run (client and server) to this file")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if cfg.clients < 1 || cfg.duration <= 0 {
		return cfg, errors.New("bench http: -clients must be at least 1 and -duration positive")
	}
	return cfg, needPostgres("bench http", cfg.url, "the figure is a PostgreSQL one")
}

// HTTP runs `motcua bench http` and prints its figures; any non-2xx
// answer makes it fail.
func HTTP(args []string, env Env, out io.Writer) error {
	cfg, err := parseBenchHTTP(args, env.DB)
	if err != nil {
		return err
	}
	boards, err := demo.LoadBoards(env.Configs)
	if err != nil {
		return err
	}
	res, err := runHTTPBench(context.Background(), env.Engine, boards[0], cfg, out)
	if err != nil {
		return err
	}
	printHTTPBench(out, cfg, res)
	if res.errors > 0 {
		return fmt.Errorf("bench http: %d requests failed, first: %s", res.errors, strings.Join(res.firstErrs, "; "))
	}
	return nil
}

// printHTTPBench prints the rates, then p50 and p99 per kind of request.
func printHTTPBench(out io.Writer, cfg httpBenchConfig, r httpBenchResult) {
	secs := r.elapsed.Seconds()
	fmt.Fprintf(out, "http: %d clients, %s, %s/%s, 1 submit + %d uploads + 1 receive per flow\n",
		cfg.clients, r.elapsed.Round(10*time.Millisecond), cfg.procedure, cfg.variant, r.uploads)
	fmt.Fprintf(out, "requests: %d, %.0f requests/s; flows: %d, %.1f flows/s; errors: %d\n",
		r.requests, float64(r.requests)/secs, r.flows, float64(r.flows)/secs, r.errors)
	for _, k := range httpBenchKinds {
		l := r.latency[k]
		fmt.Fprintf(out, "  %-8s n=%-7d p50 %7.1f ms   p99 %7.1f ms\n", k, len(l),
			ms(percentile(l, 50)), ms(percentile(l, 99)))
	}
}

// ms is a duration in milliseconds.
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// percentile is the nearest-rank p-th percentile of sorted durations: the
// smallest value with at least p% of the values at or below it (0 when empty).
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(p/100*float64(len(sorted)))) - 1
	if i < 0 {
		i = 0
	}
	if i >= len(sorted) {
		i = len(sorted) - 1
	}
	return sorted[i]
}

// runHTTPBench seeds one demo board in a fresh schema, serves the API over
// loopback TCP and has cfg.clients goroutines loop submit → uploads →
// receive until the duration ends.
func runHTTPBench(ctx context.Context, eng *workflow.Engine, board demo.Board, cfg httpBenchConfig,
	out io.Writer) (httpBenchResult, error) {
	var res httpBenchResult
	p, err := eng.Catalogue().Procedure(cfg.procedure)
	if err != nil {
		return res, err
	}
	v, err := p.VersionAt(time.Now())
	if err != nil {
		return res, err
	}
	docs := v.RequiredDocuments(cfg.variant)
	res.uploads = len(docs)

	schema := fmt.Sprintf("bench_http_%d", time.Now().UnixNano())
	db, cleanup, err := benchSchema(cfg.url, schema, cfg.clients)
	if err != nil {
		return res, err
	}
	defer cleanup()
	if err := demo.Seed(ctx, db, eng, []demo.Board{board}, time.Now(), io.Discard); err != nil {
		return res, err
	}
	dataDir, err := os.MkdirTemp("", "motcua-bench-http-")
	if err != nil {
		return res, err
	}
	defer os.RemoveAll(dataDir)
	srv := httptest.NewServer(handlers.New(handlers.Deps{Service: service.New(service.Deps{DB: db, Engine: eng,
		DataDir: dataDir})}))
	defer srv.Close()

	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = max(100, 2*cfg.clients)
	tr.MaxIdleConnsPerHost = cfg.clients
	client := &http.Client{Transport: tr, Timeout: time.Minute}
	defer tr.CloseIdleConnections()
	c := &benchClient{http: client, base: srv.URL + "/api/v1"}
	user := strings.ToLower(board.Code)
	inv, err := c.login(user + ".investor")
	if err != nil {
		return res, err
	}
	off, err := c.login(user + ".officer")
	if err != nil {
		return res, err
	}
	fmt.Fprintf(out, "schema %s, board %s, serving at %s, %d clients for %s\n", schema, board.Code, srv.URL,
		cfg.clients, cfg.duration)

	submit, _ := json.Marshal(map[string]string{"board": board.Code, "procedure": cfg.procedure, "variant": cfg.variant,
		"applicant_name": "Công ty TNHH Đo Hiệu Năng"})
	var requests, flows, failed atomic.Int64
	var mu sync.Mutex
	lat := map[string][]time.Duration{}
	fail := func(err error) {
		if failed.Add(1) <= 3 {
			mu.Lock()
			res.firstErrs = append(res.firstErrs, err.Error())
			mu.Unlock()
		}
	}
	if cfg.cpuprofile != "" {
		f, err := os.Create(cfg.cpuprofile)
		if err != nil {
			return res, err
		}
		defer f.Close()
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	var wg sync.WaitGroup
	start := time.Now()
	deadline := start.Add(cfg.duration)
	for w := 0; w < cfg.clients; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mine := map[string][]time.Duration{}
			// timed does one request and records its latency by kind.
			timed := func(kind string, req func() error) bool {
				t0 := time.Now()
				err := req()
				mine[kind] = append(mine[kind], time.Since(t0))
				requests.Add(1)
				if err != nil {
					fail(fmt.Errorf("%s: %w", kind, err))
					return false
				}
				return true
			}
			for time.Now().Before(deadline) {
				t0 := time.Now()
				var code string
				ok := timed(kindSubmit, func() (err error) { code, err = c.submit(inv, submit); return err })
				for _, doc := range docs {
					ok = ok && timed(kindUpload, func() error { return c.upload(inv, code, doc) })
				}
				ok = ok && timed(kindReceive, func() error { return c.receive(off, code) })
				if !ok {
					continue
				}
				mine[kindFlow] = append(mine[kindFlow], time.Since(t0))
				flows.Add(1)
			}
			mu.Lock()
			for k, l := range mine {
				lat[k] = append(lat[k], l...)
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	for _, l := range lat {
		sort.Slice(l, func(i, j int) bool { return l[i] < l[j] })
	}
	res.latency, res.requests, res.flows, res.errors = lat, requests.Load(), flows.Load(), failed.Load()
	return res, nil
}

// benchClient speaks the README walkthrough's HTTP calls.
type benchClient struct {
	http *http.Client
	base string
}

// do sends one request; a non-2xx answer is an error. The body is read to
// the end so that the connection is reused.
func (c *benchClient) do(method, path, token, ctype string, body []byte, into any) error {
	req, err := http.NewRequest(method, c.base+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", ctype)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, bytes.TrimSpace(b))
	}
	if into != nil {
		return json.Unmarshal(b, into)
	}
	return nil
}

// login signs user in with the demo password and returns its token.
func (c *benchClient) login(user string) (string, error) {
	body, _ := json.Marshal(map[string]string{"username": user, "password": demo.Password})
	var r struct {
		Token string `json:"token"`
	}
	if err := c.do(http.MethodPost, "/auth/login", "", "application/json", body, &r); err != nil {
		return "", err
	}
	if r.Token == "" {
		return "", fmt.Errorf("login %s: no token in the answer", user)
	}
	return r.Token, nil
}

// submit files a dossier and returns its code.
func (c *benchClient) submit(token string, body []byte) (string, error) {
	var r struct {
		Code string `json:"code"`
	}
	if err := c.do(http.MethodPost, "/dossiers", token, "application/json", body, &r); err != nil {
		return "", err
	}
	if r.Code == "" {
		return "", errors.New("submit: no code in the answer")
	}
	return r.Code, nil
}

// upload attaches benchPDF as document doc.
func (c *benchClient) upload(token, code, doc string) error {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("document_code", doc)
	fw, err := mw.CreateFormFile("file", doc+".pdf")
	if err != nil {
		return err
	}
	fw.Write(benchPDF)
	if err := mw.Close(); err != nil {
		return err
	}
	return c.do(http.MethodPost, "/dossiers/"+code+"/attachments", token, mw.FormDataContentType(), buf.Bytes(), nil)
}

// receive fires receive at version 1.
func (c *benchClient) receive(token, code string) error {
	return c.do(http.MethodPost, "/dossiers/"+code+"/events", token, "application/json",
		[]byte(`{"event":"receive","version":1}`), nil)
}
