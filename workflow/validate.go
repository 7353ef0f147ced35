package workflow

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/models"
)

// Fault codes reported by Check. Each has a broken fixture under
// workflow/testdata/bad/<code>/.
const (
	FaultParse             = "parse"               // YAML syntax error, unknown key, wrong type, bad date
	FaultRequired          = "required"            // a mandatory field, file or rule is missing
	FaultUnknownField      = "unknown_field"       // procedure field (report grouping) not in Fields
	FaultDuplicate         = "duplicate"           // two items with the same code
	FaultMissingCore       = "missing_core"        // a core state or event of docs/ARCHITECTURE.md is missing
	FaultInitial           = "initial"             // not exactly one initial state
	FaultUnknownKind       = "unknown_kind"        // state kind not initial / open / final
	FaultUnknownState      = "unknown_state"       // an event or step override names an undefined state
	FaultUnreachableState  = "unreachable_state"   // no path of events from the initial state
	FaultDeadEnd           = "dead_end"            // an open state with no event leading out
	FaultFinalExit         = "final_exit"          // an event leaves a final state
	FaultNoRole            = "no_role"             // an event no role may fire
	FaultUnknownRole       = "unknown_role"        // an event names an undefined role
	FaultUnknownClock      = "unknown_clock"       // an undefined clock effect
	FaultUnknownGuard      = "unknown_guard"       // an undefined guard
	FaultBadPeriod         = "bad_period"          // a period or step with a bad unit or number of days
	FaultBadSupplement     = "bad_supplement"      // supplementation rule not pause / restart, or cap < 1
	FaultStepsExceedPeriod = "steps_exceed_period" // step deadlines where the clock runs sum past the period
	FaultMissingCitation   = "missing_citation"    // a rule without its legal basis
	FaultOverlapping       = "overlapping_versions"
	FaultBadRange          = "bad_range"        // effective_until not after effective_from
	FaultUnknownDocument   = "unknown_document" // a variant names an undefined document
	FaultBadExpiry         = "bad_expiry"       // on_step_expiry names an event not allowed there
	FaultBadNotify         = "bad_notify"       // notify names an unknown kind or an event no procedure defines
	FaultBadInvestment     = "bad_investment"   // a variant's investment outcome is not issue / adjust / terminate
	FaultBadExtension      = "bad_extension"    // an extension step that is unknown, or whose clock or state does not fit
	FaultBadForm           = "bad_form"         // an event issues an unknown form, or a circular's forms are incomplete
)

// Fields lists the report groupings (lĩnh vực) a procedure may belong to.
var Fields = []string{"dau_tu", "xay_dung", "moi_truong", "lao_dong"}

// checker collects the faults of one file.
type checker struct {
	file   string
	faults Faults
}

// add records a fault at line.
func (c *checker) add(line int, code, format string, args ...any) {
	c.faults = append(c.faults, Fault{File: c.file, Line: line, Code: code, Message: fmt.Sprintf(format, args...)})
}

// validateProcedure checks a procedure whose versions have inherited the
// procedure-level defaults.
func validateProcedure(p *Procedure) Faults {
	c := &checker{file: p.File}
	c.procedureHeader(p)
	c.versionRanges(p)
	for _, v := range p.Versions {
		c.version(v)
	}
	return c.faults
}

// procedureHeader checks code, field and name.
func (c *checker) procedureHeader(p *Procedure) {
	if p.Code == "" {
		c.add(p.Line, FaultRequired, "procedure has no code")
	}
	switch {
	case p.Field == "":
		c.add(p.Line, FaultRequired, "procedure %s has no field (one of %s)", p.Code, strings.Join(Fields, ", "))
	case !contains(Fields, p.Field):
		c.add(p.Line, FaultUnknownField, "procedure %s: unknown field %q (one of %s)", p.Code, p.Field, strings.Join(Fields, ", "))
	}
	c.name(p.Line, "procedure "+p.Code, p.Name)
	if len(p.Versions) == 0 {
		c.add(p.Line, FaultRequired, "procedure %s has no versions", p.Code)
	}
}

