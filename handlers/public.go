package handlers

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/motcua/motcua/service"
	"github.com/motcua/motcua/workflow"
)

// trackingJSON is a dossier as public tracking shows it.
type trackingJSON struct {
	Code          string             `json:"code"`
	ApplicantName string             `json:"applicant_name"`
	Board         workflow.Text      `json:"board"`
	Procedure     workflow.Text      `json:"procedure"`
	Variant       workflow.Text      `json:"variant"`
	State         string             `json:"state"`
	StateName     workflow.Text      `json:"state_name"`
	SubmittedAt   string             `json:"submitted_at"`
	ReceivedAt    *string            `json:"received_at"`
	DueAt         *string            `json:"due_at"`
	DueDate       *string            `json:"due_date"`
	FinishedAt    *string            `json:"finished_at"`
	Outcome       *string            `json:"outcome"`
	Steps         []trackingStepJSON `json:"steps"`
}

type trackingStepJSON struct {
	Event workflow.Text `json:"event"`
	At    string        `json:"at"`
	State workflow.Text `json:"state"`
}

// track answers POST /track {code, pin}: the dossier, without sign-in.
func (a *api) track(c echo.Context) error {
	var req struct {
		Code string `json:"code"`
		PIN  string `json:"pin"`
	}
	if err := firstErr(queryOnly(c), bindJSON(c, &req)); err != nil {
		return err
	}
	v, err := a.svc.Track(c.Request().Context(), req.Code, req.PIN, c.RealIP())
	if err != nil {
		return err
	}
	out := trackingJSON{Code: v.Code, ApplicantName: v.ApplicantName, Board: v.Board, Procedure: v.Procedure,
		Variant: v.Variant, State: v.StateCode, StateName: v.State, SubmittedAt: rfc3339(v.SubmittedAt),
		ReceivedAt: optTime(v.ReceivedAt), DueAt: optTime(v.DueAt), FinishedAt: optTime(v.FinishedAt),
		Outcome: optString(v.Outcome), Steps: make([]trackingStepJSON, len(v.Steps))}
	if v.DueAt != nil {
		due := dmy(*v.DueAt)
		out.DueDate = &due
	}
	for i, s := range v.Steps {
		out.Steps[i] = trackingStepJSON{Event: s.Event, At: rfc3339(s.At), State: s.State}
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, out)
}

// publicBoardJSON is a board as anyone may see it, with its zones.
type publicBoardJSON struct {
	Code     string     `json:"code"`
	NameVI   string     `json:"name_vi"`
	NameEN   string     `json:"name_en"`
	Province string     `json:"province"`
	Zones    []zoneJSON `json:"zones"`
}

// publicBoards answers GET /boards: the boards one files with, and their
// zones (public).
func (a *api) publicBoards(c echo.Context) error {
	if err := queryOnly(c); err != nil {
		return err
	}
	boards, err := a.svc.PublicBoards(c.Request().Context())
	if err != nil {
		return err
	}
	out := make([]publicBoardJSON, len(boards))
	for i, b := range boards {
		out[i] = publicBoardJSON{Code: b.Board.Code, NameVI: b.Board.NameVI, NameEN: b.Board.NameEN,
			Province: b.Board.Province, Zones: make([]zoneJSON, len(b.Zones))}
		for j, z := range b.Zones {
			out[i].Zones[j] = zoneJSON{ID: z.ID, Name: z.Name}
		}
	}
	return c.JSON(http.StatusOK, map[string]any{"boards": out})
}

// formJSON is the data of one printed form.
type formJSON struct {
	Kind        string            `json:"kind"`
	Number      string            `json:"number"`
	Title       workflow.Text     `json:"title"`
	Circular    string            `json:"circular"`
	Citation    string            `json:"citation"`
	IssuedAt    string            `json:"issued_at"`
	IssuedDate  string            `json:"issued_date"` // dd/mm/yyyy
	IssuedBy    string            `json:"issued_by,omitempty"`
	Board       string            `json:"board"`
	Code        string            `json:"code"`
	Applicant   string            `json:"applicant"`
	Procedure   workflow.Text     `json:"procedure"`
	Variant     workflow.Text     `json:"variant"`
	Event       *historyJSON      `json:"event,omitempty"`
	Missing     []missingJSON     `json:"missing,omitempty"`
	Steps       []historyJSON     `json:"steps,omitempty"`
	Receipt     *receiptFormJSON  `json:"receipt,omitempty"`
	TrackingURL string            `json:"tracking_url,omitempty"`
	Heading     map[string]string `json:"heading"`
}

type missingJSON struct {
	Document    string        `json:"document,omitempty"`
	Name        workflow.Text `json:"name"`
	Description string        `json:"description,omitempty"`
	Reason      string        `json:"reason"`
}

type receiptFormJSON struct {
	DueDate     string       `json:"due_date"`
	Period      string       `json:"period"`
	Documents   []receiptDoc `json:"documents"`
	TrackingPIN string       `json:"tracking_pin"`
}

// nationalHeading is the heading every administrative form carries.
var nationalHeading = map[string]string{"country": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
	"motto": "Độc lập - Tự do - Hạnh phúc"}

// form answers GET /dossiers/{code}/forms/{kind}[?seq=N]: the data of a
// printed form, numbered by the circular in force when it was issued.
func (a *api) form(c echo.Context) error {
	var seq int
	if err := firstErr(queryOnly(c, "seq"), bindInto(&seq, intQuery, c, "seq")); err != nil {
		return err
	}
	f, err := a.svc.Form(c.Request().Context(), principal(c), c.Param("code"),
		workflow.FormKind(strings.TrimSpace(c.Param("kind"))), seq)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toFormJSON(f))
}

// toFormJSON renders a form's data.
func toFormJSON(f *service.Form) formJSON {
	out := formJSON{Kind: string(f.Kind), Number: f.Number, Title: f.Title, Circular: f.Circular, Citation: f.Basis.Citation,
		IssuedAt: rfc3339(f.IssuedAt), IssuedDate: dmy(f.IssuedAt), IssuedBy: f.IssuedBy, Board: f.Board.NameVI,
		Code: f.Dossier.Code, Applicant: f.Dossier.ApplicantName, Procedure: f.Names.Procedure, Variant: f.Names.Variant,
		TrackingURL: f.TrackingURL, Heading: nationalHeading}
	if f.Event != nil {
		ev := toHistoryJSON(f.Event)
		out.Event = &ev
	}
	for _, m := range f.Missing {
		out.Missing = append(out.Missing, missingJSON{Document: m.Document, Name: m.Name, Description: m.Description, Reason: m.Reason})
	}
	for i := range f.Steps {
		out.Steps = append(out.Steps, toHistoryJSON(&f.Steps[i]))
	}
	if r := f.Receipt; r != nil {
		rf := &receiptFormJSON{Period: r.Period, TrackingPIN: r.Dossier.TrackingPIN}
		if r.Dossier.DueAt != nil {
			rf.DueDate = dmy(*r.Dossier.DueAt)
		}
		for _, d := range r.Documents {
			rf.Documents = append(rf.Documents, receiptDoc{Code: d.Code, Name: d.Name, Required: d.Required, Received: d.Received})
		}
		out.Receipt = rf
	}
	return out
}
