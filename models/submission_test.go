package models_test

import (
	"context"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/models/modelstest"
)

// TestInsertSubmission on SQLite and PostgreSQL (one statement there): the
// dossier and its first history row read back as written, the columns a
// submission leaves empty as zero values, and a second dossier with the
// same code is refused with nothing written.
func TestInsertSubmission(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		at := time.Date(2024, 3, 4, 9, 0, 0, 0, time.UTC)
		zone := uint(3)
		d := &models.Dossier{Code: "000.20.30.H33-240304-0001", BoardID: 1, ZoneID: &zone, Procedure: "union-registration",
			CatalogueVersion: "v1", Variant: "standard", Channel: models.ChannelDirect, Title: "Công nhận công đoàn",
			ApplicantName: "Công đoàn cơ sở", State: "submitted", Version: 1, SubmittedAt: at, ClockState: "idle"}
		ev := &models.DossierEvent{Seq: 1, Event: "submit", ToState: "submitted", ActorRole: "officer", ActorName: "An", At: at}
		if err := models.InsertSubmission(ctx, db, d, ev); err != nil {
			t.Fatal(err)
		}
		got, err := models.GetDossier(ctx, db, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if d.ID == 0 || got.Code != d.Code || got.ZoneID == nil || *got.ZoneID != 3 || got.Title != d.Title ||
			!got.SubmittedAt.Equal(at) || got.ReceivedAt != nil || got.RemainingDays != 0 || got.StepState != "" ||
			got.CreatedAt.IsZero() || got.AssigneeID != nil {
			t.Fatalf("dossier read back %+v", got)
		}
		h, err := models.History(ctx, db, d.ID)
		if err != nil || len(h) != 1 || h[0].ID != ev.ID || ev.DossierID != d.ID || h[0].Seq != 1 || h[0].Event != "submit" ||
			h[0].ActorName != "An" || !h[0].At.Equal(at) || h[0].Data != "" || h[0].DueAt != nil {
			t.Fatalf("history %+v %v (event %+v)", h, err, ev)
		}
		dup := *d
		dup.ID = 0
		if err := models.InsertSubmission(ctx, db, &dup, &models.DossierEvent{Seq: 1, Event: "submit", ToState: "submitted",
			ActorRole: "officer", At: at}); err == nil {
			t.Fatal("a second dossier with the same code was stored")
		}
		var n int64
		db.Model(&models.DossierEvent{}).Count(&n)
		if n != 1 {
			t.Fatalf("%d history rows after the refused submission, want 1", n)
		}
	})
}
