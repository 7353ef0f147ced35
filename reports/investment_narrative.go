package reports

import (
	"fmt"
	"strings"

	"github.com/motcua/motcua/workflow"
)

// InvestmentNarrative writes the sentence boards publish about a period's
// investment certificates, in Vietnamese and English, naming only the
// parts that are not zero. For Hòa Bình's first half of 2024 it gives:
//
//	cấp mới 1 dự án FDI với tổng vốn đăng ký 0,4 triệu USD; điều chỉnh 12
//	dự án, trong đó 4 dự án tăng vốn với tổng vốn tăng 85 tỷ đồng; chấm dứt
//	hoạt động 2 dự án
func InvestmentNarrative(s *InvestmentStats) workflow.Text {
	var vi, en []string
	if s.New.Projects() > 0 {
		vi = append(vi, "cấp mới "+splitVI(s.New, "tổng vốn đăng ký"))
		en = append(en, "issued "+splitEN(s.New, "new ", "total registered capital of"))
	}
	if a := s.Adjusted; a.Projects > 0 {
		vi, en = append(vi, adjustedVI(a)), append(en, adjustedEN(a))
	}
	if n := s.Terminated.Projects(); n > 0 {
		vi = append(vi, fmt.Sprintf("chấm dứt hoạt động %d dự án", n))
		en = append(en, "terminated "+projects(n, ""))
	}
	if len(vi) == 0 {
		return workflow.Text{VI: "không cấp mới, điều chỉnh hay chấm dứt hoạt động dự án nào",
			EN: "no project was issued, adjusted or terminated"}
	}
	return workflow.Text{VI: strings.Join(vi, "; "), EN: strings.Join(en, "; ")}
}

// CumulativeNarrative writes the sentence about the projects valid at the
// end of the period. For Hòa Bình at 30/06/2024:
//
//	lũy kế 110 dự án còn hiệu lực, gồm 26 dự án FDI với tổng vốn 362,77
//	triệu USD và 84 dự án DDI với tổng vốn 16.036,69 tỷ đồng
func CumulativeNarrative(c Split) workflow.Text {
	n := c.Projects()
	if n == 0 {
		return workflow.Text{VI: "lũy kế không có dự án còn hiệu lực", EN: "no valid project in total"}
	}
	return workflow.Text{
		VI: fmt.Sprintf("lũy kế %d dự án còn hiệu lực, gồm %s", n, splitVI(c, "tổng vốn")),
		EN: fmt.Sprintf("in total %s: %s", projects(n, "valid "), splitEN(c, "", "total capital of")),
	}
}

// adjustedVI is the adjustment clause, with the increases when there are.
func adjustedVI(a Adjustments) string {
	s := fmt.Sprintf("điều chỉnh %d dự án", a.Projects)
	if a.Increased > 0 && len(a.Increase) > 0 {
		s += fmt.Sprintf(", trong đó %d dự án tăng vốn với tổng vốn tăng %s", a.Increased, a.Increase.VI())
	}
	return s
}

// adjustedEN is adjustedVI in English.
func adjustedEN(a Adjustments) string {
	s := "adjusted " + projects(a.Projects, "")
	if a.Increased > 0 && len(a.Increase) > 0 {
		s += fmt.Sprintf(", of which %d increased their capital by %s in total", a.Increased, a.Increase.EN())
	}
	return s
}

// splitVI writes the FDI and DDI parts of a split that are not empty:
// "26 dự án FDI với tổng vốn 362,77 triệu USD và 84 dự án DDI với …".
func splitVI(s Split, capital string) string {
	var parts []string
	for _, g := range splitGroups(s) {
		part := fmt.Sprintf("%d dự án %s", g.t.Projects, g.label)
		if len(g.t.Capital) > 0 {
			part += fmt.Sprintf(" với %s %s", capital, g.t.Capital.VI())
		}
		parts = append(parts, part)
	}
	return strings.Join(parts, groupJoin(s, " và "))
}

// splitEN is splitVI in English.
func splitEN(s Split, adjective, capital string) string {
	var parts []string
	for _, g := range splitGroups(s) {
		part := projects(g.t.Projects, adjective+g.label+" ")
		if len(g.t.Capital) > 0 {
			part += fmt.Sprintf(" with %s %s", capital, g.t.Capital.EN())
		}
		parts = append(parts, part)
	}
	return strings.Join(parts, groupJoin(s, " and "))
}

// splitGroup is one side of a split with its label.
type splitGroup struct {
	label string
	t     Tally
}

// splitGroups lists the sides of a split that have projects, FDI first.
func splitGroups(s Split) []splitGroup {
	var out []splitGroup
	for _, g := range []splitGroup{{"FDI", s.Foreign}, {"DDI", s.Domestic}} {
		if g.t.Projects > 0 {
			out = append(out, g)
		}
	}
	return out
}

// groupJoin joins the FDI and DDI parts with and, or with a semicolon when
// one of them has capital in two currencies (which itself uses and).
func groupJoin(s Split, and string) string {
	if len(s.Foreign.Capital) > 1 || len(s.Domestic.Capital) > 1 {
		return "; "
	}
	return and
}

// projects writes "1 FDI project" or "26 FDI projects" (label before "project").
func projects(n int, label string) string {
	if n == 1 {
		return fmt.Sprintf("1 %sproject", label)
	}
	return fmt.Sprintf("%d %sprojects", n, label)
}