// name checks that a label has both its Vietnamese and English text.
func (c *checker) name(line int, what string, t Text) {
	if strings.TrimSpace(t.VI) == "" || strings.TrimSpace(t.EN) == "" {
		c.add(line, FaultRequired, "%s needs a name in Vietnamese (vi) and English (en)", what)
	}
}

// version checks one version after inheritance.
func (c *checker) version(v *Version) {
	if v.ID == "" {
		c.add(v.Line, FaultRequired, "version has no id")
	}
	c.basis(v.Basis, v.Line, "version "+v.ID)
	c.documents(v)
	c.variants(v)
	c.states(v)
	c.events(v)
	c.core(v)
	c.graph(v)
	c.expiries(v)
	c.supplement(v)
	c.extension(v)
	c.fee(v)
	c.steps(v)
}

// fee checks the fee, when the version publishes one: its text in both
// languages and its basis.
func (c *checker) fee(v *Version) {
	if v.Fee == nil {
		return
	}
	c.name(v.Fee.Line, "fee of version "+v.ID, v.Fee.Text)
	c.basis(v.Fee.Basis, v.Fee.Line, "fee of version "+v.ID)
}

// basis checks that a rule cites its legal basis, and that a service
// standard says it is one.
func (c *checker) basis(b Basis, line int, what string) {
	if strings.TrimSpace(b.Citation) == "" {
		c.add(line, FaultMissingCitation, "%s has no citation", what)
		return
	}
	if b.ServiceStandard && !SaysServiceStandard(b.Citation) {
		c.add(line, FaultMissingCitation,
			"%s is a service standard: its citation must say \"Tiêu chuẩn phục vụ\" or \"service standard\"", what)
	}
}

// SaysServiceStandard reports whether a citation labels its rule as a board
// service standard ("Tiêu chuẩn phục vụ" / "service standard").
func SaysServiceStandard(citation string) bool {
	l := strings.ToLower(citation)
	return strings.Contains(l, "tiêu chuẩn phục vụ") || strings.Contains(l, "service standard")
}

// documents checks document codes and names.
func (c *checker) documents(v *Version) {
	seen := map[string]bool{}
	for _, d := range v.Documents {
		if d.Code == "" {
			c.add(d.Line, FaultRequired, "document has no code")
		}
		if seen[d.Code] {
			c.add(d.Line, FaultDuplicate, "document %s is defined twice", d.Code)
		}
		seen[d.Code] = true
		c.name(d.Line, "document "+d.Code, d.Name)
	}
}

// variants checks codes, periods, citations, documents and step overrides.
func (c *checker) variants(v *Version) {
	if len(v.Variants) == 0 {
		c.add(v.Line, FaultRequired, "version %s has no variants", v.ID)
	}
	seen := map[string]bool{}
	for i := range v.Variants {
		vr := &v.Variants[i]
		what := "variant " + vr.Code
		if vr.Code == "" {
			c.add(vr.Line, FaultRequired, "variant of version %s has no code", v.ID)
		}
		if seen[vr.Code] {
			c.add(vr.Line, FaultDuplicate, "variant %s is defined twice in version %s", vr.Code, v.ID)
		}
		seen[vr.Code] = true
		c.name(vr.Line, what, vr.Name)
		c.period(vr.Line, what+" period", vr.Period, 1)
		c.basis(vr.Basis, vr.Line, what)
		c.variantRefs(v, vr)
	}
}

