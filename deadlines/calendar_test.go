package deadlines

import (
	"strings"
	"sync"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

func TestIsWorkingDay(t *testing.T) {
	c := testCalendar(t)
	tests := []struct {
		date string
		want bool
		why  string
	}{
		{"2024-01-01", false, "New Year 2024"},
		{"2024-01-02", true, "ordinary Tuesday"},
		{"2024-02-07", true, "day before Tết 2024 break"},
		{"2024-02-08", false, "Tết 2024, 29 Chạp"},
		{"2024-02-14", false, "Tết 2024, mùng 5"},
		{"2024-02-15", true, "first working day after Tết 2024"},
		{"2024-04-18", false, "Hùng Kings 2024"},
		{"2024-04-29", false, "swap 2024"},
		{"2024-05-01", false, "1/5 2024"},
		{"2024-05-04", true, "Saturday worked in exchange 2024"},
		{"2024-05-05", false, "ordinary Sunday"},
		{"2024-09-02", false, "National Day 2024"},
		{"2024-09-03", false, "National Day adjacent 2024"},
		{"2024-09-04", true, "after National Day 2024"},
		{"2025-01-01", false, "New Year 2025"},
		{"2025-01-24", true, "Friday before Tết 2025"},
		{"2025-01-27", false, "Tết 2025"},
		{"2025-01-31", false, "Tết 2025"},
		{"2025-02-03", true, "after Tết 2025"},
		{"2025-04-07", false, "Hùng Kings 2025"},
		{"2025-04-26", true, "Saturday worked in exchange 2025"},
		{"2025-05-02", false, "swap 2025"},
		{"2025-09-01", false, "National Day adjacent 2025"},
		{"2025-09-03", true, "after National Day 2025"},
		{"2026-01-02", false, "swap 2026"},
		{"2026-01-10", true, "Saturday worked in exchange 2026"},
		{"2026-02-16", false, "Tết 2026"},
		{"2026-02-20", false, "Tết 2026"},
		{"2026-02-23", true, "after Tết 2026"},
		{"2026-04-27", false, "Hùng Kings compensation 2026"},
		{"2026-08-22", true, "Saturday worked in exchange 2026"},
		{"2026-08-31", false, "swap 2026"},
		{"2026-11-24", false, "Ngày Văn hóa Việt Nam 2026"},
		{"2027-02-05", false, "derived Tết 2027"},
		{"2027-02-11", false, "derived Tết compensation 2027"},
		{"2027-02-12", true, "after derived Tết 2027"},
		{"2027-05-03", false, "derived 1/5 compensation 2027"},
		{"2027-09-03", false, "derived National Day adjacent 2027"},
	}
	for _, tt := range tests {
		if got := c.IsWorkingDay(day(t, tt.date)); got != tt.want {
			t.Errorf("IsWorkingDay(%s) [%s] = %v, want %v", tt.date, tt.why, got, tt.want)
		}
	}
}

func TestIsWorkingDayUsesLocalDate(t *testing.T) {
	c := testCalendar(t)
	// 2024-04-17 17:30 UTC is 2024-04-18 00:30 in Hà Nội: Hùng Kings' day.
	if c.IsWorkingDay(time.Date(2024, 4, 17, 17, 30, 0, 0, time.UTC)) {
		t.Error("2024-04-17 17:30 UTC should be 18/04/2024 local, a holiday")
	}
}

func TestNextWorkingDay(t *testing.T) {
	c := testCalendar(t)
	tests := []struct{ from, want string }{
		{"2024-02-07", "2024-02-15"},
		{"2024-05-03", "2024-05-04"},
		{"2025-01-24", "2025-02-03"},
		{"2026-02-13", "2026-02-23"},
		{"2026-08-28", "2026-09-03"},
		{"2026-12-31", "2027-01-04"},
	}
	for _, tt := range tests {
		if got := ymd(c.NextWorkingDay(at(t, tt.from+" 11:00:00"))); got != tt.want {
			t.Errorf("NextWorkingDay(%s) = %s, want %s", tt.from, got, tt.want)
		}
	}
}

func TestDueDateWorkingDays(t *testing.T) {
	c := testCalendar(t)
	tests := []struct {
		start string
		n     int
		want  string
		why   string
	}{
		{"2024-03-04", 10, "2024-03-18", "no holiday: Monday two weeks later"},
		{"2024-02-07", 3, "2024-02-19", "across Tết 2024"},
		{"2024-02-05", 10, "2024-02-26", "across Tết 2024"},
		{"2024-04-17", 1, "2024-04-19", "across Hùng Kings 2024"},
		{"2024-04-26", 1, "2024-05-02", "across 27/4-1/5/2024"},
		{"2024-04-26", 3, "2024-05-04", "lands on the worked Saturday"},
		{"2024-05-03", 1, "2024-05-04", "worked Saturday 4/5/2024"},
		{"2024-08-30", 1, "2024-09-04", "across National Day 2024"},
		{"2025-01-24", 1, "2025-02-03", "across Tết 2025"},
		{"2025-01-23", 5, "2025-02-06", "across Tết 2025"},
		{"2025-04-25", 1, "2025-04-26", "worked Saturday 26/4/2025"},
		{"2025-04-25", 2, "2025-04-28", "after the worked Saturday"},
		{"2025-04-29", 1, "2025-05-05", "across 30/4-4/5/2025"},
		{"2025-08-29", 1, "2025-09-03", "across National Day 2025"},
		{"2025-12-31", 1, "2026-01-05", "across New Year 2026 and its swap"},
		{"2026-01-09", 1, "2026-01-10", "worked Saturday 10/1/2026"},
		{"2026-02-13", 1, "2026-02-23", "across Tết 2026"},
		{"2026-02-09", 9, "2026-02-27", "across Tết 2026"},
		{"2026-02-09", 10, "2026-03-02", "across Tết 2026"},
		{"2026-04-24", 1, "2026-04-28", "across Hùng Kings compensation 2026"},
		{"2026-04-29", 1, "2026-05-04", "across 30/4-1/5/2026"},
		{"2026-08-21", 1, "2026-08-22", "worked Saturday 22/8/2026"},
		{"2026-08-28", 1, "2026-09-03", "across National Day 2026"},
		{"2026-11-23", 1, "2026-11-25", "across 24/11/2026"},
		{"2026-12-31", 1, "2027-01-04", "into derived 2027"},
		{"2027-02-04", 1, "2027-02-12", "across derived Tết 2027"},
		{"2024-05-04", 0, "2024-05-04", "zero days"},
	}
	for _, tt := range tests {
		got := c.DueDate(day(t, tt.start), Period{Days: tt.n, Unit: WorkingDays})
		if ymd(got) != tt.want {
			t.Errorf("DueDate(%s, %d working days) [%s] = %s, want %s", tt.start, tt.n, tt.why, ymd(got), tt.want)
		}
		if got.Location() != Location || got.Hour() != 0 || got.Minute() != 0 {
			t.Errorf("DueDate(%s) = %v, want local midnight", tt.start, got)
		}
	}
}

func TestAddWorkingDaysBackwards(t *testing.T) {
	c := testCalendar(t)
	tests := []struct {
		from string
		n    int
		want string
	}{
		{"2024-02-19", -1, "2024-02-16"},
		{"2024-02-19", -3, "2024-02-07"},
		{"2024-05-06", -1, "2024-05-04"},
	}
	for _, tt := range tests {
		if got := ymd(c.AddWorkingDays(day(t, tt.from), tt.n)); got != tt.want {
			t.Errorf("AddWorkingDays(%s, %d) = %s, want %s", tt.from, tt.n, got, tt.want)
		}
	}
}

func TestWorkingDaysBetween(t *testing.T) {
	c := testCalendar(t)
	tests := []struct {
		a, b string
		want int
	}{
		{"2024-02-07", "2024-02-19", 3},
		{"2024-02-19", "2024-02-07", -3},
		{"2024-03-04", "2024-03-04", 0},
		{"2024-03-04", "2024-03-18", 10},
		{"2024-05-03", "2024-05-06", 2},
		{"2026-08-21", "2026-08-24", 2},
		{"2026-12-30", "2027-01-05", 3},
	}
	for _, tt := range tests {
		if got := c.WorkingDaysBetween(at(t, tt.a+" 09:00:00"), at(t, tt.b+" 18:00:00")); got != tt.want {
			t.Errorf("WorkingDaysBetween(%s, %s) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestClockStartCutoff(t *testing.T) {
	c := testCalendar(t)
	cutoff := TimeOfDay{Hour: 15}
	tests := []struct {
		received time.Time
		want     string
		why      string
	}{
		{at(t, "2024-03-04 14:59:00"), "2024-03-04", "Monday 14:59"},
		{at(t, "2024-03-04 14:59:59"), "2024-03-04", "Monday 14:59:59"},
		{at(t, "2024-03-04 15:00:00"), "2024-03-05", "Monday 15:00 exactly is after the cut-off"},
		{at(t, "2024-03-04 16:30:00"), "2024-03-05", "Monday 16:30"},
		{at(t, "2024-03-08 16:30:00"), "2024-03-11", "Friday 16:30 → Monday"},
		{at(t, "2024-03-09 09:00:00"), "2024-03-11", "ordinary Saturday morning"},
		{at(t, "2024-04-18 09:00:00"), "2024-04-19", "Hùng Kings' day morning"},
		{at(t, "2024-02-07 16:00:00"), "2024-02-15", "eve of Tết 2024 after the cut-off"},
		{at(t, "2024-05-04 10:00:00"), "2024-05-04", "worked Saturday morning"},
		{at(t, "2024-05-04 15:30:00"), "2024-05-06", "worked Saturday afternoon"},
		{at(t, "2026-02-16 10:00:00"), "2026-02-23", "during Tết 2026"},
		{time.Date(2024, 3, 4, 7, 59, 0, 0, time.UTC), "2024-03-04", "07:59 UTC = 14:59 local"},
		{time.Date(2024, 3, 4, 8, 0, 0, 0, time.UTC), "2024-03-05", "08:00 UTC = 15:00 local"},
	}
	for _, tt := range tests {
		if got := ymd(c.ClockStart(tt.received, cutoff)); got != tt.want {
			t.Errorf("ClockStart(%v) [%s] = %s, want %s", tt.received, tt.why, got, tt.want)
		}
	}
	if got := ymd(c.ClockStart(at(t, "2024-03-04 23:59:00"), TimeOfDay{Hour: 24})); got != "2024-03-04" {
		t.Errorf("ClockStart with 24:00 cut-off = %s, want 2024-03-04", got)
	}
}

func TestIssueExampleTenWorkingDays(t *testing.T) {
	c := testCalendar(t)
	start := c.ClockStart(at(t, "2024-03-04 10:00:00"), TimeOfDay{Hour: 15})
	due := c.DueDate(start, Period{Days: 10, Unit: WorkingDays})
	if ymd(due) != "2024-03-18" {
		t.Errorf("10 working days from Monday 04/03/2024 10:00 = %s, want 2024-03-18", ymd(due))
	}
}

func TestDueDateCalendarDays(t *testing.T) {
	c := testCalendar(t)
	tests := []struct {
		start string
		n     int
		want  string
		why   string
	}{
		{"2025-03-03", 30, "2025-04-02", "ends on a Wednesday"},
		{"2024-03-01", 30, "2024-04-01", "ends on Sunday 31/03/2024 → Monday"},
		{"2024-04-01", 29, "2024-05-02", "ends on 30/04/2024 → past 1/5"},
		{"2024-04-01", 28, "2024-05-02", "ends on swapped Monday 29/04/2024"},
		{"2026-01-16", 30, "2026-02-23", "ends on Sunday 15/02/2026 inside Tết"},
		{"2025-04-02", 30, "2025-05-05", "ends on the swapped Friday 02/05/2025"},
		{"2026-01-01", 9, "2026-01-10", "ends on a worked Saturday"},
		{"2026-08-02", 30, "2026-09-03", "ends on 01/09/2026"},
	}
	for _, tt := range tests {
		if got := ymd(c.DueDate(day(t, tt.start), Period{Days: tt.n, Unit: CalendarDays})); got != tt.want {
			t.Errorf("DueDate(%s, %d calendar days) [%s] = %s, want %s", tt.start, tt.n, tt.why, got, tt.want)
		}
	}
}

func TestClassify(t *testing.T) {
	due := EndOfDay(day(t, "2024-03-18"))
	tests := []struct {
		finished time.Time
		want     Outcome
	}{
		{at(t, "2024-03-15 16:00:00"), Early},
		{at(t, "2024-03-17 23:59:59"), Early},
		{at(t, "2024-03-18 00:00:00"), OnTime},
		{at(t, "2024-03-18 23:59:59"), OnTime},
		{time.Date(2024, 3, 18, 16, 30, 0, 0, time.UTC), OnTime}, // 23:30 on 18/03 local
		{at(t, "2024-03-19 00:00:01"), Late},
		{time.Date(2024, 3, 18, 17, 30, 0, 0, time.UTC), Late}, // 00:30 on 19/03 local
	}
	for _, tt := range tests {
		if got := Classify(tt.finished, due); got != tt.want {
			t.Errorf("Classify(%v, 2024-03-18) = %s, want %s", tt.finished, got, tt.want)
		}
	}
}

func TestEndOfDayAndDateOf(t *testing.T) {
	in := time.Date(2024, 3, 18, 20, 0, 0, 0, time.UTC) // 03:00 on 19/03 local
	if got := DateOf(in).Format(time.RFC3339); got != "2024-03-19T00:00:00+07:00" {
		t.Errorf("DateOf = %s, want 2024-03-19T00:00:00+07:00", got)
	}
	if got := EndOfDay(in).Format(time.RFC3339); got != "2024-03-19T23:59:59+07:00" {
		t.Errorf("EndOfDay = %s, want 2024-03-19T23:59:59+07:00", got)
	}
}

func TestPeriod(t *testing.T) {
	tests := []struct {
		p       Period
		str     string
		wantErr bool
	}{
		{Period{10, WorkingDays}, "10 ngày làm việc / 10 working days", false},
		{Period{1, WorkingDays}, "1 ngày làm việc / 1 working day", false},
		{Period{30, CalendarDays}, "30 ngày / 30 calendar days", false},
		{Period{0, WorkingDays}, "0 ngày làm việc / 0 working days", false},
		{Period{-1, WorkingDays}, "", true},
		{Period{5000, CalendarDays}, "", true},
		{Period{5, "weeks"}, "", true},
		{Period{5, ""}, "", true},
	}
	for _, tt := range tests {
		err := tt.p.Validate()
		if (err != nil) != tt.wantErr {
			t.Errorf("%#v.Validate() = %v, wantErr %v", tt.p, err, tt.wantErr)
		}
		if err != nil && !strings.HasPrefix(err.Error(), "deadlines: ") {
			t.Errorf("error %q lacks the deadlines: prefix", err)
		}
		if tt.str != "" && tt.p.String() != tt.str {
			t.Errorf("String() = %q, want %q", tt.p.String(), tt.str)
		}
	}
}

func TestParseTimeOfDay(t *testing.T) {
	tests := []struct {
		in      string
		want    TimeOfDay
		wantErr bool
	}{
		{"15:00", TimeOfDay{15, 0}, false},
		{"8:30", TimeOfDay{8, 30}, false},
		{"24:00", TimeOfDay{24, 0}, false},
		{"24:01", TimeOfDay{}, true},
		{"15", TimeOfDay{}, true},
		{"15:0", TimeOfDay{}, true},
		{"25:00", TimeOfDay{}, true},
		{"ab:cd", TimeOfDay{}, true},
	}
	for _, tt := range tests {
		got, err := ParseTimeOfDay(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseTimeOfDay(%q) = %v, %v; want %v, err %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestTimeOfDayYAML(t *testing.T) {
	var r struct {
		Cutoff TimeOfDay `yaml:"cutoff"`
	}
	if err := yaml.Unmarshal([]byte("cutoff: \"15:00\"\n"), &r); err != nil || r.Cutoff != (TimeOfDay{15, 0}) {
		t.Errorf("quoted: got %v, %v; want 15:00", r.Cutoff, err)
	}
	if err := yaml.Unmarshal([]byte("cutoff: 15:30\n"), &r); err != nil || r.Cutoff != (TimeOfDay{15, 30}) {
		t.Errorf("plain: got %v, %v; want 15:30", r.Cutoff, err)
	}
	if err := yaml.Unmarshal([]byte("cutoff: 3pm\n"), &r); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("3pm: got %v, want an error naming line 1", err)
	}
}

func TestYearReturnsCopy(t *testing.T) {
	c := testCalendar(t)
	s := c.Year(2026)
	s.DaysOff[0].Name = "changed"
	s.DaysOff = s.DaysOff[:0]
	if got := c.Year(2026).DaysOff[0].Name; got != "Tết Dương lịch / New Year's Day" {
		t.Errorf("Year(2026) was altered through a returned copy: %q", got)
	}
}

func TestCalendarConcurrentDerivedYears(t *testing.T) {
	c, err := LoadCalendar(nil)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	results := make([]string, 16)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// 2030-01-31 (Thu) + 1 working day: Fri 01/02/2030 is Tết (29 Chạp),
			// Tết and compensation run to Thu 07/02/2030.
			results[i] = ymd(c.AddWorkingDays(day(t, "2030-01-31"), 1))
			_ = c.Year(2031 + i%4)
		}()
	}
	wg.Wait()
	for i, got := range results {
		if got != "2030-02-08" {
			t.Errorf("goroutine %d: got %s, want 2030-02-08", i, got)
		}
	}
}

func TestAddWorkingDaysDoesNotAllocate(t *testing.T) {
	c := testCalendar(t)
	start := day(t, "2026-01-05")
	c.AddWorkingDays(start, 60) // warm the derived-year cache
	if n := testing.AllocsPerRun(100, func() { c.AddWorkingDays(start, 60) }); n != 0 {
		t.Errorf("AddWorkingDays allocates %v times per run, want 0", n)
	}
}
