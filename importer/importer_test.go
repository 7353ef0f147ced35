package importer_test

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"unicode"

	"gorm.io/gorm"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/importer"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/models/modelstest"
	"github.com/motcua/motcua/reports"
	"github.com/motcua/motcua/workflow/workflowtest"
)

// The test files: Hòa Bình's history, and the example of docs/IMPORT.md.
const (
	hbiFile     = "testdata/hbi-2024-h1.jsonl"
	exampleFile = "../docs/import-example.jsonl"
)

// hoaBinhSentence is the sentence Hòa Bình published for the first half of
// 2024 (shared/LEGAL.md §4), as reports.Narrative writes it.
const (
	hoaBinhSentence = "tiếp nhận 15 hồ sơ và 4 hồ sơ từ kỳ trước chuyển sang, đã giải quyết và trả kết quả " +
		"trước hạn 17 hồ sơ, 2 hồ sơ đang trong thời gian giải quyết"
	hoaBinhSentenceEN = "received 15 dossiers and 4 dossiers carried over from the previous period, resolved and returned " +
		"17 dossiers early, 2 dossiers within the time limit"
)

// TestImportHoaBinh2024H1 imports Hòa Bình's history from 12/2023 to 07/2024
// (19 dossiers, 5 opening projects) and computes Biểu 06 for 01/01/2024 –
// 30/06/2024 from it: the board's published figures and sentence. Every
// event of the file lands on a working day of the 2024 calendar. The
// second half of 2023 sees the 4 dossiers carried over as received and in
// progress.
func TestImportHoaBinh2024H1(t *testing.T) {
	eng := workflowtest.Engine(t)
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		hbi := seedBoards(t, db)["HBI"]
		sum, err := importFile(t, db, eng, hbiFile, false)
		if err != nil {
			t.Fatal(err)
		}
		if !sum.Committed || sum.Dossiers != 19 || sum.Projects != 5 || sum.Lines != 35 {
			t.Fatalf("summary %+v", sum)
		}
		checkWorkingDays(t, db, eng.Calendar())

		rep, err := reports.Bieu06(ctx, db, eng.Catalogue(), reports.Query{Period: period(t, "01/01/2024..30/06/2024"), BoardID: &hbi.ID})
		if err != nil {
			t.Fatal(err)
		}
		want := reports.Row{Name: rep.Total.Name, ReceivedTotal: 15, ReceivedOnline: 7, ReceivedOffline: 8, CarriedOver: 4,
			ResolvedTotal: 17, ResolvedEarly: 17, InProgressTotal: 2, InProgressWithin: 2}
		if rep.Total != want {
			t.Errorf("total row\n got %+v\nwant %+v", rep.Total, want)
		}
		if rep.Narrative.VI != hoaBinhSentence || rep.Narrative.EN != hoaBinhSentenceEN {
			t.Errorf("narrative\n got %q\n     %q\nwant %q\n     %q", rep.Narrative.VI, rep.Narrative.EN, hoaBinhSentence, hoaBinhSentenceEN)
		}

		before, err := reports.Bieu06(ctx, db, eng.Catalogue(), reports.Query{Period: period(t, "2023-H2"), BoardID: &hbi.ID})
		if err != nil {
			t.Fatal(err)
		}
		if b := before.Total; b.ReceivedTotal != 4 || b.ResolvedTotal != 0 || b.InProgressWithin != 4 || b.CarriedOver != 0 {
			t.Errorf("2023-H2 total %+v, want the 4 carried-over dossiers received and in progress", b)
		}
		modelstest.CheckCounters(t, db) // the replay kept the report counters as a recount gives them
	})
}

// checkWorkingDays: every history row of the import is on a working day
// of the calendar.
func checkWorkingDays(t *testing.T, db *gorm.DB, cal *deadlines.Calendar) {
	t.Helper()
	var evs []models.DossierEvent
	if err := db.Order("id").Find(&evs).Error; err != nil {
		t.Fatal(err)
	}
	for _, ev := range evs {
		if !cal.IsWorkingDay(ev.At) {
			t.Errorf("dossier %d: %s on %s, a rest day", ev.DossierID, ev.Event, ev.At.In(deadlines.Location).Format("Mon 02/01/2006"))
		}
	}
}

