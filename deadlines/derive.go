package deadlines

import (
	"fmt"
	"sort"
	"time"
)

// Citations used by derived schedules.
const (
	basisNewYear      = "Bộ luật Lao động 2019, Điều 112(1)(a)"
	basisTet          = "Bộ luật Lao động 2019, Điều 112(1)(b), 112(3)"
	basisVictory      = "Bộ luật Lao động 2019, Điều 112(1)(c)"
	basisLabour       = "Bộ luật Lao động 2019, Điều 112(1)(d)"
	basisNationalDay  = "Bộ luật Lao động 2019, Điều 112(1)(đ), 112(3)"
	basisHungKings    = "Bộ luật Lao động 2019, Điều 112(1)(e)"
	basisCultureDay   = "Nghị quyết 28/2026/QH16, Điều 2"
	basisCompensation = "Bộ luật Lao động 2019, Điều 111(3)"
)

// cultureDayFrom is the first year with Ngày Văn hóa Việt Nam (24/11) as a
// paid day off: Nghị quyết 28/2026/QH16 Art 2, in force 01/07/2026.
const cultureDayFrom = 2026

// DerivedSource is the Source of a derived schedule.
const DerivedSource = "Suy ra từ Bộ luật Lao động 2019 Điều 111(3), 112 (và Nghị quyết 28/2026/QH16 Điều 2 từ 2026), " +
	"chờ Thủ tướng công bố; sửa khi có thông báo / derived from Bộ luật Lao động 2019 Art 112 " +
	"(Art 111(3) compensation; Resolution 28/2026/QH16 Art 2 from 2026) pending the Prime Minister's announcement; edit when announced"

// holiday is a statutory holiday before weekend handling.
type holiday struct {
	date        time.Time
	vi, en      string // full name
	shortVi     string // for compensation names
	shortEn     string
	basis       string
	compensable bool // Art 111(3) applies (holidays of Art 112(1) only)
}

// DeriveSchedule computes a year's schedule from the law, for years whose
// schedule has not been announced:
//   - 1/1; Tết: the last day of the lunar year and mùng 1-4 (the Prime
//     Minister fixes the actual days: this choice is a heuristic); Hùng Kings'
//     day 10/3 lunar; 30/4; 1/5; National Day 2/9 and an adjacent day
//     (heuristic pending the Prime Minister's choice: 3/9 when 2/9 is a
//     Monday or Thursday, else 1/9); from 2026, 24/11 (NQ 28/2026/QH16);
//   - a holiday of Art 112(1) on a Saturday or Sunday is listed as
//     weekend_in_break and gives a compensation day on the next working day
//     that is not itself a holiday or compensation day (Art 111(3)).
//
// The current law is applied to every year. Outside 1900-2199 (the range
// of the lunar algorithm) the schedule has no holidays.
func DeriveSchedule(year int) YearSchedule {
	s := YearSchedule{Year: year, Derived: true, Source: DerivedSource}
	if year < lunarMinYear || year > lunarMaxYear {
		return s
	}
	hols := statutoryHolidays(year)
	taken := make(map[int]bool, len(hols)+4)
	for _, h := range hols {
		taken[dateKey(h.date)] = true
	}
	for _, h := range hols {
		s.DaysOff = append(s.DaysOff, h.dayOff())
		if h.compensable && isWeekend(h.date) {
			s.DaysOff = append(s.DaysOff, compensation(h, taken))
		}
	}
	sort.SliceStable(s.DaysOff, func(i, j int) bool { return s.DaysOff[i].Date.Before(s.DaysOff[j].Date) })
	return s
}

