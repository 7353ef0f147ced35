package workflow_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/errs"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/models/modelstest"
	"github.com/motcua/motcua/workflow"
	"github.com/motcua/motcua/workflow/workflowtest"
)

// at parses "2006-01-02 15:04" in Asia/Ho_Chi_Minh.
var at = workflowtest.At

// day formats an instant's local date, or "" for nil.
func day(p *time.Time) string {
	if p == nil {
		return ""
	}
	return p.In(deadlines.Location).Format("2006-01-02")
}

func actor(role workflow.Role) workflow.Actor {
	return workflow.Actor{Role: role, Name: string(role)}
}

// newBoard creates a board with a national agency identifier.
func newBoard(t testing.TB, db *gorm.DB, code, agency string) *models.Board {
	t.Helper()
	b := &models.Board{Code: code, NameVI: "Ban Quản lý các khu công nghiệp " + code, AgencyCode: agency}
	if err := db.Create(b).Error; err != nil {
		t.Fatal(err)
	}
	return b
}

// allDocuments attaches every document the variant requires.
func allDocuments(t testing.TB, eng *workflow.Engine, procedure, variant string, when time.Time) []workflow.AttachmentInput {
	return workflowtest.Documents(t, eng, procedure, variant, when)
}

// submit files a dossier at the desk (direct channel) with every required document.
func submit(t testing.TB, db *gorm.DB, eng *workflow.Engine, board uint, procedure, variant string, when time.Time) *models.Dossier {
	t.Helper()
	var d *models.Dossier
	err := models.InTx(context.Background(), db, func(tx *gorm.DB) error {
		var err error
		d, err = eng.Submit(context.Background(), tx, workflow.SubmitInput{BoardID: board, Procedure: procedure,
			Variant: variant, Channel: models.ChannelDirect, ApplicantName: "Công ty TNHH Thử Nghiệm",
			Attachments: allDocuments(t, eng, procedure, variant, when)}, actor(workflow.RoleOfficer), when)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// errCode returns the domain error code of err, or "" for nil.
func errCode(err error) string {
	var de *errs.Error
	if errors.As(err, &de) {
		return de.Code
	}
	if err != nil {
		return "unexpected: " + err.Error()
	}
	return ""
}

// step is one event in a lifecycle and what must hold after it.
type step struct {
	event   workflow.Event
	role    workflow.Role
	at      string
	in      workflow.Input
	wantErr string // the domain error code expected, "" for success
	wantDue string // the appointment date after the event ("" = no running clock)
	state   workflow.State
}

// lifecycle drives one procedure through receipt, supplementation,
// extension and decision; the decision instant decides the outcome.
type lifecycle struct {
	procedure, variant, version string
	submitAt                    string
	steps                       []step
	early, onTime, late         string // decision instants around the final appointment
}

func comment(s string) workflow.Input { return workflow.Input{Comment: s} }

func extension(t testing.TB, newDue string) workflow.Input {
	d, err := time.ParseInLocation("2006-01-02", newDue, deadlines.Location)
	if err != nil {
		t.Fatal(err)
	}
	return workflow.Input{Extension: &workflow.ExtensionInput{Reason: "Cần lấy thêm ý kiến / more consultation needed",
		NewDueDate: d, ApologyLetter: "attachments/form-04.pdf"}}
}

// lifecycles returns the five procedures' scenarios. Every expected date
// was counted by hand on the 2026-2027 calendar (24/11/2026 and 01/01/2027
// are holidays).
func lifecycles(t testing.TB) []lifecycle {
	return []lifecycle{{
		// ND 217/2026: 10 working days counted from the complete valid
		// dossier (Art 54(1)(b)): supplementation restarts the period.
		procedure: "construction-permit", variant: "new", version: "nd217-2026", submitAt: "2026-11-16 08:30",
		steps: []step{
			{event: "receive", role: "officer", at: "2026-11-16 09:00", wantDue: "2026-12-01", state: "received"},
			{event: "assign", role: "officer", at: "2026-11-16 10:00", wantDue: "2026-12-01", state: "in_review"},
			{event: "request_supplement", role: "officer", at: "2026-11-20 10:00", in: comment("Thiếu bản vẽ mặt bằng"), state: "supplement_requested"},
			// After the 15:00 cut-off: starts Fri 27/11; a full 10 working days
			// again (30/11, 1-4/12, 7-11/12) → Fri 11/12.
			{event: "resubmit", role: "investor", at: "2026-11-26 16:00", wantDue: "2026-12-11", state: "in_review"},
			{event: "request_supplement", role: "officer", at: "2026-11-27 09:00", in: comment("again"), wantErr: "supplement_cap", wantDue: "2026-12-11", state: "in_review"},
			{event: "extend", role: "officer", at: "2026-12-08 10:00", in: extension(t, "2026-12-17"), wantDue: "2026-12-17", state: "in_review"},
			{event: "extend", role: "officer", at: "2026-12-09 10:00", in: extension(t, "2026-12-18"), wantErr: "extension_limit", wantDue: "2026-12-17", state: "in_review"},
			{event: "propose", role: "officer", at: "2026-12-15 09:00", wantDue: "2026-12-17", state: "pending_decision"},
		},
		early: "2026-12-16 10:00", onTime: "2026-12-17 16:59", late: "2026-12-18 08:00",
	}, {
		// ND 217/2026 group C: 15 working days, restart on the complete dossier;
		// two requests (Art 36(3)(a) at the completeness check, 36(4) the one
		// pause of the appraisal), a third is refused.
		procedure: "feasibility-appraisal", variant: "group_c", version: "nd217-2026", submitAt: "2026-11-02 14:50",
		steps: []step{
			{event: "receive", role: "officer", at: "2026-11-02 14:59", wantDue: "2026-11-23", state: "received"},
			{event: "assign", role: "leader", at: "2026-11-02 15:30", wantDue: "2026-11-23", state: "in_review"},
			{event: "request_supplement", role: "officer", at: "2026-11-04 10:00", in: comment("Thiếu hồ sơ khảo sát"), state: "supplement_requested"},
			// Full 15 working days again from Mon 9/11, skipping 24/11 → Tue 1/12.
			{event: "resubmit", role: "officer", at: "2026-11-09 09:00", wantDue: "2026-12-01", state: "in_review"},
			// The appraisal's single pause (Art 36(4)): the second request is allowed.
			{event: "request_supplement", role: "officer", at: "2026-11-10 09:00", in: comment("Sai sót trong thuyết minh thiết kế cơ sở"), state: "supplement_requested"},
			// Full 15 working days again from Mon 16/11: 17-20, 23, (24 holiday), 25-27, 30/11, 1-4, 7, 8/12 → Tue 8/12.
			{event: "resubmit", role: "officer", at: "2026-11-16 09:00", wantDue: "2026-12-08", state: "in_review"},
			{event: "request_supplement", role: "officer", at: "2026-11-17 09:00", in: comment("again"), wantErr: "supplement_cap", wantDue: "2026-12-08", state: "in_review"},
			// No longer than the original period: 15 working days after 8/12 is 29/12.
			{event: "extend", role: "officer", at: "2026-12-03 10:00", in: extension(t, "2026-12-30"), wantErr: "extension_too_long", wantDue: "2026-12-08", state: "in_review"},
			{event: "extend", role: "officer", at: "2026-12-03 10:00", in: extension(t, "2026-12-22"), wantDue: "2026-12-22", state: "in_review"},
			{event: "propose", role: "officer", at: "2026-12-17 09:00", wantDue: "2026-12-22", state: "pending_decision"},
		},
		early: "2026-12-21 10:00", onTime: "2026-12-22 10:00", late: "2026-12-23 10:00",
	}, {
		// 30 calendar days, recount from the complete dossier.
		procedure: "environmental-licence", variant: "provincial", version: "luat146-2026", submitAt: "2026-11-06 09:00",
		steps: []step{
			// 6/11 + 30 days = Sun 6/12 → Mon 7/12 (BLDS Art 148).
			{event: "receive", role: "officer", at: "2026-11-06 10:00", wantDue: "2026-12-07", state: "received"},
			{event: "assign", role: "officer", at: "2026-11-06 11:00", wantDue: "2026-12-07", state: "in_review"},
			{event: "request_supplement", role: "officer", at: "2026-11-10 10:00", in: comment("Thiếu ý kiến chủ đầu tư hạ tầng"), state: "supplement_requested"},
			// After cut-off: starts Thu 19/11; + 30 = Sat 19/12 → Mon 21/12.
			{event: "resubmit", role: "investor", at: "2026-11-18 15:30", wantDue: "2026-12-21", state: "in_review"},
			{event: "publish", role: "officer", at: "2026-11-19 09:00", wantDue: "2026-12-21", state: "public_disclosure"},
			{event: "end_disclosure", role: "officer", at: "2026-11-27 09:00", wantDue: "2026-12-21", state: "in_review"},
			{event: "extend", role: "leader", at: "2026-12-14 10:00", in: extension(t, "2026-12-30"), wantDue: "2026-12-30", state: "in_review"},
			{event: "propose", role: "officer", at: "2026-12-28 09:00", wantDue: "2026-12-30", state: "pending_decision"},
		},
		early: "2026-12-29 10:00", onTime: "2026-12-30 10:00", late: "2026-12-31 10:00",
	}, {
		// Board service standard 10 working days (no statutory deadline), pause.
		procedure: "union-registration", variant: "standard", version: "service-standard-2021", submitAt: "2026-11-21 09:00",
		steps: []step{
			// Saturday receipt: starts Mon 23/11; 24/11 is a holiday → Tue 8/12.
			{event: "receive", role: "officer", at: "2026-11-21 10:00", wantDue: "2026-12-08", state: "received"},
			{event: "assign", role: "officer", at: "2026-11-23 09:00", wantDue: "2026-12-08", state: "in_review"},
			// 9 working days remain (26, 27, 30/11, 1, 2, 3, 4, 7, 8/12).
			{event: "request_supplement", role: "officer", at: "2026-11-25 10:00", in: comment("Thiếu biên bản đại hội"), state: "supplement_requested"},
			{event: "resubmit", role: "investor", at: "2026-12-01 10:00", wantDue: "2026-12-14", state: "in_review"},
			{event: "extend", role: "officer", at: "2026-12-14 10:00", in: extension(t, "2026-12-18"), wantErr: "extension_too_late", wantDue: "2026-12-14", state: "in_review"},
			{event: "extend", role: "officer", at: "2026-12-09 10:00", in: extension(t, "2026-12-19"), wantErr: "extension_date_rest_day", wantDue: "2026-12-14", state: "in_review"},
			{event: "extend", role: "officer", at: "2026-12-09 10:00", in: extension(t, "2026-12-18"), wantDue: "2026-12-18", state: "in_review"},
			{event: "propose", role: "officer", at: "2026-12-16 09:00", wantDue: "2026-12-18", state: "pending_decision"},
		},
		early: "2026-12-17 10:00", onTime: "2026-12-18 10:00", late: "2026-12-21 10:00",
	}, {
		// Luật Đầu tư 2025 / ND 96/2026: 10 working days without policy approval, pause.
		procedure: "investment-certificate", variant: "issue_without_policy", version: "ld143-2025-nd96-2026", submitAt: "2026-12-14 15:50",
		steps: []step{
			// After cut-off: starts Tue 15/12 → Tue 29/12.
			{event: "receive", role: "officer", at: "2026-12-14 16:00", wantDue: "2026-12-29", state: "received"},
			{event: "assign", role: "officer", at: "2026-12-15 08:00", wantDue: "2026-12-29", state: "in_review"},
			// 8 working days remain (18, 21-25, 28, 29/12).
			{event: "request_supplement", role: "officer", at: "2026-12-17 10:00", in: comment("Thiếu báo cáo năng lực tài chính"), state: "supplement_requested"},
			// From Tue 29/12: 30, 31/12, (1/1 holiday), 4-8/1, 11/1.
			{event: "resubmit", role: "investor", at: "2026-12-29 09:00", wantDue: "2027-01-11", state: "in_review"},
			{event: "extend", role: "officer", at: "2027-01-05 10:00", in: extension(t, "2027-01-08"), wantErr: "extension_date_not_after_due", wantDue: "2027-01-11", state: "in_review"},
			{event: "extend", role: "officer", at: "2027-01-05 10:00", in: extension(t, "2027-01-15"), wantDue: "2027-01-15", state: "in_review"},
			{event: "propose", role: "officer", at: "2027-01-12 09:00", wantDue: "2027-01-15", state: "pending_decision"},
		},
		early: "2027-01-14 10:00", onTime: "2027-01-15 17:30", late: "2027-01-18 08:00",
	}}
}

func TestLifecycles(t *testing.T) {
	eng := workflowtest.Engine(t)
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		board := newBoard(t, db, "HBI", "000.20.30.H33")
		for _, lc := range lifecycles(t) {
			for _, c := range []struct {
				name    string
				decided string
				want    deadlines.Outcome
			}{{"early", lc.early, deadlines.Early}, {"on_time", lc.onTime, deadlines.OnTime}, {"late", lc.late, deadlines.Late}} {
				t.Run(lc.procedure+"/"+c.name, func(t *testing.T) {
					runLifecycle(t, db, eng, board.ID, lc, c.decided, c.want)
				})
			}
		}
	})
}

func runLifecycle(t *testing.T, db *gorm.DB, eng *workflow.Engine, board uint, lc lifecycle, decided string, want deadlines.Outcome) {
	ctx := context.Background()
	d := submit(t, db, eng, board, lc.procedure, lc.variant, at(t, lc.submitAt))
	if d.CatalogueVersion != lc.version {
		t.Fatalf("bound to version %s, want %s", d.CatalogueVersion, lc.version)
	}
	rows := 1
	for i, s := range lc.steps {
		got, _, err := workflowtest.Apply(t, eng, ctx, db, d.ID, 0, s.event, actor(s.role), at(t, s.at), s.in)
		if code := errCode(err); code != s.wantErr {
			t.Fatalf("step %d %s: error %q, want %q", i, s.event, code, s.wantErr)
		}
		if err == nil {
			rows = got.Version // an extension is two events: proposal and approval
			d = got
		} else if d, err = models.GetDossier(ctx, db, d.ID); err != nil {
			t.Fatal(err)
		}
		if day(d.DueAt) != s.wantDue || d.State != string(s.state) {
			t.Fatalf("step %d %s: due %q state %s, want %q %s", i, s.event, day(d.DueAt), d.State, s.wantDue, s.state)
		}
	}
	d = fire(t, db, eng, d, "approve", "leader", decided, workflowtest.Decision(t, db, eng, d))
	if d.Outcome != string(want) || d.FinishedAt == nil || d.ClockState != string(deadlines.ClockStopped) {
		t.Fatalf("decided %s: outcome %q finished %v clock %s, want %s", decided, d.Outcome, d.FinishedAt, d.ClockState, want)
	}
	d = fire(t, db, eng, d, "return_result", "officer", decided, workflow.Input{})
	assertHistory(t, db, d, rows+2, "returned")
}

// fire applies an event that must succeed.
func fire(t testing.TB, db *gorm.DB, eng *workflow.Engine, d *models.Dossier, ev workflow.Event, role workflow.Role, when string, in workflow.Input) *models.Dossier {
	t.Helper()
	got, _, err := workflowtest.Apply(t, eng, context.Background(), db, d.ID, d.Version, ev, actor(role), at(t, when), in)
	if err != nil {
		t.Fatalf("%s: %v", ev, err)
	}
	return got
}

// assertHistory checks one history row per version, in order, ending in state.
func assertHistory(t testing.TB, db *gorm.DB, d *models.Dossier, rows int, state string) {
	t.Helper()
	h, err := models.History(context.Background(), db, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(h) != rows || d.Version != rows || d.State != state {
		t.Fatalf("history %d rows, version %d, state %s; want %d rows and versions, state %s", len(h), d.Version, d.State, rows, state)
	}
	for i, ev := range h {
		if ev.Seq != i+1 || (i > 0 && ev.FromState != h[i-1].ToState) {
			t.Fatalf("history row %d: seq %d from %s after %s", i, ev.Seq, ev.FromState, h[max(i-1, 0)].ToState)
		}
	}
}
