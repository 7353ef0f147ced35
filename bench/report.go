package bench

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/reports"
	"github.com/motcua/motcua/workflow"
)

// reportBenchConfig are the flags of `motcua bench report`.
type reportBenchConfig struct {
	loadFlags
	runs int
}

// loadFlags are the flags of the 1,000,000-dossier load that bench report
// and bench dashboard share.
type loadFlags struct {
	url      string
	dossiers int
	boards   int
	keep     bool
	seal     bool
}

// register adds the load's flags to fs; db is the default of -db.
func (l *loadFlags) register(fs *flag.FlagSet, db, dossiersUsage, boardsUsage string) {
	benchDBFlag(fs, &l.url, db, "a fresh schema is created and dropped")
	fs.IntVar(&l.dossiers, "dossiers", 1000000, dossiersUsage)
	fs.IntVar(&l.boards, "boards", 4, boardsUsage)
	fs.BoolVar(&l.keep, "keep", false, "keep the schema afterwards (to EXPLAIN by hand)")
	fs.BoolVar(&l.seal, "seal", false, sealUsage)
}

// check refuses anything but PostgreSQL and counts out of range; n is the
// command's own count (-runs, -renders), which must be at least 1.
func (l loadFlags) check(cmd, nFlag string, n int) error {
	if err := needPostgres(cmd, l.url, "set-based bulk load, the target is a PostgreSQL figure"); err != nil {
		return err
	}
	if l.dossiers < 1 || l.dossiers > 99999999 || l.boards < 1 || l.boards > 99 || n < 1 {
		return fmt.Errorf("%s: -dossiers must be 1 to 99999999, -boards 1 to 99 and %s at least 1", cmd, nFlag)
	}
	return nil
}

// reportBenchPeriod is the period every benchmark report covers: the
// dossiers are received over it.
const reportBenchPeriod = "2025"

// reportTarget is the time a one-year report must take at 1,000,000
// dossiers.
const reportTarget = 500 * time.Millisecond

// Report runs `motcua bench report`: it loads -dossiers dossiers received
// over 2025 on PostgreSQL, then times Biểu 06 and Decision 766 for 2025,
// for every board and for one, and checks their figures against the load
// plan.
func Report(args []string, env Env, out io.Writer) error {
	cfg, err := parseReportBench(args, env.DB, out)
	if err != nil {
		return err
	}
	if err := ensureBenchDatabase(cfg.url); err != nil {
		return err
	}
	eng := env.Engine
	schema := fmt.Sprintf("bench_report_%d", time.Now().UnixNano())
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
	load, err := loadReportBench(ctx, db, eng, cfg.dossiers, cfg.boards, cfg.seal)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "schema %s: %d dossiers on %d boards, %d history rows, loaded and analysed in %s\n",
		schema, cfg.dossiers, cfg.boards, load.events, time.Since(start).Round(time.Millisecond))
	return runReportBench(ctx, db, eng, load, cfg.runs, out)
}

// parseReportBench parses the flags of `motcua bench report` and refuses
// anything but PostgreSQL; db is the default of -db.
func parseReportBench(args []string, db string, out io.Writer) (reportBenchConfig, error) {
	fs := flag.NewFlagSet("bench report", flag.ContinueOnError)
	fs.SetOutput(out)
	cfg := reportBenchConfig{}
	cfg.register(fs, db, "dossiers received over "+reportBenchPeriod, "boards sharing the dossiers evenly")
	fs.IntVar(&cfg.runs, "runs", 5, "timed runs of each report")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	return cfg, cfg.check("bench report", "-runs", cfg.runs)
}

// reportBenchAt is when the templates are submitted: Thu 02/01/2025 08:30.
// Copies are shifted by 0 to 363 whole days, so that they are received
// from 02/01/2025 to 31/12/2025.
var reportBenchAt = time.Date(2025, 1, 2, 8, 30, 0, 0, deadlines.Location)

// stopWhen is when the event that stops the clock fires, against the
// appointment in force.
type stopWhen int

const (
	stopEarly  stopWhen = iota // halfway to the appointment date
	stopOnTime                 // on the appointment date
	stopLate                   // three days after it
)

// reportPath is one way a benchmark dossier goes after submission: its
// events, when the clock stops, and how many dossiers in 1000 of a
// procedure go that way. Open paths stop nowhere and are received in the
// last 60 days of the year.
type reportPath struct {
	name   string
	events []workflow.Event
	when   stopWhen
	weight int
	open   bool
}

