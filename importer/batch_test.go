package importer_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"gorm.io/gorm"

	"github.com/motcua/motcua/importer"
	"github.com/motcua/motcua/models/modelstest"
	"github.com/motcua/motcua/workflow/workflowtest"
)

// unionLines writes n union recognitions filed at the desk on Mon
// 04/03/2024, received and assigned; the lines in bad have a role no one
// has.
func unionLines(n int, bad ...int) []byte {
	var b bytes.Buffer
	for i := 1; i <= n; i++ {
		role := "officer"
		for _, k := range bad {
			if k == i {
				role = "chairman"
			}
		}
		fmt.Fprintf(&b, `{"board": "HBI", "procedure": "union-registration", "variant": "standard", "channel": "direct", `+
			`"applicant": {"name": "Công đoàn cơ sở Công ty TNHH Số %d"}, "events": [`+
			`{"event": "submit", "at": "2024-03-04 09:00", "role": "officer"}, `+
			`{"event": "receive", "at": "2024-03-04 09:30", "role": "officer"}, `+
			`{"event": "assign", "at": "2024-03-05 08:00", "role": %q}]}`+"\n", i, role)
	}
	return b.Bytes()
}

// TestImportBatches: 250 lines span three batches of savepoints. Without
// a fault all are written. With faults in the first batch and in later
// ones, exactly the faulty lines are reported, the good ones around them
// counted, and nothing is written.
func TestImportBatches(t *testing.T) {
	eng := workflowtest.Engine(t)
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		seedBoards(t, db)
		for _, bad := range [][]int{{150, 240}, {5, 199}, {100, 101, 250}} {
			sum, err := importer.Run(context.Background(), db, eng, bytes.NewReader(unionLines(250, bad...)), importer.Options{Now: now})
			got := faults(t, err)
			var lines []int
			for _, f := range got {
				lines = append(lines, f.Line)
				if f.Field != "events[2].role" || f.Code != importer.CodeInvalidRole {
					t.Errorf("fault %+v", f)
				}
			}
			if fmt.Sprint(lines) != fmt.Sprint(bad) || sum.Dossiers != 250-len(bad) || sum.Events != 3*(250-len(bad)) {
				t.Errorf("faults on lines %v, want %v; summary %+v", lines, bad, sum)
			}
			checkEmpty(t, db)
		}
		sum, err := importer.Run(context.Background(), db, eng, bytes.NewReader(unionLines(250)), importer.Options{Now: now})
		if err != nil || !sum.Committed || sum.Dossiers != 250 {
			t.Fatalf("summary %+v, %v", sum, err)
		}
		if c := tableCounts(t, db); c["dossiers"] != 250 || c["dossier_events"] != 750 || c["dossier_sequences"] != 1 {
			t.Fatalf("written %v", c)
		}
	})
}
