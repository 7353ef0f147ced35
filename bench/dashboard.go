package bench

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/handlers"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/service"
	"github.com/motcua/motcua/web"
	"github.com/motcua/motcua/workflow"
)

// dashboardBenchConfig are the flags of `motcua bench dashboard`.
type dashboardBenchConfig struct {
	loadFlags
	renders int
}

// dashboardBenchAt is the instant the dashboard is read at: Wed
// 31/12/2025 16:00, the last working day of the loaded year. Its month
// has finished dossiers, and the open ones (received over the year's last
// 60 days) are overdue, due soon or due later.
var dashboardBenchAt = time.Date(2025, 12, 31, 16, 0, 0, 0, deadlines.Location)

// dashboardTarget is the time the dashboard page must render in over
// 1,000,000 dossiers (issue 13).
const dashboardTarget = 300 * time.Millisecond

// dashboardManager is the manager account the benchmark signs in as.
const (
	dashboardManager  = "bench.manager"
	dashboardPassword = "bench-dashboard-password"
)

// Dashboard runs `motcua bench dashboard`: it loads -dossiers dossiers as
// `motcua bench report` does, raises the alerts of a sweep at
// dashboardBenchAt, then signs a manager of the first board in and times
// -renders renders of GET /dashboard through the composed handler (the
// JSON API and the web pages, as `motcua serve` builds them), with the
// service calls behind it and the plans of the dashboard's statements.
func Dashboard(args []string, env Env, out io.Writer) error {
	cfg, err := parseDashboardBench(args, env.DB, out)
	if err != nil {
		return err
	}
	if err := ensureBenchDatabase(cfg.url); err != nil {
		return err
	}
	schema := fmt.Sprintf("bench_dashboard_%d", time.Now().UnixNano())
	db, cleanup, err := benchSchema(cfg.url, schema, 4)
	if err != nil {
		return err
	}
	if cfg.keep {
		fmt.Fprintf(out, "schema %s is kept (-keep): drop it with DROP SCHEMA %s CASCADE\n", schema, schema)
	} else {
		defer cleanup()
	}
	ctx := context.Background()
	start := time.Now()
	load, err := loadReportBench(ctx, db, env.Engine, cfg.dossiers, cfg.boards, cfg.seal)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "schema %s: %d dossiers on %d boards, %d history rows, loaded and analysed in %s\n",
		schema, cfg.dossiers, cfg.boards, load.events, time.Since(start).Round(time.Millisecond))
	return runDashboardBench(ctx, db, env.Engine, load, cfg.renders, out)
}

// parseDashboardBench parses the flags of `motcua bench dashboard` and
// refuses anything but PostgreSQL; db is the default of -db.
func parseDashboardBench(args []string, db string, out io.Writer) (dashboardBenchConfig, error) {
	fs := flag.NewFlagSet("bench dashboard", flag.ContinueOnError)
	fs.SetOutput(out)
	cfg := dashboardBenchConfig{}
	cfg.register(fs, db, "dossiers received over "+reportBenchPeriod+", as bench report loads them",
		"boards sharing the dossiers evenly; the dashboard is the first one's")
	fs.IntVar(&cfg.renders, "renders", 20, "timed renders of the page")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	return cfg, cfg.check("bench dashboard", "-renders", cfg.renders)
}

// dashboardPart is one timed call behind the page.
type dashboardPart struct {
	name string
	fn   func(ctx context.Context) error
}