var (
	evReceive    = workflow.EventReceive
	evAssign     = workflow.EventAssign
	evPropose    = workflow.EventPropose
	evApprove    = workflow.EventApprove
	evRefuse     = workflow.EventRefuse
	evReturn     = workflow.EventReturnResult
	evRequest    = workflow.EventRequestSupplement
	evResubmit   = workflow.EventResubmit
	evWithdraw   = workflow.EventWithdraw
	evStopReview = workflow.Event("stop")
)

// reportPaths mix outcomes as a desk's year does: 93% finished (about 6
// history rows each), 7% still open; refusals, withdrawals and appraisal
// stops are a few percent. A procedure without a stop event sends those
// dossiers to the first path.
var reportPaths = []reportPath{
	{name: "approved early", events: []workflow.Event{evReceive, evAssign, evPropose, evApprove, evReturn}, when: stopEarly, weight: 500},
	{name: "approved on time", events: []workflow.Event{evReceive, evAssign, evPropose, evApprove, evReturn}, when: stopOnTime, weight: 150},
	{name: "approved late", events: []workflow.Event{evReceive, evAssign, evPropose, evApprove, evReturn}, when: stopLate, weight: 90},
	{name: "supplemented, approved", events: []workflow.Event{evReceive, evAssign, evRequest, evResubmit, evPropose, evApprove, evReturn},
		when: stopEarly, weight: 100},
	{name: "refused", events: []workflow.Event{evReceive, evAssign, evPropose, evRefuse, evReturn}, when: stopEarly, weight: 40},
	{name: "refused late", events: []workflow.Event{evReceive, evAssign, evPropose, evRefuse, evReturn}, when: stopLate, weight: 10},
	{name: "withdrawn", events: []workflow.Event{evReceive, evAssign, evWithdraw}, when: stopEarly, weight: 30},
	{name: "stopped", events: []workflow.Event{evReceive, evAssign, evRequest, evStopReview}, when: stopEarly, weight: 10},
	{name: "in review", events: []workflow.Event{evReceive, evAssign}, weight: 50, open: true},
	{name: "pending decision", events: []workflow.Event{evReceive, evAssign, evPropose}, weight: 10, open: true},
	{name: "awaiting supplement", events: []workflow.Event{evReceive, evAssign, evRequest}, weight: 10, open: true},
}

// reportProcWeights is how many dossiers in 1000 each procedure has;
// procedures not listed (none in the shipped catalogue) get 100.
var reportProcWeights = map[string]int{"investment-certificate": 400, "construction-permit": 250,
	"environmental-licence": 150, "feasibility-appraisal": 100, "union-registration": 100}

// reportTemplate is a dossier driven through the engine, which the bulk
// load copies; ending is its clock-stopping event ("" if open).
type reportTemplate struct {
	d      models.Dossier
	events []models.DossierEvent
	ending workflow.Event
	open   bool
}

// reportLoad is what the bulk load did: the boards, the templates and the
// 1000 slots that map a dossier's hash to its template.
type reportLoad struct {
	n      int
	boards []models.Board
	tpls   map[uint64]*reportTemplate
	slots  []uint64 // template id of each slot
	events int64
	seal   bool // hash the copies' history (models.SealUnsealed)
}

// loadReportBench fills a migrated, empty schema: boards, one template
// per procedure and path, then n copies spread over 2025, their history
// rows, and statistics.
func loadReportBench(ctx context.Context, db *gorm.DB, eng *workflow.Engine, n, nBoards int, seal bool) (*reportLoad, error) {
	l := &reportLoad{n: n, tpls: map[uint64]*reportTemplate{}, seal: seal}
	for b := 1; b <= nBoards; b++ {
		board := models.Board{Code: fmt.Sprintf("BENCH%02d", b), NameVI: fmt.Sprintf("Ban đo hiệu năng %d", b),
			AgencyCode: fmt.Sprintf("000.00.%02d.H00", b)}
		if err := db.WithContext(ctx).Create(&board).Error; err != nil {
			return nil, err
		}
		l.boards = append(l.boards, board)
	}
	if err := l.templates(ctx, db, eng); err != nil {
		return nil, err
	}
	if err := l.copy(ctx, db); err != nil {
		return nil, err
	}
	for id := range l.tpls {
		if err := dropTemplate(ctx, db, id); err != nil {
			return nil, err
		}
	}
	err := models.InTx(ctx, db, func(tx *gorm.DB) error {
		_, err := models.RebuildReportCounts(ctx, tx)
		return err
	})
	if err != nil {
		return nil, err
	}
	for _, stmt := range []string{"DELETE FROM notifications", "DELETE FROM investment_records",
		"DELETE FROM investment_projects", "VACUUM (ANALYZE) dossiers", "VACUUM (ANALYZE) dossier_events",
		"VACUUM (ANALYZE) report_counts", "ANALYZE boards"} {
		if err := db.WithContext(ctx).Exec(stmt).Error; err != nil {
			return nil, fmt.Errorf("%s: %w", stmt, err)
		}
	}
	return l, db.WithContext(ctx).Raw("SELECT COUNT(*) FROM dossier_events").Scan(&l.events).Error
}