// variantRefs checks that a variant's documents and step overrides name
// defined documents and states, and that its investment outcome is known.
func (c *checker) variantRefs(v *Version, vr *Variant) {
	for _, d := range vr.Documents {
		if !hasDocument(v, d) {
			c.add(vr.Line, FaultUnknownDocument, "variant %s requires unknown document %q", vr.Code, d)
		}
	}
	for _, s := range sortedStates(vr.StepDays) {
		if _, ok := v.State(s); !ok {
			c.add(vr.Line, FaultUnknownState, "variant %s sets step_days of unknown state %q", vr.Code, s)
		}
		if vr.StepDays[s] < 0 {
			c.add(vr.Line, FaultBadPeriod, "variant %s: step_days of %s must not be negative", vr.Code, s)
		}
	}
	if vr.Investment != "" && !vr.Investment.Valid() {
		c.add(vr.Line, FaultBadInvestment, "variant %s: investment %q is not one of %v", vr.Code, vr.Investment,
			models.InvestmentKinds)
	}
}

// period checks a period's unit and its number of days (at least min).
func (c *checker) period(line int, what string, p deadlines.Period, min int) {
	if err := p.Validate(); err != nil {
		c.add(line, FaultBadPeriod, "%s: %s", what, trimErr(err))
		return
	}
	if p.Days < min {
		c.add(line, FaultBadPeriod, "%s: %d days, want at least %d", what, p.Days, min)
	}
}

// states checks codes, names, kinds, the single initial state and steps.
func (c *checker) states(v *Version) {
	seen := map[State]bool{}
	initial := 0
	for i := range v.States {
		s := &v.States[i]
		if seen[s.Code] {
			c.add(s.Line, FaultDuplicate, "state %s is defined twice", s.Code)
		}
		seen[s.Code] = true
		c.name(s.Line, "state "+string(s.Code), s.Name)
		switch s.Kind {
		case KindInitial:
			initial++
		case KindOpen, KindFinal:
		default:
			c.add(s.Line, FaultUnknownKind, "state %s: unknown kind %q (initial, open or final)", s.Code, s.Kind)
		}
		c.step(v, s)
	}
	if initial != 1 {
		c.add(v.Line, FaultInitial, "version %s has %d initial states, want exactly one", v.ID, initial)
	}
}

// step checks a state's step deadline: non-negative days, a valid unit and
// a citation wherever the step is timed for some variant.
func (c *checker) step(v *Version, s *StateDef) {
	if s.StepDays != nil && *s.StepDays < 0 {
		c.add(s.Line, FaultBadPeriod, "state %s: step_days must not be negative", s.Code)
	}
	if s.StepUnit != "" {
		if _, err := deadlines.ParseUnit(string(s.StepUnit)); err != nil {
			c.add(s.Line, FaultBadPeriod, "state %s: step_unit: %s", s.Code, trimErr(err))
		}
	}
	if !timed(v, s) {
		return
	}
	if s.StepBasis == nil {
		c.add(s.Line, FaultMissingCitation, "state %s has a step deadline but no step_basis", s.Code)
		return
	}
	c.basis(*s.StepBasis, s.StepBasis.Line, "step_basis of state "+string(s.Code))
}

// timed reports whether state s has a step deadline in some variant.
func timed(v *Version, s *StateDef) bool {
	for i := range v.Variants {
		if stepDays(s, &v.Variants[i]) > 0 {
			return true
		}
	}
	return len(v.Variants) == 0 && s.StepDays != nil && *s.StepDays > 0
}

// stepDays is the step deadline of s for variant vr (override wins); 0 if
// the step is not timed.
func stepDays(s *StateDef, vr *Variant) int {
	if d, ok := vr.StepDays[s.Code]; ok {
		return d
	}
	if s.StepDays != nil {
		return *s.StepDays
	}
	return 0
}

// events checks every event's codes, states, roles, clock and guards.
func (c *checker) events(v *Version) {
	seen := map[Event]bool{}
	for i := range v.Events {
		e := &v.Events[i]
		if seen[e.Code] {
			c.add(e.Line, FaultDuplicate, "event %s is defined twice", e.Code)
		}
		seen[e.Code] = true
		c.name(e.Line, "event "+string(e.Code), e.Name)
		c.eventStates(v, e)
		c.eventRoles(e)
		c.eventClock(e)
	}
}

