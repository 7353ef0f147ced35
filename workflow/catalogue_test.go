package workflow

import (
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/deadlines"
)

// shipped loads the catalogue in configs/ or fails the test.
func shipped(t *testing.T) *Catalogue {
	t.Helper()
	cat, err := Load(os.DirFS("../configs"))
	if err != nil {
		t.Fatalf("shipped catalogue: %v", err)
	}
	return cat
}

// day returns local midnight of a YYYY-MM-DD date in Asia/Ho_Chi_Minh.
func day(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d.Time
}

// TestCatalogueShippedHasNoFaults checks configs/ with Check and Load.
func TestCatalogueShippedHasNoFaults(t *testing.T) {
	if faults := Check(os.DirFS("../configs")); len(faults) != 0 {
		t.Fatalf("shipped catalogue has faults:\n%v", faults)
	}
	cat := shipped(t)
	want := []string{"construction-permit", "environmental-licence", "feasibility-appraisal",
		"investment-certificate", "union-registration"}
	if !reflect.DeepEqual(cat.Order, want) {
		t.Errorf("Order = %v, want %v", cat.Order, want)
	}
	if cat.OneStop.Cutoff != (deadlines.TimeOfDay{Hour: 15}) {
		t.Errorf("cut-off = %v, want 15:00", cat.OneStop.Cutoff)
	}
	fields := map[string]string{"construction-permit": "xay_dung", "environmental-licence": "moi_truong",
		"feasibility-appraisal": "xay_dung", "investment-certificate": "dau_tu", "union-registration": "lao_dong"}
	for code, field := range fields {
		if p, _ := cat.Procedure(code); p.Field != field || p.File != "procedures/"+code+".yaml" {
			t.Errorf("%s: field %q file %q", code, p.Field, p.File)
		}
	}
}

// TestCatalogueVersionAt checks the version in force around each boundary.
func TestCatalogueVersionAt(t *testing.T) {
	cases := []struct{ proc, date, want string }{
		{"feasibility-appraisal", "2021-01-01", "luat62-nd15-2021"},
		{"feasibility-appraisal", "2021-03-15", "luat62-nd15-2021"},
		{"feasibility-appraisal", "2024-12-29", "luat62-nd15-2021"},
		{"feasibility-appraisal", "2024-12-30", "nd175-2024"},
		{"feasibility-appraisal", "2026-06-30", "nd175-2024"},
		{"feasibility-appraisal", "2026-07-01", "nd217-2026"},
		{"construction-permit", "2021-03-15", "luat62-2021"},
		{"construction-permit", "2024-12-29", "luat62-2021"},
		{"construction-permit", "2024-12-30", "nd175-2024"},
		{"construction-permit", "2026-06-30", "nd175-2024"},
		{"construction-permit", "2026-07-01", "nd217-2026"},
		{"environmental-licence", "2022-01-01", "luat72-2022"},
		{"environmental-licence", "2025-01-05", "luat72-2022"},
		{"environmental-licence", "2025-01-06", "nd05-2025"},
		{"environmental-licence", "2025-12-31", "nd05-2025"},
		{"environmental-licence", "2026-01-01", "luat146-2026"},
		{"union-registration", "2021-01-01", "service-standard-2021"},
		{"union-registration", "2026-07-01", "service-standard-2021"},
		{"investment-certificate", "2021-03-15", "ld2020-nd31-2021"},
		{"investment-certificate", "2026-02-28", "ld2020-nd31-2021"},
		// 01/03-30/03/2026: Luật Đầu tư 143/2025 in force, ND 31/2021 ceased,
		// ND 96/2026 not yet (in force on signature, 31/03/2026, Art 111(1)).
		{"investment-certificate", "2026-03-01", "ld143-interim-2026"},
		{"investment-certificate", "2026-03-30", "ld143-interim-2026"},
		{"investment-certificate", "2026-03-31", "ld143-2025-nd96-2026"},
	}
	cat := shipped(t)
	for _, tc := range cases {
		p, err := cat.Procedure(tc.proc)
		if err != nil {
			t.Fatal(err)
		}
		v, err := p.VersionAt(day(t, tc.date).Add(14 * time.Hour))
		if err != nil || v.ID != tc.want {
			t.Errorf("%s on %s: got %v, %v; want %s", tc.proc, tc.date, v, err, tc.want)
		}
	}
}

