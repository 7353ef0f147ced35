package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/workflow"
	"github.com/motcua/motcua/workflow/workflowtest"
)

// TestSweepCommand: `motcua sweep --at` on a migrated SQLite database
// raises the overdue alerts of a construction permit received Mon
// 16/11/2026 09:00 (due Tue 01/12/2026), once, and fires no expiry event
// (received has none).
func TestSweepCommand(t *testing.T) {
	db := migratedSQLite(t)
	receivedDossier(t, db)
	for _, want := range []string{"due_soon=0 overdue=2 step_overdue=0 apology_due=0",
		"due_soon=0 overdue=0 step_overdue=0 apology_due=0"} {
		var buf bytes.Buffer
		if err := run([]string{"sweep", "--at", "2026-12-02T08:00:00+07:00"}, &buf, quiet); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(buf.String(), want) || !strings.Contains(buf.String(), "expired steps fired: 0") {
			t.Fatalf("sweep printed %q, want %q and no expired step fired", buf.String(), want)
		}
	}
	if err := run([]string{"sweep", "--at", "tomorrow"}, io.Discard, quiet); err == nil {
		t.Fatal("sweep --at tomorrow: no error")
	}
}

// receivedDossier files and receives a construction permit (new) on Mon 16/11/2026.
func receivedDossier(t *testing.T, db *gorm.DB) {
	t.Helper()
	ctx := context.Background()
	eng := workflowtest.Engine(t)
	b := &models.Board{Code: "HBI", NameVI: "Ban Quản lý các khu công nghiệp HBI", AgencyCode: "000.20.30.H33"}
	if err := db.Create(b).Error; err != nil {
		t.Fatal(err)
	}
	when := time.Date(2026, 11, 16, 8, 30, 0, 0, deadlines.Location)
	p, err := eng.Catalogue().Procedure("construction-permit")
	if err != nil {
		t.Fatal(err)
	}
	v, err := p.VersionAt(when)
	if err != nil {
		t.Fatal(err)
	}
	in := workflow.SubmitInput{BoardID: b.ID, Procedure: "construction-permit", Variant: "new",
		Channel: models.ChannelDirect, ApplicantName: "Công ty TNHH Thử Nghiệm"}
	for _, c := range v.RequiredDocuments("new") {
		in.Attachments = append(in.Attachments, workflow.AttachmentInput{DocumentCode: c, FileName: c + ".pdf", Size: 1024})
	}
	officer := workflow.Actor{Role: workflow.RoleOfficer, Name: "officer"}
	var d *models.Dossier
	if err := models.InTx(ctx, db, func(tx *gorm.DB) error {
		d, err = eng.Submit(ctx, tx, in, officer, when)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := workflowtest.Apply(t, eng, ctx, db, d.ID, d.Version, "receive", officer, when.Add(30*time.Minute), workflow.Input{}); err != nil {
		t.Fatal(err)
	}
}
