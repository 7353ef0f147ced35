package handlers

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"gorm.io/gorm"

	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/reports"
	"github.com/motcua/motcua/workflow"
)

// reportsAPI serves the reform report (Biểu số 06/VPCP/KSTT) to a board's
// leaders and managers, and to administrators.
//
// Tenancy: a user with a board reports on that board only; naming another
// board answers 404, as any other board's resource does. An administrator
// with no board (a deployment admin) may name any board, or none for every
// board of the deployment.
type reportsAPI struct {
	db  *gorm.DB
	eng *workflow.Engine
	now func() time.Time
}

// registerReports adds /reports/reform.
func registerReports(g *echo.Group, d Deps, auth echo.MiddlewareFunc) {
	h := &reportsAPI{db: d.DB, eng: d.Engine, now: d.Now}
	g.GET("/reports/reform", h.reform, auth,
		RequireRole(workflow.RoleLeader, workflow.RoleManager, workflow.RoleAdmin))
}

// reform answers GET /reports/reform?board=&period= (or from=&to=)&format=json|csv|xlsx.
func (h *reportsAPI) reform(c echo.Context) error {
	format, err := formatParam(c)
	if err != nil {
		return err
	}
	period, err := periodParams(c)
	if err != nil {
		return err
	}
	board, err := h.board(c)
	if err != nil {
		return err
	}
	e, err := h.export(c, board, period, format)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := e.Write(&buf, format); err != nil {
		return err
	}
	if format != reports.FormatJSON {
		c.Response().Header().Set(echo.HeaderContentDisposition, fmt.Sprintf("attachment; filename=%q", e.FileName(format)))
	}
	return c.Blob(http.StatusOK, format.ContentType(), buf.Bytes())
}

// export computes Biểu 06 and, for JSON, the Decision 766 indicators.
func (h *reportsAPI) export(c echo.Context, board *models.Board, p reports.Period, f reports.Format) (reports.Export, error) {
	ctx := c.Request().Context()
	q := reports.Query{Period: p, Now: h.now()}
	if board != nil {
		q.BoardID = &board.ID
	}
	rep, err := reports.Bieu06(ctx, h.db, h.eng.Catalogue(), q)
	if err != nil {
		return reports.Export{}, err
	}
	e := reports.Export{Report: rep, Board: board}
	if f == reports.FormatJSON {
		e.Indicators, err = reports.Decision766(ctx, h.db, h.eng.Catalogue(), h.eng.Calendar(), q)
	}
	return e, err
}

// formatParam reads format (default json).
func formatParam(c echo.Context) (reports.Format, error) {
	s := c.QueryParam("format")
	if s == "" {
		return reports.FormatJSON, nil
	}
	return reports.ParseFormat(s)
}

// periodParams reads the period: either period (2024-H1, 2024-Q3, 2024,
// 2024-11, FROM..TO) or from and to (YYYY-MM-DD or dd/mm/yyyy), not both.
// Each error names the parameter at fault.
func periodParams(c echo.Context) (reports.Period, error) {
	p, from, to := c.QueryParam("period"), c.QueryParam("from"), c.QueryParam("to")
	switch {
	case p != "" && (from != "" || to != ""):
		return reports.Period{}, badParam("period", "chỉ dùng period hoặc from và to, không dùng cả hai",
			"give either period or from and to, not both")
	case p != "":
		return reports.ParsePeriod(p)
	case from == "" && to == "":
		return reports.Period{}, badParam("period", "thiếu kỳ báo cáo: period (vd. 2024-H1) hoặc from và to",
			"the period is required: period (e.g. 2024-H1) or from and to")
	}
	if err := dayParam("from", from); err != nil {
		return reports.Period{}, err
	}
	if err := dayParam("to", to); err != nil {
		return reports.Period{}, err
	}
	period, err := reports.ParsePeriod(from + ".." + to)
	if err != nil {
		return reports.Period{}, badParam("to", "ngày kết thúc trước ngày bắt đầu", "to is before from")
	}
	return period, nil
}

// dayParam checks one end of a from/to period: present and a valid day.
func dayParam(name, v string) error {
	if v == "" {
		return badParam(name, name+" bắt buộc khi dùng from/to", name+" is required with from/to")
	}
	if p, err := reports.ParsePeriod(v + ".." + v); err != nil || !p.From.Equal(p.To.Time) { // a month is not a day
		return badParam(name, name+" phải là một ngày dạng YYYY-MM-DD hoặc dd/mm/yyyy",
			name+" must be a day as YYYY-MM-DD or dd/mm/yyyy")
	}
	return nil
}

// board is the board the report covers (nil: every board), by the caller's
// board and the board parameter (a board code such as HBI).
func (h *reportsAPI) board(c echo.Context) (*models.Board, error) {
	code := strings.ToUpper(strings.TrimSpace(c.QueryParam("board")))
	u := CurrentUser(c)
	if u.BoardID == nil {
		if u.Role != string(workflow.RoleAdmin) {
			return nil, roleNotAllowed(workflow.Role(u.Role)) // staff without a board see no board's report
		}
		if code == "" {
			return nil, nil
		}
		return h.lookup(c, code)
	}
	b, err := models.GetBoard(c.Request().Context(), h.db, *u.BoardID)
	if err != nil {
		return nil, err
	}
	if code != "" && code != b.Code {
		return nil, boardNotFound() // another board's report, like any of its resources
	}
	return b, nil
}

// lookup finds a board by code.
func (h *reportsAPI) lookup(c echo.Context, code string) (*models.Board, error) {
	b, err := models.GetBoardByCode(c.Request().Context(), h.db, code)
	if errors.Is(err, models.ErrNotFound) {
		return nil, boardNotFound()
	}
	return b, err
}

// boardNotFound is the 404 for a board that is unknown or not the caller's.
func boardNotFound() error {
	return &workflow.Error{Kind: workflow.KindNotFound, Code: "not_found", Field: "board",
		Message: "không tìm thấy Ban quản lý / board not found"}
}
