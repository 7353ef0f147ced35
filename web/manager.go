package web

import (
	"bytes"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/motcua/motcua/errs"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/service"
	"github.com/motcua/motcua/workflow"
)

// managerRoutes are the manager's dashboard and the reform report. The
// roles are those the service admits: the dashboard is a board's leaders'
// and managers', the report also its administrators'; alerts are
// acknowledged by the staff they are shown to.
func (w *app) managerRoutes(r *router) {
	r.get("/dashboard", w.dashboard, signedIn(leader, manager))
	r.get("/dashboard/charts/:name", w.dashboardChart, signedIn(leader, manager))
	r.post("/alerts/:id/ack", w.acknowledge, signedIn(officer, leader, manager))
	r.get("/reports", w.reportPage, signedIn(leader, manager, admin))
	r.get("/reports/reform.xlsx", w.reportDownload, signedIn(leader, manager, admin))
	r.get("/reports/reform.csv", w.reportDownload, signedIn(leader, manager, admin))
}

// Alert lists of the dashboard: the unacknowledged alerts (the first
// page), and the latest alerts among which the acknowledged are shown.
const (
	pendingAlerts = 50
	recentAlerts  = 20
	chartMonths   = 12
)

// dashboardData is what the dashboard shows.
type dashboardData struct {
	Dash *service.Dashboard
	// Open, DueSoon and Overdue are the board's totals now.
	Open, DueSoon, Overdue int
	Pending                []alertRow
	MorePending            bool
	Acknowledged           []alertRow
	// Acked is the alert just acknowledged (the flash), 0 for none.
	Acked  uint64
	Charts []chartView
}

// alertRow is an alert with its procedure's name.
type alertRow struct {
	models.AlertView
	ProcedureName workflow.Text
}

// dashboard answers GET /dashboard: the manager's alerts, today's counts
// and the charts with their tables.
func (w *app) dashboard(c echo.Context) error {
	ctx, p := c.Request().Context(), principalOf(c)
	page := w.page(c, "manager.dashboard.title")
	d, err := w.svc.Dashboard(ctx, p)
	if err != nil {
		return err
	}
	data := dashboardData{Dash: d}
	for _, r := range d.ByProcedure {
		data.Open, data.DueSoon, data.Overdue = data.Open+r.Open, data.DueSoon+r.DueSoon, data.Overdue+r.Overdue
	}
	if err := w.alerts(c, &data); err != nil {
		return err
	}
	rates, err := w.onTimeRates(c)
	if err != nil {
		return err
	}
	for _, ch := range append(w.onTimeCharts(page, rates), w.overdueCharts(page, d)...) {
		data.Charts = append(data.Charts, ch.view)
	}
	if id, err := strconv.ParseUint(c.QueryParam("acked"), 10, 64); err == nil && id > 0 {
		data.Acked = id
		page.Flash = page.T("manager.alerts.acked", "ID", id)
	}
	page.Data = data
	return w.render(c, statusOK, "manager/dashboard", page)
}

// alerts fills in the alerts addressed to managers: the unacknowledged
// first, then the latest acknowledged ones.
func (w *app) alerts(c echo.Context, data *dashboardData) error {
	ctx, p := c.Request().Context(), principalOf(c)
	pending, err := w.svc.Alerts(ctx, p, service.AlertQuery{RecipientRole: models.RecipientManager,
		Unacknowledged: true, Limit: pendingAlerts})
	if err != nil {
		return err
	}
	recent, err := w.svc.Alerts(ctx, p, service.AlertQuery{RecipientRole: models.RecipientManager, Limit: recentAlerts})
	if err != nil {
		return err
	}
	data.MorePending = pending.Next != ""
	for _, a := range pending.Items {
		data.Pending = append(data.Pending, w.alertRow(a))
	}
	for _, a := range recent.Items {
		if a.AcknowledgedAt != nil {
			data.Acknowledged = append(data.Acknowledged, w.alertRow(a))
		}
	}
	return nil
}

// alertRow names an alert's procedure from the catalogue.
func (w *app) alertRow(a models.AlertView) alertRow {
	row := alertRow{AlertView: a, ProcedureName: workflow.Text{VI: a.Procedure, EN: a.Procedure}}
	if proc, ok := w.svc.Engine().Catalogue().Procedures[a.Procedure]; ok {
		row.ProcedureName = proc.Name
	}
	return row
}

// onTimeRates are the board's outcomes over the last chartMonths months.
func (w *app) onTimeRates(c echo.Context) (*service.OnTimeRates, error) {
	now := w.svc.Now()
	return w.svc.OnTimeRates(c.Request().Context(), principalOf(c), now.AddDate(0, 1-chartMonths, 0), now)
}

