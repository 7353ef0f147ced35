package workflow_test

import (
	"context"
	"testing"

	"gorm.io/gorm"

	"github.com/motcua/motcua/errs"
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

// TestSubmitSequenceExhausted: once the board's sequence for the day has
// given 9999, a submission without a transaction around it (the one
// statement on PostgreSQL) is refused with the rule sequence_exhausted and
// writes nothing; the next day starts at 0001 again.
func TestSubmitSequenceExhausted(t *testing.T) {
	eng := workflowtest.Engine(t)
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		board := newBoard(t, db, "HBI", "000.20.30.H33")
		file := func(when string) (*models.Dossier, error) {
			return eng.Submit(context.Background(), db, workflow.SubmitInput{BoardID: board.ID, Board: board,
				Procedure: "union-registration", Variant: "standard", Channel: models.ChannelDirect,
				ApplicantName: "Công đoàn cơ sở Công ty TNHH Thử Nghiệm"}, actor(workflow.RoleOfficer), at(t, when))
		}
		if d, err := file("2024-03-04 09:00"); err != nil || d.Code != "000.20.30.H33-240304-0001" {
			t.Fatalf("first: %v %v", d, err)
		}
		if err := db.Exec(`UPDATE dossier_sequences SET last = 9999`).Error; err != nil {
			t.Fatal(err)
		}
		if _, err := file("2024-03-04 10:00"); !isRule(err, "sequence_exhausted") {
			t.Fatalf("past 9999: %v, want sequence_exhausted", err)
		}
		var n int64
		if db.Model(&models.Dossier{}).Count(&n); n != 1 {
			t.Fatalf("%d dossiers after the refusal, want 1", n)
		}
		if d, err := file("2024-03-05 09:00"); err != nil || d.Code != "000.20.30.H33-240305-0001" {
			t.Fatalf("next day: %v %v", d, err)
		}
	})
}

// isRule reports whether err is the domain error with that code.
func isRule(err error, code string) bool {
	e, ok := errs.As(err)
	return ok && e.Code == code
}
