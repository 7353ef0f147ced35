package reports

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// XLSXSheet is the name of the worksheet of the printed form.
const XLSXSheet = "Biểu 06"

// The layout of the printed form: rows of the heading and the table, and
// its columns (A: STT, B: the field or procedure, C… the counts).
const (
	xlsxTitleRow   = 4  // "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"
	xlsxUnitRow    = 5  // "tại <board>"
	xlsxPeriodRow  = 6  // "Kỳ báo cáo: <period>"
	xlsxHeaderRow  = 8  // the group headers; the column headers are on the next row
	xlsxNumbersRow = 10 // (1), (2), … under the headers
	xlsxFirstLine  = 11 // the first field line
	xlsxFirstCount = 3  // column C
	xlsxNameCol    = 2  // column B
)

// xlsxLastCol is the last column of the table.
var xlsxLastCol = xlsxFirstCount + len(Counts) - 1

// XLSX column widths, in characters.
const (
	xlsxWidthSTT   = 6
	xlsxWidthName  = 46
	xlsxWidthCount = 11
)

// xlsxFont is the font of Vietnamese administrative documents.
const xlsxFont = "Times New Roman"

// xlsxStyles are the cell styles of the form.
type xlsxStyles struct {
	title, unit, period, corner, header, number int
	text, count, groupText, groupCount          int
	totalText, totalCount, note, summary        int
}

// xlsx writes the form into an excelize file; the first error stops every
// later write and is returned by WriteXLSX.
type xlsx struct {
	f   *excelize.File
	st  xlsxStyles
	err error
}

// WriteXLSX writes the report as Biểu số 06/VPCP/KSTT (TT 01/2020/TT-VPCP):
// the form's reference and the reporting unit, the title with the board
// and the period, two levels of merged Vietnamese headers and the column
// numbers, one line per field (numbered I, II, … with its subtotal) above
// its procedures, the total ("Tổng cộng"), the notes on how the columns
// add up, and the narrative under the table. Counts are numbers.
func (e Export) WriteXLSX(w io.Writer) error {
	x := &xlsx{f: excelize.NewFile()}
	defer x.f.Close()
	x.setup()
	x.heading(e)
	x.header()
	last := x.body(e)
	x.notes(e, last+2)
	if x.err != nil {
		return fmt.Errorf("reports: write XLSX: %w", x.err)
	}
	if err := x.f.Write(w); err != nil {
		return fmt.Errorf("reports: write XLSX: %w", err)
	}
	return nil
}

// cellName is the A1 name of a cell; col and row are 1-based.
func cellName(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col, row) // valid for every cell the form uses
	return name
}

// colName is the letter of a column.
func colName(col int) string {
	name, _ := excelize.ColumnNumberToName(col)
	return name
}

// do runs one write unless an earlier one failed.
func (x *xlsx) do(fn func() error) {
	if x.err == nil {
		x.err = fn()
	}
}

// set writes a value into a cell with a style.
func (x *xlsx) set(col, row int, v any, style int) {
	x.do(func() error { return x.f.SetCellValue(XLSXSheet, cellName(col, row), v) })
	x.do(func() error { return x.f.SetCellStyle(XLSXSheet, cellName(col, row), cellName(col, row), style) })
}

// merge merges a range, writes v into it and styles every cell of it (so
// that merged cells keep their borders).
func (x *xlsx) merge(c1, r1, c2, r2 int, v any, style int) {
	a, b := cellName(c1, r1), cellName(c2, r2)
	x.do(func() error { return x.f.MergeCell(XLSXSheet, a, b) })
	x.do(func() error { return x.f.SetCellValue(XLSXSheet, a, v) })
	x.do(func() error { return x.f.SetCellStyle(XLSXSheet, a, b, style) })
}

// setup names the sheet, sets the column widths, the frozen headers, the
// page (A4 landscape, one page wide) and the styles.
func (x *xlsx) setup() {
	x.do(func() error { return x.f.SetSheetName("Sheet1", XLSXSheet) })
	x.do(func() error { return x.f.SetColWidth(XLSXSheet, "A", "A", xlsxWidthSTT) })
	x.do(func() error { return x.f.SetColWidth(XLSXSheet, "B", "B", xlsxWidthName) })
	x.do(func() error {
		return x.f.SetColWidth(XLSXSheet, colName(xlsxFirstCount), colName(xlsxLastCol), xlsxWidthCount)
	})
	x.do(func() error {
		return x.f.SetPanes(XLSXSheet, &excelize.Panes{Freeze: true, XSplit: xlsxFirstCount - 1,
			YSplit: xlsxNumbersRow, TopLeftCell: cellName(xlsxFirstCount, xlsxFirstLine), ActivePane: "bottomRight"})
	})
	x.do(x.page)
	x.do(x.styles)
	x.do(func() error {
		return x.f.SetDocProps(&excelize.DocProperties{Title: "Biểu số 06/VPCP/KSTT", Creator: "motcua",
			Subject: "Tình hình, kết quả giải quyết thủ tục hành chính", Language: "vi-VN"})
	})
}

