package reports_test

import (
	"bytes"
	"encoding/json"
	"slices"
	"testing"

	"github.com/motcua/motcua/reports"
	"github.com/motcua/motcua/workflow"
)

// distinctRow is a row whose thirteen counts all differ, so that a count
// read from or added to the wrong field shows.
func distinctRow(base int) reports.Row {
	return reports.Row{Procedure: "p", Name: workflow.Text{VI: "Thủ tục", EN: "Procedure"}, Field: "dau_tu",
		ReceivedTotal: base + 1, ReceivedOnline: base + 2, ReceivedOffline: base + 3, CarriedOver: base + 4,
		ResolvedTotal: base + 5, ResolvedEarly: base + 6, ResolvedOnTime: base + 7, ResolvedLate: base + 8,
		InProgressTotal: base + 9, InProgressWithin: base + 10, InProgressOverdue: base + 11,
		Withdrawn: base + 12, Refused: base + 13}
}

// TestCountsTable checks the table of counts against the form's columns as
// counts (export_test.go) lists them: each entry reads its own field, and
// Row.Add adds every count to its own field.
func TestCountsTable(t *testing.T) {
	a, b := distinctRow(0), distinctRow(100)
	if len(reports.Counts) != 13 {
		t.Fatalf("%d counts, want 13", len(reports.Counts))
	}
	want := counts(a)
	for i, c := range reports.Counts {
		if got := c.Of(a); got != want[i] {
			t.Errorf("count %d (%s) reads %d, want %d", i, c.Key, got, want[i])
		}
		if c.Column() != i+3 {
			t.Errorf("count %s is column (%d), want (%d)", c.Key, c.Column(), i+3)
		}
	}
	sum := a
	sum.Add(b)
	for i, n := range counts(sum) {
		if n != counts(a)[i]+counts(b)[i] {
			t.Errorf("Add: count %s is %d, want %d", reports.Counts[i].Key, n, counts(a)[i]+counts(b)[i])
		}
	}
	if sum.Procedure != a.Procedure || sum.Name != a.Name || sum.Field != a.Field {
		t.Errorf("Add changed the labels: %+v", sum)
	}
}

// TestRowJSONRoundTrip reads back what a row's JSON writes, and the keys
// come in the order of the form.
func TestRowJSONRoundTrip(t *testing.T) {
	r := distinctRow(40)
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var back reports.Row
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back != r {
		t.Fatalf("round trip\n got %+v\nwant %+v\njson %s", back, r, b)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if _, err := dec.Token(); err != nil { // {
		t.Fatal(err)
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{"procedure", "name", "field", "received_total", "received_online", "received_offline",
		"carried_over", "resolved_total", "resolved_early", "resolved_on_time", "resolved_late", "in_progress_total",
		"in_progress_within", "in_progress_overdue", "withdrawn", "refused"}
	if !slices.Equal(keys, want) {
		t.Fatalf("keys %v\nwant %v", keys, want)
	}
}

// TestBalancedIdentities breaks each identity of the form on a balanced
// row, one at a time: every break is seen.
func TestBalancedIdentities(t *testing.T) {
	ok := reports.Row{ReceivedTotal: 6, ReceivedOnline: 1, ReceivedOffline: 5, CarriedOver: 1,
		ResolvedTotal: 5, ResolvedEarly: 2, ResolvedOnTime: 2, ResolvedLate: 1,
		InProgressTotal: 2, InProgressWithin: 1, InProgressOverdue: 1, Withdrawn: 1, Refused: 1}
	if !ok.Balanced() {
		t.Fatalf("%+v should balance", ok)
	}
	for _, c := range []struct {
		what  string
		spoil func(*reports.Row)
	}{
		{"received = online + offline", func(r *reports.Row) { r.ReceivedOnline++ }},
		{"received + carried over = resolved + in progress", func(r *reports.Row) { r.CarriedOver++ }},
		{"resolved = early + on time + late", func(r *reports.Row) { r.ResolvedLate++ }},
		{"in progress = within + overdue", func(r *reports.Row) { r.InProgressOverdue++ }},
		{"in progress in the balance", func(r *reports.Row) { r.InProgressTotal++; r.InProgressWithin++ }},
	} {
		r := ok
		c.spoil(&r)
		if r.Balanced() {
			t.Errorf("%s broken, yet %+v balances", c.what, r)
		}
	}
	informational := ok
	informational.Withdrawn, informational.Refused = 9, 9
	if !informational.Balanced() {
		t.Errorf("withdrawn and refused are informational, yet %+v does not balance", informational)
	}
}
