package service

import (
	"context"
	"errors"
	"testing"

	"gorm.io/gorm"

	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/models/modelstest"
)

// TestFilingTx on SQLite and PostgreSQL: a filing that writes more than
// its one statement (an idempotency key, attachments) is all or nothing;
// a filing alone skips the transaction on PostgreSQL only, where its one
// statement is atomic by itself.
func TestFilingTx(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		boom := errors.New("the second write failed")
		for _, alone := range []bool{false, true} {
			code := map[bool]string{false: "KEYED", true: "ALONE"}[alone]
			err := filingTx(context.Background(), db, alone, func(tx *gorm.DB) error {
				if err := tx.Create(&models.Board{Code: code, NameVI: "Ban " + code, AgencyCode: code}).Error; err != nil {
					return err
				}
				return boom
			})
			if !errors.Is(err, boom) {
				t.Fatalf("alone=%v: %v", alone, err)
			}
			var n int64
			db.Model(&models.Board{}).Where("code = ?", code).Count(&n)
			kept := alone && models.SingleStatementTransitions(db)
			if (n == 1) != kept {
				t.Errorf("alone=%v on %s: %d rows of the failed filing kept, want kept=%v", alone, db.Dialector.Name(), n, kept)
			}
		}
	})
}
