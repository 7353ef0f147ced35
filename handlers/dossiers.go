package handlers

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"gorm.io/gorm"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/workflow"
)

// dossierAPI serves one dossier, its events and its history to signed-in users.
type dossierAPI struct {
	db  *gorm.DB
	eng *workflow.Engine
	now func() time.Time
}

// registerDossiers adds the dossier routes to g, behind auth.
func registerDossiers(g *echo.Group, d Deps, auth echo.MiddlewareFunc) {
	h := &dossierAPI{db: d.DB, eng: d.Engine, now: d.Now}
	g.POST("/dossiers", h.submit, auth, RequireRole(workflow.RoleInvestor, workflow.RoleOfficer))
	g.GET("/dossiers", h.search, auth)
	g.GET("/dossiers/:code", h.get, auth)
	g.GET("/dossiers/:code/receipt", h.receipt, auth)
	g.POST("/dossiers/:code/events", h.fire, auth)
	g.GET("/dossiers/:code/history", h.history, auth)
}

// dossierJSON is a dossier as the API shows it.
type dossierJSON struct {
	Code             string           `json:"code"`
	Board            string           `json:"board"`
	Procedure        string           `json:"procedure"`
	CatalogueVersion string           `json:"catalogue_version"`
	Variant          string           `json:"variant"`
	Channel          string           `json:"channel"`
	Title            string           `json:"title"`
	ApplicantName    string           `json:"applicant_name"`
	State            string           `json:"state"`
	Version          int              `json:"version"`
	SubmittedAt      string           `json:"submitted_at"`
	ReceivedAt       *string          `json:"received_at"`
	DueAt            *string          `json:"due_at"`
	OriginalDueAt    *string          `json:"original_due_at,omitempty"`
	ClockState       string           `json:"clock_state"`
	SupplementCount  int              `json:"supplement_count"`
	ExtensionCount   int              `json:"extension_count"`
	Step             *stepJSON        `json:"step,omitempty"`
	OverdueSince     *string          `json:"overdue_since"` // when a sweep first found it past its appointment
	FinishedAt       *string          `json:"finished_at"`
	Outcome          *string          `json:"outcome"`
	AllowedEvents    []workflow.Event `json:"allowed_events"`
	// InvestmentKind is what approving the dossier does to its investment
	// project (issue, adjust, terminate): approve then needs `investment`.
	InvestmentKind string `json:"investment_kind,omitempty"`
}

type stepJSON struct {
	State     string  `json:"state"`
	StartedAt *string `json:"started_at"`
	DueAt     *string `json:"due_at"`
}