// TestCatalogueVersionAtLocalDate checks that the local date in
// Asia/Ho_Chi_Minh decides, not the UTC date.
func TestCatalogueVersionAtLocalDate(t *testing.T) {
	p, _ := shipped(t).Procedure("construction-permit")
	// 30/06/2026 17:30 UTC is 01/07/2026 00:30 in Hà Nội.
	v, err := p.VersionAt(time.Date(2026, 6, 30, 17, 30, 0, 0, time.UTC))
	if err != nil || v.ID != "nd217-2026" {
		t.Errorf("got %v, %v; want nd217-2026", v, err)
	}
}

// TestCatalogueVersionAtNone checks the error before the first version.
func TestCatalogueVersionAtNone(t *testing.T) {
	cat := shipped(t)
	cases := map[string]string{"environmental-licence": "31/12/2021", "union-registration": "31/12/2020"}
	for code, date := range cases {
		p, _ := cat.Procedure(code)
		d, _ := time.ParseInLocation("02/01/2006", date, deadlines.Location)
		_, err := p.VersionAt(d)
		if err == nil || !strings.Contains(err.Error(), code) || !strings.Contains(err.Error(), date) ||
			!strings.HasPrefix(err.Error(), "workflow: ") {
			t.Errorf("%s on %s: error %v should name the procedure and the date", code, date, err)
		}
	}
}

// TestCatalogueContinuousCoverage checks that every day from 2021-01-01
// (2022-01-01 for the environmental licence) to 2030 has a version.
func TestCatalogueContinuousCoverage(t *testing.T) {
	cat := shipped(t)
	for _, code := range cat.Order {
		from := "2021-01-01"
		if code == "environmental-licence" {
			from = "2022-01-01" // the licence did not exist before Luật BVMT 2020
		}
		p, _ := cat.Procedure(code)
		for d := day(t, from); d.Year() <= 2030; d = d.AddDate(0, 0, 1) {
			if _, err := p.VersionAt(d); err != nil {
				t.Fatalf("%s: %v", code, err)
			}
		}
	}
}

