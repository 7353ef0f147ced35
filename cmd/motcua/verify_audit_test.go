package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/models"
)

// TestVerifyAuditCommand on SQLite: verify-audit prints a one-line
// summary on a clean history; audit-anchors writes and prints the anchor
// of a finished day; after an edit in SQL verify-audit fails, naming the
// edited row first (the anchor, over the stored hashes, still holds: the
// edit is the chain's to find).
func TestVerifyAuditCommand(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "motcua.db")
	environ := append(os.Environ(), "DATABASE_URL="+path, "MOTCUA_DATA_DIR="+dir, "MOTCUA_CONFIG_DIR=")
	cmd := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := runWith(args, environ, strings.NewReader(""), &out, quiet)
		return out.String(), err
	}
	if out, err := cmd("migrate"); err != nil {
		t.Fatal(err, out)
	}
	db, err := models.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if sqlDB, err := db.DB(); err == nil {
		t.Cleanup(func() { sqlDB.Close() })
	}
	if err := db.Create(&models.Board{Code: "HBI", NameVI: "Ban Quản lý", AgencyCode: "000.20.30.H33"}).Error; err != nil {
		t.Fatal(err)
	}
	at := time.Now().AddDate(0, 0, -3)
	d := &models.Dossier{Code: "000.20.30.H33-261203-0001", BoardID: 1, Procedure: "p", CatalogueVersion: "v1",
		Variant: "new", Channel: models.ChannelDirect, ApplicantName: "Công ty Hòa Bình", State: "submitted", Version: 1,
		SubmittedAt: at, ClockState: "idle"}
	ev := &models.DossierEvent{Seq: 1, Event: "submit", ToState: "submitted", ActorRole: "officer", At: at, CreatedAt: at,
		Comment: "nộp trực tiếp"}
	if err := models.InsertSubmission(context.Background(), db, d, ev, ""); err != nil {
		t.Fatal(err)
	}
	out, err := cmd("verify-audit")
	if err != nil || !strings.Contains(out, "audit OK: 1 dossiers, 1 history rows, 0 anchors") {
		t.Fatalf("clean: %v %q", err, out)
	}
	out, err = cmd("audit-anchors", "--board", "hbi")
	day := models.AuditDay(at)
	if err != nil || !strings.Contains(out, day+"\tHBI\t") || strings.Count(out, "\n") != 2 {
		t.Fatalf("audit-anchors: %v %q", err, out)
	}
	if out, err := cmd("verify-audit", "--since", day); err != nil || !strings.Contains(out, "1 anchors verified") {
		t.Fatalf("with the anchor: %v %q", err, out)
	}
	if _, err := cmd("verify-audit", "--since", "3/12/2026"); err == nil || !strings.Contains(err.Error(), "YYYY-MM-DD") {
		t.Fatalf("a bad --since: %v", err)
	}
	if err := db.Exec("UPDATE dossier_events SET comment = 'nộp qua bưu điện' WHERE id = ?", ev.ID).Error; err != nil {
		t.Fatal(err)
	}
	out, err = cmd("verify-audit")
	if err == nil || !strings.Contains(out, "FIRST BREAK") || !strings.Contains(out, "history row id 1 version 1") ||
		!strings.Contains(out, "content edited") || !strings.Contains(err.Error(), "1 breaks") {
		t.Fatalf("after an edit: %v %q", err, out)
	}
	t.Logf("%v\n%s", err, out)
}
