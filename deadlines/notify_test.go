package deadlines_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/models/modelstest"
	"github.com/motcua/motcua/workflow"
	"github.com/motcua/motcua/workflow/workflowtest"
)

// staff creates a user of the fixture's board (or of board when not 0).
func (f *fixture) staff(t *testing.T, name, role, email string, active bool) *models.User {
	t.Helper()
	u := &models.User{BoardID: &f.board, Username: name, FullName: name, Role: role, Email: email, Active: true}
	if err := f.db.Create(u).Error; err != nil {
		t.Fatal(err)
	}
	if !active { // Active has a database default: false must be written explicitly
		if err := f.db.Model(u).Update("active", false).Error; err != nil {
			t.Fatal(err)
		}
	}
	return u
}

// emails lists the email notifications about a dossier as "kind→username".
func emails(t *testing.T, db *gorm.DB, dossierID uint64) []string {
	t.Helper()
	var rows []struct{ Kind, Username string }
	err := db.Table("notifications n").Select("n.kind, u.username").Joins("JOIN users u ON u.id = n.user_id").
		Where("n.dossier_id = ? AND n.channel = ?", dossierID, models.NotifyEmail).Scan(&rows).Error
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		out = append(out, r.Kind+"→"+r.Username)
	}
	slices.Sort(out)
	return out
}

// TestSweepNotifiesStaff: each new alert enqueues one email per recipient
// with an address, in the sweep's transaction: the assigned officer (every
// officer while unassigned) and the active managers of the board; a second
// sweep enqueues nothing. The overdue dossiers are marked.
func TestSweepNotifiesStaff(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		a := f.staff(t, "a.officer", "officer", "a@bql.test", true)
		f.staff(t, "b.officer", "officer", "b@bql.test", true)
		f.staff(t, "c.officer", "officer", "", true)
		f.staff(t, "m.manager", "manager", "m@bql.test", true)
		f.staff(t, "n.manager", "manager", "n@bql.test", false)
		assigned := openDossier(t, db, f.board, 1, "2026-11-20", "", &a.ID)
		unassigned := openDossier(t, db, f.board, 2, "2026-11-20", "", nil)
		later := openDossier(t, db, f.board, 3, "2026-12-31", "", nil)
		now := at(t, "2026-11-23 08:00")
		res, err := f.sweeper().Run(context.Background(), now)
		if err != nil {
			t.Fatal(err)
		}
		if res.Overdue != 4 || res.Notifications != 5 || res.MarkedOverdue != 2 {
			t.Fatalf("first sweep %s, want overdue=4 notifications=5 marked_overdue=2", res)
		}
		if got, want := emails(t, db, assigned.ID), []string{"overdue→a.officer", "overdue→m.manager"}; !slices.Equal(got, want) {
			t.Errorf("assigned dossier emails %v, want %v", got, want)
		}
		want := []string{"overdue→a.officer", "overdue→b.officer", "overdue→m.manager"}
		if got := emails(t, db, unassigned.ID); !slices.Equal(got, want) {
			t.Errorf("unassigned dossier emails %v, want %v", got, want)
		}
		checkMarks(t, db, map[uint64]bool{assigned.ID: true, unassigned.ID: true, later.ID: false})
		res, err = f.sweeper().Run(context.Background(), now.Add(5*60e9))
		if err != nil || res.Total() != 0 || res.Notifications != 0 || res.MarkedOverdue != 0 {
			t.Fatalf("second sweep %s %v, want nothing new", res, err)
		}
	})
}

// checkMarks checks which dossiers carry the overdue mark.
func checkMarks(t *testing.T, db *gorm.DB, want map[uint64]bool) {
	t.Helper()
	for id, marked := range want {
		d, err := models.GetDossier(context.Background(), db, id)
		if err != nil {
			t.Fatal(err)
		}
		if (d.OverdueAt != nil) != marked {
			t.Errorf("dossier %d overdue_at %v, want marked=%t", id, d.OverdueAt, marked)
		}
	}
}

// TestOverdueMarkClearedByPause: an investment certificate without policy
// approval (ND 96/2026: 10 working days, supplementation pauses the clock,
// Art 6(1)(e)) received 16/11/2026 is due 01/12; the sweep of 02/12 marks
// it overdue; the request to supplement of 02/12 pauses the clock (no
// appointment) and clears the mark in the transition; resubmitted on 03/12
// with no days left, it is past its appointment again and the next sweep
// marks it anew.
func TestOverdueMarkClearedByPause(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		d := f.dossierOf(t, "investment-certificate", "issue_without_policy", received,
			[3]string{"assign", "officer", "2026-11-16 10:00"})
		if want := time.Date(2026, 12, 1, 23, 59, 59, 0, deadlines.Location); d.DueAt == nil || !d.DueAt.Equal(want) {
			t.Fatalf("due %v, want %v", d.DueAt, want)
		}
		supplementAfterOverdue(t, f, d)
		res, err := f.sweeper().Run(context.Background(), at(t, "2026-12-03 10:00"))
		if err != nil || res.MarkedOverdue != 1 {
			t.Fatalf("sweep after resubmission %s %v, want the mark again", res, err)
		}
		checkMarks(t, db, map[uint64]bool{d.ID: true})
	})
}

