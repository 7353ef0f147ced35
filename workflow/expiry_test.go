package workflow_test

import (
	"context"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/models/modelstest"
	"github.com/motcua/motcua/workflow"
	"github.com/motcua/motcua/workflow/workflowtest"
)

// fireExpired runs FireExpired at when and checks how many events it fired.
func fireExpired(t *testing.T, db *gorm.DB, eng *workflow.Engine, when string, want int) {
	t.Helper()
	n, err := eng.FireExpired(context.Background(), db, at(t, when))
	if err != nil {
		t.Fatal(err)
	}
	if n != want {
		t.Fatalf("FireExpired at %s fired %d, want %d", when, n, want)
	}
}

// reload reads a dossier back.
func reload(t *testing.T, db *gorm.DB, d *models.Dossier) *models.Dossier {
	t.Helper()
	got, err := models.GetDossier(context.Background(), db, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// TestFireExpiredConsent: the consulted bodies of a construction permit
// stay silent past Fri 20/11/2026; silence counts as consent, once.
func TestFireExpiredConsent(t *testing.T) {
	eng := workflowtest.Engine(t)
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		board := newBoard(t, db, "HBI", "000.20.30.H33")
		d := submit(t, db, eng, board.ID, "construction-permit", "new", at(t, "2026-11-16 08:30"))
		d = fire(t, db, eng, d, "receive", "officer", "2026-11-16 09:00", workflow.Input{})
		d = fire(t, db, eng, d, "assign", "officer", "2026-11-16 10:00", workflow.Input{})
		d = fire(t, db, eng, d, "consult", "officer", "2026-11-18 10:00", workflow.Input{})
		fireExpired(t, db, eng, "2026-11-20 16:00", 0)
		fireExpired(t, db, eng, "2026-11-21 08:00", 1)
		d = reload(t, db, d)
		if d.State != "in_review" {
			t.Fatalf("state %s, want in_review", d.State)
		}
		h, err := models.History(context.Background(), db, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		last := h[len(h)-1]
		if last.Event != "consent" || last.ActorRole != string(workflow.RoleSystem) ||
			!strings.Contains(last.Comment, "Nghị định 217/2026/NĐ-CP") || !strings.Contains(last.Comment, "deemed consent") {
			t.Fatalf("last history row: event %s by %s, comment %q", last.Event, last.ActorRole, last.Comment)
		}
		fireExpired(t, db, eng, "2026-11-21 08:05", 0)
	})
}

// TestFireExpiredStop: a feasibility appraisal (group_c) whose applicant
// lets the 20 working days from 04/11/2026 lapse (due Thu 03/12) stops.
func TestFireExpiredStop(t *testing.T) {
	eng := workflowtest.Engine(t)
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		board := newBoard(t, db, "HBI", "000.20.30.H33")
		f := submit(t, db, eng, board.ID, "feasibility-appraisal", "group_c", at(t, "2026-11-02 09:00"))
		f = fire(t, db, eng, f, "receive", "officer", "2026-11-02 09:30", workflow.Input{})
		f = fire(t, db, eng, f, "assign", "officer", "2026-11-02 10:00", workflow.Input{})
		f = fire(t, db, eng, f, "request_supplement", "officer", "2026-11-04 10:00", comment("Thiếu khảo sát địa chất"))
		fireExpired(t, db, eng, "2026-12-03 16:00", 0)
		fireExpired(t, db, eng, "2026-12-04 07:30", 1)
		f = reload(t, db, f)
		if f.State != "stopped" || f.Outcome != "early" || f.FinishedAt == nil {
			t.Fatalf("lapsed: state %s outcome %s finished %v, want stopped early", f.State, f.Outcome, f.FinishedAt)
		}
		fireExpired(t, db, eng, "2026-12-04 08:00", 0)
	})
}

// TestFireExpiredNoExpiry: a dossier past the step of a state without
// OnStepExpiry (in_review) is left alone.
func TestFireExpiredNoExpiry(t *testing.T) {
	eng := workflowtest.Engine(t)
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		board := newBoard(t, db, "HBI", "000.20.30.H33")
		d := submit(t, db, eng, board.ID, "construction-permit", "new", at(t, "2026-11-16 08:30"))
		d = fire(t, db, eng, d, "receive", "officer", "2026-11-16 09:00", workflow.Input{})
		d = fire(t, db, eng, d, "assign", "officer", "2026-11-16 10:00", workflow.Input{})
		fireExpired(t, db, eng, "2026-11-21 08:00", 0) // in_review was due Thu 19/11
		got := reload(t, db, d)
		if got.State != "in_review" || got.Version != d.Version {
			t.Fatalf("state %s version %d, want in_review version %d untouched", got.State, got.Version, d.Version)
		}
	})
}
