package service

import (
	"strings"
	"time"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/workflow"
)

// The catalogue and the calendar as loaded, for the administrator who
// confirms them: every version of every procedure (not only today's), and
// every figure still marked verify or resting on a board's service
// standard.

// The kinds of a Figure: which rule of the catalogue it is.
const (
	FigureVersion     = "version"      // a version's own basis
	FigureVariant     = "variant"      // a variant's period
	FigureStep        = "step"         // a state's step deadline
	FigureExpiry      = "expiry"       // the event fired when a step deadline passes
	FigureSupplement  = "supplement"   // the supplementation rule
	FigureExtension   = "extension"    // the extension rule
	FigureFee         = "fee"          // the fee
	FigureCutoff      = "cutoff"       // onestop.yaml: the receipt cut-off
	FigureOfficeHours = "office_hours" // onestop.yaml: the office hours
	FigureIntake      = "intake_check" // onestop.yaml: the intake check's limit
	FigureCode        = "code_format"  // onestop.yaml: the dossier code
	FigureOutcome     = "outcome"      // onestop.yaml: early, on time, late
	FigureNotify      = "notify"       // onestop.yaml: the investor's notices
	FigureForms       = "forms"        // onestop.yaml: a circular's forms
)

// Figure is one rule of the catalogue with its legal basis: what an
// administrator confirms against the texts.
type Figure struct {
	Kind string
	// Procedure is nil for the one-stop rules common to all (onestop.yaml).
	Procedure *workflow.Procedure
	// Versions are the ids of the versions the rule belongs to (a rule a
	// version inherits from its procedure is listed once).
	Versions []string
	// Name is the variant's or the state's name, or a circular's number.
	Name  workflow.Text
	Basis workflow.Basis
	// The figure itself, by kind: a period (variant, step: a step whose
	// unit is the variant's has an empty Unit), the supplementation or
	// extension rule, the fee, the event fired on expiry, the intake
	// check's working hours, or a value written as in the configuration
	// (cut-off, office hours, code format).
	Period     *deadlines.Period
	Supplement *workflow.Supplement
	Extension  *workflow.Extension
	Fee        *workflow.Fee
	Event      workflow.Text
	Hours      int
	Value      string
}

// CatalogueVersion is one version of a procedure with what the pages
// show of it: whether it is in force today, its timed steps and its
// variants' step deadlines.
type CatalogueVersion struct {
	Version  *workflow.Version
	InForce  bool
	Steps    []workflow.StateDef
	Variants []CatalogueVariant
}

// CatalogueVariant is a variant and the step deadline of each timed state
// for it (the variant's override wins, as on the control sheet).
type CatalogueVariant struct {
	Variant *workflow.Variant
	Steps   []VariantStep
}

// VariantStep is one state's step deadline for a variant.
type VariantStep struct {
	State  workflow.Text
	Period deadlines.Period
}

// CatalogueProcedure is a procedure with all its versions, oldest first.
type CatalogueProcedure struct {
	Procedure *workflow.Procedure
	Versions  []CatalogueVersion
}

// CatalogueView is the catalogue as loaded: the procedures, the one-stop
// rules, and the figures to confirm.
type CatalogueView struct {
	Procedures []CatalogueProcedure
	OneStop    *workflow.OneStop
	// Verify lists every figure marked verify: true (an administrator
	// should confirm it against the text); ServiceStandards every figure
	// resting on a board's service standard, not on a statute.
	Verify           []Figure
	ServiceStandards []Figure
}

// CatalogueAsLoaded is the catalogue the engine runs on, every version of
// it, for an administrator (a deployment's or a board's: the catalogue is
// the deployment's).
func (s *Service) CatalogueAsLoaded(p *Principal) (*CatalogueView, error) {
	if err := p.require(workflow.RoleAdmin); err != nil {
		return nil, err
	}
	cat := s.eng.Catalogue()
	today := s.now()
	out := &CatalogueView{OneStop: &cat.OneStop}
	var figs figures
	figs.oneStop(&cat.OneStop)
	for _, code := range cat.Order {
		pr := cat.Procedures[code]
		cp := CatalogueProcedure{Procedure: pr}
		for _, v := range pr.Versions {
			cp.Versions = append(cp.Versions, catalogueVersion(v, today))
			figs.version(pr, v)
		}
		out.Procedures = append(out.Procedures, cp)
	}
	for _, f := range figs.list {
		if f.Basis.Verify {
			out.Verify = append(out.Verify, *f)
		}
		if f.Basis.ServiceStandard {
			out.ServiceStandards = append(out.ServiceStandards, *f)
		}
	}
	return out, nil
}

