package workflow_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"gorm.io/gorm"

	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/models/modelstest"
	"github.com/motcua/motcua/workflow"
	"github.com/motcua/motcua/workflow/workflowtest"
)

// outbox lists a dossier's notifications as "kind/channel/recipient/status".
func outbox(t *testing.T, db *gorm.DB, id uint64) []string {
	t.Helper()
	var rows []models.Notification
	if err := db.Where("dossier_id = ?", id).Order("id").Find(&rows).Error; err != nil {
		t.Fatal(err)
	}
	out := make([]string, 0, len(rows))
	for _, n := range rows {
		out = append(out, fmt.Sprintf("%s/%s/%s/%s", n.Kind, n.Channel, n.Recipient, n.Status))
	}
	return out
}

// TestEventsNotifyInvestor: the events onestop.yaml names notify the
// investor in the app (delivered as written) and by email to the
// applicant's address (pending for the worker); other events notify no
// one; a quiet event (an import) and a refused event write nothing.
func TestEventsNotifyInvestor(t *testing.T) {
	eng := workflowtest.Engine(t)
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		board := newBoard(t, db, "HBI", "000.20.30.H33")
		inv := &models.User{BoardID: nil, Username: "investor", Role: "investor", Email: "account@dn.test", Active: true}
		if err := db.Create(inv).Error; err != nil {
			t.Fatal(err)
		}
		d := submit(t, db, eng, board.ID, "construction-permit", "new", at(t, "2026-11-16 08:30"))
		if err := db.Model(d).Updates(map[string]any{"investor_id": inv.ID, "applicant_email": "hoso@dn.test"}).Error; err != nil {
			t.Fatal(err)
		}
		user := fmt.Sprintf("user:%d", inv.ID)
		d = fire(t, db, eng, d, "receive", "officer", "2026-11-16 09:00", workflow.Input{})
		d = fire(t, db, eng, d, "assign", "officer", "2026-11-16 10:00", workflow.Input{})
		d = fire(t, db, eng, d, "request_supplement", "officer", "2026-11-17 10:00", comment("Thiếu bản vẽ"))
		want := []string{"received/in_app/" + user + "/sent", "received/email/mailto:hoso@dn.test/pending",
			"supplement_requested/in_app/" + user + "/sent", "supplement_requested/email/mailto:hoso@dn.test/pending"}
		if got := outbox(t, db, d.ID); !slices.Equal(got, want) {
			t.Fatalf("outbox %v, want %v", got, want)
		}
		// A refused event (the supplementation cap) writes nothing.
		if _, _, err := workflowtest.Apply(t, eng, context.Background(), db, d.ID, 0, "request_supplement", actor(workflow.RoleOfficer),
			at(t, "2026-11-17 11:00"), comment("again")); err == nil {
			t.Fatal("a second request in the same state was accepted")
		}
		// Quiet: the resubmission does not notify anyway; the decision would.
		d = fire(t, db, eng, d, "resubmit", "investor", "2026-11-18 09:00", workflow.Input{})
		d = fire(t, db, eng, d, "propose", "officer", "2026-11-19 09:00", workflow.Input{})
		fire(t, db, eng, d, "approve", "leader", "2026-11-19 10:00", workflow.Input{Quiet: true})
		if got := outbox(t, db, d.ID); !slices.Equal(got, want) {
			t.Fatalf("outbox after quiet approval %v, want %v", got, want)
		}
	})
}

// TestEventNotifiesAccountEmail: with no applicant address the email goes
// to the investor account's; with neither, only the in-app row is written.
func TestEventNotifiesAccountEmail(t *testing.T) {
	eng := workflowtest.Engine(t)
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		board := newBoard(t, db, "HBI", "000.20.30.H33")
		for i, email := range []string{"account@dn.test", ""} {
			inv := &models.User{Username: fmt.Sprintf("investor%d", i), Role: "investor", Email: email, Active: true}
			if err := db.Create(inv).Error; err != nil {
				t.Fatal(err)
			}
			d := submit(t, db, eng, board.ID, "construction-permit", "new", at(t, "2026-11-16 08:30"))
			if err := db.Model(d).Update("investor_id", inv.ID).Error; err != nil {
				t.Fatal(err)
			}
			d = fire(t, db, eng, d, "receive", "officer", "2026-11-16 09:00", workflow.Input{})
			want := []string{fmt.Sprintf("received/in_app/user:%d/sent", inv.ID)}
			if email != "" {
				want = append(want, "received/email/mailto:"+email+"/pending")
			}
			if got := outbox(t, db, d.ID); !slices.Equal(got, want) {
				t.Fatalf("outbox %v, want %v", got, want)
			}
		}
	})
}
