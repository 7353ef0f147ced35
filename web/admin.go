package web

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/errs"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/service"
	"github.com/motcua/motcua/workflow"
)

// adminRoutes are the administrator's pages: the users, the industrial
// zones, the holiday calendar and the catalogue as loaded. A board's
// administrator manages their board, a deployment administrator (no
// board) every board; the service decides, the pages only offer.
func (w *app) adminRoutes(r *router) {
	only := signedIn(admin)
	r.get("/admin/users", w.adminUsers, only)
	r.get("/admin/users/new", w.adminNewUser, only)
	r.post("/admin/users", w.adminCreateUser, only)
	r.get("/admin/users/:id", w.adminUser, only)
	r.post("/admin/users/:id", w.adminUpdateUser, only)
	r.post("/admin/users/:id/unlock", w.adminUnlock, only)
	r.get("/admin/zones", w.adminZones, only)
	r.post("/admin/zones", w.adminCreateZone, only)
	r.get("/admin/holidays", w.adminHolidays, only)
	r.get("/admin/catalogue", w.adminCatalogue, only)
}

// adminDone are the confirmations a page shows after a form succeeded,
// by the "done" of the address it was sent to.
var adminDone = map[string]string{
	"created":     "admin.done.created",
	"invited":     "admin.done.invited",
	"saved":       "admin.done.saved",
	"deactivated": "admin.done.deactivated",
	"reactivated": "admin.done.reactivated",
	"unlocked":    "admin.done.unlocked",
	"zone":        "admin.done.zone",
}

// adminPage starts an administrator's page, with the confirmation its
// address names.
func (w *app) adminPage(c echo.Context, titleID string) *Page {
	p := w.page(c, titleID)
	if id, ok := adminDone[c.QueryParam("done")]; ok {
		p.Flash = p.T(id)
	}
	return p
}

// adminListMax is how many accounts the list shows; a search narrows it.
const adminListMax = 200

// usersData is the list of accounts and its filters.
type usersData struct {
	Users []service.AccountView
	// More is how many matching accounts are not shown.
	More int
	// Boards are the boards a deployment administrator filters by; nil for
	// a board's administrator.
	Boards []models.Board
	Roles  []workflow.Role
}

// adminUsers answers GET /admin/users[?role=&active=&q=&board=].
func (w *app) adminUsers(c echo.Context) error {
	p := w.adminPage(c, "admin.users.title")
	p.Form = newForm(c.QueryParams())
	d := &usersData{Roles: service.AssignableRoles(principalOf(c))}
	p.Data = d
	var err error
	if d.Boards, err = w.boardChoices(c); err != nil {
		return err
	}
	q, err := accountQuery(p.Form)
	if err == nil {
		d.Users, err = w.svc.Accounts(c.Request().Context(), principalOf(c), q)
	}
	if err != nil {
		return w.formError(c, p, "admin/users", err)
	}
	if len(d.Users) > adminListMax {
		d.More, d.Users = len(d.Users)-adminListMax, d.Users[:adminListMax]
	}
	return w.render(c, statusOK, "admin/users", p)
}

// accountQuery reads the list's filters.
func accountQuery(f *Form) (service.AccountQuery, error) {
	q := service.AccountQuery{Role: f.Value("role"), Text: f.Value("q")}
	switch f.Value("active") {
	case "":
	case "1", "0":
		active := f.Value("active") == "1"
		q.Active = &active
	default:
		return q, errs.Invalid("active", "trạng thái phải là đang hoạt động hoặc đã vô hiệu hóa", "the status must be active or deactivated")
	}
	board, err := optionalID(f.Value("board"), "board")
	q.BoardID = board
	return q, err
}

// optionalID parses an optional id field: nil when empty.
func optionalID(s, field string) (*uint, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	n, err := strconv.ParseUint(strings.TrimSpace(s), 10, 32)
	if err != nil || n == 0 {
		return nil, errs.Invalid(field, "mã số không hợp lệ", "not a valid id")
	}
	id := uint(n)
	return &id, nil
}

// boardChoices are the boards a deployment administrator picks from;
// nil for a board's administrator, who has only theirs.
func (w *app) boardChoices(c echo.Context) ([]models.Board, error) {
	pr := principalOf(c)
	if pr.BoardID() != 0 {
		return nil, nil
	}
	return w.svc.Boards(c.Request().Context(), pr)
}