// page prints on A4 landscape, one page wide.
func (x *xlsx) page() error {
	a4, landscape, one, auto := 9, "landscape", 1, 0 // FitToHeight 0: as many pages down as needed
	fit := true
	if err := x.f.SetSheetProps(XLSXSheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	return x.f.SetPageLayout(XLSXSheet, &excelize.PageLayoutOptions{Size: &a4, Orientation: &landscape,
		FitToWidth: &one, FitToHeight: &auto})
}

// cellStyle describes a style in a few words.
type cellStyle struct {
	bold, italic, border, wrap bool
	size                       float64
	align                      string // left, center, right
	fill                       string // background colour, "" for none
}

// xlsxFill is the background of headers and the total line.
const xlsxFill = "D9E1F2"

// newStyle registers a style.
func (x *xlsx) newStyle(s cellStyle) (int, error) {
	st := &excelize.Style{
		Font:      &excelize.Font{Family: xlsxFont, Size: s.size, Bold: s.bold, Italic: s.italic},
		Alignment: &excelize.Alignment{Horizontal: s.align, Vertical: "center", WrapText: s.wrap},
	}
	if s.border {
		for _, side := range []string{"left", "right", "top", "bottom"} {
			st.Border = append(st.Border, excelize.Border{Type: side, Color: "000000", Style: 1})
		}
	}
	if s.fill != "" {
		st.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{s.fill}}
	}
	return x.f.NewStyle(st)
}

// styles registers every style of the form.
func (x *xlsx) styles() error {
	for _, s := range []struct {
		id  *int
		def cellStyle
	}{
		{&x.st.title, cellStyle{bold: true, size: 14, align: "center"}},
		{&x.st.unit, cellStyle{bold: true, size: 12, align: "center"}},
		{&x.st.period, cellStyle{italic: true, size: 12, align: "center"}},
		{&x.st.corner, cellStyle{bold: true, size: 11, align: "left", wrap: true}},
		{&x.st.header, cellStyle{bold: true, size: 11, align: "center", wrap: true, border: true, fill: xlsxFill}},
		{&x.st.number, cellStyle{italic: true, size: 10, align: "center", border: true}},
		{&x.st.text, cellStyle{size: 11, align: "left", wrap: true, border: true}},
		{&x.st.count, cellStyle{size: 11, align: "center", border: true}},
		{&x.st.groupText, cellStyle{bold: true, size: 11, align: "left", wrap: true, border: true}},
		{&x.st.groupCount, cellStyle{bold: true, size: 11, align: "center", border: true}},
		{&x.st.totalText, cellStyle{bold: true, size: 11, align: "center", border: true, fill: xlsxFill}},
		{&x.st.totalCount, cellStyle{bold: true, size: 11, align: "center", border: true, fill: xlsxFill}},
		{&x.st.note, cellStyle{italic: true, size: 11, align: "left", wrap: true}},
		{&x.st.summary, cellStyle{size: 12, align: "left", wrap: true}},
	} {
		id, err := x.newStyle(s.def)
		if err != nil {
			return err
		}
		*s.id = id
	}
	return nil
}

// heading writes the form's reference, the reporting unit, the title, the
// board and the period.
func (x *xlsx) heading(e Export) {
	x.merge(1, 1, 5, 1, "Biểu số 06/VPCP/KSTT", x.st.corner)
	x.merge(1, 2, 5, 2, "Ban hành kèm theo Thông tư số 01/2020/TT-VPCP", x.st.note)
	x.merge(xlsxLastCol-4, 1, xlsxLastCol, 1, "Đơn vị báo cáo: "+e.boardName().VI, x.st.corner)
	x.merge(xlsxLastCol-4, 2, xlsxLastCol, 2, "Đơn vị tính: số hồ sơ thủ tục hành chính", x.st.note)
	x.height(1, 32)
	x.merge(1, xlsxTitleRow, xlsxLastCol, xlsxTitleRow, "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH", x.st.title)
	x.height(xlsxTitleRow, 22)
	x.merge(1, xlsxUnitRow, xlsxLastCol, xlsxUnitRow, "tại "+e.boardName().VI, x.st.unit)
	x.merge(1, xlsxPeriodRow, xlsxLastCol, xlsxPeriodRow, "Kỳ báo cáo: "+periodLine(e.Report.Period)+asOfLine(e.Report), x.st.period)
}