// eventStates checks an event's from and to states.
func (c *checker) eventStates(v *Version, e *EventDef) {
	if len(e.From) == 0 {
		c.add(e.Line, FaultRequired, "event %s has no from states", e.Code)
	}
	for _, s := range e.From {
		def, ok := v.State(s)
		switch {
		case !ok:
			c.add(e.Line, FaultUnknownState, "event %s: unknown state %q in from", e.Code, s)
		case def.Kind == KindFinal:
			c.add(e.Line, FaultFinalExit, "event %s leaves final state %s", e.Code, s)
		}
	}
	switch {
	case e.To == "" && e.Extension == ExtensionNone:
		c.add(e.Line, FaultRequired, "event %s has no to state (only an extension event keeps the state)", e.Code)
	case e.To != "":
		if _, ok := v.State(e.To); !ok {
			c.add(e.Line, FaultUnknownState, "event %s: unknown state %q in to", e.Code, e.To)
		}
	}
}

// eventRoles checks that some known role may fire the event.
func (c *checker) eventRoles(e *EventDef) {
	if len(e.Roles) == 0 {
		c.add(e.Line, FaultNoRole, "event %s: no role may fire it", e.Code)
	}
	for _, r := range e.Roles {
		if _, err := ParseRole(string(r)); err != nil {
			c.add(e.Line, FaultUnknownRole, "event %s: unknown role %q", e.Code, r)
		}
	}
}

// eventClock checks the event's clock effect, its extension step and guards.
func (c *checker) eventClock(e *EventDef) {
	if !contains(ClockEffects, e.Clock) {
		c.add(e.Line, FaultUnknownClock, "event %s: unknown clock effect %q", e.Code, e.Clock)
	}
	switch {
	case !contains(ExtensionSteps, e.Extension):
		c.add(e.Line, FaultBadExtension, "event %s: unknown extension step %q (propose, approve or refuse)", e.Code, e.Extension)
	case (e.Extension == ExtensionApprove) != (e.Clock == ClockExtend):
		c.add(e.Line, FaultBadExtension, "event %s: only the approval of an extension (extension: approve) has clock: extend", e.Code)
	case e.Extension != ExtensionNone && e.To != "":
		c.add(e.Line, FaultBadExtension, "event %s: an extension event keeps the state: it has no to", e.Code)
	}
	for _, g := range e.Guards {
		if !contains(Guards, g) {
			c.add(e.Line, FaultUnknownGuard, "event %s: unknown guard %q", e.Code, g)
		}
	}
	if e.Form != "" && !contains(FormKinds, e.Form) {
		c.add(e.Line, FaultBadForm, "event %s: unknown form %q (one of %v)", e.Code, e.Form, FormKinds)
	}
}

// core checks that the version defines every core state and event.
func (c *checker) core(v *Version) {
	for _, s := range CoreStates {
		if _, ok := v.State(s); !ok {
			c.add(v.Line, FaultMissingCore, "version %s: core state %s is missing", v.ID, s)
		}
	}
	for _, e := range CoreEvents {
		if _, ok := v.Event(e); !ok {
			c.add(v.Line, FaultMissingCore, "version %s: core event %s is missing", v.ID, e)
		}
	}
}

// supplement checks the supplementation rule.
func (c *checker) supplement(v *Version) {
	s := v.Supplement
	if s == nil {
		c.add(v.Line, FaultRequired, "version %s has no supplement rule", v.ID)
		return
	}
	if s.Rule != deadlines.RulePause && s.Rule != deadlines.RuleRestart {
		c.add(s.Line, FaultBadSupplement, "supplement rule %q: want %s or %s", s.Rule,
			deadlines.RulePause, deadlines.RuleRestart)
	}
	if s.MaxRequests < 1 {
		c.add(s.Line, FaultBadSupplement, "supplement max_requests must be at least 1, got %d", s.MaxRequests)
	}
	if s.ApplicantPeriod != nil {
		c.period(s.Line, "supplement applicant_period", *s.ApplicantPeriod, 1)
	}
	c.basis(s.Basis, s.Line, "supplement rule")
}

