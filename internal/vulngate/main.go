// Command vulngate reads govulncheck's JSON (-format json) on standard
// input and fails on a vulnerability the code calls that docs/SECURITY.md
// does not justify: `make lint` runs it after govulncheck
// (scripts/vulncheck). Only findings at the symbol level (a call path from
// motcua's code reaches the vulnerable function) count; those in imported
// packages or required modules that nothing calls are listed as notes.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strings"
)

func main() {
	doc := flag.String("doc", "docs/SECURITY.md", "the file whose findings section justifies findings")
	flag.Parse()
	justified, err := readJustified(*doc)
	if err != nil {
		fmt.Fprintln(os.Stderr, "vulngate:", err)
		os.Exit(2)
	}
	rep, err := readFindings(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "vulngate:", err)
		os.Exit(2)
	}
	if !rep.judge(os.Stdout, justified, *doc) {
		os.Exit(1)
	}
}

// section is the heading of docs/SECURITY.md under which findings are
// justified, up to the next heading of the same level.
const section = "## Vulnerability findings"

// osvID is a Go vulnerability id.
var osvID = regexp.MustCompile(`GO-\d{4}-\d{4,}`)

// readJustified returns the ids named in the findings section of doc.
func readJustified(doc string) (map[string]bool, error) {
	data, err := os.ReadFile(doc)
	if err != nil {
		return nil, err
	}
	text := string(data)
	i := strings.Index(text, "\n"+section)
	if i < 0 {
		return nil, fmt.Errorf("%s has no %q section", doc, section)
	}
	body := text[i+len(section)+1:]
	if j := strings.Index(body, "\n## "); j >= 0 {
		body = body[:j]
	}
	out := map[string]bool{}
	for _, id := range osvID.FindAllString(body, -1) {
		out[id] = true
	}
	return out, nil
}

// frame is one step of a finding's trace.
type frame struct {
	Module   string `json:"module"`
	Version  string `json:"version"`
	Package  string `json:"package"`
	Function string `json:"function"`
	Receiver string `json:"receiver"`
}

// message is one object of govulncheck's JSON stream.
type message struct {
	Config *struct {
		DB             string `json:"db"`
		DBLastModified string `json:"db_last_modified"`
		GoVersion      string `json:"go_version"`
	} `json:"config"`
	OSV *struct {
		ID      string `json:"id"`
		Summary string `json:"summary"`
	} `json:"osv"`
	Finding *struct {
		OSV          string  `json:"osv"`
		FixedVersion string  `json:"fixed_version"`
		Trace        []frame `json:"trace"`
	} `json:"finding"`
}

// finding is what the gate keeps of one vulnerability.
type finding struct {
	id, summary, module, version, fixed, example string
	called                                       bool
}

// report is what a scan found, by id.
type report struct {
	db, goVersion string
	findings      map[string]*finding
}

// readFindings reads the stream.
func readFindings(r io.Reader) (*report, error) {
	rep := &report{findings: map[string]*finding{}}
	summaries := map[string]string{}
	dec := json.NewDecoder(bufio.NewReader(r))
	for {
		var m message
		err := dec.Decode(&m)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("govulncheck's output: %w", err)
		}
		switch {
		case m.Config != nil:
			rep.db, rep.goVersion = m.Config.DB, m.Config.GoVersion
		case m.OSV != nil:
			summaries[m.OSV.ID] = m.OSV.Summary
		case m.Finding != nil && len(m.Finding.Trace) > 0:
			rep.add(m.Finding.OSV, m.Finding.FixedVersion, m.Finding.Trace)
		}
	}
	if rep.db == "" {
		return nil, errors.New("govulncheck's output has no config: did it run?")
	}
	for id, f := range rep.findings {
		f.summary = summaries[id]
	}
	return rep, nil
}

// add records a finding; the trace's first frame is the vulnerable symbol
// (or package, or module), the last the caller in motcua.
func (rep *report) add(id, fixed string, trace []frame) {
	f := rep.findings[id]
	if f == nil {
		f = &finding{id: id, module: trace[0].Module, version: trace[0].Version, fixed: fixed}
		rep.findings[id] = f
	}
	if trace[0].Function != "" && !f.called {
		f.called = true
		f.example = describe(trace[len(trace)-1]) + " → " + describe(trace[0])
	}
}

// describe names a frame: package.Receiver.Function.
func describe(fr frame) string {
	name := fr.Package
	if fr.Receiver != "" {
		name += "." + strings.TrimPrefix(fr.Receiver, "*")
	}
	if fr.Function != "" {
		name += "." + fr.Function
	}
	return name
}

// judge prints every finding and reports whether each one called is
// justified in doc.
func (rep *report) judge(w io.Writer, justified map[string]bool, doc string) bool {
	ids := make([]string, 0, len(rep.findings))
	for id := range rep.findings {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	fmt.Fprintf(w, "govulncheck: %s, %s\n", rep.db, rep.goVersion)
	ok, called := true, 0
	for _, id := range ids {
		f := rep.findings[id]
		fixed := "fixed in " + f.fixed
		if f.fixed == "" {
			fixed = "no fix"
		}
		switch {
		case !f.called:
			fmt.Fprintf(w, "  note   %s %s@%s (imported, not called; %s): %s\n", id, f.module, f.version, fixed, f.summary)
		case justified[id]:
			called++
			fmt.Fprintf(w, "  justified in %s: %s %s@%s (%s): %s\n", doc, id, f.module, f.version, fixed, f.summary)
		default:
			called++
			ok = false
			fmt.Fprintf(w, "  FOUND  %s %s@%s (%s): %s\n         called: %s\n", id, f.module, f.version, fixed, f.summary, f.example)
		}
	}
	for id := range justified {
		if rep.findings[id] == nil {
			fmt.Fprintf(w, "  %s is justified in %s but no longer found: remove it there\n", id, doc)
		}
	}
	if !ok {
		fmt.Fprintf(w, "govulncheck: a vulnerability the code calls is neither fixed nor justified: upgrade the module "+
			"(go get MODULE@FIXED), or justify it under %q in %s\n", section, doc)
	} else {
		fmt.Fprintf(w, "govulncheck: %d called, every one justified in %s\n", called, doc)
	}
	return ok
}
