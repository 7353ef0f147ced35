package importer_test

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
	"gorm.io/gorm"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/importer"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/workflow"
	"github.com/motcua/motcua/workflow/workflowtest"
)

// now is the present of every test import: after all the test files' history.
var now = time.Date(2026, 11, 23, 9, 0, 0, 0, deadlines.Location)

// seedBoards creates the demo boards and their zones of
// configs/demo/boards.yaml (Hòa Bình, Bắc Giang, Vĩnh Phúc), as
// `motcua seed-demo` does, and returns them by code.
func seedBoards(t testing.TB, db *gorm.DB) map[string]*models.Board {
	t.Helper()
	var file struct {
		Boards []struct {
			Code       string   `yaml:"code"`
			AgencyCode string   `yaml:"agency_code"`
			NameVI     string   `yaml:"name_vi"`
			Zones      []string `yaml:"zones"`
		} `yaml:"boards"`
	}
	if err := yaml.Unmarshal(workflowtest.ReadFile(t, filepath.Join(workflowtest.ConfigDir(), "demo", "boards.yaml")), &file); err != nil {
		t.Fatal(err)
	}
	out := map[string]*models.Board{}
	for _, b := range file.Boards {
		board := &models.Board{Code: b.Code, NameVI: b.NameVI, AgencyCode: b.AgencyCode}
		if err := db.Create(board).Error; err != nil {
			t.Fatal(err)
		}
		for _, z := range b.Zones {
			if err := db.Create(&models.Zone{BoardID: board.ID, Name: z}).Error; err != nil {
				t.Fatal(err)
			}
		}
		out[b.Code] = board
	}
	return out
}

// importFile imports a file of testdata/ (or any path) as of now.
func importFile(t testing.TB, db *gorm.DB, eng *workflow.Engine, path string, dryRun bool) (*importer.Summary, error) {
	t.Helper()
	return importer.Run(context.Background(), db, eng, bytes.NewReader(workflowtest.ReadFile(t, path)),
		importer.Options{DryRun: dryRun, Now: now})
}
