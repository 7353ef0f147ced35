package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"gorm.io/gorm"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/workflow"
)

// managerAPI serves the deadline alerts and the dashboard to a board's staff.
type managerAPI struct {
	db  *gorm.DB
	eng *workflow.Engine
	now func() time.Time
}

// DueSoonDays is how many working days ahead the dashboard counts as due soon.
const DueSoonDays = deadlines.DefaultDueSoonDays

// registerManager adds /alerts and /dashboard, for the board's staff.
func registerManager(g *echo.Group, d Deps, auth echo.MiddlewareFunc) {
	h := &managerAPI{db: d.DB, eng: d.Engine, now: d.Now}
	staff := RequireRole(workflow.RoleOfficer, workflow.RoleLeader, workflow.RoleManager)
	g.GET("/alerts", h.alerts, auth, staff)
	g.POST("/alerts/:id/ack", h.ack, auth, staff)
	g.GET("/dashboard", h.dashboard, auth, RequireRole(workflow.RoleLeader, workflow.RoleManager))
}

// alertJSON is an alert as the API shows it.
type alertJSON struct {
	ID             uint64  `json:"id"`
	Kind           string  `json:"kind"`
	Code           string  `json:"code"`
	Procedure      string  `json:"procedure"`
	DueAt          string  `json:"due_at"`
	StepState      string  `json:"step_state,omitempty"`
	RecipientRole  string  `json:"recipient_role"`
	RaisedAt       string  `json:"raised_at"`
	AcknowledgedAt *string `json:"acknowledged_at"`
	AcknowledgedBy *uint   `json:"acknowledged_by"`
}

func toAlertJSON(a models.Alert, code, procedure string) alertJSON {
	return alertJSON{ID: a.ID, Kind: string(a.Kind), Code: code, Procedure: procedure, DueAt: rfc3339(a.DueAt),
		StepState: a.StepState, RecipientRole: a.RecipientRole, RaisedAt: rfc3339(a.RaisedAt),
		AcknowledgedAt: optTime(a.AcknowledgedAt), AcknowledgedBy: a.AcknowledgedBy}
}

// alerts answers GET /alerts[?kind=&recipient_role=&unacknowledged=true&limit=&cursor=].
func (h *managerAPI) alerts(c echo.Context) error {
	actor, _ := CurrentActor(c)
	f := models.AlertFilter{BoardID: actor.BoardID, Kind: c.QueryParam("kind"),
		RecipientRole: c.QueryParam("recipient_role"), Unacknowledged: c.QueryParam("unacknowledged") == "true",
		Limit: defaultPageSize}
	var page models.DossierFilter
	if err := pageParams(c, &page); err != nil {
		return err
	}
	f.AfterID, f.Limit = page.AfterID, page.Limit
	if f.Limit == 0 {
		f.Limit = defaultPageSize
	}
	rows, err := models.SearchAlerts(c.Request().Context(), h.db, f)
	if err != nil {
		return err
	}
	items := make([]alertJSON, len(rows))
	for i, r := range rows {
		items[i] = toAlertJSON(r.Alert, r.Code, r.Procedure)
	}
	var next *string
	if len(rows) == f.Limit {
		s := strconv.FormatUint(rows[len(rows)-1].ID, 36)
		next = &s
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items, "next_cursor": next})
}

// ack answers POST /alerts/{id}/ack; the first acknowledgement is kept.
func (h *managerAPI) ack(c echo.Context) error {
	actor, _ := CurrentActor(c)
	id, err := strconv.ParseUint(c.Param("id"), 10, 64)
	if err != nil {
		return badParam("id", "mã cảnh báo không hợp lệ", "id is not a valid alert id")
	}
	a, err := models.AcknowledgeAlert(c.Request().Context(), h.db, actor.BoardID, id, *actor.UserID, h.now().In(deadlines.Location))
	if errors.Is(err, models.ErrNotFound) {
		return &workflow.Error{Kind: workflow.KindNotFound, Code: "not_found", Field: "id",
			Message: "không tìm thấy cảnh báo / alert not found"}
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toAlertJSON(*a, "", ""))
}

// dashboardRow is one group of the dashboard.
type dashboardRow struct {
	Key        string   `json:"key"`
	Department string   `json:"department,omitempty"`
	Open       int      `json:"open"`
	DueSoon    int      `json:"due_soon"`
	Overdue    int      `json:"overdue"`
	Early      int      `json:"early"`
	OnTime     int      `json:"on_time"`
	Late       int      `json:"late"`
	OnTimeRate *float64 `json:"on_time_rate"` // (early + on time) / finished this month; null when none finished
}

// dashboard answers GET /dashboard: open, due soon and overdue dossiers,
// and this month's on-time rate, by procedure, by department and by officer.
func (h *managerAPI) dashboard(c echo.Context) error {
	actor, _ := CurrentActor(c)
	now := h.now().In(deadlines.Location)
	soon := deadlines.EndOfDay(h.eng.Calendar().AddWorkingDays(now, DueSoonDays))
	month := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, deadlines.Location)
	out := map[string]any{"at": rfc3339(now), "month": month.Format("2006-01"), "due_soon_days": DueSoonDays}
	for _, group := range []string{"procedure", "department", "officer"} {
		rows, err := models.Dashboard(c.Request().Context(), h.db, actor.BoardID, group, now, soon, month)
		if err != nil {
			return err
		}
		out["by_"+group] = dashboardRows(rows)
	}
	return c.JSON(http.StatusOK, out)
}

func dashboardRows(rows []models.DashboardRow) []dashboardRow {
	out := make([]dashboardRow, len(rows))
	for i, r := range rows {
		out[i] = dashboardRow{Key: r.GroupKey, Department: r.Department, Open: r.Open, DueSoon: r.DueSoon,
			Overdue: r.Overdue, Early: r.Early, OnTime: r.OnTime, Late: r.Late}
		if done := r.Early + r.OnTime + r.Late; done > 0 {
			rate := float64(r.Early+r.OnTime) / float64(done)
			out[i].OnTimeRate = &rate
		}
	}
	return out
}
