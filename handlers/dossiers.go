package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/motcua/motcua/service"
	"github.com/motcua/motcua/workflow"
)

// dossierJSON is a dossier as the API shows it.
type dossierJSON struct {
	Code             string           `json:"code"`
	Board            string           `json:"board"`
	Procedure        string           `json:"procedure"`
	ProcedureName    workflow.Text    `json:"procedure_name"`
	CatalogueVersion string           `json:"catalogue_version"`
	Variant          string           `json:"variant"`
	VariantName      workflow.Text    `json:"variant_name"`
	Channel          string           `json:"channel"`
	Title            string           `json:"title"`
	ApplicantName    string           `json:"applicant_name"`
	Applicant        *applicantJSON   `json:"applicant,omitempty"` // contacts: for staff and the investor
	Zone             *zoneJSON        `json:"zone"`
	Assignee         *assigneeJSON    `json:"assignee,omitempty"` // for staff
	State            string           `json:"state"`
	StateName        workflow.Text    `json:"state_name"`
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
	// Result is how the decision's result is delivered, once decided.
	Result *dossierResultJSON `json:"result,omitempty"`
	// ExtensionPending says an extension awaits a leader's decision.
	ExtensionPending bool `json:"extension_pending"`
}

// dossierResultJSON is a decided dossier's result: electronic (a file the
// investor downloads once it is returned) or paper.
type dossierResultJSON struct {
	Medium       string  `json:"medium"`
	AttachmentID *uint64 `json:"attachment_id,omitempty"`
}

type applicantJSON struct {
	TaxCode string `json:"tax_code"`
	Email   string `json:"email"`
	Phone   string `json:"phone"`
}

type zoneJSON struct {
	ID   uint   `json:"id"`
	Name string `json:"name"`
}

type assigneeJSON struct {
	ID         uint   `json:"id"`
	Name       string `json:"name"`
	Department string `json:"department"`
}

type stepJSON struct {
	State     string  `json:"state"`
	StartedAt *string `json:"started_at"`
	DueAt     *string `json:"due_at"`
}

// toDossierJSON renders a dossier view.
func toDossierJSON(v *service.DossierView) *dossierJSON {
	d := &v.Dossier
	out := &dossierJSON{Code: d.Code, Board: v.Board.Code, Procedure: d.Procedure, ProcedureName: v.Procedure,
		CatalogueVersion: d.CatalogueVersion, Variant: d.Variant, VariantName: v.Variant, Channel: string(d.Channel),
		Title: d.Title, ApplicantName: d.ApplicantName, State: d.State, StateName: v.StateName, Version: d.Version,
		SubmittedAt: rfc3339(d.SubmittedAt), ReceivedAt: optTime(d.ReceivedAt), DueAt: optTime(d.DueAt),
		OriginalDueAt: optTime(d.OriginalDueAt), ClockState: d.ClockState, SupplementCount: d.SupplementCount,
		ExtensionCount: d.ExtensionCount, OverdueSince: optTime(d.OverdueAt), FinishedAt: optTime(d.FinishedAt),
		Outcome: optString(d.Outcome), AllowedEvents: v.Allowed, InvestmentKind: string(v.InvestmentKind),
		ExtensionPending: d.ExtensionProposalSeq != 0}
	if d.ResultMedium != "" {
		out.Result = &dossierResultJSON{Medium: d.ResultMedium, AttachmentID: d.ResultAttachmentID}
	}
	if out.AllowedEvents == nil {
		out.AllowedEvents = []workflow.Event{}
	}
	if v.Contacts {
		out.Applicant = &applicantJSON{TaxCode: d.ApplicantTaxCode, Email: d.ApplicantEmail, Phone: d.ApplicantPhone}
	}
	if v.Zone != nil {
		out.Zone = &zoneJSON{ID: v.Zone.ID, Name: v.Zone.Name}
	}
	if v.Assignee != nil {
		out.Assignee = &assigneeJSON{ID: v.Assignee.ID, Name: v.Assignee.Name, Department: v.Assignee.Department}
	}
	if d.StepState != "" {
		out.Step = &stepJSON{State: d.StepState, StartedAt: optTime(d.StepStartedAt), DueAt: optTime(d.StepDueAt)}
	}
	return out
}

