package web

import (
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/errs"
	"github.com/motcua/motcua/service"
	"github.com/motcua/motcua/workflow"
)

// printRoutes are the printable forms of a dossier (A4, national heading).
func (w *app) printRoutes(r *router) {
	r.get("/dossiers/:code/forms/:kind", w.printForm, signedIn())
}

// printForm answers GET /dossiers/:code/forms/:kind[?seq=N]: one form of
// the dossier (receipt, completion, refusal, apology, stop_notice,
// control_sheet), the one history row seq issued or the latest, laid out
// on A4 as the circular in force that day numbers and titles it. The
// service decides who may see it; the page only lays it out.
func (w *app) printForm(c echo.Context) error {
	seq, err := seqParam(c.QueryParam("seq"))
	if err != nil {
		return err
	}
	p := w.page(c, "")
	f, err := w.svc.Form(c.Request().Context(), p.User, c.Param("code"), workflow.FormKind(c.Param("kind")), seq)
	if err != nil {
		return err
	}
	v := &formView{Form: f, lang: p.Lang, cat: w.i18n}
	if f.Kind == workflow.FormReceipt && f.TrackingURL != "" {
		if v.QR, err = qrSVG(f.TrackingURL, v.VI("print.receipt.qr_label")); err != nil {
			return err
		}
	}
	p.Layout, p.Title, p.Data = "print", text(p.Lang, f.Title)+" · "+f.Dossier.Code, v
	return w.render(c, statusOK, "print/form", p)
}

// seqParam reads ?seq=N, the history row that issued the form; 0 (the
// latest) when absent.
func seqParam(s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, errs.Invalid("seq", "seq phải là số thứ tự dòng lịch sử (số nguyên dương)",
			"seq must be the number of a history row (a positive integer)")
	}
	return n, nil
}

// formView is a form as its template lays it out. The form's text is the
// official Vietnamese whatever the page's language (VI); on an English
// page, short English glosses show on screen beside it and never on
// paper (Gloss, EN).
type formView struct {
	*service.Form
	// QR is the receipt's QR code of the tracking link, drawn by qrSVG.
	QR   template.HTML
	lang string
	cat  *catalog
}

// VI is message id in Vietnamese, the language of the form itself.
func (v *formView) VI(id string, args ...any) string { return v.cat.T(langVI, id, args...) }

// Gloss is message id in English on an English page, "" otherwise.
func (v *formView) Gloss(id string, args ...any) string {
	if v.lang != langEN {
		return ""
	}
	return v.cat.T(langEN, id, args...)
}

// EN is a catalogue text's English on an English page, when it has one
// that differs from the Vietnamese; "" otherwise.
func (v *formView) EN(t workflow.Text) string {
	if v.lang != langEN || t.EN == "" || t.EN == t.VI {
		return ""
	}
	return t.EN
}

// Request is what the applicant asked for: the procedure and, when it
// says more, the variant.
func (v *formView) Request() workflow.Text {
	t := v.Names.Procedure
	if x := v.Names.Variant; x.VI != "" && x.VI != t.VI {
		t.VI += " – " + x.VI
		if t.EN != "" && x.EN != "" {
			t.EN += " – " + x.EN
		}
	}
	return t
}

// Upper is s in capitals, as a form's heading and title print.
func (v *formView) Upper(s string) string { return strings.ToUpper(s) }

// PlaceDate is the place and date line: "Hòa Bình, ngày 16 tháng 11 năm
// 2026", dotted where the board has no province.
func (v *formView) PlaceDate() string {
	t := v.IssuedAt.In(deadlines.Location)
	place := v.Board.Province
	if place == "" {
		place = "……"
	}
	return v.VI("print.place_date", "Place", place, "Day", fmt.Sprintf("%02d", t.Day()),
		"Month", fmt.Sprintf("%02d", int(t.Month())), "Year", t.Year())
}

// Time is an instant as the forms write it: "09 giờ 30 phút, ngày
// 16/11/2026"; "……" for none.
func (v *formView) Time(t time.Time) string {
	if t.IsZero() {
		return "……"
	}
	l := t.In(deadlines.Location)
	return v.VI("print.time", "Hour", fmt.Sprintf("%02d", l.Hour()), "Minute", fmt.Sprintf("%02d", l.Minute()),
		"Date", formatDate(l))
}

// Deadline is a deadline: its date when it is the end of a day (most
// are), its time and date otherwise; "—" for none.
func (v *formView) Deadline(t *time.Time) string {
	if t == nil || t.IsZero() {
		return "—"
	}
	l := t.In(deadlines.Location)
	if l.Hour() == 23 && l.Minute() == 59 {
		return formatDate(l)
	}
	return formatDateTime(l)
}

// Received are the receipt's documents that were received.
func (v *formView) Received() []service.ReceiptDocument {
	if v.Receipt == nil {
		return nil
	}
	var out []service.ReceiptDocument
	for _, d := range v.Receipt.Documents {
		if d.Received {
			out = append(out, d)
		}
	}
	return out
}

// PeriodID is the message id of the receipt's time limit.
func (v *formView) PeriodID() string {
	if v.Period.Unit == deadlines.WorkingDays {
		return "period.working_days"
	}
	return "period.calendar_days"
}

// OutcomeID is the message id of a control-sheet step's result.
func (v *formView) OutcomeID(s service.ControlStep) string {
	switch s.Outcome {
	case deadlines.Early:
		return "print.outcome.early"
	case deadlines.OnTime:
		return "print.outcome.on_time"
	case deadlines.Late:
		return "print.outcome.late"
	}
	if s.Open() {
		return "print.outcome.open"
	}
	return "print.outcome.none"
}

// OutcomeClass is the badge class of a step's result: colour beside the
// words.
func (v *formView) OutcomeClass(s service.ControlStep) string {
	switch s.Outcome {
	case deadlines.Early, deadlines.OnTime:
		return "ok"
	case deadlines.Late:
		return "bad"
	}
	return "info"
}

// Label is a control-sheet column's label for its cells on a phone:
// the Vietnamese, and the English in brackets on an English page.
func (v *formView) Label(id string) string {
	if g := v.Gloss(id); g != "" {
		return v.VI(id) + " (" + g + ")"
	}
	return v.VI(id)
}
