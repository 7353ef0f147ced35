package deadlines

import (
	"os"
	"sync"
	"testing"
	"time"
)

var (
	calOnce sync.Once
	calVal  *Calendar
	calErr  error
)

// testCalendar loads configs/holidays once for the package's tests.
func testCalendar(t testing.TB) *Calendar {
	t.Helper()
	calOnce.Do(func() { calVal, calErr = LoadCalendar(os.DirFS("../configs/holidays")) })
	if calErr != nil {
		t.Fatalf("LoadCalendar: %v", calErr)
	}
	return calVal
}

// day parses "2006-01-02" as a local midnight.
func day(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02", s, Location)
	if err != nil {
		t.Fatalf("bad test date %q: %v", s, err)
	}
	return v
}

// at parses "2006-01-02 15:04:05" as a local instant.
func at(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04:05", s, Location)
	if err != nil {
		t.Fatalf("bad test instant %q: %v", s, err)
	}
	return v
}

// ymd formats a local date as "2006-01-02".
func ymd(v time.Time) string { return v.In(Location).Format("2006-01-02") }

// stamp formats a local instant as "2006-01-02 15:04:05".
func stamp(v *time.Time) string {
	if v == nil {
		return "<nil>"
	}
	return v.In(Location).Format("2006-01-02 15:04:05")
}
