package workflow_test

import (
	"context"
	"testing"

	"gorm.io/gorm"

	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/models/modelstest"
	"github.com/motcua/motcua/workflow"
	"github.com/motcua/motcua/workflow/workflowtest"
)

// TestApplyRead: firing at a dossier as the caller read it, with its
// version pinned, writes the change without reading it again; a pinned
// version other than the one read, or a change made by someone else
// between the read and the write, is stale_version and writes nothing.
func TestApplyRead(t *testing.T) {
	eng := workflowtest.Engine(t)
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		b := newBoard(t, db, "HBI", "000.20.30.H33")
		filed := at(t, "2026-11-16 08:00")
		officer := workflow.Actor{Role: workflow.RoleOfficer, BoardID: b.ID, Name: "officer"}
		d := submit(t, db, eng, b.ID, "construction-permit", "new", filed)
		if _, _, err := eng.ApplyRead(ctx, db, d, 2, workflow.EventReceive, officer, at(t, "2026-11-16 09:00"),
			workflow.Input{}); errCode(err) != "stale_version" {
			t.Fatalf("pinned version 2 of a dossier read at 1: %v, want stale_version", err)
		}
		nd, ev, err := eng.ApplyRead(ctx, db, d, 1, workflow.EventReceive, officer, at(t, "2026-11-16 09:00"), workflow.Input{})
		if err != nil || nd.Version != 2 || nd.State == d.State || ev.Seq != 2 || d.Version != 1 {
			t.Fatalf("receive as read: %+v %+v %v (read: version %d)", nd, ev, err, d.Version)
		}
		other := submit(t, db, eng, b.ID, "construction-permit", "new", filed)
		if _, _, err := eng.Apply(ctx, db, other.ID, 1, workflow.EventReceive, officer, at(t, "2026-11-16 09:00"),
			workflow.Input{}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := eng.ApplyRead(ctx, db, other, 1, workflow.EventReceive, officer, at(t, "2026-11-16 09:05"),
			workflow.Input{}); errCode(err) != "stale_version" {
			t.Fatalf("a change since the read: %v, want stale_version", err)
		}
		if h, err := models.History(ctx, db, other.ID); err != nil || len(h) != 2 {
			t.Fatalf("history after the refused write: %d rows %v, want 2", len(h), err)
		}
	})
}