// statutoryHolidays lists the holidays of a year in date order.
func statutoryHolidays(year int) []holiday {
	hols := []holiday{{
		date: civil(year, 1, 1), vi: "Tết Dương lịch", en: "New Year's Day",
		basis: basisNewYear, compensable: true,
	}}
	hols = append(hols, tetHolidays(year)...)
	hols = append(hols, hungKings(year), holiday{
		date: civil(year, 4, 30), vi: "Ngày Chiến thắng (30/4)", en: "Reunification Day (30 April)",
		shortVi: "Ngày Chiến thắng", shortEn: "Reunification Day",
		basis: basisVictory, compensable: true,
	}, holiday{
		date: civil(year, 5, 1), vi: "Ngày Quốc tế Lao động (1/5)", en: "International Workers' Day (1 May)",
		shortVi: "Ngày Quốc tế Lao động", shortEn: "International Workers' Day",
		basis: basisLabour, compensable: true,
	})
	hols = append(hols, nationalDay(year)...)
	if year >= cultureDayFrom {
		hols = append(hols, holiday{
			date: civil(year, 11, 24), vi: "Ngày Văn hóa Việt Nam (24/11)", en: "Vietnamese Culture Day (24 November)",
			shortVi: "Ngày Văn hóa Việt Nam", shortEn: "Vietnamese Culture Day",
			basis: basisCultureDay, compensable: false,
		})
	}
	sort.SliceStable(hols, func(i, j int) bool { return hols[i].date.Before(hols[j].date) })
	for i := range hols {
		if hols[i].shortVi == "" {
			hols[i].shortVi, hols[i].shortEn = hols[i].vi, hols[i].en
		}
	}
	return hols
}

// tetHolidays returns the five Tết days: the last day of the lunar year
// ending in this solar year's Tết, and mùng 1 to mùng 4.
func tetHolidays(year int) []holiday {
	first, err := LunarToSolar(1, 1, year, false)
	if err != nil {
		return nil
	}
	can := canChi(year)
	hols := make([]holiday, 0, 5)
	for i := -1; i <= 3; i++ {
		d := first.AddDate(0, 0, i)
		lVi, lEn := lunarDayLabel(SolarToLunar(d))
		hols = append(hols, holiday{
			date:    d,
			vi:      fmt.Sprintf("Tết Nguyên đán %s (%s)", can, lVi),
			en:      fmt.Sprintf("Lunar New Year %d (%s)", year, lEn),
			shortVi: "Tết Nguyên đán " + can, shortEn: fmt.Sprintf("Lunar New Year %d", year),
			basis: basisTet, compensable: true,
		})
	}
	return hols
}

// hungKings returns Giỗ Tổ Hùng Vương, 10/3 of the lunar year (not the leap
// third month, if any).
func hungKings(year int) holiday {
	d, _ := LunarToSolar(10, 3, year, false) // always exists in range
	return holiday{
		date: d, vi: "Giỗ Tổ Hùng Vương (10/3 âm lịch)", en: "Hùng Kings' Commemoration Day (10th day of the 3rd lunar month)",
		shortVi: "Giỗ Tổ Hùng Vương", shortEn: "Hùng Kings' Commemoration Day",
		basis: basisHungKings, compensable: true,
	}
}

// nationalDay returns 2/9 and its adjacent day, by date. The Prime Minister
// chooses 1/9 or 3/9 each year; until then 3/9 is assumed when 2/9 is a
// Monday or Thursday (a longer break) and 1/9 otherwise.
func nationalDay(year int) []holiday {
	main := civil(year, 9, 2)
	adj := civil(year, 9, 1)
	if wd := main.Weekday(); wd == time.Monday || wd == time.Thursday {
		adj = civil(year, 9, 3)
	}
	short := func(h holiday) holiday {
		h.shortVi, h.shortEn = "Quốc khánh", "National Day"
		h.basis, h.compensable = basisNationalDay, true
		return h
	}
	hols := []holiday{
		short(holiday{date: main, vi: "Quốc khánh (2/9)", en: "National Day (2 September)"}),
		short(holiday{date: adj, vi: "Quốc khánh (ngày liền kề, dự kiến)", en: "National Day (adjacent day, provisional)"}),
	}
	if adj.Before(main) {
		hols[0], hols[1] = hols[1], hols[0]
	}
	return hols
}

