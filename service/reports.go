package service

import (
	"context"
	"errors"
	"strings"

	"github.com/motcua/motcua/errs"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/reports"
	"github.com/motcua/motcua/workflow"
)

// ReportRequest asks for the reform report (Biểu số 06/VPCP/KSTT): a board
// by code ("" for the caller's own; a deployment administrator may leave
// it empty for every board), and either Period (2024-H1, 2024-Q3, 2024,
// 2024-11, FROM..TO) or From and To (YYYY-MM-DD or dd/mm/yyyy).
type ReportRequest struct {
	Board  string
	Period string
	From   string
	To     string
	Format string // json (default), csv or xlsx
}

// ReformReport computes the reform report, with the Decision 766
// indicators for JSON, for a board's leaders, managers and administrators.
// Another board answers not found, as its dossiers do.
func (s *Service) ReformReport(ctx context.Context, p *Principal, r ReportRequest) (*reports.Export, reports.Format, error) {
	if err := p.require(workflow.RoleLeader, workflow.RoleManager, workflow.RoleAdmin); err != nil {
		return nil, "", err
	}
	format, err := reportFormat(r.Format)
	if err != nil {
		return nil, "", err
	}
	period, err := reportPeriod(r)
	if err != nil {
		return nil, "", err
	}
	board, err := s.reportBoard(ctx, p, r.Board)
	if err != nil {
		return nil, "", err
	}
	e, err := s.export(ctx, board, period, format)
	return e, format, err
}

// export computes Biểu 06 and, for JSON, the Decision 766 indicators.
func (s *Service) export(ctx context.Context, board *models.Board, period reports.Period, f reports.Format) (*reports.Export, error) {
	q := reports.Query{Period: period, Now: s.now()}
	if board != nil {
		q.BoardID = &board.ID
	}
	rep, err := reports.Bieu06(ctx, s.read, s.eng.Catalogue(), q)
	if err != nil {
		return nil, err
	}
	e := &reports.Export{Report: rep, Board: board}
	if f == reports.FormatJSON {
		e.Indicators, err = reports.Decision766(ctx, s.read, s.eng.Catalogue(), s.eng.Calendar(), q)
	}
	return e, err
}

// reportFormat reads the format (default json).
func reportFormat(s string) (reports.Format, error) {
	if s == "" {
		return reports.FormatJSON, nil
	}
	return reports.ParseFormat(s)
}

// reportPeriod reads either Period or From and To, not both; each error
// names the parameter at fault.
func reportPeriod(r ReportRequest) (reports.Period, error) {
	if err := checkTexts(textField{"period", r.Period, 64, false}, textField{"from", r.From, 16, false},
		textField{"to", r.To, 16, false}); err != nil {
		return reports.Period{}, err
	}
	switch {
	case r.Period != "" && (r.From != "" || r.To != ""):
		return reports.Period{}, errs.Invalid("period", "chỉ dùng period hoặc from và to, không dùng cả hai",
			"give either period or from and to, not both")
	case r.Period != "":
		return reports.ParsePeriod(r.Period)
	case r.From == "" && r.To == "":
		return reports.Period{}, errs.Invalid("period", "thiếu kỳ báo cáo: period (vd. 2024-H1) hoặc from và to",
			"the period is required: period (e.g. 2024-H1) or from and to")
	}
	if err := reportDay("from", r.From); err != nil {
		return reports.Period{}, err
	}
	if err := reportDay("to", r.To); err != nil {
		return reports.Period{}, err
	}
	period, err := reports.ParsePeriod(r.From + ".." + r.To)
	if err != nil {
		return reports.Period{}, errs.Invalid("to", "ngày kết thúc trước ngày bắt đầu", "to is before from")
	}
	return period, nil
}

// reportDay checks one end of a from/to period: present and a valid day.
func reportDay(name, v string) error {
	if v == "" {
		return errs.Invalid(name, name+" bắt buộc khi dùng from/to", name+" is required with from/to")
	}
	if p, err := reports.ParsePeriod(v + ".." + v); err != nil || !p.From.Equal(p.To.Time) { // a month is not a day
		return errs.Invalid(name, name+" phải là một ngày dạng YYYY-MM-DD hoặc dd/mm/yyyy",
			name+" must be a day as YYYY-MM-DD or dd/mm/yyyy")
	}
	return nil
}

// reportBoard is the board the report covers (nil: every board).
func (s *Service) reportBoard(ctx context.Context, p *Principal, code string) (*models.Board, error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	if len(code) > 16 || strings.ContainsRune(code, 0) {
		return nil, errBoardNotFound()
	}
	if p.User.BoardID == nil {
		if p.Role() != workflow.RoleAdmin {
			return nil, roleNotAllowed(p.Role()) // staff without a board see no board's report
		}
		if code == "" {
			return nil, nil
		}
		b, err := models.GetBoardByCode(ctx, s.read, code)
		if errors.Is(err, models.ErrNotFound) {
			return nil, errBoardNotFound()
		}
		return b, err
	}
	b, err := models.GetBoard(ctx, s.read, *p.User.BoardID)
	if err != nil {
		return nil, err
	}
	if code != "" && code != b.Code {
		return nil, errBoardNotFound() // another board's report, like any of its resources
	}
	return b, nil
}

// errBoardNotFound is the 404 for a board unknown or not the caller's.
func errBoardNotFound() *errs.Error {
	return errs.NotFound("board", "không tìm thấy Ban quản lý", "board not found")
}
