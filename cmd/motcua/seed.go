package main

import (
	"context"
	"io"
	"time"

	"github.com/motcua/motcua/config"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/models"
)

// seedDemo migrates and loads the demo boards, zones, accounts and
// dossiers (package demo). A board that already has dossiers is left as
// it is, so running it again keeps the data.
func seedDemo(cfg config.Config, out io.Writer) error {
	db, err := openDB(cfg)
	if err != nil {
		return err
	}
	if err := models.Migrate(db); err != nil {
		return err
	}
	eng, err := loadEngine(cfg)
	if err != nil {
		return err
	}
	if err := syncCatalogue(context.Background(), db, eng); err != nil {
		return err
	}
	boards, err := demo.LoadBoards(configFS(cfg))
	if err != nil {
		return err
	}
	return demo.Seed(context.Background(), db, eng, boards, time.Now(), out)
}
