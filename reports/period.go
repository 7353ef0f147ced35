package reports

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/errs"
	"github.com/motcua/motcua/workflow"
)

// Period is a reporting period: whole local days in Asia/Ho_Chi_Minh from
// From to To, both inclusive, with the label boards print on the report.
type Period struct {
	From  workflow.Date `json:"from"` // local midnight of the first day
	To    workflow.Date `json:"to"`   // local midnight of the last day (inclusive)
	Label workflow.Text `json:"label"`
}

// Start is the first instant of the period (local midnight of From).
func (p Period) Start() time.Time { return p.From.Time }

// LastDay is the local midnight of the period's last day.
func (p Period) LastDay() time.Time { return p.To.Time }

// End is the first instant after the period: local midnight of the day
// after To. An instant t is in the period when Start() ≤ t < End().
func (p Period) End() time.Time { return day(p.To.Year(), p.To.Month(), p.To.Day()+1) }

// String returns the Vietnamese label.
func (p Period) String() string { return p.Label.VI }

// The years a period may name: wide enough for any board's archive, narrow
// enough to catch a typo.
const (
	minYear = 1990
	maxYear = 2100
)

var (
	yearRe    = regexp.MustCompile(`^(\d{4})$`)
	halfRe    = regexp.MustCompile(`^(\d{4})-[Hh]([12])$`)
	quarterRe = regexp.MustCompile(`^(\d{4})-[Qq]([1-4])$`)
	monthRe   = regexp.MustCompile(`^(\d{4})-(\d{2})$`)
	isoDateRe = regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})$`)
	vnDateRe  = regexp.MustCompile(`^(\d{1,2})/(\d{1,2})/(\d{4})$`)
)

// ParsePeriod reads a reporting period:
//
//	2024        the year                  "Năm 2024"
//	2024-H1     first or second half      "6 tháng đầu năm 2024", "6 tháng cuối năm 2024"
//	2024-Q3     a quarter                 "Quý III năm 2024"
//	2024-11     a month                   "Tháng 11 năm 2024"
//	2024-01-01..2024-06-30, 01/01/2024..30/06/2024
//	            a range of days           "Từ 01/01/2024 đến 30/06/2024"
//	2024-01..2024-09
//	            a range of months         "9 tháng đầu năm 2024", "Từ tháng 3/2024 đến tháng 5/2024"
//
// Both ends are inclusive. An invalid period is a *errs.Error of kind
// KindInvalid naming the field "period".
func ParsePeriod(s string) (Period, error) {
	s = strings.TrimSpace(s)
	if from, to, ok := strings.Cut(s, ".."); ok {
		return parseRange(s, strings.TrimSpace(from), strings.TrimSpace(to))
	}
	if m := yearRe.FindStringSubmatch(s); m != nil {
		return yearPeriod(s, m[1])
	}
	if m := halfRe.FindStringSubmatch(s); m != nil {
		return halfPeriod(s, m[1], m[2])
	}
	if m := quarterRe.FindStringSubmatch(s); m != nil {
		return quarterPeriod(s, m[1], m[2])
	}
	if m := monthRe.FindStringSubmatch(s); m != nil {
		y, mo, err := yearMonth(s, m[1], m[2])
		if err != nil {
			return Period{}, err
		}
		return monthsPeriod(y, mo, y, mo), nil
	}
	return Period{}, periodError(s, "không đúng dạng", "is not a period")
}

// yearPeriod is a whole year.
func yearPeriod(s, ys string) (Period, error) {
	y, err := year(s, ys)
	if err != nil {
		return Period{}, err
	}
	return monthsPeriod(y, 1, y, 12), nil
}

// halfPeriod is the first (January-June) or second (July-December) half of a year.
func halfPeriod(s, ys, hs string) (Period, error) {
	y, err := year(s, ys)
	if err != nil {
		return Period{}, err
	}
	if hs == "1" {
		return monthsPeriod(y, 1, y, 6), nil
	}
	return monthsPeriod(y, 7, y, 12), nil
}

// quarterPeriod is one of the four quarters of a year.
func quarterPeriod(s, ys, qs string) (Period, error) {
	y, err := year(s, ys)
	if err != nil {
		return Period{}, err
	}
	q, _ := strconv.Atoi(qs) // the pattern allows 1-4 only
	return monthsPeriod(y, time.Month(3*q-2), y, time.Month(3*q)), nil
}

// romanQuarters are the quarter numerals of Vietnamese reports.
var romanQuarters = [5]string{"", "I", "II", "III", "IV"}

// monthsPeriod is the whole months from (y1, m1) to (y2, m2), labelled the
// way boards write them.
func monthsPeriod(y1 int, m1 time.Month, y2 int, m2 time.Month) Period {
	p := Period{From: workflow.Date{Time: day(y1, m1, 1)}, To: workflow.Date{Time: day(y2, m2+1, 0)}}
	p.Label = monthsLabel(y1, m1, y2, m2)
	return p
}

// monthsLabel names a range of whole months.
func monthsLabel(y1 int, m1 time.Month, y2 int, m2 time.Month) workflow.Text {
	n := int(m2) - int(m1) + 1
	switch {
	case y1 != y2:
		return workflow.Text{VI: fmt.Sprintf("Từ tháng %d/%d đến tháng %d/%d", m1, y1, m2, y2),
			EN: fmt.Sprintf("From %s %d to %s %d", m1, y1, m2, y2)}
	case n == 12:
		return workflow.Text{VI: fmt.Sprintf("Năm %d", y1), EN: fmt.Sprintf("Year %d", y1)}
	case n == 1:
		return workflow.Text{VI: fmt.Sprintf("Tháng %d năm %d", m1, y1), EN: fmt.Sprintf("%s %d", m1, y1)}
	case m1 == 7 && m2 == 12:
		return workflow.Text{VI: fmt.Sprintf("6 tháng cuối năm %d", y1), EN: fmt.Sprintf("Second half of %d", y1)}
	case m1 == 1 && n == 6:
		return workflow.Text{VI: fmt.Sprintf("6 tháng đầu năm %d", y1), EN: fmt.Sprintf("First half of %d", y1)}
	case n == 3 && m1%3 == 1:
		q := (int(m1) + 2) / 3
		return workflow.Text{VI: fmt.Sprintf("Quý %s năm %d", romanQuarters[q], y1), EN: fmt.Sprintf("Q%d %d", q, y1)}
	case m1 == 1:
		return workflow.Text{VI: fmt.Sprintf("%d tháng đầu năm %d", n, y1), EN: fmt.Sprintf("First %d months of %d", n, y1)}
	}
	return workflow.Text{VI: fmt.Sprintf("Từ tháng %d/%d đến tháng %d/%d", m1, y1, m2, y2),
		EN: fmt.Sprintf("From %s to %s %d", m1, m2, y1)}
}

// parseRange reads FROM..TO, both days (YYYY-MM-DD or dd/mm/yyyy) or both
// months (YYYY-MM).
func parseRange(s, from, to string) (Period, error) {
	fm, tm := monthRe.FindStringSubmatch(from), monthRe.FindStringSubmatch(to)
	if fm != nil && tm != nil {
		return monthRange(s, fm, tm)
	}
	if fm != nil || tm != nil {
		return Period{}, periodError(s, "hai đầu phải cùng là ngày hoặc cùng là tháng",
			"both ends must be days or both must be months")
	}
	f, err := parseDay(s, from)
	if err != nil {
		return Period{}, err
	}
	t, err := parseDay(s, to)
	if err != nil {
		return Period{}, err
	}
	if t.Before(f) {
		return Period{}, periodError(s, "ngày kết thúc trước ngày bắt đầu", "ends before it starts")
	}
	return Period{From: workflow.Date{Time: f}, To: workflow.Date{Time: t}, Label: workflow.Text{
		VI: fmt.Sprintf("Từ %s đến %s", f.Format("02/01/2006"), t.Format("02/01/2006")),
		EN: fmt.Sprintf("From %s to %s", f.Format("02/01/2006"), t.Format("02/01/2006"))}}, nil
}

// monthRange reads YYYY-MM..YYYY-MM.
func monthRange(s string, fm, tm []string) (Period, error) {
	y1, m1, err := yearMonth(s, fm[1], fm[2])
	if err != nil {
		return Period{}, err
	}
	y2, m2, err := yearMonth(s, tm[1], tm[2])
	if err != nil {
		return Period{}, err
	}
	if y2*12+int(m2) < y1*12+int(m1) {
		return Period{}, periodError(s, "tháng kết thúc trước tháng bắt đầu", "ends before it starts")
	}
	return monthsPeriod(y1, m1, y2, m2), nil
}

// parseDay reads one end of a range of days.
func parseDay(s, v string) (time.Time, error) {
	var ys, ms, ds string
	if m := isoDateRe.FindStringSubmatch(v); m != nil {
		ys, ms, ds = m[1], m[2], m[3]
	} else if m := vnDateRe.FindStringSubmatch(v); m != nil {
		ys, ms, ds = m[3], m[2], m[1]
	} else {
		return time.Time{}, periodError(s, fmt.Sprintf("%q không phải ngày (YYYY-MM-DD hoặc dd/mm/yyyy)", v),
			fmt.Sprintf("%q is not a date (YYYY-MM-DD or dd/mm/yyyy)", v))
	}
	y, mo, err := yearMonth(s, ys, ms)
	if err != nil {
		return time.Time{}, err
	}
	d, _ := strconv.Atoi(ds)
	t := day(y, mo, d)
	if t.Day() != d || d == 0 {
		return time.Time{}, periodError(s, fmt.Sprintf("ngày %q không tồn tại", v), fmt.Sprintf("day %q does not exist", v))
	}
	return t, nil
}

// yearMonth checks a year and a month number.
func yearMonth(s, ys, ms string) (int, time.Month, error) {
	y, err := year(s, ys)
	if err != nil {
		return 0, 0, err
	}
	m, _ := strconv.Atoi(ms)
	if m < 1 || m > 12 {
		return 0, 0, periodError(s, fmt.Sprintf("tháng %s không hợp lệ (01-12)", ms), fmt.Sprintf("month %s is not 01-12", ms))
	}
	return y, time.Month(m), nil
}

// year checks a four-digit year.
func year(s, ys string) (int, error) {
	y, _ := strconv.Atoi(ys)
	if y < minYear || y > maxYear {
		return 0, periodError(s, fmt.Sprintf("năm %s ngoài khoảng %d-%d", ys, minYear, maxYear),
			fmt.Sprintf("year %s is outside %d-%d", ys, minYear, maxYear))
	}
	return y, nil
}

// day is local midnight of a date in Asia/Ho_Chi_Minh (normalised like time.Date).
func day(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, deadlines.Location)
}

// periodForms lists the accepted forms for error messages.
const periodForms = "2024, 2024-H1, 2024-Q3, 2024-11, 2024-01..2024-09, 2024-01-01..2024-06-30, 01/01/2024..30/06/2024"

// periodError is the invalid-period error naming the field "period".
func periodError(s, vi, en string) error {
	return errs.Invalid("period", fmt.Sprintf("kỳ báo cáo %q: %s (dạng hợp lệ: %s)", s, vi, periodForms),
		fmt.Sprintf("period %q: %s (valid forms: %s)", s, en, periodForms))
}
