package main

import (
	"bytes"
	"encoding/json"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"gorm.io/gorm"

	"github.com/motcua/motcua/reports"
)

// reportDB migrates an SQLite database at DATABASE_URL and plays a
// construction permit at HBI through the engine: received Mon 16/11/2026,
// due Tue 01/12/2026, so in progress within the deadline on 30/11/2026.
// It returns the database.
func reportDB(t *testing.T) *gorm.DB {
	t.Helper()
	db := migratedSQLite(t)
	receivedDossier(t, db)
	return db
}

// TestReportCommand: `motcua report` writes JSON and CSV to standard
// output and XLSX to --out, for one board or every board.
func TestReportCommand(t *testing.T) {
	reportDB(t)
	var js bytes.Buffer
	if err := run([]string{"report", "--board", "HBI", "--period", "2026-11"}, &js, quiet); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Board struct {
			Code string `json:"code"`
		} `json:"board"`
		Total struct {
			ReceivedTotal    int `json:"received_total"`
			InProgressWithin int `json:"in_progress_within"`
		} `json:"total"`
		Indicators json.RawMessage `json:"indicators_766"`
	}
	if err := json.Unmarshal(js.Bytes(), &doc); err != nil {
		t.Fatalf("%v\n%s", err, js.String())
	}
	if doc.Board.Code != "HBI" || doc.Total.ReceivedTotal != 1 || doc.Total.InProgressWithin != 1 || len(doc.Indicators) == 0 {
		t.Errorf("JSON report %s", js.String())
	}

	var csv bytes.Buffer
	if err := run([]string{"report", "--period", "01/11/2026..30/11/2026", "--format", "csv"}, &csv, quiet); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(csv.String(), "\uFEFFSTT,") || !strings.Contains(csv.String(), ",,Tổng cộng,1,0,1,0,0,0,0,0,1,1,0,0,0\r\n") {
		t.Errorf("CSV report for every board:\n%s", csv.String())
	}
	checkReportXLSX(t)
}

// checkReportXLSX: --out with an .xlsx name writes the workbook.
func checkReportXLSX(t *testing.T) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "bieu06.xlsx")
	var msg bytes.Buffer
	if err := run([]string{"report", "--board", "hbi", "--period", "2026-Q4", "--out", out}, &msg, quiet); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(msg.String(), out) || !strings.Contains(msg.String(), "Quý IV năm 2026") {
		t.Errorf("report printed %q", msg.String())
	}
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	title, _ := f.GetCellValue(reports.XLSXSheet, "A6")
	unit, _ := f.GetCellValue(reports.XLSXSheet, "A5")
	if !strings.Contains(title, "Quý IV năm 2026") || !strings.Contains(unit, "Ban Quản lý các khu công nghiệp HBI") {
		t.Errorf("XLSX heading %q / %q", unit, title)
	}
}

// TestRecountCommand: counters changed behind the engine's back (here
// more overdue than in progress) make the report refuse, naming `motcua
// recount`; the recount restores them and the report's figures.
func TestRecountCommand(t *testing.T) {
	db := reportDB(t)
	args := []string{"report", "--board", "HBI", "--period", "2026-11", "--format", "csv"}
	var before bytes.Buffer
	if err := run(args, &before, quiet); err != nil {
		t.Fatal(err)
	}
	if err := db.Exec("UPDATE report_counts SET n = 2, day = '2026-11-20' WHERE kind = 'overdue'").Error; err != nil {
		t.Fatal(err)
	}
	if err := run(args, io.Discard, quiet); err == nil || !strings.Contains(err.Error(), "motcua recount") {
		t.Fatalf("report over lost counters: %v", err)
	}
	var msg, after bytes.Buffer
	if err := run([]string{"recount"}, &msg, quiet); err != nil || !strings.Contains(msg.String(), "rebuilt 2 report counters") {
		t.Fatalf("recount: %v %q", err, msg.String())
	}
	if err := run(args, &after, quiet); err != nil || after.String() != before.String() {
		t.Fatalf("report after the recount: %v\n%s\nwant\n%s", err, after.String(), before.String())
	}
}

// TestReportCommandErrors: a missing or bad period, an unknown board or
// format, each with a message naming it.
func TestReportCommandErrors(t *testing.T) {
	reportDB(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"report", "--board", "HBI"}, "--period"},
		{[]string{"report", "--period", "2026-H3"}, `period "2026-H3"`},
		{[]string{"report", "--period", "2026", "--board", "XYZ"}, `"XYZ"`},
		{[]string{"report", "--period", "2026", "--format", "pdf"}, "--format"},
		{[]string{"report", "--period", "2026", "--out", filepath.Join(t.TempDir(), "r.txt")}, "--format"},
		{[]string{"report", "--period", "2026", "extra"}, "extra"},
	} {
		err := run(c.args, io.Discard, quiet)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want one mentioning %s", c.args, err, c.want)
		}
	}
}
