package deadlines

import (
	"fmt"
	"math"
	"time"
)

// The Vietnamese lunisolar calendar, after Hồ Ngọc Đức's published algorithm
// ("Thuật toán tính âm lịch", https://www.informatik.uni-leipzig.de/~duc/amlich/):
// new moons and the sun's longitude from Jean Meeus' "Astronomical
// Algorithms" formulas, with days bounded at local midnight of UTC+7. The
// Chinese calendar uses UTC+8 and differs in some years (e.g. Tết 1985 and
// 2007), so Chinese-calendar libraries cannot be used.

// lunarTimeZone is the offset from UTC, in hours, that the Vietnamese
// calendar has used since 1968.
const lunarTimeZone = 7.0

// synodicMonth is the mean length of a lunation, in days.
const synodicMonth = 29.530588853

// jdEpochNewMoon is the Julian day of the new moon of 1 January 1900, the
// origin of the new-moon index k.
const jdEpochNewMoon = 2415021.076998695

// lunarMinYear and lunarMaxYear bound the years for which the algorithm is
// accurate enough to be used.
const (
	lunarMinYear = 1900
	lunarMaxYear = 2199
)

// LunarDate is a date of the Vietnamese lunar calendar. Year is the solar
// year in which the lunar year begins (mùng 1 Tết); Leap marks a day of the
// intercalary (nhuận) month that follows month Month.
type LunarDate struct {
	Day, Month, Year int
	Leap             bool
}

// String formats the date as "dd/mm/yyyy âm lịch / lunar", marking a leap
// month with "nhuận / leap".
func (d LunarDate) String() string {
	leap := ""
	if d.Leap {
		leap = " (tháng nhuận / leap month)"
	}
	return fmt.Sprintf("%02d/%02d/%04d âm lịch / lunar%s", d.Day, d.Month, d.Year, leap)
}

// LunarToSolar returns the local midnight (Location) of the solar date of a
// Vietnamese lunar date. It fails for an impossible date (day 30 of a
// 29-day month, a leap flag on a month that is not leap that year) and for
// years outside 1900-2199.
func LunarToSolar(day, month, year int, leap bool) (time.Time, error) {
	if year < lunarMinYear || year > lunarMaxYear {
		return time.Time{}, fmt.Errorf("deadlines: năm âm lịch %d ngoài phạm vi %d-%d / lunar year %d outside %d-%d",
			year, lunarMinYear, lunarMaxYear, year, lunarMinYear, lunarMaxYear)
	}
	if day < 1 || day > 30 || month < 1 || month > 12 {
		return time.Time{}, fmt.Errorf("deadlines: ngày âm lịch không hợp lệ %02d/%02d/%04d / invalid lunar date %02d/%02d/%04d",
			day, month, year, day, month, year)
	}
	jd, ok := lunarToJD(day, month, year, leap)
	if !ok {
		return time.Time{}, fmt.Errorf("deadlines: năm %d không có tháng %d nhuận / lunar year %d has no leap month %d",
			year, month, year, month)
	}
	t := jdToTime(jd)
	if back := SolarToLunar(t); back != (LunarDate{Day: day, Month: month, Year: year, Leap: leap}) {
		return time.Time{}, fmt.Errorf("deadlines: ngày âm lịch không tồn tại %02d/%02d/%04d / lunar date %02d/%02d/%04d does not exist",
			day, month, year, day, month, year)
	}
	return t, nil
}

// SolarToLunar returns the Vietnamese lunar date of t's local date
// (Location).
func SolarToLunar(t time.Time) LunarDate {
	y, m, d := t.In(Location).Date()
	return jdToLunar(jdFromDate(d, int(m), y))
}

// jdFromDate returns the Julian day number of a Gregorian (or, before
// 15/10/1582, Julian) calendar date.
func jdFromDate(dd, mm, yy int) int {
	a := (14 - mm) / 12
	y := yy + 4800 - a
	m := mm + 12*a - 3
	jd := dd + (153*m+2)/5 + 365*y + y/4 - y/100 + y/400 - 32045
	if jd < 2299161 {
		jd = dd + (153*m+2)/5 + 365*y + y/4 - 32083
	}
	return jd
}

// jdToDate is the inverse of jdFromDate.
func jdToDate(jd int) (day, month, year int) {
	var b, c int
	if jd > 2299160 {
		a := jd + 32044
		b = (4*a + 3) / 146097
		c = a - (b*146097)/4
	} else {
		c = jd + 32082
	}
	d := (4*c + 3) / 1461
	e := c - (1461*d)/4
	m := (5*e + 2) / 153
	day = e - (153*m+2)/5 + 1
	month = m + 3 - 12*(m/10)
	year = b*100 + d - 4800 + m/10
	return day, month, year
}

// jdToTime returns the local midnight of a Julian day number.
func jdToTime(jd int) time.Time {
	d, m, y := jdToDate(jd)
	return time.Date(y, time.Month(m), d, 0, 0, 0, 0, Location)
}

