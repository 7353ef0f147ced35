package reports

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/motcua/motcua/workflow"
)

// CountGroup is a group of Biểu 06's count columns: the upper header of the
// printed form, over the columns of its counts.
type CountGroup struct {
	Key  string        // received, resolved, in_progress, of_resolved
	Name workflow.Text // the header as the form prints it
}

// The groups of Biểu 06's counts, in the order of the form.
var (
	GroupReceived = CountGroup{"received",
		workflow.Text{VI: "Số hồ sơ nhận giải quyết", EN: "Dossiers to handle"}}
	GroupResolved = CountGroup{"resolved",
		workflow.Text{VI: "Số lượng hồ sơ đã giải quyết", EN: "Dossiers resolved"}}
	GroupInProgress = CountGroup{"in_progress",
		workflow.Text{VI: "Số lượng hồ sơ đang giải quyết", EN: "Dossiers in progress"}}
	GroupOfResolved = CountGroup{"of_resolved",
		workflow.Text{VI: "Trong số đã giải quyết (đã tính ở trên)", EN: "Of those resolved (counted above)"}}
)

// Flow is a count's side in the balance of the dossiers handled in a
// period: what comes in (received, carried over) equals what goes out
// (resolved, in progress).
type Flow int

// The sides of the balance.
const (
	FlowNone Flow = iota // not in the balance: a part of another count, or informational
	FlowIn               // the dossiers handled come from it
	FlowOut              // the dossiers handled end in it
)

// Count is one of the thirteen counts of Biểu số 06/VPCP/KSTT: its key (the
// JSON key and the column of docs/REPORTS.md), its header under its group
// on the printed form, its side in the balance, the count it splits (if
// any) and where a Row holds it. Counts lists them; Row.Add, Row.Balanced,
// the JSON of a row, the CSV and XLSX columns and the narrative's classes
// of resolved dossiers are all read from that table.
type Count struct {
	Key    string        // JSON key: received_total, …
	Head   workflow.Text // header under the group: "Tổng số", "Trong đó: Trực tuyến", …
	Group  CountGroup    // the upper header
	Flow   Flow          // side in the balance received + carried over = resolved + in progress
	PartOf string        // the key of the count this one splits with its siblings; "" for none
	field  func(*Row) *int
}

// Of is the count's value in r.
func (c Count) Of(r Row) int { return *c.field(&r) }

// text is a label in both languages.
func text(vi, en string) workflow.Text { return workflow.Text{VI: vi, EN: en} }

// Counts are the thirteen counts in the order of the form (columns 3 to 15
// of the printed form). The last two are informational: withdrawn and
// refused dossiers are already counted as resolved (see Row).
var Counts = []Count{
	{"received_total", text("Tổng số", "Total"), GroupReceived, FlowIn, "",
		func(r *Row) *int { return &r.ReceivedTotal }},
	{"received_online", text("Trong đó: Trực tuyến", "Of which online"), GroupReceived, FlowNone, "received_total",
		func(r *Row) *int { return &r.ReceivedOnline }},
	{"received_offline", text("Trực tiếp, dịch vụ bưu chính", "At the desk or by post"), GroupReceived, FlowNone, "received_total",
		func(r *Row) *int { return &r.ReceivedOffline }},
	{"carried_over", text("Từ kỳ trước", "From the previous period"), GroupReceived, FlowIn, "",
		func(r *Row) *int { return &r.CarriedOver }},
	{"resolved_total", text("Tổng số", "Total"), GroupResolved, FlowOut, "",
		func(r *Row) *int { return &r.ResolvedTotal }},
	{"resolved_early", text("Trước hạn", "Early"), GroupResolved, FlowNone, "resolved_total",
		func(r *Row) *int { return &r.ResolvedEarly }},
	{"resolved_on_time", text("Đúng hạn", "On time"), GroupResolved, FlowNone, "resolved_total",
		func(r *Row) *int { return &r.ResolvedOnTime }},
	{"resolved_late", text("Quá hạn", "Late"), GroupResolved, FlowNone, "resolved_total",
		func(r *Row) *int { return &r.ResolvedLate }},
	{"in_progress_total", text("Tổng số", "Total"), GroupInProgress, FlowOut, "",
		func(r *Row) *int { return &r.InProgressTotal }},
	{"in_progress_within", text("Trong hạn", "Within the time limit"), GroupInProgress, FlowNone, "in_progress_total",
		func(r *Row) *int { return &r.InProgressWithin }},
	{"in_progress_overdue", text("Quá hạn", "Overdue"), GroupInProgress, FlowNone, "in_progress_total",
		func(r *Row) *int { return &r.InProgressOverdue }},
	{"withdrawn", text("Rút hồ sơ", "Withdrawn"), GroupOfResolved, FlowNone, "",
		func(r *Row) *int { return &r.Withdrawn }},
	{"refused", text("Từ chối", "Refused"), GroupOfResolved, FlowNone, "",
		func(r *Row) *int { return &r.Refused }},
}

