package reports_test

import (
	"context"
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"testing"

	"gorm.io/gorm"

	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/models/modelstest"
	"github.com/motcua/motcua/reports"
	"github.com/motcua/motcua/workflow"
	"github.com/motcua/motcua/workflow/workflowtest"
)

const union = "union-registration"

// october2024 drives union-registration dossiers (10 working days, the
// clock pauses on supplementation) through October 2024, which has no
// public holiday: every appointment below was counted by hand on the
// weekday calendar (01/10/2024 is a Tuesday).
func october2024(t *testing.T, db *gorm.DB, eng *workflow.Engine, board uint) map[string]*models.Dossier {
	d := map[string]*models.Dossier{}
	direct, online := models.ChannelDirect, models.ChannelOnline
	// A: received 01/10, due 15/10, approved on 15/10: on time.
	d["A"] = script(t, db, eng, submit(t, db, eng, board, union, "standard", direct, at(t, "2024-10-01 08:30")),
		step{event: "receive", role: "officer", at: "2024-10-01 09:00", due: "2024-10-15"},
		step{event: "assign", role: "officer", at: "2024-10-01 10:00"},
		step{event: "propose", role: "officer", at: "2024-10-14 10:00"},
		step{event: "approve", role: "leader", at: "2024-10-15 16:00"},
		step{event: "return_result", role: "officer", at: "2024-10-16 09:00"})
	// B: received 30/09 (carried over), due 14/10, approved 15/10: late.
	d["B"] = script(t, db, eng, submit(t, db, eng, board, union, "standard", direct, at(t, "2024-09-30 09:00")),
		step{event: "receive", role: "officer", at: "2024-09-30 10:00", due: "2024-10-14"},
		step{event: "assign", role: "officer", at: "2024-10-01 10:00"},
		step{event: "propose", role: "officer", at: "2024-10-14 10:00"},
		step{event: "approve", role: "leader", at: "2024-10-15 09:00"})
	// C: received 21/10, due 04/11: in progress within the deadline at the end.
	d["C"] = script(t, db, eng, submit(t, db, eng, board, union, "standard", direct, at(t, "2024-10-21 08:00")),
		step{event: "receive", role: "officer", at: "2024-10-21 09:00", due: "2024-11-04"},
		step{event: "assign", role: "officer", at: "2024-10-22 09:00"})
	// D: received 01/10, due 15/10, still in review on 31/10: overdue.
	d["D"] = script(t, db, eng, submit(t, db, eng, board, union, "standard", direct, at(t, "2024-10-01 08:00")),
		step{event: "receive", role: "officer", at: "2024-10-01 08:30", due: "2024-10-15"},
		step{event: "assign", role: "officer", at: "2024-10-02 09:00"})
	// E: received 15/10 after the 15:00 cut-off (clock from 16/10, due 30/10);
	// supplementation 18/10 with 8 working days left; resubmitted 23/10, due
	// 04/11; approved 31/10: early.
	d["E"] = script(t, db, eng, submit(t, db, eng, board, union, "standard", direct, at(t, "2024-10-15 15:50")),
		step{event: "receive", role: "officer", at: "2024-10-15 16:00", due: "2024-10-30"},
		step{event: "assign", role: "officer", at: "2024-10-16 09:00"},
		step{event: "request_supplement", role: "officer", at: "2024-10-18 10:00", due: "-"},
		step{event: "resubmit", role: "investor", at: "2024-10-23 09:00", due: "2024-11-04"},
		step{event: "propose", role: "officer", at: "2024-10-30 09:00"},
		step{event: "approve", role: "leader", at: "2024-10-31 11:00"})
	// F: filed online, received 28/10, withdrawn 29/10: resolved early, withdrawn.
	d["F"] = script(t, db, eng, submit(t, db, eng, board, union, "standard", online, at(t, "2024-10-27 20:00")),
		step{event: "receive", role: "officer", at: "2024-10-28 09:00", due: "2024-11-11"},
		step{event: "withdraw", role: "investor", at: "2024-10-29 09:00"})
	// G: received 02/10, refused 09/10 and returned 10/10: resolved early, refused.
	d["G"] = script(t, db, eng, submit(t, db, eng, board, union, "standard", direct, at(t, "2024-10-02 08:00")),
		step{event: "receive", role: "officer", at: "2024-10-02 09:00", due: "2024-10-16"},
		step{event: "assign", role: "officer", at: "2024-10-02 10:00"},
		step{event: "refuse", role: "leader", at: "2024-10-09 10:00"},
		step{event: "return_result", role: "officer", at: "2024-10-10 10:00"})
	// Not counted in October: J resolved before it, I never received, K
	// refused at intake.
	d["J"] = script(t, db, eng, submit(t, db, eng, board, union, "standard", direct, at(t, "2024-09-25 08:00")),
		step{event: "receive", role: "officer", at: "2024-09-25 09:00", due: "2024-10-09"},
		step{event: "assign", role: "officer", at: "2024-09-25 10:00"},
		step{event: "propose", role: "officer", at: "2024-09-26 10:00"},
		step{event: "approve", role: "leader", at: "2024-09-27 10:00"})
	d["I"] = submit(t, db, eng, board, union, "standard", online, at(t, "2024-10-30 10:00"))
	d["K"] = script(t, db, eng, submit(t, db, eng, board, union, "standard", direct, at(t, "2024-10-08 08:00")),
		step{event: "reject_intake", role: "officer", at: "2024-10-08 09:00"})
	return d
}

