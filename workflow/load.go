package workflow

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// OneStopFile is the name of the one-stop rules file at the catalogue root.
const OneStopFile = "onestop.yaml"

// ProcedureGlob matches the procedure files under the catalogue root.
const ProcedureGlob = "procedures/*.yaml"

// Fault is one problem found in the catalogue files, with where it is.
type Fault struct {
	File    string // path under the catalogue root, e.g. "procedures/x.yaml"
	Line    int    // 1-based line; 0 when the fault concerns the whole file
	Code    string // kind of fault, one of the Fault* constants
	Message string
}

// String renders the fault as "procedures/x.yaml:42: message".
func (f Fault) String() string {
	if f.Line <= 0 {
		return f.File + ": " + f.Message
	}
	return f.File + ":" + strconv.Itoa(f.Line) + ": " + f.Message
}

// Faults is every fault found in a catalogue; it is an error.
type Faults []Fault

// Error lists the faults, one per line, after a "workflow: " summary line.
func (fs Faults) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "workflow: %d catalogue fault(s)", len(fs))
	for _, f := range fs {
		b.WriteString("\n")
		b.WriteString(f.String())
	}
	return b.String()
}

// Has reports whether some fault has the given code.
func (fs Faults) Has(code string) bool {
	for _, f := range fs {
		if f.Code == code {
			return true
		}
	}
	return false
}

// Catalogue is the loaded set of procedures and the one-stop rules.
type Catalogue struct {
	Procedures map[string]*Procedure // by procedure code
	Order      []string              // procedure codes in file-name order
	OneStop    OneStop
}

// Load reads and validates a catalogue: fsys holds procedures/*.yaml and
// onestop.yaml at its root. If any fault is found, Load returns them all as
// a Faults error and no catalogue.
func Load(fsys fs.FS) (*Catalogue, error) {
	cat, faults := load(fsys)
	if len(faults) > 0 {
		return nil, faults
	}
	return cat, nil
}

// Check reads and validates a catalogue and returns every fault found (nil
// if none), for `motcua check-config DIR`.
func Check(fsys fs.FS) Faults {
	_, faults := load(fsys)
	return faults
}

// load reads every file, resolves inheritance, validates and indexes.
func load(fsys fs.FS) (*Catalogue, Faults) {
	cat := &Catalogue{Procedures: map[string]*Procedure{}}
	var faults Faults
	names, err := fs.Glob(fsys, ProcedureGlob)
	if err != nil || len(names) == 0 {
		faults = append(faults, Fault{File: "procedures/", Code: FaultRequired,
			Message: "no procedure file (procedures/*.yaml)"})
	}
	for _, name := range names {
		faults = append(faults, cat.add(fsys, name)...)
	}
	oneStop, osFaults := readOneStop(fsys)
	cat.OneStop = oneStop
	faults = append(faults, osFaults...)
	faults = append(faults, validateNotify(cat)...)
	return cat, tidy(faults)
}

// add reads, resolves and validates one procedure file and adds it to c.
func (c *Catalogue) add(fsys fs.FS, name string) Faults {
	p, faults := readProcedure(fsys, name)
	if p == nil {
		return faults
	}
	p.inherit()
	faults = append(faults, validateProcedure(p)...)
	if prev, dup := c.Procedures[p.Code]; dup && p.Code != "" {
		return append(faults, Fault{File: name, Line: p.Line, Code: FaultDuplicate,
			Message: fmt.Sprintf("procedure code %q is already defined in %s", p.Code, prev.File)})
	}
	c.Procedures[p.Code] = p
	c.Order = append(c.Order, p.Code)
	return faults
}

// readProcedure decodes one procedure file strictly (unknown keys are
// faults) and records the line of every version, variant, state, event and
// rule.
func readProcedure(fsys fs.FS, name string) (*Procedure, Faults) {
	var p Procedure
	root, faults := decodeFile(fsys, name, &p)
	if root == nil {
		return nil, faults
	}
	p.File = name
	setProcedureLines(&p, root)
	return &p, nil
}

// readOneStop decodes onestop.yaml and validates it.
func readOneStop(fsys fs.FS) (OneStop, Faults) {
	var o OneStop
	root, faults := decodeFile(fsys, OneStopFile, &o)
	if root == nil {
		return o, faults
	}
	setOneStopLines(&o, root)
	return o, validateOneStop(o, root)
}

// decodeFile parses name into out. It returns the mapping node at the root
// of the document, or nil and the parse faults.
func decodeFile(fsys fs.FS, name string, out any) (*yaml.Node, Faults) {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, Faults{{File: name, Code: FaultRequired, Message: "cannot read the file: " + trimErr(err)}}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, parseFaults(name, err, nil)
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, Faults{{File: name, Line: doc.Line, Code: FaultParse,
			Message: "the file must hold a YAML mapping"}}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(out); err != nil && !errors.Is(err, io.EOF) {
		return nil, parseFaults(name, err, doc.Content[0])
	}
	return doc.Content[0], nil
}