// runDashboardBench sweeps, signs the manager in, checks the dashboard's
// totals against counts made here, then times the page and its parts and
// prints them with the plans.
func runDashboardBench(ctx context.Context, db *gorm.DB, eng *workflow.Engine, l *reportLoad, renders int, out io.Writer) error {
	swept, err := newSweeper(db, eng).Run(ctx, dashboardBenchAt)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "sweep as of %s: %s\n", dashboardBenchAt.Format("02/01/2006 15:04"), swept)
	// The sweep raised some 150,000 alerts: autovacuum would analyze the
	// table within a minute; the benchmark does it at once.
	if err := db.WithContext(ctx).Exec("ANALYZE alerts").Error; err != nil {
		return err
	}
	board := l.boards[0]
	if err := createDashboardManager(ctx, db, board.ID); err != nil {
		return err
	}
	svc := newDashboardService(db, eng)
	srv := httptest.NewServer(composedHandler(svc))
	defer srv.Close()
	sess, err := svc.Login(ctx, service.Credentials{Username: dashboardManager, Password: dashboardPassword, IP: "127.0.0.1"})
	if err != nil {
		return err
	}
	d, err := svc.Dashboard(ctx, sess.Principal)
	if err != nil {
		return err
	}
	if err := checkDashboard(ctx, db, eng, board.ID, d); err != nil {
		return err
	}
	client, err := signIn(srv.URL, dashboardManager, dashboardPassword)
	if err != nil {
		return err
	}
	size, err := getPage(client, srv.URL+"/dashboard") // once untimed: templates, caches, connections
	if err != nil {
		return err
	}
	printDashboardTotals(out, l, board.Code, d, size)
	// Right after the sweep the updated dossiers' pages are not all-visible:
	// the index-only scan visits the heap for them. Autovacuum would not
	// run yet (42,000 updates of 1,000,000 rows); then VACUUM, as it
	// eventually does.
	for _, phase := range []string{"after the sweep", "after VACUUM (ANALYZE) dossiers"} {
		if phase != "after the sweep" {
			if err := db.WithContext(ctx).Exec("VACUUM (ANALYZE) dossiers").Error; err != nil {
				return err
			}
		}
		timings, plans, err := timeDashboardPhase(ctx, db, eng, svc, client, srv.URL, sess.Principal, renders)
		if err != nil {
			return fmt.Errorf("%s: %w", phase, err)
		}
		printDashboardPhase(out, l, phase, timings, plans)
	}
	return nil
}

// timeDashboardPhase times renders renders of the page, then of each
// service call behind it, and EXPLAIN ANALYZEs the dashboard statement.
func timeDashboardPhase(ctx context.Context, db *gorm.DB, eng *workflow.Engine, svc *service.Service, client *http.Client,
	base string, p *service.Principal, renders int) ([]reportTiming, []string, error) {
	page := reportTiming{name: "GET /dashboard (page)"}
	for i := 0; i < renders; i++ {
		start := time.Now()
		if _, err := getPage(client, base+"/dashboard"); err != nil {
			return nil, nil, err
		}
		page.runs = append(page.runs, time.Since(start))
	}
	slices.Sort(page.runs)
	parts, err := timeDashboardParts(ctx, svc, p, renders)
	if err != nil {
		return nil, nil, err
	}
	plans, err := dashboardPlans(ctx, db, eng, p)
	return append([]reportTiming{page}, parts...), plans, err
}

// createDashboardManager creates the board's manager account, verified.
func createDashboardManager(ctx context.Context, db *gorm.DB, board uint) error {
	hash, err := models.HashPassword(dashboardPassword)
	if err != nil {
		return err
	}
	verified := dashboardBenchAt
	u := models.User{BoardID: &board, Username: dashboardManager, FullName: "Lãnh đạo đo hiệu năng",
		Email: "manager@bench.motcua.test", Role: string(workflow.RoleManager), PasswordHash: hash, Active: true,
		EmailVerifiedAt: &verified}
	return db.WithContext(ctx).Create(&u).Error
}

// newDashboardService is the service with its clock pinned at
// dashboardBenchAt.
func newDashboardService(db *gorm.DB, eng *workflow.Engine) *service.Service {
	return service.New(service.Deps{DB: db, Engine: eng, DataDir: os.TempDir(), PublicURL: "http://127.0.0.1",
		Now: func() time.Time { return dashboardBenchAt }})
}

// composedHandler is the JSON API and the web pages on one service, as
// `motcua serve` composes them (cmd/motcua newServer): the security
// headers on every response, an error outside /api/ an HTML page.
func composedHandler(svc *service.Service) http.Handler {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	e := handlers.New(handlers.Deps{Service: svc, Log: log})
	e.Use(web.SecurityHeaders(false))
	pageErrors, err := web.Mount(e, web.Deps{Service: svc, Log: log})
	if err != nil {
		panic(err) // the embedded templates parse: a failure here is a bug
	}
	apiErrors := e.HTTPErrorHandler
	e.HTTPErrorHandler = func(err error, c echo.Context) {
		if strings.HasPrefix(c.Request().URL.Path, "/api/") {
			apiErrors(err, c)
			return
		}
		pageErrors(err, c)
	}
	return e
}

