package service

import (
	"context"
	"math"
	"strings"
	"time"

	"github.com/motcua/motcua/errs"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/workflow"
)

// EventRequest is an event a user fires at a dossier, with what it carries.
type EventRequest struct {
	Event   string
	Version int // the dossier version the user read: a stale one is a conflict
	Comment string
	// AssigneeID names the officer an assign event gives the dossier to.
	AssigneeID *uint
	// Extension is a proposed extension: reason, new appointment date and
	// apology letter (form 04).
	Extension *ExtensionRequest
	// Investment is the project an investment-certificate approval issues,
	// adjusts or terminates.
	Investment *workflow.InvestmentInput
	// Missing lists what the applicant must complete or supplement, and why
	// (form 02).
	Missing []workflow.MissingItem
	// Result is the result document a decision carries.
	Result *ResultRequest
}

// ResultRequest is a decision's result: "electronic" with the id of a
// result file uploaded to the dossier, or "paper".
type ResultRequest struct {
	Medium       string
	AttachmentID *uint64
	Reference    string
}

// ExtensionRequest is an extension as a user proposes it.
type ExtensionRequest struct {
	Reason        string
	NewDueDate    time.Time // a local date
	ApologyLetter string
}

// Fire fires an event at dossier code for p, at the service's now: the
// engine checks the role, the state, the catalogue's guards and the
// version, and writes the change with its history row or nothing.
func (s *Service) Fire(ctx context.Context, p *Principal, code string, req EventRequest) (*DossierView, *HistoryRow, error) {
	d, err := s.visible(ctx, s.db, p, code)
	if err != nil {
		return nil, nil, err
	}
	in, err := eventInput(req)
	if err != nil {
		return nil, nil, err
	}
	if req.Version > d.Version {
		return nil, nil, errVersion(req.Version, d.Version)
	}
	nd, ev, err := s.eng.ApplyRead(ctx, s.db, d, req.Version, workflow.Event(req.Event), p.Actor, s.now(), in)
	if err != nil {
		return nil, nil, err
	}
	views, err := s.views(ctx, s.db, p, []models.Dossier{*nd})
	if err != nil {
		return nil, nil, err
	}
	row := historyRow(*ev)
	return &views[0], &row, nil
}

// eventInput checks the request's fields and builds the engine's input.
func eventInput(r EventRequest) (workflow.Input, error) {
	if err := checkText("event", r.Event, limitCode, true); err != nil {
		return workflow.Input{}, err
	}
	if r.Version < 1 {
		return workflow.Input{}, errs.Invalid("version", "thiếu phiên bản hồ sơ (version) để chống ghi đè",
			"version is required, for optimistic locking")
	}
	if err := checkText("comment", r.Comment, limitComment, false); err != nil {
		return workflow.Input{}, err
	}
	if r.AssigneeID != nil && (*r.AssigneeID == 0 || uint64(*r.AssigneeID) > math.MaxInt64) {
		return workflow.Input{}, errs.Invalid("assignee_id", "assignee_id phải là số nguyên dương", "assignee_id must be a positive integer")
	}
	if r.Result != nil && r.Result.AttachmentID != nil && (*r.Result.AttachmentID == 0 || *r.Result.AttachmentID > math.MaxInt64) {
		return workflow.Input{}, errs.Invalid("result.attachment_id", "result.attachment_id phải là số nguyên dương",
			"result.attachment_id must be a positive integer")
	}
	in := workflow.Input{Comment: strings.TrimSpace(r.Comment), AssigneeID: r.AssigneeID, Investment: r.Investment,
		Missing: r.Missing}
	if x := r.Result; x != nil {
		in.Result = &workflow.ResultInput{Medium: workflow.ResultMedium(x.Medium), AttachmentID: x.AttachmentID,
			Reference: x.Reference}
	}
	if x := r.Extension; x != nil {
		err := checkTexts(textField{"extension.reason", x.Reason, limitComment, false},
			textField{"extension.apology_letter", x.ApologyLetter, limitLetter, false})
		if err != nil {
			return in, err
		}
		in.Extension = &workflow.ExtensionInput{Reason: strings.TrimSpace(x.Reason), NewDueDate: x.NewDueDate,
			ApologyLetter: strings.TrimSpace(x.ApologyLetter)}
	}
	if inv := r.Investment; inv != nil {
		err := checkTexts(textField{"investment.project_code", inv.ProjectCode, 64, false},
			textField{"investment.name", inv.Name, limitTitle, false}, textField{"investment.capital", inv.Capital, 32, false},
			textField{"investment.currency", inv.Currency, 8, false})
		if err != nil {
			return in, err
		}
	}
	return in, nil
}
