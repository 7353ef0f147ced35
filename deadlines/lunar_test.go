package deadlines

import (
	"testing"
)

func TestLunarNewYear(t *testing.T) {
	tests := []struct {
		year int
		want string
		why  string
	}{
		{1985, "1985-01-21", "Vietnam; China (UTC+8) was 1985-02-20"},
		{2007, "2007-02-17", "Vietnam; China (UTC+8) was 2007-02-18"},
		{2023, "2023-01-22", ""},
		{2024, "2024-02-10", ""},
		{2025, "2025-01-29", ""},
		{2026, "2026-02-17", ""},
		{2027, "2027-02-06", ""},
		{2028, "2028-01-26", ""},
	}
	for _, tt := range tests {
		got, err := LunarToSolar(1, 1, tt.year, false)
		if err != nil || ymd(got) != tt.want {
			t.Errorf("mùng 1 Tết %d [%s] = %s, %v; want %s", tt.year, tt.why, ymd(got), err, tt.want)
		}
		if back := SolarToLunar(got); back != (LunarDate{Day: 1, Month: 1, Year: tt.year}) {
			t.Errorf("SolarToLunar(%s) = %+v, want 1/1/%d", tt.want, back, tt.year)
		}
	}
}

func TestHungKingsDay(t *testing.T) {
	tests := []struct {
		year int
		want string
	}{
		{2024, "2024-04-18"},
		{2025, "2025-04-07"},
		{2026, "2026-04-26"},
		{2027, "2027-04-16"},
	}
	for _, tt := range tests {
		got, err := LunarToSolar(10, 3, tt.year, false)
		if err != nil || ymd(got) != tt.want {
			t.Errorf("10/3 âm lịch %d = %s, %v; want %s", tt.year, ymd(got), err, tt.want)
		}
	}
}

func TestSolarToLunar(t *testing.T) {
	tests := []struct {
		date string
		want LunarDate
	}{
		{"2024-02-09", LunarDate{Day: 30, Month: 12, Year: 2023}},
		{"2025-01-28", LunarDate{Day: 29, Month: 12, Year: 2024}},
		{"2026-02-16", LunarDate{Day: 29, Month: 12, Year: 2025}},
		{"2023-03-22", LunarDate{Day: 1, Month: 2, Year: 2023, Leap: true}},
		{"2025-07-25", LunarDate{Day: 1, Month: 6, Year: 2025, Leap: true}},
		{"2025-06-25", LunarDate{Day: 1, Month: 6, Year: 2025}},
	}
	for _, tt := range tests {
		if got := SolarToLunar(day(t, tt.date)); got != tt.want {
			t.Errorf("SolarToLunar(%s) = %+v, want %+v", tt.date, got, tt.want)
		}
	}
}

func TestLunarToSolarLeapAndInvalid(t *testing.T) {
	got, err := LunarToSolar(1, 2, 2023, true)
	if err != nil || ymd(got) != "2023-03-22" {
		t.Errorf("1/2 nhuận 2023 = %s, %v; want 2023-03-22", ymd(got), err)
	}
	got, err = LunarToSolar(29, 12, 2024, false)
	if err != nil || ymd(got) != "2025-01-28" {
		t.Errorf("29/12/2024 âm lịch = %s, %v; want 2025-01-28", ymd(got), err)
	}
	invalid := []struct {
		d, m, y int
		leap    bool
		why     string
	}{
		{30, 12, 2024, false, "Chạp of Giáp Thìn has 29 days"},
		{1, 3, 2024, true, "2024 has no leap month"},
		{1, 3, 2023, true, "2023's leap month is the 2nd"},
		{0, 1, 2024, false, "day 0"},
		{1, 13, 2024, false, "month 13"},
		{1, 1, 1800, false, "out of range"},
	}
	for _, tt := range invalid {
		if _, err := LunarToSolar(tt.d, tt.m, tt.y, tt.leap); err == nil {
			t.Errorf("LunarToSolar(%d, %d, %d, %v) [%s]: want an error", tt.d, tt.m, tt.y, tt.leap, tt.why)
		}
	}
}

// TestLunarRoundTrip checks that every day of 2000-2040 converts to a lunar
// date and back, and that lunar days advance by one or start a new month.
func TestLunarRoundTrip(t *testing.T) {
	d := day(t, "2000-01-01")
	end := day(t, "2041-01-01")
	prev := SolarToLunar(d.AddDate(0, 0, -1))
	for ; d.Before(end); d = d.AddDate(0, 0, 1) {
		l := SolarToLunar(d)
		back, err := LunarToSolar(l.Day, l.Month, l.Year, l.Leap)
		if err != nil || !back.Equal(d) {
			t.Fatalf("%s → %+v → %s, %v", ymd(d), l, ymd(back), err)
		}
		if l.Day != prev.Day+1 && (l.Day != 1 || prev.Day < 29) {
			t.Fatalf("%s: lunar day %+v after %+v", ymd(d), l, prev)
		}
		prev = l
	}
}
