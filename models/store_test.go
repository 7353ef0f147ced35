package models_test

import (
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/models/modelstest"
	"gorm.io/gorm"
	"testing"
)

func TestMigrateAndSchema(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		if err := models.CheckSchema(db); err != nil {
			t.Fatal(err)
		}
		n, err := models.NextSequence(t.Context(), db, 1, "261123")
		if err != nil || n != 1 {
			t.Fatal(n, err)
		}
		n, _ = models.NextSequence(t.Context(), db, 1, "261123")
		if n != 2 {
			t.Fatal(n)
		}
	})
}
