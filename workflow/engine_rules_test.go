package workflow_test

import (
	"context"
	"regexp"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/motcua/motcua/errs"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/models/modelstest"
	"github.com/motcua/motcua/workflow"
	"github.com/motcua/motcua/workflow/workflowtest"
)

// TestConcurrentConflictingEvents fires 50 conflicting events at one
// dossier at once on PostgreSQL: exactly one wins, the 49 others get the
// conflict error, and the history holds one row for the change.
func TestConcurrentConflictingEvents(t *testing.T) {
	eng := workflowtest.Engine(t)
	db := modelstest.Postgres(t)
	sqlDB, _ := db.DB()
	sqlDB.SetMaxOpenConns(60) // one connection per goroutine: the barrier holds 50 open transactions
	board := newBoard(t, db, "HBI", "000.20.30.H33")
	d := submit(t, db, eng, board.ID, "construction-permit", "new", at(t, "2026-11-16 08:30"))
	d = fire(t, db, eng, d, "receive", "officer", "2026-11-16 09:00", workflow.Input{})
	d = fire(t, db, eng, d, "assign", "officer", "2026-11-16 09:10", workflow.Input{})
	// Half propose, half request supplementation: conflicting changes, all from version d.Version.
	events := []workflow.Event{"propose", "request_supplement", "consult", "inspect", "withdraw"}
	roles := map[workflow.Event]workflow.Role{"withdraw": "investor"}
	errs := make([]error, 50)
	var ready, wg sync.WaitGroup
	ready.Add(len(errs))
	for i := range errs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			ev := events[i%len(events)]
			role := roles[ev]
			if role == "" {
				role = "officer"
			}
			errs[i] = fireAfterBarrier(db, eng, d.ID, &ready, ev, actor(role), at(t, "2026-11-17 10:00"))
		}(i)
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case !workflow.IsConflict(err):
			t.Fatalf("want a conflict, got %v", err)
		}
	}
	after, err := models.GetDossier(context.Background(), db, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	h, _ := models.History(context.Background(), db, d.ID)
	if won != 1 || after.Version != d.Version+1 || len(h) != d.Version+1 {
		t.Fatalf("winners %d, version %d → %d, history %d rows; want 1 winner and one new row", won, d.Version, after.Version, len(h))
	}
}

// fireAfterBarrier reads the dossier in its own transaction, waits until
// every other goroutine has read it too, then fires: all 50 start from the
// same version, and only the optimistic lock decides.
func fireAfterBarrier(db *gorm.DB, eng *workflow.Engine, id uint64, ready *sync.WaitGroup, ev workflow.Event,
	a workflow.Actor, when time.Time) error {
	ctx := context.Background()
	tx := db.Begin()
	d, err := models.GetDossier(ctx, tx, id)
	ready.Done()
	ready.Wait()
	if err == nil {
		_, err = eng.Fire(ctx, tx, d, ev, a, when, workflow.Input{Comment: "đồng thời / concurrent"})
	}
	if err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit().Error
}

// TestConcurrentCodes submits 30 dossiers at once on PostgreSQL: the daily
// sequence gives each its own code, 0001 to 0030.
func TestConcurrentCodes(t *testing.T) {
	eng := workflowtest.Engine(t)
	db := modelstest.Postgres(t)
	board := newBoard(t, db, "HBI", "000.20.30.H33")
	var mu sync.Mutex
	codes := map[string]bool{}
	var wg sync.WaitGroup
	for i := 0; i < 30; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d := submit(t, db, eng, board.ID, "union-registration", "standard", at(t, "2026-11-23 09:00"))
			mu.Lock()
			codes[d.Code] = true
			mu.Unlock()
		}()
	}
	wg.Wait()
	if len(codes) != 30 || !codes["000.20.30.H33-261123-0001"] || !codes["000.20.30.H33-261123-0030"] {
		t.Fatalf("got %d distinct codes: %v", len(codes), codes)
	}
}

var codeFormat = regexp.MustCompile(`^[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[A-Z][0-9A-Z]{2}-\d{6}-\d{4}$`)

