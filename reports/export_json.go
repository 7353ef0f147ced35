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

// jsonRow is one line of Biểu 06: a procedure (procedure set), a field's
// subtotal or the total (no procedure). Its keys are the columns of
// docs/REPORTS.md.
type jsonRow struct {
	Procedure         string        `json:"procedure,omitempty"`
	Name              workflow.Text `json:"name"`
	ReceivedTotal     int           `json:"received_total"`
	ReceivedOnline    int           `json:"received_online"`
	ReceivedOffline   int           `json:"received_offline"`
	CarriedOver       int           `json:"carried_over"`
	ResolvedTotal     int           `json:"resolved_total"`
	ResolvedEarly     int           `json:"resolved_early"`
	ResolvedOnTime    int           `json:"resolved_on_time"`
	ResolvedLate      int           `json:"resolved_late"`
	InProgressTotal   int           `json:"in_progress_total"`
	InProgressWithin  int           `json:"in_progress_within"`
	InProgressOverdue int           `json:"in_progress_overdue"`
	Withdrawn         int           `json:"withdrawn"`
	Refused           int           `json:"refused"`
}

// toJSONRow copies a report row's label and counts.
func toJSONRow(r Row) jsonRow {
	return jsonRow{Procedure: r.Procedure, Name: r.Name,
		ReceivedTotal: r.ReceivedTotal, ReceivedOnline: r.ReceivedOnline, ReceivedOffline: r.ReceivedOffline,
		CarriedOver: r.CarriedOver, ResolvedTotal: r.ResolvedTotal, ResolvedEarly: r.ResolvedEarly,
		ResolvedOnTime: r.ResolvedOnTime, ResolvedLate: r.ResolvedLate, InProgressTotal: r.InProgressTotal,
		InProgressWithin: r.InProgressWithin, InProgressOverdue: r.InProgressOverdue,
		Withdrawn: r.Withdrawn, Refused: r.Refused}
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
