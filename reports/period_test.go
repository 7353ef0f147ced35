package reports_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/errs"
	"github.com/motcua/motcua/reports"
	"github.com/motcua/motcua/workflow"
)

func TestParsePeriod(t *testing.T) {
	for _, c := range []struct {
		in, from, to, vi, en string
	}{
		{"2024", "2024-01-01", "2024-12-31", "Năm 2024", "Year 2024"},
		{"2024-H1", "2024-01-01", "2024-06-30", "6 tháng đầu năm 2024", "First half of 2024"},
		{"2024-h2", "2024-07-01", "2024-12-31", "6 tháng cuối năm 2024", "Second half of 2024"},
		{"2024-Q1", "2024-01-01", "2024-03-31", "Quý I năm 2024", "Q1 2024"},
		{"2024-Q3", "2024-07-01", "2024-09-30", "Quý III năm 2024", "Q3 2024"},
		{"2024-q4", "2024-10-01", "2024-12-31", "Quý IV năm 2024", "Q4 2024"},
		{"2024-11", "2024-11-01", "2024-11-30", "Tháng 11 năm 2024", "November 2024"},
		{"2024-02", "2024-02-01", "2024-02-29", "Tháng 2 năm 2024", "February 2024"},
		{"2023-02", "2023-02-01", "2023-02-28", "Tháng 2 năm 2023", "February 2023"},
		{" 2024-12 ", "2024-12-01", "2024-12-31", "Tháng 12 năm 2024", "December 2024"},
		{"2024-01-01..2024-06-30", "2024-01-01", "2024-06-30", "Từ 01/01/2024 đến 30/06/2024", "From 01/01/2024 to 30/06/2024"},
		{"01/01/2024..30/06/2024", "2024-01-01", "2024-06-30", "Từ 01/01/2024 đến 30/06/2024", "From 01/01/2024 to 30/06/2024"},
		{"1/3/2024 .. 2024-03-01", "2024-03-01", "2024-03-01", "Từ 01/03/2024 đến 01/03/2024", "From 01/03/2024 to 01/03/2024"},
		{"15/12/2024..14/01/2025", "2024-12-15", "2025-01-14", "Từ 15/12/2024 đến 14/01/2025", "From 15/12/2024 to 14/01/2025"},
		// Month ranges, as boards.yaml names Bắc Giang's and Vĩnh Phúc's reports.
		{"2024-01..2024-02", "2024-01-01", "2024-02-29", "2 tháng đầu năm 2024", "First 2 months of 2024"},
		{"2022-01..2022-09", "2022-01-01", "2022-09-30", "9 tháng đầu năm 2022", "First 9 months of 2022"},
		{"2024-03..2024-05", "2024-03-01", "2024-05-31", "Từ tháng 3/2024 đến tháng 5/2024", "From March to May 2024"},
		{"2024-04..2024-06", "2024-04-01", "2024-06-30", "Quý II năm 2024", "Q2 2024"},
		{"2024-11..2025-02", "2024-11-01", "2025-02-28", "Từ tháng 11/2024 đến tháng 2/2025", "From November 2024 to February 2025"},
		{"2024-01..2024-12", "2024-01-01", "2024-12-31", "Năm 2024", "Year 2024"},
	} {
		p, err := reports.ParsePeriod(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if got := p.From.YMD() + " " + p.To.YMD(); got != c.from+" "+c.to {
			t.Errorf("%q: %s, want %s %s", c.in, got, c.from, c.to)
		}
		if p.Label != (workflow.Text{VI: c.vi, EN: c.en}) {
			t.Errorf("%q: label %+v, want %q / %q", c.in, p.Label, c.vi, c.en)
		}
		if p.String() != c.vi {
			t.Errorf("%q: String() %q", c.in, p.String())
		}
	}
}

// TestPeriodBounds checks whole local days: from midnight of the first day
// to midnight after the last, in Asia/Ho_Chi_Minh.
func TestPeriodBounds(t *testing.T) {
	p := period(t, "2024-H1")
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, deadlines.Location)
	end := time.Date(2024, 7, 1, 0, 0, 0, 0, deadlines.Location)
	if !p.Start().Equal(start) || !p.End().Equal(end) || !p.LastDay().Equal(end.AddDate(0, 0, -1)) {
		t.Fatalf("bounds %s %s %s", p.Start(), p.LastDay(), p.End())
	}
	// 30/06/2024 23:59:59 in Hà Nội is 16:59:59 UTC: inside; 17:00 UTC is 01/07 local: outside.
	in := time.Date(2024, 6, 30, 16, 59, 59, 0, time.UTC)
	out := time.Date(2024, 6, 30, 17, 0, 0, 0, time.UTC)
	if !in.Before(p.End()) || out.Before(p.End()) {
		t.Fatalf("end %s: %s should be in, %s out", p.End(), in, out)
	}
	if p.From.Location().String() != deadlines.Location.String() {
		t.Fatalf("zone %s", p.From.Location())
	}
}

func TestParsePeriodErrors(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", "không đúng dạng"},
		{"H1-2024", "is not a period"},
		{"2024-H3", "is not a period"},
		{"2024-Q5", "is not a period"},
		{"2024-Q0", "is not a period"},
		{"2024-13", "month 13 is not 01-12"},
		{"2024-00", "month 00 is not 01-12"},
		{"24-11", "is not a period"},
		{"1899", "year 1899 is outside"},
		{"2101-Q1", "year 2101 is outside"},
		{"2024-02-30..2024-03-01", `day "2024-02-30" does not exist`},
		{"31/04/2024..30/06/2024", `day "31/04/2024" does not exist`},
		{"2024-06-30..2024-01-01", "ends before it starts"},
		{"2024-06..2024-01", "ends before it starts"},
		{"2024-01..2024-06-30", "both ends must be days or both must be months"},
		{"2024-01-01..", `"" is not a date`},
		{"..2024-01-01", `"" is not a date`},
		{"2024/01/01..2024/02/01", `"2024/01/01" is not a date`},
		{"2024-01-01..2024-02-01..2024-03-01", `"2024-02-01..2024-03-01" is not a date`},
	} {
		_, err := reports.ParsePeriod(c.in)
		var de *errs.Error
		if !errors.As(err, &de) {
			t.Errorf("%q: error %v, want an *errs.Error", c.in, err)
			continue
		}
		if de.Field != "period" || de.Kind != errs.KindInvalid || de.Code != "invalid_period" {
			t.Errorf("%q: field %q kind %d code %q", c.in, de.Field, de.Kind, de.Code)
		}
		if !strings.Contains(de.Message(), c.want) || !strings.Contains(de.Message(), "kỳ báo cáo") ||
			!strings.Contains(de.Message(), "valid forms: 2024, 2024-H1") {
			t.Errorf("%q: message %q, want it to contain %q and the valid forms", c.in, de.Message(), c.want)
		}
	}
}

// TestQueryWithoutPeriod refuses a report without a period.
func TestQueryWithoutPeriod(t *testing.T) {
	_, err := reports.Bieu06(context.Background(), nil, nil, reports.Query{})
	var de *errs.Error
	if !errors.As(err, &de) || de.Field != "period" {
		t.Fatalf("error %v, want an invalid period", err)
	}
	_, err = reports.Decision766(context.Background(), nil, nil, nil, reports.Query{})
	if !errors.As(err, &de) || de.Field != "period" {
		t.Fatalf("error %v, want an invalid period", err)
	}
}
