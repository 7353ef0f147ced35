package workflow

import (
	"time"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/models"
)

// Text is a label in Vietnamese (with full diacritics) and English.
type Text struct {
	VI string `yaml:"vi" json:"vi"`
	EN string `yaml:"en" json:"en"`
}

// String renders the label as "Vietnamese / English".
func (t Text) String() string {
	if t.EN == "" {
		return t.VI
	}
	return t.VI + " / " + t.EN
}

// Basis is the legal basis of a rule. Where the law sets no deadline the
// rule is a board service standard: ServiceStandard is true and Citation
// says so; no article is invented.
type Basis struct {
	Citation        string `yaml:"citation" json:"citation"`
	Verify          bool   `yaml:"verify,omitempty" json:"verify,omitempty"`                     // (M) in LEGAL.md: an administrator should confirm it
	ServiceStandard bool   `yaml:"service_standard,omitempty" json:"service_standard,omitempty"` // no statutory figure: a board-set standard
	Note            string `yaml:"note,omitempty" json:"note,omitempty"`

	// Line is the line of the mapping holding the citation (the variant,
	// supplement, extension, expiry or step_basis), for validation faults.
	Line int `yaml:"-" json:"-"`
}

// Date is a calendar date in YAML as YYYY-MM-DD, interpreted in Asia/Ho_Chi_Minh.
type Date struct{ time.Time }

// Procedure is one administrative procedure and all its versions.
type Procedure struct {
	Code  string `yaml:"code" json:"code"`   // e.g. "construction-permit"
	Field string `yaml:"field" json:"field"` // report grouping: dau_tu, xay_dung, moi_truong, lao_dong
	Name  Text   `yaml:"name" json:"name"`
	// Defaults shared by every version; a version may replace any of them.
	Workflow `yaml:",inline"`
	Versions []*Version `yaml:"versions" json:"versions"`

	File string `yaml:"-" json:"-"` // the file it was loaded from
	Line int    `yaml:"-" json:"-"` // line of the procedure's code in its file
}

// Workflow is the part of a procedure version that may be shared by
// versions: documents, states, events and the supplementation rule.
type Workflow struct {
	Documents  []Document  `yaml:"documents,omitempty" json:"documents,omitempty"`
	States     []StateDef  `yaml:"states,omitempty" json:"states,omitempty"`
	Events     []EventDef  `yaml:"events,omitempty" json:"events,omitempty"`
	Supplement *Supplement `yaml:"supplement,omitempty" json:"supplement,omitempty"`
	Extension  *Extension  `yaml:"extension,omitempty" json:"extension,omitempty"`
	// Fee is what the applicant pays (phí, lệ phí), where a text sets it.
	Fee *Fee `yaml:"fee,omitempty" json:"fee,omitempty"`
}

// Fee is a procedure's fee (phí, lệ phí) as the catalogue publishes it:
// an amount only where a national text fixes one, else who sets it (the
// provincial People's Council) or that no text charges one.
type Fee struct {
	Text   Text   `yaml:"text" json:"text"`
	Amount *int64 `yaml:"amount,omitempty" json:"amount,omitempty"` // đồng, when a national text fixes it
	Basis  `yaml:",inline"`
}

// Version is the procedure as in force between two dates.
type Version struct {
	ID             string `yaml:"id" json:"id"` // e.g. "nd217-2026"
	EffectiveFrom  Date   `yaml:"effective_from" json:"effective_from"`
	EffectiveUntil *Date  `yaml:"effective_until,omitempty" json:"effective_until,omitempty"` // exclusive; nil = open-ended
	Basis          `yaml:",inline"`
	Variants       []Variant `yaml:"variants" json:"variants"`
	Workflow       `yaml:",inline"`

	Line int `yaml:"-" json:"-"` // line of the version in its file

	// Lookup tables built by the loader (see Version.index); the engine
	// reads them on its hot path without allocating.
	stateIdx   map[State]*StateDef
	eventIdx   map[Event]*EventDef
	variantIdx map[string]*Variant
	eventsFrom map[State][]*EventDef
}

// Variant fixes the statutory period (project group, new or adjustment...).
type Variant struct {
	Code   string           `yaml:"code" json:"code"`
	Name   Text             `yaml:"name" json:"name"`
	Period deadlines.Period `yaml:"period" json:"period"`
	Basis  `yaml:",inline"`
	// Documents required on top of the version's common ones.
	Documents []string `yaml:"documents,omitempty" json:"documents,omitempty"`
	// StepDays overrides a state's step deadline for this variant (state
	// code → days); 0 means the step is not timed for this variant (it does
	// not occur, e.g. no consultation for a permit extension).
	StepDays map[State]int `yaml:"step_days,omitempty" json:"step_days,omitempty"`
	// Investment, if set, is what approving a dossier of this variant does
	// to its investment project (issue, adjust or terminate): the approve
	// event then requires the project's data (Input.Investment) and records
	// it for the investment statistics.
	Investment models.InvestmentKind `yaml:"investment,omitempty" json:"investment,omitempty"`
}

// Document is one paper of the dossier (thành phần hồ sơ).
type Document struct {
	Code     string `yaml:"code" json:"code"`
	Name     Text   `yaml:"name" json:"name"`
	Required bool   `yaml:"required" json:"required"`

	Line int `yaml:"-" json:"-"`
}