// wantOctober is the union-registration row of October 2024 for october2024:
// received A, C, D, E, F (online), G; carried over B; resolved A (on time),
// B (late), E, F, G (early); in progress C (within), D (overdue).
var wantOctober = reports.Row{Procedure: union, Field: "lao_dong",
	ReceivedTotal: 6, ReceivedOnline: 1, ReceivedOffline: 5, CarriedOver: 1,
	ResolvedTotal: 5, ResolvedEarly: 3, ResolvedOnTime: 1, ResolvedLate: 1,
	InProgressTotal: 2, InProgressWithin: 1, InProgressOverdue: 1, Withdrawn: 1, Refused: 1}

// TestBieu06Hand checks the October 2024 report against hand counts, then
// moves the dossiers on in November (an extension, a supplementation
// request that clears D's appointment, decisions, a late receipt) and
// checks that October's report is unchanged while November's counts them.
func TestBieu06Hand(t *testing.T) {
	eng := workflowtest.Engine(t)
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		board := newBoard(t, db, "HBI", "000.20.30.H33")
		other := newBoard(t, db, "BGG", "000.20.24.H06")
		d := october2024(t, db, eng, board.ID)
		// Another board's dossier counts for all boards only.
		script(t, db, eng, submit(t, db, eng, other.ID, union, "standard", models.ChannelPostal, at(t, "2024-10-07 08:00")),
			step{event: "receive", role: "officer", at: "2024-10-07 09:00", due: "2024-10-21"})

		oct := reports.Query{Period: period(t, "2024-10"), BoardID: &board.ID}
		before, err := reports.Bieu06(ctx, db, eng.Catalogue(), oct)
		if err != nil {
			t.Fatal(err)
		}
		checkRow(t, "October", rowOf(t, before, union), wantOctober)
		checkBalanced(t, before)
		checkLayout(t, before)
		if want := "tiếp nhận 6 hồ sơ và 1 hồ sơ từ kỳ trước chuyển sang, đã giải quyết và trả kết quả 5 hồ sơ " +
			"(trước hạn 3 hồ sơ, đúng hạn 1 hồ sơ, quá hạn 1 hồ sơ), 1 hồ sơ đang trong thời gian giải quyết, " +
			"1 hồ sơ đang giải quyết quá hạn"; before.Narrative.VI != want {
			t.Errorf("narrative\n got %q\nwant %q", before.Narrative.VI, want)
		}

		// November: C extended then approved; D asked to supplement (its
		// clock pauses: no appointment now) then withdrawn; I and a new
		// dossier received.
		script(t, db, eng, d["C"],
			step{event: "extend", role: "officer", at: "2024-11-01 10:00", due: "2024-11-08"},
			step{event: "propose", role: "officer", at: "2024-11-05 10:00"},
			step{event: "approve", role: "leader", at: "2024-11-07 10:00"})
		script(t, db, eng, d["D"],
			step{event: "request_supplement", role: "officer", at: "2024-11-05 10:00", due: "-"})
		script(t, db, eng, d["I"], step{event: "receive", role: "officer", at: "2024-11-04 09:00", due: "2024-11-18"})
		after, err := reports.Bieu06(ctx, db, eng.Catalogue(), oct)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(before, after) {
			t.Fatalf("October changed after November's events:\nbefore %+v\nafter  %+v", before.Total, after.Total)
		}

		nov, err := reports.Bieu06(ctx, db, eng.Catalogue(), reports.Query{Period: period(t, "2024-11"), BoardID: &board.ID})
		if err != nil {
			t.Fatal(err)
		}
		// Carried over C and D; received I; C resolved early (due 08/11 after
		// the extension); D paused at the end: within; I due 18/11: overdue.
		checkRow(t, "November", rowOf(t, nov, union), reports.Row{Procedure: union, Field: "lao_dong",
			ReceivedTotal: 1, ReceivedOnline: 1, CarriedOver: 2, ResolvedTotal: 1, ResolvedEarly: 1,
			InProgressTotal: 2, InProgressWithin: 1, InProgressOverdue: 1})

		all, err := reports.Bieu06(ctx, db, eng.Catalogue(), reports.Query{Period: period(t, "2024-10")})
		if err != nil {
			t.Fatal(err)
		}
		want := wantOctober
		want.ReceivedTotal, want.ReceivedOffline, want.InProgressTotal, want.InProgressOverdue = 7, 6, 3, 2
		checkRow(t, "October, all boards", rowOf(t, all, union), want)

		// A procedure the catalogue no longer has still counts, under "khac".
		cat := *eng.Catalogue()
		cat.Procedures = maps.Clone(cat.Procedures)
		delete(cat.Procedures, union)
		cat.Order = slices.DeleteFunc(slices.Clone(cat.Order), func(c string) bool { return c == union })
		gone, err := reports.Bieu06(ctx, db, &cat, oct)
		if err != nil {
			t.Fatal(err)
		}
		last := gone.Groups[len(gone.Groups)-1]
		if last.Field != "khac" || len(last.Rows) != 1 {
			t.Fatalf("last group %+v", last)
		}
		checkRow(t, "unknown procedure", last.Rows[0], withLabels(wantOctober, union, "khac"))
		checkBalanced(t, gone)
	})
}

