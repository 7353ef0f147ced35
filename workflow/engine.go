package workflow

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/looplab/fsm"
	"gorm.io/gorm"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/errs"
	"github.com/motcua/motcua/models"
)

// Engine fires catalogue events at dossiers. It is safe for concurrent use.
type Engine struct {
	cat    *Catalogue
	cal    *deadlines.Calendar
	events map[*Version]fsm.Events // looplab/fsm transitions per version, built once
}

// NewEngine builds an engine over a validated catalogue and a calendar.
func NewEngine(cat *Catalogue, cal *deadlines.Calendar) *Engine {
	e := &Engine{cat: cat, cal: cal, events: map[*Version]fsm.Events{}}
	for _, code := range cat.Order {
		for _, v := range cat.Procedures[code].Versions {
			e.events[v] = fsmEvents(v)
		}
	}
	return e
}

// Catalogue returns the engine's catalogue.
func (e *Engine) Catalogue() *Catalogue { return e.cat }

// Calendar returns the engine's calendar.
func (e *Engine) Calendar() *deadlines.Calendar { return e.cal }

// fsmEvents turns a version's events into looplab/fsm descriptions. An
// event without a target (extend) loops on each of its source states.
func fsmEvents(v *Version) fsm.Events {
	var out fsm.Events
	for _, ev := range v.Events {
		src := make([]string, len(ev.From))
		for i, s := range ev.From {
			src[i] = string(s)
		}
		if ev.To != "" {
			out = append(out, fsm.EventDesc{Name: string(ev.Code), Src: src, Dst: string(ev.To)})
			continue
		}
		for _, s := range src {
			out = append(out, fsm.EventDesc{Name: string(ev.Code), Src: []string{s}, Dst: s})
		}
	}
	return out
}

// Actor is who fires an event.
type Actor struct {
	UserID  *uint
	Role    Role
	BoardID uint // 0 for the system and for investors
	Name    string
}

// SystemActor is the actor of cron sweeps (deemed consent, lapses).
var SystemActor = Actor{Role: RoleSystem, Name: "motcua"}

// AttachmentInput is the metadata of a file sent with an event.
type AttachmentInput struct {
	DocumentCode string `json:"document_code"`
	FileName     string `json:"file_name"`
	ContentType  string `json:"content_type"`
	Size         int64  `json:"size"`
	SHA256       string `json:"sha256"`
	StorageKey   string `json:"storage_key"`
}

// ExtensionInput is what an extension needs: a reason, the new appointment
// date and the apology letter (form 04), by attachment key or text.
type ExtensionInput struct {
	Reason        string    `json:"reason"`
	NewDueDate    time.Time `json:"new_due_date"`
	ApologyLetter string    `json:"apology_letter"`
}

// Input is what comes with an event besides its name.
type Input struct {
	Comment     string
	Attachments []AttachmentInput
	Extension   *ExtensionInput
	AssigneeID  *uint
	// Investment is the project an investment-certificate decision issues,
	// adjusts or terminates: required with approve when the dossier's
	// variant has an investment outcome, refused with anything else.
	Investment *InvestmentInput
	// Missing lists what the applicant must complete or supplement, and
	// why (form 02): required by the missing_listed guard, allowed with
	// any event that issues form 02.
	Missing []MissingItem
	// Result is the result document a decision carries (result_required).
	Result *ResultInput
	// Quiet marks a historical replay (an import): no notifications, and
	// officers who are names rather than accounts.
	Quiet bool
}

// ResultInput is the result document of a decision: electronic (a file
// uploaded to the dossier as a result) or a paper original.
type ResultInput struct {
	Medium       ResultMedium
	AttachmentID *uint64
	Reference    string // the document's number and sign, e.g. 12/GPXD-BQL
}

