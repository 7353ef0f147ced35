// Package workflowtest gives tests an engine over the shipped catalogue
// and holiday calendars (configs/ at the repository root).
package workflowtest

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"
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
	return EngineWith(t, nil)
}

// EngineWith loads the shipped catalogue with edits applied to its files
// (name under configs/, e.g. "procedures/union-registration.yaml" → old →
// new; each old text must be there), and the shipped calendar.
func EngineWith(t testing.TB, edits map[string][2]string) *workflow.Engine {
	t.Helper()
	dir := ConfigDir()
	fsys := fstest.MapFS{}
	names, err := filepath.Glob(filepath.Join(dir, "procedures", "*.yaml"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no procedure files in %s: %v", dir, err)
	}
	for _, name := range append([]string{workflow.OneStopFile}, relative(dir, names)...) {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if e, ok := edits[name]; ok {
			if !strings.Contains(string(data), e[0]) {
				t.Fatalf("%s has no %q to edit", name, e[0])
			}
			data = []byte(strings.ReplaceAll(string(data), e[0], e[1]))
		}
		fsys[name] = &fstest.MapFile{Data: data}
	}
	cat, err := workflow.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	cal, err := deadlines.LoadCalendar(os.DirFS(filepath.Join(dir, "holidays")))
	if err != nil {
		t.Fatal(err)
	}
	return workflow.NewEngine(cat, cal)
}

// relative makes paths under dir relative to it, with forward slashes.
func relative(dir string, paths []string) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		r, _ := filepath.Rel(dir, p) // every path comes from a glob under dir
		out[i] = filepath.ToSlash(r)
	}
	return out
}

// At parses "2006-01-02 15:04" as an instant in Asia/Ho_Chi_Minh, failing
// the test on a malformed value.
func At(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, deadlines.Location)
	if err != nil {
		t.Fatalf("bad test instant %q: %v", s, err)
	}
	return v
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

// ReadFile reads a file, failing the test if it cannot.
func ReadFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