// lineRE finds the line number yaml.v3 (and deadlines) put in messages.
var lineRE = regexp.MustCompile(`line (\d+)`)

// unknownFieldRE matches yaml.v3's message for an unknown key.
var unknownFieldRE = regexp.MustCompile(`field (\S+) not found in type (\S+)`)

// parseFaults turns a yaml.v3 error into faults with lines: a TypeError
// holds one message per problem, a syntax error one.
func parseFaults(file string, err error, root *yaml.Node) Faults {
	var msgs []string
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs = te.Errors
	} else {
		msgs = []string{err.Error()}
	}
	faults := make(Faults, 0, len(msgs))
	for _, m := range msgs {
		faults = append(faults, parseFault(file, m, root))
	}
	return faults
}

// parseFault builds one parse fault from a yaml.v3 message, naming the
// key whose value is on the faulty line.
func parseFault(file, msg string, root *yaml.Node) Fault {
	f := Fault{File: file, Code: FaultParse}
	if m := lineRE.FindStringSubmatch(msg); m != nil {
		f.Line, _ = strconv.Atoi(m[1])
		msg = strings.TrimPrefix(msg[strings.Index(msg, m[0])+len(m[0]):], ":")
	}
	msg = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(msg), "yaml:"))
	if f.Line > 0 && isParserError(msg) {
		f.Line++ // yaml.v3 reports parser (not scanner) errors with 0-based lines
	}
	if m := unknownFieldRE.FindStringSubmatch(msg); m != nil {
		f.Message = fmt.Sprintf("unknown key %q (in %s)", m[1], strings.TrimPrefix(m[2], "workflow."))
		return f
	}
	if key := keyAtLine(root, f.Line); key != "" && !strings.HasPrefix(msg, "mapping key") {
		msg = key + ": " + msg
	}
	f.Message = msg
	return f
}

// parserErrors are yaml.v3's parser messages, whose line it reports
// 0-based (its scanner messages are 1-based).
var parserErrors = []string{
	"did not find expected <document start>", "did not find expected node content",
	"did not find expected key", "did not find expected '-' indicator",
	"did not find expected ',' or ']'", "did not find expected ',' or '}'",
	"found undefined tag handle", "found incompatible YAML document", "found duplicate %",
}

// isParserError reports whether a yaml.v3 message comes from its parser.
func isParserError(msg string) bool {
	for _, p := range parserErrors {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}

// trimErr drops the package prefix of an error message.
func trimErr(err error) string {
	s := err.Error()
	for _, p := range []string{"workflow: ", "deadlines: "} {
		s = strings.TrimPrefix(s, p)
	}
	return s
}

// tidy sorts faults by file, line and code and drops exact duplicates
// (a fault in a procedure-level default shows once, not once per version).
func tidy(faults Faults) Faults {
	sort.SliceStable(faults, func(i, j int) bool {
		a, b := faults[i], faults[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Code != b.Code {
			return a.Code < b.Code
		}
		return a.Message < b.Message
	})
	out := faults[:0]
	for i, f := range faults {
		if i == 0 || f != faults[i-1] {
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// inherit gives every version the procedure-level defaults for the parts
// of its workflow it leaves empty, then builds its lookup tables.
func (p *Procedure) inherit() {
	for _, v := range p.Versions {
		if len(v.Documents) == 0 {
			v.Documents = p.Documents
		}
		if len(v.States) == 0 {
			v.States = p.States
		}
		if len(v.Events) == 0 {
			v.Events = p.Events
		}
		if v.Supplement == nil {
			v.Supplement = p.Supplement
		}
		if v.Extension == nil {
			v.Extension = p.Extension
		}
		if v.Fee == nil {
			v.Fee = p.Fee
		}
		v.index()
	}
}

// index builds the version's lookup tables. On duplicate codes the first
// definition wins (validation reports the duplicate).
func (v *Version) index() {
	v.stateIdx = make(map[State]*StateDef, len(v.States))
	for i := range v.States {
		if _, dup := v.stateIdx[v.States[i].Code]; !dup {
			v.stateIdx[v.States[i].Code] = &v.States[i]
		}
	}
	v.eventIdx = make(map[Event]*EventDef, len(v.Events))
	v.eventsFrom = map[State][]*EventDef{}
	for i := range v.Events {
		e := &v.Events[i]
		if _, dup := v.eventIdx[e.Code]; dup {
			continue
		}
		v.eventIdx[e.Code] = e
		for _, s := range e.From {
			v.eventsFrom[s] = append(v.eventsFrom[s], e)
		}
	}
	v.variantIdx = make(map[string]*Variant, len(v.Variants))
	for i := range v.Variants {
		if _, dup := v.variantIdx[v.Variants[i].Code]; !dup {
			v.variantIdx[v.Variants[i].Code] = &v.Variants[i]
		}
	}
}