// templates drives one dossier per procedure and path through the engine
// and lays out the slots by weight.
func (l *reportLoad) templates(ctx context.Context, db *gorm.DB, eng *workflow.Engine) error {
	cat := eng.Catalogue()
	weights := map[uint64]int{}
	var order []uint64
	for _, code := range cat.Order {
		v, err := cat.Procedures[code].VersionAt(reportBenchAt)
		if err != nil {
			return err
		}
		var first uint64
		for _, p := range reportPaths {
			w := p.weight * procWeight(code)
			if !hasEvents(v, p.events) {
				weights[first] += w
				continue
			}
			tpl, err := driveTemplate(ctx, db, eng, l.boards[0].ID, code, v, p)
			if err != nil {
				return fmt.Errorf("template %s, %s: %w", code, p.name, err)
			}
			l.tpls[tpl.d.ID] = tpl
			if first == 0 {
				first = tpl.d.ID
			}
			weights[tpl.d.ID] += w
			order = append(order, tpl.d.ID)
		}
	}
	l.slots = spreadSlots(order, weights, 1000)
	return nil
}

func procWeight(code string) int {
	if w, ok := reportProcWeights[code]; ok {
		return w
	}
	return 100
}

// hasEvents reports whether the version defines every event of a path.
func hasEvents(v *workflow.Version, evs []workflow.Event) bool {
	for _, e := range evs {
		if _, ok := v.Event(e); !ok {
			return false
		}
	}
	return true
}

// spreadSlots gives each template a number of the n slots proportional
// to its weight (largest remainders), in template order.
func spreadSlots(order []uint64, weights map[uint64]int, n int) []uint64 {
	total := 0
	for _, id := range order {
		total += weights[id]
	}
	counts := make([]int, len(order))
	rems := make([]int, len(order))
	given := 0
	for i, id := range order {
		counts[i], rems[i] = weights[id]*n/total, weights[id]*n%total
		given += counts[i]
	}
	byRem := make([]int, len(order))
	for i := range byRem {
		byRem[i] = i
	}
	slices.SortStableFunc(byRem, func(a, b int) int { return rems[b] - rems[a] })
	for k := 0; given < n; k, given = k+1, given+1 {
		counts[byRem[k%len(byRem)]]++
	}
	var out []uint64
	for i, id := range order {
		for j := 0; j < counts[i]; j++ {
			out = append(out, id)
		}
	}
	return out
}

// driveTemplate submits a dossier at the desk at reportBenchAt and fires
// the path's events: receipt 30 minutes later, then an hour apart, a day
// before a supplementation request and two before the supplement; the
// clock stops as the path says and the result is returned a day later.
func driveTemplate(ctx context.Context, db *gorm.DB, eng *workflow.Engine, board uint, code string,
	v *workflow.Version, p reportPath) (*reportTemplate, error) {
	variant := v.Variants[0].Code
	var atts []workflow.AttachmentInput
	for _, c := range v.RequiredDocuments(variant) {
		atts = append(atts, workflow.AttachmentInput{DocumentCode: c, FileName: c + ".pdf"})
	}
	tpl := &reportTemplate{open: p.open}
	err := models.InTx(ctx, db, func(tx *gorm.DB) error {
		d, err := eng.Submit(ctx, tx, workflow.SubmitInput{BoardID: board, Procedure: code, Variant: variant,
			Channel: models.ChannelDirect, ApplicantName: "Công ty TNHH Đo Hiệu Năng", Attachments: atts}, benchOfficer, reportBenchAt)
		if err != nil {
			return err
		}
		at := reportBenchAt
		for _, ev := range p.events {
			def, _ := v.Event(ev)
			switch {
			case def.Clock == workflow.ClockStop:
				at = stopInstant(d, at, p.when)
				tpl.ending = ev
			case ev == evReturn:
				at = at.Add(24 * time.Hour)
			case ev == evRequest:
				at = at.Add(24 * time.Hour)
			case ev == evResubmit:
				at = at.Add(48 * time.Hour)
			case ev == evReceive:
				at = at.Add(30 * time.Minute)
			default:
				at = at.Add(time.Hour)
			}
			actor := workflow.Actor{Role: templateRole(def), Name: "bench"}
			in := workflow.Input{Comment: "Đo hiệu năng / benchmark"}
			if slices.Contains(def.Guards, workflow.GuardAssignee) {
				if in.AssigneeID, err = benchAssignee(ctx, tx, board); err != nil {
					return err
				}
			}
			if slices.Contains(def.Guards, workflow.GuardResult) {
				in.Result = &workflow.ResultInput{Medium: workflow.ResultPaper}
			}
			if ev == evApprove && eng.InvestmentKind(d) == models.InvestmentIssue {
				if in.Investment, err = templateProject(ctx, tx, d); err != nil {
					return err
				}
			}
			if _, err := eng.Fire(ctx, tx, d, ev, actor, at, in); err != nil {
				return fmt.Errorf("%s at %s: %w", ev, at.Format(time.RFC3339), err)
			}
		}
		tpl.d = *d
		tpl.events, err = models.History(ctx, tx, d.ID)
		return err
	})
	return tpl, err
}

