package importer_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/motcua/motcua/importer"
	"github.com/motcua/motcua/internal/fuzztest"
	"github.com/motcua/motcua/models/modelstest"
	"github.com/motcua/motcua/workflow/workflowtest"
)

// importSeeds are the real files (docs/import-example.jsonl and the
// tests' files) whole, then each of their lines alone.
func importSeeds(f *testing.F) [][]byte {
	f.Helper()
	var out [][]byte
	for _, name := range []string{exampleFile, hbiFile, "testdata/bad.jsonl"} {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, data)
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			if line := sc.Bytes(); len(line) > 0 && line[0] == '{' {
				out = append(out, bytes.Clone(line))
			}
		}
	}
	return out
}

// hostileImportLines are the probe's classes on real lines: NUL bytes,
// over-long text, integers at and past 2^63, and JSON that is no object.
var hostileImportLines = []string{
	`{"board": "HBI\u0000", "procedure": "union-registration", "variant": "standard", "channel": "direct", "applicant": {"name": "A\u0000B"}, "events": [{"event": "submit", "at": "2024-03-04 09:00", "role": "officer"}]}`,
	`{"board": "HBI", "procedure": "union-registration", "variant": "standard", "channel": "direct", "applicant": {"name": "` + strings.Repeat("Ư", 5000) + `"}, "events": [{"event": "submit", "at": "2024-03-04 09:00", "role": "officer", "comment": "` + strings.Repeat("x", 9000) + `"}]}`,
	`{"project": {"board": "HBI", "project_code": "9223372036854775808", "name": "N", "zone": "Lương Sơn", "foreign": false, "capital": "9223372036854775808", "currency": "VND", "issued_at": "2020-01-02"}}`,
	`{"project": {"board": "HBI", "project_code": "1", "name": "N", "zone": "Lương Sơn", "foreign": false, "capital": "-99999999999999999999999.99", "currency": "USD", "issued_at": "2020-01-02"}}`,
	`{"board": "HBI", "procedure": "union-registration", "variant": "standard", "channel": "direct", "applicant": {"name": "A"}, "events": [{"event": "submit", "at": "9999-12-31 23:59", "role": "officer"}, {"event": "receive", "at": "0001-01-01 00:00", "role": "officer"}]}`,
	`{"board": "HBI", "events": 18446744073709551616}`,
	`[1, 2, 3]`, `null`, `"x"`, `{"project": null}`, `{"events": [null, {}, []]}`, "\xef\xbb\xbf{\"board\": \"\xff\xfe\"}",
}

// FuzzImport: a file of JSON Lines, whatever it holds, never panics, and
// either imports with every dossier's version equal to its history, or
// returns its faults line by line (importer.Errors) and writes nothing.
// Any other error (the database refusing a value) is a bug: the importer
// must find the fault first.
func FuzzImport(f *testing.F) {
	for _, s := range importSeeds(f) {
		f.Add(s)
	}
	for _, s := range hostileImportLines {
		f.Add([]byte(s))
	}
	eng := workflowtest.Engine(f)
	dbs := fuzztest.DBs(f)
	for _, db := range dbs {
		seedBoards(f, db.DB)
	}
	f.Fuzz(func(t *testing.T, file []byte) {
		for _, db := range dbs {
			before := fuzztest.Count(t, db.DB, "")
			_, err := importer.Run(context.Background(), db.DB, eng, bytes.NewReader(file), importer.Options{Now: now})
			var faults importer.Errors
			switch {
			case err == nil:
				fuzztest.VersionsMatchHistory(t, db.DB)
			case errors.As(err, &faults):
				fuzztest.Unchanged(t, db.Name+": a faulty import", before, fuzztest.Count(t, db.DB, ""))
			default:
				t.Fatalf("%s: an error that is no fault of a line: %v", db.Name, err)
			}
		}
	})
}

// TestImportNULCharacter: the probe's NUL byte, in a value or a key, is a
// fault of its line naming the field (PostgreSQL refused it with an
// error that stopped the import), and nothing is written.
func TestImportNULCharacter(t *testing.T) {
	eng := workflowtest.Engine(t)
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		seedBoards(t, db)
		for line, field := range map[string]string{
			hostileImportLines[0]: "applicant.name",
			`{"project": {"board": "HBI", "project_code": "1\u0000"}}`: "project.project_code",
			`{"board": "HBI", "events": [{"at\u0000": 1}]}`:            `events[0].at\u0000`,
		} {
			_, err := importer.Run(context.Background(), db, eng, strings.NewReader(line), importer.Options{Now: now})
			var faults importer.Errors
			if !errors.As(err, &faults) || len(faults) != 1 || faults[0].Code != importer.CodeNULCharacter || faults[0].Field != field {
				t.Errorf("%s: %v, want %s on %s", line, err, importer.CodeNULCharacter, field)
			}
		}
	})
}
