// Package workflow holds the procedure catalogue (types, loader, validation)
// and the dossier engine: it builds a looplab/fsm machine from a dossier's
// stored state, checks the actor's role and the catalogue's guards, applies
// the event's clock effect and writes state and history in one transaction
// with optimistic locking. It imports no HTTP framework.
package workflow

import (
	"fmt"
	"strings"
)

// Role is a kind of user allowed to fire events.
type Role string

// The roles of docs/ARCHITECTURE.md, plus the system actor used by cron sweeps.
const (
	RoleInvestor Role = "investor"
	RoleOfficer  Role = "officer"
	RoleLeader   Role = "leader"
	RoleManager  Role = "manager"
	RoleAdmin    Role = "admin"
	RoleSystem   Role = "system"
)

// Roles lists every valid role.
var Roles = []Role{RoleInvestor, RoleOfficer, RoleLeader, RoleManager, RoleAdmin, RoleSystem}

// ParseRole returns the role named s, or an error naming it.
func ParseRole(s string) (Role, error) {
	for _, r := range Roles {
		if string(r) == strings.TrimSpace(s) {
			return r, nil
		}
	}
	return "", fmt.Errorf("workflow: unknown role %q", s)
}

// State is the code of a dossier state, e.g. "in_review".
type State string

// The core states every procedure shares (docs/ARCHITECTURE.md, "The dossier lifecycle").
const (
	StateSubmitted           State = "submitted"
	StateCompletionRequested State = "completion_requested"
	StateReceived            State = "received"
	StateInReview            State = "in_review"
	StateSupplementRequested State = "supplement_requested"
	StatePendingDecision     State = "pending_decision"
	StateApproved            State = "approved"
	StateRefused             State = "refused"
	StateReturned            State = "returned"
	StateWithdrawn           State = "withdrawn"
	StateIntakeRejected      State = "intake_rejected"
)

// CoreStates lists the states every procedure must define.
var CoreStates = []State{StateSubmitted, StateCompletionRequested, StateReceived, StateInReview, StateSupplementRequested,
	StatePendingDecision, StateApproved, StateRefused, StateReturned, StateWithdrawn, StateIntakeRejected}

// Event is the code of a dossier event, e.g. "request_supplement".
type Event string

// The core events every procedure shares.
const (
	EventReceive           Event = "receive"
	EventAssign            Event = "assign"
	EventRequestSupplement Event = "request_supplement"
	EventResubmit          Event = "resubmit"
	EventPropose           Event = "propose"
	EventApprove           Event = "approve"
	EventRefuse            Event = "refuse"
	EventReturnResult      Event = "return_result"
	EventWithdraw          Event = "withdraw"
	EventRejectIntake      Event = "reject_intake"
	EventRequestCompletion Event = "request_completion" // before receipt: form 02, the clock not started
	EventComplete          Event = "complete"           // the completed dossier returns to intake
	EventProposeExtension  Event = "propose_extension"  // an officer proposes; form 04 drafted
	EventApproveExtension  Event = "approve_extension"  // a leader approves: the appointment moves
	EventRefuseExtension   Event = "refuse_extension"   // a leader refuses: nothing moves
)

// CoreEvents lists the events every procedure must define.
var CoreEvents = []Event{EventReceive, EventAssign, EventRequestSupplement, EventResubmit, EventPropose,
	EventApprove, EventRefuse, EventReturnResult, EventWithdraw, EventRejectIntake, EventRequestCompletion,
	EventComplete, EventProposeExtension, EventApproveExtension, EventRefuseExtension}

// ClockEffect says what an event does to the statutory clock.
type ClockEffect string

// Clock effects an event may declare in the catalogue.
const (
	ClockNone    ClockEffect = ""        // the clock is untouched
	ClockStart   ClockEffect = "start"   // receipt: the clock starts (after the cut-off: next working day)
	ClockSuspend ClockEffect = "suspend" // supplementation requested: pause or stop per the procedure's rule
	ClockResume  ClockEffect = "resume"  // supplement received: resume the remaining time, or restart the full period
	ClockStop    ClockEffect = "stop"    // decision, refusal, withdrawal, stop: the dossier is classified
	ClockExtend  ClockEffect = "extend"  // the approved extension: the appointment moves (form 04)
)

// ClockEffects lists the valid clock effects.
var ClockEffects = []ClockEffect{ClockNone, ClockStart, ClockSuspend, ClockResume, ClockStop, ClockExtend}

// Guard is a named precondition the engine checks before an event fires.
type Guard string

// Guards the engine knows.
const (
	GuardDocumentsComplete Guard = "documents_complete" // every required document of the variant is attached
	GuardSupplementCap     Guard = "supplement_cap"     // fewer supplementation requests than the procedure allows
	GuardComment           Guard = "comment_required"   // the actor must give a reason (refusals, rejections)
	GuardMissingListed     Guard = "missing_listed"     // the actor lists what is missing and why (form 02)
	GuardResult            Guard = "result_required"    // the decision carries its result: a file, or a paper original
	GuardAssignee          Guard = "assignee"           // names an active officer of the board (the actor, by default)
)

// Guards lists the guards the engine knows.
var Guards = []Guard{GuardDocumentsComplete, GuardSupplementCap, GuardComment, GuardMissingListed, GuardResult,
	GuardAssignee}

// ExtensionStep is an event's part in a leader-signed extension.
type ExtensionStep string

// The steps of an extension: an officer proposes (the reason, the new
// appointment, the apology letter); a leader approves (clock: extend, the
// appointment moves) or refuses. One proposal is pending at a time.
const (
	ExtensionNone    ExtensionStep = ""
	ExtensionPropose ExtensionStep = "propose"
	ExtensionApprove ExtensionStep = "approve"
	ExtensionRefuse  ExtensionStep = "refuse"
)

// ExtensionSteps lists the valid extension steps.
var ExtensionSteps = []ExtensionStep{ExtensionNone, ExtensionPropose, ExtensionApprove, ExtensionRefuse}

// StateKind classifies a state for validation and queries.
type StateKind string

// State kinds.
const (
	KindInitial StateKind = "initial" // where a dossier starts (submitted)
	KindOpen    StateKind = "open"    // in progress: must have a way out
	KindFinal   StateKind = "final"   // closed: no event leaves it
)
