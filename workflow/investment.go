package workflow

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/motcua/motcua/errs"
	"github.com/motcua/motcua/models"
)

// InvestmentInput is the outcome of an investment-certificate decision: the
// project the approve event issues, adjusts or terminates (the variant's
// `investment` in the catalogue decides which). Capital is a plain decimal
// string in the currency's units, never a float: {"capital": "400000",
// "currency": "USD"} is 0,4 triệu USD; {"capital": "85000000000",
// "currency": "VND"} is 85 tỷ đồng.
//
//   - issue: project_code, name, foreign, capital and currency are
//     required; zone_id defaults to the dossier's zone and one of the two
//     must be set.
//   - adjust: project_code is required and must name a valid project of the
//     board; capital (with currency, which must be the project's) is the new
//     registered capital, unchanged when omitted; name, zone_id and foreign,
//     when given, update the project.
//   - terminate: only project_code is needed; other fields are ignored.
type InvestmentInput struct {
	ProjectCode string `json:"project_code"`
	Name        string `json:"name,omitempty"`
	ZoneID      *uint  `json:"zone_id,omitempty"`
	Foreign     *bool  `json:"foreign,omitempty"` // foreign-invested (FDI) when true, domestic (DDI) when false
	Capital     string `json:"capital,omitempty"`
	Currency    string `json:"currency,omitempty"` // USD or VND
}

// Limits of the investment input's text fields, as stored.
const (
	maxProjectCode = 64
	maxProjectName = 512
)

// investmentPlan is a validated investment outcome, ready to be written.
type investmentPlan struct {
	kind     models.InvestmentKind
	code     string
	name     string
	zoneID   *uint
	foreign  *bool
	capital  *int64 // nil: unchanged (adjust) or not needed (terminate)
	currency models.Currency
	project  *models.InvestmentProject // the project adjusted or terminated, locked
}

// InvestmentKind returns what approving dossier d does to its investment
// project, from its variant in the catalogue; "" when approving it records
// no investment outcome.
func (e *Engine) InvestmentKind(d *models.Dossier) models.InvestmentKind {
	p, err := e.cat.Procedure(d.Procedure)
	if err != nil {
		return ""
	}
	v, err := p.Version(d.CatalogueVersion)
	if err != nil {
		return ""
	}
	vr, err := v.Variant(d.Variant)
	if err != nil {
		return ""
	}
	return vr.Investment
}

// planInvestment checks the investment input of event on d, field by
// field: required when approving a variant with an investment outcome,
// refused anywhere else. It returns nil when the event records nothing.
func (e *Engine) planInvestment(d *models.Dossier, event Event, in *InvestmentInput) (*investmentPlan, error) {
	kind := models.InvestmentKind("")
	if event == EventApprove {
		kind = e.InvestmentKind(d)
	}
	switch {
	case kind == "" && in == nil:
		return nil, nil
	case kind == "":
		return nil, investmentInvalid("investment",
			"chỉ nhập thông tin dự án đầu tư khi phê duyệt hồ sơ cấp, điều chỉnh, chấm dứt Giấy chứng nhận đăng ký đầu tư",
			"investment data comes only with the approval of an investment-certificate dossier")
	case in == nil:
		return nil, investmentInvalid("investment",
			fmt.Sprintf("phê duyệt hồ sơ này cần thông tin dự án đầu tư (%s)", kindVI[kind]),
			fmt.Sprintf("approving this dossier needs the investment project's data (%s)", kind))
	}
	code, err := projectCode(in.ProjectCode)
	if err != nil {
		return nil, err
	}
	p := &investmentPlan{kind: kind, code: code}
	switch kind {
	case models.InvestmentIssue:
		err = p.issue(in, d.ZoneID)
	case models.InvestmentAdjust:
		err = p.adjust(in)
	}
	return p, err
}

// kindVI names the outcomes in Vietnamese.
var kindVI = map[models.InvestmentKind]string{models.InvestmentIssue: "cấp mới",
	models.InvestmentAdjust: "điều chỉnh", models.InvestmentTerminate: "chấm dứt hoạt động"}

// issue checks the fields a new project needs.
func (p *investmentPlan) issue(in *InvestmentInput, dossierZone *uint) error {
	var err error
	if p.name, err = projectName(in.Name, true); err != nil {
		return err
	}
	if p.zoneID, err = zoneOf(in.ZoneID, dossierZone); err != nil {
		return err
	}
	if in.Foreign == nil {
		return investmentInvalid("investment.foreign",
			"thiếu loại dự án: có vốn đầu tư nước ngoài (true) hay trong nước (false)",
			"foreign is required: true for a foreign-invested project (FDI), false for a domestic one (DDI)")
	}
	p.foreign = in.Foreign
	return p.parseCapital(in, true)
}

// adjust checks the fields an adjustment may change.
func (p *investmentPlan) adjust(in *InvestmentInput) error {
	var err error
	if p.name, err = projectName(in.Name, false); err != nil {
		return err
	}
	if in.ZoneID != nil {
		if p.zoneID, err = zoneOf(in.ZoneID, nil); err != nil {
			return err
		}
	}
	p.foreign = in.Foreign
	return p.parseCapital(in, false)
}