// period parses a report period or fails the test.
func period(t *testing.T, s string) reports.Period {
	t.Helper()
	p, err := reports.ParsePeriod(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestImportBadFile: every kind of fault, one per line with good lines
// between, is reported with its line, field and code and a bilingual
// message, and nothing at all is written.
func TestImportBadFile(t *testing.T) {
	eng := workflowtest.Engine(t)
	want := []importer.Error{
		{Line: 2, Code: importer.CodeMalformedJSON},
		{Line: 4, Field: "investment.capital_musd", Code: importer.CodeUnknownField},
		{Line: 5, Field: "board", Code: importer.CodeUnknownBoard},
		{Line: 6, Field: "zone", Code: importer.CodeUnknownZone},
		{Line: 7, Field: "procedure", Code: importer.CodeUnknownProcedure},
		{Line: 8, Field: "variant", Code: importer.CodeUnknownVariant},
		{Line: 10, Field: "procedure", Code: importer.CodeNoVersion},
		{Line: 11, Field: "events[2].event", Code: "event_not_allowed"},
		{Line: 12, Field: "events[4].role", Code: "role_not_allowed"},
		{Line: 13, Field: "events[3].at", Code: importer.CodeTimeBackwards},
		{Line: 14, Field: "events[0].event", Code: importer.CodeFirstNotSubmit},
		{Line: 15, Field: "events[1].at", Code: importer.CodeInvalidTime},
		{Line: 16, Field: "applicant.name", Code: importer.CodeMissingField},
		{Line: 18, Field: "investment.capital", Code: "invalid_investment"},
		{Line: 19, Field: "project.project_code", Code: importer.CodeDuplicateProject},
		{Line: 20, Field: "investment.capital", Code: importer.CodeWrongType},
		{Line: 21, Field: "events[1].role", Code: importer.CodeInvalidRole},
		{Line: 22, Field: "events[0].at", Code: importer.CodeTimeInFuture},
		{Line: 23, Field: "events[2].at", Code: importer.CodeMissingField},
		{Line: 25, Field: "investment.project_code", Code: "investment_project_not_found"},
		{Line: 26, Field: "events[3].comment", Code: "comment_required"},
		{Line: 27, Field: "events[3].extension.new_due", Code: importer.CodeUnknownField},
		{Line: 28, Field: "events[2].extension", Code: importer.CodeUnexpectedField},
		{Line: 29, Field: "investment", Code: "invalid_investment"},
		{Line: 30, Field: "investment", Code: "invalid_investment"},
		{Line: 31, Field: "events[0].role", Code: "role_not_allowed"},
		{Line: 32, Field: "project.terminated_at", Code: importer.CodeTimeBackwards},
		{Line: 33, Field: "investment.zone", Code: importer.CodeUnknownZone},
		{Line: 34, Code: importer.CodeMalformedJSON},
		{Line: 37, Field: "investment.project_code", Code: importer.CodeDuplicateProject},
		{Line: 38, Field: "applicant.tax_code", Code: importer.CodeTooLong},
	}
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		seedBoards(t, db)
		sum, err := importFile(t, db, eng, "testdata/bad.jsonl", false)
		got := faults(t, err)
		if len(got) != len(want) {
			t.Errorf("%d faults, want %d:\n%v", len(got), len(want), err)
		}
		for i := 0; i < len(got) && i < len(want); i++ {
			g := importer.Error{Line: got[i].Line, Field: got[i].Field, Code: got[i].Code}
			if g != want[i] {
				t.Errorf("fault %d: got %+v, want %+v (%s)", i, g, want[i], got[i].Message)
			}
			checkBilingual(t, got[i])
		}
		// The good lines were replayed in their savepoints, then rolled back with the rest.
		if sum.Committed || sum.Dossiers != 3 || sum.Projects != 2 || sum.Lines != 38 || sum.Skipped != 2 {
			t.Errorf("summary %+v", sum)
		}
		checkEmpty(t, db)
	})
}

