package reports_test

import (
	"context"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/models/modelstest"
	"github.com/motcua/motcua/workflow/workflowtest"
)

// officeBinary finds LibreOffice. Without it the test is skipped, unless
// MOTCUA_REQUIRE_OFFICE=1 (`make test-office`, .ci/run), which fails it.
func officeBinary(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"libreoffice", "soffice"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	if os.Getenv("MOTCUA_REQUIRE_OFFICE") == "1" {
		t.Fatal("LibreOffice (libreoffice or soffice) is not installed: apt-get install libreoffice-calc")
	}
	t.Skip("LibreOffice is not installed; MOTCUA_REQUIRE_OFFICE=1 makes this a failure")
	return ""
}

// TestXLSXInLibreOffice opens the Biểu 06 workbook in LibreOffice Calc
// (headless), converts it to CSV and finds the total line with the
// report's counts: the file is one an office suite reads, not only
// excelize.
func TestXLSXInLibreOffice(t *testing.T) {
	office := officeBinary(t)
	e := exportOctober(t, modelstest.SQLite(t), workflowtest.Engine(t))
	dir := t.TempDir()
	in := filepath.Join(dir, e.FileName("xlsx"))
	out, err := os.Create(in)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.WriteXLSX(out); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	// A profile of its own, so that a running LibreOffice or a parallel test does not interfere;
	// the filter options ask for commas, double quotes and UTF-8 (76).
	cmd := exec.CommandContext(ctx, office, "-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
		"--headless", "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", dir, in)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", cmd, err, msg)
	}
	converted := strings.TrimSuffix(in, ".xlsx") + ".csv"
	data, err := os.ReadFile(converted)
	if err != nil {
		t.Fatalf("LibreOffice wrote no %s: %v", filepath.Base(converted), err)
	}
	recs, err := csv.NewReader(strings.NewReader(string(data))).ReadAll()
	if err != nil {
		t.Fatalf("LibreOffice's CSV does not parse: %v\n%s", err, data)
	}
	want := []string{"", "Tổng cộng"}
	for _, n := range counts(e.Report.Total) {
		want = append(want, strconv.Itoa(n))
	}
	for _, r := range recs {
		if len(r) >= len(want) && slices.Equal(r[:len(want)], want) {
			return
		}
	}
	t.Fatalf("LibreOffice's CSV has no total line %q:\n%s", want, data)
}