// dayOff turns a holiday into its DayOff: holiday on a weekday,
// weekend_in_break on a Saturday or Sunday.
func (h holiday) dayOff() DayOff {
	if !isWeekend(h.date) {
		return DayOff{Date: h.date, Kind: KindHoliday, Name: h.vi + " / " + h.en, Basis: h.basis}
	}
	wvi, wen := weekdayNames(h.date)
	return DayOff{
		Date: h.date, Kind: KindWeekendInBreak, Basis: h.basis,
		Name: fmt.Sprintf("%s – trùng %s / %s – falls on %s", h.vi, wvi, h.en, wen),
	}
}

// compensation returns the compensation day of a holiday that fell on a
// weekend: the next working day that is not taken, which it then takes.
func compensation(h holiday, taken map[int]bool) DayOff {
	d := h.date.AddDate(0, 0, 1)
	for isWeekend(d) || taken[dateKey(d)] {
		d = d.AddDate(0, 0, 1)
	}
	taken[dateKey(d)] = true
	wvi, wen := weekdayNames(h.date)
	return DayOff{
		Date: d, Kind: KindCompensation, Basis: basisCompensation,
		Name: fmt.Sprintf("Nghỉ bù %s (%s %s) / Compensation day for %s (%s %s)",
			h.shortVi, wvi, formatDate(h.date), h.shortEn, wen, formatDate(h.date)),
	}
}

// civil returns the local midnight of a solar date.
func civil(year, month, day int) time.Time {
	return time.Date(year, time.Month(month), day, 0, 0, 0, 0, Location)
}

// dateKey returns t's local date as yyyymmdd.
func dateKey(t time.Time) int {
	y, m, d := t.In(Location).Date()
	return y*10000 + int(m)*100 + d
}

// isWeekend reports whether t's local date is a Saturday or Sunday.
func isWeekend(t time.Time) bool {
	wd := t.In(Location).Weekday()
	return wd == time.Saturday || wd == time.Sunday
}

// weekdayNames returns the Vietnamese and English names of t's weekday.
func weekdayNames(t time.Time) (vi, en string) {
	names := [...]string{"Chủ nhật", "thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy"}
	wd := t.In(Location).Weekday()
	return names[wd], wd.String()
}

// canChi returns the sexagenary name of the lunar year starting in year,
// e.g. "Bính Ngọ" for 2026.
func canChi(year int) string {
	can := [...]string{"Giáp", "Ất", "Bính", "Đinh", "Mậu", "Kỷ", "Canh", "Tân", "Nhâm", "Quý"}
	chi := [...]string{"Tý", "Sửu", "Dần", "Mão", "Thìn", "Tỵ", "Ngọ", "Mùi", "Thân", "Dậu", "Tuất", "Hợi"}
	return can[(year+6)%10] + " " + chi[(year+8)%12]
}

// lunarDayLabel names a lunar day in Vietnamese ("mùng 1 tháng Giêng",
// "30 tháng Chạp") and English ("1st day of the 1st lunar month").
func lunarDayLabel(d LunarDate) (vi, en string) {
	day := fmt.Sprint(d.Day)
	if d.Day <= 10 {
		day = "mùng " + day
	}
	month := fmt.Sprintf("tháng %d", d.Month)
	switch d.Month {
	case 1:
		month = "tháng Giêng"
	case 12:
		month = "tháng Chạp"
	}
	leapVi, leapEn := "", ""
	if d.Leap {
		leapVi, leapEn = " nhuận", " leap"
	}
	return fmt.Sprintf("%s %s%s", day, month, leapVi),
		fmt.Sprintf("%s day of the %s%s lunar month", ordinal(d.Day), ordinal(d.Month), leapEn)
}

// ordinal formats n as an English ordinal: 1st, 2nd, 3rd, 4th, 11th, 21st.
func ordinal(n int) string {
	suffix := "th"
	if n%100 < 11 || n%100 > 13 {
		switch n % 10 {
		case 1:
			suffix = "st"
		case 2:
			suffix = "nd"
		case 3:
			suffix = "rd"
		}
	}
	return fmt.Sprintf("%d%s", n, suffix)
}