// TestCatalogueRules checks the clock rules of some variants literally.
func TestCatalogueRules(t *testing.T) {
	wd, cd := deadlines.WorkingDays, deadlines.CalendarDays
	cases := []struct {
		proc, version, variant string
		period                 deadlines.Period
		rule                   deadlines.SupplementRule
		limit                  *deadlines.Period
	}{
		// Permit periods count from the complete valid dossier (Luật XD 2014
		// Art 102(1)(e), ND 61/2018 Art 19(4); ND 217/2026 Art 54(1)(b)): restart.
		{"construction-permit", "nd217-2026", "new", deadlines.Period{Days: 10, Unit: wd}, deadlines.RuleRestart, nil},
		{"construction-permit", "nd217-2026", "adjustment", deadlines.Period{Days: 9, Unit: wd}, deadlines.RuleRestart, nil},
		{"construction-permit", "nd217-2026", "extension", deadlines.Period{Days: 5, Unit: wd}, deadlines.RuleRestart, nil},
		{"construction-permit", "nd217-2026", "house_new", deadlines.Period{Days: 7, Unit: wd}, deadlines.RuleRestart, nil},
		{"construction-permit", "luat62-2021", "new", deadlines.Period{Days: 20, Unit: cd}, deadlines.RuleRestart, &deadlines.Period{Days: 10, Unit: cd}},
		{"construction-permit", "nd175-2024", "house_new", deadlines.Period{Days: 15, Unit: cd}, deadlines.RuleRestart, &deadlines.Period{Days: 10, Unit: cd}},
		// The board appraises as the specialised construction agency: its
		// share of Art 59(2)(b)-(d), 35 / 25 / 15 days, not the 40 / 30 / 20 total.
		{"feasibility-appraisal", "luat62-nd15-2021", "group_a", deadlines.Period{Days: 35, Unit: cd}, deadlines.RuleRestart, nil},
		{"feasibility-appraisal", "nd175-2024", "group_c", deadlines.Period{Days: 15, Unit: cd}, deadlines.RuleRestart, nil},
		{"feasibility-appraisal", "nd217-2026", "group_a", deadlines.Period{Days: 25, Unit: wd}, deadlines.RuleRestart, &deadlines.Period{Days: 25, Unit: wd}},
		{"feasibility-appraisal", "nd217-2026", "group_c_no_grade1", deadlines.Period{Days: 12, Unit: wd}, deadlines.RuleRestart, &deadlines.Period{Days: 12, Unit: wd}},
		{"feasibility-appraisal", "nd217-2026", "national_important", deadlines.Period{Days: 60, Unit: cd}, deadlines.RuleRestart, &deadlines.Period{Days: 60, Unit: cd}},
		{"environmental-licence", "luat72-2022", "provincial", deadlines.Period{Days: 30, Unit: cd}, deadlines.RuleRestart, nil},
		{"environmental-licence", "nd05-2025", "ministry", deadlines.Period{Days: 45, Unit: cd}, deadlines.RuleRestart, nil},
		{"union-registration", "service-standard-2021", "standard", deadlines.Period{Days: 10, Unit: wd}, deadlines.RulePause, nil},
		{"investment-certificate", "ld2020-nd31-2021", "issue_after_policy", deadlines.Period{Days: 5, Unit: wd}, deadlines.RulePause, nil},
		{"investment-certificate", "ld2020-nd31-2021", "issue_without_policy", deadlines.Period{Days: 15, Unit: cd}, deadlines.RulePause, nil},
		// ND 31/2021's 15 days are the investor's: the board's 3 working days are a service standard.
		{"investment-certificate", "ld2020-nd31-2021", "terminate", deadlines.Period{Days: 3, Unit: wd}, deadlines.RulePause, nil},
		{"investment-certificate", "ld143-interim-2026", "issue_without_policy", deadlines.Period{Days: 10, Unit: wd}, deadlines.RulePause, nil},
		{"investment-certificate", "ld143-2025-nd96-2026", "issue_without_policy", deadlines.Period{Days: 10, Unit: wd}, deadlines.RulePause, nil},
		{"investment-certificate", "ld143-2025-nd96-2026", "adjust_update", deadlines.Period{Days: 3, Unit: wd}, deadlines.RulePause, nil},
		{"investment-certificate", "ld143-2025-nd96-2026", "adjust_other", deadlines.Period{Days: 7, Unit: wd}, deadlines.RulePause, nil},
	}
	cat := shipped(t)
	for _, tc := range cases {
		v := version(t, cat, tc.proc, tc.version)
		r, err := v.Rules(tc.variant, cat.OneStop)
		if err != nil {
			t.Errorf("%s/%s/%s: %v", tc.proc, tc.version, tc.variant, err)
			continue
		}
		want := deadlines.Rules{Period: tc.period, Cutoff: deadlines.TimeOfDay{Hour: 15}, Supplement: tc.rule,
			MaxExtensions: 1, ExtensionLimit: tc.limit, ApologyLeadDays: 1}
		if !reflect.DeepEqual(r, want) {
			t.Errorf("%s/%s/%s: Rules = %+v, want %+v", tc.proc, tc.version, tc.variant, r, want)
		}
	}
}

