package handlers

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/workflow"
)

// Search page sizes.
const (
	defaultPageSize = 50
	maxPageSize     = 200
)

// search answers GET /dossiers: the caller's dossiers (an investor's own,
// staff their board's), newest first, filtered, with keyset pagination:
// pass next_cursor back as cursor for the next page.
func (h *dossierAPI) search(c echo.Context) error {
	actor, _ := CurrentActor(c)
	f, err := h.filter(c, actor)
	if err != nil {
		return err
	}
	rows, err := models.SearchDossiers(c.Request().Context(), h.db, f)
	if err != nil {
		return err
	}
	items, err := h.page(c.Request().Context(), rows, actor.Role)
	if err != nil {
		return err
	}
	var next *string
	if len(rows) == f.Limit {
		s := strconv.FormatUint(rows[len(rows)-1].ID, 36)
		next = &s
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items, "next_cursor": next})
}

// page renders rows, loading each board once.
func (h *dossierAPI) page(ctx context.Context, rows []models.Dossier, role workflow.Role) ([]*dossierJSON, error) {
	items := make([]*dossierJSON, 0, len(rows))
	boards := map[uint]string{}
	for i := range rows {
		code, ok := boards[rows[i].BoardID]
		if !ok {
			b, err := models.GetBoard(ctx, h.db, rows[i].BoardID)
			if err != nil {
				return nil, err
			}
			code, boards[rows[i].BoardID] = b.Code, b.Code
		}
		items = append(items, h.render(&rows[i], code, role))
	}
	return items, nil
}

// filter reads the query parameters; each bad value names its parameter.
func (h *dossierAPI) filter(c echo.Context, actor workflow.Actor) (models.DossierFilter, error) {
	f := models.DossierFilter{State: c.QueryParam("state"), Procedure: c.QueryParam("procedure"),
		Channel: c.QueryParam("channel"), Text: c.QueryParam("q"), Now: h.now().In(deadlines.Location),
		Limit: defaultPageSize}
	if actor.Role == workflow.RoleInvestor {
		f.InvestorID = *actor.UserID
	} else {
		f.BoardID = actor.BoardID
	}
	var err error
	for _, p := range []struct {
		name string
		into *uint
	}{{"zone_id", &f.ZoneID}, {"assignee_id", &f.AssigneeID}} {
		if *p.into, err = uintParam(c, p.name); err != nil {
			return f, err
		}
	}
	if err = h.timeFilters(c, &f); err != nil {
		return f, err
	}
	return f, pageParams(c, &f)
}

// timeFilters reads overdue, due_before and received_from / received_to
// (dates, inclusive, Asia/Ho_Chi_Minh).
func (h *dossierAPI) timeFilters(c echo.Context, f *models.DossierFilter) error {
	switch c.QueryParam("overdue") {
	case "", "false":
	case "true":
		f.Overdue = true
	default:
		return badParam("overdue", "overdue phải là true hoặc false", "overdue must be true or false")
	}
	for _, p := range []struct {
		name    string
		into    **time.Time
		nextDay bool
	}{{"due_before", &f.DueBefore, false}, {"received_from", &f.ReceivedFrom, false}, {"received_to", &f.ReceivedUntil, true}} {
		if c.QueryParam(p.name) == "" {
			continue
		}
		d, err := dateParam(c, p.name, time.Time{})
		if err != nil {
			return err
		}
		if p.nextDay {
			d = d.AddDate(0, 0, 1) // received_to is inclusive: before the next day
		}
		*p.into = &d
	}
	return nil
}

// pageParams reads limit and cursor.
func pageParams(c echo.Context, f *models.DossierFilter) error {
	if s := c.QueryParam("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxPageSize {
			return badParam("limit", "limit từ 1 đến 200", "limit must be between 1 and 200")
		}
		f.Limit = n
	}
	if s := c.QueryParam("cursor"); s != "" {
		id, err := strconv.ParseUint(s, 36, 64)
		if err != nil {
			return badParam("cursor", "cursor không hợp lệ", "cursor is not valid")
		}
		f.AfterID = id
	}
	return nil
}

// uintParam reads an optional positive integer query parameter.
func uintParam(c echo.Context, name string) (uint, error) {
	s := c.QueryParam(name)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil || n == 0 {
		return 0, badParam(name, name+" phải là số nguyên dương", name+" must be a positive integer")
	}
	return uint(n), nil
}
