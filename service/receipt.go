package service

import (
	"context"

	"github.com/motcua/motcua/errs"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/workflow"
)

// Receipt is the data of form 01 (TT 01/2018/TT-VPCP): the receipt slip
// and appointment (Giấy tiếp nhận hồ sơ và hẹn trả kết quả).
type Receipt struct {
	Dossier    models.Dossier
	Board      models.Board
	Procedure  workflow.Text
	Variant    workflow.Text
	Period     string
	Basis      workflow.Basis
	Documents  []ReceiptDocument
	ReceivedBy string
	// TrackingURL is the public tracking link, with the code and PIN,
	// that the printed receipt carries as a QR code.
	TrackingURL string
}

// ReceiptDocument is one paper of the receipt and whether it was received.
type ReceiptDocument struct {
	Code     string
	Name     workflow.Text
	Required bool
	Received bool
}

// Receipt returns the receipt of dossier code; a dossier not yet received
// has none.
func (s *Service) Receipt(ctx context.Context, p *Principal, code string) (*Receipt, error) {
	d, err := s.visible(ctx, s.db, p, code)
	if err != nil {
		return nil, err
	}
	if d.ReceivedAt == nil {
		return nil, errs.Conflict("not_received", "state", "hồ sơ chưa được tiếp nhận", "the dossier has not been received yet")
	}
	b, err := models.GetBoard(ctx, s.db, d.BoardID)
	if err != nil {
		return nil, err
	}
	pr, v, err := s.eng.Catalogue().Bound(d)
	if err != nil {
		return nil, err
	}
	variant, err := v.Variant(d.Variant)
	if err != nil {
		return nil, err
	}
	docs, err := s.receiptDocs(ctx, d, v)
	if err != nil {
		return nil, err
	}
	by, err := s.receivedBy(ctx, d)
	if err != nil {
		return nil, err
	}
	return &Receipt{Dossier: *d, Board: *b, Procedure: pr.Name, Variant: variant.Name, Period: variant.Period.String(),
		Basis: variant.Basis, Documents: docs, ReceivedBy: by, TrackingURL: s.TrackingURL(d)}, nil
}

// receiptDocs lists the version's document slots that are required or
// were received, and whether each was received.
func (s *Service) receiptDocs(ctx context.Context, d *models.Dossier, v *workflow.Version) ([]ReceiptDocument, error) {
	have, err := models.DocumentCodes(ctx, s.db, d.ID)
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
	out := []ReceiptDocument{}
	for _, doc := range v.Documents {
		if required[doc.Code] || got[doc.Code] {
			out = append(out, ReceiptDocument{Code: doc.Code, Name: doc.Name, Required: required[doc.Code], Received: got[doc.Code]})
		}
	}
	return out, nil
}

// receivedBy names the officer who received the dossier.
func (s *Service) receivedBy(ctx context.Context, d *models.Dossier) (string, error) {
	evs, err := models.History(ctx, s.db, d.ID)
	if err != nil {
		return "", err
	}
	for _, e := range evs {
		if e.Event == string(workflow.EventReceive) {
			return e.ActorName, nil
		}
	}
	return "", nil
}
