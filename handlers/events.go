package handlers

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/service"
	"github.com/motcua/motcua/workflow"
)

// eventRequest is the body of POST /dossiers/{code}/events.
type eventRequest struct {
	Event      string                 `json:"event"`
	Version    int                    `json:"version"`
	Comment    string                 `json:"comment"`
	AssigneeID *uint                  `json:"assignee_id"`
	Extension  *extensionRequest      `json:"extension"`
	Investment *investmentRequest     `json:"investment"` // with approve of an investment-certificate dossier
	Missing    []workflow.MissingItem `json:"missing"`    // what to complete or supplement, and why (form 02)
	Result     *resultRequest         `json:"result"`     // the result document of a decision
}

// resultRequest is a decision's result document.
type resultRequest struct {
	Medium       string  `json:"medium"`
	AttachmentID *uint64 `json:"attachment_id"`
	Reference    string  `json:"reference"`
}

// extensionRequest is a proposed extension.
type extensionRequest struct {
	Reason        string `json:"reason"`
	NewDueDate    string `json:"new_due_date"`
	ApologyLetter string `json:"apology_letter"`
}

// toService binds the request into the service's.
func (r *eventRequest) toService() (service.EventRequest, error) {
	out := service.EventRequest{Event: strings.TrimSpace(r.Event), Version: r.Version, Comment: r.Comment,
		AssigneeID: r.AssigneeID, Missing: r.Missing}
	if r.Result != nil {
		out.Result = (*service.ResultRequest)(r.Result)
	}
	if x := r.Extension; x != nil {
		out.Extension = &service.ExtensionRequest{Reason: x.Reason, ApologyLetter: x.ApologyLetter}
		if x.NewDueDate != "" {
			due, err := parseDate("extension.new_due_date", x.NewDueDate)
			if err != nil {
				return out, err
			}
			out.Extension.NewDueDate = due
		}
	}
	if r.Investment != nil {
		inv, err := r.Investment.input()
		if err != nil {
			return out, err
		}
		out.Investment = inv
	}
	return out, nil
}

// fire answers POST /dossiers/{code}/events: 409 for a stale version or an
// event not allowed now, 422 for a catalogue rule, 403 for the role.
func (a *api) fire(c echo.Context) error {
	if err := queryOnly(c); err != nil {
		return err
	}
	var req eventRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	in, err := req.toService()
	if err != nil {
		return err
	}
	v, row, err := a.svc.Fire(c.Request().Context(), principal(c), c.Param("code"), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"dossier": toDossierJSON(v), "event": toHistoryJSON(row)})
}

// historyJSON is one row of the control sheet.
type historyJSON struct {
	Seq         int                         `json:"seq"`
	Event       string                      `json:"event"`
	FromState   string                      `json:"from_state"`
	ToState     string                      `json:"to_state"`
	ActorRole   string                      `json:"actor_role"`
	ActorName   string                      `json:"actor_name"`
	At          string                      `json:"at"`
	Comment     string                      `json:"comment,omitempty"`
	StepState   string                      `json:"step_state,omitempty"`
	StepDueAt   *string                     `json:"step_due_at"`
	StepOutcome *string                     `json:"step_outcome"`
	DueAt       *string                     `json:"due_at"`
	Outcome     *string                     `json:"outcome"`
	Form        string                      `json:"form,omitempty"`
	Extension   *workflow.ExtensionRecord   `json:"extension,omitempty"`
	Missing     []workflow.MissingItem      `json:"missing,omitempty"`
	Result      *workflow.ResultRecord      `json:"result,omitempty"`
	Investment  *workflow.InvestmentSummary `json:"investment,omitempty"`
	// Hash is the row's hash in the dossier's chain (docs/SECURITY.md,
	// "Tamper-evident history"): a holder who keeps it can later tell
	// whether the history up to this row was changed.
	Hash string `json:"hash"`
}

