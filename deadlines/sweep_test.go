package deadlines_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/models/modelstest"
	"github.com/motcua/motcua/workflow"
	"github.com/motcua/motcua/workflow/workflowtest"
)

// at parses "2006-01-02 15:04" in Asia/Ho_Chi_Minh.
var at = workflowtest.At

// fixture is one board on a fresh database with the shipped engine.
type fixture struct {
	db    *gorm.DB
	eng   *workflow.Engine
	board uint
}

func newFixture(t testing.TB, db *gorm.DB) *fixture {
	t.Helper()
	b := &models.Board{Code: "HBI", NameVI: "Ban Quản lý các khu công nghiệp HBI", AgencyCode: "000.20.30.H33"}
	if err := db.Create(b).Error; err != nil {
		t.Fatal(err)
	}
	return &fixture{db: db, eng: workflowtest.Engine(t), board: b.ID}
}

// dossier submits a construction permit (new) at the desk on Mon 16/11/2026
// 08:30 and applies each "event@role@time" in turn.
func (f *fixture) dossier(t testing.TB, steps ...[3]string) *models.Dossier {
	t.Helper()
	return f.dossierOf(t, "construction-permit", "new", steps...)
}

// dossierOf submits a dossier of the procedure and variant at the desk on
// Mon 16/11/2026 08:30 and applies each "event@role@time" in turn.
func (f *fixture) dossierOf(t testing.TB, procedure, variant string, steps ...[3]string) *models.Dossier {
	t.Helper()
	ctx := context.Background()
	when := at(t, "2026-11-16 08:30")
	var d *models.Dossier
	err := models.InTx(ctx, f.db, func(tx *gorm.DB) error {
		var err error
		d, err = f.eng.Submit(ctx, tx, workflow.SubmitInput{BoardID: f.board, Procedure: procedure,
			Variant: variant, Channel: models.ChannelDirect, ApplicantName: "Công ty TNHH Thử Nghiệm",
			Attachments: f.documents(t, procedure, variant, when)}, workflow.Actor{Role: workflow.RoleOfficer, Name: "officer"}, when)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range steps {
		role := workflow.Role(s[1])
		d, _, err = workflowtest.Apply(t, f.eng, ctx, f.db, d.ID, d.Version, workflow.Event(s[0]),
			workflow.Actor{Role: role, Name: s[1]}, at(t, s[2]), workflow.Input{})
		if err != nil {
			t.Fatalf("%s: %v", s[0], err)
		}
	}
	return d
}

// documents attaches every document the procedure's variant requires.
func (f *fixture) documents(t testing.TB, procedure, variant string, when time.Time) []workflow.AttachmentInput {
	t.Helper()
	p, err := f.eng.Catalogue().Procedure(procedure)
	if err != nil {
		t.Fatal(err)
	}
	v, err := p.VersionAt(when)
	if err != nil {
		t.Fatal(err)
	}
	var out []workflow.AttachmentInput
	for _, c := range v.RequiredDocuments(variant) {
		out = append(out, workflow.AttachmentInput{DocumentCode: c, FileName: c + ".pdf", ContentType: "application/pdf", Size: 1024})
	}
	return out
}

func (f *fixture) sweeper() *deadlines.Sweeper {
	return &deadlines.Sweeper{DB: f.db, Cal: f.eng.Calendar()}
}

// alerts lists the board's alerts about one dossier.
func (f *fixture) alerts(t testing.TB, dossierID uint64) []models.Alert {
	t.Helper()
	all, err := models.ListAlerts(context.Background(), f.db, f.board)
	if err != nil {
		t.Fatal(err)
	}
	var out []models.Alert
	for _, a := range all {
		if a.DossierID == dossierID {
			out = append(out, a)
		}
	}
	return out
}

var received = [3]string{"receive", "officer", "2026-11-16 09:00"}

// TestSweepTimeline follows a construction permit received Mon 16/11/2026
// 09:00, due Tue 01/12/2026 23:59:59 (10 working days; 24/11 is a holiday),
// through the sweeps, and a finished dossier that never gets an alert.
func TestSweepTimeline(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		d := f.dossier(t, received)
		if want := time.Date(2026, 12, 1, 23, 59, 59, 0, deadlines.Location); d.DueAt == nil || !d.DueAt.Equal(want) {
			t.Fatalf("due %v, want %v", d.DueAt, want)
		}
		done := f.dossier(t, received, [3]string{"assign", "officer", "2026-11-16 10:00"},
			[3]string{"propose", "officer", "2026-11-17 09:00"}, [3]string{"approve", "leader", "2026-11-17 10:00"})
		if done.FinishedAt == nil {
			t.Fatal("approved dossier not finished")
		}
		s := f.sweeper()
		for _, c := range []struct {
			now                       string
			dueSoon, apology, overdue int
		}{
			{"2026-11-25 10:00", 0, 0, 0}, // 26, 27, 30/11 and 1/12: 4 working days away
			{"2026-11-27 10:00", 1, 0, 0}, // 30/11 and 1/12: 2 working days away
			{"2026-11-30 10:00", 0, 1, 0}, // 1 working day away; due soon already raised
			{"2026-12-02 08:00", 0, 0, 2}, // officer and manager
			{"2026-12-02 08:00", 0, 0, 0}, // the same instant again
			{"2026-12-03 09:00", 0, 0, 0}, // later
		} {
			res, err := s.Run(context.Background(), at(t, c.now))
			if err != nil {
				t.Fatal(err)
			}
			if res.Skipped || res.DueSoon != c.dueSoon || res.ApologyDue != c.apology || res.Overdue != c.overdue {
				t.Fatalf("%s: %+v, want due_soon=%d apology_due=%d overdue=%d", c.now, res, c.dueSoon, c.apology, c.overdue)
			}
		}
		checkTimelineAlerts(t, f.alerts(t, d.ID), *d.DueAt)
		if got := f.alerts(t, done.ID); len(got) != 0 {
			t.Fatalf("finished dossier got alerts: %+v", got)
		}
	})
}

