package deadlines

import (
	"slices"
	"sync"
	"time"
)

// The kinds of a DayOff.
const (
	// KindHoliday is a public holiday (Bộ luật Lao động 2019 Art 112) on a
	// weekday.
	KindHoliday = "holiday"
	// KindCompensation is the working day given off because a holiday fell
	// on a weekly rest day (Art 111(3)).
	KindCompensation = "compensation"
	// KindSwap is a weekday given off in exchange for a working Saturday.
	KindSwap = "swap"
	// KindWeekendInBreak is a Saturday or Sunday inside a holiday break,
	// listed for completeness: it is a rest day anyway.
	KindWeekendInBreak = "weekend_in_break"
	// KindWorkingSaturday is the kind of the entries of
	// YearSchedule.WorkingSaturdays.
	KindWorkingSaturday = "working_saturday"
)

// DayOff is one entry of a year's schedule: a day off (DaysOff) or a
// Saturday worked in exchange (WorkingSaturdays). Date is a local midnight;
// Name is Vietnamese / English; Basis cites the law or announcement.
type DayOff struct {
	Date  time.Time `json:"date"`
	Kind  string    `json:"kind"`
	Name  string    `json:"name"`
	Basis string    `json:"basis"`
}

// YearSchedule is the holiday schedule of one solar year. Announced is true
// when the schedule is the Prime Minister's announcement; Derived is true
// when no file exists and the schedule was computed from the law. Both lists
// are sorted by date.
type YearSchedule struct {
	Year             int      `json:"year"`
	Announced        bool     `json:"announced"`
	Derived          bool     `json:"derived"`
	Source           string   `json:"source"`
	DaysOff          []DayOff `json:"days_off"`
	WorkingSaturdays []DayOff `json:"working_saturdays"`
}

// clone returns a deep copy of s, so callers cannot alter cached data.
func (s YearSchedule) clone() YearSchedule {
	s.DaysOff = slices.Clone(s.DaysOff)
	s.WorkingSaturdays = slices.Clone(s.WorkingSaturdays)
	return s
}

// yearData is the precomputed form of a YearSchedule: a bitset of the
// non-working days indexed by day of year.
type yearData struct {
	days  int       // 365 or 366
	off   [6]uint64 // bit yday-1 set: not a working day
	sched YearSchedule
}

// newYearData precomputes the off-day bitset of s: weekends, minus working
// Saturdays, plus days off.
func newYearData(s YearSchedule) *yearData {
	yd := &yearData{days: time.Date(s.Year, 12, 31, 0, 0, 0, 0, Location).YearDay(), sched: s}
	first := time.Date(s.Year, 1, 1, 0, 0, 0, 0, Location).Weekday()
	for i := 0; i < yd.days; i++ {
		if wd := (int(first) + i) % 7; wd == int(time.Saturday) || wd == int(time.Sunday) {
			yd.set(i+1, true)
		}
	}
	for _, d := range s.WorkingSaturdays {
		yd.set(d.Date.YearDay(), false)
	}
	for _, d := range s.DaysOff {
		yd.set(d.Date.YearDay(), true)
	}
	return yd
}

// set marks day of year yday as off or working.
func (y *yearData) set(yday int, off bool) {
	i := yday - 1
	if off {
		y.off[i>>6] |= 1 << (i & 63)
	} else {
		y.off[i>>6] &^= 1 << (i & 63)
	}
}

// isOff reports whether day of year yday is not a working day.
func (y *yearData) isOff(yday int) bool {
	i := yday - 1
	return y.off[i>>6]&(1<<(i&63)) != 0
}

// Calendar is the working-day calendar: the years loaded from holiday files
// and, for other years, schedules derived from the law (DeriveSchedule),
// computed once and cached. It is safe for concurrent use.
type Calendar struct {
	files   map[int]*yearData // read-only after LoadCalendar
	mu      sync.RWMutex
	derived map[int]*yearData
}

// newCalendar returns a calendar over the given file schedules.
func newCalendar(files map[int]*yearData) *Calendar {
	return &Calendar{files: files, derived: make(map[int]*yearData)}
}

// year returns the precomputed data of solar year y.
func (c *Calendar) year(y int) *yearData {
	if yd, ok := c.files[y]; ok {
		return yd
	}
	if y < lunarMinYear || y > lunarMaxYear {
		return newYearData(DeriveSchedule(y)) // not cached: bounded cache
	}
	c.mu.RLock()
	yd := c.derived[y]
	c.mu.RUnlock()
	if yd != nil {
		return yd
	}
	yd = newYearData(DeriveSchedule(y))
	c.mu.Lock()
	if prev := c.derived[y]; prev != nil {
		yd = prev
	} else {
		c.derived[y] = yd
	}
	c.mu.Unlock()
	return yd
}

