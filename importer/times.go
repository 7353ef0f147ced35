package importer

import (
	"time"

	"github.com/motcua/motcua/deadlines"
)

// localLayout is the short form of an instant, read in Asia/Ho_Chi_Minh.
const localLayout = "2006-01-02 15:04"

// dateLayout is a date, read as midnight in Asia/Ho_Chi_Minh.
const dateLayout = "2006-01-02"

// parseInstant reads an instant: RFC 3339 with its offset
// ("2024-03-05T09:30:00+07:00") or "2024-03-05 09:30" in Asia/Ho_Chi_Minh.
func parseInstant(field, s string) (time.Time, *Error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.In(deadlines.Location), nil
	}
	if t, err := time.ParseInLocation(localLayout, s, deadlines.Location); err == nil {
		return t, nil
	}
	return time.Time{}, fault(field, CodeInvalidTime,
		"thời điểm "+quote(s)+" không hợp lệ: dùng RFC 3339 có múi giờ (2024-03-05T09:30:00+07:00) hoặc \"2024-03-05 09:30\" (giờ Việt Nam)",
		"instant "+quote(s)+" is invalid: use RFC 3339 with an offset (2024-03-05T09:30:00+07:00) or \"2024-03-05 09:30\" (Vietnam time)")
}

// parseDate reads a date "2024-03-05" as its first instant in Asia/Ho_Chi_Minh.
func parseDate(field, s string) (time.Time, *Error) {
	if t, err := time.ParseInLocation(dateLayout, s, deadlines.Location); err == nil {
		return t, nil
	}
	return time.Time{}, fault(field, CodeInvalidTime, "ngày "+quote(s)+" không hợp lệ: dùng dạng 2024-03-05",
		"date "+quote(s)+" is invalid: use the form 2024-03-05")
}

// dmy writes an instant as dd/mm/yyyy hh:mm in Asia/Ho_Chi_Minh, for messages.
func dmy(t time.Time) string { return t.In(deadlines.Location).Format("02/01/2006 15:04") }

// quote writes s in double quotes.
func quote(s string) string { return `"` + s + `"` }