// extension checks the extension (apology letter) rule.
func (c *checker) extension(v *Version) {
	x := v.Extension
	if x == nil {
		c.add(v.Line, FaultRequired, "version %s has no extension rule", v.ID)
		return
	}
	if x.Max < 0 || x.ApologyLeadDays < 0 {
		c.add(x.Line, FaultBadPeriod, "extension max and apology_lead_days must not be negative")
	}
	if x.Limit != nil {
		c.period(x.Line, "extension limit", *x.Limit, 1)
	}
	c.basis(x.Basis, x.Line, "extension rule")
}

// versionRanges checks each version's effective range and that no two
// versions are in force on the same day.
func (c *checker) versionRanges(p *Procedure) {
	seen := map[string]bool{}
	var ok []*Version
	for _, v := range p.Versions {
		if seen[v.ID] && v.ID != "" {
			c.add(v.Line, FaultDuplicate, "version %s is defined twice", v.ID)
		}
		seen[v.ID] = true
		if c.versionRange(v) {
			ok = append(ok, v)
		}
	}
	sort.SliceStable(ok, func(i, j int) bool { return ok[i].EffectiveFrom.Before(ok[j].EffectiveFrom.Time) })
	for i := 1; i < len(ok); i++ {
		prev, v := ok[i-1], ok[i]
		if prev.EffectiveUntil == nil || v.EffectiveFrom.Before(prev.EffectiveUntil.Time) {
			c.add(v.Line, FaultOverlapping, "version %s (from %s) overlaps version %s (%s)",
				v.ID, v.EffectiveFrom.DMY(), prev.ID, rangeText(prev))
		}
	}
}

// versionRange checks one version's dates; false if they are unusable.
func (c *checker) versionRange(v *Version) bool {
	if v.EffectiveFrom.IsZero() {
		c.add(v.Line, FaultRequired, "version %s has no effective_from", v.ID)
		return false
	}
	if v.EffectiveUntil != nil && !v.EffectiveUntil.After(v.EffectiveFrom.Time) {
		c.add(v.Line, FaultBadRange, "version %s: effective_until %s is not after effective_from %s",
			v.ID, v.EffectiveUntil.DMY(), v.EffectiveFrom.DMY())
		return false
	}
	return true
}

// rangeText renders a version's effective range for messages.
func rangeText(v *Version) string {
	if v.EffectiveUntil == nil {
		return "from " + v.EffectiveFrom.DMY()
	}
	return v.EffectiveFrom.DMY() + " until " + v.EffectiveUntil.DMY()
}

// validateOneStop checks onestop.yaml.
func validateOneStop(o OneStop, root *yaml.Node) Faults {
	c := &checker{file: OneStopFile}
	if n := mapValue(root, "cutoff"); n == nil || o.Cutoff == (deadlines.TimeOfDay{}) {
		c.add(lineOr(lineOf(n), root.Line), FaultRequired, "cutoff (HH:MM, e.g. 15:00; 24:00 for none) is missing")
	}
	if strings.TrimSpace(o.CodeFormat) == "" {
		c.add(root.Line, FaultRequired, "code_format is missing")
	}
	c.basis(o.CutoffBasis, lineOr(o.CutoffBasis.Line, root.Line), "cutoff_basis")
	c.basis(o.CodeBasis, lineOr(o.CodeBasis.Line, root.Line), "code_basis")
	c.basis(o.OutcomeBasis, lineOr(o.OutcomeBasis.Line, root.Line), "outcome_basis")
	if len(o.Notify) > 0 {
		c.basis(o.NotifyBasis, lineOr(o.NotifyBasis.Line, o.notifyLine), "notify_basis")
	}
	for kind := range o.Notify {
		if !slices.Contains(NotifyKinds, kind) {
			c.add(o.notifyLine, FaultBadNotify, "notify: unknown kind %q (one of %v)", kind, NotifyKinds)
		}
	}
	c.intakeCheck(o, root)
	c.forms(o, root)
	return c.faults
}

