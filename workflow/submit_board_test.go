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

// TestSubmitWithBoard: a board passed in SubmitInput.Board is used as read
// (its agency identifier makes the code), while one that is not BoardID's
// is ignored and the board is read.
func TestSubmitWithBoard(t *testing.T) {
	eng := workflowtest.Engine(t)
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		board := newBoard(t, db, "HBI", "000.20.30.H33")
		when := at(t, "2024-03-04 09:00")
		for _, c := range []struct {
			given *models.Board
			want  string
		}{
			{&models.Board{ID: board.ID, AgencyCode: "000.20.30.H99"}, "000.20.30.H99-240304-0001"},
			{&models.Board{ID: board.ID + 1, AgencyCode: "000.20.30.H99"}, "000.20.30.H33-240304-0002"},
			{nil, "000.20.30.H33-240304-0003"},
		} {
			var d *models.Dossier
			err := models.InTx(context.Background(), db, func(tx *gorm.DB) error {
				var err error
				d, err = eng.Submit(context.Background(), tx, workflow.SubmitInput{BoardID: board.ID, Board: c.given,
					Procedure: "union-registration", Variant: "standard", Channel: models.ChannelDirect,
					ApplicantName: "Công đoàn cơ sở Công ty TNHH Thử Nghiệm"}, actor(workflow.RoleOfficer), when)
				return err
			})
			if err != nil || d.Code != c.want {
				t.Fatalf("board %+v: code %v, %v; want %s", c.given, d, err, c.want)
			}
		}
	})
}