// projectCode checks the certificate's project number.
func projectCode(s string) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return "", investmentInvalid("investment.project_code", "thiếu mã số dự án (số Giấy chứng nhận đăng ký đầu tư)",
			"project_code (the certificate's project number) is required")
	case utf8.RuneCountInString(s) > maxProjectCode || strings.IndexFunc(s, unicode.IsControl) >= 0:
		return "", investmentInvalid("investment.project_code",
			fmt.Sprintf("mã số dự án không hợp lệ (tối đa %d ký tự, không có ký tự điều khiển)", maxProjectCode),
			fmt.Sprintf("project_code is invalid (at most %d characters, no control characters)", maxProjectCode))
	}
	return s, nil
}

// projectName checks the project's name, required for an issue.
func projectName(s string, required bool) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "" && required:
		return "", investmentInvalid("investment.name", "thiếu tên dự án", "name (the project's name) is required")
	case utf8.RuneCountInString(s) > maxProjectName:
		return "", investmentInvalid("investment.name", fmt.Sprintf("tên dự án dài quá %d ký tự", maxProjectName),
			fmt.Sprintf("name is longer than %d characters", maxProjectName))
	}
	return s, nil
}

// zoneOf is the zone given, else the dossier's; one of them is required.
func zoneOf(given, dossier *uint) (*uint, error) {
	switch {
	case given != nil && *given == 0:
		return nil, investmentInvalid("investment.zone_id", "khu công nghiệp không hợp lệ", "zone_id is invalid")
	case given != nil:
		return given, nil
	case dossier != nil:
		return dossier, nil
	}
	return nil, investmentInvalid("investment.zone_id", "thiếu khu công nghiệp của dự án",
		"zone_id (the project's industrial zone) is required when the dossier names none")
}

// parseCapital reads the registered capital and its currency, which go
// together; required for an issue.
func (p *investmentPlan) parseCapital(in *InvestmentInput, required bool) error {
	capital, currency := strings.TrimSpace(in.Capital), strings.TrimSpace(in.Currency)
	if capital == "" && currency == "" && !required {
		return nil
	}
	if capital == "" {
		return investmentInvalid("investment.capital", "thiếu vốn đầu tư đăng ký",
			`capital (the registered capital, a decimal string such as "400000") is required`)
	}
	cur, err := models.ParseCurrency(currency)
	if err != nil {
		return investmentInvalid("investment.currency", "đơn vị tiền tệ phải là USD hoặc VND",
			"currency must be USD or VND")
	}
	v, err := models.ParseAmount(capital, cur)
	if err != nil || v == 0 {
		return investmentInvalid("investment.capital",
			fmt.Sprintf("vốn đầu tư %q không hợp lệ: số dương, viết bằng chữ số, dấu chấm thập phân, tối đa %d chữ số thập phân với %s",
				in.Capital, cur.Decimals(), cur),
			fmt.Sprintf("capital %q is invalid: a positive plain decimal in %s units with at most %d decimals, e.g. \"400000\"",
				in.Capital, cur, cur.Decimals()))
	}
	p.capital, p.currency = &v, cur
	return nil
}

// investmentInvalid is a 400 naming an investment field.
func investmentInvalid(field, vi, en string) *errs.Error {
	return errs.New(errs.KindInvalid, "invalid_investment", field, vi, en)
}

// investmentRule is a 422 naming an investment field.
func investmentRule(code, field, vi, en string) *errs.Error {
	return errs.Rule(code, field, vi, en)
}

// summary is what the history row records of the outcome.
func (p *investmentPlan) summary() *InvestmentSummary {
	out := &InvestmentSummary{Kind: string(p.kind), ProjectCode: p.code}
	if p.capital != nil {
		out.Capital, out.Currency = models.FormatAmount(*p.capital, p.currency), string(p.currency)
	}
	return out
}

// checkInvestment checks the plan against the board's data, before
// anything is written: the zone is the board's; an issued code is new; an
// adjusted or terminated project exists, is valid, keeps its currency and
// has no later record. The project is locked until the transaction ends.
func (e *Engine) checkInvestment(ctx context.Context, tx *gorm.DB, d *models.Dossier, p *investmentPlan, at time.Time) error {
	if err := checkZone(ctx, tx, d.BoardID, p.zoneID); err != nil {
		return err
	}
	if p.kind == models.InvestmentIssue {
		return nil // InsertProject refuses an existing code atomically
	}
	prj, err := models.ProjectForUpdate(ctx, tx, d.BoardID, p.code)
	if errors.Is(err, models.ErrNotFound) {
		return investmentRule("investment_project_not_found", "investment.project_code",
			fmt.Sprintf("Ban không có dự án mã số %q", p.code), fmt.Sprintf("the board has no project %q", p.code))
	}
	if err != nil {
		return err
	}
	p.project = prj
	return p.checkProject(ctx, tx, at)
}