// forms checks the circulars' forms: a citation, known kinds each with a
// number and a title, and one circular in force on any day.
func (c *checker) forms(o OneStop, root *yaml.Node) {
	line := lineOr(keyLine(root, "forms"), root.Line)
	if len(o.Forms) == 0 {
		c.add(line, FaultRequired, "forms: the one-stop forms of each circular are missing")
		return
	}
	for i, s := range o.Forms {
		c.basis(s.Basis, line, "forms of "+s.Circular)
		for _, kind := range sortedFormKinds(s.Forms) {
			f := s.Forms[kind]
			if !contains(FormKinds, kind) {
				c.add(line, FaultBadForm, "forms of %s: unknown form %q (one of %v)", s.Circular, kind, FormKinds)
			}
			if f.Number == "" {
				c.add(line, FaultBadForm, "forms of %s: form %s has no number", s.Circular, kind)
			}
			c.name(line, "form "+string(kind)+" of "+s.Circular, f.Title)
		}
		if i > 0 && (o.Forms[i-1].EffectiveUntil == nil || s.EffectiveFrom == nil ||
			!o.Forms[i-1].EffectiveUntil.Equal(s.EffectiveFrom.Time)) {
			c.add(line, FaultBadForm, "forms: %s must start the day %s ends", s.Circular, o.Forms[i-1].Circular)
		}
	}
}

// intakeCheck checks the intake check's limit, its channels, its basis
// and the office hours it counts.
func (c *checker) intakeCheck(o OneStop, root *yaml.Node) {
	ic := o.IntakeCheck
	if ic == nil {
		return
	}
	line := lineOr(ic.Line, root.Line)
	if ic.Hours < 1 {
		c.add(line, FaultBadPeriod, "intake_check: hours must be at least 1, got %d", ic.Hours)
	}
	for _, ch := range ic.Channels {
		if !slices.Contains(models.Channels, ch) {
			c.add(line, FaultRequired, "intake_check: unknown channel %q (online, direct, postal)", ch)
		}
	}
	c.basis(ic.Basis, line, "intake_check")
	if err := o.OfficeHours.Validate(); err != nil {
		c.add(line, FaultBadPeriod, "office_hours (needed by intake_check): %s", trimErr(err))
		return
	}
	c.basis(o.OfficeHoursBasis, lineOr(o.OfficeHoursBasis.Line, root.Line), "office_hours_basis")
}

// validateNotify checks that every event the notify section names is an
// event of at least one procedure.
func validateNotify(cat *Catalogue) Faults {
	c := &checker{file: OneStopFile}
	for kind, events := range cat.OneStop.Notify {
		for _, e := range events {
			if !cat.definesEvent(e) {
				c.add(cat.OneStop.notifyLine, FaultBadNotify, "notify: %s names event %q, which no procedure defines", kind, e)
			}
		}
	}
	return c.faults
}

// lineOr returns line, or def when line is unknown.
func lineOr(line, def int) int {
	if line > 0 {
		return line
	}
	return def
}

// hasDocument reports whether the version defines document code.
func hasDocument(v *Version, code string) bool {
	for _, d := range v.Documents {
		if d.Code == code {
			return true
		}
	}
	return false
}

// sortedStates returns the keys of m in order, for stable messages.
func sortedStates(m map[State]int) []State {
	out := make([]State, 0, len(m))
	for s := range m {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// contains reports whether list holds x.
func contains[T comparable](list []T, x T) bool {
	for _, y := range list {
		if y == x {
			return true
		}
	}
	return false
}