// acknowledge answers POST /alerts/:id/ack: the service records the
// acknowledgement (the first one is kept), and the browser goes back to
// the page it came from (by default the first page of their role: the
// dashboard, or an officer's desk) with a message.
func (w *app) acknowledge(c echo.Context) error {
	id, err := strconv.ParseUint(c.Param("id"), 10, 64)
	if err != nil || id == 0 {
		return errs.NotFound("id", "không tìm thấy cảnh báo", "alert not found")
	}
	v, err := formValues(c)
	if err != nil {
		return err
	}
	a, err := w.svc.AcknowledgeAlert(c.Request().Context(), principalOf(c), id)
	if err != nil {
		return err
	}
	next := homeOf(principalOf(c).Role()) // the dashboard, or an officer's desk
	if n := v.Get("next"); n != "" {
		next = localPath(n)
	}
	u, _ := url.Parse(next)
	q := u.Query()
	q.Set("acked", strconv.FormatUint(a.ID, 10))
	u.RawQuery = q.Encode()
	return redirect(c, u.RequestURI()+"#alerts")
}

// dashboardChart answers GET /dashboard/charts/<name>.svg[?size=small]:
// one chart of the dashboard as an SVG image (small: for a phone). The library writes its styles as style
// attributes, which the page's Content-Security-Policy forbids inline, so
// each chart is an image of its own; the page shows the same figures in a
// table beside it.
func (w *app) dashboardChart(c echo.Context) error {
	name, ok := strings.CutSuffix(c.Param("name"), ".svg")
	if !ok {
		return errNoChart()
	}
	page := w.page(c, "")
	var specs []chartSpec
	switch name {
	case chartOnTimeProcedure, chartOnTimeMonth:
		rates, err := w.onTimeRates(c)
		if err != nil {
			return err
		}
		specs = w.onTimeCharts(page, rates)
	case chartOverdueDepartment, chartOverdueOfficer:
		d, err := w.svc.Dashboard(c.Request().Context(), principalOf(c))
		if err != nil {
			return err
		}
		specs = w.overdueCharts(page, d)
	}
	for _, s := range specs {
		if s.view.Name != name || s.view.Empty {
			continue
		}
		s.bars.Small = c.QueryParam("size") == "small"
		b, err := w.svg(page.Lang, s.bars)
		if err != nil {
			return err
		}
		c.Response().Header().Set("Cache-Control", "no-store")
		return c.Blob(http.StatusOK, "image/svg+xml", b)
	}
	return errNoChart()
}

// errNoChart answers a chart that does not exist or has nothing to draw.
func errNoChart() error {
	return errs.NotFound("name", "không có biểu đồ này", "there is no such chart")
}

// The dashboard's charts, by the name of their image.
const (
	chartOnTimeProcedure   = "ontime-procedure"
	chartOnTimeMonth       = "ontime-month"
	chartOverdueDepartment = "overdue-department"
	chartOverdueOfficer    = "overdue-officer"
)

// chartView is a chart as the page shows it: its image and the table of
// the same figures.
type chartView struct {
	Name  string
	Title string
	Alt   string
	// Empty says there is no bar to draw: no category, no rate (nothing
	// resolved), or counts that are all zero. The page then shows
	// EmptyText instead of the image, and the table if it has rows.
	Empty     bool
	EmptyText string
	// Head are the table's column headings, the first the category's.
	Head []string
	// Rows are the table's rows: the first cell heads the row.
	Rows [][]chartCell
}

// chartCell is a table cell, formatted, with its column's heading (the
// label of the cell when the table becomes cards on a phone).
type chartCell struct {
	Head string
	Text string
}

// Src is the chart image's address.
func (v chartView) Src() string { return "/dashboard/charts/" + v.Name + ".svg" }

// SmallSrc is the address of the chart drawn for a phone.
func (v chartView) SmallSrc() string { return v.Src() + "?size=small" }

// chartSpec is a chart's view and its drawing.
type chartSpec struct {
	view chartView
	bars barChart
}

// newChart starts a chart with its title and alt text.
func newChart(p *Page, name, titleID string, head ...string) chartSpec {
	title := p.T(titleID)
	return chartSpec{view: chartView{Name: name, Title: title, Alt: p.T("manager.chart.alt", "Title", title), Head: head,
		EmptyText: p.T("manager.chart.empty")}}
}

// finish marks a chart without a bar to draw empty: no value, or none
// but NaN (no rate), or, for counts, none above zero. A rate of 0 % is
// drawn: it is a figure, not the lack of one.
func (s chartSpec) finish() chartSpec {
	s.view.Empty = true
	for _, v := range s.bars.Values {
		if !math.IsNaN(v) && (s.bars.Percent || v > 0) {
			s.view.Empty = false
		}
	}
	return s
}

