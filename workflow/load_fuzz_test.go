package workflow_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/motcua/motcua/workflow"
	"github.com/motcua/motcua/workflow/workflowtest"
)

// shippedCatalogue reads configs/ (onestop.yaml and every procedure).
func shippedCatalogue(f *testing.F) fstest.MapFS {
	f.Helper()
	fsys := fstest.MapFS{}
	dir := workflowtest.ConfigDir()
	names, _ := filepath.Glob(filepath.Join(dir, "procedures", "*.yaml"))
	for _, p := range append(names, filepath.Join(dir, workflow.OneStopFile)) {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		rel, _ := filepath.Rel(dir, p)
		fsys[filepath.ToSlash(rel)] = &fstest.MapFile{Data: data}
	}
	return fsys
}

// FuzzLoadCatalogue: a procedure file or onestop.yaml, whatever it holds,
// given beside the shipped one-stop rules and one procedure, never panics: Load returns a
// catalogue, or Faults, each with its file and a message. Seeds: every
// shipped file and every fixture of workflow/testdata (good and bad),
// and the probe's classes (NUL bytes, over-long text, 2^63).
func FuzzLoadCatalogue(f *testing.F) {
	shipped := shippedCatalogue(f)
	for name, file := range shipped {
		f.Add(file.Data, name == workflow.OneStopFile)
	}
	filepath.WalkDir("testdata", func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".yaml") && !strings.Contains(p, string(filepath.Separator)+"fuzz"+string(filepath.Separator)) {
			data, _ := os.ReadFile(p)
			f.Add(data, filepath.Base(p) == workflow.OneStopFile)
		}
		return nil
	})
	union := string(shipped["procedures/union-registration.yaml"].Data)
	for _, s := range []string{
		strings.Replace(union, "code: union-registration", "code: \"union\\0registration\"", 1),
		strings.Replace(union, "code: union-registration", "code: "+strings.Repeat("x", 70000), 1),
		strings.Replace(union, "period:", "period: 9223372036854775808\n  _period:", 1),
		strings.Replace(union, "period:", "period: -9223372036854775809\n  _period:", 1),
		"a: &a [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nb: *a\n",
		"\x00\xff\xfe", "{", "- - - -", "code: [1, {a: b}]\n",
	} {
		f.Add([]byte(s), false)
	}
	f.Fuzz(func(t *testing.T, data []byte, oneStop bool) {
		// the smallest catalogue around the fuzzed file: the one-stop rules
		// and one procedure (the notices of onestop.yaml name its events)
		fsys := fstest.MapFS{workflow.OneStopFile: shipped[workflow.OneStopFile],
			"procedures/union-registration.yaml": shipped["procedures/union-registration.yaml"]}
		name := "procedures/zz-fuzzed.yaml"
		if oneStop {
			name = workflow.OneStopFile
		}
		fsys[name] = &fstest.MapFile{Data: data}
		cat, err := workflow.Load(fsys)
		var faults workflow.Faults
		switch {
		case err == nil && cat == nil:
			t.Fatal("no catalogue and no fault")
		case err == nil:
			return
		case !errors.As(err, &faults) || len(faults) == 0:
			t.Fatalf("an error that is no catalogue fault: %v", err)
		}
		for _, fl := range faults {
			if fl.File == "" || fl.Message == "" {
				t.Fatalf("a fault without its file or message: %+v", fl)
			}
		}
	})
}