func toHistoryJSON(r *service.HistoryRow) historyJSON {
	e := &r.DossierEvent
	return historyJSON{Seq: e.Seq, Event: e.Event, FromState: e.FromState, ToState: e.ToState, ActorRole: e.ActorRole,
		ActorName: e.ActorName, At: rfc3339(e.At), Comment: e.Comment, StepState: e.StepState,
		StepDueAt: optTime(e.StepDueAt), StepOutcome: optString(e.StepOutcome), DueAt: optTime(e.DueAt),
		Outcome: optString(e.Outcome), Form: r.Data.Form, Extension: r.Data.Extension, Missing: r.Data.Missing,
		Result: r.Data.Result, Investment: r.Data.Investment, Hash: e.Hash}
}

// history answers GET /dossiers/{code}/history: the control sheet.
func (a *api) history(c echo.Context) error {
	if err := queryOnly(c); err != nil {
		return err
	}
	d, rows, err := a.svc.History(c.Request().Context(), principal(c), c.Param("code"))
	if err != nil {
		return err
	}
	out := make([]historyJSON, len(rows))
	for i := range rows {
		out[i] = toHistoryJSON(&rows[i])
	}
	return c.JSON(http.StatusOK, map[string]any{"code": d.Code, "history": out})
}

// receiptJSON is the data of form 01: the receipt slip and appointment.
type receiptJSON struct {
	Form         string         `json:"form"`
	Title        workflow.Text  `json:"title"`
	Board        string         `json:"board"`
	Code         string         `json:"code"`
	Applicant    string         `json:"applicant"`
	Procedure    workflow.Text  `json:"procedure"`
	Variant      workflow.Text  `json:"variant"`
	Channel      string         `json:"channel"`
	ReceivedAt   string         `json:"received_at"`
	ReceivedText string         `json:"received_text"` // "09 giờ 00 phút, ngày 16/11/2026"
	DueAt        *string        `json:"due_at"`
	DueDate      string         `json:"due_date"` // dd/mm/yyyy
	Period       string         `json:"period"`
	Basis        workflow.Basis `json:"basis"`
	Documents    []receiptDoc   `json:"documents"`
	ReceivedBy   string         `json:"received_by"`
	TrackingPIN  string         `json:"tracking_pin"` // with the code, public tracking without sign-in
	TrackingURL  string         `json:"tracking_url"` // printed on the receipt as a QR code
}

type receiptDoc struct {
	Code     string        `json:"code"`
	Name     workflow.Text `json:"name"`
	Required bool          `json:"required"`
	Received bool          `json:"received"`
}

// receipt answers GET /dossiers/{code}/receipt; a dossier not yet received
// has no receipt (409).
func (a *api) receipt(c echo.Context) error {
	if err := queryOnly(c); err != nil {
		return err
	}
	r, err := a.svc.Receipt(c.Request().Context(), principal(c), c.Param("code"))
	if err != nil {
		return err
	}
	d := &r.Dossier
	out := receiptJSON{Form: "01", Title: workflow.Text{VI: "Giấy tiếp nhận hồ sơ và hẹn trả kết quả", EN: "Receipt and appointment"},
		Board: r.Board.NameVI, Code: d.Code, Applicant: d.ApplicantName, Procedure: r.Procedure, Variant: r.Variant,
		Channel: string(d.Channel), ReceivedAt: rfc3339(*d.ReceivedAt), DueAt: optTime(d.DueAt), Period: r.Period,
		Basis: r.Basis, ReceivedBy: r.ReceivedBy, Documents: make([]receiptDoc, len(r.Documents)),
		TrackingPIN: d.TrackingPIN, TrackingURL: r.TrackingURL,
		ReceivedText: d.ReceivedAt.In(deadlines.Location).Format("15 giờ 04 phút, ngày 02/01/2006")}
	if d.DueAt != nil {
		out.DueDate = dmy(*d.DueAt)
	}
	for i, doc := range r.Documents {
		out.Documents[i] = receiptDoc{Code: doc.Code, Name: doc.Name, Required: doc.Required, Received: doc.Received}
	}
	return c.JSON(http.StatusOK, out)
}
