// Package archtest checks the layers of docs/ARCHITECTURE.md on the source
// tree: which package may import which, and that configuration is read in
// cmd/ only. A change that crosses a layer fails here, not in review.
package archtest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/motcua/motcua/"

// root is the repository root, two levels above this package.
func root(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(wd, "..", "..")
}

// sourceFile is one non-test Go file: its package directory and imports.
type sourceFile struct {
	dir     string // relative, slash-separated: "handlers", "cmd/motcua"
	path    string
	imports []string
	file    *ast.File
}

// sources parses every non-test Go file of the module.
func sources(t *testing.T) []sourceFile {
	t.Helper()
	base := root(t)
	var out []sourceFile
	err := filepath.WalkDir(base, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "node_modules") && path != base {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(base, filepath.Dir(path))
		sf := sourceFile{dir: filepath.ToSlash(rel), path: path, file: f}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			sf.imports = append(sf.imports, p)
		}
		out = append(out, sf)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// forbidden lists, per package directory, the imports it may not have.
var forbidden = map[string][]string{
	"handlers":  {"gorm.io/gorm", module + "web", module + "models/modelstest"},
	"web":       {"gorm.io/gorm", module + "handlers"},
	"service":   {"github.com/labstack/echo/v4", "net/http", module + "handlers", module + "web"},
	"workflow":  {"github.com/labstack/echo/v4", "net/http", module + "service", module + "handlers"},
	"deadlines": {"github.com/labstack/echo/v4", "net/http", module + "service", module + "workflow"},
	"models":    {"github.com/labstack/echo/v4", "net/http", module + "service", module + "workflow", module + "deadlines"},
	"reports":   {"github.com/labstack/echo/v4", "net/http", module + "service", module + "handlers"},
	"notify":    {"github.com/labstack/echo/v4", "net/http", module + "service", module + "handlers"},
	"importer":  {"github.com/labstack/echo/v4", "net/http", module + "service", module + "handlers"},
	"demo":      {"github.com/labstack/echo/v4", "net/http", module + "service", module + "handlers", module + "web"},
	"config":    {module},
	"errs":      {module},
}

// TestLayers: imports go one way (cmd → front ends → service → workflow,
// deadlines, reports, notify → models; errs and config at the bottom).
func TestLayers(t *testing.T) {
	for _, f := range sources(t) {
		for _, bad := range forbidden[f.dir] {
			for _, imp := range f.imports {
				if imp == bad || (strings.HasSuffix(bad, "/") && strings.HasPrefix(imp, bad)) {
					t.Errorf("%s imports %s, which its layer may not", f.path, imp)
				}
			}
		}
	}
}

// TestBenchIsATool: the benchmark harness is a tool; no production
// package imports it, only cmd/ (its `motcua bench` wrappers).
func TestBenchIsATool(t *testing.T) {
	for _, f := range sources(t) {
		if strings.HasPrefix(f.dir, "cmd/") || f.dir == "bench" {
			continue
		}
		for _, imp := range f.imports {
			if imp == module+"bench" {
				t.Errorf("%s imports the benchmark harness %s", f.path, imp)
			}
		}
	}
}

// TestConfigReadInCmd: no package below cmd/ reads the environment; the
// configuration is read once in cmd/ and passed down.
func TestConfigReadInCmd(t *testing.T) {
	for _, f := range sources(t) {
		if strings.HasPrefix(f.dir, "cmd/") || strings.HasSuffix(f.dir, "test") {
			continue // cmd reads it; test helpers (modelstest) read the test database's URL
		}
		ast.Inspect(f.file, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if id, ok := sel.X.(*ast.Ident); ok && id.Name == "os" && (sel.Sel.Name == "Getenv" || sel.Sel.Name == "LookupEnv" ||
				sel.Sel.Name == "Environ") {
				t.Errorf("%s reads the environment (os.%s): configuration is read in cmd/ only", f.path, sel.Sel.Name)
			}
			return true
		})
	}
}
