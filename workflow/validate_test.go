package workflow

import (
	"errors"
	"os"
	"path"
	"strings"
	"testing"
	"testing/fstest"
)

// fixtureFS builds a catalogue from a fixture directory's procedures and,
// unless the fixture has its own, the shared testdata/onestop.yaml.
func fixtureFS(t *testing.T, dir string) fstest.MapFS {
	t.Helper()
	fsys := fstest.MapFS{}
	entries, err := os.ReadDir(path.Join(dir, "procedures"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		fsys["procedures/"+e.Name()] = &fstest.MapFile{Data: readFile(t, path.Join(dir, "procedures", e.Name()))}
	}
	onestop := path.Join(dir, OneStopFile)
	if _, err := os.Stat(onestop); err != nil {
		onestop = "testdata/onestop.yaml"
	}
	fsys[OneStopFile] = &fstest.MapFile{Data: readFile(t, onestop)}
	return fsys
}

// readFile reads a test file or fails the test.
func readFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// goodYAML returns the valid base fixture, for tests that break it inline.
func goodYAML(t *testing.T) string {
	return string(readFile(t, "testdata/good/procedures/x.yaml"))
}

// withProcedure returns a catalogue holding one procedure file x.yaml.
func withProcedure(t *testing.T, yml string) fstest.MapFS {
	return fstest.MapFS{
		"procedures/x.yaml": &fstest.MapFile{Data: []byte(yml)},
		OneStopFile:         &fstest.MapFile{Data: readFile(t, "testdata/onestop.yaml")},
	}
}

// mustReplace replaces old once in s, failing if old is absent.
func mustReplace(t *testing.T, s, old, repl string) string {
	t.Helper()
	if !strings.Contains(s, old) {
		t.Fatalf("fixture does not contain %q", old)
	}
	return strings.Replace(s, old, repl, 1)
}

// TestValidateGoodFixture checks that the base of every bad fixture is valid.
func TestValidateGoodFixture(t *testing.T) {
	if faults := Check(fixtureFS(t, "testdata/good")); len(faults) != 0 {
		t.Fatalf("good fixture has faults:\n%v", faults)
	}
}

// TestCheckBadFixtures runs Check on every testdata/bad/<code> fixture: it
// must report that code, in procedures/x.yaml (or the file named), on the
// given line, and no fault of another code.
func TestCheckBadFixtures(t *testing.T) {
	cases := []struct {
		code string
		line int
		file string
	}{
		{FaultBadExpiry, 16, ""},
		{FaultBadExtension, 44, ""},
		{FaultBadForm, 31, ""},
		{FaultBadInvestment, 60, ""},
		{FaultBadNotify, 10, OneStopFile},
		{FaultBadPeriod, 60, ""},
		{FaultBadRange, 55, ""},
		{FaultBadSupplement, 46, ""},
		{FaultDeadEnd, 25, ""},
		{FaultDuplicate, 7, ""},
		{FaultFinalExit, 41, ""},
		{FaultInitial, 55, ""},
		{FaultMissingCitation, 55, ""},
		{FaultMissingCore, 52, ""},
		{FaultNoRole, 35, ""},
		{FaultOverlapping, 65, ""},
		{FaultParse, 25, ""},
		{FaultRequired, 2, ""},
		{FaultStepsExceedPeriod, 69, ""},
		{FaultUnknownClock, 37, ""},
		{FaultUnknownDocument, 60, ""},
		{FaultUnknownField, 2, ""},
		{FaultUnknownGuard, 31, ""},
		{FaultUnknownKind, 25, ""},
		{FaultUnknownRole, 35, ""},
		{FaultUnknownState, 37, ""},
		{FaultUnreachableState, 29, ""},
	}
	tested := map[string]bool{}
	for _, tc := range cases {
		tested[tc.code] = true
		t.Run(tc.code, func(t *testing.T) {
			faults := Check(fixtureFS(t, "testdata/bad/"+tc.code))
			if len(faults) == 0 {
				t.Fatal("Check found no fault")
			}
			file := tc.file
			if file == "" {
				file = "procedures/x.yaml"
			}
			found := false
			for _, f := range faults {
				if f.Code != tc.code {
					t.Errorf("unexpected fault of another code: %s [%s]", f, f.Code)
				}
				if f.Code == tc.code && f.File == file && f.Line == tc.line {
					found = true
				}
			}
			if !found {
				t.Errorf("want a %s fault at %s:%d, got:\n%v", tc.code, file, tc.line, faults)
			}
		})
	}
	dirs, err := os.ReadDir("testdata/bad")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		if !tested[d.Name()] {
			t.Errorf("fixture testdata/bad/%s is not in the table", d.Name())
		}
	}
}

