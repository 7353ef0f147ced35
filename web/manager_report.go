package web

import (
	"bytes"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/motcua/motcua/errs"
	"github.com/motcua/motcua/reports"
	"github.com/motcua/motcua/service"
	"github.com/motcua/motcua/workflow"
)

// The kinds of period the report's picker offers.
const (
	periodQuarter = "quarter"
	periodHalf    = "half"
	periodYear    = "year"
	periodCustom  = "custom"
)

// periodFields are the picker's fields, in the order of the form.
var periodFields = []string{"kind", "year", "quarter", "half", "from", "to"}

// reportData is what the report page shows: the picker, and once the
// period is valid, Biểu 06 with its sentence, the Decision 766
// indicators and the investment statistics.
type reportData struct {
	Export     *reports.Export
	Lines      []reportLine
	Sentence   workflow.Text
	Investment *service.InvestmentReport
	// Query is the period's query string, for the download links.
	Query string
}

// reportLine is one line of Biểu 06 as the form prints it: a field with
// its subtotal (numbered I, II…), a procedure (1, 2… within its field) or
// the total.
type reportLine struct {
	Kind string // "group", "procedure" or "total"
	STT  string
	Name workflow.Text
	Row  reports.Row
}

// reportPage answers GET /reports[?kind=&year=&quarter=&half=&from=&to=]:
// the period picker and the report of the period picked (the current
// quarter at first). A period that cannot be read shows on the form, with
// the field at fault.
func (w *app) reportPage(c echo.Context) error {
	p := w.page(c, "manager.report.title")
	p.Form = newForm(w.periodValues(c))
	p.Data = reportData{}
	req, err := periodRequest(p.Form)
	if err != nil {
		return w.formError(c, p, "manager/reports", err)
	}
	ctx, who := c.Request().Context(), principalOf(c)
	e, _, err := w.svc.ReformReport(ctx, who, req)
	if err != nil {
		return w.formError(c, p, "manager/reports", periodFieldError(p.Form, err))
	}
	inv, err := w.svc.InvestmentReport(ctx, who, req)
	if err != nil {
		return w.formError(c, p, "manager/reports", periodFieldError(p.Form, err))
	}
	p.Data = reportData{Export: e, Lines: reportLines(e.Report), Sentence: e.Sentence(), Investment: inv,
		Query: periodQuery(p.Form)}
	return w.render(c, statusOK, "manager/reports", p)
}

// reportDownload answers GET /reports/reform.xlsx and /reports/reform.csv
// with the period's query: Biểu 06 as a file to save.
func (w *app) reportDownload(c echo.Context) error {
	p := w.page(c, "manager.report.title")
	p.Form = newForm(w.periodValues(c))
	p.Data = reportData{}
	req, err := periodRequest(p.Form)
	if err != nil {
		return w.formError(c, p, "manager/reports", err)
	}
	req.Format = strings.TrimPrefix(c.Request().URL.Path[strings.LastIndex(c.Request().URL.Path, "."):], ".")
	e, format, err := w.svc.ReformReport(c.Request().Context(), principalOf(c), req)
	if err != nil {
		return w.formError(c, p, "manager/reports", periodFieldError(p.Form, err))
	}
	var buf bytes.Buffer
	if err := e.Write(&buf, format); err != nil {
		return err
	}
	return reportAttachment(c, e.FileName(format), format.ContentType(), &buf)
}

// periodValues are the picker's values: those of the query, or the
// current quarter when none is given.
func (w *app) periodValues(c echo.Context) url.Values {
	q := url.Values{}
	for _, f := range periodFields {
		if v := strings.TrimSpace(c.QueryParam(f)); v != "" {
			q.Set(f, v)
		}
	}
	if len(q) == 0 {
		now := w.svc.Now()
		q.Set("kind", periodQuarter)
		q.Set("year", fmt.Sprint(now.Year()))
		q.Set("quarter", fmt.Sprint((int(now.Month())+2)/3))
		q.Set("half", fmt.Sprint((int(now.Month())+5)/6))
	}
	if q.Get("kind") == "" {
		q.Set("kind", periodQuarter)
	}
	return q
}

// reportYearRe is a year as the picker sends it.
var reportYearRe = regexp.MustCompile(`^\d{4}$`)

// periodRequest reads the picker into the service's report request: a
// quarter, a half or a year of a year, or days from and to. It checks
// only what the form's fields must look like; the service checks the
// period itself (its years, that it does not end before it starts).
func periodRequest(f *Form) (service.ReportRequest, error) {
	kind, year := f.Value("kind"), f.Value("year")
	if kind == periodCustom {
		return service.ReportRequest{From: f.Value("from"), To: f.Value("to")}, nil
	}
	if kind != periodQuarter && kind != periodHalf && kind != periodYear {
		return service.ReportRequest{}, errs.Invalid("kind", "hãy chọn loại kỳ báo cáo", "choose a kind of period")
	}
	if !reportYearRe.MatchString(year) {
		return service.ReportRequest{}, errs.Invalid("year", "năm gồm 4 chữ số, ví dụ 2026",
			"the year has 4 digits, e.g. 2026")
	}
	switch kind {
	case periodQuarter:
		q := f.Value("quarter")
		if len(q) != 1 || q < "1" || q > "4" {
			return service.ReportRequest{}, errs.Invalid("quarter", "quý là 1, 2, 3 hoặc 4", "the quarter is 1, 2, 3 or 4")
		}
		return service.ReportRequest{Period: year + "-Q" + q}, nil
	case periodHalf:
		h := f.Value("half")
		if h != "1" && h != "2" {
			return service.ReportRequest{}, errs.Invalid("half", "chọn 6 tháng đầu năm hoặc 6 tháng cuối năm",
				"choose the first or the second half")
		}
		return service.ReportRequest{Period: year + "-H" + h}, nil
	}
	return service.ReportRequest{Period: year}, nil
}