// onTimeCharts are the on-time rates by procedure and by month.
func (w *app) onTimeCharts(p *Page, r *service.OnTimeRates) []chartSpec {
	head := []string{p.T("manager.col.early"), p.T("manager.col.on_time"), p.T("manager.col.late"),
		p.T("manager.col.resolved"), p.T("manager.col.rate")}
	byProc := newChart(p, chartOnTimeProcedure, "manager.chart.ontime_procedure",
		append([]string{p.T("manager.col.procedure")}, head...)...)
	byProc.bars = barChart{Percent: true, Horizontal: true}
	for _, po := range r.ByProcedure {
		byProc.add(p.Text(po.Name), rateValue(po.OutcomeCounts), outcomeCells(p, po.OutcomeCounts))
	}
	byMonth := newChart(p, chartOnTimeMonth, "manager.chart.ontime_month",
		append([]string{p.T("manager.col.month")}, head...)...)
	byMonth.bars = barChart{Percent: true}
	for _, mo := range r.ByMonth {
		byMonth.add(mo.Month.Format("01/2006"), rateValue(mo.OutcomeCounts), outcomeCells(p, mo.OutcomeCounts))
		byMonth.bars.Short = append(byMonth.bars.Short, mo.Month.Format("01/06"))
	}
	if len(r.ByProcedure) == 0 { // nothing resolved in the months: no bar to draw
		byMonth.bars.Values = nil
	}
	return []chartSpec{byProc.finish(), byMonth.finish()}
}

// add adds a bar and its table row.
func (s *chartSpec) add(label string, value float64, cells []string) {
	s.bars.Labels = append(s.bars.Labels, label)
	s.bars.Values = append(s.bars.Values, value)
	row := make([]chartCell, 0, len(cells)+1)
	for i, text := range append([]string{label}, cells...) {
		row = append(row, chartCell{Head: s.view.Head[i], Text: text})
	}
	s.view.Rows = append(s.view.Rows, row)
}

// rateValue is the on-time rate, NaN when nothing was resolved.
func rateValue(c service.OutcomeCounts) float64 {
	if r, ok := c.Rate(); ok {
		return r
	}
	return math.NaN()
}

// outcomeCells are a row's counts and rate, formatted.
func outcomeCells(p *Page, c service.OutcomeCounts) []string {
	rate := "—"
	if r, ok := c.Rate(); ok {
		rate = p.Pct(r)
	}
	return []string{p.Num(c.Early), p.Num(c.OnTime), p.Num(c.Late), p.Num(c.Resolved()), rate}
}

// overdueCharts are the overdue dossiers by department and by officer:
// the groups with an open dossier.
func (w *app) overdueCharts(p *Page, d *service.Dashboard) []chartSpec {
	counts := []string{p.T("manager.col.open"), p.T("manager.col.due_soon"), p.T("manager.col.overdue")}
	byDept := newChart(p, chartOverdueDepartment, "manager.chart.overdue_department",
		append([]string{p.T("manager.col.department")}, counts...)...)
	byDept.bars = barChart{Horizontal: true}
	for _, r := range d.ByDepartment {
		if r.Open > 0 || r.Overdue > 0 {
			byDept.add(officerOrUnassigned(p, r.GroupKey), float64(r.Overdue), openCells(p, r))
		}
	}
	byOfficer := newChart(p, chartOverdueOfficer, "manager.chart.overdue_officer",
		append([]string{p.T("manager.col.officer"), p.T("manager.col.department")}, counts...)...)
	byOfficer.bars = barChart{Horizontal: true}
	for _, r := range d.ByOfficer {
		if r.Open > 0 || r.Overdue > 0 {
			byOfficer.add(officerOrUnassigned(p, r.Name), float64(r.Overdue),
				append([]string{dashIfEmpty(r.Department)}, openCells(p, r)...))
		}
	}
	for _, s := range []*chartSpec{&byDept, &byOfficer} {
		if len(s.view.Rows) > 0 { // dossiers in progress, none overdue
			s.view.EmptyText = p.T("manager.chart.none_overdue")
		}
	}
	return []chartSpec{byDept.finish(), byOfficer.finish()}
}

// openCells are a group's open, due-soon and overdue counts, formatted.
func openCells(p *Page, r models.DashboardRow) []string {
	return []string{p.Num(r.Open), p.Num(r.DueSoon), p.Num(r.Overdue)}
}

// officerOrUnassigned is a group's name, or the words for the group of dossiers assigned to nobody.
func officerOrUnassigned(p *Page, key string) string {
	if key == "" {
		return p.T("manager.unassigned")
	}
	return key
}

// dashIfEmpty is s, or "—" when empty.
func dashIfEmpty(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// DashboardAlertKind is an alert's kind in words.
func (p *Page) DashboardAlertKind(k models.AlertKind) string {
	return p.T("manager.alert_kind." + string(k))
}

// DashboardAlertBadge is the badge class of an alert's kind: overdue ones are bad
// news, the others warnings.
func (p *Page) DashboardAlertBadge(k models.AlertKind) string {
	if k == models.AlertOverdue || k == models.AlertStepOverdue {
		return "bad"
	}
	return "warn"
}

// reportAttachment writes an export as an attachment.
func reportAttachment(c echo.Context, name, contentType string, body *bytes.Buffer) error {
	h := c.Response().Header()
	h.Set(echo.HeaderContentDisposition, fmt.Sprintf("attachment; filename=%q", name))
	h.Set("Cache-Control", "no-store")
	return c.Blob(http.StatusOK, contentType, body.Bytes())
}
