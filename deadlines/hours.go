package deadlines

import (
	"fmt"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Shift is one stretch of a working day's office hours, From to Until.
type Shift struct {
	From  TimeOfDay
	Until TimeOfDay
}

// OfficeHours are a working day's shifts, in order: the hours a limit in
// working hours counts (e.g. 07:30-11:30 and 13:00-17:00).
type OfficeHours []Shift

// ParseShift parses "HH:MM-HH:MM".
func ParseShift(s string) (Shift, error) {
	from, until, ok := strings.Cut(strings.TrimSpace(s), "-")
	f, errF := ParseTimeOfDay(from)
	u, errU := ParseTimeOfDay(until)
	if !ok || errF != nil || errU != nil || u.seconds() <= f.seconds() {
		return Shift{}, fmt.Errorf("deadlines: ca làm việc không hợp lệ %q, cần dạng HH:MM-HH:MM / invalid shift %q, want HH:MM-HH:MM", s, s)
	}
	return Shift{From: f, Until: u}, nil
}

// String formats the shift as "HH:MM-HH:MM".
func (s Shift) String() string { return s.From.String() + "-" + s.Until.String() }

// UnmarshalYAML reads a shift from a "HH:MM-HH:MM" scalar.
func (s *Shift) UnmarshalYAML(n *yaml.Node) error {
	v, err := ParseShift(n.Value)
	if err != nil || n.Kind != yaml.ScalarNode {
		return fmt.Errorf("deadlines: dòng %d: ca làm việc phải có dạng HH:MM-HH:MM / line %d: a shift must be HH:MM-HH:MM", n.Line, n.Line)
	}
	*s = v
	return nil
}

// MarshalText writes the shift as "HH:MM-HH:MM".
func (s Shift) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Validate checks that the shifts are in order and do not overlap.
func (h OfficeHours) Validate() error {
	if len(h) == 0 {
		return fmt.Errorf("deadlines: không có giờ làm việc / no office hours")
	}
	for i := 1; i < len(h); i++ {
		if h[i].From.seconds() < h[i-1].Until.seconds() {
			return fmt.Errorf("deadlines: ca %s chồng lên ca %s / shift %s overlaps %s", h[i], h[i-1], h[i], h[i-1])
		}
	}
	return nil
}

// Minutes is the length of a working day in minutes.
func (h OfficeHours) Minutes() int {
	n := 0
	for _, s := range h {
		n += (s.Until.seconds() - s.From.seconds()) / 60
	}
	return n
}

// AddWorkingHours returns the instant at which hours of office time have
// passed since t, counting only the shifts of working days: a limit in
// working hours ("08 giờ làm việc"). Time outside the shifts, and rest
// days, do not count.
func (c *Calendar) AddWorkingHours(t time.Time, hours int, office OfficeHours) time.Time {
	left := time.Duration(hours) * time.Hour
	at := t.In(Location)
	day := DateOf(at)
	for {
		if c.IsWorkingDay(day) {
			for _, s := range office {
				from, until := day.Add(seconds(s.From)), day.Add(seconds(s.Until))
				if at.Before(from) {
					at = from
				}
				if !at.Before(until) {
					continue
				}
				if avail := until.Sub(at); left <= avail {
					return at.Add(left)
				} else {
					left -= avail
					at = until
				}
			}
		}
		day = c.NextWorkingDay(day)
		at = day
	}
}

// seconds is a time of day as a duration after midnight.
func seconds(t TimeOfDay) time.Duration { return time.Duration(t.seconds()) * time.Second }