// checkTimelineAlerts checks the rows: one due soon, one apology, two overdue.
func checkTimelineAlerts(t *testing.T, got []models.Alert, due time.Time) {
	t.Helper()
	want := map[string]bool{"due_soon/officer": true, "apology_due/officer": true,
		"overdue/officer": true, "overdue/manager": true}
	seen := map[string]int{}
	for _, a := range got {
		if a.Kind == models.AlertStepOverdue {
			continue
		}
		key := string(a.Kind) + "/" + a.RecipientRole
		seen[key]++
		if !want[key] || seen[key] > 1 || !a.DueAt.Equal(due) || a.AcknowledgedAt != nil {
			t.Fatalf("unexpected alert %s: %+v", key, a)
		}
	}
	if len(seen) != len(want) {
		t.Fatalf("alerts %v, want %v", seen, want)
	}
}

// TestSweepStepOverdue: assigned Mon 16/11 10:00, the in_review step is due
// Thu 19/11; on Fri 20/11 09:00 the officer is alerted once.
func TestSweepStepOverdue(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		d := f.dossier(t, received, [3]string{"assign", "officer", "2026-11-16 10:00"})
		if want := time.Date(2026, 11, 19, 23, 59, 59, 0, deadlines.Location); d.StepDueAt == nil || !d.StepDueAt.Equal(want) {
			t.Fatalf("step due %v, want %v", d.StepDueAt, want)
		}
		s := f.sweeper()
		for i, want := range []int{0, 1, 0} {
			now := []string{"2026-11-19 16:00", "2026-11-20 09:00", "2026-11-20 09:05"}[i]
			res, err := s.Run(context.Background(), at(t, now))
			if err != nil || res.StepOverdue != want {
				t.Fatalf("%s: %+v %v, want step_overdue=%d", now, res, err, want)
			}
		}
		got := f.alerts(t, d.ID)
		if len(got) != 1 || got[0].Kind != models.AlertStepOverdue || got[0].StepState != "in_review" ||
			got[0].RecipientRole != models.RecipientOfficer || !got[0].DueAt.Equal(*d.StepDueAt) {
			t.Fatalf("alerts %+v", got)
		}
	})
}

// TestSweepConcurrentPostgres runs three sweepers at once at the same
// instant, twice: each alert exists exactly once, whoever raised it.
func TestSweepConcurrentPostgres(t *testing.T) {
	db := modelstest.Postgres(t)
	f := newFixture(t, db)
	var ids []uint64
	for range 5 {
		ids = append(ids, f.dossier(t, received, [3]string{"assign", "officer", "2026-11-16 10:00"}).ID)
	}
	now := at(t, "2026-12-02 08:00")
	total := 0
	for range 2 {
		total += concurrentSweeps(t, f, now, 3)
	}
	// Per dossier: overdue for officer and manager, step overdue for the officer.
	if want := 3 * len(ids); total != want {
		t.Fatalf("inserted %d alerts, want %d", total, want)
	}
	for _, id := range ids {
		if got := f.alerts(t, id); len(got) != 3 {
			t.Fatalf("dossier %d: %d alerts, want 3: %+v", id, len(got), got)
		}
	}
}

// concurrentSweeps runs n sweepers at now and returns how many alerts they inserted.
func concurrentSweeps(t *testing.T, f *fixture, now time.Time, n int) int {
	t.Helper()
	var wg sync.WaitGroup
	results := make([]deadlines.Result, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() { results[i], errs[i] = f.sweeper().Run(context.Background(), now) })
	}
	wg.Wait()
	total := 0
	for i := range n {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		total += results[i].Total()
	}
	return total
}

// TestSweepLockHeldSkips: while another session holds the sweep lock
// (as a transaction-level lock, the way Run takes it), Run skips and
// raises nothing; once that transaction ends the lock is gone, and Run
// sweeps.
func TestSweepLockHeldSkips(t *testing.T) {
	db := modelstest.Postgres(t)
	f := newFixture(t, db)
	f.dossier(t, received)
	now := at(t, "2026-12-02 08:00")
	holder := db.Begin()
	var ok bool
	if err := holder.Raw("SELECT pg_try_advisory_xact_lock(?, hashtext(current_schema()))", deadlines.SweepLockKey).
		Scan(&ok).Error; err != nil || !ok {
		t.Fatalf("taking the lock: %v %v", ok, err)
	}
	res, err := f.sweeper().Run(context.Background(), now)
	if err != nil || !res.Skipped || res.Total() != 0 {
		t.Fatalf("with the lock held elsewhere: %+v %v, want skipped", res, err)
	}
	if err := holder.Commit().Error; err != nil {
		t.Fatal(err)
	}
	res, err = f.sweeper().Run(context.Background(), now)
	if err != nil || res.Skipped || res.Overdue != 2 {
		t.Fatalf("after the holder committed: %+v %v, want 2 overdue alerts", res, err)
	}
	var held int64
	if err := db.Raw(`SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database =
		(SELECT oid FROM pg_database WHERE datname = current_database()) AND classid = ?
		AND objid::text::bigint = (hashtext(current_schema())::bigint + 4294967296) % 4294967296`, deadlines.SweepLockKey).
		Scan(&held).Error; err != nil || held != 0 {
		t.Fatalf("%d sweep locks still held after Run returned (%v)", held, err)
	}
}
