package reports_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"gorm.io/gorm"

	"github.com/motcua/motcua/errs"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/models/modelstest"
	"github.com/motcua/motcua/reports"
	"github.com/motcua/motcua/workflow"
	"github.com/motcua/motcua/workflow/workflowtest"
)

// exportOctober drives October 2024 at board HBI through the engine
// (october2024's trade-union dossiers, an investment certificate received
// 07/10 and issued early on 10/10, a construction permit received 21/10 and
// still in review) and returns the month's report with the board.
func exportOctober(t *testing.T, db *gorm.DB, eng *workflow.Engine) reports.Export {
	t.Helper()
	board := newBoard(t, db, "HBI", "000.20.30.H33")
	october2024(t, db, eng, board.ID)
	direct := models.ChannelDirect
	script(t, db, eng, submit(t, db, eng, board.ID, "investment-certificate", "issue_after_policy", direct, at(t, "2024-10-07 08:00")),
		step{event: "receive", role: "officer", at: "2024-10-07 09:00"},
		step{event: "assign", role: "officer", at: "2024-10-07 10:00"},
		step{event: "propose", role: "officer", at: "2024-10-09 10:00"},
		step{event: "approve", role: "leader", at: "2024-10-10 10:00"})
	script(t, db, eng, submit(t, db, eng, board.ID, "construction-permit", "new", direct, at(t, "2024-10-21 08:00")),
		step{event: "receive", role: "officer", at: "2024-10-21 09:00"},
		step{event: "assign", role: "officer", at: "2024-10-21 10:00"})
	q := reports.Query{Period: period(t, "2024-10"), BoardID: &board.ID}
	rep, err := reports.Bieu06(context.Background(), db, eng.Catalogue(), q)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Total.ReceivedTotal != 8 || rep.Total.ResolvedTotal != 6 || !rep.Total.Balanced() {
		t.Fatalf("October's total %+v: want 8 received, 6 resolved, balanced", rep.Total)
	}
	return reports.Export{Report: rep, Board: board}
}

// counts lists a row's thirteen counts in the order of the form's columns.
func counts(r reports.Row) []int {
	return []int{r.ReceivedTotal, r.ReceivedOnline, r.ReceivedOffline, r.CarriedOver, r.ResolvedTotal,
		r.ResolvedEarly, r.ResolvedOnTime, r.ResolvedLate, r.InProgressTotal, r.InProgressWithin,
		r.InProgressOverdue, r.Withdrawn, r.Refused}
}

// TestExportXLSX reads the workbook back: the title names the board and
// the period, the two header levels are merged as on the form, fields are
// numbered I, II, … with their subtotals, the total is the sum of the
// procedures, the counts are numbers, and the narrative follows the table.
func TestExportXLSX(t *testing.T) {
	eng := workflowtest.Engine(t)
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		e := exportOctober(t, db, eng)
		f := openXLSX(t, e)
		checkXLSXHeading(t, f, e)
		checkXLSXMerges(t, f)
		checkXLSXHeaders(t, f)
		lines := xlsxLines(t, f)
		checkXLSXLines(t, e, lines)
		checkXLSXNumbers(t, f, lines)
		checkXLSXNarrative(t, f, e)
	})
}

// cell reads one cell of the form's sheet.
func cell(t *testing.T, f *excelize.File, name string) string {
	t.Helper()
	v, err := f.GetCellValue(reports.XLSXSheet, name)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func checkXLSXHeading(t *testing.T, f *excelize.File, e reports.Export) {
	t.Helper()
	title := cell(t, f, "A4") + "\n" + cell(t, f, "A5") + "\n" + cell(t, f, "A6")
	for _, want := range []string{"TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH", e.Board.NameVI,
		"Tháng 10 năm 2024", "01/10/2024", "31/10/2024"} {
		if !strings.Contains(title, want) {
			t.Errorf("title %q lacks %q", title, want)
		}
	}
	if got := cell(t, f, "A1"); got != "Biểu số 06/VPCP/KSTT" {
		t.Errorf("A1 = %q", got)
	}
	if strings.Contains(title, "tính đến") {
		t.Errorf("title %q says as of a day, for a period that has ended", title)
	}
}

// TestExportXLSXPeriodNotEnded: a report made before its period's end says
// in its period line up to which day its figures run.
func TestExportXLSXPeriodNotEnded(t *testing.T) {
	eng := workflowtest.Engine(t)
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		e := exportOctober(t, db, eng)
		e.Report.AsOf = workflow.Date{Time: at(t, "2024-10-17 00:00")}
		if got := cell(t, openXLSX(t, e), "A6"); !strings.Contains(got, "(số liệu tính đến hết ngày 17/10/2024)") {
			t.Errorf("period line %q", got)
		}
	})
}