// version returns a version of the shipped catalogue or fails the test.
func version(t *testing.T, cat *Catalogue, proc, id string) *Version {
	t.Helper()
	p, err := cat.Procedure(proc)
	if err != nil {
		t.Fatal(err)
	}
	v, err := p.Version(id)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestCatalogueLookupErrors checks that errors name what is valid.
func TestCatalogueLookupErrors(t *testing.T) {
	cat := shipped(t)
	if _, err := cat.Procedure("nope"); err == nil || !strings.Contains(err.Error(), "construction-permit") {
		t.Errorf("unknown procedure: %v", err)
	}
	v := version(t, cat, "construction-permit", "nd217-2026")
	if _, err := v.Variant("house"); err == nil || !strings.Contains(err.Error(), "house_new") ||
		!strings.HasPrefix(err.Error(), "workflow: ") {
		t.Errorf("unknown variant: %v", err)
	}
	if _, err := v.Rules("house", cat.OneStop); err == nil {
		t.Error("Rules accepted an unknown variant")
	}
	p, _ := cat.Procedure("construction-permit")
	if _, err := p.Version("v1"); err == nil || !strings.Contains(err.Error(), "nd217-2026") {
		t.Errorf("unknown version: %v", err)
	}
}

// TestCatalogueStepPeriod checks step deadlines, variant overrides and
// step units.
func TestCatalogueStepPeriod(t *testing.T) {
	cases := []struct {
		proc, version, variant string
		state                  State
		want                   deadlines.Period
		ok                     bool
	}{
		{"construction-permit", "nd217-2026", "new", "consulting", deadlines.Period{Days: 2, Unit: deadlines.WorkingDays}, true},
		{"construction-permit", "nd217-2026", "extension", "consulting", deadlines.Period{}, false},
		{"construction-permit", "nd217-2026", "extension", StateSupplementRequested, deadlines.Period{Days: 1, Unit: deadlines.WorkingDays}, true},
		{"construction-permit", "nd217-2026", "new", StateReceived, deadlines.Period{}, false},
		// Art 102(1)(đ): 12 days for individual houses too.
		{"construction-permit", "luat62-2021", "house_new", "consulting", deadlines.Period{Days: 12, Unit: deadlines.CalendarDays}, true},
		{"construction-permit", "luat62-2021", "house_new", StateInReview, deadlines.Period{Days: 1, Unit: deadlines.CalendarDays}, true},
		{"construction-permit", "luat62-2021", "house_new", "site_inspection", deadlines.Period{}, false},
		// ND 217/2026 Art 54(3)(a): 2 working days to review an extension.
		{"construction-permit", "nd217-2026", "extension", StateInReview, deadlines.Period{Days: 2, Unit: deadlines.WorkingDays}, true},
		{"construction-permit", "nd217-2026", "reissue", StatePendingDecision, deadlines.Period{Days: 3, Unit: deadlines.WorkingDays}, true},
		{"feasibility-appraisal", "nd217-2026", "group_c_no_grade1", StateInReview, deadlines.Period{Days: 3, Unit: deadlines.WorkingDays}, true},
		{"feasibility-appraisal", "nd217-2026", "national_important", StateSupplementRequested, deadlines.Period{Days: 20, Unit: deadlines.WorkingDays}, true},
		{"feasibility-appraisal", "nd217-2026", "national_important", StateReceived, deadlines.Period{Days: 5, Unit: deadlines.CalendarDays}, true},
		{"feasibility-appraisal", "nd217-2026", "nope", StateReceived, deadlines.Period{}, false},
		{"feasibility-appraisal", "nd217-2026", "group_a", "nope", deadlines.Period{}, false},
	}
	cat := shipped(t)
	for _, tc := range cases {
		got, ok := version(t, cat, tc.proc, tc.version).StepPeriod(tc.state, tc.variant)
		if got != tc.want || ok != tc.ok {
			t.Errorf("%s/%s/%s %s: got %v %v, want %v %v", tc.proc, tc.version, tc.variant, tc.state, got, ok, tc.want, tc.ok)
		}
	}
}

// TestCatalogueRequiredDocuments checks common plus variant documents.
func TestCatalogueRequiredDocuments(t *testing.T) {
	cat := shipped(t)
	v := version(t, cat, "construction-permit", "nd217-2026")
	want := []string{"application_form", "land_rights", "design_drawings", "design_appraisal"}
	if got := v.RequiredDocuments("new"); !reflect.DeepEqual(got, want) {
		t.Errorf("RequiredDocuments(new) = %v, want %v", got, want)
	}
	if got := v.RequiredDocuments("nope"); !reflect.DeepEqual(got, []string{"application_form"}) {
		t.Errorf("RequiredDocuments(nope) = %v", got)
	}
}

// TestCatalogueInheritance checks that versions inherit the procedure's
// defaults and may replace them.
func TestCatalogueInheritance(t *testing.T) {
	cat := shipped(t)
	p, _ := cat.Procedure("feasibility-appraisal")
	old := version(t, cat, "feasibility-appraisal", "luat62-nd15-2021")
	if old.Supplement != p.Supplement || old.Extension != p.Extension || len(old.Events) != len(p.Events) {
		t.Error("luat62-nd15-2021 should inherit supplement, extension and events")
	}
	nd217 := version(t, cat, "feasibility-appraisal", "nd217-2026")
	if nd217.Extension == p.Extension || !nd217.Extension.LimitOriginal {
		t.Error("nd217-2026 should have its own extension rule, limited to the original period")
	}
}

// TestCatalogueLookupsDoNotAllocate checks the engine's hot-path lookups.
func TestCatalogueLookupsDoNotAllocate(t *testing.T) {
	v := version(t, shipped(t), "construction-permit", "nd217-2026")
	allocs := testing.AllocsPerRun(100, func() {
		if _, ok := v.State(StateInReview); !ok {
			t.Fatal("in_review missing")
		}
		if _, ok := v.Event(EventRequestSupplement); !ok {
			t.Fatal("request_supplement missing")
		}
		_ = v.EventsFrom(StateInReview)
		if _, ok := v.StepPeriod("consulting", "new"); !ok {
			t.Fatal("consulting step missing")
		}
	})
	if allocs != 0 {
		t.Errorf("lookups allocate %.1f times per run", allocs)
	}
}

// TestCatalogueCoreLifecycle checks, in every version, the core events of
// docs/ARCHITECTURE.md ("The dossier lifecycle"): roles, clock effects,
// guards and forms; the extension events from exactly the states where the
// clock runs; withdraw from every open state before the decision.
func TestCatalogueCoreLifecycle(t *testing.T) {
	cat := shipped(t)
	for _, code := range cat.Order {
		p, _ := cat.Procedure(code)
		for _, v := range p.Versions {
			name := code + "/" + v.ID
			checkCoreEvents(t, name, v)
			checkExtendFrom(t, name, v)
			checkWithdrawFrom(t, name, v)
		}
	}
}

// coreEvent is what docs/ARCHITECTURE.md fixes about a core event.
type coreEvent struct {
	to     State
	roles  []Role
	clock  ClockEffect
	guards []Guard
	form   FormKind
	ext    ExtensionStep
}

// coreEvents is the lifecycle every procedure shares.
var coreEvents = map[Event]coreEvent{
	EventReceive:           {StateReceived, []Role{RoleOfficer}, ClockStart, []Guard{GuardDocumentsComplete}, FormReceipt, ""},
	EventRejectIntake:      {StateIntakeRejected, []Role{RoleOfficer}, ClockNone, []Guard{GuardComment}, FormRefusal, ""},
	EventRequestCompletion: {StateCompletionRequested, []Role{RoleOfficer}, ClockNone, []Guard{GuardMissingListed}, FormCompletion, ""},
	EventComplete:          {StateSubmitted, []Role{RoleInvestor, RoleOfficer}, ClockNone, nil, "", ""},
	EventAssign:            {StateInReview, []Role{RoleOfficer, RoleLeader}, ClockNone, []Guard{GuardAssignee}, "", ""},
	EventRequestSupplement: {StateSupplementRequested, []Role{RoleOfficer}, ClockSuspend, []Guard{GuardSupplementCap, GuardComment}, FormCompletion, ""},
	EventResubmit:          {StateInReview, []Role{RoleInvestor, RoleOfficer}, ClockResume, nil, "", ""},
	EventPropose:           {StatePendingDecision, []Role{RoleOfficer}, ClockNone, nil, "", ""},
	EventApprove:           {StateApproved, []Role{RoleLeader}, ClockStop, []Guard{GuardResult}, "", ""},
	EventRefuse:            {StateRefused, []Role{RoleLeader}, ClockStop, []Guard{GuardComment, GuardResult}, "", ""},
	EventReturnResult:      {StateReturned, []Role{RoleOfficer}, ClockNone, nil, "", ""},
	EventWithdraw:          {StateWithdrawn, []Role{RoleInvestor, RoleOfficer}, ClockStop, nil, FormStopNotice, ""},
	EventProposeExtension:  {"", []Role{RoleOfficer}, ClockNone, nil, "", ExtensionPropose},
	EventApproveExtension:  {"", []Role{RoleLeader}, ClockExtend, nil, FormApology, ExtensionApprove},
	EventRefuseExtension:   {"", []Role{RoleLeader}, ClockNone, []Guard{GuardComment}, "", ExtensionRefuse},
}

// checkCoreEvents compares a version's core events with coreEvents.
func checkCoreEvents(t *testing.T, name string, v *Version) {
	t.Helper()
	for code, want := range coreEvents {
		e, ok := v.Event(code)
		if !ok {
			t.Errorf("%s: core event %s missing", name, code)
			continue
		}
		got := coreEvent{e.To, e.Roles, e.Clock, e.Guards, e.Form, e.Extension}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: event %s = %+v, want %+v", name, code, got, want)
		}
	}
}