// templateProject is the project approving an investment certificate
// issues: domestic, 1 tỷ đồng, in the board's zone (created once).
func templateProject(ctx context.Context, tx *gorm.DB, d *models.Dossier) (*workflow.InvestmentInput, error) {
	z := models.Zone{BoardID: d.BoardID, Name: "Khu công nghiệp Đo Hiệu Năng"}
	if err := tx.WithContext(ctx).Where("board_id = ?", d.BoardID).FirstOrCreate(&z).Error; err != nil {
		return nil, err
	}
	domestic := false
	return &workflow.InvestmentInput{ProjectCode: "DA-" + d.Code, Name: "Dự án đo hiệu năng", ZoneID: &z.ID,
		Foreign: &domestic, Capital: "1000000000", Currency: "VND"}, nil
}

// stopInstant is when the clock-stopping event fires, at 10:00: halfway
// to the appointment date, on it, or three days after it; five days on
// when no appointment runs (clock paused), never before the last event.
func stopInstant(d *models.Dossier, prev time.Time, when stopWhen) time.Time {
	t := prev.Add(5 * 24 * time.Hour)
	if d.DueAt != nil {
		due := deadlines.DateOf(*d.DueAt)
		switch when {
		case stopOnTime:
			t = due.Add(10 * time.Hour)
		case stopLate:
			t = due.AddDate(0, 0, 3).Add(10 * time.Hour)
		default:
			from := deadlines.DateOf(prev)
			t = from.AddDate(0, 0, int(due.Sub(from).Hours()/24)/2).Add(10 * time.Hour)
		}
	}
	if !t.After(prev) {
		t = prev.Add(time.Hour)
	}
	return t
}

// templateRole picks who fires an event: an officer, a leader, else an
// investor.
func templateRole(def *workflow.EventDef) workflow.Role {
	for _, r := range []workflow.Role{workflow.RoleOfficer, workflow.RoleLeader, workflow.RoleInvestor} {
		if slices.Contains(def.Roles, r) {
			return r
		}
	}
	return workflow.RoleSystem
}

// reportPlanSQL gives each copy i = 1…@n its template, board, channel and
// shift in days. h is a multiplicative hash of i; its low three digits
// pick the slot, the next ones the board and the channel (3 in 5
// online, then direct, then postal). Finished paths are received in i
// order over the year (shift 0 to 363 days); open ones in its last 60
// days. planFor computes the same in Go.
const reportPlanSQL = `SELECT g.i, (CAST(@slots AS bigint[]))[h.h % 1000 + 1] AS tpl,
	(CAST(@boards AS bigint[]))[(h.h / 1000) % @nboards + 1] AS board,
	CASE (h.h / 100000) % 5 WHEN 3 THEN 'direct' WHEN 4 THEN 'postal' ELSE 'online' END AS channel,
	(CASE WHEN (CAST(@recent AS boolean[]))[h.h % 1000 + 1] THEN 363 - (h.h / 7) % 60
		ELSE ((g.i - 1) * 364) / @n END) * interval '24 hours' AS shift
FROM generate_series(1, CAST(@n AS bigint)) AS g(i)
CROSS JOIN LATERAL (SELECT (g.i * 2654435761) % 4294967296 AS h) h`