// openXLSX writes e as a workbook and reads it back; it is closed when the
// test ends.
func openXLSX(t *testing.T, e reports.Export) *excelize.File {
	t.Helper()
	var buf bytes.Buffer
	if err := e.WriteXLSX(&buf); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func checkXLSXMerges(t *testing.T, f *excelize.File) {
	t.Helper()
	merged, err := f.GetMergeCells(reports.XLSXSheet)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, m := range merged {
		got[m.GetStartAxis()+":"+m.GetEndAxis()] = m.GetCellValue()
	}
	for rng, want := range map[string]string{
		"A8:A9": "STT", "B8:B9": "Lĩnh vực, thủ tục hành chính",
		"C8:F8": "Số hồ sơ nhận giải quyết", "G8:J8": "Số lượng hồ sơ đã giải quyết",
		"K8:M8": "Số lượng hồ sơ đang giải quyết", "N8:O8": "Trong số đã giải quyết (đã tính ở trên)",
		"A4:O4": "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH",
	} {
		if v, ok := got[rng]; !ok || v != want {
			t.Errorf("merged %s = %q (merged: %t), want %q", rng, v, ok, want)
		}
	}
}

func checkXLSXHeaders(t *testing.T, f *excelize.File) {
	t.Helper()
	want := []string{"Tổng số", "Trong đó: Trực tuyến", "Trực tiếp, dịch vụ bưu chính", "Từ kỳ trước",
		"Tổng số", "Trước hạn", "Đúng hạn", "Quá hạn", "Tổng số", "Trong hạn", "Quá hạn", "Rút hồ sơ", "Từ chối"}
	for i, w := range want {
		name, _ := excelize.CoordinatesToCellName(3+i, 9)
		if got := cell(t, f, name); got != w {
			t.Errorf("header %s = %q, want %q", name, got, w)
		}
		num, _ := excelize.CoordinatesToCellName(3+i, 10)
		if got := cell(t, f, num); got != "("+strconv.Itoa(3+i)+")" {
			t.Errorf("column number %s = %q", num, got)
		}
	}
}

// xlsxLine is one line of the table as read back.
type xlsxLine struct {
	row       int // 1-based
	stt, name string
	counts    []int
}

// xlsxLines reads the table's lines, from row 11 to the total.
func xlsxLines(t *testing.T, f *excelize.File) []xlsxLine {
	t.Helper()
	rows, err := f.GetRows(reports.XLSXSheet)
	if err != nil {
		t.Fatal(err)
	}
	var out []xlsxLine
	for i := 10; i < len(rows); i++ {
		r := append(rows[i], make([]string, 15)...)
		l := xlsxLine{row: i + 1, stt: r[0], name: r[1]}
		for _, s := range r[2:15] {
			n, err := strconv.Atoi(s)
			if err != nil {
				t.Fatalf("row %d: count %q is not a number", i+1, s)
			}
			l.counts = append(l.counts, n)
		}
		out = append(out, l)
		if l.name == "Tổng cộng" {
			return out
		}
	}
	t.Fatal("no total line")
	return nil
}

// checkXLSXLines: fields I-IV in order, each followed by its procedures and
// equal to their sum; the total equals the sum of every procedure and the
// report's total; the trade-union line is October's.
func checkXLSXLines(t *testing.T, e reports.Export, lines []xlsxLine) {
	t.Helper()
	var fields []string
	sum, group := make([]int, 13), []int(nil)
	var groupLine *xlsxLine
	closeGroup := func() {
		if groupLine != nil && !slices.Equal(groupLine.counts, group) {
			t.Errorf("field %s %v, its procedures add up to %v", groupLine.name, groupLine.counts, group)
		}
	}
	for i, l := range lines[:len(lines)-1] {
		if _, err := strconv.Atoi(l.stt); err != nil { // a field line: I, II, …
			closeGroup()
			fields, groupLine, group = append(fields, l.stt+". "+l.name), &lines[i], make([]int, 13)
			continue
		}
		for k, n := range l.counts {
			sum[k] += n
			group[k] += n
		}
		if l.name == "Công nhận công đoàn cơ sở" && !slices.Equal(l.counts, counts(wantOctober)) {
			t.Errorf("trade-union line %v, want %v", l.counts, counts(wantOctober))
		}
	}
	closeGroup()
	want := []string{"I. Lĩnh vực đầu tư", "II. Lĩnh vực xây dựng", "III. Lĩnh vực môi trường", "IV. Lĩnh vực lao động"}
	if !slices.Equal(fields, want) {
		t.Errorf("field lines %q, want %q", fields, want)
	}
	total := lines[len(lines)-1]
	if !slices.Equal(total.counts, sum) || !slices.Equal(total.counts, counts(e.Report.Total)) {
		t.Errorf("total %v; procedures add up to %v; report total %v", total.counts, sum, counts(e.Report.Total))
	}
}

// checkXLSXNumbers: every count cell holds a number, not text.
func checkXLSXNumbers(t *testing.T, f *excelize.File, lines []xlsxLine) {
	t.Helper()
	for _, l := range lines {
		for col := 3; col <= 15; col++ {
			name, _ := excelize.CoordinatesToCellName(col, l.row)
			typ, err := f.GetCellType(reports.XLSXSheet, name)
			if err != nil {
				t.Fatal(err)
			}
			if typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset { // no t attribute: a number
				t.Fatalf("%s has cell type %v, want a number", name, typ)
			}
		}
	}
}

// checkXLSXNarrative: the sentence follows the table.
func checkXLSXNarrative(t *testing.T, f *excelize.File, e reports.Export) {
	t.Helper()
	rows, err := f.GetRows(reports.XLSXSheet)
	if err != nil {
		t.Fatal(err)
	}
	want := "Trong tháng 10 năm 2024, " + e.Board.NameVI + " " + e.Report.Narrative.VI + "."
	for _, r := range rows {
		if len(r) > 0 && r[0] == want {
			return
		}
	}
	t.Errorf("no narrative %q under the table", want)
}

// TestExportCSV: a byte-order mark, the Vietnamese header, one line per
// field, procedure and the total, with the report's counts.
func TestExportCSV(t *testing.T) {
	eng := workflowtest.Engine(t)
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		e := exportOctober(t, db, eng)
		var buf bytes.Buffer
		if err := e.WriteCSV(&buf); err != nil {
			t.Fatal(err)
		}
		text, ok := strings.CutPrefix(buf.String(), "\uFEFF")
		if !ok {
			t.Fatalf("no UTF-8 byte-order mark: % x", buf.Bytes()[:3])
		}
		if !strings.Contains(text, "\r\n") {
			t.Error("lines do not end in CRLF")
		}
		recs, err := csv.NewReader(strings.NewReader(text)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		checkCSVHeader(t, recs[0])
		checkCSVLines(t, e, recs[1:])
	})
}