func TestCodesAndVersionBinding(t *testing.T) {
	eng := workflowtest.Engine(t)
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		hbi := newBoard(t, db, "HBI", "000.20.30.H33")
		bgg := newBoard(t, db, "BGG", "000.20.24.H06")
		// Received on 30/06/2026 (Tuesday): ND 175/2024 rules, 20 calendar days, to the end.
		old := submit(t, db, eng, hbi.ID, "construction-permit", "new", at(t, "2026-06-30 09:00"))
		old = fire(t, db, eng, old, "receive", "officer", "2026-06-30 09:30", workflow.Input{})
		// 30/6 + 20 days = Mon 20/7/2026.
		if old.CatalogueVersion != "nd175-2024" || day(old.DueAt) != "2026-07-20" {
			t.Fatalf("30/06: version %s due %s, want nd175-2024 due 2026-07-20", old.CatalogueVersion, day(old.DueAt))
		}
		old = fire(t, db, eng, old, "assign", "officer", "2026-07-02 09:00", workflow.Input{})
		if old.CatalogueVersion != "nd175-2024" {
			t.Fatalf("rebound to %s after 01/07", old.CatalogueVersion)
		}
		// Received 01/07/2026 (Wednesday): ND 217/2026, 10 working days → Wed 15/7.
		nw := submit(t, db, eng, hbi.ID, "construction-permit", "new", at(t, "2026-07-01 09:00"))
		nw = fire(t, db, eng, nw, "receive", "officer", "2026-07-01 09:30", workflow.Input{})
		if nw.CatalogueVersion != "nd217-2026" || day(nw.DueAt) != "2026-07-15" {
			t.Fatalf("01/07: version %s due %s, want nd217-2026 due 2026-07-15", nw.CatalogueVersion, day(nw.DueAt))
		}
		// Sequences are per board and per day.
		a := submit(t, db, eng, hbi.ID, "union-registration", "standard", at(t, "2026-07-01 23:30"))
		b := submit(t, db, eng, bgg.ID, "union-registration", "standard", at(t, "2026-07-01 23:40"))
		c := submit(t, db, eng, hbi.ID, "union-registration", "standard", at(t, "2026-07-02 00:10"))
		for _, d := range []*models.Dossier{old, nw, a, b, c} {
			if !codeFormat.MatchString(d.Code) {
				t.Fatalf("code %q does not follow V1V2V3.Z1Z2.Y1Y2.MX1X2-YYMMDD-XXXX", d.Code)
			}
		}
		want := []string{"000.20.30.H33-260630-0001", "000.20.30.H33-260701-0001", "000.20.30.H33-260701-0002",
			"000.20.24.H06-260701-0001", "000.20.30.H33-260702-0001"}
		for i, d := range []*models.Dossier{old, nw, a, b, c} {
			if d.Code != want[i] {
				t.Fatalf("dossier %d code %s, want %s", i, d.Code, want[i])
			}
		}
	})
}

// TestGuardsWriteNothing checks that refused events leave the dossier and
// its history exactly as they were.
func TestGuardsWriteNothing(t *testing.T) {
	eng := workflowtest.Engine(t)
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		board := newBoard(t, db, "HBI", "000.20.30.H33")
		var d *models.Dossier
		err := models.InTx(ctx, db, func(tx *gorm.DB) error {
			var err error
			d, err = eng.Submit(ctx, tx, workflow.SubmitInput{BoardID: board.ID, Procedure: "construction-permit",
				Variant: "new", Channel: models.ChannelOnline, ApplicantName: "Công ty CP Thiếu Giấy Tờ"},
				actor("investor"), at(t, "2026-11-16 08:00"))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name  string
			event workflow.Event
			role  workflow.Role
			in    workflow.Input
			code  string
			kind  errs.Kind
		}{
			{"documents missing", "receive", "officer", workflow.Input{}, "documents_missing", errs.KindRule},
			{"investor may not receive", "receive", "investor", workflow.Input{}, "role_not_allowed", errs.KindForbidden},
			{"not allowed before receipt", "approve", "leader", workflow.Input{}, "event_not_allowed", errs.KindConflict},
			{"unknown event", "teleport", "officer", workflow.Input{}, "invalid_event", errs.KindInvalid},
			{"refusal needs a reason", "reject_intake", "officer", workflow.Input{}, "comment_required", errs.KindRule},
			{"extension before receipt", "extend", "officer", extension(t, "2026-12-31"), "event_not_allowed", errs.KindConflict},
		}
		for _, c := range cases {
			_, _, err := workflowtest.Apply(t, eng, ctx, db, d.ID, 0, c.event, actor(c.role), at(t, "2026-11-16 09:00"), c.in)
			var de *errs.Error
			if errCode(err) != c.code || !asError(err, &de) || de.Kind != c.kind {
				t.Fatalf("%s: got %v (%s), want %s %d", c.name, err, errCode(err), c.code, c.kind)
			}
		}
		after, _ := models.GetDossier(ctx, db, d.ID)
		h, _ := models.History(ctx, db, d.ID)
		if after.Version != 1 || after.State != "submitted" || after.DueAt != nil || len(h) != 1 {
			t.Fatalf("a refused event wrote: version %d state %s due %v history %d", after.Version, after.State, after.DueAt, len(h))
		}
		// A stale version is a 409 and writes nothing either.
		_, _, err = workflowtest.Apply(t, eng, ctx, db, d.ID, 7, "reject_intake", actor("officer"), at(t, "2026-11-16 09:00"), comment("x"))
		if errCode(err) != "stale_version" || !workflow.IsConflict(err) {
			t.Fatalf("stale: got %v", err)
		}
		// Intake refusal (form 03) closes the dossier without a clock.
		d = fire(t, db, eng, d, "reject_intake", "officer", "2026-11-16 09:05", comment("Hồ sơ không thuộc thẩm quyền"))
		if d.State != "intake_rejected" || d.FinishedAt == nil || d.Outcome != "" || d.ReceivedAt != nil {
			t.Fatalf("intake refusal: state %s finished %v outcome %q", d.State, d.FinishedAt, d.Outcome)
		}
	})
}