// copyDossiersSQL copies the templates as planned, with ids @base + i
// and every instant shifted; updated_at is the last event's instant.
const copyDossiersSQL = `
INSERT INTO dossiers (id, code, board_id, zone_id, procedure, catalogue_version, variant, channel, title,
	applicant_name, applicant_tax_code, applicant_email, applicant_phone, investor_id, assignee_id,
	state, version, submitted_at, received_at, clock_state, clock_started_at, due_at, original_due_at, paused_at,
	remaining_days, paused_days, paused_seconds, supplement_count, extension_count,
	step_state, step_started_at, step_due_at, finished_at, outcome, end_state, created_at, updated_at)
SELECT @base + p.i, 'RPT-' || lpad(p.i::text, 8, '0'), p.board, t.zone_id, t.procedure, t.catalogue_version,
	t.variant, p.channel, t.title, t.applicant_name, t.applicant_tax_code, t.applicant_email, t.applicant_phone,
	t.investor_id, t.assignee_id, t.state, t.version, t.submitted_at + p.shift, t.received_at + p.shift,
	t.clock_state, t.clock_started_at + p.shift, t.due_at + p.shift, t.original_due_at + p.shift, t.paused_at + p.shift,
	t.remaining_days, t.paused_days, t.paused_seconds, t.supplement_count, t.extension_count,
	t.step_state, t.step_started_at + p.shift, t.step_due_at + p.shift, t.finished_at + p.shift, t.outcome, t.end_state,
	t.submitted_at + p.shift, last.at + p.shift
FROM (` + reportPlanSQL + `) p
JOIN dossiers t ON t.id = p.tpl
JOIN (SELECT dossier_id, MAX(at) AS at FROM dossier_events GROUP BY dossier_id) last ON last.dossier_id = t.id
ORDER BY p.i`

// copyEventsSQL copies the templates' history rows for each copy, in
// the order of their instants, as the engine would have appended them.
const copyEventsSQL = `
INSERT INTO dossier_events (dossier_id, seq, event, from_state, to_state, actor_id, actor_role, actor_name, at,
	comment, step_state, step_due_at, step_outcome, due_at, outcome, data, created_at)
SELECT @base + p.i, e.seq, e.event, e.from_state, e.to_state, e.actor_id, e.actor_role, e.actor_name, e.at + p.shift,
	e.comment, e.step_state, e.step_due_at + p.shift, e.step_outcome, e.due_at + p.shift, e.outcome, e.data,
	e.at + p.shift
FROM (` + reportPlanSQL + `) p
JOIN dossier_events e ON e.dossier_id = p.tpl
ORDER BY e.at + p.shift, p.i, e.seq`

// copy inserts the copies and their history in two set-based statements.
func (l *reportLoad) copy(ctx context.Context, db *gorm.DB) error {
	var base uint64
	if err := db.WithContext(ctx).Raw("SELECT COALESCE(MAX(id), 0) FROM dossiers").Scan(&base).Error; err != nil {
		return err
	}
	args := l.planArgs()
	args["base"] = base
	res := db.WithContext(ctx).Exec(copyDossiersSQL, args)
	if res.Error != nil {
		return fmt.Errorf("bulk load dossiers: %w", res.Error)
	}
	if res.RowsAffected != int64(l.n) {
		return fmt.Errorf("bulk load: %d dossiers inserted, want %d", res.RowsAffected, l.n)
	}
	if err := db.WithContext(ctx).Exec(copyEventsSQL, args).Error; err != nil {
		return fmt.Errorf("bulk load history: %w", err)
	}
	if l.seal { // chain the copies' history as the engine would
		if _, err := models.SealUnsealed(ctx, db); err != nil {
			return fmt.Errorf("bulk load history hashes: %w", err)
		}
	}
	return db.WithContext(ctx).Exec("SELECT setval(pg_get_serial_sequence('dossiers', 'id'), (SELECT MAX(id) FROM dossiers))").Error
}

// planArgs are the named parameters of reportPlanSQL.
func (l *reportLoad) planArgs() map[string]any {
	slots := make([]string, len(l.slots))
	recent := make([]string, len(l.slots))
	for i, id := range l.slots {
		slots[i], recent[i] = fmt.Sprint(id), fmt.Sprint(l.tpls[id].open)
	}
	boards := make([]string, len(l.boards))
	for i, b := range l.boards {
		boards[i] = fmt.Sprint(b.ID)
	}
	return map[string]any{"n": l.n, "nboards": len(l.boards), "slots": "{" + strings.Join(slots, ",") + "}",
		"recent": "{" + strings.Join(recent, ",") + "}", "boards": "{" + strings.Join(boards, ",") + "}"}
}

// plannedCopy is copy i as reportPlanSQL plans it.
type plannedCopy struct {
	tpl     *reportTemplate
	board   uint
	channel models.Channel
	shift   time.Duration
}