// userData is the form of a new account, or the page of one.
type userData struct {
	Roles  []workflow.Role
	Boards []models.Board
	// Account is the account shown (nil on the new-account form).
	Account *service.AccountView
	// Self: the account is the administrator's own.
	Self bool
}

// adminNewUser answers GET /admin/users/new.
func (w *app) adminNewUser(c echo.Context) error {
	p := w.page(c, "admin.new.title")
	p.Form = newForm(url.Values{"role": {string(officer)}, "password_mode": {"set"}})
	boards, err := w.boardChoices(c)
	if err != nil {
		return err
	}
	p.Data = &userData{Roles: service.AssignableRoles(principalOf(c)), Boards: boards}
	return w.render(c, statusOK, "admin/new", p)
}

// adminCreateUser answers the new-account form: with the initial
// password the administrator sets, or, when they choose it, with a link
// emailed to the user that sets their own.
func (w *app) adminCreateUser(c echo.Context) error {
	p := w.page(c, "admin.new.title")
	v, err := formValues(c)
	if err != nil {
		return err
	}
	p.Form = newForm(v)
	boards, err := w.boardChoices(c)
	if err != nil {
		return err
	}
	p.Data = &userData{Roles: service.AssignableRoles(principalOf(c)), Boards: boards}
	u, done, err := w.createUser(c, v)
	if err != nil {
		p.Form.Values.Del("password")
		p.Form.Values.Del("password_confirm")
		return w.formError(c, p, "admin/new", err)
	}
	return redirect(c, fmt.Sprintf("/admin/users/%d?done=%s", u.ID, done))
}

// createUser makes the account the form describes; done names the
// confirmation to show.
func (w *app) createUser(c echo.Context, v url.Values) (*models.User, string, error) {
	in := service.UserInput{Username: v.Get("username"), FullName: v.Get("full_name"), Role: v.Get("role"),
		Department: v.Get("department"), Email: v.Get("email"), Password: v.Get("password")}
	board, err := optionalID(v.Get("board_id"), "board_id")
	if err != nil {
		return nil, "", err
	}
	in.BoardID = board
	ctx, pr := c.Request().Context(), principalOf(c)
	if v.Get("password_mode") == "email" {
		u, err := w.svc.InviteUser(ctx, pr, in)
		return u, "invited", err
	}
	if v.Get("password") != v.Get("password_confirm") {
		return nil, "", errs.Invalid("password_confirm", "mật khẩu nhập lại không khớp", "the passwords do not match")
	}
	u, err := w.svc.CreateUser(ctx, pr, in)
	return u, "created", err
}

// account loads the account of the address's id, in the administrator's
// scope (another is not found).
func (w *app) account(c echo.Context) (*service.AccountView, error) {
	id, err := strconv.ParseUint(c.Param("id"), 10, 32)
	if err != nil {
		return nil, errs.NotFound("id", "không tìm thấy người dùng", "user not found")
	}
	return w.svc.Account(c.Request().Context(), principalOf(c), uint(id))
}

// userPage is the page of an account, its form filled from it.
func (w *app) userPage(c echo.Context, a *service.AccountView) *Page {
	p := w.adminPage(c, "")
	p.Title = a.User.FullName
	if p.Title == "" {
		p.Title = a.User.Username
	}
	p.Form = newForm(url.Values{"full_name": {a.User.FullName}, "email": {a.User.Email},
		"department": {a.User.Department}, "role": {a.User.Role}})
	p.Data = &userData{Roles: service.AssignableRoles(principalOf(c)), Account: a, Self: a.User.ID == principalOf(c).UserID()}
	return p
}

// adminUser answers GET /admin/users/:id.
func (w *app) adminUser(c echo.Context) error {
	a, err := w.account(c)
	if err != nil {
		return err
	}
	return w.render(c, statusOK, "admin/user", w.userPage(c, a))
}

