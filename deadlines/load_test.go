package deadlines

import (
	"strings"
	"testing"
	"testing/fstest"
)

const validHeader = "year: 2026\nannounced: true\nsource: \"test\"\n"

func TestLoadCalendarFiles(t *testing.T) {
	c := testCalendar(t)
	for _, y := range []int{2024, 2025, 2026, 2027} {
		s := c.Year(y)
		if s.Derived || s.Year != y || s.Source == "" || len(s.DaysOff) == 0 {
			t.Errorf("Year(%d) = %+v, want the loaded file", y, s)
		}
		if s.Announced != (y != 2027) {
			t.Errorf("Year(%d).Announced = %v", y, s.Announced)
		}
	}
	ws := c.Year(2026).WorkingSaturdays
	if len(ws) != 2 || ymd(ws[0].Date) != "2026-01-10" || ymd(ws[1].Date) != "2026-08-22" || ws[0].Kind != KindWorkingSaturday {
		t.Errorf("2026 working Saturdays = %+v, want 2026-01-10 and 2026-08-22", ws)
	}
	if s := c.Year(2031); !s.Derived {
		t.Errorf("Year(2031).Derived = false, want true (no file)")
	}
}

func TestLoadCalendarValid(t *testing.T) {
	fsys := fstest.MapFS{
		"2026.yaml": {Data: []byte(validHeader + `days_off:
  - {date: 2026-03-03, kind: holiday, name: "Ngày thử / Test day", basis: "test"}
working_saturdays:
  - {date: 2026-03-07, name: "Làm bù / Worked", basis: "test"}
`)},
		"README.md": {Data: []byte("not yaml")},
	}
	c, err := LoadCalendar(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if c.IsWorkingDay(day(t, "2026-03-03")) || !c.IsWorkingDay(day(t, "2026-03-07")) {
		t.Error("Tue 2026-03-03 should be off and Sat 2026-03-07 a working day")
	}
	if !c.IsWorkingDay(day(t, "2026-02-17")) {
		t.Error("the test file replaces the whole year: 2026-02-17 should be a working day")
	}
}

func TestLoadCalendarRejects(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []string // substrings of the error
	}{
		{"date outside year", map[string]string{"2026.yaml": validHeader + `days_off:
  - {date: 2026-01-01, kind: holiday, name: "a / a", basis: "b"}
  - {date: 2025-12-31, kind: holiday, name: "a / a", basis: "b"}
`}, []string{"2026.yaml", "days_off[1].date", "line 6", "31/12/2025", "năm 2026"}},
		{"working Saturday not a Saturday", map[string]string{"2026.yaml": validHeader + `working_saturdays:
  - {date: 2026-01-09, name: "a / a", basis: "b"}
`}, []string{"2026.yaml", "working_saturdays[0].date", "09/01/2026", "thứ Bảy", "Saturday"}},
		{"duplicate date", map[string]string{"2026.yaml": validHeader + `days_off:
  - {date: 2026-01-01, kind: holiday, name: "a / a", basis: "b"}
  - {date: 2026-01-01, kind: swap, name: "a / a", basis: "b"}
`}, []string{"2026.yaml", "days_off[1].date", "days_off[0]"}},
		{"day off also a working Saturday", map[string]string{"2026.yaml": validHeader + `days_off:
  - {date: 2026-01-10, kind: weekend_in_break, name: "a / a", basis: "b"}
working_saturdays:
  - {date: 2026-01-10, name: "a / a", basis: "b"}
`}, []string{"2026.yaml", "working_saturdays[0].date", "days_off[0]"}},
		{"unknown kind", map[string]string{"2026.yaml": validHeader + `days_off:
  - {date: 2026-01-01, kind: vacation, name: "a / a", basis: "b"}
`}, []string{"2026.yaml", "days_off[0].kind", "vacation"}},
		{"weekday as weekend_in_break", map[string]string{"2026.yaml": validHeader + `days_off:
  - {date: 2026-01-05, kind: weekend_in_break, name: "a / a", basis: "b"}
`}, []string{"2026.yaml", "days_off[0].kind", "05/01/2026"}},
		{"weekend as holiday", map[string]string{"2026.yaml": validHeader + `days_off:
  - {date: 2026-01-03, kind: holiday, name: "a / a", basis: "b"}
`}, []string{"2026.yaml", "days_off[0].kind", "03/01/2026"}},
		{"bad date", map[string]string{"2026.yaml": validHeader + `days_off:
  - {date: 2026-13-01, kind: holiday, name: "a / a", basis: "b"}
`}, []string{"2026.yaml", "days_off[0].date", "2026-13-01"}},
		{"missing name", map[string]string{"2026.yaml": validHeader + `days_off:
  - {date: 2026-01-01, kind: holiday, basis: "b"}
`}, []string{"2026.yaml", "days_off[0].name"}},
		{"missing basis", map[string]string{"2026.yaml": validHeader + `days_off:
  - {date: 2026-01-01, kind: holiday, name: "a / a"}
`}, []string{"2026.yaml", "days_off[0].basis"}},
		{"unknown key", map[string]string{"2026.yaml": validHeader + "holidays: []\n"}, []string{"2026.yaml", "holidays"}},
		{"missing year", map[string]string{"2026.yaml": "announced: true\nsource: x\n"}, []string{"2026.yaml", "year"}},
		{"missing announced", map[string]string{"2026.yaml": "year: 2026\nsource: x\n"}, []string{"2026.yaml", "announced"}},
		{"missing source", map[string]string{"2026.yaml": "year: 2026\nannounced: true\n"}, []string{"2026.yaml", "source"}},
		{"year differs from file name", map[string]string{"2026.yaml": strings.Replace(validHeader, "2026", "2025", 1)}, []string{"2026.yaml", "year", "2025"}},
		{"same year twice", map[string]string{"2026.yaml": validHeader, "extra.yaml": validHeader}, []string{"extra.yaml", "year", "2026.yaml"}},
		{"empty file", map[string]string{"2026.yaml": ""}, []string{"2026.yaml", "rỗng", "empty"}},
		{"malformed YAML", map[string]string{"2026.yaml": "year: [2026\n"}, []string{"2026.yaml", "YAML"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for name, data := range tt.files {
				fsys[name] = &fstest.MapFile{Data: []byte(data)}
			}
			_, err := LoadCalendar(fsys)
			if err == nil {
				t.Fatal("LoadCalendar succeeded, want an error")
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "deadlines: ") {
				t.Errorf("error %q lacks the deadlines: prefix", msg)
			}
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not mention %q", msg, w)
				}
			}
		})
	}
}
