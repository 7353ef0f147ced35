package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// stream is govulncheck's JSON for three findings: GO-2026-0001 called,
// GO-2026-0002 called, GO-2026-0003 only imported.
const stream = `{"config":{"db":"file:///db","go_version":"go1.26.8"}}
{"osv":{"id":"GO-2026-0001","summary":"one"}}
{"osv":{"id":"GO-2026-0002","summary":"two"}}
{"osv":{"id":"GO-2026-0003","summary":"three"}}
{"finding":{"osv":"GO-2026-0001","fixed_version":"v1.2.3","trace":[{"module":"example.com/m","version":"v1.0.0"}]}}
{"finding":{"osv":"GO-2026-0001","fixed_version":"v1.2.3","trace":[{"module":"example.com/m","version":"v1.0.0","package":"example.com/m/p","function":"F"},{"module":"github.com/motcua/motcua","package":"github.com/motcua/motcua/service","function":"G"}]}}
{"finding":{"osv":"GO-2026-0002","trace":[{"module":"example.com/n","version":"v2.0.0","package":"example.com/n","function":"H","receiver":"*T"}]}}
{"finding":{"osv":"GO-2026-0003","trace":[{"module":"example.com/o","version":"v0.1.0","package":"example.com/o"}]}}
`

// TestGate: a called finding fails the gate unless the findings section
// names it; an imported one never does; an id named only outside the
// section justifies nothing.
func TestGate(t *testing.T) {
	for _, c := range []struct {
		name, doc string
		pass      bool
		says      string
	}{
		{"none justified", "## Vulnerability findings\n\nnone\n", false, "FOUND  GO-2026-0001"},
		{"one of two", "## Vulnerability findings\n\nGO-2026-0002: not reachable as used\n", false, "FOUND  GO-2026-0001"},
		{"both", "## Vulnerability findings\n\n| GO-2026-0001 | x |\n| GO-2026-0002 | y |\n", true, "2 called, every one justified"},
		{"named in another section", "## Vulnerability findings\n\nGO-2026-0002\n\n## Other\n\nGO-2026-0001\n", false, "FOUND  GO-2026-0001"},
		{"stale", "## Vulnerability findings\n\nGO-2026-0001 GO-2026-0002 GO-2025-9999\n", true, "GO-2025-9999 is justified"},
	} {
		doc := filepath.Join(t.TempDir(), "SECURITY.md")
		os.WriteFile(doc, []byte("# Security\n\n"+c.doc), 0o600)
		justified, err := readJustified(doc)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := readFindings(strings.NewReader(stream))
		if err != nil {
			t.Fatal(err)
		}
		var out strings.Builder
		if got := rep.judge(&out, justified, doc); got != c.pass || !strings.Contains(out.String(), c.says) {
			t.Errorf("%s: pass %v, want %v; output:\n%s", c.name, got, c.pass, out.String())
		}
		if strings.Contains(out.String(), "FOUND  GO-2026-0003") {
			t.Errorf("%s: an imported, uncalled finding fails the gate", c.name)
		}
	}
	if _, err := readFindings(strings.NewReader("")); err == nil {
		t.Error("an empty output (govulncheck did not run) passes")
	}
}