// periodFieldError ties the service's refusal of a period ("period") to
// the field of the form that made it: the year for a quarter, a half or a
// year (the only part the form lets be wrong once its fields are read).
func periodFieldError(f *Form, err error) error {
	de, ok := errs.As(err)
	if !ok || de.Field != "period" || f.Value("kind") == periodCustom {
		return err
	}
	moved := *de
	moved.Field = "year"
	return &moved
}

// periodQuery is the picker's values as a query string (for the
// download links): only the fields its kind uses.
func periodQuery(f *Form) string {
	q := url.Values{"kind": {f.Value("kind")}}
	switch f.Value("kind") {
	case periodCustom:
		q.Set("from", f.Value("from"))
		q.Set("to", f.Value("to"))
	case periodQuarter:
		q.Set("year", f.Value("year"))
		q.Set("quarter", f.Value("quarter"))
	case periodHalf:
		q.Set("year", f.Value("year"))
		q.Set("half", f.Value("half"))
	default:
		q.Set("year", f.Value("year"))
	}
	return "?" + q.Encode()
}

// reportLines lays Biểu 06 out as the form prints it: each field's line
// with its subtotal above its procedures, and the total last.
func reportLines(r *reports.Report) []reportLine {
	var out []reportLine
	for i, g := range r.Groups {
		out = append(out, reportLine{Kind: "group", STT: b06Numeral(i + 1), Name: g.Name, Row: g.Subtotal})
		for j, row := range g.Rows {
			out = append(out, reportLine{Kind: "procedure", STT: fmt.Sprint(j + 1), Name: row.Name, Row: row})
		}
	}
	return append(out, reportLine{Kind: "total", Name: r.Total.Name, Row: r.Total})
}

// b06Numeral writes 1-39 in Roman numerals, as the form numbers its fields.
func b06Numeral(n int) string {
	tens := []string{"", "X", "XX", "XXX"}
	ones := []string{"", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"}
	if n < 1 || n >= 40 {
		return fmt.Sprint(n)
	}
	return tens[n/10] + ones[n%10]
}

// ReportBoard is a board's name in the page's language; every board's
// for nil (a deployment administrator's report).
func (p *Page) ReportBoard(e *reports.Export) string {
	if e == nil || e.Board == nil {
		return p.T("manager.report.all_boards")
	}
	if p.Lang == langEN && e.Board.NameEN != "" {
		return e.Board.NameEN
	}
	return e.Board.NameVI
}

// ReportCapital writes amounts of registered capital as boards do (USD in
// millions, VND in billions), "—" for none.
func (p *Page) ReportCapital(a reports.Amounts) string {
	if len(a) == 0 {
		return "—"
	}
	if p.Lang == langEN {
		return a.EN()
	}
	return a.VI()
}

// ReportRatio writes an optional ratio as a percentage, "—" for none.
func (p *Page) ReportRatio(v *float64) string {
	if v == nil {
		return "—"
	}
	return p.Pct(*v)
}

// ReportDecimal writes an optional number to one decimal, "—" for none.
func (p *Page) ReportDecimal(v *float64) string {
	if v == nil {
		return "—"
	}
	return p.Num(float64(int64(*v*10+0.5)) / 10)
}

// reportOption is one option of a select: its value and its words.
type reportOption struct {
	Value string
	Label string
}

// ReportPeriodKinds are the kinds of period the picker offers, in order.
func (p *Page) ReportPeriodKinds() []string {
	return []string{periodQuarter, periodHalf, periodYear, periodCustom}
}

// ReportQuarters are the picker's quarters: I to IV.
func (p *Page) ReportQuarters() []reportOption {
	out := make([]reportOption, 4)
	for i, r := range []string{"I", "II", "III", "IV"} {
		out[i] = reportOption{Value: fmt.Sprint(i + 1), Label: p.T("manager.period.quarter_option", "Q", r)}
	}
	return out
}

// ReportHalves are the picker's halves of a year.
func (p *Page) ReportHalves() []reportOption {
	return []reportOption{{"1", p.T("manager.period.half_1")}, {"2", p.T("manager.period.half_2")}}
}

// b06Cell is one count of a line of Biểu 06, with its column's key
// (reports.Count.Key).
type b06Cell struct {
	Key   string
	Count int
}

// B06Cells are a line's thirteen counts in the order of the form.
func (p *Page) B06Cells(r reports.Row) []b06Cell {
	out := make([]b06Cell, len(reports.Counts))
	for i, c := range reports.Counts {
		out[i] = b06Cell{Key: c.Key, Count: c.Of(r)}
	}
	return out
}

// b06Group is a group header of Biểu 06 with the number of columns under it.
type b06Group struct {
	Key  string
	Span int
}

// B06Groups are the form's group headers, in order, each over its counts.
func (p *Page) B06Groups() []b06Group {
	var out []b06Group
	for _, c := range reports.Counts {
		if n := len(out); n > 0 && out[n-1].Key == c.Group.Key {
			out[n-1].Span++
			continue
		}
		out = append(out, b06Group{Key: c.Group.Key, Span: 1})
	}
	return out
}

// ReportSentence is a sentence of the reports package in the page's
// language, its first letter a capital.
func (p *Page) ReportSentence(t workflow.Text) string {
	s := p.Text(t)
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}
