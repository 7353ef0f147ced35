package handlers

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/workflow"
)

// catalogueAPI serves the procedure catalogue and the calendar; these
// routes are public, so that an investor can look before signing in.
type catalogueAPI struct{ eng *workflow.Engine }

// registerCatalogue adds the catalogue and calendar routes to g (/api/v1).
func registerCatalogue(g *echo.Group, eng *workflow.Engine) {
	h := &catalogueAPI{eng: eng}
	g.GET("/procedures", h.list)
	g.GET("/procedures/:code/due-date", h.dueDate)
	g.GET("/calendar/holidays", h.holidays)
}

// procedureJSON is a procedure with the version in force on the asked day.
type procedureJSON struct {
	Code    string            `json:"code"`
	Field   string            `json:"field"`
	Name    workflow.Text     `json:"name"`
	Version *workflow.Version `json:"version"`
}

// list answers GET /procedures[?at=DATE]: each procedure's version in force
// on DATE (default today).
func (h *catalogueAPI) list(c echo.Context) error {
	at, err := dateParam(c, "at", time.Now())
	if err != nil {
		return err
	}
	cat := h.eng.Catalogue()
	out := make([]procedureJSON, 0, len(cat.Order))
	for _, code := range cat.Order {
		p := cat.Procedures[code]
		v, err := p.VersionAt(at)
		if err != nil {
			continue // not yet in force on that day (e.g. the environmental licence before 2022)
		}
		out = append(out, procedureJSON{Code: p.Code, Field: p.Field, Name: p.Name, Version: v})
	}
	return c.JSON(http.StatusOK, map[string]any{"at": at.Format("2006-01-02"), "procedures": out})
}

// dueDate answers GET /procedures/{code}/due-date?variant=&received_at=:
// the appointment a dossier received at that instant would get.
func (h *catalogueAPI) dueDate(c echo.Context) error {
	received, err := instantParam(c, "received_at")
	if err != nil {
		return err
	}
	p, err := h.eng.Catalogue().Procedure(c.Param("code"))
	if err != nil {
		return &workflow.Error{Kind: workflow.KindNotFound, Code: "not_found", Field: "code", Message: err.Error()}
	}
	v, err := p.VersionAt(received)
	if err != nil {
		return &workflow.Error{Kind: workflow.KindRule, Code: "no_version_in_force", Field: "received_at", Message: err.Error()}
	}
	variant := c.QueryParam("variant")
	rules, err := v.Rules(variant, h.eng.Catalogue().OneStop)
	if err != nil {
		return &workflow.Error{Kind: workflow.KindInvalid, Code: "invalid_variant", Field: "variant", Message: err.Error()}
	}
	cal := h.eng.Calendar()
	start := cal.ClockStart(received, rules.Cutoff)
	due := deadlines.EndOfDay(cal.DueDate(start, rules.Period))
	return c.JSON(http.StatusOK, map[string]any{"due_at": rfc3339(due), "due_date": due.Format("02/01/2006"),
		"clock_start": start.Format("2006-01-02"), "procedure": p.Code, "version": v.ID, "variant": variant,
		"period": rules.Period, "period_text": rules.Period.String()})
}

// holidays answers GET /calendar/holidays?year=: the year's days off and
// the Saturdays worked in exchange.
func (h *catalogueAPI) holidays(c echo.Context) error {
	year := time.Now().In(deadlines.Location).Year()
	if s := c.QueryParam("year"); s != "" {
		y, err := strconv.Atoi(s)
		if err != nil || y < 1900 || y > 2199 {
			return badParam("year", "năm phải từ 1900 đến 2199", "year must be between 1900 and 2199")
		}
		year = y
	}
	sch := h.eng.Calendar().Year(year)
	return c.JSON(http.StatusOK, map[string]any{"year": year, "announced": sch.Announced, "derived": sch.Derived,
		"source": sch.Source, "days_off": dates(sch.DaysOff, true), "working_days": dates(sch.WorkingSaturdays, false),
		"details": sch.DaysOff})
}

// dates lists the YYYY-MM-DD dates; weekdaysOnly drops weekend days that
// are part of a break (they are rest days anyway).
func dates(days []deadlines.DayOff, weekdaysOnly bool) []string {
	out := make([]string, 0, len(days))
	for _, d := range days {
		wd := d.Date.Weekday()
		if weekdaysOnly && (wd == time.Saturday || wd == time.Sunday) {
			continue
		}
		out = append(out, d.Date.Format("2006-01-02"))
	}
	return out
}

// rfc3339 formats an instant with the +07:00 offset.
func rfc3339(t time.Time) string { return t.In(deadlines.Location).Format(time.RFC3339) }

func badParam(field, vi, en string) error {
	return &workflow.Error{Kind: workflow.KindInvalid, Code: "invalid_" + field, Field: field, Message: vi + " / " + en}
}

// dateParam reads a YYYY-MM-DD or dd/mm/yyyy query parameter as a local date.
func dateParam(c echo.Context, name string, def time.Time) (time.Time, error) {
	s := c.QueryParam(name)
	if s == "" {
		return deadlines.DateOf(def), nil
	}
	for _, layout := range []string{"2006-01-02", "02/01/2006"} {
		if t, err := time.ParseInLocation(layout, s, deadlines.Location); err == nil {
			return t, nil
		}
	}
	return time.Time{}, badParam(name, name+" phải có dạng YYYY-MM-DD hoặc dd/mm/yyyy", name+" must be YYYY-MM-DD or dd/mm/yyyy")
}

// instantParam reads a required RFC 3339 query parameter.
func instantParam(c echo.Context, name string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, c.QueryParam(name))
	if err != nil {
		return time.Time{}, badParam(name, name+" bắt buộc, dạng RFC 3339 (vd. 2026-11-23T09:00:00+07:00)",
			name+" is required, as RFC 3339 (e.g. 2026-11-23T09:00:00+07:00)")
	}
	return t, nil
}
