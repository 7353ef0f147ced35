package models_test

import (
	"context"
	"errors"
	"sync"
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
		if err := models.InsertSubmission(ctx, db, d, ev, ""); err != nil {
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
			ActorRole: "officer", At: at}, ""); err == nil {
			t.Fatal("a second dossier with the same code was stored")
		}
		var n int64
		db.Model(&models.DossierEvent{}).Count(&n)
		if n != 1 {
			t.Fatalf("%d history rows after the refused submission, want 1", n)
		}
	})
}

// TestInsertNumberedSubmission on SQLite and PostgreSQL (one statement
// there): a submission with a day takes the board's next number for that
// day into its code, on four digits; another board or day has its own
// sequence; once the sequence is at MaxSequence the submission is refused
// with ErrSequenceExhausted and nothing is written.
func TestInsertNumberedSubmission(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		at := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
		agency := map[uint]string{1: "000.20.30.H33-", 2: "000.20.31.K44-"}
		file := func(board uint, day string) (*models.Dossier, error) {
			d := &models.Dossier{Code: agency[board] + day + "-", BoardID: board, Procedure: "union-registration",
				CatalogueVersion: "v1", Variant: "standard", Channel: models.ChannelOnline, ApplicantName: "Công đoàn",
				State: "submitted", Version: 1, SubmittedAt: at, ClockState: "idle"}
			ev := &models.DossierEvent{Seq: 1, Event: "submit", ToState: "submitted", ActorRole: "investor", At: at}
			return d, models.InsertSubmission(ctx, db, d, ev, day)
		}
		for _, c := range []struct {
			board     uint
			day, code string
		}{{1, "261123", "000.20.30.H33-261123-0001"}, {1, "261123", "000.20.30.H33-261123-0002"},
			{2, "261123", "000.20.31.K44-261123-0001"}, {1, "261124", "000.20.30.H33-261124-0001"}} {
			d, err := file(c.board, c.day)
			if err != nil || d.Code != c.code {
				t.Fatalf("board %d day %s: code %q %v, want %s", c.board, c.day, d.Code, err, c.code)
			}
			if got, err := models.GetDossier(ctx, db, d.ID); err != nil || got.Code != c.code {
				t.Fatalf("stored code %+v %v, want %s", got, err, c.code)
			}
		}
		if err := db.Exec(`UPDATE dossier_sequences SET last = ? WHERE board_id = 1 AND day = '261123'`, models.MaxSequence-1).Error; err != nil {
			t.Fatal(err)
		}
		if d, err := file(1, "261123"); err != nil || d.Code != "000.20.30.H33-261123-9999" {
			t.Fatalf("the last number: %q %v", d.Code, err)
		}
		if _, err := file(1, "261123"); !errors.Is(err, models.ErrSequenceExhausted) {
			t.Fatalf("past the last number: %v, want ErrSequenceExhausted", err)
		}
		var n int64
		db.Model(&models.Dossier{}).Count(&n)
		if n != 5 {
			t.Fatalf("%d dossiers, want 5 (the refused one wrote nothing)", n)
		}
	})
}

// TestReserveNumber on SQLite and PostgreSQL: reservations made at the
// same time by 16 filings of one board and day get 16 distinct numbers,
// 1 to 16 (on PostgreSQL each in its own transaction, whose commit does
// not wait for the disk); a reservation past MaxSequence is refused.
func TestReserveNumber(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		const n = 16
		got := make(chan int, n)
		var wg sync.WaitGroup
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				k, err := models.ReserveNumber(ctx, db, 1, "261207")
				if err != nil {
					t.Error(err)
				}
				got <- k
			}()
		}
		wg.Wait()
		close(got)
		seen := map[int]bool{}
		for k := range got {
			if seen[k] || k < 1 || k > n {
				t.Fatalf("number %d given twice or out of 1..%d (%v)", k, n, seen)
			}
			seen[k] = true
		}
		if err := db.Exec(`UPDATE dossier_sequences SET last = ? WHERE board_id = 1 AND day = '261207'`, models.MaxSequence).Error; err != nil {
			t.Fatal(err)
		}
		if _, err := models.ReserveNumber(ctx, db, 1, "261207"); !errors.Is(err, models.ErrSequenceExhausted) {
			t.Fatalf("past the last number: %v, want ErrSequenceExhausted", err)
		}
	})
}
