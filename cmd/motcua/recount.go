package main

import (
	"context"
	"fmt"
	"io"

	"gorm.io/gorm"

	"github.com/motcua/motcua/config"
	"github.com/motcua/motcua/models"
)

// recount rebuilds the reform report's counters from the dossiers, in one
// transaction: the engine keeps them event by event, so this is needed only
// after dossiers were changed behind its back (a report then refuses to
// run and says so).
func recount(cfg config.Config, out io.Writer) error {
	_, db, err := openCurrent(cfg)
	if err != nil {
		return err
	}
	var n int64
	err = models.InTx(context.Background(), db, func(tx *gorm.DB) error {
		n, err = models.RebuildReportCounts(context.Background(), tx)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "đã đếm lại %d ô đếm của báo cáo / rebuilt %d report counters\n", n, n)
	return nil
}