// adminUpdateUser answers the forms of an account's page: its details
// (name, email, department, role), or deactivating or reactivating it.
func (w *app) adminUpdateUser(c echo.Context) error {
	a, err := w.account(c)
	if err != nil {
		return err
	}
	v, err := formValues(c)
	if err != nil {
		return err
	}
	p := w.userPage(c, a)
	patch, done := userPatch(v)
	if done == "saved" {
		p.Form = newForm(v)
	}
	if _, err := w.svc.UpdateUser(c.Request().Context(), principalOf(c), a.User.ID, patch); err != nil {
		return w.formError(c, p, "admin/user", err)
	}
	return redirect(c, fmt.Sprintf("/admin/users/%d?done=%s", a.User.ID, done))
}

// userPatch is the change a form of the account's page asks for, and the
// confirmation to show.
func userPatch(v url.Values) (service.UserPatch, string) {
	switch v.Get("action") {
	case "deactivate":
		active := false
		return service.UserPatch{Active: &active}, "deactivated"
	case "reactivate":
		active := true
		return service.UserPatch{Active: &active}, "reactivated"
	}
	text := func(name string) *string {
		s := v.Get(name)
		return &s
	}
	patch := service.UserPatch{FullName: text("full_name"), Email: text("email"), Department: text("department")}
	if v.Get("role") != "" {
		patch.Role = text("role")
	}
	return patch, "saved"
}

// adminUnlock answers POST /admin/users/:id/unlock: the sign-in lock is
// lifted.
func (w *app) adminUnlock(c echo.Context) error {
	a, err := w.account(c)
	if err != nil {
		return err
	}
	if _, err := w.svc.UnlockAccount(c.Request().Context(), principalOf(c), a.User.ID); err != nil {
		return err
	}
	return redirect(c, fmt.Sprintf("/admin/users/%d?done=unlocked", a.User.ID))
}

// zonesData is a board's industrial zones.
type zonesData struct {
	// Boards are the boards a deployment administrator picks from.
	Boards []models.Board
	// Board is the board shown, nil when there is none yet.
	Board *models.Board
	Zones []models.Zone
}

// adminZones answers GET /admin/zones[?board=]: a board's administrator
// sees their board's zones; a deployment administrator picks the board.
func (w *app) adminZones(c echo.Context) error {
	p := w.adminPage(c, "admin.zones.title")
	d, err := w.zones(c, c.QueryParam("board"))
	if err != nil {
		return err
	}
	p.Form = newForm(nil)
	p.Data = d
	return w.render(c, statusOK, "admin/zones", p)
}

// adminCreateZone answers POST /admin/zones: a zone added to a board.
func (w *app) adminCreateZone(c echo.Context) error {
	p := w.page(c, "admin.zones.title")
	v, err := formValues(c)
	if err != nil {
		return err
	}
	d, err := w.zones(c, v.Get("board_id"))
	if err != nil {
		return err
	}
	if d.Board == nil {
		return errs.NotFound("board_id", "không tìm thấy ban quản lý", "board not found")
	}
	p.Form = newForm(v)
	p.Data = d
	if _, err := w.svc.CreateZone(c.Request().Context(), principalOf(c), d.Board.ID, v.Get("name")); err != nil {
		return w.formError(c, p, "admin/zones", err)
	}
	return redirect(c, fmt.Sprintf("/admin/zones?board=%d&done=zone", d.Board.ID))
}

// zones loads the zones of the board named (a board's administrator's own
// when none is, else the first board).
func (w *app) zones(c echo.Context, board string) (*zonesData, error) {
	ctx, pr := c.Request().Context(), principalOf(c)
	boards, err := w.svc.Boards(ctx, pr)
	if err != nil {
		return nil, err
	}
	d := &zonesData{}
	if pr.BoardID() == 0 {
		d.Boards = boards
	}
	id, err := optionalID(board, "board")
	if err != nil {
		return nil, errs.NotFound("board", "không tìm thấy ban quản lý", "board not found")
	}
	switch {
	case id != nil:
	case pr.BoardID() != 0:
		own := pr.BoardID()
		id = &own
	case len(boards) > 0:
		id = &boards[0].ID
	default:
		return d, nil
	}
	if d.Zones, err = w.svc.Zones(ctx, pr, *id); err != nil {
		return nil, err
	}
	for i := range boards {
		if boards[i].ID == *id {
			d.Board = &boards[i]
		}
	}
	return d, nil
}

