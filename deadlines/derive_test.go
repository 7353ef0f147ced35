package deadlines

import (
	"flag"
	"fmt"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite configs/holidays/2027.yaml from DeriveSchedule")

// wantDay is an expected derived day: date and kind.
type wantDay struct{ date, kind string }

func checkDays(t *testing.T, year int, got []DayOff, want []wantDay) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%d: %d days off, want %d", year, len(got), len(want))
	}
	for i := 0; i < len(got) && i < len(want); i++ {
		if ymd(got[i].Date) != want[i].date || got[i].Kind != want[i].kind {
			t.Errorf("%d: days_off[%d] = %s %s, want %s %s", year, i, ymd(got[i].Date), got[i].Kind, want[i].date, want[i].kind)
		}
		if got[i].Name == "" || got[i].Basis == "" || !strings.Contains(got[i].Name, " / ") {
			t.Errorf("%d: days_off[%d] lacks a bilingual name or a basis: %+v", year, i, got[i])
		}
	}
}

func TestDerive2027(t *testing.T) {
	s := DeriveSchedule(2027)
	if !s.Derived || s.Announced {
		t.Errorf("Derived=%v Announced=%v, want true false", s.Derived, s.Announced)
	}
	checkDays(t, 2027, s.DaysOff, []wantDay{
		{"2027-01-01", KindHoliday},
		{"2027-02-05", KindHoliday},        // 29 Chạp, last day of Bính Ngọ
		{"2027-02-06", KindWeekendInBreak}, // mùng 1, Saturday
		{"2027-02-07", KindWeekendInBreak}, // mùng 2, Sunday
		{"2027-02-08", KindHoliday},
		{"2027-02-09", KindHoliday},
		{"2027-02-10", KindCompensation},
		{"2027-02-11", KindCompensation},
		{"2027-04-16", KindHoliday},
		{"2027-04-30", KindHoliday},
		{"2027-05-01", KindWeekendInBreak},
		{"2027-05-03", KindCompensation},
		{"2027-09-02", KindHoliday},
		{"2027-09-03", KindHoliday}, // 2/9 is a Thursday → 3/9
		{"2027-11-24", KindHoliday},
	})
	if s.DaysOff[6].Basis != "Bộ luật Lao động 2019, Điều 111(3)" {
		t.Errorf("compensation basis = %q", s.DaysOff[6].Basis)
	}
	if len(s.WorkingSaturdays) != 0 {
		t.Errorf("derived working Saturdays: %+v", s.WorkingSaturdays)
	}
}

func TestDerive2028(t *testing.T) {
	s := DeriveSchedule(2028)
	checkDays(t, 2028, s.DaysOff, []wantDay{
		{"2028-01-01", KindWeekendInBreak}, // Saturday
		{"2028-01-03", KindCompensation},
		{"2028-01-25", KindHoliday}, // 29 Chạp
		{"2028-01-26", KindHoliday}, // mùng 1
		{"2028-01-27", KindHoliday},
		{"2028-01-28", KindHoliday},
		{"2028-01-29", KindWeekendInBreak}, // mùng 4, Saturday
		{"2028-01-31", KindCompensation},
		{"2028-04-04", KindHoliday},        // 10/3 âm lịch
		{"2028-04-30", KindWeekendInBreak}, // Sunday
		{"2028-05-01", KindHoliday},
		{"2028-05-02", KindCompensation}, // not 1/5, itself a holiday
		{"2028-09-01", KindHoliday},      // 2/9 is a Saturday → 1/9
		{"2028-09-02", KindWeekendInBreak},
		{"2028-09-04", KindCompensation},
		{"2028-11-24", KindHoliday},
	})
	if n := countTet(s); n != 5 {
		t.Errorf("2028: %d Tết days, want 5", n)
	}
}

func TestDerive2030(t *testing.T) {
	s := DeriveSchedule(2030)
	checkDays(t, 2030, s.DaysOff, []wantDay{
		{"2030-01-01", KindHoliday},
		{"2030-02-01", KindHoliday},        // 29 Chạp
		{"2030-02-02", KindWeekendInBreak}, // mùng 1 (UTC+7; China: 03/02/2030)
		{"2030-02-03", KindWeekendInBreak},
		{"2030-02-04", KindHoliday},
		{"2030-02-05", KindHoliday},
		{"2030-02-06", KindCompensation},
		{"2030-02-07", KindCompensation},
		{"2030-04-12", KindHoliday},
		{"2030-04-30", KindHoliday},
		{"2030-05-01", KindHoliday},
		{"2030-09-02", KindHoliday}, // Monday → adjacent 3/9
		{"2030-09-03", KindHoliday},
		{"2030-11-24", KindWeekendInBreak}, // Sunday, outside Art 112(1): no compensation
	})
	if n := countTet(s); n != 5 {
		t.Errorf("2030: %d Tết days, want 5", n)
	}
}

