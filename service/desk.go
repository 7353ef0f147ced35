package service

import (
	"context"
	"slices"
	"time"

	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/workflow"
)

// Need says whether an action's field is asked for, and whether it must
// be filled.
type Need string

// The needs of a field.
const (
	NeedNone     Need = ""
	NeedOptional Need = "optional"
	NeedRequired Need = "required"
)

// Action is one event the viewer may fire at a dossier now, with the
// fields its form needs, read from the catalogue's definition of the
// event (its guards, its extension step, the form it issues): a front end
// draws the form from it and never decides itself what an event takes.
type Action struct {
	Event workflow.Event
	Name  workflow.Text
	// Comment is the comment or reason; required where the catalogue
	// requires one (refusals).
	Comment Need
	// Missing is the list of what to complete or supplement, and why (form 02).
	Missing Need
	// Documents: the event carries documents (the applicant's completion
	// or supplement).
	Documents bool
	// Assignee: the event names the officer in charge.
	Assignee bool
	// Extension is the event's part in an extension: propose (reason, new
	// appointment, apology letter), approve or refuse (a leader's).
	Extension workflow.ExtensionStep
	// Result: the decision carries its result, a file or a paper original.
	Result bool
	// Investment is what approving does to the investment project, which
	// the form then describes.
	Investment models.InvestmentKind
	// Ends says that the event finishes the dossier or refuses something,
	// so that a page asks for confirmation and draws it apart.
	Ends bool
	// Form is the form the event issues, if any.
	Form workflow.FormKind
}

// FormLink is a printable form a dossier has issued: its kind and the
// history row that issued it (0 for the control sheet).
type FormLink struct {
	Kind workflow.FormKind
	Seq  int
	At   time.Time
}

// DossierDetail is everything a dossier's page shows, for its viewer.
type DossierDetail struct {
	View    DossierView
	History []HistoryRow
	// Attachments are the files the viewer may open (documents, and the
	// result once the investor may have it).
	Attachments []models.Attachment
	// Result is the electronic result file, when the viewer may open it.
	Result *models.Attachment
	// Actions are the events the viewer may fire now, with their fields.
	Actions []Action
	// Proposal is the extension proposal awaiting a leader, if any.
	Proposal *HistoryRow
	// Request is the completion or supplementation request the applicant
	// has still to answer, if any: the officer's words and the list.
	Request *HistoryRow
	// Documents are the papers of the dossier's procedure and variant.
	Documents []workflow.Document
	// Officers are the board's active officers, for an assignment (staff only).
	Officers []UserRef
	// Forms are the printable forms the dossier has issued.
	Forms []FormLink
	// Names are the plain words of the catalogue's codes the history
	// holds (events, states, documents), by code.
	Names map[string]workflow.Text
}

// Name is a code of the history in plain words, the code itself when the
// catalogue no longer has it.
func (dt *DossierDetail) Name(code string) workflow.Text {
	if t, ok := dt.Names[code]; ok {
		return t
	}
	return codeText(code)
}

// catalogueNames are the names of a version's events, states and documents.
func catalogueNames(ver *workflow.Version) map[string]workflow.Text {
	out := map[string]workflow.Text{"submit": {VI: "Nộp hồ sơ", EN: "Filed"}}
	for _, d := range ver.Documents {
		out[d.Code] = d.Name
	}
	for _, st := range ver.States {
		out[string(st.Code)] = st.Name
	}
	for _, e := range ver.Events {
		out[string(e.Code)] = e.Name
	}
	return out
}

// Detail reads dossier code for p's page: what it is, its history, its
// files, and what p may do now.
func (s *Service) Detail(ctx context.Context, p *Principal, code string) (*DossierDetail, error) {
	v, err := s.Dossier(ctx, p, code)
	if err != nil {
		return nil, err
	}
	_, rows, err := s.History(ctx, p, code)
	if err != nil {
		return nil, err
	}
	_, atts, err := s.Attachments(ctx, p, code)
	if err != nil {
		return nil, err
	}
	dt := &DossierDetail{View: *v, History: rows, Attachments: atts}
	_, ver, err := s.eng.Catalogue().Bound(&v.Dossier)
	if err == nil {
		dt.Documents = ver.DocumentsFor(v.Dossier.Variant)
		dt.Actions = actions(ver, v)
		dt.Names = catalogueNames(ver)
	}
	dt.Result = resultFile(v, atts)
	dt.Proposal, dt.Request = pendingRows(v, rows)
	dt.Forms = formLinks(p, v, rows)
	if slices.ContainsFunc(dt.Actions, func(a Action) bool { return a.Assignee }) {
		if dt.Officers, err = s.officers(ctx, v.BoardID); err != nil {
			return nil, err
		}
	}
	return dt, nil
}

