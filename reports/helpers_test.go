package reports_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"gorm.io/gorm"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/reports"
	"github.com/motcua/motcua/workflow"
	"github.com/motcua/motcua/workflow/workflowtest"
)

// at parses "2006-01-02 15:04" in Asia/Ho_Chi_Minh.
func at(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, deadlines.Location)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

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
		if s.event == workflow.EventExtend {
			in.Extension = &workflow.ExtensionInput{Reason: "Cần thêm thời gian / more time", ApologyLetter: "form-04.pdf",
				NewDueDate: at(t, s.due+" 00:00")}
		}
		if s.event == "approve" { // an investment certificate's approval carries its project
			in.Investment = workflowtest.Decision(t, db, eng, d).Investment
		}
		got, _, err := eng.Apply(context.Background(), db, d.ID, d.Version, s.event, actor(s.role), at(t, s.at), in)
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

// engineWith loads the shipped catalogue with edits applied to its files
// (file → old → new), and the shipped calendar.
func engineWith(t testing.TB, edits map[string][2]string) *workflow.Engine {
	t.Helper()
	dir := workflowtest.ConfigDir()
	fsys := fstest.MapFS{}
	for _, name := range []string{workflow.OneStopFile} {
		fsys[name] = &fstest.MapFile{Data: readFile(t, filepath.Join(dir, name))}
	}
	names, err := filepath.Glob(filepath.Join(dir, "procedures", "*.yaml"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no procedure files in %s: %v", dir, err)
	}
	for _, path := range names {
		name := "procedures/" + filepath.Base(path)
		data := string(readFile(t, path))
		if e, ok := edits[name]; ok {
			if !strings.Contains(data, e[0]) {
				t.Fatalf("%s has no %q to edit", name, e[0])
			}
			data = strings.ReplaceAll(data, e[0], e[1])
		}
		fsys[name] = &fstest.MapFile{Data: []byte(data)}
	}
	cat, err := workflow.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	cal, err := deadlines.LoadCalendar(os.DirFS(filepath.Join(dir, "holidays")))
	if err != nil {
		t.Fatal(err)
	}
	return workflow.NewEngine(cat, cal)
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
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
