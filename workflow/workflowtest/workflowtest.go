// Package workflowtest gives tests an engine over the shipped catalogue
// and holiday calendars (configs/ at the repository root).
package workflowtest

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/workflow"
)

// ConfigDir is the repository's configs/ directory.
func ConfigDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "configs")
}

// Engine loads the shipped catalogue and calendar, failing the test on any fault.
func Engine(t testing.TB) *workflow.Engine {
	t.Helper()
	dir := ConfigDir()
	cat, err := workflow.Load(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	cal, err := deadlines.LoadCalendar(os.DirFS(filepath.Join(dir, "holidays")))
	if err != nil {
		t.Fatal(err)
	}
	return workflow.NewEngine(cat, cal)
}

// Documents returns attachment metadata for every document the variant of
// the procedure version in force at at requires: what a complete dossier carries.
func Documents(t testing.TB, eng *workflow.Engine, procedure, variant string, at time.Time) []workflow.AttachmentInput {
	t.Helper()
	p, err := eng.Catalogue().Procedure(procedure)
	if err != nil {
		t.Fatal(err)
	}
	v, err := p.VersionAt(at)
	if err != nil {
		t.Fatal(err)
	}
	var out []workflow.AttachmentInput
	for _, c := range v.RequiredDocuments(variant) {
		out = append(out, workflow.AttachmentInput{DocumentCode: c, FileName: c + ".pdf", ContentType: "application/pdf", Size: 1024})
	}
	return out
}