func checkCSVHeader(t *testing.T, got []string) {
	t.Helper()
	want := []string{"STT", "Mã thủ tục", "Lĩnh vực, thủ tục hành chính",
		"Số hồ sơ nhận giải quyết: Tổng số", "Số hồ sơ nhận giải quyết: Trong đó: Trực tuyến",
		"Số hồ sơ nhận giải quyết: Trực tiếp, dịch vụ bưu chính", "Số hồ sơ nhận giải quyết: Từ kỳ trước",
		"Số lượng hồ sơ đã giải quyết: Tổng số", "Số lượng hồ sơ đã giải quyết: Trước hạn",
		"Số lượng hồ sơ đã giải quyết: Đúng hạn", "Số lượng hồ sơ đã giải quyết: Quá hạn",
		"Số lượng hồ sơ đang giải quyết: Tổng số", "Số lượng hồ sơ đang giải quyết: Trong hạn",
		"Số lượng hồ sơ đang giải quyết: Quá hạn", "Trong số đã giải quyết (đã tính ở trên): Rút hồ sơ",
		"Trong số đã giải quyết (đã tính ở trên): Từ chối"}
	if !slices.Equal(got, want) {
		t.Errorf("header\n got %q\nwant %q", got, want)
	}
}

// checkCSVLines: one line per field and procedure in print order, then the total.
func checkCSVLines(t *testing.T, e reports.Export, recs [][]string) {
	t.Helper()
	var want [][]string
	for i, g := range e.Report.Groups {
		want = append(want, csvWant([]string{[]string{"I", "II", "III", "IV", "V"}[i], "", g.Name.VI}, g.Subtotal))
		for j, r := range g.Rows {
			want = append(want, csvWant([]string{strconv.Itoa(j + 1), r.Procedure, r.Name.VI}, r))
		}
	}
	want = append(want, csvWant([]string{"", "", "Tổng cộng"}, e.Report.Total))
	if len(recs) != len(want) {
		t.Fatalf("%d lines, want %d", len(recs), len(want))
	}
	for i := range want {
		if !slices.Equal(recs[i], want[i]) {
			t.Errorf("line %d\n got %q\nwant %q", i+2, recs[i], want[i])
		}
	}
	union := csvWant([]string{"1", union, "Công nhận công đoàn cơ sở"}, wantOctober)
	if !slices.ContainsFunc(recs, func(r []string) bool { return slices.Equal(r, union) }) {
		t.Errorf("no trade-union line %q", union)
	}
}

