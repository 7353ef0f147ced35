package web

import (
	"crypto/rand"
	"encoding/hex"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/motcua/motcua/errs"
	"github.com/motcua/motcua/service"
)

// wizardData is the new-dossier wizard: board, then procedure, then
// variant, then the form with one upload slot per document and the
// appointment it would get.
type wizardData struct {
	Step      int
	Boards    []service.PublicBoard
	Board     *service.PublicBoard
	Cards     []procedureCard
	Card      *procedureCard
	Variant   *variantCard
	Preview   *service.DuePreview
	Key       string
	ChoiceErr string
}

// wizard answers GET /dossiers/new: each step is a plain GET form, so it
// works without JavaScript and the browser's back button goes a step back.
func (w *app) wizard(c echo.Context) error {
	p := w.page(c, "wizard.title")
	q := c.QueryParams()
	p.Form = newForm(q)
	d, err := w.wizardStep(c, q)
	if err != nil {
		return err
	}
	if d.Step == 4 {
		p.Form.Values.Set("applicant_name", p.User.User.FullName)
		p.Form.Values.Set("applicant_email", p.User.User.Email)
	}
	p.Data = d
	return w.render(c, statusOK, "dossiers/new", p)
}

// wizardStep finds how far the query has come: the board, procedure and
// variant chosen so far, each checked against what exists.
func (w *app) wizardStep(c echo.Context, q url.Values) (*wizardData, error) {
	boards, err := w.svc.PublicBoards(c.Request().Context())
	if err != nil {
		return nil, err
	}
	d := &wizardData{Step: 1, Boards: boards, Cards: w.cards()}
	lang := langOf(c)
	if d.Board = findBoard(boards, q.Get("board")); d.Board == nil {
		if q.Get("board") != "" {
			d.ChoiceErr = w.i18n.T(lang, "wizard.no_board")
		}
		return d, nil
	}
	d.Step = 2
	if d.Card = findCard(d.Cards, q.Get("procedure")); d.Card == nil {
		if q.Get("procedure") != "" {
			d.ChoiceErr = w.i18n.T(lang, "wizard.no_procedure")
		}
		return d, nil
	}
	d.Step = 3
	if d.Variant = findVariant(d.Card, q.Get("variant")); d.Variant == nil {
		if q.Get("variant") != "" {
			d.ChoiceErr = w.i18n.T(lang, "wizard.no_variant")
		}
		return d, nil
	}
	d.Step = 4
	if d.Preview, err = w.svc.PreviewDue(d.Card.Procedure.Code, d.Variant.Variant.Code, w.svc.Now()); err != nil {
		return nil, err
	}
	d.Key = q.Get("idempotency_key")
	if d.Key == "" {
		d.Key = newKey()
	}
	return d, nil
}

// findBoard, findCard and findVariant look a choice up by its code.
func findBoard(boards []service.PublicBoard, code string) *service.PublicBoard {
	for i := range boards {
		if code != "" && boards[i].Board.Code == code {
			return &boards[i]
		}
	}
	return nil
}

func findCard(cards []procedureCard, code string) *procedureCard {
	for i := range cards {
		if code != "" && cards[i].Procedure.Code == code {
			return &cards[i]
		}
	}
	return nil
}

func findVariant(card *procedureCard, code string) *variantCard {
	for i := range card.Variants {
		if code != "" && card.Variants[i].Variant.Code == code {
			return &card.Variants[i]
		}
	}
	return nil
}

// newKey is a fresh idempotency key for a form: sending the form twice
// (a double click, a reload) files one dossier.
func newKey() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// fileDossier answers the wizard's last step: the dossier and its files
// are filed together, or nothing is.
func (w *app) fileDossier(c echo.Context) error {
	v, err := formValues(c)
	if err != nil {
		return err
	}
	files, err := uploadedFiles(c)
	defer closeAll(files)
	if err == nil {
		var view *service.DossierView
		view, _, err = w.svc.SubmitWithFiles(c.Request().Context(), principalOf(c), submitRequest(v, ""),
			v.Get("idempotency_key"), files)
		if err == nil {
			return redirect(c, "/dossiers/"+url.PathEscape(view.Code)+"?filed=1")
		}
	}
	p := w.page(c, "wizard.title")
	p.Form = newForm(v)
	d, derr := w.wizardStep(c, v)
	if derr != nil {
		return derr
	}
	if d.Step < 4 {
		return errs.Invalid("variant", "hãy chọn Ban, thủ tục và trường hợp", "choose the board, the procedure and the case")
	}
	p.Data = d
	return w.formError(c, p, "dossiers/new", err)
}

// submitRequest reads a new dossier's fields; channel is "" online.
func submitRequest(v url.Values, channel string) service.SubmitRequest {
	r := service.SubmitRequest{Board: v.Get("board"), Procedure: v.Get("procedure"), Variant: v.Get("variant"),
		Channel: channel, Title: v.Get("title"), ApplicantName: v.Get("applicant_name"),
		ApplicantTaxCode: v.Get("applicant_tax_code"), ApplicantEmail: v.Get("applicant_email"),
		ApplicantPhone: v.Get("applicant_phone")}
	if z := parseID(v.Get("zone_id")); z != 0 {
		r.ZoneID = &z
	}
	return r
}