// catalogueVersion is a version with its timed steps and each variant's
// step deadlines.
func catalogueVersion(v *workflow.Version, today time.Time) CatalogueVersion {
	cv := CatalogueVersion{Version: v, InForce: v.InForce(today)}
	var timed []workflow.StateDef
	for _, st := range v.States {
		if st.StepDays != nil || variantTimes(v, st.Code) {
			timed = append(timed, st)
		}
		if st.StepDays != nil {
			cv.Steps = append(cv.Steps, st)
		}
	}
	for i := range v.Variants {
		vr := &v.Variants[i]
		cvr := CatalogueVariant{Variant: vr}
		for _, st := range timed {
			if per, ok := v.StepPeriod(st.Code, vr.Code); ok {
				cvr.Steps = append(cvr.Steps, VariantStep{State: st.Name, Period: per})
			}
		}
		cv.Variants = append(cv.Variants, cvr)
	}
	return cv
}

// variantTimes reports whether a variant of v sets a step deadline for s.
func variantTimes(v *workflow.Version, s workflow.State) bool {
	for _, vr := range v.Variants {
		if d, ok := vr.StepDays[s]; ok && d > 0 {
			return true
		}
	}
	return false
}

// figures collects the catalogue's figures once each: a rule a version
// inherits from its procedure is one figure listing its versions.
type figures struct {
	list []*Figure
	seen map[any]*Figure
}

// add records the figure of the rule at key (a pointer into the
// catalogue), or adds version to the figure already recorded there.
func (fs *figures) add(key any, version string, f Figure) {
	if fs.seen == nil {
		fs.seen = map[any]*Figure{}
	}
	if prev, ok := fs.seen[key]; ok {
		if version != "" {
			prev.Versions = append(prev.Versions, version)
		}
		return
	}
	if version != "" {
		f.Versions = []string{version}
	}
	fs.seen[key] = &f
	fs.list = append(fs.list, &f)
}

// version collects the figures of one version of pr.
func (fs *figures) version(pr *workflow.Procedure, v *workflow.Version) {
	fs.add(&v.Basis, v.ID, Figure{Kind: FigureVersion, Procedure: pr, Basis: v.Basis})
	for i := range v.Variants {
		vr := &v.Variants[i]
		per := vr.Period
		fs.add(&vr.Basis, v.ID, Figure{Kind: FigureVariant, Procedure: pr, Name: vr.Name, Basis: vr.Basis, Period: &per})
	}
	for i := range v.States {
		st := &v.States[i]
		if st.StepBasis != nil {
			f := Figure{Kind: FigureStep, Procedure: pr, Name: st.Name, Basis: *st.StepBasis}
			if st.StepDays != nil {
				f.Period = &deadlines.Period{Days: *st.StepDays, Unit: st.StepUnit}
			}
			fs.add(st.StepBasis, v.ID, f)
		}
		if x := st.OnStepExpiry; x != nil {
			fs.add(x, v.ID, Figure{Kind: FigureExpiry, Procedure: pr, Name: st.Name, Basis: x.Basis, Event: expiryEventName(v, x.Event)})
		}
	}
	if x := v.Supplement; x != nil {
		fs.add(x, v.ID, Figure{Kind: FigureSupplement, Procedure: pr, Basis: x.Basis, Supplement: x})
	}
	if x := v.Extension; x != nil {
		fs.add(x, v.ID, Figure{Kind: FigureExtension, Procedure: pr, Basis: x.Basis, Extension: x})
	}
	if x := v.Fee; x != nil {
		fs.add(x, v.ID, Figure{Kind: FigureFee, Procedure: pr, Basis: x.Basis, Fee: x})
	}
}

