package models_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/models/modelstest"
)

func TestTokenStore(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx, now := context.Background(), time.Date(2025, 3, 10, 2, 0, 0, 0, time.UTC)
		u := &models.User{Username: "an", Role: "officer", Active: true}
		gone := &models.User{Username: "binh", Role: "officer", Active: true}
		for _, x := range []*models.User{u, gone} {
			if err := db.Create(x).Error; err != nil {
				t.Fatal(err)
			}
		}
		db.Model(gone).Update("active", false)
		live, _ := models.CreateToken(ctx, db, u.ID, "a", now, now.Add(time.Hour))
		revoked, _ := models.CreateToken(ctx, db, u.ID, "b", now, now.Add(time.Hour))
		models.CreateToken(ctx, db, gone.ID, "c", now, now.Add(time.Hour))
		if err := models.RevokeToken(ctx, db, revoked.ID, now); err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			hash string
			at   time.Time
			ok   bool
		}{
			{"a", now, true},
			{"a", now.Add(time.Hour - time.Microsecond), true},
			{"a", now.Add(time.Hour), false},
			{"b", now, false},
			{"c", now, false},
			{"zz", now, false},
		}
		for _, tc := range cases {
			got, tok, err := models.FindActiveToken(ctx, db, tc.hash, tc.at)
			if tc.ok && (err != nil || got.ID != u.ID || tok.ID != live.ID) {
				t.Errorf("%s at %v: %v %v", tc.hash, tc.at, got, err)
			}
			if !tc.ok && !errors.Is(err, models.ErrNotFound) {
				t.Errorf("%s at %v: want ErrNotFound, got %v", tc.hash, tc.at, err)
			}
		}
		checkTokenRead(t, db, u, now)
	})
}

// checkTokenRead: the user and the token come back whole from the one
// query, and a use is recorded at most once per minute (TouchDue).
func checkTokenRead(t *testing.T, db *gorm.DB, u *models.User, now time.Time) {
	t.Helper()
	ctx := context.Background()
	got, tok, err := models.FindActiveToken(ctx, db, "a", now)
	if err != nil || got.Username != "an" || got.Role != "officer" || !got.Active || got.CreatedAt.IsZero() ||
		got.BoardID != nil || tok.UserID != u.ID || strings.TrimSpace(tok.TokenHash) != "a" || !tok.ExpiresAt.Equal(now.Add(time.Hour)) ||
		tok.RevokedAt != nil || tok.LastUsedAt != nil || !tok.TouchDue(now) {
		t.Fatalf("token read back: %+v %+v %v", got, tok, err)
	}
	if err := models.TouchToken(ctx, db, tok.ID, now); err != nil {
		t.Fatal(err)
	}
	if _, tok, err = models.FindActiveToken(ctx, db, "a", now); err != nil || tok.LastUsedAt == nil ||
		!tok.LastUsedAt.Equal(now) || tok.TouchDue(now.Add(59*time.Second)) || !tok.TouchDue(now.Add(61*time.Second)) {
		t.Fatalf("token after a use: %+v %v", tok, err)
	}
}

func TestLoginFailureStore(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx, now := context.Background(), time.Date(2025, 3, 10, 2, 0, 0, 0, time.UTC)
		rows := []struct {
			user, ip string
			ago      time.Duration
		}{
			{"an", "1.1.1.1", time.Minute}, {"an", "2.2.2.2", 2 * time.Minute},
			{"binh", "1.1.1.1", 3 * time.Minute}, {"an", "1.1.1.1", time.Hour},
		}
		for _, r := range rows {
			if err := models.RecordLoginFailure(ctx, db, r.user, r.ip, now.Add(-r.ago)); err != nil {
				t.Fatal(err)
			}
		}
		since := now.Add(-15 * time.Minute)
		cases := []struct {
			user, ip      string
			account, addr int64
		}{
			{"an", "1.1.1.1", 2, 2},
			{"an", "3.3.3.3", 2, 0},
			{"binh", "2.2.2.2", 1, 1},
		}
		for _, tc := range cases {
			got, err := models.CountLoginFailures(ctx, db, tc.user, tc.ip, since)
			if err != nil || got.Account != tc.account || got.Address != tc.addr {
				t.Errorf("%s/%s: %+v %v, want %d/%d", tc.user, tc.ip, got, err, tc.account, tc.addr)
			}
		}
		if err := models.ClearLoginFailures(ctx, db, "an"); err != nil {
			t.Fatal(err)
		}
		got, _ := models.CountLoginFailures(ctx, db, "an", "1.1.1.1", since)
		if got.Account != 0 || got.Address != 1 { // binh's failure from that address stays
			t.Errorf("after clear: %+v, want 0/1", got)
		}
	})
}

// TestPruneLoginFailures: only failures before the cut-off go.
func TestPruneLoginFailures(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
		for _, at := range []time.Time{now.Add(-48 * time.Hour), now.Add(-25 * time.Hour), now.Add(-time.Hour)} {
			if err := models.RecordLoginFailure(ctx, db, "hbi.officer", "10.0.0.1", at); err != nil {
				t.Fatal(err)
			}
		}
		if err := models.PruneLoginFailures(ctx, db, now.Add(-24*time.Hour)); err != nil {
			t.Fatal(err)
		}
		c, err := models.CountLoginFailures(ctx, db, "hbi.officer", "10.0.0.1", now.Add(-72*time.Hour))
		if err != nil || c.Account != 1 || c.Address != 1 {
			t.Fatalf("after pruning: %+v %v, want the one recent failure", c, err)
		}
	})
}