// holidaysData is a year's holiday calendar.
type holidaysData struct {
	// Calendar is nil when the year asked for is refused.
	Calendar   *service.HolidayCalendar
	Days       []holidayRow
	Prev, Next int
}

// holidayRow is one day of the calendar as the page shows it.
type holidayRow struct {
	service.CalendarDay
	Weekday string
}

// adminHolidays answers GET /admin/holidays[?year=]: the year's days off
// and the Saturdays worked in exchange (this year's by default).
func (w *app) adminHolidays(c echo.Context) error {
	p := w.page(c, "admin.holidays.title")
	p.Form = newForm(c.QueryParams())
	d := &holidaysData{}
	p.Data = d
	year := w.svc.Now().In(deadlines.Location).Year()
	if s := strings.TrimSpace(p.Form.Value("year")); s != "" {
		y, err := strconv.Atoi(s)
		if err != nil {
			return w.formError(c, p, "admin/holidays", errs.Invalid("year", "năm phải là một số, ví dụ 2026",
				"the year must be a number such as 2026"))
		}
		year = y
	}
	p.Form.Values.Set("year", strconv.Itoa(year))
	cal, err := w.svc.HolidayCalendar(year)
	if err != nil {
		return w.formError(c, p, "admin/holidays", err)
	}
	d.Calendar, d.Prev, d.Next = cal, year-1, year+1
	for _, day := range cal.Days {
		d.Days = append(d.Days, holidayRow{CalendarDay: day, Weekday: p.T(fmt.Sprintf("admin.weekday.%d", day.Date.Weekday()))})
	}
	p.Title = p.T("admin.holidays.heading", "Year", year)
	return w.render(c, statusOK, "admin/holidays", p)
}

// catalogueData is the catalogue as loaded, laid out for the page.
type catalogueData struct {
	Verify         []figureGroup
	Standards      []figureGroup
	VerifyCount    int
	StandardsCount int
	Procedures     []procedureRows
	OneStop        *workflow.OneStop
	Versions       int
}

// figureGroup is the figures of one procedure (or of the one-stop rules)
// in a list to confirm.
type figureGroup struct {
	Where  string
	Anchor string
	Rows   []figureRow
}

// figureRow is one figure of the lists to confirm.
type figureRow struct {
	Versions string
	What     string
	Value    string
	Basis    workflow.Basis
}

// procedureRows is one procedure and its versions.
type procedureRows struct {
	Procedure *workflow.Procedure
	Versions  []versionRows
}

// versionRows is one version with its rules in words.
type versionRows struct {
	service.CatalogueVersion
	// LastDay is the version's last day in force ("" when open-ended):
	// effective_until is exclusive.
	LastDay    string
	Supplement string
	Extension  string
	Fee        string
	StepRows   []stepRow
}

// stepRow is a timed step of a version: its deadline in words and the
// event fired when it passes.
type stepRow struct {
	State  workflow.StateDef
	Value  string
	Expiry string
}

// adminCatalogue answers GET /admin/catalogue: every procedure, every
// version with its dates, citations, variants, step deadlines, rules and
// fees, and first the figures still to verify and the service standards.
func (w *app) adminCatalogue(c echo.Context) error {
	p := w.page(c, "admin.catalogue.title")
	view, err := w.svc.CatalogueAsLoaded(principalOf(c))
	if err != nil {
		return err
	}
	d := &catalogueData{OneStop: view.OneStop, Verify: figureGroups(p, view.Verify), Standards: figureGroups(p, view.ServiceStandards),
		VerifyCount: len(view.Verify), StandardsCount: len(view.ServiceStandards)}
	for _, cp := range view.Procedures {
		pr := procedureRows{Procedure: cp.Procedure}
		for _, cv := range cp.Versions {
			pr.Versions = append(pr.Versions, versionRowsOf(p, cv))
		}
		d.Versions += len(cp.Versions)
		d.Procedures = append(d.Procedures, pr)
	}
	p.Data = d
	return w.render(c, statusOK, "admin/catalogue", p)
}

