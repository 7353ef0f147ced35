package bench

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/workflow"
)

// sweepBenchConfig are the flags of `motcua bench sweep`.
type sweepBenchConfig struct {
	url  string
	open []int // open dossiers per measured size
	due  int   // how many of them are overdue or due soon at the sweep instant
	runs int   // repeat runs after the first
}

// sweepBenchAt is the instant every benchmark sweep runs as of: Wed
// 09/12/2026 10:00, a working day.
var sweepBenchAt = time.Date(2026, 12, 9, 10, 0, 0, 0, deadlines.Location)

// endOfDay is added to a local midnight to give a due instant: appointments
// fall due at 23:59:59 of their date.
const endOfDay = 24*time.Hour - time.Second

// sweepPlan is where a size's due dates fall, and the alerts the first
// sweep must raise over them.
type sweepPlan struct {
	open, due int
	overdue   []time.Time // due instants before the sweep instant, working days back
	soon      []time.Time // due today, in 1 and in 2 working days
	far       time.Time   // first due instant of the dossiers not due yet
	want      deadlines.Result
}

// sweepRow is one line of the result table.
type sweepRow struct {
	open, due   int
	load, first time.Duration
	alerts      int
	repeat      []time.Duration // sorted
	plans       string          // the scans each sweep statement was planned with
}

// Sweep runs `motcua bench sweep`: it measures deadlines.Sweeper.Run over
// N open dossiers of which -due are overdue or due soon, for each N of
// -open, on PostgreSQL.
func Sweep(args []string, env Env, out io.Writer) error {
	cfg, err := parseSweepBench(args, env.DB, out)
	if err != nil {
		return err
	}
	if err := ensureBenchDatabase(cfg.url); err != nil {
		return err
	}
	eng := env.Engine
	var rows []sweepRow
	for _, n := range cfg.open {
		row, err := benchSweepSize(context.Background(), eng, cfg, n, out)
		if err != nil {
			return fmt.Errorf("bench sweep (open=%d): %w", n, err)
		}
		rows = append(rows, row)
	}
	printSweepTable(out, rows)
	return nil
}

// parseSweepBench parses the flags of `motcua bench sweep` and refuses
// anything but PostgreSQL; db is the default of -db.
func parseSweepBench(args []string, db string, out io.Writer) (sweepBenchConfig, error) {
	fs := flag.NewFlagSet("bench sweep", flag.ContinueOnError)
	fs.SetOutput(out)
	cfg := sweepBenchConfig{}
	benchDBFlag(fs, &cfg.url, db, "a fresh schema per size is created and dropped")
	open := fs.String("open", "100000,1000000", "comma-separated numbers of open dossiers, one measurement each")
	fs.IntVar(&cfg.due, "due", 10000, "open dossiers overdue (half) or due within 2 working days (half) at the sweep instant")
	fs.IntVar(&cfg.runs, "runs", 5, "repeat sweeps at the same instant after the first (they raise nothing new)")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if err := needPostgres("bench sweep", cfg.url, "partial indexes, advisory lock"); err != nil {
		return cfg, err
	}
	sizes, err := parseSizes(*open)
	if err != nil {
		return cfg, err
	}
	cfg.open = sizes
	if cfg.runs < 1 || cfg.due < 0 || cfg.due > slices.Min(sizes) {
		return cfg, errors.New("bench sweep: -runs must be at least 1 and -due between 0 and the smallest -open")
	}
	return cfg, nil
}

// parseSizes reads a comma-separated list of positive counts.
func parseSizes(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("bench sweep -open: %q is not a positive count", f)
		}
		out = append(out, n)
	}
	return out, nil
}

// newSweeper is the deadline sweeper over db with the engine's calendar,
// as `motcua serve` builds it.
func newSweeper(db *gorm.DB, eng *workflow.Engine) *deadlines.Sweeper {
	return &deadlines.Sweeper{DB: db, Cal: eng.Calendar()}
}