// planFor is reportPlanSQL in Go.
func (l *reportLoad) planFor(i int64) plannedCopy {
	h := (i * 2654435761) % 4294967296
	tpl := l.tpls[l.slots[h%1000]]
	c := plannedCopy{tpl: tpl, board: l.boards[(h/1000)%int64(len(l.boards))].ID, channel: models.ChannelOnline}
	switch (h / 100000) % 5 {
	case 3:
		c.channel = models.ChannelDirect
	case 4:
		c.channel = models.ChannelPostal
	}
	days := ((i - 1) * 364) / int64(l.n)
	if tpl.open {
		days = 363 - (h/7)%60
	}
	c.shift = time.Duration(days) * 24 * time.Hour
	return c
}

// expectedCell is what the plan says one board and procedure's row and
// Decision 766 counts must be.
type expectedCell struct {
	row                      reports.Row
	handled, good, completed int
}

// expectReports counts, from the plan and the templates' history rows
// (not from the copies, nor through package reports), every cell of
// Biểu 06 and the 2.1 counts of Decision 766 for p, per board and
// procedure.
func (l *reportLoad) expectReports(p reports.Period) map[boardProcKey]*expectedCell {
	out := map[boardProcKey]*expectedCell{}
	start, end, lastDay := p.Start(), p.End(), deadlines.DateOf(p.LastDay())
	for i := int64(1); i <= int64(l.n); i++ {
		c := l.planFor(i)
		recv, fin := shifted(c.tpl.d.ReceivedAt, c.shift), shifted(c.tpl.d.FinishedAt, c.shift)
		if recv == nil || !recv.Before(end) || (fin != nil && fin.Before(start)) {
			continue
		}
		k := boardProcKey{c.board, c.tpl.d.Procedure}
		x := out[k]
		if x == nil {
			x = &expectedCell{}
			out[k] = x
		}
		x.add(c, *recv, fin, start, end, lastDay)
	}
	return out
}

// boardProcKey keys a board's procedure.
type boardProcKey struct {
	board uint
	proc  string
}

// add counts one handled copy.
func (x *expectedCell) add(c plannedCopy, recv time.Time, fin *time.Time, start, end, lastDay time.Time) {
	r := &x.row
	x.handled++
	if recv.Before(start) {
		r.CarriedOver++
	} else {
		r.ReceivedTotal++
		if c.channel == models.ChannelOnline {
			r.ReceivedOnline++
		} else {
			r.ReceivedOffline++
		}
	}
	if fin != nil && fin.Before(end) {
		r.ResolvedTotal++
		x.completed++
		switch c.tpl.d.Outcome {
		case "early":
			r.ResolvedEarly++
			x.good++
		case "on_time":
			r.ResolvedOnTime++
			x.good++
		default:
			r.ResolvedLate++
		}
		r.Refused += b2i(c.tpl.ending == evRefuse)
		r.Withdrawn += b2i(c.tpl.ending == evWithdraw)
		return
	}
	r.InProgressTotal++
	var due *time.Time
	for _, e := range c.tpl.events {
		if e.At.Add(c.shift).Before(end) {
			due = shifted(e.DueAt, c.shift)
		}
	}
	if due != nil && deadlines.DateOf(*due).Before(lastDay) {
		r.InProgressOverdue++
	} else {
		r.InProgressWithin++
		x.good++
	}
}