// TestImportOneBadLineAtTheEnd: the Hòa Bình file with one faulty line
// appended writes nothing, and names that line only.
func TestImportOneBadLineAtTheEnd(t *testing.T) {
	eng := workflowtest.Engine(t)
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		seedBoards(t, db)
		file := append(workflowtest.ReadFile(t, hbiFile), []byte(`{"board": "HBI", "procedure": "union-registration", "variant": "standard", `+
			`"channel": "direct", "applicant": {"name": "Công đoàn cơ sở Công ty TNHH Thử Nghiệm"}, `+
			`"events": [{"event": "submit", "at": "2024-06-28 09:00", "role": "officer"}, `+
			`{"event": "approve", "at": "2024-06-28 10:00", "role": "leader"}]}`+"\n")...)
		sum, err := importer.Run(context.Background(), db, eng, bytes.NewReader(file), importer.Options{Now: now})
		got := faults(t, err)
		if len(got) != 1 || got[0].Line != 36 || got[0].Field != "events[1].event" || got[0].Code != "event_not_allowed" {
			t.Fatalf("faults %v", err)
		}
		if sum.Dossiers != 19 || sum.Committed {
			t.Errorf("summary %+v", sum)
		}
		checkEmpty(t, db)
	})
}

// TestImportDryRun: the documented example file, dry run, writes nothing
// and gives the summary the real run then gives; the real run writes
// exactly what its summary counts.
func TestImportDryRun(t *testing.T) {
	eng := workflowtest.Engine(t)
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		seedBoards(t, db)
		dry, err := importFile(t, db, eng, exampleFile, true)
		if err != nil {
			t.Fatal(err)
		}
		if !dry.DryRun || dry.Committed || dry.Dossiers == 0 || dry.Projects == 0 {
			t.Fatalf("dry run summary %+v", dry)
		}
		checkEmpty(t, db)
		real, err := importFile(t, db, eng, exampleFile, false)
		if err != nil {
			t.Fatal(err)
		}
		if !real.Committed {
			t.Fatalf("real run summary %+v", real)
		}
		a, b := *dry, *real
		a.DryRun, a.Committed, b.DryRun, b.Committed = false, false, false, false
		if !reflect.DeepEqual(a, b) {
			t.Errorf("dry run %+v\nreal run %+v", a, b)
		}
		if rep, err := models.VerifyAudit(context.Background(), db, models.AuditOptions{}); err != nil || !rep.OK() ||
			rep.Rows != real.Events {
			t.Errorf("the imported history's chains: %+v %v", rep, err)
		}
		counts := tableCounts(t, db)
		if counts["dossiers"] != int64(real.Dossiers) || counts["dossier_events"] != int64(real.Events) ||
			counts["opening records"] != int64(real.Projects) {
			t.Errorf("written %v, summary %+v", counts, real)
		}
		var perProc int
		for _, c := range real.ByProcedure {
			perProc += c.Dossiers
		}
		if perProc != real.Dossiers {
			t.Errorf("per procedure %d dossiers, total %d", perProc, real.Dossiers)
		}
	})
}

// faults unwraps the import's Errors, failing the test on anything else.
func faults(t *testing.T, err error) importer.Errors {
	t.Helper()
	var es importer.Errors
	if !errors.As(err, &es) {
		t.Fatalf("error %v, want importer.Errors", err)
	}
	return es
}

// checkBilingual: the message has a Vietnamese half, with its diacritics,
// and an English half.
func checkBilingual(t *testing.T, e *importer.Error) {
	t.Helper()
	vi, en, ok := strings.Cut(e.Message, " / ")
	if !ok || strings.TrimSpace(en) == "" || strings.IndexFunc(vi, func(r rune) bool { return r > unicode.MaxASCII }) < 0 {
		t.Errorf("line %d: message %q is not Vietnamese / English", e.Line, e.Message)
	}
}

// tableCounts counts the rows an import writes.
func tableCounts(t *testing.T, db *gorm.DB) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, table := range []string{"dossiers", "dossier_events", "attachments", "investment_projects",
		"investment_records", "dossier_sequences", "notifications", "report_counts"} {
		var n int64
		if err := db.Table(table).Count(&n).Error; err != nil {
			t.Fatal(err)
		}
		out[table] = n
	}
	var n int64
	if err := db.Model(&models.InvestmentRecord{}).Where("dossier_id IS NULL AND kind = ?", models.InvestmentIssue).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	out["opening records"] = n
	return out
}

// checkEmpty: nothing of an import was written.
func checkEmpty(t *testing.T, db *gorm.DB) {
	t.Helper()
	for table, n := range tableCounts(t, db) {
		if n != 0 {
			t.Errorf("%s has %d rows after an import that wrote nothing", table, n)
		}
	}
}