func csvWant(label []string, r reports.Row) []string {
	for _, n := range counts(r) {
		label = append(label, strconv.Itoa(n))
	}
	return label
}

// rowKeys are the keys of every procedure row of the JSON document.
var rowKeys = []string{"procedure", "name", "received_total", "received_online", "received_offline", "carried_over",
	"resolved_total", "resolved_early", "resolved_on_time", "resolved_late", "in_progress_total",
	"in_progress_within", "in_progress_overdue", "withdrawn", "refused"}

// TestExportJSON pins the keys of the JSON document and checks the
// identities on every row, subtotal and the total.
func TestExportJSON(t *testing.T) {
	eng := workflowtest.Engine(t)
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		e := exportOctober(t, db, eng)
		ind, err := reports.Decision766(context.Background(), db, eng.Catalogue(), eng.Calendar(),
			reports.Query{Period: e.Report.Period, BoardID: &e.Board.ID})
		if err != nil {
			t.Fatal(err)
		}
		e.Indicators = ind
		var buf bytes.Buffer
		if err := e.WriteJSON(&buf); err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
			t.Fatal(err)
		}
		checkKeys(t, "document", doc, "board", "period", "as_of", "rows", "fields", "total", "narrative", "narrative_en", "indicators_766")
		if doc["as_of"] != "2024-10-31" {
			t.Errorf("as_of %v, want the period's last day 2024-10-31", doc["as_of"])
		}
		checkKeys(t, "period", doc["period"].(map[string]any), "from", "to", "label", "label_en")
		checkKeys(t, "board", doc["board"].(map[string]any), "id", "code", "name")
		checkJSONValues(t, e, doc)
		for _, r := range doc["rows"].([]any) {
			checkKeys(t, "row", r.(map[string]any), rowKeys...)
			checkIdentities(t, r.(map[string]any))
		}
		for _, f := range doc["fields"].([]any) {
			checkKeys(t, "field", f.(map[string]any), "field", "name", "procedures", "subtotal")
			sub := f.(map[string]any)["subtotal"].(map[string]any)
			checkKeys(t, "subtotal", sub, rowKeys[1:]...)
			checkIdentities(t, sub)
		}
		checkKeys(t, "total", doc["total"].(map[string]any), rowKeys[1:]...)
		checkIdentities(t, doc["total"].(map[string]any))
	})
}

// checkKeys: m has exactly the keys want.
func checkKeys(t *testing.T, what string, m map[string]any, want ...string) {
	t.Helper()
	got := slices.Sorted(maps.Keys(m))
	want = slices.Sorted(slices.Values(want))
	if !slices.Equal(got, want) {
		t.Errorf("%s keys %v, want %v", what, got, want)
	}
}