// TestValidateServiceStandardCitation checks that a service standard must
// say so in its citation.
func TestValidateServiceStandardCitation(t *testing.T) {
	yml := mustReplace(t, goodYAML(t), `{citation: "Tiêu chuẩn phục vụ / service standard", service_standard: true}`,
		`{citation: "Quyết định của Ban", service_standard: true}`)
	faults := Check(withProcedure(t, yml))
	if len(faults) != 1 || faults[0].Code != FaultMissingCitation || faults[0].Line != 16 {
		t.Fatalf("want one missing_citation fault on line 16, got:\n%v", faults)
	}
	if !strings.Contains(faults[0].Message, "Tiêu chuẩn phục vụ") {
		t.Errorf("message should say what the citation lacks: %s", faults[0].Message)
	}
}

// TestCheckParseFaults checks syntax errors, bad dates and wrong types.
func TestCheckParseFaults(t *testing.T) {
	good := goodYAML(t)
	cases := []struct {
		name, old, repl string
		line            int
		inMessage       string
	}{
		{"syntax", "field: dau_tu", "field: [dau_tu", 3, ""},
		{"bad date", "effective_from: 2026-01-01", "effective_from: 2026-13-01", 66, "effective_from"},
		{"wrong type", "max_requests: 1", "max_requests: one", 48, "max_requests"},
		{"duplicate key", "field: dau_tu", "field: dau_tu\nfield: xay_dung", 4, "already defined at line 3"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			faults := Check(withProcedure(t, mustReplace(t, good, tc.old, tc.repl)))
			for _, f := range faults {
				if f.Code == FaultParse && f.Line == tc.line && strings.Contains(f.Message, tc.inMessage) {
					return
				}
			}
			t.Fatalf("want a parse fault on line %d mentioning %q, got:\n%v", tc.line, tc.inMessage, faults)
		})
	}
}

// TestCheckOneStop checks the faults of onestop.yaml.
func TestCheckOneStop(t *testing.T) {
	fsys := withProcedure(t, goodYAML(t))
	delete(fsys, OneStopFile)
	if faults := Check(fsys); !faults.Has(FaultRequired) || faults[0].File != OneStopFile {
		t.Errorf("missing onestop.yaml: got %v", faults)
	}
	bad := strings.Replace(string(readFile(t, "testdata/onestop.yaml")), `"15:00"`, `"3pm"`, 1)
	fsys[OneStopFile] = &fstest.MapFile{Data: []byte(bad)}
	faults := Check(fsys)
	if len(faults) != 1 || faults[0].Code != FaultParse || faults[0].Line != 2 {
		t.Errorf("bad cut-off: want one parse fault on line 2, got %v", faults)
	}
	noCite := strings.Replace(string(readFile(t, "testdata/onestop.yaml")),
		`citation: "Thông tư 01/2018/TT-VPCP, Điều 19"`, `note: "none"`, 1)
	fsys[OneStopFile] = &fstest.MapFile{Data: []byte(noCite)}
	faults = Check(fsys)
	if len(faults) != 1 || faults[0].Code != FaultMissingCitation || faults[0].Line != 6 {
		t.Errorf("code_basis without citation: want missing_citation on line 6, got %v", faults)
	}
}

