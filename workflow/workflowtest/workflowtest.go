// Package workflowtest gives tests an engine over the shipped catalogue
// and holiday calendars (configs/ at the repository root).
package workflowtest

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

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