// pageJSON renders a page of dossiers.
func pageJSON(p *service.DossierPage) map[string]any {
	items := make([]*dossierJSON, len(p.Items))
	for i := range p.Items {
		items[i] = toDossierJSON(&p.Items[i])
	}
	return map[string]any{"items": items, "next_cursor": optString(p.Next)}
}

// submit answers POST /dossiers: an investor files online, an officer
// enters a dossier received at the desk or by post. With an
// Idempotency-Key header, a retry returns the first dossier (200, with
// Idempotent-Replayed: true) instead of creating another.
func (a *api) submit(c echo.Context) error {
	if err := queryOnly(c); err != nil {
		return err
	}
	var req service.SubmitRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	v, replayed, err := a.svc.Submit(c.Request().Context(), principal(c), req, c.Request().Header.Get("Idempotency-Key"))
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if replayed {
		status = http.StatusOK
		c.Response().Header().Set("Idempotent-Replayed", "true")
	}
	return c.JSON(status, toDossierJSON(v))
}

// dossier answers GET /dossiers/{code}.
func (a *api) dossier(c echo.Context) error {
	if err := queryOnly(c); err != nil {
		return err
	}
	v, err := a.svc.Dossier(c.Request().Context(), principal(c), c.Param("code"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toDossierJSON(v))
}

// search answers GET /dossiers: the caller's dossiers (an investor's own,
// staff their board's), filtered, with keyset pagination: pass next_cursor
// back as cursor for the next page.
func (a *api) search(c echo.Context) error {
	q, err := searchQuery(c)
	if err != nil {
		return err
	}
	p, err := a.svc.Search(c.Request().Context(), principal(c), q)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, pageJSON(p))
}

// searchParams are the query parameters of GET /dossiers.
var searchParams = []string{"state", "procedure", "channel", "zone_id", "assignee_id", "overdue", "due_before",
	"received_from", "received_to", "q", "sort", "cursor", "limit"}

// searchQuery binds the query parameters of GET /dossiers.
func searchQuery(c echo.Context) (service.SearchQuery, error) {
	q := service.SearchQuery{States: listQuery(c, "state"), Procedure: c.QueryParam("procedure"),
		Channel: c.QueryParam("channel"), Text: c.QueryParam("q"), Sort: c.QueryParam("sort"), Cursor: c.QueryParam("cursor")}
	err := firstErr(queryOnly(c, searchParams...),
		bindInto(&q.ZoneID, uintQuery, c, "zone_id"), bindInto(&q.AssigneeID, uintQuery, c, "assignee_id"),
		bindInto(&q.Overdue, boolQuery, c, "overdue"), bindInto(&q.DueBefore, dateQuery, c, "due_before"),
		bindInto(&q.ReceivedFrom, dateQuery, c, "received_from"), bindInto(&q.ReceivedTo, dateQuery, c, "received_to"),
		bindInto(&q.Limit, intQuery, c, "limit"))
	return q, err
}

// bindInto reads query parameter name with read into *into.
func bindInto[T any](into *T, read func(echo.Context, string) (T, error), c echo.Context, name string) error {
	v, err := read(c, name)
	if err == nil {
		*into = v
	}
	return err
}

// firstErr returns the first non-nil error.
func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// inbox answers GET /inbox?queue=work|intake|decisions.
func (a *api) inbox(c echo.Context) error {
	var limit int
	if err := firstErr(queryOnly(c, "queue", "cursor", "limit", "state", "procedure", "q"),
		bindInto(&limit, intQuery, c, "limit")); err != nil {
		return err
	}
	queue := service.Queue(c.QueryParam("queue"))
	if queue == "" {
		queue = service.QueueWork
	}
	f := service.InboxFilter{States: listQuery(c, "state"), Procedure: c.QueryParam("procedure"), Text: c.QueryParam("q")}
	p, err := a.svc.FilteredInbox(c.Request().Context(), principal(c), queue, f, c.QueryParam("cursor"), limit)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, pageJSON(p))
}
