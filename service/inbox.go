package service

import (
	"context"
	"slices"

	"github.com/motcua/motcua/errs"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/workflow"
)

// Queue names an inbox.
type Queue string

// The inboxes.
const (
	// QueueWork is an officer's work: the open dossiers received by the
	// board and assigned to them or to no one, soonest appointment first.
	QueueWork Queue = "work"
	// QueueIntake is the dossiers awaiting the completeness check at the
	// desk, oldest first: their own time limit runs from submission.
	QueueIntake Queue = "intake"
	// QueueDecisions is a leader's: dossiers awaiting a decision, and those
	// with an extension proposed, soonest appointment first.
	QueueDecisions Queue = "decisions"
)

// InboxFilter narrows an inbox, as an officer filters their work: by
// state, by procedure, and by part of the code, the applicant's name or
// tax code. The zero filter keeps the whole queue.
type InboxFilter struct {
	States    []string
	Procedure string
	Text      string
}

// Inbox returns one page of a queue of the principal's board.
func (s *Service) Inbox(ctx context.Context, p *Principal, q Queue, cursor string, limit int) (*DossierPage, error) {
	return s.FilteredInbox(ctx, p, q, InboxFilter{}, cursor, limit)
}

// FilteredInbox returns one page of a queue of the principal's board,
// narrowed by filter (values the catalogue does not know are refused,
// naming the field).
func (s *Service) FilteredInbox(ctx context.Context, p *Principal, q Queue, filter InboxFilter, cursor string,
	limit int) (*DossierPage, error) {
	if p == nil {
		return nil, errUnauthenticated()
	}
	if err := s.checkFilterValues(SearchQuery{States: filter.States, Procedure: filter.Procedure, Text: filter.Text}); err != nil {
		return nil, err
	}
	f := models.DossierFilter{BoardID: p.BoardID(), Now: s.now(), Procedure: filter.Procedure, Text: filter.Text}
	switch q {
	case QueueWork:
		if err := p.require(workflow.RoleOfficer); err != nil {
			return nil, err
		}
		f.MineOrUnassigned, f.Received, f.Sort = p.UserID(), true, models.SortDue
	case QueueIntake:
		if err := p.require(workflow.RoleOfficer); err != nil {
			return nil, err
		}
		f.States, f.Sort = []string{string(workflow.StateSubmitted)}, models.SortOldest
	case QueueDecisions:
		if err := p.require(workflow.RoleLeader); err != nil {
			return nil, err
		}
		f.DecisionsOrExtensions, f.DecisionState, f.Open, f.Sort = true, string(workflow.StatePendingDecision), true, models.SortDue
	default:
		return nil, errs.Invalid("queue", "hàng đợi phải là work, intake hoặc decisions", "queue must be work, intake or decisions")
	}
	if p.BoardID() == 0 {
		return nil, roleNotAllowed(p.Role())
	}
	if len(filter.States) > 0 {
		if f.States = keepStates(f.States, filter.States); len(f.States) == 0 {
			return &DossierPage{Items: []DossierView{}}, nil // no state of the queue was asked
		}
	}
	if err := pageOf(cursor, limit, &f); err != nil {
		return nil, err
	}
	return s.page(ctx, p, f)
}

// keepStates narrows a queue's states by the ones asked: the asked ones
// when the queue has none of its own, else those in both.
func keepStates(queue, asked []string) []string {
	if len(queue) == 0 {
		return asked
	}
	out := []string{}
	for _, st := range asked {
		if slices.Contains(queue, st) {
			out = append(out, st)
		}
	}
	return out
}
