package service

import (
	"context"

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

// Inbox returns one page of a queue of the principal's board.
func (s *Service) Inbox(ctx context.Context, p *Principal, q Queue, cursor string, limit int) (*DossierPage, error) {
	f := models.DossierFilter{BoardID: p.BoardID(), Now: s.now()}
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
	if err := pageOf(cursor, limit, &f); err != nil {
		return nil, err
	}
	return s.page(ctx, p, f)
}
