package deadlines

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // Asia/Ho_Chi_Minh without system tzdata

	"gopkg.in/yaml.v3"
)

// Location is Asia/Ho_Chi_Minh (UTC+7, no daylight saving time): every date
// in this package is a local date of this zone.
var Location = loadLocation()

// loadLocation loads Asia/Ho_Chi_Minh from the embedded tzdata, falling back
// to a fixed UTC+7 zone, which is identical for every date since 1975.
func loadLocation() *time.Location {
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		return time.FixedZone("ICT", 7*3600)
	}
	return loc
}

// DateOf returns the local midnight (Location) of t's local date.
func DateOf(t time.Time) time.Time {
	y, m, d := t.In(Location).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, Location)
}

// EndOfDay returns 23:59:59 local time of date's local date: the instant
// stored as a dossier's due_at for an appointment date.
func EndOfDay(date time.Time) time.Time {
	y, m, d := date.In(Location).Date()
	return time.Date(y, m, d, 23, 59, 59, 0, Location)
}

// formatDate formats t's local date as dd/mm/yyyy for messages.
func formatDate(t time.Time) string {
	return t.In(Location).Format("02/01/2006")
}

// Unit is the unit of a statutory period.
type Unit string

// The units of a period. Working days exclude Saturdays, Sundays and public
// holidays and include swapped working Saturdays; calendar days ("ngày" in
// the law, Bộ luật Dân sự 2015 Art 145-148) count every day.
const (
	WorkingDays  Unit = "working_days"
	CalendarDays Unit = "calendar_days"
)

// ParseUnit returns the Unit named s ("working_days" or "calendar_days").
func ParseUnit(s string) (Unit, error) {
	switch u := Unit(s); u {
	case WorkingDays, CalendarDays:
		return u, nil
	}
	return "", fmt.Errorf("deadlines: đơn vị thời hạn không hợp lệ %q (working_days hoặc calendar_days) / invalid period unit %q (working_days or calendar_days)", s, s)
}

// maxPeriodDays bounds a period so that a configuration typo cannot make
// the date arithmetic loop for years.
const maxPeriodDays = 3660

// Period is a statutory or service-standard period, e.g. 10 working days.
type Period struct {
	Days int  `yaml:"days" json:"days"`
	Unit Unit `yaml:"unit" json:"unit"`
}

// Validate checks the unit and that Days is between 0 and 3660.
func (p Period) Validate() error {
	if _, err := ParseUnit(string(p.Unit)); err != nil {
		return err
	}
	if p.Days < 0 || p.Days > maxPeriodDays {
		return fmt.Errorf("deadlines: số ngày của thời hạn phải từ 0 đến %d, nhận được %d / period days must be between 0 and %d, got %d",
			maxPeriodDays, p.Days, maxPeriodDays, p.Days)
	}
	return nil
}

// String formats the period in Vietnamese and English, e.g.
// "10 ngày làm việc / 10 working days" or "30 ngày / 30 calendar days".
func (p Period) String() string {
	plural := "s"
	if p.Days == 1 || p.Days == -1 {
		plural = ""
	}
	switch p.Unit {
	case WorkingDays:
		return fmt.Sprintf("%d ngày làm việc / %d working day%s", p.Days, p.Days, plural)
	case CalendarDays:
		return fmt.Sprintf("%d ngày / %d calendar day%s", p.Days, p.Days, plural)
	}
	return fmt.Sprintf("%d ngày (%s) / %d day%s (%s)", p.Days, p.Unit, p.Days, plural, p.Unit)
}

// Outcome classifies a finished dossier or step against its appointment
// date (TT 01/2018/TT-VPCP Art 13).
type Outcome string

// The outcomes: early = finished before the appointment date, on time = on
// it, late = after it.
const (
	Early  Outcome = "early"
	OnTime Outcome = "on_time"
	Late   Outcome = "late"
)

// Classify compares the local dates of finished and due: before the
// appointment date is early, the same date on time, after it late.
func Classify(finished, due time.Time) Outcome {
	f, d := DateOf(finished), DateOf(due)
	switch {
	case f.Before(d):
		return Early
	case f.Equal(d):
		return OnTime
	}
	return Late
}

// TimeOfDay is a local wall-clock time such as the 15:00 cut-off. 24:00 is
// allowed and means the end of the day (no cut-off).
type TimeOfDay struct{ Hour, Minute int }

// ParseTimeOfDay parses "HH:MM" (24-hour clock, "24:00" allowed).
func ParseTimeOfDay(s string) (TimeOfDay, error) {
	hs, ms, ok := strings.Cut(strings.TrimSpace(s), ":")
	h, errH := strconv.Atoi(hs)
	m, errM := strconv.Atoi(ms)
	if !ok || errH != nil || errM != nil || len(ms) != 2 || len(hs) == 0 || len(hs) > 2 {
		return TimeOfDay{}, fmt.Errorf("deadlines: giờ không hợp lệ %q, cần dạng HH:MM / invalid time of day %q, want HH:MM", s, s)
	}
	t := TimeOfDay{Hour: h, Minute: m}
	if err := t.Validate(); err != nil {
		return TimeOfDay{}, err
	}
	return t, nil
}

// Validate checks that t is between 00:00 and 24:00.
func (t TimeOfDay) Validate() error {
	if t.Hour < 0 || t.Hour > 24 || t.Minute < 0 || t.Minute > 59 || (t.Hour == 24 && t.Minute != 0) {
		return fmt.Errorf("deadlines: giờ không hợp lệ %02d:%02d / invalid time of day %02d:%02d", t.Hour, t.Minute, t.Hour, t.Minute)
	}
	return nil
}

// String formats t as "HH:MM".
func (t TimeOfDay) String() string { return fmt.Sprintf("%02d:%02d", t.Hour, t.Minute) }

// seconds returns t as seconds after midnight.
func (t TimeOfDay) seconds() int { return t.Hour*3600 + t.Minute*60 }

// UnmarshalYAML reads t from a "HH:MM" scalar.
func (t *TimeOfDay) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("deadlines: dòng %d: giờ phải có dạng HH:MM / line %d: time of day must be HH:MM", n.Line, n.Line)
	}
	v, err := ParseTimeOfDay(n.Value)
	if err != nil {
		return fmt.Errorf("deadlines: dòng %d / line %d: %s", n.Line, n.Line, strings.TrimPrefix(err.Error(), "deadlines: "))
	}
	*t = v
	return nil
}

// MarshalYAML writes t as "HH:MM".
func (t TimeOfDay) MarshalYAML() (any, error) { return t.String(), nil }

// UnmarshalText reads t from "HH:MM" (JSON and other text encodings).
func (t *TimeOfDay) UnmarshalText(b []byte) error {
	v, err := ParseTimeOfDay(string(b))
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// MarshalText writes t as "HH:MM".
func (t TimeOfDay) MarshalText() ([]byte, error) { return []byte(t.String()), nil }
