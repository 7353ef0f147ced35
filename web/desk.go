package web

import (
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/motcua/motcua/errs"
	"github.com/motcua/motcua/service"
	"github.com/motcua/motcua/workflow"
)

// deskRoutes are the officer's inboxes, search and filing at the desk,
// and the leader's decisions queue.
func (w *app) deskRoutes(r *router) {
	r.get("/desk", w.inbox(service.QueueWork, "desk.title"), signedIn(officer))
	r.get("/desk/intake", w.inbox(service.QueueIntake, "intake.title"), signedIn(officer))
	r.get("/decisions", w.inbox(service.QueueDecisions, "decisions.title"), signedIn(leader))
	r.get("/desk/search", w.search, signedIn(officer, leader, manager))
	r.get("/desk/file", w.walkIn, signedIn(officer))
	r.post("/desk/file", w.fileWalkIn, signedIn(officer))
}

// queueData is an inbox page: its queue, the filter, the page of dossiers
// and the catalogue's states and procedures for the filter's choices.
type queueData struct {
	Queue      service.Queue
	Path       string
	Page       *service.DossierPage
	States     []stateChoice
	Procedures []service.ProcedureView
}

// stateChoice is a state the filter offers.
type stateChoice struct {
	Code string
	Name workflow.Text
}

// inbox answers a queue's page, filtered by state, procedure and text.
func (w *app) inbox(q service.Queue, titleID string) handler {
	return func(c echo.Context) error {
		p := w.page(c, titleID)
		qp := c.QueryParams()
		p.Form = newForm(qp)
		f := service.InboxFilter{Procedure: qp.Get("procedure"), Text: qp.Get("q")}
		if st := qp.Get("state"); st != "" {
			f.States = []string{st}
		}
		page, err := w.svc.FilteredInbox(c.Request().Context(), p.User, q, f, qp.Get("after"), service.MaxPageSize)
		data := &queueData{Queue: q, Path: c.Request().URL.Path, States: w.states(), Procedures: w.svc.Procedures(w.svc.Now())}
		p.Data = data
		if err != nil {
			data.Page = &service.DossierPage{}
			return w.formError(c, p, "desk/queue", err)
		}
		data.Page = page
		return w.render(c, statusOK, "desk/queue", p)
	}
}

// states are the core states of the catalogue, for the state filter.
func (w *app) states() []stateChoice {
	cat := w.svc.Engine().Catalogue()
	var out []stateChoice
	seen := map[workflow.State]bool{}
	for _, code := range cat.Order {
		for _, v := range cat.Procedures[code].Versions {
			for _, st := range v.States {
				if !seen[st.Code] {
					seen[st.Code] = true
					out = append(out, stateChoice{Code: string(st.Code), Name: st.Name})
				}
			}
		}
	}
	return out
}

// search answers GET /desk/search: the board's dossiers by text, state,
// procedure and overdue, newest first or by appointment.
func (w *app) search(c echo.Context) error {
	p := w.page(c, "search.title")
	qp := c.QueryParams()
	p.Form = newForm(qp)
	q := service.SearchQuery{Procedure: qp.Get("procedure"), Text: qp.Get("q"), Overdue: qp.Get("overdue") == "1",
		Sort: qp.Get("sort"), Cursor: qp.Get("after")}
	if st := qp.Get("state"); st != "" {
		q.States = []string{st}
	}
	data := &queueData{Path: "/desk/search", States: w.states(), Procedures: w.svc.Procedures(w.svc.Now())}
	p.Data = data
	page, err := w.svc.Search(c.Request().Context(), p.User, q)
	if err != nil {
		data.Page = &service.DossierPage{}
		return w.formError(c, p, "desk/search", err)
	}
	data.Page = page
	return w.render(c, statusOK, "desk/search", p)
}

// walkInData is the desk's filing form: the procedures and their
// variants, the board's zones, the chosen variant's documents and the
// appointment a receipt now would give.
type walkInData struct {
	Cards   []procedureCard
	Card    *procedureCard
	Variant *variantCard
	Board   *service.PublicBoard
	Preview *service.DuePreview
	Key     string
}

