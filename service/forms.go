package service

import (
	"context"
	"fmt"
	"time"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/errs"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/workflow"
)

// Form is the data of one printed one-stop form of a dossier, numbered and
// titled by the circular in force on the day it was issued (TT 01/2018, or
// TT 03/2025 from 01/07/2025). A front end lays it out on A4 under the
// national heading.
type Form struct {
	Kind     workflow.FormKind
	Number   string
	Title    workflow.Text
	Circular string
	Basis    workflow.Basis
	IssuedAt time.Time
	Dossier  models.Dossier
	Board    models.Board
	Names    FormNames
	// Event is the history row that issued the form (nil for the control
	// sheet); IssuedBy names its actor.
	Event    *HistoryRow
	IssuedBy string
	// Receipt is the receipt's data (receipt only).
	Receipt *Receipt
	// Missing names each missing document (completion only).
	Missing []MissingLine
	// Approval is the leader's approval of the extension (apology only).
	Approval *HistoryRow
	// Steps are the control sheet's rows (control sheet only).
	Steps []HistoryRow
	// TrackingURL is the public tracking link (receipt only).
	TrackingURL string
	// Period is the variant's time limit and ReturnAt the appointment as
	// the receipt prints it (receipt only; see returnAt).
	Period   deadlines.Period
	ReturnAt *time.Time
	// Extension is the approved extension the apology announces (apology
	// only).
	Extension *FormExtension
	// Control is the control sheet step by step, each against its own
	// deadline (control sheet only).
	Control []ControlStep
}

// FormNames are the dossier's procedure, variant and state in plain words.
type FormNames struct {
	Procedure workflow.Text
	Variant   workflow.Text
	State     workflow.Text
}

// MissingLine is one item of a completion or supplementation request, with
// the document's name.
type MissingLine struct {
	workflow.MissingItem
	Name workflow.Text
}

// Form returns form kind of dossier code: the one issued by history row
// seq, or the latest one issued when seq is 0; the control sheet is the
// whole history.
func (s *Service) Form(ctx context.Context, p *Principal, code string, kind workflow.FormKind, seq int) (*Form, error) {
	d, err := s.visible(ctx, s.db, p, code)
	if err != nil {
		return nil, err
	}
	if !contains(workflow.FormKinds, kind) || kind == workflow.FormTrackingBook {
		return nil, errs.Invalid("kind", "loại biểu mẫu không hợp lệ (receipt, completion, refusal, apology, stop_notice, control_sheet)",
			"kind must be receipt, completion, refusal, apology, stop_notice or control_sheet")
	}
	evs, err := models.History(ctx, s.db, d.ID)
	if err != nil {
		return nil, err
	}
	rows := make([]HistoryRow, len(evs))
	for i := range evs {
		rows[i] = historyRow(evs[i])
	}
	f, err := s.formFor(ctx, p, d, kind, rows, seq)
	if err != nil {
		return nil, err
	}
	return f, s.fillForm(ctx, f, d)
}

// formFor finds the row that issued the form and the circular in force then.
func (s *Service) formFor(ctx context.Context, p *Principal, d *models.Dossier, kind workflow.FormKind,
	rows []HistoryRow, seq int) (*Form, error) {
	f := &Form{Kind: kind, Dossier: *d}
	if kind == workflow.FormControlSheet {
		if !p.Staff() {
			return nil, errs.Forbidden("staff_only", "kind", "phiếu kiểm soát chỉ dành cho cán bộ của Ban",
				"the control sheet is for the board's staff only")
		}
		f.IssuedAt, f.Steps = s.now(), rows
		if d.ReceivedAt != nil {
			f.IssuedAt = *d.ReceivedAt
		}
		return f, s.number(f, d.SubmittedAt)
	}
	row := issuingRow(rows, kind, seq)
	if row == nil {
		return nil, errs.NotFound("kind", fmt.Sprintf("hồ sơ chưa có biểu mẫu %s", kind), fmt.Sprintf("the dossier has no %s form", kind))
	}
	f.Event, f.IssuedAt, f.IssuedBy = row, row.At, row.ActorName
	if kind == workflow.FormReceipt {
		r, err := s.Receipt(ctx, p, d.Code)
		if err != nil {
			return nil, err
		}
		f.Receipt, f.TrackingURL = r, s.TrackingURL(d)
		if err := s.receiptTimes(f, d); err != nil {
			return nil, err
		}
	}
	if kind == workflow.FormApology {
		f.Approval = row
		f.IssuedBy = row.ActorName
		f.Extension = formExtension(row)
	}
	return f, s.number(f, row.At)
}

// issuingRow is row seq if it issued a form of kind, or the latest row
// that did when seq is 0.
func issuingRow(rows []HistoryRow, kind workflow.FormKind, seq int) *HistoryRow {
	for i := len(rows) - 1; i >= 0; i-- {
		if rows[i].Data.FormKind == kind && (seq == 0 || rows[i].Seq == seq) {
			return &rows[i]
		}
	}
	return nil
}

// number gives the form the number and title of the circular in force on at.
func (s *Service) number(f *Form, at time.Time) error {
	set, def, ok := s.eng.Catalogue().OneStop.Form(f.Kind, at)
	if !ok {
		return errs.NotFound("kind", fmt.Sprintf("biểu mẫu %s không có trong thông tư có hiệu lực ngày %s", f.Kind, at.Format("02/01/2006")),
			fmt.Sprintf("the circular in force on %s has no %s form", at.Format("02/01/2006"), f.Kind))
	}
	f.Number, f.Title, f.Circular, f.Basis = def.Number, def.Title, set.Circular, set.Basis
	return nil
}

// fillForm adds the board, the names and the missing documents' names.
func (s *Service) fillForm(ctx context.Context, f *Form, d *models.Dossier) error {
	b, err := models.GetBoard(ctx, s.db, d.BoardID)
	if err != nil {
		return err
	}
	f.Board = *b
	f.Names.Procedure, f.Names.Variant, f.Names.State = s.names(d)
	if f.Kind == workflow.FormControlSheet {
		f.Control, err = s.controlSteps(ctx, d, f.Steps)
		return err
	}
	if f.Event == nil {
		return nil
	}
	_, v, _ := s.eng.Catalogue().Bound(d)
	for _, it := range f.Event.Data.Missing {
		line := MissingLine{MissingItem: it, Name: workflow.Text{VI: it.Description, EN: it.Description}}
		if v != nil && it.Document != "" {
			for _, doc := range v.Documents {
				if doc.Code == it.Document {
					line.Name = doc.Name
				}
			}
		}
		f.Missing = append(f.Missing, line)
	}
	return nil
}