// Fire applies event to dossier d as actor at instant at: it checks the
// role, the transition and the guards, applies the clock effect and writes
// the dossier (only if its version is unchanged) and exactly one history
// row, and the investor's notifications when the one-stop rules say the
// event notifies, and the investment project and record of an
// investment-certificate decision. tx must be a transaction, except on
// PostgreSQL for an event without attachments or investment outcome that
// notifies no one (see single), where the write is a single statement and
// the pool itself will do. On error d is left untouched and nothing of this
// event is committed once the caller rolls back.
func (e *Engine) Fire(ctx context.Context, tx *gorm.DB, d *models.Dossier, event Event, actor Actor,
	at time.Time, in Input) (*models.DossierEvent, error) {
	at = at.In(deadlines.Location) // every stored instant in one zone: SQLite compares them as text
	v, def, err := e.resolve(d, event)
	if err != nil {
		return nil, err
	}
	if !def.allows(actor.Role) {
		return nil, forbidden(event, actor.Role)
	}
	to, err := e.transition(ctx, v, d.State, event)
	if err != nil {
		return nil, err
	}
	if err := inputFits(def, in); err != nil {
		return nil, err
	}
	nd := *d // work on a copy: d stays as read if anything fails
	if err := e.checkGuards(ctx, tx, v, def, &nd, in, actor); err != nil {
		return nil, err
	}
	inv, err := e.prepareInvestment(ctx, tx, &nd, event, in.Investment, at)
	if err != nil {
		return nil, err
	}
	var data EventData
	if in, err = e.extensionStep(ctx, tx, v, def, &nd, at, in, &data); err != nil {
		return nil, fromStore(err, d.Code)
	}
	if err := e.applyClock(v, def, &nd, at, in, &data); err != nil {
		return nil, fromStore(err, d.Code)
	}
	if inv != nil {
		data.Investment = inv.summary()
	}
	recordDesk(def, &nd, in, &data)
	ev := e.historyRow(v, def, &nd, to, actor, at, in, &data)
	if d.FinishedAt == nil && nd.FinishedAt != nil {
		nd.EndState = string(to)
		nd.ExtensionProposalSeq = 0 // a proposal still pending is moot once the dossier ends
	}
	if err := e.write(ctx, tx, &nd, d.Version, ev, in.Attachments, reportTallies(d, &nd, at)); err != nil {
		return nil, err
	}
	if inv != nil {
		if err := e.writeInvestment(ctx, tx, &nd, inv, at); err != nil {
			return nil, err
		}
	}
	if err := e.notify(ctx, tx, &nd, ev, in); err != nil {
		return nil, err
	}
	*d = nd
	return ev, nil
}

// notify enqueues the investor's notifications of ev through tx, in the
// event's transaction, when the one-stop rules name the event.
func (e *Engine) notify(ctx context.Context, tx *gorm.DB, d *models.Dossier, ev *models.DossierEvent, in Input) error {
	kind, ok := e.cat.OneStop.NotifyKind(Event(ev.Event))
	if !ok || in.Quiet {
		return nil
	}
	_, err := models.EnqueueEventNotifications(ctx, tx, d, ev, kind, ev.At)
	return err
}

// single reports whether firing event with in writes one statement only on
// db, so that it needs no explicit transaction: PostgreSQL, no attachments,
// no investment outcome and no notification.
func (e *Engine) single(db *gorm.DB, event Event, in Input) bool {
	if len(in.Attachments) > 0 || in.Investment != nil || !models.SingleStatementTransitions(db) {
		return false
	}
	_, notifies := e.cat.OneStop.NotifyKind(event)
	return !notifies || in.Quiet
}

// resolve finds the dossier's bound version and the event's definition.
func (e *Engine) resolve(d *models.Dossier, event Event) (*Version, *EventDef, error) {
	p, err := e.cat.Procedure(d.Procedure)
	if err != nil {
		return nil, nil, errs.Rule("unknown_procedure", "procedure", "không có thủ tục "+d.Procedure, err.Error())
	}
	v, err := p.Version(d.CatalogueVersion)
	if err != nil {
		return nil, nil, errs.Rule("unknown_version", "catalogue_version", "không có phiên bản "+d.CatalogueVersion, err.Error())
	}
	def, ok := v.Event(event)
	if !ok {
		return nil, nil, invalid("event", fmt.Sprintf("thủ tục %s không có sự kiện %q", d.Procedure, event),
			fmt.Sprintf("procedure %s has no event %q", d.Procedure, event))
	}
	return v, def, nil
}

