package workflow

import (
	"encoding/json"
)

// EventData is what a history row records besides its columns, stored as
// JSON in dossier_events.data: the form the event issued, an extension and
// its apology letter, what is missing, the decision's result, the
// investment outcome.
type EventData struct {
	// FormKind names the form the event issued; Form is its number in
	// the circular in force that day ("02"; rows written before forms had
	// kinds carry only Form, under TT 01/2018).
	Form     string   `json:"form,omitempty"`
	FormKind FormKind `json:"form_kind,omitempty"`
	// Extension is a proposed, approved or refused extension.
	Extension *ExtensionRecord `json:"extension,omitempty"`
	// Missing lists what the applicant must complete or supplement, and why.
	Missing []MissingItem `json:"missing,omitempty"`
	// Result is the decision's result document.
	Result *ResultRecord `json:"result,omitempty"`
	// Investment is what an investment-certificate decision did.
	Investment *InvestmentSummary `json:"investment,omitempty"`
	// AssigneeID is the officer an assign event named.
	AssigneeID *uint `json:"assignee_id,omitempty"`
}

// ExtensionRecord is an extension as the history keeps it (form 04).
type ExtensionRecord struct {
	Reason        string `json:"reason"`
	NewDueDate    string `json:"new_due_date"` // YYYY-MM-DD
	ApologyLetter string `json:"apology_letter"`
	// PreviousDueAt is the appointment the approval moved (RFC 3339).
	PreviousDueAt string `json:"previous_due_at,omitempty"`
	// ProposalSeq is, on an approval or refusal, the history row of the
	// proposal it decides.
	ProposalSeq int `json:"proposal_seq,omitempty"`
	// ProposedBy names the officer who proposed it.
	ProposedBy string `json:"proposed_by,omitempty"`
}

// MissingItem is one thing to complete or supplement: a document of the
// procedure (by code) or a description, and the reason.
type MissingItem struct {
	Document    string `json:"document,omitempty"`
	Description string `json:"description,omitempty"`
	Reason      string `json:"reason"`
}

// ResultRecord is the result document of a decision: a file (electronic)
// or a paper original.
type ResultRecord struct {
	Medium       ResultMedium `json:"medium"`
	AttachmentID *uint64      `json:"attachment_id,omitempty"`
	Reference    string       `json:"reference,omitempty"` // its number and sign, e.g. 12/GPXD-BQL
}

// ResultMedium says how a result is delivered.
type ResultMedium string

// The result media. Decision 766 counts electronic results.
const (
	ResultElectronic ResultMedium = "electronic"
	ResultPaper      ResultMedium = "paper"
)

// InvestmentSummary is what an investment-certificate decision did.
type InvestmentSummary struct {
	Kind        string `json:"kind"`
	ProjectCode string `json:"project_code"`
	Capital     string `json:"capital,omitempty"`
	Currency    string `json:"currency,omitempty"`
}

// legacyEventData is the shape history rows had before EventData: an
// extension's fields at the top level.
type legacyEventData struct {
	EventData
	Reason        string `json:"reason"`
	NewDueDate    string `json:"new_due_date"`
	ApologyLetter string `json:"apology_letter"`
	PreviousDueAt string `json:"previous_due_at"`
}

// DecodeEventData reads a history row's data, in the current shape or the
// earlier one; empty or unreadable data is the zero EventData.
func DecodeEventData(raw string) EventData {
	if raw == "" {
		return EventData{}
	}
	var l legacyEventData
	if err := json.Unmarshal([]byte(raw), &l); err != nil {
		return EventData{}
	}
	d := l.EventData
	if d.FormKind == "" && d.Form != "" {
		d.FormKind = legacyFormKind(d.Form)
	}
	if d.Extension == nil && (l.Reason != "" || l.NewDueDate != "") {
		d.Extension = &ExtensionRecord{Reason: l.Reason, NewDueDate: l.NewDueDate, ApologyLetter: l.ApologyLetter,
			PreviousDueAt: l.PreviousDueAt}
	}
	return d
}

// encode is the JSON stored for d; "" when d records nothing.
func (d EventData) encode() string {
	b, _ := json.Marshal(d) // strings, numbers and pointers to them always marshal
	if string(b) == "{}" {
		return ""
	}
	return string(b)
}
