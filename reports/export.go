package reports

import (
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/motcua/motcua/errs"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/workflow"
)

// Format is an output format of the reform report.
type Format string

// The output formats of Export.Write.
const (
	FormatJSON Format = "json" // the API's JSON document
	FormatCSV  Format = "csv"  // UTF-8 with a byte-order mark, for Excel
	FormatXLSX Format = "xlsx" // the printed form, Biểu số 06/VPCP/KSTT
)

// ParseFormat reads "json", "csv" or "xlsx" (any case). Anything else is a
// *errs.Error of kind invalid, code invalid_format, naming the field
// "format".
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(strings.TrimSpace(s))); f {
	case FormatJSON, FormatCSV, FormatXLSX:
		return f, nil
	}
	return "", errs.Invalid("format", fmt.Sprintf("định dạng %q không hỗ trợ (json, csv, xlsx)", s),
		fmt.Sprintf("format %q is not supported (json, csv, xlsx)", s))
}

// ContentType is the MIME type of the format.
func (f Format) ContentType() string {
	switch f {
	case FormatCSV:
		return "text/csv; charset=utf-8"
	case FormatXLSX:
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	return "application/json; charset=utf-8"
}

// Export is a Biểu 06 report ready to be written: the report, the board it
// covers and, for JSON, the Decision 766 indicators of the same period.
type Export struct {
	Report     *Report
	Board      *models.Board  // nil: every board of the deployment
	Indicators *Indicators766 // optional; written in JSON only
}

// Write writes the export in format f (as ParseFormat reads it).
func (e Export) Write(w io.Writer, f Format) error {
	f, err := ParseFormat(string(f))
	if err != nil {
		return err
	}
	switch f {
	case FormatCSV:
		return e.WriteCSV(w)
	case FormatXLSX:
		return e.WriteXLSX(w)
	}
	return e.WriteJSON(w)
}

// allBoardsCode stands for every board in file names.
const allBoardsCode = "ALL"

// FileName is the name to save the export under: bieu06-HBI-2024-H1.xlsx,
// bieu06-ALL-2024-Q3.csv (every board), bieu06-HBI-2024-01-15_2024-02-20.json.
func (e Export) FileName(f Format) string {
	code := allBoardsCode
	if e.Board != nil {
		code = e.Board.Code
	}
	return fmt.Sprintf("bieu06-%s-%s.%s", code, PeriodSlug(e.Report.Period), f)
}

// boardName is the name of the reporting unit: the board's, or every board's.
func (e Export) boardName() workflow.Text {
	if e.Board == nil {
		return workflow.Text{VI: "các Ban Quản lý các khu công nghiệp (toàn hệ thống)",
			EN: "All industrial-zone management boards"}
	}
	en := e.Board.NameEN
	if en == "" {
		en = e.Board.NameVI
	}
	return workflow.Text{VI: e.Board.NameVI, EN: en}
}

// PeriodSlug names a period in file names, in the shortest form
// ParsePeriod reads back once "_" is replaced by "..": 2024, 2024-H1,
// 2024-Q3, 2024-11, 2024-01_2024-09 (whole months), else
// 2024-01-15_2024-02-20.
func PeriodSlug(p Period) string {
	from, to := p.From.Time, p.To.Time
	if from.Day() != 1 || to.Day() != day(to.Year(), to.Month()+1, 0).Day() {
		return from.Format("2006-01-02") + "_" + to.Format("2006-01-02")
	}
	y, m1, m2 := from.Year(), from.Month(), to.Month()
	switch {
	case to.Year() != y: // months across years: the range below
	case m1 == 1 && m2 == 12:
		return fmt.Sprintf("%d", y)
	case m1 == m2:
		return fmt.Sprintf("%d-%02d", y, m1)
	case m2-m1 == 5 && (m1 == 1 || m1 == 7):
		return fmt.Sprintf("%d-H%d", y, (m1+5)/6)
	case m2-m1 == 2 && m1%3 == 1:
		return fmt.Sprintf("%d-Q%d", y, (m1+2)/3)
	}
	return from.Format("2006-01") + "_" + to.Format("2006-01")
}

// lineKind says what a printed line is.
type lineKind int

const (
	lineGroup     lineKind = iota // a field (lĩnh vực) with its subtotal
	lineProcedure                 // one procedure
	lineTotal                     // the total
)

// printLine is one line of the printed form (CSV and XLSX).
type printLine struct {
	kind lineKind
	stt  string // "I", "II" for fields, "1", "2" for procedures, "" for the total
	code string // procedure code; "" on field and total lines
	name string // Vietnamese label
	row  Row
}

// printLines lays the report out as the form prints it: each field's line
// (numbered I, II, … with its subtotal) above its procedures (numbered 1,
// 2, … within the field), and the total last.
func (e Export) printLines() []printLine {
	var out []printLine
	for i, g := range e.Report.Groups {
		out = append(out, printLine{kind: lineGroup, stt: roman(i + 1), name: g.Name.VI, row: g.Subtotal})
		for j, r := range g.Rows {
			out = append(out, printLine{kind: lineProcedure, stt: fmt.Sprint(j + 1), code: r.Procedure,
				name: r.Name.VI, row: r})
		}
	}
	return append(out, printLine{kind: lineTotal, name: totalName.VI, row: e.Report.Total})
}

// roman writes 1-39 in Roman numerals, the numbering of the form's fields.
func roman(n int) string {
	tens := []string{"", "X", "XX", "XXX"}
	ones := []string{"", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"}
	if n < 1 || n >= 40 {
		return fmt.Sprint(n)
	}
	return tens[n/10] + ones[n%10]
}

// periodLine is the period as the form prints it: "6 tháng đầu năm 2024
// (từ 01/01/2024 đến 30/06/2024)", or the range alone when the label is one.
func periodLine(p Period) string {
	if strings.HasPrefix(p.Label.VI, "Từ ") {
		return p.Label.VI
	}
	return fmt.Sprintf("%s (từ %s đến %s)", p.Label.VI, p.From.DMY(), p.To.DMY())
}

// sentence is the narrative as a board writes it in its report: "Trong 6
// tháng đầu năm 2024, Ban Quản lý … tiếp nhận 15 hồ sơ …", in both languages.
func (e Export) sentence() workflow.Text {
	p, board, n := e.Report.Period, e.boardName(), e.Report.Narrative
	when := p.Label.VI
	if !strings.HasPrefix(when, "Từ ") {
		when = "Trong " + lowerFirst(when)
	}
	return workflow.Text{
		VI: fmt.Sprintf("%s, %s %s.", when, board.VI, n.VI),
		EN: fmt.Sprintf("%s: %s %s.", p.Label.EN, board.EN, n.EN),
	}
}

// lowerFirst lowers the first letter of s.
func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[n:]
}