// TestRowJSON pins the column names of Biểu 06 rows.
func TestRowJSON(t *testing.T) {
	b, err := json.Marshal(reports.Row{})
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	want := []string{"procedure", "name", "field", "received_total", "received_online", "received_offline",
		"carried_over", "resolved_total", "resolved_early", "resolved_on_time", "resolved_late", "in_progress_total",
		"in_progress_within", "in_progress_overdue", "withdrawn", "refused"}
	got := slices.Sorted(maps.Keys(m))
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("JSON keys %v, want %v", got, want)
	}
}

// checkLayout checks the groups: fields in the order of workflow.Fields,
// procedures in catalogue order, every procedure once.
func checkLayout(t testing.TB, rep *reports.Report) {
	t.Helper()
	var got []string
	for _, g := range rep.Groups {
		for _, r := range g.Rows {
			if r.Field != g.Field || g.Subtotal.Field != g.Field || g.Subtotal.Procedure != "" {
				t.Errorf("row %s in group %s, subtotal %+v", r.Procedure, g.Field, g.Subtotal)
			}
			got = append(got, g.Field+":"+r.Procedure)
		}
	}
	want := []string{"dau_tu:investment-certificate", "xay_dung:construction-permit", "xay_dung:feasibility-appraisal",
		"moi_truong:environmental-licence", "lao_dong:union-registration"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("layout %v, want %v", got, want)
	}
	if rep.Total.Name.VI != "Tổng cộng" || rep.Groups[0].Name.VI != "Lĩnh vực đầu tư" {
		t.Errorf("names: total %q, first group %q", rep.Total.Name.VI, rep.Groups[0].Name.VI)
	}
}

// checkRow compares the counts of a row (names aside).
func checkRow(t testing.TB, what string, got, want reports.Row) {
	t.Helper()
	got.Name, want.Name = workflow.Text{}, workflow.Text{}
	if got != want {
		t.Errorf("%s:\n got %+v\nwant %+v", what, got, want)
	}
}

// checkBalanced checks both identities on every line of a report, and that
// subtotals and the total add up.
func checkBalanced(t testing.TB, rep *reports.Report) {
	t.Helper()
	for _, r := range rep.Lines() {
		if !r.Balanced() {
			t.Errorf("%s: row %s (%s) does not balance: %+v", rep.Period, r.Procedure, r.Name.VI, r)
		}
	}
	var total reports.Row
	for _, g := range rep.Groups {
		var sub reports.Row
		for _, r := range g.Rows {
			sub = sum(sub, r)
		}
		checkRow(t, "subtotal "+g.Field, withLabels(g.Subtotal, "", ""), sub)
		total = sum(total, sub)
	}
	checkRow(t, "total", withLabels(rep.Total, "", ""), total)
}

// withLabels sets a row's procedure and field.
func withLabels(r reports.Row, procedure, field string) reports.Row {
	r.Procedure, r.Field = procedure, field
	return r
}

// sum adds two rows cell by cell (labels dropped); TestCountsTable checks
// Row.Add against the form's columns.
func sum(a, b reports.Row) reports.Row {
	var out reports.Row
	out.Add(a)
	out.Add(b)
	return out
}
