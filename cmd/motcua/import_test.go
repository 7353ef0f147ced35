package main

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/motcua/motcua/configs"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/models"
)

// importDB migrates an SQLite database at DATABASE_URL and creates the
// demo boards and zones (no dossiers).
func importDB(t *testing.T) *gorm.DB {
	t.Helper()
	db := migratedSQLite(t)
	boards, err := demo.LoadBoards(configs.FS)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range boards {
		if err := models.InTx(context.Background(), db, func(tx *gorm.DB) error { _, _, err := demo.SeedAccounts(tx, b); return err }); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

// dossierCount counts the dossiers in db.
func dossierCount(t *testing.T, db *gorm.DB) int64 {
	t.Helper()
	var n int64
	if err := db.Model(&models.Dossier{}).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// TestImportCommand: `motcua import --dry-run` prints the summary and
// writes nothing; the real run writes the example's 8 dossiers; the bad
// file fails, listing every faulty line, and writes nothing more.
func TestImportCommand(t *testing.T) {
	db := importDB(t)
	const example, bad = "../../docs/import-example.jsonl", "../../importer/testdata/bad.jsonl"
	var out bytes.Buffer
	if err := run([]string{"import", "--dry-run", example}, &out, quiet); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	for _, want := range []string{"Hồ sơ / dossiers: 8", "Dự án đầu kỳ / opening projects: 2", "Sự kiện / events: 46",
		"Cấp giấy phép xây dựng / Construction permit: 2 hồ sơ / dossiers, 14 sự kiện / events", "Chạy thử"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("dry run output lacks %q:\n%s", want, out.String())
		}
	}
	if n := dossierCount(t, db); n != 0 {
		t.Fatalf("the dry run wrote %d dossiers", n)
	}
	out.Reset()
	if err := run([]string{"import", example}, &out, quiet); err != nil || !strings.Contains(out.String(), "Đã ghi vào cơ sở dữ liệu") {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if n := dossierCount(t, db); n != 8 {
		t.Fatalf("%d dossiers after the import, want 8", n)
	}
	out.Reset()
	err := run([]string{"import", bad}, &out, quiet)
	if err == nil || !strings.Contains(err.Error(), "31 lỗi") {
		t.Fatalf("bad file: %v", err)
	}
	for _, want := range []string{"dòng 2 / line 2: malformed_json", "dòng 12 / line 12, events[4].role: role_not_allowed",
		"dòng 38 / line 38, applicant.tax_code: too_long", "Không ghi gì / nothing written"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("bad file output lacks %q:\n%s", want, out.String())
		}
	}
	if n := dossierCount(t, db); n != 8 {
		t.Fatalf("%d dossiers after the bad file, want the 8 of before", n)
	}
}

// TestImportCommandErrors: no file, two files, a missing file and an
// unmigrated database are refused, naming what is wrong.
func TestImportCommandErrors(t *testing.T) {
	importDB(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"import"}, "exactly one FILE"},
		{[]string{"import", "a.jsonl", "b.jsonl"}, "exactly one FILE"},
		{[]string{"import", "--dry-run"}, "exactly one FILE"},
		{[]string{"import", filepath.Join(t.TempDir(), "none.jsonl")}, "none.jsonl"},
		{[]string{"import", "--force", "a.jsonl"}, "-force"},
	} {
		if err := run(c.args, io.Discard, quiet); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want one mentioning %s", c.args, err, c.want)
		}
	}
	t.Setenv("DATABASE_URL", filepath.Join(t.TempDir(), "empty.db"))
	err := run([]string{"import", "../../docs/import-example.jsonl"}, io.Discard, quiet)
	if _, ok := err.(*models.ErrSchemaBehind); !ok {
		t.Fatalf("import into an unmigrated database: %v", err)
	}
}