func TestDeriveBefore2026HasNoCultureDay(t *testing.T) {
	for _, d := range DeriveSchedule(2025).DaysOff {
		if ymd(d.Date) == "2025-11-24" {
			t.Errorf("24/11/2025 derived as a day off: %+v", d)
		}
	}
}

func TestDeriveOutOfRange(t *testing.T) {
	if s := DeriveSchedule(2500); len(s.DaysOff) != 0 {
		t.Errorf("2500: %d days off, want none", len(s.DaysOff))
	}
	c, _ := LoadCalendar(nil)
	if got := ymd(c.AddWorkingDays(day(t, "2500-01-01"), 1)); got != "2500-01-04" {
		t.Errorf("2500-01-01 (Friday) + 1 working day = %s, want 2500-01-04", got)
	}
}

func countTet(s YearSchedule) int {
	n := 0
	for _, d := range s.DaysOff {
		if strings.HasPrefix(d.Name, "Tết Nguyên đán") && d.Kind != KindCompensation {
			n++
		}
	}
	return n
}

// TestDerivedTetInsideAnnouncedBreak checks that the derived mùng 1 of
// 2024-2027 is the known date and falls inside the file's Tết break.
func TestDerivedTetInsideAnnouncedBreak(t *testing.T) {
	c := testCalendar(t)
	known := map[int]string{2024: "2024-02-10", 2025: "2025-01-29", 2026: "2026-02-17", 2027: "2027-02-06"}
	for year, want := range known {
		first, err := LunarToSolar(1, 1, year, false)
		if err != nil || ymd(first) != want {
			t.Errorf("%d: mùng 1 = %s, %v; want %s", year, ymd(first), err, want)
			continue
		}
		s := c.Year(year)
		if s.Derived {
			t.Errorf("%d: no holiday file loaded", year)
		}
		found := false
		for _, d := range s.DaysOff {
			if ymd(d.Date) == want && strings.Contains(d.Name, "Tết Nguyên đán") {
				found = true
			}
		}
		if !found || c.IsWorkingDay(first) {
			t.Errorf("%d: mùng 1 %s is not inside the Tết break of the file", year, want)
		}
	}
}

// TestHolidayFile2027 checks that configs/holidays/2027.yaml is the
// derivation. Regenerate it with: go test ./deadlines -run TestHolidayFile2027 -update
func TestHolidayFile2027(t *testing.T) {
	const path = "../configs/holidays/2027.yaml"
	want := DeriveSchedule(2027)
	if *update {
		if err := os.WriteFile(path, []byte(renderSchedule(want)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got := testCalendar(t).Year(2027)
	if got.Derived || got.Announced {
		t.Fatalf("2027: Derived=%v Announced=%v, want the file with announced: false", got.Derived, got.Announced)
	}
	want.Derived = false
	if !reflect.DeepEqual(normalize(got), normalize(want)) {
		t.Errorf("%s differs from DeriveSchedule(2027); run with -update.\nfile:\n%s\nderived:\n%s",
			path, renderSchedule(got), renderSchedule(want))
	}
}

// normalize makes schedules comparable with reflect.DeepEqual.
func normalize(s YearSchedule) YearSchedule {
	if len(s.WorkingSaturdays) == 0 {
		s.WorkingSaturdays = nil
	}
	for i := range s.DaysOff {
		s.DaysOff[i].Date = DateOf(s.DaysOff[i].Date)
	}
	return s
}

// renderSchedule writes a schedule in the holiday-file format.
func renderSchedule(s YearSchedule) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Lịch nghỉ năm %d: CHƯA CÔNG BỐ, suy ra từ luật bởi deadlines.DeriveSchedule.\n", s.Year)
	fmt.Fprintf(&b, "# Schedule %d: NOT ANNOUNCED, derived from the law by deadlines.DeriveSchedule\n", s.Year)
	b.WriteString("# (go test ./deadlines -run TestHolidayFile2027 -update). Replace it with the\n")
	b.WriteString("# announced schedule (announced: true) when the Prime Minister's notice is issued.\n")
	fmt.Fprintf(&b, "year: %d\nannounced: %v\nsource: %s\ndays_off:\n", s.Year, s.Announced, strconv.Quote(s.Source))
	for _, d := range s.DaysOff {
		fmt.Fprintf(&b, "  - {date: %s, kind: %s, name: %s, basis: %s}\n", ymd(d.Date), d.Kind, strconv.Quote(d.Name), strconv.Quote(d.Basis))
	}
	if len(s.WorkingSaturdays) == 0 {
		b.WriteString("working_saturdays: []\n")
	}
	for i, d := range s.WorkingSaturdays {
		if i == 0 {
			b.WriteString("working_saturdays:\n")
		}
		fmt.Fprintf(&b, "  - {date: %s, name: %s, basis: %s}\n", ymd(d.Date), strconv.Quote(d.Name), strconv.Quote(d.Basis))
	}
	return b.String()
}