// Add adds r's counts to t.
func (t *Row) Add(r Row) {
	for _, c := range Counts {
		*c.field(t) += c.Of(r)
	}
}

// Balanced reports whether the identities of the form hold on the row
// (the notes under the printed table): what comes in equals what goes out,
// received + carried over = resolved + in progress; and every count that
// is split equals the sum of its parts: received = online + offline,
// resolved = early + on time + late, in progress = within + overdue.
func (t Row) Balanced() bool {
	balance, parts := 0, map[string]int{}
	for _, c := range Counts {
		switch c.Flow {
		case FlowIn:
			balance += c.Of(t)
		case FlowOut:
			balance -= c.Of(t)
		}
		if c.PartOf != "" {
			parts[c.PartOf] += c.Of(t)
		}
	}
	for _, c := range Counts {
		if sum, split := parts[c.Key]; split && sum != c.Of(t) {
			return false
		}
	}
	return balance == 0
}

// nonNegative reports whether no count of the row is below zero.
func (t Row) nonNegative() bool {
	for _, c := range Counts {
		if c.Of(t) < 0 {
			return false
		}
	}
	return true
}

// Column is a count's number on the printed form: (3) to (15), after STT
// and the name.
func (c Count) Column() int {
	for i, o := range Counts {
		if o.Key == c.Key {
			return xlsxFirstCount + i
		}
	}
	return 0
}

// identities are the form's notes on how its columns add up, as the
// printed form writes them: each split count after its parts' total, and
// the balance after the first count that comes in:
// "(3) = (4) + (5); (3) + (6) = (7) + (11); (7) = (8) + (9) + (10); (11) = (12) + (13)".
func identities() string {
	var out []string
	parts := func(key string) (cols []int) {
		for _, c := range Counts {
			if c.PartOf == key {
				cols = append(cols, c.Column())
			}
		}
		return cols
	}
	side := func(f Flow) (cols []int) {
		for _, c := range Counts {
			if c.Flow == f {
				cols = append(cols, c.Column())
			}
		}
		return cols
	}
	balanced := false
	for _, c := range Counts {
		if p := parts(c.Key); len(p) > 0 {
			out = append(out, sum([]int{c.Column()})+" = "+sum(p))
		}
		if c.Flow == FlowIn && !balanced {
			out, balanced = append(out, sum(side(FlowIn))+" = "+sum(side(FlowOut))), true
		}
	}
	return strings.Join(out, "; ")
}

// sum writes column numbers as "(7) + (11)".
func sum(cols []int) string {
	s := make([]string, len(cols))
	for i, c := range cols {
		s[i] = fmt.Sprintf("(%d)", c)
	}
	return strings.Join(s, " + ")
}

// appendCounts appends the row's counts as JSON members, in the order of
// the form, each after a comma.
func appendCounts(b []byte, r Row) []byte {
	for _, c := range Counts {
		b = append(b, ',', '"')
		b = append(b, c.Key...)
		b = append(b, '"', ':')
		b = strconv.AppendInt(b, int64(c.Of(r)), 10)
	}
	return b
}

// appendMember appends "key":value, marshalling v.
func appendMember(b []byte, key string, v any) ([]byte, error) {
	enc, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("reports: marshal %s: %w", key, err)
	}
	b = strconv.AppendQuote(b, key)
	b = append(b, ':')
	return append(b, enc...), nil
}

// MarshalJSON writes the row as {"procedure", "name", "field", then the
// thirteen counts under their keys, in the order of Counts}.
func (t Row) MarshalJSON() ([]byte, error) {
	b := []byte{'{'}
	var err error
	for i, m := range []struct {
		key string
		v   any
	}{{"procedure", t.Procedure}, {"name", t.Name}, {"field", t.Field}} {
		if i > 0 {
			b = append(b, ',')
		}
		if b, err = appendMember(b, m.key, m.v); err != nil {
			return nil, err
		}
	}
	return append(appendCounts(b, t), '}'), nil
}

// UnmarshalJSON reads what MarshalJSON writes; a count that is missing
// stays zero.
func (t *Row) UnmarshalJSON(data []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return fmt.Errorf("reports: read a Biểu 06 row: %w", err)
	}
	var out Row
	for key, dst := range map[string]any{"procedure": &out.Procedure, "name": &out.Name, "field": &out.Field} {
		if raw, ok := m[key]; ok {
			if err := json.Unmarshal(raw, dst); err != nil {
				return fmt.Errorf("reports: read a Biểu 06 row: %s: %w", key, err)
			}
		}
	}
	for _, c := range Counts {
		if raw, ok := m[c.Key]; ok {
			if err := json.Unmarshal(raw, c.field(&out)); err != nil {
				return fmt.Errorf("reports: read a Biểu 06 row: %s: %w", c.Key, err)
			}
		}
	}
	*t = out
	return nil
}
