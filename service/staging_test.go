package service

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/models/modelstest"
	"github.com/motcua/motcua/workflow"
	"github.com/motcua/motcua/workflow/workflowtest"
)

// TestSweepFiles: the startup sweep, on both databases, over a data
// directory three processes share. One is dead: it left a file whose row
// committed (kept), a file whose transaction never committed (removed with
// its final name) and a file half received (removed). One is live, with
// a file linked to its final name and not yet recorded (left alone, and
// its area too). An older motcua left a file without a row and temporary
// files, one old (removed) and one fresh (left). Each removal is logged;
// once the live process records its file and dies, a second sweep keeps
// it and removes nothing.
func TestSweepFiles(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		dir := t.TempDir()
		now := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
		dossier := sweepDossier(t, db, now)
		newSvc := func(log *slog.Logger) *Service {
			return New(Deps{DB: db, DataDir: dir, Log: log, Now: func() time.Time { return now }})
		}
		dead, live := newSvc(nil), newSvc(nil)
		committed := stageFile(t, dead, now)
		record(t, db, dossier, committed.key)
		uncommitted := stageFile(t, dead, now)
		half, err := stage(strings.NewReader("%PDF-1.4 half"), "half.pdf", dead.files, now)
		if err != nil {
			t.Fatal(err)
		}
		half.tmp.Close()
		dead.files.staging.lock.Close() // the process dies: the kernel drops its lock
		inflight := stageFile(t, live, now)

		legacy := filepath.Join(dir, "attachments", "2026", "10", strings.Repeat("ab", 16))
		legacyKept := filepath.Join(dir, "attachments", "2026", "10", strings.Repeat("cd", 16))
		oldTemp := filepath.Join(dir, "attachments", "2026", "10", ".upload-123")
		freshTemp := filepath.Join(dir, "attachments", "2026", "10", ".upload-456")
		for _, f := range []string{legacy, legacyKept, oldTemp, freshTemp} {
			writeFile(t, f)
		}
		record(t, db, dossier, "attachments/2026/10/"+strings.Repeat("cd", 16))
		if err := os.Chtimes(oldTemp, now.Add(-2*time.Hour), now.Add(-2*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(freshTemp, now.Add(-time.Minute), now.Add(-time.Minute)); err != nil {
			t.Fatal(err)
		}

		var logs bytes.Buffer
		sweeper := newSvc(slog.New(slog.NewTextHandler(&logs, nil)))
		sw, err := sweeper.SweepFiles(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if want := (FileSweep{Areas: 1, Kept: 1, Removed: 4, LiveSkip: 1}); sw != want {
			t.Errorf("first sweep: %+v, want %+v", sw, want)
		}
		if n := strings.Count(logs.String(), "file without a row removed"); n != 4 {
			t.Errorf("%d removals logged, want 4:\n%s", n, logs.String())
		}
		for _, f := range []string{uncommitted.final, half.tmp.Name(), legacy, oldTemp, filepath.Dir(committed.pending)} {
			if _, err := os.Stat(f); !os.IsNotExist(err) {
				t.Errorf("%s still there (%v), want removed", f, err)
			}
		}
		for _, f := range []string{committed.final, inflight.final, inflight.pending, legacyKept, freshTemp} {
			if _, err := os.Stat(f); err != nil {
				t.Errorf("%s: %v, want kept", f, err)
			}
		}

		record(t, db, dossier, inflight.key)
		inflight.settle()
		live.files.staging.lock.Close()
		sw, err = sweeper.SweepFiles(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if want := (FileSweep{Areas: 1}); sw != want {
			t.Errorf("second sweep: %+v, want %+v", sw, want)
		}
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(inflight.key))); err != nil {
			t.Errorf("the live process's file, recorded: %v", err)
		}
	})
}

// keptFile is a staged file linked to its final name, and its key.
type keptFile struct {
	*staged
	key string
}

// stageFile stages a small PDF through s's staging area and keeps it,
// as an upload does before its transaction.
func stageFile(t *testing.T, s *Service, now time.Time) keptFile {
	t.Helper()
	st, err := stage(strings.NewReader("%PDF-1.4\n%%EOF\n"), "a.pdf", s.files, now)
	if err != nil {
		t.Fatal(err)
	}
	key, err := st.keep(s.files.dir)
	if err != nil {
		t.Fatal(err)
	}
	return keptFile{st, key}
}

// writeFile writes a small file at path, its directory made.
func writeFile(t *testing.T, path string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("%PDF-1.4\n%%EOF\n"), 0o640); err != nil {
		t.Fatal(err)
	}
}

// record writes the attachment row of key.
func record(t *testing.T, db *gorm.DB, dossier uint64, key string) {
	t.Helper()
	a := &models.Attachment{DossierID: dossier, Kind: models.AttachmentDocument, DocumentCode: "x", FileName: "a.pdf",
		ContentType: TypePDF, Size: 15, StorageKey: key, CreatedAt: time.Now()}
	if err := models.InsertAttachment(context.Background(), db, a); err != nil {
		t.Fatal(err)
	}
}

// sweepDossier files one dossier for the rows to belong to.
func sweepDossier(t *testing.T, db *gorm.DB, now time.Time) uint64 {
	t.Helper()
	b := &models.Board{Code: "HBI", NameVI: "Ban Quản lý các khu công nghiệp tỉnh Hòa Bình", AgencyCode: "000.20.30.H33"}
	if err := db.Create(b).Error; err != nil {
		t.Fatal(err)
	}
	eng := workflowtest.Engine(t)
	var d *models.Dossier
	err := models.InTx(context.Background(), db, func(tx *gorm.DB) error {
		var err error
		d, err = eng.Submit(context.Background(), tx, workflow.SubmitInput{BoardID: b.ID, Procedure: "construction-permit",
			Variant: "new", Channel: models.ChannelDirect, ApplicantName: "Công ty TNHH Thử Nghiệm"},
			workflow.Actor{Role: workflow.RoleOfficer, Name: "officer"}, now)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return d.ID
}