// walkIn answers GET /desk/file: the officer files a walk-in or postal
// applicant's dossier, noting each paper received or scanning it.
func (w *app) walkIn(c echo.Context) error {
	p := w.page(c, "walkin.title")
	p.Form = newForm(c.QueryParams())
	p.Form.Values.Set("receive_now", "1") // the usual case: the applicant waits for form 01
	d, err := w.walkInData(c, p.Form.Values)
	if err != nil {
		return err
	}
	p.Data = d
	return w.render(c, statusOK, "desk/file", p)
}

// walkInData resolves the procedure and variant chosen so far.
func (w *app) walkInData(c echo.Context, v url.Values) (*walkInData, error) {
	d := &walkInData{Cards: w.cards(), Key: v.Get("idempotency_key")}
	if d.Key == "" {
		d.Key = newKey()
	}
	boards, err := w.svc.PublicBoards(c.Request().Context())
	if err != nil {
		return nil, err
	}
	for i := range boards {
		if boards[i].Board.ID == principalOf(c).BoardID() {
			d.Board = &boards[i]
		}
	}
	if d.Card = findCard(d.Cards, v.Get("procedure")); d.Card == nil {
		return d, nil
	}
	if d.Variant = findVariant(d.Card, v.Get("variant")); d.Variant == nil {
		return d, nil
	}
	d.Preview, err = w.svc.PreviewDue(d.Card.Procedure.Code, d.Variant.Variant.Code, w.svc.Now())
	return d, err
}

// fileWalkIn files the dossier at the desk (channel direct or postal),
// with the scans sent and the papers noted; with "receive now" the
// officer then receives it, which issues form 01 to print for the
// applicant. A refused receipt leaves the dossier filed, awaiting its
// intake check, and says why.
func (w *app) fileWalkIn(c echo.Context) error {
	v, err := formValues(c)
	if err != nil {
		return err
	}
	pr := principalOf(c)
	files, err := uploadedFiles(c)
	defer closeAll(files)
	if err == nil {
		files = append(files, paperNoted(v, files)...)
		req := submitRequest(v, v.Get("channel"))
		req.Board = ""
		var view *service.DossierView
		view, _, err = w.svc.SubmitWithFiles(c.Request().Context(), pr, req, v.Get("idempotency_key"), files)
		if err == nil {
			return w.receiveNow(c, pr, view, v.Get("receive_now") == "1")
		}
	}
	p := w.page(c, "walkin.title")
	p.Form = newForm(v)
	d, derr := w.walkInData(c, v)
	if derr != nil {
		return derr
	}
	p.Data = d
	return w.formError(c, p, "desk/file", err)
}

// paperNoted are the documents ticked "received on paper" that came
// without a scan.
func paperNoted(v url.Values, scans []service.FileInput) []service.FileInput {
	var out []service.FileInput
	for _, code := range v["paper"] {
		scanned := false
		for _, f := range scans {
			scanned = scanned || f.DocumentCode == code
		}
		if !scanned {
			out = append(out, service.FileInput{DocumentCode: code})
		}
	}
	return out
}

// receiveNow receives a dossier just filed at the desk and opens its
// receipt to print, or shows the dossier with why it could not be.
func (w *app) receiveNow(c echo.Context, pr *service.Principal, view *service.DossierView, now bool) error {
	to := "/dossiers/" + url.PathEscape(view.Code)
	if !now {
		return redirect(c, to+"?filed=1")
	}
	_, _, err := w.svc.Fire(c.Request().Context(), pr, view.Code, service.EventRequest{Event: string(workflow.EventReceive),
		Version: view.Version})
	if de, ok := errs.As(err); ok && correctable(de.Kind) {
		return w.refusedAction(c, view.Code, string(workflow.EventReceive), url.Values{}, err)
	}
	if err != nil {
		return err
	}
	return redirect(c, to+"/forms/receipt")
}
