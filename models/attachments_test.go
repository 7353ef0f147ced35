package models_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/models/modelstest"
)

func TestAttachmentStore(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		board := models.Board{Code: "HBI", NameVI: "Ban Quản lý các KCN tỉnh Hòa Bình", AgencyCode: "000.20.30.H33"}
		if err := db.Create(&board).Error; err != nil {
			t.Fatal(err)
		}
		now := time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC)
		var dossiers [2]models.Dossier
		for i := range dossiers {
			dossiers[i] = models.Dossier{Code: []string{"D-1", "D-2"}[i], BoardID: board.ID, Procedure: "construction-permit",
				CatalogueVersion: "v", Variant: "new", Channel: models.ChannelOnline, ApplicantName: "A", State: "submitted",
				Version: 1, SubmittedAt: now, ClockState: "stopped"}
			if err := db.Create(&dossiers[i]).Error; err != nil {
				t.Fatal(err)
			}
		}
		var ids []uint64
		for i, code := range []string{"application_form", "design_drawings"} {
			a := models.Attachment{DossierID: dossiers[0].ID, DocumentCode: code, FileName: code + ".pdf",
				ContentType: "application/pdf", Size: int64(i + 1), SHA256: "ab", StorageKey: "attachments/2026/11/" + code,
				CreatedAt: now}
			if err := models.InsertAttachment(ctx, db, &a); err != nil || a.ID == 0 {
				t.Fatalf("insert %s: id %d, %v", code, a.ID, err)
			}
			ids = append(ids, a.ID)
		}
		list, err := models.ListAttachments(ctx, db, dossiers[0].ID)
		if err != nil || len(list) != 2 || list[0].ID != ids[0] || list[1].DocumentCode != "design_drawings" {
			t.Fatalf("list: %+v %v", list, err)
		}
		if other, err := models.ListAttachments(ctx, db, dossiers[1].ID); err != nil || len(other) != 0 {
			t.Fatalf("list of another dossier: %+v %v", other, err)
		}
		a, err := models.GetAttachment(ctx, db, dossiers[0].ID, ids[1])
		if err != nil || a.StorageKey != "attachments/2026/11/design_drawings" || !a.CreatedAt.Equal(now) {
			t.Fatalf("get: %+v %v", a, err)
		}
		for _, c := range []struct{ dossier, id uint64 }{{dossiers[1].ID, ids[0]}, {dossiers[0].ID, ids[1] + 100}} {
			if _, err := models.GetAttachment(ctx, db, c.dossier, c.id); !errors.Is(err, models.ErrNotFound) {
				t.Fatalf("get %d of dossier %d: %v, want ErrNotFound", c.id, c.dossier, err)
			}
		}
	})
}