// allows reports whether role may fire the event.
func (ev *EventDef) allows(role Role) bool {
	for _, r := range ev.Roles {
		if r == role {
			return true
		}
	}
	return false
}

// transition asks looplab/fsm, built from the stored state, where event leads.
func (e *Engine) transition(ctx context.Context, v *Version, from string, event Event) (State, error) {
	f := fsm.NewFSM(from, e.events[v], nil)
	err := f.Event(ctx, string(event))
	var noTransition fsm.NoTransitionError
	if err != nil && !errors.As(err, &noTransition) {
		return "", notAllowed(event, State(from))
	}
	return State(f.Current()), nil
}

// write saves the dossier under optimistic locking, then the history row,
// the report tallies ts and any attachments, all through the
// caller's transaction.
func (e *Engine) write(ctx context.Context, tx *gorm.DB, nd *models.Dossier, prev int,
	ev *models.DossierEvent, atts []AttachmentInput, ts []models.Tally) error {
	nd.Version = prev + 1
	ev.Seq = nd.Version
	if err := models.SaveTransition(ctx, tx, nd, prev, ev, ts); err != nil {
		return fromStore(err, nd.Code)
	}
	return models.InsertAttachments(ctx, tx, attachmentRows(nd.ID, &ev.ID, ev.ActorID, ev.At, atts))
}

func attachmentRows(dossierID uint64, eventID *uint64, by *uint, at time.Time, in []AttachmentInput) []models.Attachment {
	rows := make([]models.Attachment, 0, len(in))
	for _, a := range in {
		rows = append(rows, models.Attachment{DossierID: dossierID, EventID: eventID, Kind: models.AttachmentDocument,
			DocumentCode: a.DocumentCode,
			FileName:     a.FileName, ContentType: a.ContentType, Size: a.Size, SHA256: a.SHA256,
			StorageKey: a.StorageKey, UploadedBy: by, CreatedAt: at})
	}
	return rows
}

// historyRow builds the event's history row and moves the step tracking.
func (e *Engine) historyRow(v *Version, def *EventDef, nd *models.Dossier, to State, actor Actor,
	at time.Time, in Input, data *EventData) *models.DossierEvent {
	ev := &models.DossierEvent{DossierID: nd.ID, Event: string(def.Code), FromState: nd.State,
		ToState: string(to), ActorID: actor.UserID, ActorRole: string(actor.Role), ActorName: actor.Name,
		At: at, Comment: in.Comment, StepState: nd.StepState, StepDueAt: nd.StepDueAt}
	if to != State(nd.State) {
		if nd.StepDueAt != nil {
			ev.StepOutcome = string(deadlines.Classify(at, *nd.StepDueAt))
		}
		e.enterStep(v, nd, to, at)
		closeIfFinal(v, nd, to, at)
		nd.State = string(to)
	}
	if def.Form != "" {
		data.FormKind = def.Form
		_, form, _ := e.cat.OneStop.Form(def.Form, at)
		data.Form = form.Number
	}
	ev.Data = data.encode()
	ev.DueAt, ev.Outcome = nd.DueAt, nd.Outcome
	return ev
}

// enterStep starts the control-sheet deadline of the state entered, if it
// has one; back in the initial state, the intake check's own.
func (e *Engine) enterStep(v *Version, nd *models.Dossier, to State, at time.Time) {
	if to == initialState(v) {
		e.intakeStep(nd, at)
		return
	}
	nd.StepState, nd.StepStartedAt, nd.StepDueAt = string(to), nil, nil
	p, ok := v.StepPeriod(to, nd.Variant)
	if !ok {
		return
	}
	due := e.cal.StepDue(at, p, e.cat.OneStop.Cutoff)
	start := at
	nd.StepStartedAt, nd.StepDueAt = &start, &due
}

