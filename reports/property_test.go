package reports_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand"
	"reflect"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/errs"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/models/modelstest"
	"github.com/motcua/motcua/reports"
	"github.com/motcua/motcua/workflow"
	"github.com/motcua/motcua/workflow/workflowtest"
)

// propertySeed fixes the random histories; it is logged so a failure can
// be replayed.
const propertySeed int64 = 20241001

// The histories span two years in which catalogue versions change (e.g.
// ND 175/2024 from 30/12/2024, Luật BVMT 2025 versions, ND 217/2026 from
// 01/07/2026). Phase 1 stops at the cut-off; periods ending by then are
// reported, phase 2 moves every dossier on, and those reports must not
// change.
var (
	windowStart = time.Date(2024, 10, 1, 0, 0, 0, 0, deadlines.Location)
	cutoff      = time.Date(2025, 12, 10, 12, 0, 0, 0, deadlines.Location)
	windowEnd   = time.Date(2026, 11, 15, 0, 0, 0, 0, deadlines.Location)
)

// propertyDossiers is how many dossiers each database gets.
const propertyDossiers = 260

// TestBieu06Property drives random dossier histories through the engine
// at historical instants and checks Biểu 06 and the Decision 766
// indicators, for many periods, against counts made here from the raw
// history rows, on SQLite and PostgreSQL.
func TestBieu06Property(t *testing.T) {
	if !time.Now().After(windowEnd) {
		t.Fatalf("the histories end on %s, which must be in the past (the engine stamps updated_at with the wall clock)", windowEnd)
	}
	t.Logf("seed %d", propertySeed)
	// Union recognition allows two supplementation requests here, so that
	// Decision 766's "more than one request" rule has dossiers to apply to.
	eng := workflowtest.EngineWith(t, map[string][2]string{"procedures/union-registration.yaml": {"max_requests: 1", "max_requests: 2"}})
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		rng := rand.New(rand.NewSource(propertySeed))
		boards := []uint{newBoard(t, db, "HBI", "000.20.30.H33").ID, newBoard(t, db, "BGG", "000.20.24.H06").ID}
		walkers := plan(rng, eng, boards)
		periods := randomPeriods(t, rng)
		t.Logf("%d periods", len(periods))

		run(t, db, eng, walkers, cutoff)
		past := map[string]*reports.Report{}
		for _, p := range periods {
			if !p.End().After(cutoff) {
				past[p.Label.VI] = bieu06(t, db, eng, p, nil)
			}
		}
		run(t, db, eng, walkers, windowEnd)
		logShape(t, db)
		for _, p := range periods {
			if want, ok := past[p.Label.VI]; ok {
				if got := bieu06(t, db, eng, p, nil); !reflect.DeepEqual(got, want) {
					t.Errorf("%s changed after later events:\n got %+v\nwant %+v", p, got.Total, want.Total)
				}
			}
		}
		if n := modelstest.CheckCounters(t, db); n < 100 {
			t.Fatalf("only %d counters: the histories are too thin", n)
		}
		hs := histories(t, db)
		for _, p := range periods {
			checkPeriod(t, db, eng, hs, p, boards)
		}
		if len(past) < 5 {
			t.Fatalf("only %d periods end before the cut-off: the as-of check is too weak", len(past))
		}
	})
}

// walker is one dossier's random history in the making. Its own random
// source keeps the history independent of the phase boundaries.
type walker struct {
	rng       *rand.Rand
	board     uint
	procedure string
	channel   models.Channel
	submitAt  time.Time
	next      time.Time
	d         *models.Dossier
	steps     int
	done      bool
}

// plan draws the dossiers: board, procedure, channel, filing instant.
func plan(rng *rand.Rand, eng *workflow.Engine, boards []uint) []*walker {
	cat := eng.Catalogue()
	channels := []models.Channel{models.ChannelOnline, models.ChannelOnline, models.ChannelDirect,
		models.ChannelDirect, models.ChannelPostal}
	span := windowEnd.Sub(windowStart)
	out := make([]*walker, propertyDossiers)
	for i := range out {
		w := &walker{rng: rand.New(rand.NewSource(rng.Int63())), board: boards[rng.Intn(len(boards))],
			procedure: cat.Order[rng.Intn(len(cat.Order))], channel: channels[rng.Intn(len(channels))]}
		w.submitAt = windowStart.Add(time.Duration(rng.Int63n(int64(span)))).Truncate(time.Minute)
		w.next = w.submitAt.Add(time.Duration(10+w.rng.Intn(600)) * time.Minute)
		out[i] = w
	}
	return out
}