// checkExtendFrom checks that the extension events fire exactly where the
// clock runs.
func checkExtendFrom(t *testing.T, name string, v *Version) {
	t.Helper()
	var running []string
	for s := range clockRunning(v) {
		running = append(running, string(s))
	}
	sort.Strings(running)
	for _, code := range []Event{EventProposeExtension, EventApproveExtension, EventRefuseExtension} {
		e, _ := v.Event(code)
		var from []string
		for _, s := range e.From {
			from = append(from, string(s))
		}
		sort.Strings(from)
		if !reflect.DeepEqual(from, running) {
			t.Errorf("%s: %s from %v, but the clock runs in %v", name, code, from, running)
		}
	}
}

// checkWithdrawFrom checks that withdraw fires from every non-final state
// before the decision (all but approved and refused).
func checkWithdrawFrom(t *testing.T, name string, v *Version) {
	t.Helper()
	e, _ := v.Event(EventWithdraw)
	for _, s := range v.States {
		before := s.Kind != KindFinal && s.Code != StateApproved && s.Code != StateRefused
		if before != contains(e.From, s.Code) {
			t.Errorf("%s: withdraw from %s is %v, want %v", name, s.Code, !before, before)
		}
	}
}

// TestCatalogueEveryRuleCited walks the shipped catalogue: every version,
// variant, supplementation and extension rule, timed step and expiry cites
// its basis, and every service standard says so.
func TestCatalogueEveryRuleCited(t *testing.T) {
	cat := shipped(t)
	check := func(what string, b Basis) {
		if strings.TrimSpace(b.Citation) == "" {
			t.Errorf("%s has no citation", what)
		}
		if b.ServiceStandard && !SaysServiceStandard(b.Citation) {
			t.Errorf("%s is a service standard but its citation does not say so: %q", what, b.Citation)
		}
	}
	check("onestop cutoff", cat.OneStop.CutoffBasis)
	check("onestop code", cat.OneStop.CodeBasis)
	check("onestop outcome", cat.OneStop.OutcomeBasis)
	for _, code := range cat.Order {
		p, _ := cat.Procedure(code)
		for _, v := range p.Versions {
			name := code + "/" + v.ID
			check(name, v.Basis)
			check(name+" supplement", v.Supplement.Basis)
			check(name+" extension", v.Extension.Basis)
			for _, vr := range v.Variants {
				check(name+" variant "+vr.Code, vr.Basis)
			}
			checkStepsCited(t, name, v, check)
		}
	}
}

