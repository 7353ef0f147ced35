package importer

import (
	"fmt"
	"io"

	"github.com/motcua/motcua/workflow"
)

// Summary counts what an import read and replayed. A dry run and the real
// run of the same file into the same database give the same summary, but
// for DryRun and Committed.
type Summary struct {
	Lines       int              `json:"lines"`        // every line read, blank and comment lines included
	Skipped     int              `json:"skipped"`      // blank and comment lines
	Dossiers    int              `json:"dossiers"`     // dossier lines replayed
	Projects    int              `json:"projects"`     // opening projects recorded
	Events      int              `json:"events"`       // history rows written, submit included
	ByProcedure []ProcedureCount `json:"by_procedure"` // in catalogue order, procedures with dossiers only
	DryRun      bool             `json:"dry_run"`
	Committed   bool             `json:"committed"` // written to the database
}

// ProcedureCount is how many dossiers of one procedure, and their history
// rows, an import replayed.
type ProcedureCount struct {
	Procedure string        `json:"procedure"`
	Name      workflow.Text `json:"name"`
	Dossiers  int           `json:"dossiers"`
	Events    int           `json:"events"`
}

// tally counts a replayed dossier with its events.
type tally map[string]*ProcedureCount

func (t tally) add(p *workflow.Procedure, events int) {
	c, ok := t[p.Code]
	if !ok {
		c = &ProcedureCount{Procedure: p.Code, Name: p.Name}
		t[p.Code] = c
	}
	c.Dossiers++
	c.Events += events
}

// ordered lists the counts in catalogue order.
func (t tally) ordered(cat *workflow.Catalogue) []ProcedureCount {
	var out []ProcedureCount
	for _, code := range cat.Order {
		if c, ok := t[code]; ok {
			out = append(out, *c)
		}
	}
	return out
}

// Write prints the summary in Vietnamese with English beside it.
func (s *Summary) Write(w io.Writer) {
	fmt.Fprintf(w, "Số dòng / lines: %d (dòng trống, chú thích / blank or comment: %d)\n", s.Lines, s.Skipped)
	fmt.Fprintf(w, "Hồ sơ / dossiers: %d\n", s.Dossiers)
	fmt.Fprintf(w, "Dự án đầu kỳ / opening projects: %d\n", s.Projects)
	fmt.Fprintf(w, "Sự kiện / events: %d\n", s.Events)
	if len(s.ByProcedure) > 0 {
		fmt.Fprintln(w, "Theo thủ tục / by procedure:")
	}
	for _, c := range s.ByProcedure {
		fmt.Fprintf(w, "  %s / %s: %d hồ sơ / dossiers, %d sự kiện / events\n", c.Name.VI, c.Name.EN, c.Dossiers, c.Events)
	}
	switch {
	case s.Committed:
		fmt.Fprintln(w, "Đã ghi vào cơ sở dữ liệu / written to the database")
	case s.DryRun:
		fmt.Fprintln(w, "Chạy thử: đã kiểm tra, không ghi gì / dry run: checked, nothing written")
	default:
		fmt.Fprintln(w, "Không ghi gì / nothing written")
	}
}
