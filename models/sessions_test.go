package models_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/models/modelstest"
)

// TestRevokeSignIns: one account's live tokens are revoked and its unused
// reset links expire; other accounts', and tokens already revoked or
// expired, are left as they were; nil revokes every account's.
func TestRevokeSignIns(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC)
		var ids []uint
		for _, name := range []string{"a", "b"} {
			u := &models.User{Username: name, Role: "admin", PasswordHash: "x", Active: true}
			if err := db.Create(u).Error; err != nil {
				t.Fatal(err)
			}
			ids = append(ids, u.ID)
			for i, exp := range []time.Time{now.Add(time.Hour), now.Add(2 * time.Hour), now.Add(-time.Hour)} {
				if _, err := models.CreateToken(ctx, db, u.ID, fmt.Sprintf("%s%063d", name, i),
					now.Add(-2*time.Hour), exp); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := models.CreateUserToken(ctx, db, u.ID, models.TokenResetPassword, name+"r", now, now.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
		}
		n, err := models.RevokeSignIns(ctx, db, &ids[0], now)
		if err != nil || n != 2 {
			t.Fatalf("revoke a: %d %v", n, err)
		}
		if _, err := models.ConsumeUserToken(ctx, db, models.TokenResetPassword, "ar", now); err == nil {
			t.Fatal("a's reset link outlived the revocation")
		}
		if n, err := models.RevokeSignIns(ctx, db, &ids[0], now); err != nil || n != 0 {
			t.Fatalf("revoking a again: %d %v", n, err)
		}
		if n, err := models.RevokeSignIns(ctx, db, nil, now); err != nil || n != 2 {
			t.Fatalf("revoke all: %d %v", n, err)
		}
		if _, err := models.ConsumeUserToken(ctx, db, models.TokenResetPassword, "br", now); err == nil {
			t.Fatal("b's reset link outlived the revocation of all")
		}
	})
}