// Year returns the schedule of solar year y: the file's if one was loaded,
// else the schedule derived from the law (Derived true).
func (c *Calendar) Year(y int) YearSchedule {
	return c.year(y).sched.clone()
}

// cursor walks local dates one day at a time without allocating.
type cursor struct {
	c    *Calendar
	y    int
	yday int
	yd   *yearData
}

// cursorAt returns a cursor on t's local date.
func (c *Calendar) cursorAt(t time.Time) cursor {
	lt := t.In(Location)
	return cursor{c: c, y: lt.Year(), yday: lt.YearDay(), yd: c.year(lt.Year())}
}

// next moves k to the following day.
func (k *cursor) next() {
	k.yday++
	if k.yday > k.yd.days {
		k.y++
		k.yday = 1
		k.yd = k.c.year(k.y)
	}
}

// prev moves k to the previous day.
func (k *cursor) prev() {
	k.yday--
	if k.yday < 1 {
		k.y--
		k.yd = k.c.year(k.y)
		k.yday = k.yd.days
	}
}

// working reports whether k's day is a working day.
func (k *cursor) working() bool { return !k.yd.isOff(k.yday) }

// key orders cursors by date.
func (k *cursor) key() int { return k.y*1000 + k.yday }

// date returns the local midnight of k's day.
func (k *cursor) date() time.Time { return time.Date(k.y, 1, k.yday, 0, 0, 0, 0, Location) }

// IsWorkingDay reports whether t's local date is a working day: not a
// Saturday or Sunday unless a working Saturday, and not a day off.
func (c *Calendar) IsWorkingDay(t time.Time) bool {
	k := c.cursorAt(t)
	return k.working()
}

// NextWorkingDay returns the local midnight of the first working day
// strictly after t's local date.
func (c *Calendar) NextWorkingDay(t time.Time) time.Time {
	k := c.cursorAt(t)
	for {
		k.next()
		if k.working() {
			return k.date()
		}
	}
}

// AddWorkingDays returns the local midnight of the n-th working day strictly
// after day's local date; n = 0 gives day's date itself and a negative n
// counts working days strictly before it.
func (c *Calendar) AddWorkingDays(day time.Time, n int) time.Time {
	k := c.cursorAt(day)
	for n > 0 {
		k.next()
		if k.working() {
			n--
		}
	}
	for n < 0 {
		k.prev()
		if k.working() {
			n++
		}
	}
	return k.date()
}

// WorkingDaysBetween counts the working days in (a, b] by local date; when
// b is before a it returns minus the count in (b, a].
func (c *Calendar) WorkingDaysBetween(a, b time.Time) int {
	if DateOf(b).Before(DateOf(a)) {
		return -c.WorkingDaysBetween(b, a)
	}
	k, end := c.cursorAt(a), c.cursorAt(b)
	n := 0
	for k.key() < end.key() {
		k.next()
		if k.working() {
			n++
		}
	}
	return n
}

// ClockStart returns the local midnight of the day a clock starts for a
// dossier received at received: that date if it is a working day and the
// time is before cutoff (14:59:59 is before 15:00, 15:00:00 is not), else
// the next working day (ND 61/2018 Art 18).
func (c *Calendar) ClockStart(received time.Time, cutoff TimeOfDay) time.Time {
	lt := received.In(Location)
	secs := lt.Hour()*3600 + lt.Minute()*60 + lt.Second()
	if secs < cutoff.seconds() && c.IsWorkingDay(lt) {
		return DateOf(lt)
	}
	return c.NextWorkingDay(lt)
}

// DueDate returns the appointment date (local midnight) of a period that
// starts on start's local date. Working days: the p.Days-th working day
// after start. Calendar days (Bộ luật Dân sự 2015 Art 147-148): day 1 is the
// day after start; a period ending on a rest day ends on the next working
// day. p should be valid (Period.Validate); any unit other than
// CalendarDays counts working days.
func (c *Calendar) DueDate(start time.Time, p Period) time.Time {
	if p.Unit != CalendarDays {
		return c.AddWorkingDays(start, p.Days)
	}
	d := DateOf(start).AddDate(0, 0, p.Days)
	if c.IsWorkingDay(d) {
		return d
	}
	return c.NextWorkingDay(d)
}
