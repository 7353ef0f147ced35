package reports

import (
	"fmt"
	"strings"

	"github.com/motcua/motcua/workflow"
)

// Narrative writes the sentence boards publish from a total row, in
// Vietnamese and English, naming only the parts that are not zero. For
// Hòa Bình's first half of 2024 (15 received, 4 carried over, 17 resolved
// early, 2 in progress within the deadline) it gives the board's own words:
//
//	tiếp nhận 15 hồ sơ và 4 hồ sơ từ kỳ trước chuyển sang, đã giải quyết và
//	trả kết quả trước hạn 17 hồ sơ, 2 hồ sơ đang trong thời gian giải quyết
//
// Resolved dossiers in more than one class are written as a total with the
// split in brackets; overdue dossiers in progress get a clause of their own.
func Narrative(t Row) workflow.Text {
	vi := []string{receivedVI(t)}
	en := []string{receivedEN(t)}
	if t.ResolvedTotal > 0 {
		vi, en = append(vi, resolvedVI(t)), append(en, resolvedEN(t))
	}
	if t.InProgressWithin > 0 {
		vi = append(vi, fmt.Sprintf("%d hồ sơ đang trong thời gian giải quyết", t.InProgressWithin))
		en = append(en, fmt.Sprintf("%s within the time limit", dossiers(t.InProgressWithin)))
	}
	if t.InProgressOverdue > 0 {
		vi = append(vi, fmt.Sprintf("%d hồ sơ đang giải quyết quá hạn", t.InProgressOverdue))
		en = append(en, fmt.Sprintf("%s in progress past the time limit", dossiers(t.InProgressOverdue)))
	}
	return workflow.Text{VI: strings.Join(vi, ", "), EN: strings.Join(en, ", ")}
}

// receivedVI is the opening clause: dossiers received and carried over.
func receivedVI(t Row) string {
	switch {
	case t.ReceivedTotal > 0 && t.CarriedOver > 0:
		return fmt.Sprintf("tiếp nhận %d hồ sơ và %d hồ sơ từ kỳ trước chuyển sang", t.ReceivedTotal, t.CarriedOver)
	case t.ReceivedTotal > 0:
		return fmt.Sprintf("tiếp nhận %d hồ sơ", t.ReceivedTotal)
	case t.CarriedOver > 0:
		return fmt.Sprintf("không tiếp nhận hồ sơ mới, %d hồ sơ từ kỳ trước chuyển sang", t.CarriedOver)
	}
	return "không tiếp nhận hồ sơ và không có hồ sơ từ kỳ trước chuyển sang"
}

// receivedEN is receivedVI in English.
func receivedEN(t Row) string {
	switch {
	case t.ReceivedTotal > 0 && t.CarriedOver > 0:
		return fmt.Sprintf("received %s and %s carried over from the previous period", dossiers(t.ReceivedTotal), dossiers(t.CarriedOver))
	case t.ReceivedTotal > 0:
		return fmt.Sprintf("received %s", dossiers(t.ReceivedTotal))
	case t.CarriedOver > 0:
		return fmt.Sprintf("received no new dossier, %s carried over from the previous period", dossiers(t.CarriedOver))
	}
	return "received no dossier and none was carried over from the previous period"
}

// outcomeClass is one class of resolved dossiers with its wording.
type outcomeClass struct {
	n      int
	vi, en string
}

// classes lists the non-empty outcome classes of resolved dossiers: the
// parts of the resolved total in Counts (early, on time, late), worded as
// their headers in lower case.
func classes(t Row) []outcomeClass {
	var out []outcomeClass
	for _, c := range Counts {
		if c.Group != GroupResolved || c.PartOf == "" || c.Of(t) == 0 {
			continue
		}
		out = append(out, outcomeClass{c.Of(t), lowerFirst(c.Head.VI), strings.ToLower(c.Head.EN)})
	}
	return out
}

// resolvedVI is the resolved clause: "đã giải quyết và trả kết quả trước
// hạn 17 hồ sơ" for one class, else the total and the split in brackets.
func resolvedVI(t Row) string {
	cs := classes(t)
	if len(cs) == 0 {
		return fmt.Sprintf("đã giải quyết và trả kết quả %d hồ sơ", t.ResolvedTotal)
	}
	if len(cs) == 1 {
		return fmt.Sprintf("đã giải quyết và trả kết quả %s %d hồ sơ", cs[0].vi, cs[0].n)
	}
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = fmt.Sprintf("%s %d hồ sơ", c.vi, c.n)
	}
	return fmt.Sprintf("đã giải quyết và trả kết quả %d hồ sơ (%s)", t.ResolvedTotal, strings.Join(parts, ", "))
}

// resolvedEN is resolvedVI in English.
func resolvedEN(t Row) string {
	cs := classes(t)
	if len(cs) == 0 {
		return "resolved and returned " + dossiers(t.ResolvedTotal)
	}
	if len(cs) == 1 {
		return fmt.Sprintf("resolved and returned %s %s", dossiers(cs[0].n), cs[0].en)
	}
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = fmt.Sprintf("%d %s", c.n, c.en)
	}
	return fmt.Sprintf("resolved and returned %s (%s)", dossiers(t.ResolvedTotal), strings.Join(parts, ", "))
}

// dossiers writes "1 dossier" or "n dossiers".
func dossiers(n int) string {
	if n == 1 {
		return "1 dossier"
	}
	return fmt.Sprintf("%d dossiers", n)
}
