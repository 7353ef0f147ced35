package workflowtest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/workflow"
)

// Extend is a test-only event name: Apply fires it as the two events of a
// leader-signed extension, propose_extension then approve_extension.
const Extend workflow.Event = "extend"

// Apply is Engine.Apply for tests that exercise something other than the
// desk's guards: it supplies what they require when the test leaves it
// out (an officer account of the board for assign, a paper result for a
// decision) and expands Extend into the proposal and the leader's approval
// at the same instant. The desk's guards have tests of their own.
func Apply(t testing.TB, eng *workflow.Engine, ctx context.Context, db *gorm.DB, id uint64, version int,
	ev workflow.Event, actor workflow.Actor, at time.Time, in workflow.Input) (*models.Dossier, *models.DossierEvent, error) {
	t.Helper()
	if ev == Extend {
		d, _, err := eng.Apply(ctx, db, id, version, workflow.EventProposeExtension, roleActor(actor, workflow.RoleOfficer), at, in)
		if err != nil {
			return nil, nil, err
		}
		return eng.Apply(ctx, db, id, d.Version, workflow.EventApproveExtension, roleActor(actor, workflow.RoleLeader), at,
			workflow.Input{})
	}
	return eng.Apply(ctx, db, id, version, ev, actor, at, Fill(t, db, id, ev, in))
}

// Fire is Engine.Fire for tests, completing the input as Apply does.
func Fire(t testing.TB, eng *workflow.Engine, ctx context.Context, tx *gorm.DB, d *models.Dossier, ev workflow.Event,
	actor workflow.Actor, at time.Time, in workflow.Input) (*models.DossierEvent, error) {
	t.Helper()
	if ev == Extend {
		if _, err := eng.Fire(ctx, tx, d, workflow.EventProposeExtension, roleActor(actor, workflow.RoleOfficer), at, in); err != nil {
			return nil, err
		}
		return eng.Fire(ctx, tx, d, workflow.EventApproveExtension, roleActor(actor, workflow.RoleLeader), at, workflow.Input{})
	}
	return eng.Fire(ctx, tx, d, ev, actor, at, Fill(t, tx, d.ID, ev, in))
}

// roleActor is actor acting in role (the name kept).
func roleActor(a workflow.Actor, role workflow.Role) workflow.Actor {
	if a.Role == role {
		return a
	}
	return workflow.Actor{Role: role, BoardID: a.BoardID, Name: string(role)}
}

// Fill completes in for ev on dossier id as Apply does.
func Fill(t testing.TB, db *gorm.DB, id uint64, ev workflow.Event, in workflow.Input) workflow.Input {
	t.Helper()
	switch ev {
	case workflow.EventAssign:
		if in.AssigneeID == nil {
			d, err := models.GetDossier(context.Background(), db, id)
			if err != nil {
				t.Fatal(err)
			}
			in.AssigneeID = Officer(t, db, d.BoardID)
		}
	case workflow.EventApprove, workflow.EventRefuse:
		if in.Result == nil {
			in.Result = &workflow.ResultInput{Medium: workflow.ResultPaper}
		}
	}
	return in
}

// Officer returns the id of an active officer account of board, creating
// it ("officer.<board>") the first time.
func Officer(t testing.TB, db *gorm.DB, board uint) *uint {
	t.Helper()
	name := fmt.Sprintf("officer.%d", board)
	var u models.User
	err := db.Where("username = ?", name).Limit(1).Find(&u).Error
	if err == nil && u.ID == 0 {
		u = models.User{Username: name, FullName: "Chuyên viên " + name, Role: string(workflow.RoleOfficer), BoardID: &board,
			Active: true}
		err = db.Create(&u).Error
	}
	if err != nil {
		t.Fatal(err)
	}
	return &u.ID
}
