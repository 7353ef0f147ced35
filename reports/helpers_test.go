package reports_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/reports"
	"github.com/motcua/motcua/workflow"
	"github.com/motcua/motcua/workflow/workflowtest"
)

// at parses "2006-01-02 15:04" in Asia/Ho_Chi_Minh.
var at = workflowtest.At

// period parses a period that must be valid.
func period(t testing.TB, s string) reports.Period {
	t.Helper()
	p, err := reports.ParsePeriod(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// newBoard creates a board with an agency identifier.
func newBoard(t testing.TB, db *gorm.DB, code, agency string) *models.Board {
	t.Helper()
	b := &models.Board{Code: code, NameVI: "Ban Quản lý các khu công nghiệp " + code, AgencyCode: agency}
	if err := db.Create(b).Error; err != nil {
		t.Fatal(err)
	}
	return b
}

func actor(role workflow.Role) workflow.Actor { return workflow.Actor{Role: role, Name: string(role)} }

// submit files a complete dossier: online by the investor, else at the desk.
func submit(t testing.TB, db *gorm.DB, eng *workflow.Engine, board uint, procedure, variant string,
	ch models.Channel, when time.Time) *models.Dossier {
	t.Helper()
	role := workflow.RoleOfficer
	if ch == models.ChannelOnline {
		role = workflow.RoleInvestor
	}
	var d *models.Dossier
	err := models.InTx(context.Background(), db, func(tx *gorm.DB) error {
		var err error
		d, err = eng.Submit(context.Background(), tx, workflow.SubmitInput{BoardID: board, Procedure: procedure,
			Variant: variant, Channel: ch, ApplicantName: "Công ty TNHH Thử Nghiệm",
			Attachments: workflowtest.Documents(t, eng, procedure, variant, when)}, actor(role), when)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// step is one event fired in a scripted history.
type step struct {
	event workflow.Event
	role  workflow.Role
	at    string
	due   string // if set, the appointment date expected after the event (YYYY-MM-DD; "-" for none)
}

// script fires steps at dossier d in order; each must succeed and leave
// the expected appointment date.
func script(t testing.TB, db *gorm.DB, eng *workflow.Engine, d *models.Dossier, steps ...step) *models.Dossier {
	t.Helper()
	for _, s := range steps {
		in := workflow.Input{Comment: "Lý do / reason"}
		if s.event == workflowtest.Extend {
			in.Extension = &workflow.ExtensionInput{Reason: "Cần thêm thời gian / more time", ApologyLetter: "form-04.pdf",
				NewDueDate: at(t, s.due+" 00:00")}
		}
		if s.event == "approve" { // an investment certificate's approval carries its project
			in.Investment = workflowtest.Decision(t, db, eng, d).Investment
		}
		got, _, err := workflowtest.Apply(t, eng, context.Background(), db, d.ID, d.Version, s.event, actor(s.role), at(t, s.at), in)
		if err != nil {
			t.Fatalf("dossier %s: %s at %s: %v", d.Code, s.event, s.at, err)
		}
		d = got
		if s.due != "" && dueDay(d) != strings.TrimPrefix(s.due, "-") {
			t.Fatalf("dossier %s: after %s at %s the appointment is %q, want %q", d.Code, s.event, s.at, dueDay(d), s.due)
		}
	}
	return d
}

// dueDay is the dossier's appointment date, "" when none.
func dueDay(d *models.Dossier) string {
	if d.DueAt == nil {
		return ""
	}
	return d.DueAt.In(deadlines.Location).Format("2006-01-02")
}

// rowOf returns the report row of a procedure.
func rowOf(t testing.TB, rep *reports.Report, procedure string) reports.Row {
	t.Helper()
	for _, g := range rep.Groups {
		for _, r := range g.Rows {
			if r.Procedure == procedure {
				return r
			}
		}
	}
	t.Fatalf("no row for %s", procedure)
	return reports.Row{}
}