// actions describes the allowed events of v from their definitions.
func actions(ver *workflow.Version, v *DossierView) []Action {
	out := make([]Action, 0, len(v.Allowed))
	for _, e := range v.Allowed {
		def, ok := ver.Event(e)
		if !ok {
			continue
		}
		a := Action{Event: e, Name: def.Name, Comment: NeedOptional, Extension: def.Extension, Form: def.Form,
			Documents: e == workflow.EventComplete || e == workflow.EventResubmit}
		for _, g := range def.Guards {
			switch g {
			case workflow.GuardComment:
				a.Comment = NeedRequired
			case workflow.GuardMissingListed:
				a.Missing = NeedRequired
			case workflow.GuardResult:
				a.Result = true
			case workflow.GuardAssignee:
				a.Assignee = true
			}
		}
		if a.Missing == NeedNone && def.Form == workflow.FormCompletion {
			a.Missing = NeedOptional
		}
		if a.Result && def.To == workflow.StateApproved {
			a.Investment = v.InvestmentKind
		}
		a.Ends = def.Extension == workflow.ExtensionRefuse || def.Clock == workflow.ClockStop || isEnd(ver, def.To)
		out = append(out, a)
	}
	return out
}

// isEnd reports whether state to is a final state.
func isEnd(ver *workflow.Version, to workflow.State) bool {
	st, ok := ver.State(to)
	return ok && st.Kind == workflow.KindFinal
}

// resultFile is the dossier's electronic result among the files the
// viewer may open.
func resultFile(v *DossierView, atts []models.Attachment) *models.Attachment {
	if v.ResultAttachmentID == nil {
		return nil
	}
	for i := range atts {
		if atts[i].ID == *v.ResultAttachmentID {
			return &atts[i]
		}
	}
	return nil
}

// pendingRows finds the extension proposal awaiting a leader and the
// request the applicant is to answer now.
func pendingRows(v *DossierView, rows []HistoryRow) (proposal, request *HistoryRow) {
	for i := len(rows) - 1; i >= 0; i-- {
		r := &rows[i]
		if v.ExtensionProposalSeq != 0 && r.Seq == v.ExtensionProposalSeq {
			proposal = r
		}
		if request == nil && r.ToState == v.State && (v.State == string(workflow.StateCompletionRequested) ||
			v.State == string(workflow.StateSupplementRequested)) {
			request = r
		}
	}
	return proposal, request
}

// formLinks are the printable forms of the dossier: each form a history
// row issued, and for the board's staff the control sheet once received.
func formLinks(p *Principal, v *DossierView, rows []HistoryRow) []FormLink {
	var out []FormLink
	for _, r := range rows {
		if r.Data.FormKind != "" {
			out = append(out, FormLink{Kind: r.Data.FormKind, Seq: r.Seq, At: r.At})
		}
	}
	if p.Staff() && v.ReceivedAt != nil {
		out = append(out, FormLink{Kind: workflow.FormControlSheet, At: *v.ReceivedAt})
	}
	return out
}

// officers are the active officers of a board, by name.
func (s *Service) officers(ctx context.Context, boardID uint) ([]UserRef, error) {
	users, err := models.ListUsers(ctx, s.db, models.UserFilter{BoardID: &boardID, Role: string(workflow.RoleOfficer)})
	if err != nil {
		return nil, err
	}
	out := make([]UserRef, 0, len(users))
	for i := range users {
		if users[i].Active {
			out = append(out, UserRef{ID: users[i].ID, Name: displayName(&users[i]), Department: users[i].Department})
		}
	}
	return out, nil
}