func shifted(t *time.Time, by time.Duration) *time.Time {
	if t == nil {
		return nil
	}
	s := t.Add(by)
	return &s
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// reportTiming is one timed report.
type reportTiming struct {
	name string
	runs []time.Duration // sorted
}

// runReportBench checks every report against the plan, then times each
// one --runs times and prints the plan of the Biểu 06 statement.
func runReportBench(ctx context.Context, db *gorm.DB, eng *workflow.Engine, l *reportLoad, runs int, out io.Writer) error {
	p, err := reports.ParsePeriod(reportBenchPeriod)
	if err != nil {
		return err
	}
	total, err := checkReportBench(ctx, db, eng, l, p)
	if err != nil {
		return err
	}
	t := total.Total
	fmt.Fprintf(out, "  %s: received %d (online %d), carried over %d, resolved %d (early %d, on time %d, late %d; "+
		"refused %d, withdrawn %d), in progress %d (overdue %d): identities hold and every cell matches the load plan\n",
		p.Label.EN, t.ReceivedTotal, t.ReceivedOnline, t.CarriedOver, t.ResolvedTotal, t.ResolvedEarly, t.ResolvedOnTime,
		t.ResolvedLate, t.Refused, t.Withdrawn, t.InProgressTotal, t.InProgressOverdue)
	one := l.boards[0].ID
	cat, cal := eng.Catalogue(), eng.Calendar()
	jobs := []struct {
		name string
		fn   func() error
	}{
		{"Biểu 06, all boards", func() error { _, err := reports.Bieu06(ctx, db, cat, reports.Query{Period: p}); return err }},
		{"Biểu 06, one board", func() error {
			_, err := reports.Bieu06(ctx, db, cat, reports.Query{Period: p, BoardID: &one})
			return err
		}},
		{"Decision 766, all boards", func() error {
			_, err := reports.Decision766(ctx, db, cat, cal, reports.Query{Period: p})
			return err
		}},
		{"Decision 766, one board", func() error {
			_, err := reports.Decision766(ctx, db, cat, cal, reports.Query{Period: p, BoardID: &one})
			return err
		}},
	}
	var timings []reportTiming
	for _, j := range jobs {
		rt := reportTiming{name: j.name}
		for i := 0; i < runs; i++ {
			start := time.Now()
			if err := j.fn(); err != nil {
				return fmt.Errorf("%s: %w", j.name, err)
			}
			rt.runs = append(rt.runs, time.Since(start))
		}
		slices.Sort(rt.runs)
		timings = append(timings, rt)
	}
	var plans []string
	for _, q := range []reports.Query{{Period: p}, {Period: p, BoardID: &one}} {
		plan, err := reportPlan(ctx, db, cat, q)
		if err != nil {
			return err
		}
		plans = append(plans, plan)
	}
	printReportTable(out, l, p, timings, plans)
	return nil
}

// checkReportBench computes every report once, untimed: Biểu 06 for all
// boards and for each board, Decision 766 for all boards. Every line must
// balance, every procedure's row and indicator must equal the plan's
// counts, and the boards' reports must add up to the all-boards one.
func checkReportBench(ctx context.Context, db *gorm.DB, eng *workflow.Engine, l *reportLoad, p reports.Period) (*reports.Report, error) {
	want := l.expectReports(p)
	cat := eng.Catalogue()
	all, err := reports.Bieu06(ctx, db, cat, reports.Query{Period: p})
	if err != nil {
		return nil, err
	}
	if err := checkBieu06(all, want, nil); err != nil {
		return nil, fmt.Errorf("Biểu 06, all boards: %w", err)
	}
	var sum reports.Row
	for _, b := range l.boards {
		rep, err := reports.Bieu06(ctx, db, cat, reports.Query{Period: p, BoardID: &b.ID})
		if err != nil {
			return nil, err
		}
		if err := checkBieu06(rep, want, &b.ID); err != nil {
			return nil, fmt.Errorf("Biểu 06, board %s: %w", b.Code, err)
		}
		sum = addRows(sum, rep.Total)
	}
	if sum != withoutLabels(all.Total) {
		return nil, fmt.Errorf("the boards' totals add up to %+v, the all-boards total is %+v", sum, all.Total)
	}
	ind, err := reports.Decision766(ctx, db, cat, eng.Calendar(), reports.Query{Period: p})
	if err != nil {
		return nil, err
	}
	return all, checkIndicators(ind, want, all.Total)
}

// checkBieu06 checks a report's identities and its rows against the plan
// for one board (nil: all).
func checkBieu06(rep *reports.Report, want map[boardProcKey]*expectedCell, board *uint) error {
	for _, line := range rep.Lines() {
		if !line.Balanced() {
			return fmt.Errorf("line %q does not balance: %+v", line.Name.VI, line)
		}
	}
	var total reports.Row
	for _, line := range rep.Lines() {
		if line.Procedure == "" {
			continue
		}
		var w reports.Row
		for k, x := range want {
			if k.proc == line.Procedure && (board == nil || k.board == *board) {
				w = addRows(w, x.row)
			}
		}
		if got := withoutLabels(line); got != w {
			return fmt.Errorf("%s:\n got %+v\nwant %+v", line.Procedure, got, w)
		}
		total = addRows(total, w)
	}
	if got := withoutLabels(rep.Total); got != total {
		return fmt.Errorf("total:\n got %+v\nwant %+v", got, total)
	}
	return nil
}

// checkIndicators checks Decision 766's counts per board and procedure
// against the plan, and its totals against Biểu 06.
func checkIndicators(ind *reports.Indicators766, want map[boardProcKey]*expectedCell, total reports.Row) error {
	handled, completed := 0, 0
	for _, b := range ind.Boards {
		for _, pi := range b.Procedures {
			x := want[boardProcKey{b.BoardID, pi.Procedure}]
			if x == nil {
				x = &expectedCell{}
			}
			if pi.Handled != x.handled || pi.OnTime != x.good || pi.Completed != x.completed || pi.MultiSupplement != 0 {
				return fmt.Errorf("Decision 766, board %d, %s: handled %d on time %d completed %d multi %d, want %d %d %d 0",
					b.BoardID, pi.Procedure, pi.Handled, pi.OnTime, pi.Completed, pi.MultiSupplement, x.handled, x.good, x.completed)
			}
		}
		handled, completed = handled+b.Total.Handled, completed+b.Total.Completed
	}
	if handled != total.ReceivedTotal+total.CarriedOver || completed != total.ResolvedTotal {
		return fmt.Errorf("Decision 766 handled %d, completed %d; Biểu 06 handled %d, resolved %d",
			handled, completed, total.ReceivedTotal+total.CarriedOver, total.ResolvedTotal)
	}
	return nil
}

// withoutLabels keeps a row's counts only.
func withoutLabels(r reports.Row) reports.Row {
	r.Procedure, r.Name, r.Field = "", workflow.Text{}, ""
	return r
}

// addRows adds two rows' counts.
func addRows(a, b reports.Row) reports.Row {
	a.Add(b)
	return a
}

// statementCapture is a silent gorm logger that keeps the statements run.
type statementCapture struct {
	logger.Interface
	sqls []string
}

func (c *statementCapture) Trace(_ context.Context, _ time.Time, fc func() (string, int64), _ error) {
	sql, _ := fc()
	c.sqls = append(c.sqls, sql)
}

// reportPlan runs Biểu 06 for q once more, untimed, capturing its
// statements, and EXPLAINs the counting one with the report's settings
// (reports.PostgresSettings); it returns the plan's scan, aggregate and
// gather nodes, outermost first.
func reportPlan(ctx context.Context, db *gorm.DB, cat *workflow.Catalogue, q reports.Query) (string, error) {
	c := &statementCapture{Interface: logger.Default.LogMode(logger.Silent)}
	if _, err := reports.Bieu06(ctx, db.Session(&gorm.Session{Logger: c}), cat, q); err != nil {
		return "", err
	}
	var counting string
	for _, s := range c.sqls {
		if strings.Contains(s, "FROM report_counts") {
			counting = s
		}
	}
	if counting == "" {
		return "", errors.New("no counting statement captured")
	}
	var lines []string
	err := models.InTx(ctx, db, func(tx *gorm.DB) error {
		// gorm writes the instants without their zone, as wall times in
		// deadlines.Location: EXPLAIN them in that zone.
		settings := append([]string{"SET LOCAL TimeZone = '" + deadlines.Location.String() + "'"}, reports.PostgresSettings...)
		for _, s := range settings {
			if err := tx.Exec(s).Error; err != nil {
				return err
			}
		}
		return tx.Raw("EXPLAIN " + counting).Scan(&lines).Error
	})
	var nodes []string
	for _, line := range lines {
		if strings.Contains(line, "Scan ") || strings.Contains(line, "Aggregate") || strings.Contains(line, "Gather") {
			line = strings.TrimLeft(strings.TrimSpace(line), "-> ")
			if j := strings.Index(line, "  (cost="); j >= 0 {
				line = line[:j]
			}
			nodes = append(nodes, line)
		}
	}
	return strings.Join(nodes, " ← "), err
}

// printReportTable prints one line per timed report, whether the medians
// meet the target, and the plans of Biểu 06 for all boards and one board.
func printReportTable(out io.Writer, l *reportLoad, p reports.Period, timings []reportTiming, plans []string) {
	fmt.Fprintf(out, "\n%-26s %5s %10s %10s %10s\n", p.Label.EN+", "+fmt.Sprint(l.n)+" dossiers", "runs", "min", "median", "max")
	met := true
	for _, t := range timings {
		fmt.Fprintf(out, "%-26s %5d %10s %10s %10s\n", t.name, len(t.runs), msText(t.runs[0]), msText(median(t.runs)),
			msText(t.runs[len(t.runs)-1]))
		if strings.HasPrefix(t.name, "Biểu 06") { // the target is Biểu 06's; Decision 766 is reported beside it
			met = met && median(t.runs) < reportTarget
		}
	}
	verdict := map[bool]string{true: "every Biểu 06 median is under it", false: "NOT every Biểu 06 median is under it"}[met]
	fmt.Fprintf(out, "one board: %s, 1 of %d; target: a one-year Biểu 06 over 1,000,000 dossiers under %s; "+
		"at %d dossiers %s\n", l.boards[0].Code, len(l.boards), reportTarget, l.n, verdict)
	fmt.Fprintf(out, "Biểu 06 plan, all boards: %s\nBiểu 06 plan, one board: %s\n", plans[0], plans[1])
}

// sealUsage describes -seal of bench report and bench dashboard.
const sealUsage = "hash the copies' history as the engine would (models.SealUnsealed, about 2,500 rows/s here: " +
	"40 minutes for the 5.9 million rows of 1,000,000 dossiers); nothing these benches time reads the hashes"
