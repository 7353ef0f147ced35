package reports

import (
	"encoding/json"
	"io"

	"github.com/motcua/motcua/workflow"
)

// jsonExport is the JSON document of the reform report.
type jsonExport struct {
	Board       *jsonBoard     `json:"board"` // null: every board
	Period      jsonPeriod     `json:"period"`
	AsOf        workflow.Date  `json:"as_of"` // the day in-progress dossiers are classified at (Query.AsOf)
	Rows        []jsonRow      `json:"rows"`
	Fields      []jsonField    `json:"fields"`
	Total       jsonRow        `json:"total"`
	Narrative   string         `json:"narrative"`
	NarrativeEN string         `json:"narrative_en"`
	Indicators  *Indicators766 `json:"indicators_766,omitempty"`
}

// jsonBoard names the board a report covers.
type jsonBoard struct {
	ID   uint   `json:"id"`
	Code string `json:"code"`
	Name string `json:"name"`
}

// jsonPeriod is the period: YYYY-MM-DD dates, both included, and its label.
type jsonPeriod struct {
	From    workflow.Date `json:"from"`
	To      workflow.Date `json:"to"`
	Label   string        `json:"label"`
	LabelEN string        `json:"label_en"`
}

// jsonField is a field (lĩnh vực) of the form: its procedures and subtotal.
type jsonField struct {
	Field      string        `json:"field"`
	Name       workflow.Text `json:"name"`
	Procedures []string      `json:"procedures"`
	Subtotal   jsonRow       `json:"subtotal"`
}

// jsonRow is one line of Biểu 06 in the export: a procedure (procedure
// set), a field's subtotal or the total (no procedure). It is written as
// {"procedure" (rows only), "name", then the counts under their Count.Key,
// the columns of docs/REPORTS.md}.
type jsonRow Row

// toJSONRow keeps a report row's label and counts.
func toJSONRow(r Row) jsonRow { return jsonRow(r) }

// MarshalJSON writes the line.
func (r jsonRow) MarshalJSON() ([]byte, error) {
	b := []byte{'{'}
	var err error
	if r.Procedure != "" {
		if b, err = appendMember(b, "procedure", r.Procedure); err != nil {
			return nil, err
		}
		b = append(b, ',')
	}
	if b, err = appendMember(b, "name", r.Name); err != nil {
		return nil, err
	}
	return append(appendCounts(b, Row(r)), '}'), nil
}

// document builds the JSON document.
func (e Export) document() jsonExport {
	rep := e.Report
	out := jsonExport{Rows: []jsonRow{}, Fields: []jsonField{}, Total: toJSONRow(rep.Total),
		Period: jsonPeriod{From: rep.Period.From, To: rep.Period.To, Label: rep.Period.Label.VI, LabelEN: rep.Period.Label.EN},
		AsOf:   rep.AsOf, Narrative: rep.Narrative.VI, NarrativeEN: rep.Narrative.EN, Indicators: e.Indicators}
	if e.Board != nil {
		out.Board = &jsonBoard{ID: e.Board.ID, Code: e.Board.Code, Name: e.Board.NameVI}
	}
	for _, g := range rep.Groups {
		f := jsonField{Field: g.Field, Name: g.Name, Procedures: []string{}, Subtotal: toJSONRow(g.Subtotal)}
		for _, r := range g.Rows {
			out.Rows = append(out.Rows, toJSONRow(r))
			f.Procedures = append(f.Procedures, r.Procedure)
		}
		out.Fields = append(out.Fields, f)
	}
	return out
}

// WriteJSON writes the report as one JSON document:
//
//	{"board": {"id","code","name"} | null, "period": {"from","to","label","label_en"}, "as_of",
//	 "rows": [...], "fields": [{"field","name","procedures","subtotal"}], "total": {...},
//	 "narrative": "…", "narrative_en": "…", "indicators_766": {...}}
//
// Rows, subtotals and the total carry procedure (rows only), name and the
// thirteen counts of Row; indicators_766 is present when e.Indicators is set.
func (e Export) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(e.document())
}
