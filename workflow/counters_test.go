package workflow_test

import (
	"context"
	"sync"
	"testing"

	"gorm.io/gorm"

	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/models/modelstest"
	"github.com/motcua/motcua/workflow"
	"github.com/motcua/motcua/workflow/workflowtest"
)

// TestReportCountersConcurrent: 24 construction permits of one board are
// received at once, then 12 of them are asked to supplement at once. Every
// event lands on the same counters (one day, one appointment), none fails,
// no increment is lost, and the cells equal a recount: 24 received, 12
// dossiers in progress with an appointment that will be overdue.
func TestReportCountersConcurrent(t *testing.T) {
	eng := workflowtest.Engine(t)
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		b := newBoard(t, db, "HBI", "000.20.30.H33")
		filed := at(t, "2026-11-16 08:00")
		var ids []uint64
		for i := 0; i < 24; i++ {
			ids = append(ids, submit(t, db, eng, b.ID, "construction-permit", "new", filed).ID)
		}
		officer := workflow.Actor{Role: workflow.RoleOfficer, BoardID: b.ID, Name: "officer"}
		concurrently(t, ids, func(id uint64) error {
			_, _, err := workflowtest.Apply(t, eng, context.Background(), db, id, 0, workflow.EventReceive, officer,
				at(t, "2026-11-16 09:00"), workflow.Input{})
			return err
		})
		concurrently(t, ids[:12], func(id uint64) error {
			_, _, err := workflowtest.Apply(t, eng, context.Background(), db, id, 0, workflow.EventRequestSupplement, officer,
				at(t, "2026-11-17 10:00"), comment("Thiếu bản vẽ mặt bằng / floor plan missing"))
			return err
		})
		if got := sumCounters(t, db, models.TallyReceived); got != 24 {
			t.Errorf("received counters sum to %d, want 24", got)
		}
		checkShards(t, db, ids)
		if got := sumCounters(t, db, models.TallyOverdue); got != 12 {
			t.Errorf("overdue changes sum to %d, want 12 (24 appointments set, 12 suspended)", got)
		}
		modelstest.CheckCounters(t, db)
	})
}

// concurrently runs fn for every id at once and fails t on any error.
func concurrently(t *testing.T, ids []uint64, fn func(id uint64) error) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, len(ids))
	for _, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- fn(id)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

// sumCounters adds up every counter of a kind.
func sumCounters(t *testing.T, db *gorm.DB, kind models.TallyKind) int64 {
	t.Helper()
	var n int64
	if err := db.Model(&models.ReportCount{}).Where("kind = ?", kind).Select("COALESCE(SUM(n), 0)").Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// checkShards: the receipts of ids, all in one cell, went each to its
// dossier's shard, one row per shard (so that they did not all wait for
// one row's lock).
func checkShards(t *testing.T, db *gorm.DB, ids []uint64) {
	t.Helper()
	want := map[int16]int64{}
	for _, id := range ids {
		want[int16(id%models.ReportShards)]++
	}
	var rows []models.ReportCount
	if err := db.Where("kind = ?", models.TallyReceived).Find(&rows).Error; err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(want) || len(rows) < 2 {
		t.Errorf("received counters in %d rows, want %d (one per shard of the dossiers)", len(rows), len(want))
	}
	for _, r := range rows {
		if want[r.Shard] != r.N {
			t.Errorf("shard %d holds %d receipts, want %d", r.Shard, r.N, want[r.Shard])
		}
	}
}
