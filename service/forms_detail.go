package service

import (
	"context"
	"time"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/workflow"
)

// FormExtension is the extension an apology letter (form 04) announces:
// the reason, the letter, who proposed it, and the appointment it moved.
type FormExtension struct {
	Reason     string
	Letter     string
	ProposedBy string
	// PreviousDueAt is the appointment before the extension, NewDueAt the
	// one after it.
	PreviousDueAt *time.Time
	NewDueAt      *time.Time
}

// ControlStep is one step of the control sheet (form 05 under TT 01/2018,
// 06 under TT 03/2025): the state the dossier was in, who handed it over
// and who took it, when, the step's own deadline, when it was done and
// how that compares.
type ControlStep struct {
	State workflow.Text
	// Event is the event that ended the step; zero while it is open.
	Event workflow.Text
	// HandedBy put the dossier into the step; HandedTo dealt with it (the
	// actor who ended it, or the officer in charge while it is open).
	HandedBy  string
	HandedTo  string
	StartedAt time.Time
	// DueAt is the step's own deadline, nil when the step has none.
	DueAt *time.Time
	// DoneAt is when the step ended, nil while it is open.
	DoneAt *time.Time
	// Outcome is early, on time or late against DueAt; "" without a
	// deadline, or while the step is open and not yet late.
	Outcome deadlines.Outcome
	// Notes are the events that changed no state during the step (an
	// extension proposed or approved, a comment).
	Notes []ControlNote
}

// Open reports whether the step is still under way.
func (c ControlStep) Open() bool { return c.DoneAt == nil }

// ControlNote is an event of a step that changed no state.
type ControlNote struct {
	Event workflow.Text
	By    string
	At    time.Time
}

// receiptTimes gives the receipt the variant's time limit and the
// appointment the receipt recorded (the receive row's, not a later one).
func (s *Service) receiptTimes(f *Form, d *models.Dossier) error {
	_, v, err := s.eng.Catalogue().Bound(d)
	if err != nil {
		return err
	}
	variant, err := v.Variant(d.Variant)
	if err != nil {
		return err
	}
	f.Period = variant.Period
	due := f.Event.DueAt
	if due == nil {
		due = d.DueAt
	}
	if due != nil {
		at := returnAt(*due, s.eng.Catalogue().OneStop.OfficeHours)
		f.ReturnAt = &at
	}
	return nil
}

// returnAt is the instant a receipt gives for an appointment: due, or the
// end of the day's last office shift when due falls after it (a due date
// ends at midnight, the desk closes before).
func returnAt(due time.Time, hours deadlines.OfficeHours) time.Time {
	if len(hours) == 0 {
		return due
	}
	last := hours[len(hours)-1].Until
	y, m, d := due.In(deadlines.Location).Date()
	end := time.Date(y, m, d, last.Hour, last.Minute, 0, 0, deadlines.Location)
	if due.After(end) {
		return end
	}
	return due
}

// formExtension reads the extension an approval row recorded.
func formExtension(row *HistoryRow) *FormExtension {
	x := row.Data.Extension
	if x == nil {
		return nil
	}
	fe := &FormExtension{Reason: x.Reason, Letter: x.ApologyLetter, ProposedBy: x.ProposedBy, NewDueAt: row.DueAt}
	if t, err := time.Parse(time.RFC3339, x.PreviousDueAt); err == nil {
		fe.PreviousDueAt = &t
	}
	if fe.NewDueAt == nil {
		if t, err := time.ParseInLocation("2006-01-02", x.NewDueDate, deadlines.Location); err == nil {
			end := deadlines.EndOfDay(t)
			fe.NewDueAt = &end
		}
	}
	return fe
}

// controlSteps builds the control sheet from the history: a step from
// each change of state to the next, with the deadline and outcome the row
// that ended it recorded; the step under way last, judged late once its
// deadline has passed.
func (s *Service) controlSteps(ctx context.Context, d *models.Dossier, rows []HistoryRow) ([]ControlStep, error) {
	_, v, _ := s.eng.Catalogue().Bound(d) // names fall back to codes without it
	var out []ControlStep
	var cur *ControlStep
	for i := range rows {
		r := &rows[i]
		if r.FromState == r.ToState {
			if cur != nil {
				cur.Notes = append(cur.Notes, ControlNote{Event: eventName(v, r.Event), By: r.ActorName, At: r.At})
			}
			continue
		}
		if cur != nil {
			done := r.At
			cur.Event, cur.HandedTo, cur.DoneAt = eventName(v, r.Event), r.ActorName, &done
			if r.StepDueAt != nil && r.StepState == r.FromState {
				cur.DueAt, cur.Outcome = r.StepDueAt, deadlines.Outcome(r.StepOutcome)
			}
			out = append(out, *cur)
		}
		cur = &ControlStep{State: stateName(v, r.ToState), HandedBy: r.ActorName, StartedAt: r.At}
	}
	if cur == nil || final(v, d) {
		return out, nil
	}
	if d.StepDueAt != nil && d.StepState == d.State {
		cur.DueAt = d.StepDueAt
		if deadlines.Classify(s.now(), *d.StepDueAt) == deadlines.Late {
			cur.Outcome = deadlines.Late
		}
	}
	if d.AssigneeID != nil {
		users, err := models.UsersByID(ctx, s.db, []uint{*d.AssigneeID})
		if err != nil {
			return nil, err
		}
		if u, ok := users[*d.AssigneeID]; ok {
			cur.HandedTo = displayName(&u)
		}
	}
	return append(out, *cur), nil
}

// final reports whether the dossier is in a final state: no step is under
// way (a decided dossier still has its result to return).
func final(v *workflow.Version, d *models.Dossier) bool {
	if v == nil {
		return d.FinishedAt != nil
	}
	def, ok := v.State(workflow.State(d.State))
	return ok && def.Kind == workflow.KindFinal
}
