package handlers

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/errs"
	"github.com/motcua/motcua/workflow"
)

// procedureJSON is a procedure with the version in force on the asked day:
// each variant with its period, legal basis, fee and the documents it
// requires, then the whole version as the catalogue defines it.
type procedureJSON struct {
	Code     string            `json:"code"`
	Field    string            `json:"field"`
	Name     workflow.Text     `json:"name"`
	Fee      *workflow.Fee     `json:"fee"`
	Variants []variantJSON     `json:"variants"`
	Version  *workflow.Version `json:"version"`
}

// variantJSON is a variant as the public catalogue shows it.
type variantJSON struct {
	Code       string              `json:"code"`
	Name       workflow.Text       `json:"name"`
	Period     deadlines.Period    `json:"period"`
	PeriodText string              `json:"period_text"`
	Basis      workflow.Basis      `json:"basis"`
	Documents  []workflow.Document `json:"documents"` // required: what this variant requires
}

// toProcedureJSON renders a procedure's version in force.
func toProcedureJSON(p *workflow.Procedure, v *workflow.Version) procedureJSON {
	out := procedureJSON{Code: p.Code, Field: p.Field, Name: p.Name, Fee: v.Fee, Version: v,
		Variants: make([]variantJSON, len(v.Variants))}
	for i, vr := range v.Variants {
		out.Variants[i] = variantJSON{Code: vr.Code, Name: vr.Name, Period: vr.Period, PeriodText: vr.Period.String(),
			Basis: vr.Basis, Documents: v.DocumentsFor(vr.Code)}
	}
	return out
}

// procedures answers GET /procedures[?at=DATE]: each procedure's version
// in force on DATE (default today). Public.
func (a *api) procedures(c echo.Context) error {
	if err := queryOnly(c, "at"); err != nil {
		return err
	}
	at := deadlines.DateOf(a.svc.Now())
	if d, err := dateQuery(c, "at"); err != nil {
		return err
	} else if d != nil {
		at = *d
	}
	views := a.svc.Procedures(at)
	out := make([]procedureJSON, len(views))
	for i, v := range views {
		out[i] = toProcedureJSON(v.Procedure, v.Version)
	}
	return c.JSON(http.StatusOK, map[string]any{"at": ymd(at), "procedures": out})
}

// dueDate answers GET /procedures/{code}/due-date?variant=&received_at=:
// the appointment a dossier received at that instant would get. Public.
func (a *api) dueDate(c echo.Context) error {
	if err := queryOnly(c, "variant", "received_at"); err != nil {
		return err
	}
	received, err := time.Parse(time.RFC3339, c.QueryParam("received_at"))
	if err != nil {
		return errs.Invalid("received_at", "received_at bắt buộc, dạng RFC 3339 (vd. 2026-11-23T09:00:00+07:00)",
			"received_at is required, as RFC 3339 (e.g. 2026-11-23T09:00:00+07:00)")
	}
	p, err := a.svc.PreviewDue(c.Param("code"), c.QueryParam("variant"), received)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"due_at": rfc3339(p.DueAt), "due_date": dmy(p.DueAt),
		"clock_start": ymd(p.ClockStart), "procedure": p.Procedure, "version": p.Version, "variant": p.Variant,
		"period": p.Period, "period_text": p.Period.String()})
}

// holidays answers GET /calendar/holidays?year=: the year's days off and
// the Saturdays worked in exchange. Public.
func (a *api) holidays(c echo.Context) error {
	if err := queryOnly(c, "year"); err != nil {
		return err
	}
	year := a.svc.Now().In(deadlines.Location).Year()
	if s := c.QueryParam("year"); s != "" {
		y, err := strconv.Atoi(s)
		if err != nil {
			return errs.Invalid("year", "năm phải từ 1900 đến 2199", "year must be between 1900 and 2199")
		}
		year = y
	}
	sch, err := a.svc.Holidays(year)
	if err != nil {
		return err
	}
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
		out = append(out, ymd(d.Date))
	}
	return out
}