// asOfLine says, for a period not yet ended, the day the report is made at.
func asOfLine(r *Report) string {
	if !r.AsOf.Before(r.Period.LastDay()) {
		return ""
	}
	return " (số liệu tính đến hết ngày " + r.AsOf.Format("02/01/2006") + ")"
}

// height sets a row's height in points.
func (x *xlsx) height(row int, points float64) {
	x.do(func() error { return x.f.SetRowHeight(XLSXSheet, row, points) })
}

// header writes the two header rows (the column groups merged over their
// columns; STT and the name merged down both rows) and the column numbers.
func (x *xlsx) header() {
	top, sub := xlsxHeaderRow, xlsxHeaderRow+1
	x.merge(1, top, 1, sub, "STT", x.st.header)
	x.merge(xlsxNameCol, top, xlsxNameCol, sub, "Lĩnh vực, thủ tục hành chính", x.st.header)
	for first := 0; first < len(Counts); {
		last := first
		for last+1 < len(Counts) && Counts[last+1].Group == Counts[first].Group {
			last++
		}
		x.merge(xlsxFirstCount+first, top, xlsxFirstCount+last, top, Counts[first].Group.Name.VI, x.st.header)
		first = last + 1
	}
	for i, c := range Counts {
		x.set(xlsxFirstCount+i, sub, c.Head.VI, x.st.header)
	}
	for col := 1; col <= xlsxLastCol; col++ {
		x.set(col, xlsxNumbersRow, fmt.Sprintf("(%d)", col), x.st.number)
	}
	x.height(top, 32)
	x.height(sub, 48)
}

// body writes the lines of the table and returns the row of the last.
func (x *xlsx) body(e Export) int {
	row := xlsxFirstLine
	for _, l := range e.printLines() {
		x.line(row, l)
		row++
	}
	return row - 1
}

// line writes one line: its number, its label and its counts as numbers.
func (x *xlsx) line(row int, l printLine) {
	text, count := x.st.text, x.st.count
	switch l.kind {
	case lineGroup:
		text, count = x.st.groupText, x.st.groupCount
	case lineTotal:
		text, count = x.st.totalText, x.st.totalCount
	}
	x.set(1, row, l.stt, count)
	x.set(xlsxNameCol, row, l.name, text)
	for i, c := range Counts {
		x.set(xlsxFirstCount+i, row, c.Of(l.row), count)
	}
}

// notes writes, from row on, how the columns add up and the narrative.
func (x *xlsx) notes(e Export, row int) {
	lines := []struct {
		text  string
		style int
	}{
		{"Ghi chú / Notes: " + identities() + ".", x.st.note},
		{"(14), (15): hồ sơ rút và hồ sơ bị từ chối trong kỳ, đã tính trong (7) và trong (8), (9) hoặc (10) theo kết quả; " +
			"không cộng thêm vào tổng / withdrawn and refused dossiers, already counted in (7) and in (8), (9) or (10) " +
			"by their outcome; never added again to a total.", x.st.note},
		{"", x.st.note},
		{e.sentence().VI, x.st.summary},
		{e.sentence().EN, x.st.note},
	}
	for i, l := range lines {
		x.merge(1, row+i, xlsxLastCol, row+i, l.text, l.style)
		x.height(row+i, wrappedHeight(l.text))
	}
}

// xlsxLineChars is about how many characters of 11-12 pt text fit on one
// line across the whole table.
var xlsxLineChars = xlsxWidthSTT + xlsxWidthName + xlsxWidthCount*len(Counts) - 20

// wrappedHeight is the height of a merged row across the table holding
// text: merged cells do not grow by themselves.
func wrappedHeight(text string) float64 {
	lines := max(1, (utf8.RuneCountInString(strings.TrimSpace(text))+xlsxLineChars-1)/xlsxLineChars)
	return float64(16*lines + 2)
}
