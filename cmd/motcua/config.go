package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/motcua/motcua/config"
	"github.com/motcua/motcua/configs"
	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/workflow"
)

// configFS is the embedded configs/, or the configured directory when set.
func configFS(cfg config.Config) fs.FS {
	if cfg.ConfigDir != "" {
		return os.DirFS(cfg.ConfigDir)
	}
	return configs.FS
}

// loadEngine loads and validates the catalogue and calendar.
func loadEngine(cfg config.Config) (*workflow.Engine, error) { return engineFrom(configFS(cfg)) }

func engineFrom(fsys fs.FS) (*workflow.Engine, error) {
	cat, err := workflow.Load(fsys)
	if err != nil {
		return nil, fmt.Errorf("catalogue faults / danh mục thủ tục có lỗi:\n%w", err)
	}
	holidays, err := fs.Sub(fsys, "holidays")
	if err != nil {
		return nil, err
	}
	cal, err := deadlines.LoadCalendar(holidays)
	if err != nil {
		return nil, err
	}
	return workflow.NewEngine(cat, cal), nil
}

// checkConfig validates a catalogue directory and prints each fault as file:line: message.
func checkConfig(cfg config.Config, args []string, out io.Writer) error {
	fsys := configFS(cfg)
	name := "embedded configs/"
	if len(args) > 0 {
		fsys, name = os.DirFS(args[0]), args[0]
	}
	faults := workflow.Check(fsys)
	for _, f := range faults {
		fmt.Fprintln(out, f.String())
	}
	if len(faults) > 0 {
		return fmt.Errorf("%s: %d fault(s) / %d lỗi", name, len(faults), len(faults))
	}
	if _, err := engineFrom(fsys); err != nil {
		return err
	}
	fmt.Fprintf(out, "%s: catalogue OK / danh mục hợp lệ\n", name)
	return nil
}

// syncCatalogue records every loaded procedure version in catalogue_versions.
func syncCatalogue(ctx context.Context, db *gorm.DB, eng *workflow.Engine) error {
	cat := eng.Catalogue()
	var rows []models.CatalogueVersion
	for _, code := range cat.Order {
		for _, v := range cat.Procedures[code].Versions {
			rows = append(rows, versionRow(code, v))
		}
	}
	err := db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "procedure"}, {Name: "version_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"effective_from", "effective_until", "citation", "checksum", "loaded_at"}),
	}).Create(&rows).Error
	if err != nil {
		return fmt.Errorf("store: sync catalogue: %w", err)
	}
	return nil
}

func versionRow(code string, v *workflow.Version) models.CatalogueVersion {
	b, _ := json.Marshal(v)
	sum := sha256.Sum256(b)
	row := models.CatalogueVersion{Procedure: code, VersionID: v.ID, EffectiveFrom: v.EffectiveFrom.Time,
		Citation: v.Citation, Checksum: hex.EncodeToString(sum[:]), LoadedAt: time.Now().UTC()}
	if v.EffectiveUntil != nil {
		until := v.EffectiveUntil.Time
		row.EffectiveUntil = &until
	}
	return row
}
