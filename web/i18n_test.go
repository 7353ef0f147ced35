package web

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/motcua/motcua/service"
	"github.com/motcua/motcua/workflow"
)

// messageIDs reads every message id of one language, with its text
// (the "other" form of a plural).
func messageIDs(t *testing.T, lang string) map[string]string {
	t.Helper()
	files, _ := fs.Glob(localeFS, "locales/*."+lang+".yaml")
	if len(files) == 0 {
		t.Fatalf("no %s message files", lang)
	}
	out := map[string]string{}
	for _, f := range files {
		raw, _ := localeFS.ReadFile(f)
		var m map[string]any
		if err := yaml.Unmarshal(raw, &m); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for id, v := range m {
			if _, dup := out[id]; dup {
				t.Errorf("%s: message %s is defined twice", f, id)
			}
			switch x := v.(type) {
			case string:
				out[id] = x
			case map[string]any:
				out[id], _ = x["other"].(string)
			}
		}
	}
	return out
}

// quotedID finds strings that look like message ids in templates and code.
var quotedID = regexp.MustCompile(`"([a-z][a-z0-9_]*\.[a-z0-9_.]*[a-z0-9_])"`)

// TestMessagesComplete: every message is in both languages and not empty,
// and every message id the templates and the code name exists.
func TestMessagesComplete(t *testing.T) {
	vi, en := messageIDs(t, langVI), messageIDs(t, langEN)
	for id, text := range vi {
		if strings.TrimSpace(text) == "" {
			t.Errorf("vi %s is empty", id)
		}
		if _, ok := en[id]; !ok {
			t.Errorf("%s has no English", id)
		}
	}
	for id, text := range en {
		if strings.TrimSpace(text) == "" {
			t.Errorf("en %s is empty", id)
		}
		if _, ok := vi[id]; !ok {
			t.Errorf("%s has no Vietnamese", id)
		}
	}
	spaces := map[string]bool{}
	for id := range vi {
		spaces[strings.SplitN(id, ".", 2)[0]] = true
	}
	used := usedIDs(t)
	for id, where := range used {
		if spaces[strings.SplitN(id, ".", 2)[0]] {
			if _, ok := vi[id]; !ok {
				t.Errorf("%s names message %s, which does not exist", where, id)
			}
		}
	}
	for _, r := range []workflow.Role{workflow.RoleInvestor, workflow.RoleOfficer, workflow.RoleLeader, workflow.RoleManager, workflow.RoleAdmin} {
		if _, ok := vi["role."+string(r)]; !ok {
			t.Errorf("no label for role %s", r)
		}
	}
	for _, u := range []service.Urgency{service.UrgencyOnTrack, service.UrgencyDueSoon, service.UrgencyOverdue, service.UrgencyPaused} {
		if _, ok := vi["due."+string(u)]; !ok {
			t.Errorf("no label for urgency %s", u)
		}
	}
}

// usedIDs are the quoted ids in the templates and the Go files of web/.
func usedIDs(t *testing.T) map[string]string {
	t.Helper()
	used := map[string]string{}
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(path, "_test.go") ||
			!(strings.HasSuffix(path, ".html") || strings.HasSuffix(path, ".go")) || strings.Contains(path, "testdata") {
			return err
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range quotedID.FindAllStringSubmatch(string(raw), -1) {
			used[m[1]] = path
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return used
}

// TestMissingMessageShows: a message id that does not exist shows as
// itself in brackets, so that the test above and a reader can find it.
func TestMissingMessageShows(t *testing.T) {
	c, err := loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	if got := c.T(langEN, "no.such.message"); got != "[no.such.message]" {
		t.Fatalf("missing message: %q", got)
	}
	if got := c.T(langVI, "period.working_days", "Count", 15); got != "15 ngày làm việc" {
		t.Fatalf("vi plural: %q", got)
	}
	if got := c.T(langVI, "period.working_days", "Count", 1); got != "1 ngày làm việc" {
		t.Fatalf("vi with a count of 1: %q", got)
	}
	if got := c.T(langEN, "period.working_days", "Count", 1); got != "1 working day" {
		t.Fatalf("en singular: %q", got)
	}
	if got := c.number(langVI, 1234.5); got != "1.234,5" {
		t.Fatalf("vi number: %q", got)
	}
	if got := c.number(langEN, 1234.5); got != "1,234.5" {
		t.Fatalf("en number: %q", got)
	}
}