// ensureBenchDatabase creates the database named in raw when the server
// answers that it does not exist.
func ensureBenchDatabase(raw string) error {
	db, err := models.Open(raw)
	if err == nil {
		err = db.Exec("SELECT 1").Error
	}
	if err == nil || !strings.Contains(err.Error(), "does not exist") {
		return err
	}
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	name := strings.TrimPrefix(u.Path, "/")
	u.Path = "/postgres"
	return ensureDatabase(u.String(), name)
}

// benchSweepSize measures one size in its own schema, dropped afterwards.
func benchSweepSize(ctx context.Context, eng *workflow.Engine, cfg sweepBenchConfig, open int, out io.Writer) (sweepRow, error) {
	schema := fmt.Sprintf("bench_sweep_%d", time.Now().UnixNano())
	db, cleanup, err := benchSchema(cfg.url, schema, 4)
	if err != nil {
		return sweepRow{}, err
	}
	defer cleanup()
	start := time.Now()
	plan, err := loadSweepBench(ctx, db, eng, open, cfg.due)
	if err != nil {
		return sweepRow{}, err
	}
	row := sweepRow{open: open, due: cfg.due, load: time.Since(start)}
	fmt.Fprintf(out, "schema %s: %d open dossiers (%d due) loaded and analysed in %s\n", schema, open, cfg.due,
		row.load.Round(time.Millisecond))
	row.first, row.alerts, err = firstSweep(ctx, newSweeper(db, eng), plan)
	if err != nil {
		return row, err
	}
	row.repeat, err = repeatSweeps(ctx, newSweeper(db, eng), cfg.runs)
	if err != nil {
		return row, err
	}
	fmt.Fprintf(out, "  first run %s, %d alerts (%s); %d repeat runs min/median/max %s / %s / %s\n",
		msText(row.first), row.alerts, plan.want, len(row.repeat), msText(row.repeat[0]),
		msText(median(row.repeat)), msText(row.repeat[len(row.repeat)-1]))
	row.plans, err = sweepPlans(ctx, db, eng)
	fmt.Fprintf(out, "  sweep plans: %s\n", row.plans)
	return row, err
}

// loadSweepBench fills a migrated, empty schema: one board with an
// officer and a manager, then open dossiers in review, copied from one
// dossier driven through the engine, whose due dates follow newSweepPlan.
func loadSweepBench(ctx context.Context, db *gorm.DB, eng *workflow.Engine, open, due int) (sweepPlan, error) {
	plan := newSweepPlan(eng.Calendar(), sweepBenchAt, open, due)
	officer, err := sweepBenchBoard(db)
	if err != nil {
		return plan, err
	}
	tpl, err := sweepTemplate(ctx, db, eng, officer)
	if err != nil {
		return plan, err
	}
	if err := bulkDossiers(ctx, db, plan, tpl, officer.ID); err != nil {
		return plan, err
	}
	if err := dropTemplate(ctx, db, tpl); err != nil {
		return plan, err
	}
	if err := db.WithContext(ctx).Exec("VACUUM (ANALYZE) dossiers").Error; err != nil {
		return plan, err
	}
	if err := db.WithContext(ctx).Exec("ANALYZE boards, users, alerts").Error; err != nil {
		return plan, err
	}
	return plan, checkSweepLoad(ctx, db, plan)
}

// newSweepPlan spreads due dossiers evenly over the ids: the k-th of them
// (k = 1…due) is overdue when k is odd, 1 to 5 working days back, and due
// soon when k is even, today, in 1 or in 2 working days by turns. The
// wanted alerts follow: 2 per overdue dossier (officer and manager), 1 per
// due soon, and 1 apology per dossier due in exactly one working day; one
// notification per alert, and one overdue mark per overdue dossier.
func newSweepPlan(cal *deadlines.Calendar, at time.Time, open, due int) sweepPlan {
	p := sweepPlan{open: open, due: due, far: cal.AddWorkingDays(at, 60).Add(endOfDay)}
	for j := 1; j <= 5; j++ {
		p.overdue = append(p.overdue, cal.AddWorkingDays(at, -j).Add(endOfDay))
	}
	for j := 0; j <= 2; j++ {
		p.soon = append(p.soon, cal.AddWorkingDays(at, j).Add(endOfDay))
	}
	for k := 1; k <= due; k++ {
		switch {
		case k%2 == 1:
			p.want.Overdue += 2
			p.want.MarkedOverdue++
		case (k/2)%3 == 1:
			p.want.DueSoon++
			p.want.ApologyDue++
		default:
			p.want.DueSoon++
		}
	}
	// The officer (every dossier's assignee) and the manager have an
	// address: each alert enqueues one email.
	p.want.Notifications = p.want.Total()
	return p
}