// run moves every dossier on until limit.
func run(t *testing.T, db *gorm.DB, eng *workflow.Engine, walkers []*walker, limit time.Time) {
	t.Helper()
	for _, w := range walkers {
		if w.d == nil && w.submitAt.Before(limit) {
			w.submit(t, db, eng)
		}
		for w.d != nil && !w.done && w.next.Before(limit) {
			w.step(t, db, eng)
		}
	}
}

// submit files the dossier with a variant of the version in force.
func (w *walker) submit(t *testing.T, db *gorm.DB, eng *workflow.Engine) {
	p, _ := eng.Catalogue().Procedure(w.procedure)
	v, err := p.VersionAt(w.submitAt)
	if err != nil {
		t.Fatal(err)
	}
	variant := v.Variants[w.rng.Intn(len(v.Variants))].Code
	w.d = submit(t, db, eng, w.board, w.procedure, variant, w.channel, w.submitAt)
}

// eventWeights make a history look like a desk's: mostly forward, some
// supplementation, extensions, refusals, withdrawals and appraisal stops.
var eventWeights = map[workflow.Event]float64{
	workflow.EventReceive: 30, workflow.EventRejectIntake: 1, workflow.EventRequestSupplement: 3,
	workflow.EventResubmit: 8, workflow.EventProposeExtension: 2, workflow.EventApproveExtension: 4,
	workflow.EventRefuseExtension: 1, workflow.EventRefuse: 1, workflow.EventWithdraw: 0.4, "stop": 1,
	workflow.EventRequestCompletion: 1, workflow.EventComplete: 8,
}

// candidate is an event and a role allowed to fire it.
type candidate struct {
	event workflow.Event
	role  workflow.Role
}

// step fires one random allowed event, or leaves the dossier where it is
// for good (about one time in thirty); refused events are skipped.
func (w *walker) step(t *testing.T, db *gorm.DB, eng *workflow.Engine) {
	w.steps++
	cands := candidates(eng, w.d)
	if len(cands) == 0 || w.steps > 40 || w.rng.Float64() < 0.035 {
		w.done = true
		return
	}
	c := w.pick(cands)
	got, _, err := workflowtest.Apply(t, eng, context.Background(), db, w.d.ID, w.d.Version, c.event, actor(c.role), w.next, w.input(t, db, eng, c.event))
	var de *errs.Error
	switch {
	case err == nil:
		w.d = got
	case !errors.As(err, &de):
		t.Fatalf("dossier %s: %s at %s: %v", w.d.Code, c.event, w.next, err)
	}
	w.next = w.later()
}

// later is the instant of the next event: usually after a gap, sometimes
// on the appointment date itself, so that dossiers finish on time too.
func (w *walker) later() time.Time {
	next := w.next.Add(w.gap())
	if w.d.DueAt != nil && w.rng.Float64() < 0.2 {
		onDue := deadlines.DateOf(*w.d.DueAt).Add(time.Duration(8*60+w.rng.Intn(540)) * time.Minute)
		if onDue.After(w.next) {
			return onDue
		}
	}
	return next
}

// candidates lists the events some role may fire in the dossier's state.
func candidates(eng *workflow.Engine, d *models.Dossier) []candidate {
	var out []candidate
	seen := map[workflow.Event]bool{}
	for _, role := range []workflow.Role{workflow.RoleOfficer, workflow.RoleLeader, workflow.RoleInvestor, workflow.RoleSystem} {
		for _, ev := range eng.Allowed(d, role) {
			if !seen[ev] {
				seen[ev] = true
				out = append(out, candidate{ev, role})
			}
		}
	}
	return out
}

// pick draws a candidate by eventWeights (5 for events not listed).
func (w *walker) pick(cands []candidate) candidate {
	total := 0.0
	for _, c := range cands {
		total += weight(c.event)
	}
	x := w.rng.Float64() * total
	for _, c := range cands {
		if x -= weight(c.event); x < 0 {
			return c
		}
	}
	return cands[len(cands)-1]
}

func weight(ev workflow.Event) float64 {
	if v, ok := eventWeights[ev]; ok {
		return v
	}
	return 5
}