// versionRowsOf is a version with its rules written out.
func versionRowsOf(p *Page, cv service.CatalogueVersion) versionRows {
	v := cv.Version
	r := versionRows{CatalogueVersion: cv}
	if v.EffectiveUntil != nil {
		r.LastDay = formatDate(v.EffectiveUntil.AddDate(0, 0, -1))
	}
	if v.Supplement != nil {
		r.Supplement = supplementText(p, v.Supplement)
	}
	if v.Extension != nil {
		r.Extension = extensionText(p, v.Extension)
	}
	if v.Fee != nil {
		r.Fee = feeText(p, v.Fee)
	}
	for _, st := range cv.Steps {
		row := stepRow{State: st, Value: p.T("admin.catalogue.step_days", "Count", *st.StepDays)}
		if st.StepUnit != "" {
			row.Value = p.Period(deadlines.Period{Days: *st.StepDays, Unit: st.StepUnit})
		}
		if x := st.OnStepExpiry; x != nil {
			name := string(x.Event)
			if ev, ok := v.Event(x.Event); ok {
				name = p.Text(ev.Name)
			}
			row.Expiry = p.T("admin.catalogue.expiry_value", "Event", name)
		}
		r.StepRows = append(r.StepRows, row)
	}
	return r
}

// figureGroups writes the figures out in the page's language, grouped
// by procedure (the service lists them procedure by procedure).
func figureGroups(p *Page, figs []service.Figure) []figureGroup {
	var out []figureGroup
	for _, f := range figs {
		where, anchor := p.T("admin.catalogue.onestop"), "onestop"
		if f.Procedure != nil {
			where, anchor = p.Text(f.Procedure.Name), "p-"+f.Procedure.Code
		}
		if len(out) == 0 || out[len(out)-1].Anchor != anchor {
			out = append(out, figureGroup{Where: where, Anchor: anchor})
		}
		r := figureRow{Versions: strings.Join(f.Versions, ", "), What: p.T("admin.figure." + f.Kind), Value: figureValue(p, f),
			Basis: f.Basis}
		if name := p.Text(f.Name); name != "" {
			r.What += ": " + name
		}
		g := &out[len(out)-1]
		g.Rows = append(g.Rows, r)
	}
	return out
}

// figureValue is a figure in words.
func figureValue(p *Page, f service.Figure) string {
	switch {
	case f.Period != nil && f.Period.Unit == "":
		return p.T("admin.catalogue.step_days", "Count", f.Period.Days)
	case f.Period != nil:
		return p.Period(*f.Period)
	case f.Supplement != nil:
		return supplementText(p, f.Supplement)
	case f.Extension != nil:
		return extensionText(p, f.Extension)
	case f.Fee != nil:
		return feeText(p, f.Fee)
	case f.Kind == service.FigureExpiry:
		return p.T("admin.catalogue.expiry_value", "Event", p.Text(f.Event))
	case f.Kind == service.FigureIntake:
		return p.T("admin.catalogue.hours", "Count", f.Hours)
	}
	if f.Value == "" {
		return "—"
	}
	return f.Value
}

// supplementText is a supplementation rule in words.
func supplementText(p *Page, s *workflow.Supplement) string {
	t := p.T("admin.supplement."+string(s.Rule)) + "; " + p.T("admin.supplement.max", "Count", s.MaxRequests)
	if s.ApplicantPeriod != nil {
		t += "; " + p.T("admin.supplement.applicant", "Period", p.Period(*s.ApplicantPeriod))
	}
	return t
}

// extensionText is an extension rule in words.
func extensionText(p *Page, x *workflow.Extension) string {
	t := p.T("admin.extension.max", "Count", x.Max)
	switch {
	case x.Limit != nil:
		t += "; " + p.T("admin.extension.limit", "Period", p.Period(*x.Limit))
	case x.LimitOriginal:
		t += "; " + p.T("admin.extension.limit_original")
	}
	return t + "; " + p.T("admin.extension.lead", "Count", x.ApologyLeadDays)
}

// feeText is a fee in words, with its amount where a text fixes one.
func feeText(p *Page, f *workflow.Fee) string {
	t := p.Text(f.Text)
	if f.Amount != nil {
		t += " (" + p.T("admin.fee.amount", "Amount", p.Num(*f.Amount)) + ")"
	}
	return t
}