// closeIfFinal marks a dossier finished when it enters a final state
// without a clock stop (an intake refusal: the clock never started).
func closeIfFinal(v *Version, nd *models.Dossier, to State, at time.Time) {
	if def, ok := v.State(to); ok && def.Kind == KindFinal && nd.FinishedAt == nil {
		end := at
		nd.FinishedAt = &end
	}
}

// Apply loads dossier id, fires event and commits. If expectVersion is not
// zero and the stored version differs, it returns a stale-version conflict
// without writing. When the write is a single statement (PostgreSQL, no
// attachments, no investment outcome, no notification) no explicit
// transaction is needed: the optimistic lock in that statement already
// makes the change all-or-nothing, and the transition costs two round
// trips instead of five.
func (e *Engine) Apply(ctx context.Context, db *gorm.DB, id uint64, expectVersion int, event Event,
	actor Actor, at time.Time, in Input) (*models.Dossier, *models.DossierEvent, error) {
	var d *models.Dossier
	var ev *models.DossierEvent
	err := e.run(ctx, db, event, in, func(tx *gorm.DB) error {
		var err error
		if d, err = models.GetDossier(ctx, tx, id); err != nil {
			return fromStore(err, fmt.Sprint(id))
		}
		if expectVersion != 0 && d.Version != expectVersion {
			return staleError(d.Code)
		}
		ev, err = e.Fire(ctx, tx, d, event, actor, at, in)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return d, ev, nil
}

// ApplyRead is Apply for dossier d as the caller has just read it, when
// the caller pins the version (expectVersion not zero): reading d again
// could only confirm that version, which the write checks anyway, so
// ApplyRead spares that round trip. A change since the caller's read is a
// stale-version conflict, as it is with Apply. With expectVersion zero it
// is Apply. d itself is left as read.
func (e *Engine) ApplyRead(ctx context.Context, db *gorm.DB, d *models.Dossier, expectVersion int, event Event,
	actor Actor, at time.Time, in Input) (*models.Dossier, *models.DossierEvent, error) {
	if expectVersion == 0 {
		return e.Apply(ctx, db, d.ID, 0, event, actor, at, in)
	}
	if d.Version != expectVersion {
		return nil, nil, staleError(d.Code)
	}
	nd := *d
	var ev *models.DossierEvent
	err := e.run(ctx, db, event, in, func(tx *gorm.DB) error {
		var err error
		ev, err = e.Fire(ctx, tx, &nd, event, actor, at, in)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return &nd, ev, nil
}

// run runs fn in a transaction on db, or without one when firing event
// with in writes a single statement (single).
func (e *Engine) run(ctx context.Context, db *gorm.DB, event Event, in Input, fn func(tx *gorm.DB) error) error {
	if e.single(db, event, in) {
		return fn(db)
	}
	return models.InTx(ctx, db, fn)
}

// Allowed lists the events role may fire at dossier d in its current
// state: an extension is approved or refused only while one is proposed,
// and proposed only while none is.
func (e *Engine) Allowed(d *models.Dossier, role Role) []Event {
	p, err := e.cat.Procedure(d.Procedure)
	if err != nil {
		return nil
	}
	v, err := p.Version(d.CatalogueVersion)
	if err != nil {
		return nil
	}
	var out []Event
	pending := d.ExtensionProposalSeq != 0
	for _, ev := range v.EventsFrom(State(d.State)) {
		switch {
		case !ev.allows(role):
		case ev.Extension == ExtensionPropose && pending:
		case (ev.Extension == ExtensionApprove || ev.Extension == ExtensionRefuse) && !pending:
		default:
			out = append(out, ev.Code)
		}
	}
	return out
}
