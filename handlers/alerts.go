package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/service"
)

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

func toAlertJSON(a *models.AlertView) alertJSON {
	return alertJSON{ID: a.ID, Kind: string(a.Kind), Code: a.Code, Procedure: a.Procedure, DueAt: rfc3339(a.DueAt),
		StepState: a.StepState, RecipientRole: a.RecipientRole, RaisedAt: rfc3339(a.RaisedAt),
		AcknowledgedAt: optTime(a.AcknowledgedAt), AcknowledgedBy: a.AcknowledgedBy}
}

// alerts answers GET /alerts[?kind=&recipient_role=&unacknowledged=true&limit=&cursor=].
func (a *api) alerts(c echo.Context) error {
	q := service.AlertQuery{Kind: c.QueryParam("kind"), RecipientRole: c.QueryParam("recipient_role"),
		Cursor: c.QueryParam("cursor")}
	err := firstErr(queryOnly(c, "kind", "recipient_role", "unacknowledged", "cursor", "limit"),
		bindInto(&q.Unacknowledged, boolQuery, c, "unacknowledged"), bindInto(&q.Limit, intQuery, c, "limit"))
	if err != nil {
		return err
	}
	p, err := a.svc.Alerts(c.Request().Context(), principal(c), q)
	if err != nil {
		return err
	}
	items := make([]alertJSON, len(p.Items))
	for i := range p.Items {
		items[i] = toAlertJSON(&p.Items[i])
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items, "next_cursor": optString(p.Next)})
}

// ack answers POST /alerts/{id}/ack with the alert whole; the first
// acknowledgement is kept.
func (a *api) ack(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	if err := queryOnly(c); err != nil {
		return err
	}
	v, err := a.svc.AcknowledgeAlert(c.Request().Context(), principal(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toAlertJSON(v))
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

// dashboard answers GET /dashboard.
func (a *api) dashboard(c echo.Context) error {
	if err := queryOnly(c); err != nil {
		return err
	}
	d, err := a.svc.Dashboard(c.Request().Context(), principal(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"at": rfc3339(d.At), "month": d.Month.Format("2006-01"),
		"due_soon_days": d.DueSoonDays, "by_procedure": dashboardRows(d.ByProcedure),
		"by_department": dashboardRows(d.ByDepartment), "by_officer": dashboardRows(d.ByOfficer)})
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