func optTime(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := rfc3339(*t)
	return &s
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// toJSON renders d for the caller, with the events the caller may fire now.
func (h *dossierAPI) toJSON(ctx context.Context, d *models.Dossier, role workflow.Role) (*dossierJSON, error) {
	b, err := models.GetBoard(ctx, h.db, d.BoardID)
	if err != nil {
		return nil, err
	}
	return h.render(d, b.Code, role), nil
}

// render builds the JSON of d, whose board has the code board.
func (h *dossierAPI) render(d *models.Dossier, board string, role workflow.Role) *dossierJSON {
	out := &dossierJSON{Code: d.Code, Board: board, Procedure: d.Procedure, CatalogueVersion: d.CatalogueVersion,
		Variant: d.Variant, Channel: string(d.Channel), Title: d.Title, ApplicantName: d.ApplicantName, State: d.State,
		Version: d.Version, SubmittedAt: rfc3339(d.SubmittedAt), ReceivedAt: optTime(d.ReceivedAt), DueAt: optTime(d.DueAt),
		OriginalDueAt: optTime(d.OriginalDueAt), ClockState: d.ClockState, SupplementCount: d.SupplementCount,
		ExtensionCount: d.ExtensionCount, OverdueSince: optTime(d.OverdueAt), FinishedAt: optTime(d.FinishedAt), Outcome: optString(d.Outcome),
		AllowedEvents: h.eng.Allowed(d, role), InvestmentKind: string(h.eng.InvestmentKind(d))}
	if out.AllowedEvents == nil {
		out.AllowedEvents = []workflow.Event{}
	}
	if d.StepState != "" {
		out.Step = &stepJSON{State: d.StepState, StartedAt: optTime(d.StepStartedAt), DueAt: optTime(d.StepDueAt)}
	}
	return out
}

// visible loads the dossier named in the path if the caller may see it.
func (h *dossierAPI) visible(c echo.Context) (*models.Dossier, workflow.Actor, error) {
	return VisibleDossier(c, h.db)
}

// VisibleDossier loads the dossier named by the :code path parameter if the
// signed-in caller may see it: an investor only their own, staff only their
// board's. Anything else is 404, so that codes cannot be probed. Use it
// behind RequireAuth.
func VisibleDossier(c echo.Context, db *gorm.DB) (*models.Dossier, workflow.Actor, error) {
	actor, _ := CurrentActor(c)
	d, err := models.GetDossierByCode(c.Request().Context(), db, c.Param("code"))
	if err == nil && !canSee(actor, d) {
		err = models.ErrNotFound
	}
	if err != nil {
		if errors.Is(err, models.ErrNotFound) {
			return nil, actor, &workflow.Error{Kind: workflow.KindNotFound, Code: "not_found", Field: "code",
				Message: "không tìm thấy hồ sơ " + c.Param("code") + " / dossier " + c.Param("code") + " not found"}
		}
		return nil, actor, err
	}
	return d, actor, nil
}

// canSee is the tenancy rule.
func canSee(a workflow.Actor, d *models.Dossier) bool {
	if a.Role == workflow.RoleInvestor {
		return a.UserID != nil && d.InvestorID != nil && *d.InvestorID == *a.UserID
	}
	return a.BoardID != 0 && a.BoardID == d.BoardID
}

// get answers GET /dossiers/{code}.
func (h *dossierAPI) get(c echo.Context) error {
	d, actor, err := h.visible(c)
	if err != nil {
		return err
	}
	out, err := h.toJSON(c.Request().Context(), d, actor.Role)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// eventRequest is the body of POST /dossiers/{code}/events.
type eventRequest struct {
	Event      string `json:"event"`
	Version    int    `json:"version"`
	Comment    string `json:"comment"`
	AssigneeID *uint  `json:"assignee_id"`
	Extension  *struct {
		Reason        string `json:"reason"`
		NewDueDate    string `json:"new_due_date"`
		ApologyLetter string `json:"apology_letter"`
	} `json:"extension"`
	Investment *investmentRequest `json:"investment"` // with approve of an investment-certificate dossier
}

// input validates the request and turns it into the engine's input.
func (r *eventRequest) input() (workflow.Input, error) {
	switch {
	case strings.TrimSpace(r.Event) == "":
		return workflow.Input{}, badParam("event", "thiếu tên sự kiện", "event is required")
	case r.Version < 1:
		return workflow.Input{}, badParam("version", "thiếu phiên bản hồ sơ (version) để chống ghi đè",
			"version is required, for optimistic locking")
	}
	in := workflow.Input{Comment: strings.TrimSpace(r.Comment), AssigneeID: r.AssigneeID}
	if r.Extension != nil {
		due, err := time.ParseInLocation("2006-01-02", r.Extension.NewDueDate, deadlines.Location)
		if err != nil {
			return in, badParam("extension.new_due_date", "ngày hẹn mới phải có dạng YYYY-MM-DD",
				"extension.new_due_date must be YYYY-MM-DD")
		}
		in.Extension = &workflow.ExtensionInput{Reason: r.Extension.Reason, NewDueDate: due,
			ApologyLetter: r.Extension.ApologyLetter}
	}
	if r.Investment != nil {
		inv, err := r.Investment.input()
		if err != nil {
			return in, err
		}
		in.Investment = inv
	}
	return in, nil
}

// fire answers POST /dossiers/{code}/events: 409 for a stale version or an
// event not allowed now, 422 for a catalogue rule, 403 for the role.
func (h *dossierAPI) fire(c echo.Context) error {
	d, actor, err := h.visible(c)
	if err != nil {
		return err
	}
	var req eventRequest
	if err := c.Bind(&req); err != nil {
		return badParam("body", "nội dung JSON không hợp lệ", "the body is not valid JSON")
	}
	in, err := req.input()
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	d, ev, err := h.eng.Apply(ctx, h.db, d.ID, req.Version, workflow.Event(req.Event), actor, h.now(), in)
	if err != nil {
		return err
	}
	out, err := h.toJSON(ctx, d, actor.Role)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"dossier": out, "event": historyRow(*ev)})
}

// historyJSON is one row of the control sheet.
type historyJSON struct {
	Seq         int     `json:"seq"`
	Event       string  `json:"event"`
	FromState   string  `json:"from_state"`
	ToState     string  `json:"to_state"`
	ActorRole   string  `json:"actor_role"`
	ActorName   string  `json:"actor_name"`
	At          string  `json:"at"`
	Comment     string  `json:"comment,omitempty"`
	StepState   string  `json:"step_state,omitempty"`
	StepDueAt   *string `json:"step_due_at"`
	StepOutcome *string `json:"step_outcome"`
	DueAt       *string `json:"due_at"`
	Outcome     *string `json:"outcome"`
}

func historyRow(e models.DossierEvent) historyJSON {
	return historyJSON{Seq: e.Seq, Event: e.Event, FromState: e.FromState, ToState: e.ToState, ActorRole: e.ActorRole,
		ActorName: e.ActorName, At: rfc3339(e.At), Comment: e.Comment, StepState: e.StepState,
		StepDueAt: optTime(e.StepDueAt), StepOutcome: optString(e.StepOutcome), DueAt: optTime(e.DueAt),
		Outcome: optString(e.Outcome)}
}

// history answers GET /dossiers/{code}/history: the control sheet.
func (h *dossierAPI) history(c echo.Context) error {
	d, _, err := h.visible(c)
	if err != nil {
		return err
	}
	evs, err := models.History(c.Request().Context(), h.db, d.ID)
	if err != nil {
		return err
	}
	rows := make([]historyJSON, len(evs))
	for i, e := range evs {
		rows[i] = historyRow(e)
	}
	return c.JSON(http.StatusOK, map[string]any{"code": d.Code, "history": rows})
}