// TestCheckDuplicateProcedure checks that two files may not define the
// same procedure code.
func TestCheckDuplicateProcedure(t *testing.T) {
	fsys := withProcedure(t, goodYAML(t))
	fsys["procedures/y.yaml"] = fsys["procedures/x.yaml"]
	faults := Check(fsys)
	if len(faults) != 1 || faults[0].Code != FaultDuplicate || faults[0].File != "procedures/y.yaml" || faults[0].Line != 2 {
		t.Fatalf("want one duplicate fault at procedures/y.yaml:2, got %v", faults)
	}
}

// TestCheckNoProcedures checks an empty catalogue directory.
func TestCheckNoProcedures(t *testing.T) {
	fsys := fstest.MapFS{OneStopFile: &fstest.MapFile{Data: readFile(t, "testdata/onestop.yaml")}}
	if faults := Check(fsys); !faults.Has(FaultRequired) {
		t.Fatalf("want a required fault, got %v", faults)
	}
}

// TestCheckInheritedFaultOnce checks that a fault in a procedure-level
// default shared by two versions is reported once.
func TestCheckInheritedFaultOnce(t *testing.T) {
	faults := Check(fixtureFS(t, "testdata/bad/"+FaultUnknownRole))
	if len(faults) != 1 {
		t.Fatalf("want the inherited fault once, got %v", faults)
	}
}

// TestValidateAliasLines checks that items reached through a YAML alias
// report the anchor's line.
func TestValidateAliasLines(t *testing.T) {
	yml := mustReplace(t, goodYAML(t), "    variants:\n      - code: basic\n        name: {vi: Cơ bản, en: Basic}\n        period: {days: 5,",
		"    variants: &v\n      - code: basic\n        name: {vi: Cơ bản, en: Basic}\n        period: {days: 5,")
	yml = mustReplace(t, yml, "    variants:\n      - code: basic\n        name: {vi: Cơ bản, en: Basic}\n        period: {days: 10, unit: working_days}\n        citation: \"Luật mẫu mới, Điều 3\"\n        step_days: {in_review: 6}\n",
		"    variants: *v\n")
	yml = mustReplace(t, yml, `citation: "Luật mẫu, Điều 3"`, `note: "no citation"`)
	faults := Check(withProcedure(t, yml))
	if len(faults) != 1 || faults[0].Code != FaultMissingCitation || faults[0].Line != 60 {
		t.Fatalf("want one missing_citation at the anchor (line 60), got %v", faults)
	}
}

// TestLoadReturnsFaults checks that Load refuses a faulty catalogue with a
// Faults error listing one fault per line.
func TestLoadReturnsFaults(t *testing.T) {
	cat, err := Load(fixtureFS(t, "testdata/bad/"+FaultDeadEnd))
	if cat != nil || err == nil {
		t.Fatal("Load accepted a faulty catalogue")
	}
	var faults Faults
	if !errors.As(err, &faults) || len(faults) != 1 {
		t.Fatalf("want a Faults error with one fault, got %v", err)
	}
	want := "workflow: 1 catalogue fault(s)\nprocedures/x.yaml:25: state on_hold is not final but no event leads out of it"
	if err.Error() != want {
		t.Errorf("Error() = %q, want %q", err.Error(), want)
	}
}

// TestValidateFaultString checks the "file:line: message" form.
func TestValidateFaultString(t *testing.T) {
	if s := (Fault{File: "procedures/x.yaml", Line: 42, Code: "x", Message: "m"}).String(); s != "procedures/x.yaml:42: m" {
		t.Errorf("String() = %q", s)
	}
	if s := (Fault{File: "onestop.yaml", Message: "m"}).String(); s != "onestop.yaml: m" {
		t.Errorf("String() without line = %q", s)
	}
}