// sweepBenchBoard creates the board, its officer and its manager, and
// returns the officer.
func sweepBenchBoard(db *gorm.DB) (*models.User, error) {
	board := models.Board{Code: "BENCH", NameVI: "Ban đo hiệu năng", AgencyCode: "000.00.00.H00"}
	if err := db.Create(&board).Error; err != nil {
		return nil, err
	}
	officer := models.User{BoardID: &board.ID, Username: "bench.officer", FullName: "Cán bộ đo", Email: "officer@bench.motcua.test",
		Role: string(workflow.RoleOfficer), Active: true}
	manager := models.User{BoardID: &board.ID, Username: "bench.manager", FullName: "Lãnh đạo đo", Email: "manager@bench.motcua.test",
		Role: string(workflow.RoleManager), Active: true}
	if err := db.Create(&officer).Error; err != nil {
		return nil, err
	}
	return &officer, db.Create(&manager).Error
}

// sweepTemplate submits, receives and assigns one construction permit
// through the engine, so that the bulk copies carry the columns a real
// dossier in review has.
func sweepTemplate(ctx context.Context, db *gorm.DB, eng *workflow.Engine, officer *models.User) (uint64, error) {
	cfg := benchConfig{procedure: "construction-permit", variant: "new"}
	v, err := benchVersion(eng, cfg)
	if err != nil {
		return 0, err
	}
	return benchDossier(ctx, db, eng, cfg, *officer.BoardID, v.RequiredDocuments(cfg.variant))
}

// bulkDossierSQL copies the template dossier @tpl once per row of
// generate_series(1, open). Row i is the k-th due dossier when
// floor(i·due/open) steps up to k there; @overdue and @soon are the
// plan's overdue and due-soon instants. A quarter of the rows have a step
// deadline 1 to 10 days after the sweep instant. The rows not due fall due
// 60 working days after it or up to 89 days later.
const bulkDossierSQL = `
INSERT INTO dossiers (code, board_id, zone_id, procedure, catalogue_version, variant, channel, title,
	applicant_name, applicant_tax_code, applicant_email, applicant_phone, investor_id, assignee_id,
	state, version, submitted_at, received_at, clock_state, clock_started_at, due_at, original_due_at,
	remaining_days, paused_days, paused_seconds, supplement_count, extension_count,
	step_state, step_started_at, step_due_at, outcome, created_at, updated_at)
SELECT 'SWEEP-' || lpad(g.i::text, 8, '0'), t.board_id, t.zone_id, t.procedure, t.catalogue_version, t.variant,
	t.channel, t.title, t.applicant_name, t.applicant_tax_code, t.applicant_email, t.applicant_phone,
	t.investor_id, @officer, t.state, t.version, r.received - interval '30 minutes', r.received,
	t.clock_state, date_trunc('day', r.received), d.due, d.due, t.remaining_days, 0, 0, 0, 0,
	t.step_state, r.received + interval '1 hour',
	CASE WHEN g.i % 4 = 0 THEN CAST(@at AS timestamptz) + (1 + g.i % 10) * interval '1 day' END,
	'', r.received, r.received + interval '1 hour'
FROM dossiers t
CROSS JOIN generate_series(1, CAST(@open AS bigint)) AS g(i)
CROSS JOIN LATERAL (SELECT (g.i * @due) / @open AS k, ((g.i - 1) * @due) / @open AS prev) s
CROSS JOIN LATERAL (SELECT CASE
	WHEN s.k = s.prev THEN CAST(@far AS timestamptz) + (g.i % 90) * interval '1 day'
	WHEN s.k % 2 = 1 THEN (CAST(@overdue AS timestamptz[]))[(s.k / 2) % 5 + 1]
	ELSE (CAST(@soon AS timestamptz[]))[(s.k / 2) % 3 + 1] END AS due) d
CROSS JOIN LATERAL (SELECT d.due - interval '20 days' AS received) r
WHERE t.id = @tpl`