// newMoon returns the Julian day (fractional, UT) of the k-th new moon after
// the one of 1 January 1900.
func newMoon(k int) float64 {
	kf := float64(k)
	t := kf / 1236.85
	t2 := t * t
	t3 := t2 * t
	dr := math.Pi / 180
	jd1 := 2415020.75933 + 29.53058868*kf + 0.0001178*t2 - 0.000000155*t3
	jd1 += 0.00033 * math.Sin((166.56+132.87*t-0.009173*t2)*dr)
	m := 359.2242 + 29.10535608*kf - 0.0000333*t2 - 0.00000347*t3
	mpr := 306.0253 + 385.81691806*kf + 0.0107306*t2 + 0.00001236*t3
	f := 21.2964 + 390.67050646*kf - 0.0016528*t2 - 0.00000239*t3
	c1 := (0.1734-0.000393*t)*math.Sin(m*dr) + 0.0021*math.Sin(2*dr*m)
	c1 = c1 - 0.4068*math.Sin(mpr*dr) + 0.0161*math.Sin(dr*2*mpr)
	c1 -= 0.0004 * math.Sin(dr*3*mpr)
	c1 = c1 + 0.0104*math.Sin(dr*2*f) - 0.0051*math.Sin(dr*(m+mpr))
	c1 = c1 - 0.0074*math.Sin(dr*(m-mpr)) + 0.0004*math.Sin(dr*(2*f+m))
	c1 = c1 - 0.0004*math.Sin(dr*(2*f-m)) - 0.0006*math.Sin(dr*(2*f+mpr))
	c1 = c1 + 0.0010*math.Sin(dr*(2*f-mpr)) + 0.0005*math.Sin(dr*(2*mpr+m))
	var deltaT float64
	if t < -11 {
		deltaT = 0.001 + 0.000839*t + 0.0002261*t2 - 0.00000845*t3 - 0.000000081*t*t3
	} else {
		deltaT = -0.000278 + 0.000265*t + 0.000262*t2
	}
	return jd1 + c1 - deltaT
}

// sunLongitude returns the sun's apparent longitude, in radians in
// [0, 2π), at the Julian day jdn (UT).
func sunLongitude(jdn float64) float64 {
	t := (jdn - 2451545.0) / 36525
	t2 := t * t
	dr := math.Pi / 180
	m := 357.52910 + 35999.05030*t - 0.0001559*t2 - 0.00000048*t*t2
	l0 := 280.46645 + 36000.76983*t + 0.0003032*t2
	dl := (1.914600 - 0.004817*t - 0.000014*t2) * math.Sin(dr*m)
	dl += (0.019993-0.000101*t)*math.Sin(dr*2*m) + 0.000290*math.Sin(dr*3*m)
	l := (l0 + dl) * dr
	return l - 2*math.Pi*math.Floor(l/(2*math.Pi))
}

// sunSector returns the 30° sector (0-11) of the sun's longitude at the
// start of the local day dayNumber.
func sunSector(dayNumber int) int {
	return int(math.Floor(sunLongitude(float64(dayNumber)-0.5-lunarTimeZone/24) / math.Pi * 6))
}

// newMoonDay returns the Julian day number of the local day containing the
// k-th new moon.
func newMoonDay(k int) int {
	return int(math.Floor(newMoon(k) + 0.5 + lunarTimeZone/24))
}

// lunarMonth11 returns the day number of the first day of the 11th lunar
// month (the month containing the winter solstice) of solar year yy.
func lunarMonth11(yy int) int {
	off := float64(jdFromDate(31, 12, yy)) - 2415021
	k := int(math.Floor(off / synodicMonth))
	nm := newMoonDay(k)
	if sunSector(nm) >= 9 {
		nm = newMoonDay(k - 1)
	}
	return nm
}

// leapMonthOffset returns the index, counted from the 11th month starting
// on a11, of the first month without a major solar term: the leap month.
func leapMonthOffset(a11 int) int {
	k := int(math.Floor((float64(a11)-jdEpochNewMoon)/synodicMonth + 0.5))
	i := 1
	arc := sunSector(newMoonDay(k + i))
	for {
		last := arc
		i++
		arc = sunSector(newMoonDay(k + i))
		if arc == last || i >= 14 {
			break
		}
	}
	return i - 1
}

// jdToLunar converts a Julian day number to a lunar date.
func jdToLunar(dayNumber int) LunarDate {
	k := int(math.Floor((float64(dayNumber) - jdEpochNewMoon) / synodicMonth))
	monthStart := newMoonDay(k + 1)
	if monthStart > dayNumber {
		monthStart = newMoonDay(k)
	}
	_, _, yy := jdToDate(dayNumber)
	a11 := lunarMonth11(yy)
	b11 := a11
	var year int
	if a11 >= monthStart {
		year = yy
		a11 = lunarMonth11(yy - 1)
	} else {
		year = yy + 1
		b11 = lunarMonth11(yy + 1)
	}
	day := dayNumber - monthStart + 1
	diff := (monthStart - a11) / 29
	leap := false
	month := diff + 11
	if b11-a11 > 365 {
		leapDiff := leapMonthOffset(a11)
		if diff >= leapDiff {
			month = diff + 10
			leap = diff == leapDiff
		}
	}
	if month > 12 {
		month -= 12
	}
	if month >= 11 && diff < 4 {
		year--
	}
	return LunarDate{Day: day, Month: month, Year: year, Leap: leap}
}

// lunarToJD converts a lunar date to a Julian day number; ok is false when
// leap is set for a month that is not the leap month of that year. It does
// not check that the day exists (see LunarToSolar).
func lunarToJD(day, month, year int, leap bool) (jd int, ok bool) {
	var a11, b11 int
	if month < 11 {
		a11 = lunarMonth11(year - 1)
		b11 = lunarMonth11(year)
	} else {
		a11 = lunarMonth11(year)
		b11 = lunarMonth11(year + 1)
	}
	off := month - 11
	if off < 0 {
		off += 12
	}
	if b11-a11 > 365 {
		leapOff := leapMonthOffset(a11)
		leapMonth := leapOff - 2
		if leapMonth < 0 {
			leapMonth += 12
		}
		if leap && month != leapMonth {
			return 0, false
		}
		if leap || off >= leapOff {
			off++
		}
	} else if leap {
		return 0, false
	}
	k := int(math.Floor(0.5 + (float64(a11)-jdEpochNewMoon)/synodicMonth))
	return newMoonDay(k+off) + day - 1, true
}