func asError(err error, target **errs.Error) bool {
	de, ok := err.(*errs.Error)
	*target = de
	return ok
}

// TestStepsAndEnds checks the control sheet (per-step deadlines) and the
// other ways a dossier ends: withdrawal, refusal, a lapsed supplement.
func TestStepsAndEnds(t *testing.T) {
	eng := workflowtest.Engine(t)
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		board := newBoard(t, db, "HBI", "000.20.30.H33")

		// Construction permit: in_review has 3 working days (16/11 → Thu 19/11); leaving it on 20/11 is late.
		d := submit(t, db, eng, board.ID, "construction-permit", "new", at(t, "2026-11-16 08:30"))
		d = fire(t, db, eng, d, "receive", "officer", "2026-11-16 09:00", workflow.Input{})
		d = fire(t, db, eng, d, "assign", "officer", "2026-11-16 10:00", workflow.Input{})
		if d.StepState != "in_review" || day(d.StepDueAt) != "2026-11-19" {
			t.Fatalf("step %s due %s, want in_review due 2026-11-19", d.StepState, day(d.StepDueAt))
		}
		d = fire(t, db, eng, d, "consult", "officer", "2026-11-18 10:00", workflow.Input{})
		// consulting: 2 working days from 18/11 → Fri 20/11.
		if day(d.StepDueAt) != "2026-11-20" {
			t.Fatalf("consulting step due %s, want 2026-11-20", day(d.StepDueAt))
		}
		d = fire(t, db, eng, d, "consent", "system", "2026-11-20 16:00", workflow.Input{Comment: "Coi như đồng ý (Nghị định 217/2026/NĐ-CP)"})
		// Withdrawn by the investor on 23/11, before the appointment (1/12): early.
		d = fire(t, db, eng, d, "withdraw", "investor", "2026-11-23 10:00", workflow.Input{})
		h, _ := models.History(ctx, db, d.ID)
		steps := map[string]string{}
		for _, ev := range h {
			if ev.StepOutcome != "" {
				steps[ev.Event+":"+ev.StepState] = ev.StepOutcome
			}
		}
		want := map[string]string{"assign:received": "", "consult:in_review": "early", "consent:consulting": "on_time"}
		for k, v := range want {
			if steps[k] != v {
				t.Fatalf("step %s outcome %q, want %q (all: %v)", k, steps[k], v, steps)
			}
		}
		if d.State != "withdrawn" || d.Outcome != "early" || d.FinishedAt == nil {
			t.Fatalf("withdrawal: state %s outcome %s", d.State, d.Outcome)
		}

		// Feasibility appraisal: the applicant lets 20 working days lapse; the
		// appraisal stops. The clock had stopped with time left: not late.
		f := submit(t, db, eng, board.ID, "feasibility-appraisal", "group_c", at(t, "2026-11-02 09:00"))
		f = fire(t, db, eng, f, "receive", "officer", "2026-11-02 09:30", workflow.Input{})
		f = fire(t, db, eng, f, "assign", "officer", "2026-11-02 10:00", workflow.Input{})
		f = fire(t, db, eng, f, "request_supplement", "officer", "2026-11-04 10:00", comment("Thiếu khảo sát địa chất"))
		// 20 working days from 4/11, skipping 24/11 → Thu 3/12.
		if f.StepState != "supplement_requested" || day(f.StepDueAt) != "2026-12-03" {
			t.Fatalf("applicant's step %s due %s, want supplement_requested due 2026-12-03", f.StepState, day(f.StepDueAt))
		}
		f = fire(t, db, eng, f, "stop", "system", "2026-12-04 07:30", comment("Quá hạn bổ sung"))
		if f.State != "stopped" || f.Outcome != "early" || f.FinishedAt == nil {
			t.Fatalf("lapsed: state %s outcome %s", f.State, f.Outcome)
		}

		// Refusal in review by the leader is classified like an approval.
		r := submit(t, db, eng, board.ID, "investment-certificate", "adjust_update", at(t, "2026-11-20 09:00"))
		r = fire(t, db, eng, r, "receive", "officer", "2026-11-20 09:00", workflow.Input{})
		// 3 working days from Fri 20/11: 23, (24 holiday), 25, 26 → Thu 26/11.
		if day(r.DueAt) != "2026-11-26" {
			t.Fatalf("adjust_update due %s, want 2026-11-26", day(r.DueAt))
		}
		r = fire(t, db, eng, r, "assign", "officer", "2026-11-20 10:00", workflow.Input{})
		r = fire(t, db, eng, r, "propose", "officer", "2026-11-25 10:00", workflow.Input{})
		r = fire(t, db, eng, r, "refuse", "leader", "2026-11-27 10:00", comment("Không đủ điều kiện"))
		if r.State != "refused" || r.Outcome != "late" {
			t.Fatalf("refusal: state %s outcome %s, want refused late", r.State, r.Outcome)
		}
	})
}