// checkIdentities: received + carried = resolved + in progress, and each
// total is the sum of its split.
func checkIdentities(t *testing.T, r map[string]any) {
	t.Helper()
	n := func(k string) int { return int(r[k].(float64)) }
	if n("received_total")+n("carried_over") != n("resolved_total")+n("in_progress_total") ||
		n("resolved_total") != n("resolved_early")+n("resolved_on_time")+n("resolved_late") ||
		n("in_progress_total") != n("in_progress_within")+n("in_progress_overdue") ||
		n("received_total") != n("received_online")+n("received_offline") {
		t.Errorf("row %v does not balance", r)
	}
}

func checkJSONValues(t *testing.T, e reports.Export, doc map[string]any) {
	t.Helper()
	p := doc["period"].(map[string]any)
	if p["from"] != "2024-10-01" || p["to"] != "2024-10-31" || p["label"] != "Tháng 10 năm 2024" || p["label_en"] != "October 2024" {
		t.Errorf("period %v", p)
	}
	if doc["narrative"] != e.Report.Narrative.VI || doc["board"].(map[string]any)["code"] != "HBI" {
		t.Errorf("narrative %q, board %v", doc["narrative"], doc["board"])
	}
	total := doc["total"].(map[string]any)
	if int(total["received_total"].(float64)) != e.Report.Total.ReceivedTotal || total["name"].(map[string]any)["vi"] != "Tổng cộng" {
		t.Errorf("total %v", total)
	}
	procs := 0
	for _, g := range e.Report.Groups {
		procs += len(g.Rows)
	}
	if n := len(doc["rows"].([]any)); n != procs || n == 0 {
		t.Errorf("%d rows, want one per procedure (%d)", n, procs)
	}
	ind := doc["indicators_766"].(map[string]any)["boards"].([]any)
	if len(ind) != 1 {
		t.Errorf("indicators for %d boards, want 1", len(ind))
	}
}

// TestPeriodSlug names periods in file names in a form ParsePeriod reads back.
func TestPeriodSlug(t *testing.T) {
	for in, want := range map[string]string{
		"2024": "2024", "2024-H1": "2024-H1", "2024-H2": "2024-H2", "2024-Q3": "2024-Q3", "2024-11": "2024-11",
		"2024-01..2024-09": "2024-01_2024-09", "2023-11..2024-02": "2023-11_2024-02",
		"01/01/2024..30/06/2024": "2024-H1", "2024-01-15..2024-02-20": "2024-01-15_2024-02-20",
		"2024-02-01..2024-02-28": "2024-02-01_2024-02-28", "2024-02-01..2024-02-29": "2024-02",
	} {
		p := period(t, in)
		got := reports.PeriodSlug(p)
		if got != want {
			t.Errorf("PeriodSlug(%s) = %q, want %q", in, got, want)
		}
		if back := period(t, strings.Replace(got, "_", "..", 1)); !back.From.Equal(p.From.Time) || !back.To.Equal(p.To.Time) {
			t.Errorf("%q reads back as %s..%s", got, back.From.YMD(), back.To.YMD())
		}
	}
	e := reports.Export{Report: &reports.Report{Period: period(t, "2024-H1")}}
	if got := e.FileName(reports.FormatCSV); got != "bieu06-ALL-2024-H1.csv" {
		t.Errorf("FileName = %q", got)
	}
	e.Board = &models.Board{Code: "HBI"}
	if got := e.FileName(reports.FormatXLSX); got != "bieu06-HBI-2024-H1.xlsx" {
		t.Errorf("FileName = %q", got)
	}
}

// TestParseFormat accepts the three formats in any case and names the field otherwise.
func TestParseFormat(t *testing.T) {
	for _, s := range []string{"json", "CSV", " xlsx "} {
		if _, err := reports.ParseFormat(s); err != nil {
			t.Errorf("ParseFormat(%q): %v", s, err)
		}
	}
	_, err := reports.ParseFormat("pdf")
	var we *errs.Error
	if !errors.As(err, &we) || we.Field != "format" || we.Code != "invalid_format" || we.Kind != errs.KindInvalid {
		t.Fatalf("ParseFormat(pdf) = %v", err)
	}
}