// StateDef defines a state and its step deadline (control sheet, form 05).
type StateDef struct {
	Code State     `yaml:"code" json:"code"`
	Name Text      `yaml:"name" json:"name"`
	Kind StateKind `yaml:"kind" json:"kind"`
	// StepDays is the state's own deadline, in the variant's period unit;
	// nil means the step is not timed. Variants may override it.
	StepDays *int `yaml:"step_days,omitempty" json:"step_days,omitempty"`
	// StepUnit, if set, is the unit of the step deadline regardless of the
	// variant's period unit (e.g. the applicant's 20 working days to
	// supplement a dossier whose period is in calendar days).
	StepUnit deadlines.Unit `yaml:"step_unit,omitempty" json:"step_unit,omitempty"`
	// StepBasis cites the step deadline.
	StepBasis *Basis `yaml:"step_basis,omitempty" json:"step_basis,omitempty"`
	// OnStepExpiry names an event the system fires when the step deadline
	// passes (deemed consent, supplementation lapsed).
	OnStepExpiry *Expiry `yaml:"on_step_expiry,omitempty" json:"on_step_expiry,omitempty"`

	Line int `yaml:"-" json:"-"`
}

// Expiry is an event fired by the system when a step deadline passes.
type Expiry struct {
	Event Event `yaml:"event" json:"event"`
	Basis `yaml:",inline"`
}

// EventDef defines an event: where it may fire, where it leads, who may fire it.
type EventDef struct {
	Code   Event       `yaml:"code" json:"code"`
	Name   Text        `yaml:"name" json:"name"`
	From   []State     `yaml:"from" json:"from"`
	To     State       `yaml:"to" json:"to"` // for extend: empty, the state does not change
	Roles  []Role      `yaml:"roles" json:"roles"`
	Clock  ClockEffect `yaml:"clock,omitempty" json:"clock,omitempty"`
	Guards []Guard     `yaml:"guards,omitempty" json:"guards,omitempty"`
	Form   FormKind    `yaml:"form,omitempty" json:"form,omitempty"` // the one-stop form the event issues
	// Extension is the event's part in a leader-signed extension, if any.
	Extension ExtensionStep `yaml:"extension,omitempty" json:"extension,omitempty"`

	Line int `yaml:"-" json:"-"`
}

// Supplement is the supplementation rule (yêu cầu bổ sung hồ sơ).
type Supplement struct {
	Rule        deadlines.SupplementRule `yaml:"rule" json:"rule"` // pause or restart
	MaxRequests int                      `yaml:"max_requests" json:"max_requests"`
	// ApplicantPeriod is the time the applicant has to supplement; nil = not limited.
	ApplicantPeriod *deadlines.Period `yaml:"applicant_period,omitempty" json:"applicant_period,omitempty"`
	Basis           `yaml:",inline"`
}

// Extension is the rule for moving the appointment (form 04 apology letter).
type Extension struct {
	Max             int               `yaml:"max" json:"max"`
	Limit           *deadlines.Period `yaml:"limit,omitempty" json:"limit,omitempty"`                   // nil = no cap beyond the law's
	LimitOriginal   bool              `yaml:"limit_original,omitempty" json:"limit_original,omitempty"` // no longer than the original period
	ApologyLeadDays int               `yaml:"apology_lead_days" json:"apology_lead_days"`
	Basis           `yaml:",inline"`
}

// OneStop holds the one-stop-shop rules common to all procedures
// (configs/onestop.yaml): the receipt cut-off and the dossier code format.
type OneStop struct {
	Cutoff       deadlines.TimeOfDay `yaml:"cutoff" json:"cutoff"`
	CutoffBasis  Basis               `yaml:"cutoff_basis" json:"cutoff_basis"`
	CodeFormat   string              `yaml:"code_format" json:"code_format"` // e.g. "V1V2V3.Z1Z2.Y1Y2.MX1X2-YYMMDD-XXXX"
	CodeBasis    Basis               `yaml:"code_basis" json:"code_basis"`
	OutcomeBasis Basis               `yaml:"outcome_basis" json:"outcome_basis"`
	// Notify names, per notification kind, the events that notify the
	// investor (in-app and by email); none when absent.
	Notify      map[models.NotificationKind][]Event `yaml:"notify,omitempty" json:"notify,omitempty"`
	NotifyBasis Basis                               `yaml:"notify_basis,omitempty" json:"notify_basis,omitempty"`
	notifyLine  int
	// IntakeCheck is the time limit for checking a dossier's completeness
	// before receipt, on the channels it names (online: the officer must
	// receive it or send it back within it); nil: not timed.
	IntakeCheck *IntakeCheck `yaml:"intake_check,omitempty" json:"intake_check,omitempty"`
	// OfficeHours are the shifts of a working day, which a limit in
	// working hours counts.
	OfficeHours      deadlines.OfficeHours `yaml:"office_hours,omitempty" json:"office_hours,omitempty"`
	OfficeHoursBasis Basis                 `yaml:"office_hours_basis,omitempty" json:"office_hours_basis,omitempty"`
	// Forms are the one-stop forms of each circular, by effective date: a
	// form carries the number and title of the circular in force.
	Forms []FormSet `yaml:"forms,omitempty" json:"forms,omitempty"`
}

// IntakeCheck is the intake check's time limit, in working hours from the
// dossier's arrival, and the channels it applies to.
type IntakeCheck struct {
	Hours    int              `yaml:"hours" json:"hours"`
	Channels []models.Channel `yaml:"channels" json:"channels"`
	Basis    `yaml:",inline"`
}

// NotifyKinds lists the kinds the notify section may name.
var NotifyKinds = []models.NotificationKind{models.NotifyReceived, models.NotifyCompletion,
	models.NotifyIntakeRejected, models.NotifySupplement, models.NotifyAppointmentMoved, models.NotifyResultReady}

// NotifyKind returns the kind of notification event sends the investor.
func (o OneStop) NotifyKind(event Event) (models.NotificationKind, bool) {
	for kind, events := range o.Notify {
		for _, e := range events {
			if e == event {
				return kind, true
			}
		}
	}
	return "", false
}
