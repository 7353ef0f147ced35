package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/errs"
	"github.com/motcua/motcua/service"
	"github.com/motcua/motcua/workflow"
)

// publicRoutes are the pages anyone may open: the front page, the
// procedure catalogue and tracking by code and PIN.
func (w *app) publicRoutes(r *router) {
	r.get("/", w.home)
	r.get("/procedures", w.catalogue)
	r.get("/procedures/:code", w.procedure)
	r.get("/track", w.trackPage)
	r.post("/track", w.trackPost)
}

// procedureCard is one procedure of the catalogue as its pages show it.
type procedureCard struct {
	Procedure *workflow.Procedure
	Version   *workflow.Version
	Variants  []variantCard
}

// variantCard is one variant: its period and the documents it asks for.
type variantCard struct {
	Variant   workflow.Variant
	Documents []workflow.Document
}

// cards are the procedures in force today, with their variants' documents.
func (w *app) cards() []procedureCard {
	views := w.svc.Procedures(w.svc.Now())
	out := make([]procedureCard, 0, len(views))
	for _, v := range views {
		out = append(out, cardOf(v))
	}
	return out
}

// cardOf is a procedure view with each variant's documents.
func cardOf(v service.ProcedureView) procedureCard {
	c := procedureCard{Procedure: v.Procedure, Version: v.Version}
	for _, vr := range v.Version.Variants {
		c.Variants = append(c.Variants, variantCard{Variant: vr, Documents: v.Version.DocumentsFor(vr.Code)})
	}
	return c
}

// catalogue answers GET /procedures: every procedure in force, its
// variants with their periods, documents, fees and legal basis (a
// Decision 766 transparency indicator).
func (w *app) catalogue(c echo.Context) error {
	p := w.page(c, "catalogue.title")
	p.Data = w.cards()
	return w.render(c, statusOK, "public/catalogue", p)
}

// procedure answers GET /procedures/:code.
func (w *app) procedure(c echo.Context) error {
	for _, card := range w.cards() {
		if card.Procedure.Code == c.Param("code") {
			p := w.page(c, "")
			p.Title = p.Text(card.Procedure.Name)
			p.Data = card
			return w.render(c, statusOK, "public/procedure", p)
		}
	}
	return errs.NotFound("code", "không có thủ tục này", "there is no such procedure")
}

// periodText is a period in words: "15 ngày làm việc" / "15 working days".
func (p *Page) Period(per deadlines.Period) string {
	if per.Unit == deadlines.CalendarDays {
		return p.T("period.calendar_days", "Count", per.Days)
	}
	return p.T("period.working_days", "Count", per.Days)
}

// trackData is the tracking page: the form and, once found, the dossier.
type trackData struct {
	Result *service.TrackingView
}

// trackPage answers GET /track. The receipt's QR code opens it with the
// code and PIN in its query: the dossier is then looked up at once.
func (w *app) trackPage(c echo.Context) error {
	p := w.page(c, "track.title")
	p.Form = newForm(c.QueryParams())
	if c.QueryParam("code") == "" || c.QueryParam("pin") == "" {
		p.Data = trackData{}
		return w.render(c, statusOK, "public/track", p)
	}
	return w.track(c, p)
}

// trackPost answers the tracking form.
func (w *app) trackPost(c echo.Context) error {
	p := w.page(c, "track.title")
	v, err := formValues(c)
	if err != nil {
		return err
	}
	p.Form = newForm(v)
	return w.track(c, p)
}

// track looks the dossier up (throttled per code and per address) and
// shows it, or the refusal on the form.
func (w *app) track(c echo.Context, p *Page) error {
	p.Data = trackData{}
	res, err := w.svc.Track(c.Request().Context(), p.Form.Value("code"), p.Form.Value("pin"), c.RealIP())
	if err != nil {
		return w.formError(c, p, "public/track", err, errs.KindNotFound)
	}
	p.Data = trackData{Result: res}
	return w.render(c, http.StatusOK, "public/track", p)
}

// dueBadge is the state of an appointment as a badge: its class and words.
type dueBadge struct {
	Class string
	Text  string
}

// badgeClasses are the colours of the urgencies; the words always go with them.
var badgeClasses = map[service.Urgency]string{
	service.UrgencyOnTrack: "ok", service.UrgencyDueSoon: "warn", service.UrgencyOverdue: "bad", service.UrgencyPaused: "info",
}

// Due is the badge of an urgency (see service.Urgency), nil for none.
func (p *Page) Due(u service.Urgency) *dueBadge {
	if u == service.UrgencyNone {
		return nil
	}
	return &dueBadge{Class: badgeClasses[u], Text: p.T("due." + string(u))}
}
