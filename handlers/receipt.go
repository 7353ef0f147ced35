package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/workflow"
)

// receiptJSON is the data of form 01 (TT 01/2018/TT-VPCP): the receipt
// slip and appointment (Giấy tiếp nhận hồ sơ và hẹn trả kết quả).
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
}

type receiptDoc struct {
	Code     string        `json:"code"`
	Name     workflow.Text `json:"name"`
	Required bool          `json:"required"`
	Received bool          `json:"received"`
}

// receipt answers GET /dossiers/{code}/receipt; a dossier not yet received
// has no receipt (409).
func (h *dossierAPI) receipt(c echo.Context) error {
	d, _, err := h.visible(c)
	if err != nil {
		return err
	}
	if d.ReceivedAt == nil {
		return &workflow.Error{Kind: workflow.KindConflict, Code: "not_received", Field: "state",
			Message: "hồ sơ chưa được tiếp nhận / the dossier has not been received yet"}
	}
	out, err := h.buildReceipt(c, d)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

func (h *dossierAPI) buildReceipt(c echo.Context, d *models.Dossier) (*receiptJSON, error) {
	ctx := c.Request().Context()
	b, err := models.GetBoard(ctx, h.db, d.BoardID)
	if err != nil {
		return nil, err
	}
	p, _ := h.eng.Catalogue().Procedure(d.Procedure)
	v, _ := p.Version(d.CatalogueVersion)
	variant, _ := v.Variant(d.Variant)
	docs, err := h.receiptDocs(c, d, v)
	if err != nil {
		return nil, err
	}
	received := d.ReceivedAt.In(deadlines.Location)
	out := &receiptJSON{Form: "01", Title: workflow.Text{VI: "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
		EN: "Receipt and appointment"}, Board: b.NameVI, Code: d.Code, Applicant: d.ApplicantName, Procedure: p.Name,
		Variant: variant.Name, Channel: string(d.Channel), ReceivedAt: rfc3339(received),
		ReceivedText: received.Format("15 giờ 04 phút, ngày 02/01/2006"), DueAt: optTime(d.DueAt),
		Period: variant.Period.String(), Basis: variant.Basis, Documents: docs, ReceivedBy: receivedBy(c, h, d)}
	if d.DueAt != nil {
		out.DueDate = d.DueAt.In(deadlines.Location).Format("02/01/2006")
	}
	return out, nil
}

// receiptDocs lists the version's document slots and whether each was received.
func (h *dossierAPI) receiptDocs(c echo.Context, d *models.Dossier, v *workflow.Version) ([]receiptDoc, error) {
	have, err := models.DocumentCodes(c.Request().Context(), h.db, d.ID)
	if err != nil {
		return nil, err
	}
	got := map[string]bool{}
	for _, code := range have {
		got[code] = true
	}
	required := map[string]bool{}
	for _, code := range v.RequiredDocuments(d.Variant) {
		required[code] = true
	}
	out := []receiptDoc{}
	for _, doc := range v.Documents {
		if required[doc.Code] || got[doc.Code] {
			out = append(out, receiptDoc{Code: doc.Code, Name: doc.Name, Required: required[doc.Code], Received: got[doc.Code]})
		}
	}
	return out, nil
}

// receivedBy names the officer who fired receive.
func receivedBy(c echo.Context, h *dossierAPI, d *models.Dossier) string {
	evs, err := models.History(c.Request().Context(), h.db, d.ID)
	if err != nil {
		return ""
	}
	for _, e := range evs {
		if e.Event == string(workflow.EventReceive) {
			return e.ActorName
		}
	}
	return ""
}
