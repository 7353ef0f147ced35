package web

import (
	"net/url"
	"strings"
	"testing"

	"github.com/motcua/motcua/errs"
)

// FuzzEventForm: whatever values an action's form carries, reading it
// into the service's request never panics; a value that cannot be read is
// a 400 naming its field; the rows of missing items are at most the
// form's six, each with something in it.
func FuzzEventForm(f *testing.F) {
	for _, s := range []string{
		"version=1", "version=3&extension.new_due_date=2026-12-31&extension.reason=x&extension.apology_letter=y",
		"version=1&missing[0].document=land_rights&missing[0].reason=thi%E1%BA%BFu&missing[5].description=x&missing[6].reason=y",
		"version=2&assignee_id=4294967296", "version=9223372036854775808", "version=-1&assignee_id=-1",
		"version=4&investment.project_code=1&investment.zone_id=99999999999&investment.foreign=maybe",
		"version=6&result.medium=electronic&result.reference=" + strings.Repeat("%00", 10),
		"version=1&extension.new_due_date=9999-99-99", "",
	} {
		f.Add("approve", s)
	}
	f.Fuzz(func(t *testing.T, event, form string) {
		v, _ := url.ParseQuery(form)
		_, err := eventRequest(event, v)
		if err != nil {
			if e, ok := errs.As(err); !ok || e.Kind != errs.KindInvalid || e.Field == "" {
				t.Fatalf("%q: %v", form, err)
			}
		}
		items := missingItems(v)
		if len(items) > maxMissingRows {
			t.Fatalf("%d missing rows", len(items))
		}
		for _, it := range items {
			if it.Document == "" && it.Description == "" && strings.TrimSpace(it.Reason) == "" {
				t.Fatalf("an empty missing row: %+v", it)
			}
		}
	})
}