// checkStepsCited checks the step deadlines and expiries of a version.
func checkStepsCited(t *testing.T, name string, v *Version, check func(string, Basis)) {
	t.Helper()
	for i := range v.States {
		s := &v.States[i]
		if timed(v, s) {
			if s.StepBasis == nil {
				t.Errorf("%s: timed state %s has no step_basis", name, s.Code)
			} else {
				check(name+" step "+string(s.Code), *s.StepBasis)
			}
		}
		if s.OnStepExpiry != nil {
			check(name+" expiry "+string(s.Code), s.OnStepExpiry.Basis)
		}
	}
}

// TestCatalogueProcedureSteps checks the procedure-specific steps the
// catalogue promises.
func TestCatalogueProcedureSteps(t *testing.T) {
	cat := shipped(t)
	cases := []struct {
		proc   string
		states []State
	}{
		{"feasibility-appraisal", []State{"consulting", "stopped"}},
		{"construction-permit", []State{"site_inspection", "consulting"}},
		{"environmental-licence", []State{"public_disclosure", "consulting", "site_inspection", "council_review"}},
	}
	for _, tc := range cases {
		p, _ := cat.Procedure(tc.proc)
		for _, v := range p.Versions {
			for _, s := range tc.states {
				if _, ok := v.State(s); !ok {
					t.Errorf("%s/%s: state %s missing", tc.proc, v.ID, s)
				}
			}
		}
	}
	fa := version(t, cat, "feasibility-appraisal", "nd217-2026")
	if s, _ := fa.State(StateSupplementRequested); s.OnStepExpiry == nil || s.OnStepExpiry.Event != "stop" {
		t.Error("feasibility nd217-2026: supplement_requested should stop the appraisal on expiry")
	}
	cp := version(t, cat, "construction-permit", "nd217-2026")
	if s, _ := cp.State("consulting"); s.OnStepExpiry == nil || s.OnStepExpiry.Event != "consent" {
		t.Error("construction-permit nd217-2026: consulting should end in deemed consent")
	}
}