// expiryEventName is the name of event e in v, its code when v lacks it.
func expiryEventName(v *workflow.Version, e workflow.Event) workflow.Text {
	if def, ok := v.Event(e); ok {
		return def.Name
	}
	return workflow.Text{VI: string(e), EN: string(e)}
}

// oneStop collects the figures of the rules common to every procedure.
func (fs *figures) oneStop(o *workflow.OneStop) {
	fs.add(&o.CutoffBasis, "", Figure{Kind: FigureCutoff, Basis: o.CutoffBasis, Value: o.Cutoff.String()})
	if len(o.OfficeHours) > 0 {
		shifts := make([]string, len(o.OfficeHours))
		for i, sh := range o.OfficeHours {
			shifts[i] = sh.From.String() + "–" + sh.Until.String()
		}
		fs.add(&o.OfficeHoursBasis, "", Figure{Kind: FigureOfficeHours, Basis: o.OfficeHoursBasis, Value: strings.Join(shifts, ", ")})
	}
	if x := o.IntakeCheck; x != nil {
		fs.add(x, "", Figure{Kind: FigureIntake, Basis: x.Basis, Hours: x.Hours})
	}
	fs.add(&o.CodeBasis, "", Figure{Kind: FigureCode, Basis: o.CodeBasis, Value: o.CodeFormat})
	fs.add(&o.OutcomeBasis, "", Figure{Kind: FigureOutcome, Basis: o.OutcomeBasis})
	if o.NotifyBasis.Citation != "" {
		fs.add(&o.NotifyBasis, "", Figure{Kind: FigureNotify, Basis: o.NotifyBasis})
	}
	for i := range o.Forms {
		f := &o.Forms[i]
		fs.add(&f.Basis, "", Figure{Kind: FigureForms, Basis: f.Basis, Name: workflow.Text{VI: f.Circular, EN: f.Circular}})
	}
}

// HolidayCalendar is a year's calendar as the administrator reads it.
type HolidayCalendar struct {
	Year int
	// Announced: the Prime Minister's announcement (configs/holidays).
	// Otherwise the schedule is the law's, derived (Derived, no file) or
	// written in a file ahead of the announcement: the swapped days are
	// not known yet.
	Announced bool
	Derived   bool
	Source    workflow.Text
	// Days are the days off and the Saturdays worked in exchange, by date.
	Days []CalendarDay
}

// CalendarDay is one day of a year's schedule.
type CalendarDay struct {
	Date time.Time
	// Kind is a deadlines.Kind* constant.
	Kind string
	// Off: a day off; otherwise a Saturday worked in exchange.
	Off   bool
	Name  workflow.Text
	Basis string
}

// HolidayCalendar is year's schedule of days off and swapped working
// Saturdays, in one list by date, its names split into Vietnamese and
// English. A year out of range is refused on the field year.
func (s *Service) HolidayCalendar(year int) (*HolidayCalendar, error) {
	ys, err := s.Holidays(year)
	if err != nil {
		return nil, err
	}
	out := &HolidayCalendar{Year: ys.Year, Announced: ys.Announced, Derived: ys.Derived, Source: bilingual(ys.Source)}
	i, j := 0, 0
	for i < len(ys.DaysOff) || j < len(ys.WorkingSaturdays) {
		if j == len(ys.WorkingSaturdays) || (i < len(ys.DaysOff) && !ys.DaysOff[i].Date.After(ys.WorkingSaturdays[j].Date)) {
			d := ys.DaysOff[i]
			out.Days = append(out.Days, CalendarDay{Date: d.Date, Kind: d.Kind, Off: true, Name: bilingual(d.Name), Basis: d.Basis})
			i++
			continue
		}
		d := ys.WorkingSaturdays[j]
		out.Days = append(out.Days, CalendarDay{Date: d.Date, Kind: deadlines.KindWorkingSaturday, Name: bilingual(d.Name), Basis: d.Basis})
		j++
	}
	return out, nil
}

// bilingual splits a calendar text written "Vietnamese / English"; a
// text without the separator is the same in both.
func bilingual(s string) workflow.Text {
	vi, en, ok := strings.Cut(s, " / ")
	if !ok {
		return workflow.Text{VI: s, EN: s}
	}
	return workflow.Text{VI: strings.TrimSpace(vi), EN: strings.TrimSpace(en)}
}