// input gives every event a reason, extensions a new appointment one to
// five working days after the current one, and the approval of a new
// investment project its data (adjustments and terminations name no
// existing project: they are refused and skipped).
func (w *walker) input(t *testing.T, db *gorm.DB, eng *workflow.Engine, ev workflow.Event) workflow.Input {
	in := workflow.Input{Comment: "Lý do / reason"}
	if ev == workflow.EventApprove {
		in.Investment = workflowtest.Decision(t, db, eng, w.d).Investment
	}
	if ev == workflow.EventRequestCompletion {
		in.Missing = []workflow.MissingItem{{Description: "Bản sao có chứng thực / a certified copy", Reason: "Thiếu / missing"}}
	}
	if ev == workflow.EventProposeExtension && w.d.DueAt != nil {
		in.Extension = &workflow.ExtensionInput{Reason: "Cần thêm thời gian / more time", ApologyLetter: "form-04.pdf",
			NewDueDate: eng.Calendar().AddWorkingDays(*w.d.DueAt, 1+w.rng.Intn(5))}
	}
	return in
}

// gap is the time to the next event: minutes, days or weeks, at office
// hours or not (some after the 15:00 cut-off).
func (w *walker) gap() time.Duration {
	switch r := w.rng.Float64(); {
	case r < 0.3:
		return time.Duration(20+w.rng.Intn(220)) * time.Minute
	case r < 0.85:
		return time.Duration(1+w.rng.Intn(8))*24*time.Hour + time.Duration(w.rng.Intn(600)-300)*time.Minute
	}
	return time.Duration(9+w.rng.Intn(25))*24*time.Hour + time.Duration(w.rng.Intn(600))*time.Minute
}

// randomPeriods mixes named periods (some ending after today, where the
// dossier rows hold the appointment in force) with random ones of every form.
func randomPeriods(t testing.TB, rng *rand.Rand) []reports.Period {
	specs := []string{"2025", "2025-H1", "2025-H2", "2025-Q1", "2025-Q3", "2025-11", "2024-Q4", "2026",
		"2026-Q4", "2026-11", "2024-10..2026-11", "2025-01-01..2025-12-09", "01/03/2025..31/08/2025"}
	days := int(windowEnd.Sub(windowStart).Hours()/24) + 60
	for i := 0; i < 24; i++ {
		from := windowStart.AddDate(0, 0, rng.Intn(days)-30)
		switch rng.Intn(5) {
		case 0:
			specs = append(specs, from.Format("2006-01"))
		case 1:
			specs = append(specs, fmt.Sprintf("%d-Q%d", from.Year(), 1+rng.Intn(4)))
		case 2:
			specs = append(specs, fmt.Sprintf("%d-H%d", from.Year(), 1+rng.Intn(2)))
		case 3:
			to := from.AddDate(0, 0, rng.Intn(240))
			specs = append(specs, from.Format("02/01/2006")+".."+to.Format("02/01/2006"))
		default:
			to := from.AddDate(0, rng.Intn(10), 0)
			specs = append(specs, from.Format("2006-01")+".."+to.Format("2006-01"))
		}
	}
	seen := map[string]bool{}
	var out []reports.Period
	for _, s := range specs {
		if p := period(t, s); !seen[p.Label.VI] {
			seen[p.Label.VI] = true
			out = append(out, p)
		}
	}
	return out
}