// csrfField finds a form's CSRF token.
var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// signIn signs username in through the sign-in form, as a browser does,
// and returns a client holding the session cookie.
func signIn(base, username, password string) (*http.Client, error) {
	jar, err := cookiejar.New(nil)
	if err != nil {
		return nil, err
	}
	client := &http.Client{Jar: jar, Timeout: time.Minute}
	res, err := client.Get(base + "/login")
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return nil, err
	}
	m := csrfField.FindSubmatch(body)
	if m == nil {
		return nil, errors.New("bench dashboard: the sign-in page has no CSRF token")
	}
	form := url.Values{"username": {username}, "password": {password}, "_csrf": {html.UnescapeString(string(m[1]))}}
	res, err = client.PostForm(base+"/login", form)
	if err != nil {
		return nil, err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Request.URL.Path != "/dashboard" {
		return nil, fmt.Errorf("bench dashboard: sign in %s: %d at %s", username, res.StatusCode, res.Request.URL.Path)
	}
	return client, nil
}

// getPage reads a page to the end and returns its size; anything but 200
// is an error.
func getPage(client *http.Client, u string) (int, error) {
	res, err := client.Get(u)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return 0, err
	}
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), `id="alerts"`) {
		return 0, fmt.Errorf("bench dashboard: GET %s: %d, %d bytes", u, res.StatusCode, len(body))
	}
	return len(body), nil
}

// timeDashboardParts times each service call the page makes, renders
// times each.
func timeDashboardParts(ctx context.Context, svc *service.Service, p *service.Principal, renders int) ([]reportTiming, error) {
	now := dashboardBenchAt
	parts := []dashboardPart{
		{"service.Dashboard", func(ctx context.Context) error { _, err := svc.Dashboard(ctx, p); return err }},
		{"service.OnTimeRates (12 months)", func(ctx context.Context) error {
			_, err := svc.OnTimeRates(ctx, p, now.AddDate(0, -11, 0), now)
			return err
		}},
		{"service.Alerts (pending + recent)", func(ctx context.Context) error {
			if _, err := svc.Alerts(ctx, p, service.AlertQuery{RecipientRole: models.RecipientManager, Unacknowledged: true, Limit: 50}); err != nil {
				return err
			}
			_, err := svc.Alerts(ctx, p, service.AlertQuery{RecipientRole: models.RecipientManager, Limit: 20})
			return err
		}},
	}
	var out []reportTiming
	for _, part := range parts {
		t := reportTiming{name: part.name}
		for i := 0; i < renders; i++ {
			start := time.Now()
			if err := part.fn(ctx); err != nil {
				return nil, fmt.Errorf("%s: %w", part.name, err)
			}
			t.runs = append(t.runs, time.Since(start))
		}
		slices.Sort(t.runs)
		out = append(out, t)
	}
	return out, nil
}

// checkDashboard compares the dashboard's totals, in every grouping, with
// counts made here over the board's dossiers.
func checkDashboard(ctx context.Context, db *gorm.DB, eng *workflow.Engine, board uint, d *service.Dashboard) error {
	soon := deadlines.EndOfDay(eng.Calendar().AddWorkingDays(d.At, service.DueSoonDays))
	var want models.DashboardRow
	err := db.WithContext(ctx).Raw(`SELECT
		COUNT(*) FILTER (WHERE finished_at IS NULL AND received_at IS NOT NULL) AS open,
		COUNT(*) FILTER (WHERE finished_at IS NULL AND due_at >= ? AND due_at < ?) AS due_soon,
		COUNT(*) FILTER (WHERE finished_at IS NULL AND due_at < ?) AS overdue,
		COUNT(*) FILTER (WHERE finished_at >= ? AND outcome = 'early') AS early,
		COUNT(*) FILTER (WHERE finished_at >= ? AND outcome = 'on_time') AS on_time,
		COUNT(*) FILTER (WHERE finished_at >= ? AND outcome = 'late') AS late
		FROM dossiers WHERE board_id = ?`, d.At, soon, d.At, d.Month, d.Month, d.Month, board).Scan(&want).Error
	if err != nil {
		return err
	}
	if want.Open == 0 || want.Overdue == 0 || want.DueSoon == 0 || want.Early+want.OnTime+want.Late == 0 {
		return fmt.Errorf("bench dashboard: the load has an empty column at %s: %+v", d.At, want)
	}
	for name, rows := range map[string][]models.DashboardRow{"procedure": d.ByProcedure, "department": d.ByDepartment,
		"officer": d.ByOfficer} {
		var got models.DashboardRow
		for _, r := range rows {
			got.Open, got.DueSoon, got.Overdue = got.Open+r.Open, got.DueSoon+r.DueSoon, got.Overdue+r.Overdue
			got.Early, got.OnTime, got.Late = got.Early+r.Early, got.OnTime+r.OnTime, got.Late+r.Late
		}
		if got != want {
			return fmt.Errorf("bench dashboard: by %s the totals are %+v, counted %+v", name, got, want)
		}
	}
	return nil
}