// bulkDossiers inserts the plan's open dossiers in one set-based statement.
func bulkDossiers(ctx context.Context, db *gorm.DB, p sweepPlan, tpl uint64, officer uint) error {
	args := map[string]any{"officer": officer, "at": sweepBenchAt, "open": p.open, "due": p.due,
		"far": p.far, "overdue": pgTimes(p.overdue), "soon": pgTimes(p.soon), "tpl": tpl}
	res := db.WithContext(ctx).Exec(bulkDossierSQL, args)
	if res.Error != nil {
		return fmt.Errorf("bulk load: %w", res.Error)
	}
	if res.RowsAffected != int64(p.open) {
		return fmt.Errorf("bulk load: %d rows inserted, want %d", res.RowsAffected, p.open)
	}
	return nil
}

// dropTemplate deletes the template dossier with its history and attachments.
func dropTemplate(ctx context.Context, db *gorm.DB, tpl uint64) error {
	return models.InTx(ctx, db, func(tx *gorm.DB) error {
		for _, table := range []string{"attachments", "dossier_events"} {
			if err := tx.Exec("DELETE FROM "+table+" WHERE dossier_id = ?", tpl).Error; err != nil {
				return err
			}
		}
		return tx.Exec("DELETE FROM dossiers WHERE id = ?", tpl).Error
	})
}

// checkSweepLoad counts, independently of the sweeper, the open dossiers
// and those due before the end of the due-soon window.
func checkSweepLoad(ctx context.Context, db *gorm.DB, p sweepPlan) error {
	var open, due int64
	q := db.WithContext(ctx).Model(&models.Dossier{}).Where("finished_at IS NULL")
	if err := q.Count(&open).Error; err != nil {
		return err
	}
	if err := q.Where("due_at <= ?", p.soon[len(p.soon)-1]).Count(&due).Error; err != nil {
		return err
	}
	if open != int64(p.open) || due != int64(p.due) {
		return fmt.Errorf("load check: %d open of which %d due, want %d and %d", open, due, p.open, p.due)
	}
	return nil
}

// firstSweep times the sweep that raises the alerts and checks them
// against the plan.
func firstSweep(ctx context.Context, sw *deadlines.Sweeper, p sweepPlan) (time.Duration, int, error) {
	start := time.Now()
	res, err := sw.Run(ctx, sweepBenchAt)
	took := time.Since(start)
	if err != nil {
		return took, 0, err
	}
	if res != p.want {
		return took, res.Total(), fmt.Errorf("first sweep raised %s (skipped=%v), want %s", res, res.Skipped, p.want)
	}
	var stored int64
	if err := sw.DB.WithContext(ctx).Model(&models.Alert{}).Count(&stored).Error; err != nil {
		return took, res.Total(), err
	}
	if stored != int64(p.want.Total()) {
		return took, res.Total(), fmt.Errorf("%d alerts stored, want %d", stored, p.want.Total())
	}
	return took, res.Total(), nil
}

// repeatSweeps times runs sweeps at the same instant, each of which must
// raise nothing, and returns their durations sorted.
func repeatSweeps(ctx context.Context, sw *deadlines.Sweeper, runs int) ([]time.Duration, error) {
	var out []time.Duration
	for i := 0; i < runs; i++ {
		start := time.Now()
		res, err := sw.Run(ctx, sweepBenchAt)
		out = append(out, time.Since(start))
		if err != nil {
			return nil, err
		}
		if res.Skipped || res.Total() != 0 {
			return nil, fmt.Errorf("repeat sweep %d raised %s (skipped=%v), want nothing", i+1, res, res.Skipped)
		}
	}
	slices.Sort(out)
	return out, nil
}

// pageCapture is a silent gorm logger that keeps, as run, the alert
// statement of each sweep.
type pageCapture struct {
	logger.Interface
	first map[string]string
}