// bieu06 computes a report that must succeed.
func bieu06(t testing.TB, db *gorm.DB, eng *workflow.Engine, p reports.Period, board *uint) *reports.Report {
	t.Helper()
	rep, err := reports.Bieu06(context.Background(), db, eng.Catalogue(), reports.Query{Period: p, BoardID: board})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// history is one dossier as the raw rows tell it.
type history struct {
	d      models.Dossier
	events []models.DossierEvent // by seq
}

// histories loads every dossier and its history rows.
func histories(t testing.TB, db *gorm.DB) []history {
	t.Helper()
	var ds []models.Dossier
	var evs []models.DossierEvent
	if err := db.Order("id").Find(&ds).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Order("dossier_id, seq").Find(&evs).Error; err != nil {
		t.Fatal(err)
	}
	byID := map[uint64][]models.DossierEvent{}
	for _, e := range evs {
		byID[e.DossierID] = append(byID[e.DossierID], e)
	}
	out := make([]history, len(ds))
	for i, d := range ds {
		out[i] = history{d: d, events: byID[d.ID]}
	}
	return out
}

// endEvents end a dossier's handling: decided, refused, stopped,
// withdrawn, or the result returned.
var endEvents = map[string]bool{"approve": true, "refuse": true, "stop": true, "withdraw": true, "return_result": true}

// first returns the first event satisfying ok, or nil.
func (h history) first(ok func(models.DossierEvent) bool) *models.DossierEvent {
	for i := range h.events {
		if ok(h.events[i]) {
			return &h.events[i]
		}
	}
	return nil
}

// dueAt returns the appointment of the last history row before end.
func (h history) dueAt(end time.Time) *time.Time {
	var due *time.Time
	for _, e := range h.events {
		if e.At.Before(end) {
			due = e.DueAt
		}
	}
	return due
}

// requestsBefore counts supplementation requests before end.
func (h history) requestsBefore(end time.Time) int {
	n := 0
	for _, e := range h.events {
		if e.Event == "request_supplement" && e.At.Before(end) {
			n++
		}
	}
	return n
}

// pausedDays sums the working days from each supplementation request to
// the resubmission or the end that closed it.
func (h history) pausedDays(cal *deadlines.Calendar) int {
	var since *time.Time
	n := 0
	for _, e := range h.events {
		switch {
		case e.Event == "request_supplement":
			at := e.At
			since = &at
		case since != nil && (e.Event == "resubmit" || endEvents[e.Event]):
			n += cal.WorkingDaysBetween(*since, e.At)
			since = nil
		}
	}
	return n
}

// expected is what the raw rows say about one board and procedure.
type expected struct {
	row                         reports.Row
	handled, good, multi, nDone int
	workingDays                 int
}

// expect counts, from the history rows only, Biểu 06 and Decision 766 for
// a period, per board and procedure.
func expect(hs []history, cal *deadlines.Calendar, p reports.Period) map[[2]string]*expected {
	out := map[[2]string]*expected{}
	start, end, last := p.Start(), p.End(), p.LastDay()
	for _, h := range hs {
		recv := h.first(func(e models.DossierEvent) bool { return e.Event == "receive" })
		if recv == nil || !recv.At.Before(end) {
			continue
		}
		fin := h.first(func(e models.DossierEvent) bool { return endEvents[e.Event] })
		if fin != nil && fin.At.Before(start) {
			continue
		}
		key := [2]string{fmt.Sprint(h.d.BoardID), h.d.Procedure}
		x := out[key]
		if x == nil {
			x = &expected{}
			out[key] = x
		}
		x.count(h, cal, recv, fin, start, end, last)
	}
	return out
}

// count adds one handled dossier.
func (x *expected) count(h history, cal *deadlines.Calendar, recv, fin *models.DossierEvent, start, end, last time.Time) {
	r := &x.row
	x.handled++
	if recv.At.Before(start) {
		r.CarriedOver++
	} else {
		r.ReceivedTotal++
		if h.d.Channel == models.ChannelOnline {
			r.ReceivedOnline++
		} else {
			r.ReceivedOffline++
		}
	}
	good := false
	if fin != nil && fin.At.Before(end) {
		r.ResolvedTotal++
		switch fin.Outcome {
		case "early":
			r.ResolvedEarly++
			good = true
		case "on_time":
			r.ResolvedOnTime++
			good = true
		default:
			r.ResolvedLate++
		}
		r.Withdrawn += b2i(fin.Event == "withdraw")
		r.Refused += b2i(fin.Event == "refuse")
		x.nDone++
		x.workingDays += max(cal.WorkingDaysBetween(recv.At, fin.At)-h.pausedDays(cal), 0)
	} else {
		r.InProgressTotal++
		if due := h.dueAt(end); due != nil && deadlines.DateOf(*due).Before(deadlines.DateOf(last)) {
			r.InProgressOverdue++
		} else {
			r.InProgressWithin++
			good = true
		}
	}
	if h.requestsBefore(end) > 1 {
		x.multi++
		good = false
	}
	x.good += b2i(good)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// checkPeriod compares the reports of one period (all boards, each board)
// and its indicators with the counts from the raw rows.
func checkPeriod(t *testing.T, db *gorm.DB, eng *workflow.Engine, hs []history, p reports.Period, boards []uint) {
	t.Helper()
	want := expect(hs, eng.Calendar(), p)
	for _, scope := range append([]*uint{nil}, ptrs(boards)...) {
		rep := bieu06(t, db, eng, p, scope)
		checkBalanced(t, rep)
		var total reports.Row
		for _, code := range eng.Catalogue().Order {
			w := rowFor(want, code, scope)
			got := rowOf(t, rep, code)
			w.Procedure, w.Field = code, eng.Catalogue().Procedures[code].Field
			checkRow(t, fmt.Sprintf("%s, board %v, %s", p, deref(scope), code), got, w)
			total = sum(total, w)
		}
		checkRow(t, fmt.Sprintf("%s, board %v, total", p, deref(scope)), withLabels(rep.Total, "", ""), total)
		if len(rep.Lines()) != len(eng.Catalogue().Order)+len(rep.Groups)+1 {
			t.Errorf("%s: %d lines for %d procedures in %d groups", p, len(rep.Lines()), len(eng.Catalogue().Order), len(rep.Groups))
		}
	}
	checkIndicators(t, db, eng, want, p, len(boards))
}

// rowFor sums the expected rows of a procedure over the boards in scope.
func rowFor(want map[[2]string]*expected, code string, scope *uint) reports.Row {
	var r reports.Row
	for k, x := range want {
		if k[1] == code && (scope == nil || k[0] == fmt.Sprint(*scope)) {
			r = sum(r, x.row)
		}
	}
	return r
}

// checkIndicators compares Decision 766 per board and procedure.
func checkIndicators(t *testing.T, db *gorm.DB, eng *workflow.Engine, want map[[2]string]*expected, p reports.Period, nBoards int) {
	t.Helper()
	got, err := reports.Decision766(context.Background(), db, eng.Catalogue(), eng.Calendar(), reports.Query{Period: p})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Boards) != nBoards {
		t.Fatalf("%s: %d boards, want %d", p, len(got.Boards), nBoards)
	}
	n := 0
	for _, b := range got.Boards {
		for _, ind := range b.Procedures {
			n++
			x := want[[2]string{fmt.Sprint(b.BoardID), ind.Procedure}]
			if x == nil {
				x = &expected{}
			}
			if ind.Handled != x.handled || ind.OnTime != x.good || ind.MultiSupplement != x.multi || ind.Completed != x.nDone ||
				!near(ind.AverageWorkingDays, x.workingDays, x.nDone) || !near(ind.OnTimeRate, x.good, x.handled) {
				t.Errorf("%s, board %d, %s: got handled %d on time %d multi %d completed %d avg %v, want %d %d %d %d avg %d/%d",
					p, b.BoardID, ind.Procedure, ind.Handled, ind.OnTime, ind.MultiSupplement, ind.Completed,
					fmtPtr(ind.AverageWorkingDays), x.handled, x.good, x.multi, x.nDone, x.workingDays, x.nDone)
			}
		}
	}
	if n != len(want) {
		t.Errorf("%s: %d board-procedure indicators, want %d", p, n, len(want))
	}
}

// near reports whether a computed ratio equals num/den (nil when den is 0).
func near(got *float64, num, den int) bool {
	if den == 0 {
		return got == nil
	}
	return got != nil && math.Abs(*got-float64(num)/float64(den)) < 1e-9
}

func fmtPtr(p *float64) string {
	if p == nil {
		return "nil"
	}
	return fmt.Sprintf("%.4f", *p)
}

func ptrs(ids []uint) []*uint {
	out := make([]*uint, len(ids))
	for i := range ids {
		out[i] = &ids[i]
	}
	return out
}

func deref(p *uint) any {
	if p == nil {
		return "all"
	}
	return *p
}

// logShape logs what the random histories contain, so that a change of
// seed or weights that stops covering a case shows.
func logShape(t *testing.T, db *gorm.DB) {
	t.Helper()
	var rows []struct {
		Event string
		N     int
	}
	db.Raw("SELECT event, COUNT(*) AS n FROM dossier_events GROUP BY event ORDER BY event").Scan(&rows)
	counts := map[string]int{}
	for _, r := range rows {
		counts[r.Event] = r.N
	}
	t.Logf("history rows by event: %v", counts)
	var outcomes []struct {
		Outcome string
		Multi   bool
		N       int
	}
	db.Raw(`SELECT outcome, supplement_count > 1 AS multi, COUNT(*) AS n FROM dossiers
		WHERE received_at IS NOT NULL GROUP BY outcome, supplement_count > 1 ORDER BY 1, 2`).Scan(&outcomes)
	t.Logf("received dossiers by outcome and more than one supplementation request: %+v", outcomes)
	seen := map[string]bool{}
	for _, o := range outcomes {
		seen[o.Outcome] = true
		seen[fmt.Sprint("multi ", o.Multi)] = true
	}
	for _, k := range []string{"", "early", "on_time", "late", "multi true"} {
		if !seen[k] {
			t.Errorf("no received dossier with outcome or flag %q in the random histories", k)
		}
	}
	for _, ev := range []string{"receive", "request_supplement", "resubmit", "propose_extension", "approve_extension", "approve", "refuse", "withdraw", "stop", "reject_intake"} {
		if counts[ev] == 0 {
			t.Errorf("no %s event in the random histories: the property test does not cover it", ev)
		}
	}
}
