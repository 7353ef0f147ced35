package workflow

import (
	"fmt"
	"strings"
	"time"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/models"
)

// Procedure returns the procedure with the given code.
func (c *Catalogue) Procedure(code string) (*Procedure, error) {
	if p, ok := c.Procedures[code]; ok {
		return p, nil
	}
	return nil, fmt.Errorf("workflow: unknown procedure %q (valid: %s)", code, strings.Join(c.Order, ", "))
}

// InForce reports whether the version is in force on t's local date
// (Asia/Ho_Chi_Minh): effective_from ≤ date < effective_until.
func (v *Version) InForce(t time.Time) bool {
	d := deadlines.DateOf(t)
	if d.Before(v.EffectiveFrom.Time) {
		return false
	}
	return v.EffectiveUntil == nil || d.Before(v.EffectiveUntil.Time)
}

// VersionAt returns the version in force on t's local date. A dossier is
// handled under the version in force on the day it was received.
func (p *Procedure) VersionAt(t time.Time) (*Version, error) {
	for _, v := range p.Versions {
		if v.InForce(t) {
			return v, nil
		}
	}
	return nil, fmt.Errorf("workflow: procedure %s has no version in force on %s",
		p.Code, deadlines.DateOf(t).Format("02/01/2006"))
}

// Version returns the version with the given id.
func (p *Procedure) Version(id string) (*Version, error) {
	ids := make([]string, 0, len(p.Versions))
	for _, v := range p.Versions {
		if v.ID == id {
			return v, nil
		}
		ids = append(ids, v.ID)
	}
	return nil, fmt.Errorf("workflow: procedure %s has no version %q (valid: %s)", p.Code, id, strings.Join(ids, ", "))
}

// Variant returns the variant with the given code; the error lists the
// valid codes.
func (v *Version) Variant(code string) (*Variant, error) {
	if vr := v.variant(code); vr != nil {
		return vr, nil
	}
	codes := make([]string, len(v.Variants))
	for i := range v.Variants {
		codes[i] = v.Variants[i].Code
	}
	return nil, fmt.Errorf("workflow: version %s has no variant %q (valid: %s)", v.ID, code, strings.Join(codes, ", "))
}

// variant returns the variant with the given code, or nil.
func (v *Version) variant(code string) *Variant {
	if v.variantIdx != nil {
		return v.variantIdx[code]
	}
	for i := range v.Variants {
		if v.Variants[i].Code == code {
			return &v.Variants[i]
		}
	}
	return nil
}

// State returns the definition of state s. It does not allocate.
func (v *Version) State(s State) (*StateDef, bool) {
	if v.stateIdx != nil {
		d, ok := v.stateIdx[s]
		return d, ok
	}
	for i := range v.States {
		if v.States[i].Code == s {
			return &v.States[i], true
		}
	}
	return nil, false
}

// Event returns the definition of event e. It does not allocate.
func (v *Version) Event(e Event) (*EventDef, bool) {
	if v.eventIdx != nil {
		d, ok := v.eventIdx[e]
		return d, ok
	}
	for i := range v.Events {
		if v.Events[i].Code == e {
			return &v.Events[i], true
		}
	}
	return nil, false
}

// EventsFrom returns the events that may fire in state s, in catalogue
// order. The slice belongs to the catalogue: do not modify it.
func (v *Version) EventsFrom(s State) []*EventDef {
	if v.eventsFrom != nil {
		return v.eventsFrom[s]
	}
	var out []*EventDef
	for i := range v.Events {
		if contains(v.Events[i].From, s) {
			out = append(out, &v.Events[i])
		}
	}
	return out
}

// RequiredDocuments returns the codes of the documents a dossier of the
// variant must attach: the version's required documents, then the
// variant's own.
func (v *Version) RequiredDocuments(variant string) []string {
	var out []string
	for _, d := range v.Documents {
		if d.Required {
			out = append(out, d.Code)
		}
	}
	if vr := v.variant(variant); vr != nil {
		for _, d := range vr.Documents {
			if !contains(out, d) {
				out = append(out, d)
			}
		}
	}
	return out
}

// StepPeriod returns the step deadline of state s for the variant (the
// variant's override wins), in the state's step_unit if set, else in the
// variant's period unit. It returns false if the state or variant is
// unknown or the step is not timed.
func (v *Version) StepPeriod(s State, variant string) (deadlines.Period, bool) {
	def, ok := v.State(s)
	vr := v.variant(variant)
	if !ok || vr == nil {
		return deadlines.Period{}, false
	}
	days := stepDays(def, vr)
	if days <= 0 {
		return deadlines.Period{}, false
	}
	unit := vr.Period.Unit
	if def.StepUnit != "" {
		unit = def.StepUnit
	}
	return deadlines.Period{Days: days, Unit: unit}, true
}

// Rules builds the clock rules of a variant: its period, the one-stop
// cut-off, the supplementation rule and the extension rule (an extension
// limited to the original period is limited to the variant's period).
func (v *Version) Rules(variant string, os OneStop) (deadlines.Rules, error) {
	vr, err := v.Variant(variant)
	if err != nil {
		return deadlines.Rules{}, err
	}
	r := deadlines.Rules{Period: vr.Period, Cutoff: os.Cutoff}
	if v.Supplement != nil {
		r.Supplement = v.Supplement.Rule
	}
	if x := v.Extension; x != nil {
		r.MaxExtensions, r.ApologyLeadDays = x.Max, x.ApologyLeadDays
		r.ExtensionLimit = extensionLimit(x, vr.Period)
	}
	if err := r.Validate(); err != nil {
		return deadlines.Rules{}, fmt.Errorf("workflow: rules of %s variant %s: %w", v.ID, variant, err)
	}
	return r, nil
}

// extensionLimit is the cap on an extension: the explicit limit, or the
// original period when the law says "no longer than the original period"
// (the shorter of the two if both are set in the same unit).
func extensionLimit(x *Extension, period deadlines.Period) *deadlines.Period {
	var limit *deadlines.Period
	if x.Limit != nil {
		l := *x.Limit
		limit = &l
	}
	if x.LimitOriginal && (limit == nil || (limit.Unit == period.Unit && period.Days < limit.Days)) {
		p := period
		limit = &p
	}
	return limit
}

// definesEvent reports whether some version of some procedure defines event.
func (c *Catalogue) definesEvent(event Event) bool {
	for _, p := range c.Procedures {
		for _, v := range p.Versions {
			if _, ok := v.Event(event); ok {
				return true
			}
		}
	}
	return false
}

// Bound returns the procedure and the catalogue version dossier d is bound
// to; an error when the catalogue no longer has either.
func (c *Catalogue) Bound(d *models.Dossier) (*Procedure, *Version, error) {
	p, err := c.Procedure(d.Procedure)
	if err != nil {
		return nil, nil, err
	}
	v, err := p.Version(d.CatalogueVersion)
	if err != nil {
		return nil, nil, err
	}
	return p, v, nil
}

// DefinesState reports whether some version of some procedure defines state s.
func (c *Catalogue) DefinesState(s State) bool {
	for _, p := range c.Procedures {
		for _, v := range p.Versions {
			if _, ok := v.State(s); ok {
				return true
			}
		}
	}
	return false
}

// DocumentsFor lists the version's documents as a dossier of the variant
// sees them: each required when the variant requires it (the version's
// required documents and the variant's own), optional otherwise.
func (v *Version) DocumentsFor(variant string) []Document {
	required := v.RequiredDocuments(variant)
	out := make([]Document, len(v.Documents))
	for i, d := range v.Documents {
		d.Required = contains(required, d.Code)
		out[i] = d
	}
	return out
}