// TestCatalogueDateYAML checks Date parsing in Asia/Ho_Chi_Minh.
func TestCatalogueDateYAML(t *testing.T) {
	d, err := ParseDate("2026-07-01")
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 6, 30, 17, 0, 0, 0, time.UTC); !d.Equal(want) {
		t.Errorf("ParseDate = %v, want %v", d, want)
	}
	if d.DMY() != "01/07/2026" || d.YMD() != "2026-07-01" {
		t.Errorf("DMY %s YMD %s", d.DMY(), d.YMD())
	}
	if _, err := ParseDate("01/07/2026"); err == nil {
		t.Error("ParseDate accepted dd/mm/yyyy")
	}
	b, _ := d.MarshalJSON()
	var back Date
	if string(b) != `"2026-07-01"` || back.UnmarshalJSON(b) != nil || !back.Equal(d.Time) {
		t.Errorf("JSON round trip: %s -> %v", b, back)
	}
}

// TestCatalogueFees: every version publishes its fee, flagged for
// verification; no national text read fixes a single amount, so none ships
// (provincial resolutions, a share of the investment, or no fee).
func TestCatalogueFees(t *testing.T) {
	cases := []struct {
		proc, version, cites string
		serviceStandard      bool
	}{
		{"construction-permit", "luat62-2021", "Luật Phí và lệ phí 97/2015/QH13, Điều 21 khoản 1", false},
		{"construction-permit", "nd217-2026", "Thông tư 85/2019/TT-BTC", false},
		{"feasibility-appraisal", "luat62-nd15-2021", "Thông tư 209/2016/TT-BTC", false},
		{"feasibility-appraisal", "nd175-2024", "Thông tư 28/2023/TT-BTC, Điều 4", false},
		{"feasibility-appraisal", "nd217-2026", "Thông tư 28/2023/TT-BTC, Điều 4", false},
		{"environmental-licence", "luat146-2026", "Thông tư 106/2021/TT-BTC", false},
		{"investment-certificate", "ld143-2025-nd96-2026", "Không tìm thấy văn bản quy định phí, lệ phí", false},
		{"union-registration", "service-standard-2021", "Tiêu chuẩn phục vụ", true},
	}
	cat := shipped(t)
	for _, tc := range cases {
		f := version(t, cat, tc.proc, tc.version).Fee
		if f == nil {
			t.Errorf("%s/%s: no fee", tc.proc, tc.version)
			continue
		}
		if f.Amount != nil || !f.Verify || f.ServiceStandard != tc.serviceStandard || !strings.Contains(f.Citation, tc.cites) {
			t.Errorf("%s/%s: fee %+v, want no amount, verify, service_standard %t, citing %q",
				tc.proc, tc.version, *f, tc.serviceStandard, tc.cites)
		}
	}
}
