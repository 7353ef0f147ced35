package service

import (
	"context"

	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/reports"
	"github.com/motcua/motcua/workflow"
)

// InvestmentReport is a period's investment statistics and the board they
// cover (nil: every board of the deployment).
type InvestmentReport struct {
	Stats *reports.InvestmentStats
	Board *models.Board
}

// InvestmentReport computes the investment statistics (projects issued,
// adjusted and terminated in the period, and those valid at its end, with
// their registered capital) for the period and board of r, as
// ReformReport reads them (its Format is ignored), for the same people: a
// board's leaders, managers and administrators. Another board answers
// not found.
func (s *Service) InvestmentReport(ctx context.Context, p *Principal, r ReportRequest) (*InvestmentReport, error) {
	if err := p.require(workflow.RoleLeader, workflow.RoleManager, workflow.RoleAdmin); err != nil {
		return nil, err
	}
	period, err := reportPeriod(r)
	if err != nil {
		return nil, err
	}
	board, err := s.reportBoard(ctx, p, r.Board)
	if err != nil {
		return nil, err
	}
	q := reports.Query{Period: period, Now: s.now()}
	if board != nil {
		q.BoardID = &board.ID
	}
	stats, err := reports.Investment(ctx, s.read, q)
	if err != nil {
		return nil, err
	}
	return &InvestmentReport{Stats: stats, Board: board}, nil
}