// TestOverdueMarkClearedByRestart: the construction permit (ND 217/2026,
// 10 working days counted from the complete valid dossier, Art 54(1)(b):
// supplementation restarts the period) received 16/11/2026 is due 01/12,
// marked overdue on 02/12, and the request of 02/12 clears the mark;
// resubmitted on Thu 03/12, it gets a full 10 working days again (4, 7-11,
// 14-17/12) and is due Thu 17/12: the sweep of 03/12 leaves it unmarked,
// the sweep of Fri 18/12 marks it anew.
func TestOverdueMarkClearedByRestart(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		d := f.dossier(t, received, [3]string{"assign", "officer", "2026-11-16 10:00"})
		d = supplementAfterOverdue(t, f, d)
		if want := time.Date(2026, 12, 17, 23, 59, 59, 0, deadlines.Location); d.DueAt == nil || !d.DueAt.Equal(want) {
			t.Fatalf("due after resubmission %v, want %v", d.DueAt, want)
		}
		res, err := f.sweeper().Run(context.Background(), at(t, "2026-12-03 10:00"))
		if err != nil || res.MarkedOverdue != 0 || res.Overdue != 0 {
			t.Fatalf("sweep after resubmission %s %v, want no mark: the period restarted", res, err)
		}
		checkMarks(t, db, map[uint64]bool{d.ID: false})
		res, err = f.sweeper().Run(context.Background(), at(t, "2026-12-18 08:00"))
		if err != nil || res.MarkedOverdue != 1 {
			t.Fatalf("sweep past the new appointment %s %v, want the mark again", res, err)
		}
		checkMarks(t, db, map[uint64]bool{d.ID: true})
	})
}

// supplementAfterOverdue sweeps on 02/12/2026 08:00 (the dossier, due 01/12,
// is marked overdue), requests a supplement at 09:00 (the mark is cleared
// in the transition) and resubmits on 03/12 09:00; it returns the dossier.
func supplementAfterOverdue(t *testing.T, f *fixture, d *models.Dossier) *models.Dossier {
	t.Helper()
	ctx := context.Background()
	if _, err := f.sweeper().Run(ctx, at(t, "2026-12-02 08:00")); err != nil {
		t.Fatal(err)
	}
	checkMarks(t, f.db, map[uint64]bool{d.ID: true})
	officer := workflow.Actor{Role: workflow.RoleOfficer, Name: "officer"}
	d, _, err := workflowtest.Apply(t, f.eng, ctx, f.db, d.ID, 0, "request_supplement", officer, at(t, "2026-12-02 09:00"),
		workflow.Input{Comment: "Thiếu bản vẽ"})
	if err != nil {
		t.Fatal(err)
	}
	checkMarks(t, f.db, map[uint64]bool{d.ID: false})
	d, _, err = workflowtest.Apply(t, f.eng, ctx, f.db, d.ID, 0, "resubmit", officer, at(t, "2026-12-03 09:00"), workflow.Input{})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestDigestOncePerDay: the 07:30 digest goes to each active officer and
// manager with an address and unacknowledged alerts about open dossiers,
// once per day whatever the number of runs; acknowledged alerts drop out.
func TestDigestOncePerDay(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		a := f.staff(t, "a.officer", "officer", "a@bql.test", true)
		b := f.staff(t, "b.officer", "officer", "b@bql.test", true)
		f.staff(t, "c.officer", "officer", "", true)
		m := f.staff(t, "m.manager", "manager", "m@bql.test", true)
		f.staff(t, "n.manager", "manager", "n@bql.test", false)
		openDossier(t, db, f.board, 1, "2026-11-20", "", &a.ID)
		ctx := context.Background()
		if _, err := f.sweeper().Run(ctx, at(t, "2026-11-23 07:00")); err != nil {
			t.Fatal(err)
		}
		digest := func(now string, want int) {
			t.Helper()
			n, skipped, err := f.sweeper().Digest(ctx, at(t, now))
			if err != nil || skipped || n != want {
				t.Fatalf("digest at %s: %d (skipped %t) %v, want %d", now, n, skipped, err, want)
			}
		}
		digest("2026-11-23 07:30", 2) // a (assigned officer) and m; b is not the assignee
		digest("2026-11-23 07:35", 0)
		for _, al := range f.alerts(t, 1) {
			if al.RecipientRole == models.RecipientManager {
				if _, err := models.AcknowledgeAlert(ctx, db, f.board, al.ID, m.ID, at(t, "2026-11-23 09:00")); err != nil {
					t.Fatal(err)
				}
			}
		}
		digest("2026-11-24 07:30", 1) // only a: m acknowledged
		var users []uint
		if err := db.Model(&models.Notification{}).Where("kind = ?", models.NotifyDigest).Order("user_id").
			Pluck("user_id", &users).Error; err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(users, []uint{a.ID, a.ID, m.ID}) || slices.Contains(users, b.ID) {
			t.Fatalf("digest recipients %v, want a twice and m once", users)
		}
	})
}
