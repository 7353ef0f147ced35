package workflowtest

import (
	"context"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/workflow"
)

// Zone returns the id of a zone of the board, creating one ("Khu công
// nghiệp Thử Nghiệm") when the board has none.
func Zone(t testing.TB, db *gorm.DB, board uint) uint {
	t.Helper()
	var z models.Zone
	err := db.Where("board_id = ?", board).Order("id").Limit(1).Find(&z).Error
	if err == nil && z.ID == 0 {
		z = models.Zone{BoardID: board, Name: "Khu công nghiệp Thử Nghiệm"}
		err = db.Create(&z).Error
	}
	if err != nil {
		t.Fatal(err)
	}
	return z.ID
}

// Issue is the investment outcome of approving dossier d as a new
// project: domestic, coded after the dossier, 1 tỷ đồng, in a zone of its
// board.
func Issue(t testing.TB, db *gorm.DB, d *models.Dossier) *workflow.InvestmentInput {
	t.Helper()
	zone, domestic := Zone(t, db, d.BoardID), false
	return &workflow.InvestmentInput{ProjectCode: "DA-" + d.Code, Name: "Dự án của " + d.ApplicantName,
		ZoneID: &zone, Foreign: &domestic, Capital: "1000000000", Currency: "VND"}
}

// Decision is the input approving dossier d needs: an Issue when its
// variant issues a project, nothing otherwise (an adjustment or a
// termination needs a project the test must create first).
func Decision(t testing.TB, db *gorm.DB, eng *workflow.Engine, d *models.Dossier) workflow.Input {
	t.Helper()
	if eng.InvestmentKind(d) == models.InvestmentIssue {
		return workflow.Input{Investment: Issue(t, db, d)}
	}
	return workflow.Input{}
}

// PendingDecision files a dossier of the procedure's variant at the desk of
// board at instant at, with every required document, and fires receive,
// assign and propose ten minutes apart, by the officer: the dossier then
// waits for the leader's decision.
func PendingDecision(t testing.TB, db *gorm.DB, eng *workflow.Engine, board uint, procedure, variant string,
	at time.Time) *models.Dossier {
	t.Helper()
	ctx := context.Background()
	officer := workflow.Actor{Role: workflow.RoleOfficer, Name: "officer"}
	var d *models.Dossier
	err := models.InTx(ctx, db, func(tx *gorm.DB) error {
		var err error
		d, err = eng.Submit(ctx, tx, workflow.SubmitInput{BoardID: board, Procedure: procedure, Variant: variant,
			Channel: models.ChannelDirect, ApplicantName: "Công ty TNHH Thử Nghiệm",
			Attachments: Documents(t, eng, procedure, variant, at)}, officer, at)
		return err
	})
	for i, ev := range []workflow.Event{workflow.EventReceive, workflow.EventAssign, workflow.EventPropose} {
		if err != nil {
			break
		}
		d, _, err = Apply(t, eng, ctx, db, d.ID, d.Version, ev, officer, at.Add(time.Duration(10*(i+1))*time.Minute), workflow.Input{})
	}
	if err != nil {
		t.Fatalf("workflowtest: %s %s to the decision: %v", procedure, variant, err)
	}
	return d
}
