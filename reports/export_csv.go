package reports

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
)

// utf8BOM starts the CSV file so that Excel reads it as UTF-8 and shows
// Vietnamese letters correctly.
const utf8BOM = "\uFEFF"

// csvHeader is the Vietnamese header row: the line's number, the
// procedure's code and name, then each count column as "group: column".
func csvHeader() []string {
	out := []string{"STT", "Mã thủ tục", "Lĩnh vực, thủ tục hành chính"}
	for _, c := range Counts {
		out = append(out, c.Group.Name.VI+": "+c.Head.VI)
	}
	return out
}

// csvRecord is one printed line as CSV fields.
func csvRecord(l printLine) []string {
	out := []string{l.stt, l.code, l.name}
	for _, c := range Counts {
		out = append(out, strconv.Itoa(c.Of(l.row)))
	}
	return out
}

// WriteCSV writes the report as CSV for Excel: UTF-8 with a byte-order
// mark, CRLF line ends, a Vietnamese header row, then one line per field
// (its subtotal, numbered I, II, …), per procedure (1, 2, … under its
// field) and the total ("Tổng cộng") last.
func (e Export) WriteCSV(w io.Writer) error {
	if _, err := io.WriteString(w, utf8BOM); err != nil {
		return fmt.Errorf("reports: write CSV: %w", err)
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(csvHeader()); err != nil {
		return fmt.Errorf("reports: write CSV: %w", err)
	}
	for _, l := range e.printLines() {
		if err := cw.Write(csvRecord(l)); err != nil {
			return fmt.Errorf("reports: write CSV: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("reports: write CSV: %w", err)
	}
	return nil
}
