package deadlines

import (
	"testing"
)

func TestAddWorkingHours(t *testing.T) {
	c := testCalendar(t)
	office := OfficeHours{{TimeOfDay{7, 30}, TimeOfDay{11, 30}}, {TimeOfDay{13, 0}, TimeOfDay{17, 0}}}
	if office.Minutes() != 8*60 || office.Validate() != nil {
		t.Fatalf("office hours %v: %d min, %v", office, office.Minutes(), office.Validate())
	}
	for _, c2 := range []struct{ from, want, why string }{
		{"2026-11-16 09:00:00", "2026-11-17 09:00:00", "Monday 09:00: 8 working hours is Tuesday 09:00"},
		{"2026-11-16 12:15:00", "2026-11-17 11:30:00", "lunch: counting starts at 13:00 (4 h Monday, 4 h Tuesday morning)"},
		{"2026-11-16 18:30:00", "2026-11-17 17:00:00", "after hours: the whole of Tuesday"},
		{"2026-11-20 16:00:00", "2026-11-23 16:00:00", "Friday 16:00: one hour Friday, seven Monday"},
		{"2026-11-21 10:00:00", "2026-11-23 17:00:00", "Saturday: counting starts Monday 07:30"},
		{"2026-11-23 10:00:00", "2026-11-25 10:00:00", "Monday 23/11 10:00: Tuesday 24/11 is a day off (Ngày Văn hóa Việt Nam)"},
		{"2026-11-16 07:30:00", "2026-11-16 17:00:00", "a whole day from the first minute"},
	} {
		got := c.AddWorkingHours(at(t, c2.from), 8, office)
		if want := at(t, c2.want); !got.Equal(want) {
			t.Errorf("%s: got %s, want %s", c2.why, got.Format("2006-01-02 15:04"), want.Format("2006-01-02 15:04"))
		}
	}
}

func TestParseShift(t *testing.T) {
	s, err := ParseShift("13:00-17:00")
	if err != nil || s.String() != "13:00-17:00" {
		t.Fatalf("%v %v", s, err)
	}
	for _, bad := range []string{"13:00", "17:00-13:00", "7h-11h", "13:00-13:00"} {
		if _, err := ParseShift(bad); err == nil {
			t.Errorf("ParseShift(%q) accepted", bad)
		}
	}
	if err := (OfficeHours{{TimeOfDay{7, 30}, TimeOfDay{12, 0}}, {TimeOfDay{11, 0}, TimeOfDay{17, 0}}}).Validate(); err == nil {
		t.Error("overlapping shifts accepted")
	}
}