// Trace keeps sql when it is the first alert statement of its sweep. Writing
// out every statement is slow, so a capture never runs in a timed sweep.
func (c *pageCapture) Trace(_ context.Context, _ time.Time, fc func() (string, int64), _ error) {
	sql, _ := fc()
	if k := pageKind(sql); k != "" && c.first[k] == "" {
		c.first[k] = sql
	}
}

// pageKinds are the sweeps, one INSERT … SELECT each.
var pageKinds = []string{"overdue", "due_soon", "apology_due", "step_overdue"}

// pageKind names the sweep an alert statement belongs to, or "".
func pageKind(sql string) string {
	switch {
	case !strings.HasPrefix(sql, "INSERT INTO alerts"):
		return ""
	case strings.Contains(sql, "step_due_at"):
		return "step_overdue"
	case strings.Contains(sql, "extension_count"):
		return "apology_due"
	case strings.Contains(sql, "d.due_at >="):
		return "due_soon"
	}
	return "overdue"
}

// sweepPlans runs one more, untimed sweep that captures the alert
// statements, then EXPLAINs each (without running it). gorm writes the instants without
// their zone, as wall times in deadlines.Location, so the EXPLAIN runs in
// that zone.
func sweepPlans(ctx context.Context, db *gorm.DB, eng *workflow.Engine) (string, error) {
	c := &pageCapture{Interface: logger.Default.LogMode(logger.Silent), first: map[string]string{}}
	if _, err := newSweeper(db.Session(&gorm.Session{Logger: c}), eng).Run(ctx, sweepBenchAt); err != nil {
		return "", err
	}
	var parts []string
	err := models.InTx(ctx, db, func(tx *gorm.DB) error {
		if err := tx.Exec("SET LOCAL TimeZone = '" + deadlines.Location.String() + "'").Error; err != nil {
			return err
		}
		for _, k := range pageKinds {
			var lines []string
			if err := tx.Raw("EXPLAIN " + c.first[k]).Scan(&lines).Error; err != nil {
				return fmt.Errorf("explain %s sweep: %w", k, err)
			}
			parts = append(parts, k+": "+scans(lines))
		}
		return nil
	})
	return strings.Join(parts, "; "), err
}

// scans lists the scan nodes of an EXPLAIN, outermost first, without costs.
func scans(lines []string) string {
	var out []string
	for _, l := range lines {
		if !strings.Contains(l, "Scan ") {
			continue
		}
		l = strings.TrimLeft(strings.TrimSpace(l), "-> ")
		if j := strings.Index(l, "  (cost="); j >= 0 {
			l = l[:j]
		}
		out = append(out, l)
	}
	return strings.Join(out, " ← ")
}

// median returns the middle of sorted durations (the upper middle for an
// even count).
func median(sorted []time.Duration) time.Duration { return sorted[len(sorted)/2] }

// msText formats a duration in milliseconds with one decimal.
func msText(d time.Duration) string { return fmt.Sprintf("%.1f ms", ms(d)) }

// pgTimes writes instants as a PostgreSQL array literal, for a
// CAST(@name AS timestamptz[]) argument.
func pgTimes(ts []time.Time) string {
	var parts []string
	for _, t := range ts {
		parts = append(parts, t.Format(time.RFC3339))
	}
	return "{" + strings.Join(parts, ",") + "}"
}

// printSweepTable prints one line per size.
func printSweepTable(out io.Writer, rows []sweepRow) {
	fmt.Fprintf(out, "\n%10s %8s %10s %14s %8s %16s\n", "open", "due", "load", "first run", "alerts", "repeat median")
	for _, r := range rows {
		fmt.Fprintf(out, "%10d %8d %10s %14s %8d %16s\n", r.open, r.due, r.load.Round(10*time.Millisecond),
			msText(r.first), r.alerts, msText(median(r.repeat)))
	}
	fmt.Fprintf(out, "sweeps as of %s; target: first run under 1 s at 1,000,000 open with 10,000 due\n",
		sweepBenchAt.Format(time.RFC3339))
}