// dashboardPlans runs service.Dashboard once more, untimed, capturing its
// statements, and EXPLAIN ANALYZEs each in the zone gorm wrote its
// instants in; it returns, per statement, its scan nodes and its
// execution time.
func dashboardPlans(ctx context.Context, db *gorm.DB, eng *workflow.Engine, p *service.Principal) ([]string, error) {
	c := &statementCapture{Interface: logger.Default.LogMode(logger.Silent)}
	if _, err := newDashboardService(db.Session(&gorm.Session{Logger: c}), eng).Dashboard(ctx, p); err != nil {
		return nil, err
	}
	var plans []string
	err := models.InTx(ctx, db, func(tx *gorm.DB) error {
		if err := tx.Exec("SET LOCAL TimeZone = '" + deadlines.Location.String() + "'").Error; err != nil {
			return err
		}
		for _, s := range c.sqls {
			if !strings.Contains(s, "group_key") {
				continue
			}
			var lines []string
			if err := tx.Raw("EXPLAIN (ANALYZE, BUFFERS) " + s).Scan(&lines).Error; err != nil {
				return err
			}
			plans = append(plans, planSummary(s, lines))
		}
		return nil
	})
	return plans, err
}

// planSummary names a dashboard statement by its grouping (all three in
// one statement, or one of them) and lists its scans of tables and
// indexes, outermost first, its heap fetches and its execution time.
func planSummary(sql string, lines []string) string {
	group := "procedure"
	switch {
	case strings.Contains(sql, "UNION ALL"):
		group = "procedure, department and officer"
	case strings.Contains(sql, "users.username"):
		group = "officer"
	case strings.Contains(sql, "users.department"):
		group = "department"
	}
	var nodes []string
	exec := ""
	for _, l := range lines {
		t := strings.TrimLeft(strings.TrimSpace(l), "-> ")
		switch {
		case strings.Contains(l, "Scan ") && !strings.Contains(l, "CTE Scan") && !strings.Contains(l, "Subquery Scan"):
			if j := strings.Index(t, "  (cost="); j >= 0 {
				t = t[:j]
			}
			nodes = append(nodes, t)
		case strings.HasPrefix(t, "Heap Fetches"):
			nodes = append(nodes, "("+t+")")
		case strings.HasPrefix(t, "Execution Time"):
			exec = t
		}
	}
	return "by " + group + ": " + strings.Join(nodes, " ← ") + "; " + exec
}

// printDashboardTotals prints the dashboard's totals and the page's size.
func printDashboardTotals(out io.Writer, l *reportLoad, board string, d *service.Dashboard, size int) {
	var t models.DashboardRow
	for _, r := range d.ByProcedure {
		t.Open, t.DueSoon, t.Overdue = t.Open+r.Open, t.DueSoon+r.DueSoon, t.Overdue+r.Overdue
		t.Early, t.OnTime, t.Late = t.Early+r.Early, t.OnTime+r.OnTime, t.Late+r.Late
	}
	fmt.Fprintf(out, "dashboard of %s (1 of %d boards) at %s: open %d, due soon %d, overdue %d; finished since %s: "+
		"early %d, on time %d, late %d; every grouping's totals match a direct count; page %d bytes\n",
		board, len(l.boards), d.At.Format("02/01/2006 15:04"), t.Open, t.DueSoon, t.Overdue, d.Month.Format("02/01/2006"),
		t.Early, t.OnTime, t.Late, size)
}

// printDashboardPhase prints one line per timed call (p50 and p99 of the
// renders), the verdict and the plans.
func printDashboardPhase(out io.Writer, l *reportLoad, phase string, timings []reportTiming, plans []string) {
	fmt.Fprintf(out, "\n%-36s %7s %10s %10s %10s %10s\n", phase, "renders", "min", "p50", "p99", "max")
	for _, tm := range timings {
		fmt.Fprintf(out, "%-36s %7d %10s %10s %10s %10s\n", tm.name, len(tm.runs), msText(tm.runs[0]),
			msText(percentile(tm.runs, 50)), msText(percentile(tm.runs, 99)), msText(tm.runs[len(tm.runs)-1]))
	}
	verdict := "the page's p50 is under it"
	if percentile(timings[0].runs, 50) >= dashboardTarget {
		verdict = "the page's p50 is NOT under it"
	}
	fmt.Fprintf(out, "target: the dashboard page over 1,000,000 dossiers under %s; at %d dossiers %s %s\n", dashboardTarget,
		l.n, phase, verdict)
	for _, p := range plans {
		fmt.Fprintln(out, "plan", p)
	}
}