// checkZone checks that the zone, if any, is one of the board's.
func checkZone(ctx context.Context, tx *gorm.DB, board uint, zoneID *uint) error {
	if zoneID == nil {
		return nil
	}
	if z, err := models.GetZone(ctx, tx, *zoneID); err != nil || z.BoardID != board {
		return investmentInvalid("investment.zone_id", "khu công nghiệp không thuộc Ban", "zone_id is not a zone of the dossier's board")
	}
	return nil
}

// checkProject checks an existing project against an adjustment or a termination at at.
func (p *investmentPlan) checkProject(ctx context.Context, tx *gorm.DB, at time.Time) error {
	prj := p.project
	if prj.Status != models.ProjectValid {
		return investmentRule("investment_project_terminated", "investment.project_code",
			fmt.Sprintf("dự án %q đã chấm dứt hoạt động", p.code), fmt.Sprintf("project %q is terminated", p.code))
	}
	if p.capital != nil && p.currency != prj.Currency {
		return investmentRule("investment_currency_mismatch", "investment.currency",
			fmt.Sprintf("vốn của dự án %q được đăng ký bằng %s", p.code, prj.Currency),
			fmt.Sprintf("project %q registers its capital in %s", p.code, prj.Currency))
	}
	last, err := models.LastInvestmentRecord(ctx, tx, prj.ID)
	if err != nil && !errors.Is(err, models.ErrNotFound) {
		return err
	}
	if last != nil && at.Before(last.At) {
		return investmentRule("investment_out_of_order", "investment.project_code",
			fmt.Sprintf("dự án %q đã có quyết định sau thời điểm này (%s)", p.code, last.At.Format("02/01/2006 15:04")),
			fmt.Sprintf("project %q already has a decision after this instant (%s)", p.code, last.At.Format("02/01/2006 15:04")))
	}
	return nil
}

// writeInvestment writes the project and the dossier's record through tx,
// the transaction of the event.
func (e *Engine) writeInvestment(ctx context.Context, tx *gorm.DB, d *models.Dossier, p *investmentPlan, at time.Time) error {
	rec := &models.InvestmentRecord{BoardID: d.BoardID, DossierID: &d.ID, Kind: p.kind, At: at}
	var err error
	if p.kind == models.InvestmentIssue {
		_, err = p.insertProject(ctx, tx, d.BoardID, at, rec)
	} else {
		err = p.updateProject(ctx, tx, at, rec)
	}
	if err != nil {
		return err
	}
	return models.InsertInvestmentRecord(ctx, tx, rec)
}

// insertProject creates the issued project and fills in its record.
func (p *investmentPlan) insertProject(ctx context.Context, tx *gorm.DB, board uint, at time.Time,
	rec *models.InvestmentRecord) (*models.InvestmentProject, error) {
	prj := &models.InvestmentProject{BoardID: board, ZoneID: p.zoneID, Code: p.code, Name: p.name,
		ForeignInvested: *p.foreign, Capital: *p.capital, Currency: p.currency, Status: models.ProjectValid, IssuedAt: at}
	ok, err := models.InsertProject(ctx, tx, prj)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, investmentRule("investment_project_exists", "investment.project_code",
			fmt.Sprintf("Ban đã có dự án mã số %q", p.code), fmt.Sprintf("the board already has a project %q", p.code))
	}
	rec.ProjectID, rec.ForeignInvested, rec.CapitalAfter, rec.Currency = prj.ID, prj.ForeignInvested, prj.Capital, prj.Currency
	return prj, nil
}

// updateProject applies an adjustment or a termination to the locked
// project and fills in its record.
func (p *investmentPlan) updateProject(ctx context.Context, tx *gorm.DB, at time.Time, rec *models.InvestmentRecord) error {
	prj := p.project
	rec.ProjectID, rec.CapitalBefore, rec.Currency = prj.ID, prj.Capital, prj.Currency
	if p.kind == models.InvestmentTerminate {
		end := at
		prj.Status, prj.TerminatedAt = models.ProjectTerminated, &end
	} else {
		p.applyTo(prj)
	}
	rec.CapitalAfter, rec.ForeignInvested = prj.Capital, prj.ForeignInvested
	return models.SaveProject(ctx, tx, prj)
}

// applyTo changes the project as the adjustment says.
func (p *investmentPlan) applyTo(prj *models.InvestmentProject) {
	if p.name != "" {
		prj.Name = p.name
	}
	if p.zoneID != nil {
		prj.ZoneID = p.zoneID
	}
	if p.foreign != nil {
		prj.ForeignInvested = *p.foreign
	}
	if p.capital != nil {
		prj.Capital = *p.capital
	}
}

// prepareInvestment validates the investment input of event on d and
// checks it against the board's data; nil when the event records nothing.
func (e *Engine) prepareInvestment(ctx context.Context, tx *gorm.DB, d *models.Dossier, event Event,
	in *InvestmentInput, at time.Time) (*investmentPlan, error) {
	p, err := e.planInvestment(d, event, in)
	if err != nil || p == nil {
		return nil, err
	}
	if err := e.checkInvestment(ctx, tx, d, p, at); err != nil {
		return nil, fromStore(err, d.Code)
	}
	return p, nil
}
