package models_test

import (
	"reflect"
	"testing"

	"github.com/motcua/motcua/models"
)

// TestMergeTallies: tallies of one counter add up, those that cancel out
// go, and the rest come sorted by day, kind and the other key fields.
func TestMergeTallies(t *testing.T) {
	in := []models.Tally{
		{Kind: models.TallyOverdue, Day: "2026-12-02", N: -1},
		{Kind: models.TallyReceived, Day: "2026-11-23", N: 1},
		{Kind: models.TallyOverdue, Day: "2026-12-02", Multi: true, N: 1},
		{Kind: models.TallyOverdue, Day: "2026-11-24", N: 1},
		{Kind: models.TallyOverdue, Day: "2026-12-02", N: 1},
		{Kind: models.TallyOverdue, Day: "2026-11-24", N: 1},
	}
	want := []models.Tally{
		{Kind: models.TallyReceived, Day: "2026-11-23", N: 1},
		{Kind: models.TallyOverdue, Day: "2026-11-24", N: 2},
		{Kind: models.TallyOverdue, Day: "2026-12-02", Multi: true, N: 1},
	}
	if got := models.MergeTallies(in); !reflect.DeepEqual(got, want) {
		t.Errorf("MergeTallies:\n got %+v\nwant %+v", got, want)
	}
	if got := models.MergeTallies(nil); len(got) != 0 {
		t.Errorf("MergeTallies(nil) = %+v", got)
	}
}
