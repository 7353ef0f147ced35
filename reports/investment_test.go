package reports_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
	"gorm.io/gorm"

	"github.com/motcua/motcua/errs"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/models/modelstest"
	"github.com/motcua/motcua/reports"
	"github.com/motcua/motcua/workflow"
	"github.com/motcua/motcua/workflow/workflowtest"
)

// desk decides investment-certificate dossiers of one board through the engine.
type desk struct {
	t     *testing.T
	db    *gorm.DB
	eng   *workflow.Engine
	board uint
	zone  uint
}

func newDesk(t *testing.T, db *gorm.DB, eng *workflow.Engine, board *models.Board) *desk {
	return &desk{t: t, db: db, eng: eng, board: board.ID, zone: workflowtest.Zone(t, db, board.ID)}
}

// decide files a dossier of variant at 08:00 on day (YYYY-MM-DD), takes it
// to the decision and approves it at 15:00 (or at the time of day when day
// is "YYYY-MM-DD HH:MM") with the investment outcome in.
func (k *desk) decide(variant, day string, in workflow.InvestmentInput) {
	k.t.Helper()
	decided := day + " 15:00"
	if len(day) > len("2006-01-02") {
		day, decided = day[:len("2006-01-02")], day
	}
	d := workflowtest.PendingDecision(k.t, k.db, k.eng, k.board, "investment-certificate", variant, at(k.t, day+" 08:00"))
	if in.ZoneID == nil && strings.HasPrefix(variant, "issue") {
		in.ZoneID = &k.zone
	}
	if _, _, err := workflowtest.Apply(k.t, k.eng, context.Background(), k.db, d.ID, d.Version, workflow.EventApprove,
		actor(workflow.RoleLeader), at(k.t, decided), workflow.Input{Investment: &in}); err != nil {
		k.t.Fatalf("%s of %s on %s: %v", variant, in.ProjectCode, day, err)
	}
}

// issue approves a new project: FDI in USD or DDI in VND.
func (k *desk) issue(day, code string, foreign bool, capital string) {
	k.t.Helper()
	cur := "VND"
	if foreign {
		cur = "USD"
	}
	k.decide("issue_without_policy", day, workflow.InvestmentInput{ProjectCode: code, Name: "Dự án " + code,
		Foreign: &foreign, Capital: capital, Currency: cur})
}

// adjust approves a new registered capital ("" keeps it) for project code.
func (k *desk) adjust(day, code, capital, currency string) {
	k.t.Helper()
	variant := "adjust_other"
	if capital == "" {
		variant = "adjust_update"
	}
	k.decide(variant, day, workflow.InvestmentInput{ProjectCode: code, Capital: capital, Currency: currency})
}

// terminate approves the termination of project code.
func (k *desk) terminate(day, code string) {
	k.t.Helper()
	k.decide("terminate", day, workflow.InvestmentInput{ProjectCode: code})
}

func usd(cents int64) reports.Money { return reports.Money{Currency: models.CurrencyUSD, Minor: cents} }
func vnd(dong int64) reports.Money  { return reports.Money{Currency: models.CurrencyVND, Minor: dong} }

// amounts builds the sum of ms (nil for none).
func amounts(ms ...reports.Money) reports.Amounts {
	if len(ms) == 0 {
		return nil
	}
	return reports.Amounts(ms)
}

func tally(n int, ms ...reports.Money) reports.Tally {
	return reports.Tally{Projects: n, Capital: amounts(ms...)}
}

// investment computes the statistics, which must succeed.
func investment(t *testing.T, db *gorm.DB, spec string, board *uint) *reports.InvestmentStats {
	t.Helper()
	s, err := reports.Investment(context.Background(), db, reports.Query{Period: period(t, spec), BoardID: board})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// checkStats compares the figures (not the period or the sentences).
func checkStats(t *testing.T, spec string, got *reports.InvestmentStats, want reports.InvestmentStats) {
	t.Helper()
	for _, c := range []struct {
		name      string
		got, want any
	}{{"new", got.New, want.New}, {"adjusted", got.Adjusted, want.Adjusted},
		{"terminated", got.Terminated, want.Terminated}, {"cumulative", got.Cumulative, want.Cumulative}} {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s %s:\n got %+v\nwant %+v", spec, c.name, c.got, c.want)
		}
	}
}

// TestInvestmentStats counts by hand, on a small history of two boards,
// the figures of 2024-Q2 and its neighbours: issues in USD with cents and
// in VND, an adjustment up, one down then up again (one project, counted
// once, among both increases and decreases), a termination, another
// board's issue, a project issued ten minutes before the end of the
// quarter and terminated at the first instant of the next, and records
// after the period's end that must not count.
func TestInvestmentStats(t *testing.T) {
	eng := workflowtest.Engine(t)
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		hbi, bgg := newBoard(t, db, "HBI", "000.20.30.H33"), newBoard(t, db, "BGG", "000.20.24.H06")
		h, g := newDesk(t, db, eng, hbi), newDesk(t, db, eng, bgg)
		h.issue("2024-01-10", "A", true, "2000000")           // FDI 2 triệu USD
		h.issue("2024-02-15", "B", false, "50000000000")      // DDI 50 tỷ
		h.issue("2024-03-20", "C", false, "20000000000")      // DDI 20 tỷ
		h.issue("2024-04-10", "D", true, "1500000.50")        // FDI 1.500.000,50 USD
		h.issue("2024-05-06", "E", false, "12500000000")      // DDI 12,5 tỷ
		h.adjust("2024-04-15", "A", "2750000", "USD")         // +750.000 USD
		h.adjust("2024-05-20", "B", "45000000000", "VND")     // -5 tỷ
		h.adjust("2024-06-10", "B", "60000000000", "VND")     // +15 tỷ
		h.terminate("2024-06-20", "C")                        // C ends with 20 tỷ
		g.issue("2024-05-01", "F", true, "10000000")          // another board: 10 triệu USD
		h.issue("2024-06-30 23:50", "H", false, "1000000000") // the last minutes of Q2: 1 tỷ
		h.terminate("2024-07-01 00:00", "H")                  // the first instant of Q3
		h.issue("2024-07-01", "G", false, "7000000000")       // after Q2
		h.adjust("2024-07-02", "A", "5000000", "USD")         // after Q2: +2,25 triệu USD
		h.terminate("2024-07-05", "D")                        // after Q2

		q2 := investment(t, db, "2024-Q2", &hbi.ID)
		checkStats(t, "HBI 2024-Q2", q2, reports.InvestmentStats{
			New: reports.Split{Foreign: tally(1, usd(150_000_050)), Domestic: tally(2, vnd(13_500_000_000))},
			Adjusted: reports.Adjustments{Projects: 2, Increased: 2, Increase: amounts(usd(75_000_000), vnd(15_000_000_000)),
				Decreased: 1, Decrease: amounts(vnd(5_000_000_000))},
			Terminated: reports.Split{Domestic: tally(1, vnd(20_000_000_000))},
			Cumulative: reports.Split{Foreign: tally(2, usd(425_000_050)), Domestic: tally(3, vnd(73_500_000_000))},
		})
		wantVI := "cấp mới 1 dự án FDI với tổng vốn đăng ký 1,5 triệu USD và 2 dự án DDI với tổng vốn đăng ký 13,5 tỷ đồng; " +
			"điều chỉnh 2 dự án, trong đó 2 dự án tăng vốn với tổng vốn tăng 0,75 triệu USD và 15 tỷ đồng; " +
			"chấm dứt hoạt động 1 dự án"
		wantEN := "issued 1 new FDI project with total registered capital of USD 1.5 million and 2 new DDI projects with " +
			"total registered capital of VND 13.5 billion; adjusted 2 projects, of which 2 increased their capital by " +
			"USD 0.75 million and VND 15 billion in total; terminated 1 project"
		if q2.Narrative.VI != wantVI || q2.Narrative.EN != wantEN {
			t.Errorf("narrative\n got %q\n     %q\nwant %q\n     %q", q2.Narrative.VI, q2.Narrative.EN, wantVI, wantEN)
		}
		if want := "lũy kế 5 dự án còn hiệu lực, gồm 2 dự án FDI với tổng vốn 4,25 triệu USD và 3 dự án DDI với tổng vốn 73,5 tỷ đồng"; q2.CumulativeNarrative.VI != want {
			t.Errorf("cumulative\n got %q\nwant %q", q2.CumulativeNarrative.VI, want)
		}

		all := investment(t, db, "2024-Q2", nil)
		checkStats(t, "all boards 2024-Q2", all, reports.InvestmentStats{
			New:        reports.Split{Foreign: tally(2, usd(1_150_000_050)), Domestic: tally(2, vnd(13_500_000_000))},
			Adjusted:   q2.Adjusted,
			Terminated: q2.Terminated,
			Cumulative: reports.Split{Foreign: tally(3, usd(1_425_000_050)), Domestic: tally(3, vnd(73_500_000_000))},
		})

		checkStats(t, "HBI 2024-Q1", investment(t, db, "2024-Q1", &hbi.ID), reports.InvestmentStats{
			New:        reports.Split{Foreign: tally(1, usd(200_000_000)), Domestic: tally(2, vnd(70_000_000_000))},
			Cumulative: reports.Split{Foreign: tally(1, usd(200_000_000)), Domestic: tally(2, vnd(70_000_000_000))},
		})
		checkStats(t, "HBI 2024-Q3", investment(t, db, "2024-Q3", &hbi.ID), reports.InvestmentStats{
			New:        reports.Split{Domestic: tally(1, vnd(7_000_000_000))},
			Adjusted:   reports.Adjustments{Projects: 1, Increased: 1, Increase: amounts(usd(225_000_000))},
			Terminated: reports.Split{Foreign: tally(1, usd(150_000_050)), Domestic: tally(1, vnd(1_000_000_000))},
			Cumulative: reports.Split{Foreign: tally(1, usd(500_000_000)), Domestic: tally(3, vnd(79_500_000_000))},
		})

		empty := investment(t, db, "2023", &hbi.ID)
		checkStats(t, "HBI 2023", empty, reports.InvestmentStats{})
		if empty.Narrative.VI != "không cấp mới, điều chỉnh hay chấm dứt hoạt động dự án nào" ||
			empty.CumulativeNarrative.VI != "lũy kế không có dự án còn hiệu lực" {
			t.Errorf("empty sentences %q, %q", empty.Narrative.VI, empty.CumulativeNarrative.VI)
		}
	})
}

// TestInvestmentStatsRefusesNoPeriod: a query without a period is invalid.
func TestInvestmentStatsRefusesNoPeriod(t *testing.T) {
	_, err := reports.Investment(context.Background(), modelstest.SQLite(t), reports.Query{})
	var de *errs.Error
	if !errors.As(err, &de) || de.Field != "period" {
		t.Fatalf("error %v, want a 400 on period", err)
	}
}

// hoaBinhInvestment and hoaBinhCumulative are the sentences of the Hòa Bình
// board's report on the first half of 2024, from the figures of boards.yaml.
const (
	hoaBinhInvestment = "cấp mới 1 dự án FDI với tổng vốn đăng ký 0,4 triệu USD; điều chỉnh 12 dự án, trong đó " +
		"4 dự án tăng vốn với tổng vốn tăng 85 tỷ đồng; chấm dứt hoạt động 2 dự án"
	hoaBinhCumulative = "lũy kế 110 dự án còn hiệu lực, gồm 26 dự án FDI với tổng vốn 362,77 triệu USD và " +
		"84 dự án DDI với tổng vốn 16.036,69 tỷ đồng"
)

// hoaBinhFigures are the investment figures Hòa Bình reported for 2024-H1,
// read from the demo boards file as decimal strings.
type hoaBinhFigures struct {
	Period     string
	Investment struct {
		NewFDIProjects  int    `yaml:"new_fdi_projects"`
		NewFDICapital   string `yaml:"new_fdi_capital_musd"`
		Adjusted        int    `yaml:"adjusted_projects"`
		IncreasedProjs  int    `yaml:"capital_increase_projects"`
		IncreaseBVND    string `yaml:"capital_increase_bvnd"`
		TerminatedProjs int    `yaml:"terminated_projects"`
	}
	Cumulative struct {
		Projects    int    `yaml:"projects"`
		FDIProjects int    `yaml:"fdi_projects"`
		FDICapital  string `yaml:"fdi_capital_musd"`
		DDIProjects int    `yaml:"ddi_projects"`
		DDICapital  string `yaml:"ddi_capital_bvnd"`
	}
}

// readHoaBinh reads Hòa Bình's reported figures from configs/demo/boards.yaml.
func readHoaBinh(t *testing.T) hoaBinhFigures {
	t.Helper()
	var file struct {
		Boards []struct {
			Code     string
			Reported hoaBinhFigures
		}
	}
	if err := yaml.Unmarshal(workflowtest.ReadFile(t, filepath.Join(workflowtest.ConfigDir(), "demo", "boards.yaml")), &file); err != nil {
		t.Fatal(err)
	}
	for _, b := range file.Boards {
		if b.Code == "HBI" {
			return b.Reported
		}
	}
	t.Fatal("no HBI board in boards.yaml")
	return hoaBinhFigures{}
}

// TestInvestmentHoaBinh2024H1 rebuilds Hòa Bình's published investment
// figures for the first half of 2024 from dossiers played through the
// engine, and the board's sentences word for word. The history:
//
//   - in 2023, 25 FDI projects are issued with 362,37 triệu USD (24 of 14,5
//     and one of 14,37) and 86 DDI projects: 83 of 190 tỷ, one of 181,69 and
//     two of 50, which are terminated in 2024;
//   - in the first half of 2024: one FDI project of 0,4 triệu USD; 12
//     projects adjusted, of which 4 DDI raise their capital by 10, 20, 25
//     and 30 tỷ (85 in total), 8 change no capital and one of those is
//     adjusted twice; the two DDI projects of 50 tỷ are terminated;
//   - in July 2024, after the period: a new FDI project, an increase of 100
//     tỷ and a termination, none of which may count.
//
// At 30/06/2024 that leaves 26 FDI projects with 362,77 triệu USD and 84 DDI
// projects with 15.951,69 + 85 = 16.036,69 tỷ đồng.
func TestInvestmentHoaBinh2024H1(t *testing.T) {
	fig := readHoaBinh(t)
	eng := workflowtest.Engine(t)
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		hbi := newBoard(t, db, "HBI", "000.20.30.H33")
		h := newDesk(t, db, eng, hbi)
		openingHoaBinh(h)
		h.issue("2024-02-26", "FDI-NEW", true, "400000")
		for i, inc := range []string{"200000000000", "210000000000", "215000000000", "220000000000"} {
			h.adjust(fmt.Sprintf("2024-03-%02d", 4+i), fmt.Sprintf("DDI-%02d", i), inc, "VND")
		}
		for i := 0; i < 4; i++ {
			h.adjust(fmt.Sprintf("2024-04-%02d", 8+i), fmt.Sprintf("FDI-%02d", i), "", "")
			h.adjust(fmt.Sprintf("2024-05-%02d", 6+i), fmt.Sprintf("DDI-%02d", 4+i), "", "")
		}
		h.adjust("2024-06-03", "DDI-04", "", "") // the same project again: still 12 projects
		h.terminate("2024-06-10", "DDI-END-1")
		h.terminate("2024-06-11", "DDI-END-2")
		h.issue("2024-07-01", "FDI-JULY", true, "5000000")
		h.adjust("2024-07-02", "DDI-10", "290000000000", "VND")
		h.terminate("2024-07-03", "FDI-05")

		s := investment(t, db, fig.Period, &hbi.ID)
		checkHoaBinh(t, s, fig)
		if s.Narrative.VI != hoaBinhInvestment {
			t.Errorf("investment sentence\n got %q\nwant %q", s.Narrative.VI, hoaBinhInvestment)
		}
		if s.CumulativeNarrative.VI != hoaBinhCumulative {
			t.Errorf("cumulative sentence\n got %q\nwant %q", s.CumulativeNarrative.VI, hoaBinhCumulative)
		}
		wantEN := "in total 110 valid projects: 26 FDI projects with total capital of USD 362.77 million and " +
			"84 DDI projects with total capital of VND 16,036.69 billion"
		if s.CumulativeNarrative.EN != wantEN {
			t.Errorf("cumulative in English\n got %q\nwant %q", s.CumulativeNarrative.EN, wantEN)
		}
	})
}

// openingHoaBinh issues the projects in force before 2024.
func openingHoaBinh(h *desk) {
	h.t.Helper()
	day := func(i int) string { return fmt.Sprintf("2023-%02d-%02d", 1+i%12, 3+i%25) }
	for i := 0; i < 25; i++ {
		capital := "14500000"
		if i == 24 {
			capital = "14370000"
		}
		h.issue(day(i), fmt.Sprintf("FDI-%02d", i), true, capital)
	}
	for i := 0; i < 84; i++ {
		capital := "190000000000"
		if i == 83 {
			capital = "181690000000"
		}
		h.issue(day(i), fmt.Sprintf("DDI-%02d", i), false, capital)
	}
	h.issue("2023-11-06", "DDI-END-1", false, "50000000000")
	h.issue("2023-11-07", "DDI-END-2", false, "50000000000")
}

// checkHoaBinh compares the statistics with the reported figures.
func checkHoaBinh(t *testing.T, s *reports.InvestmentStats, fig hoaBinhFigures) {
	t.Helper()
	inv, cum := fig.Investment, fig.Cumulative
	checks := []struct {
		name      string
		got, want any
	}{
		{"new FDI projects", s.New.Foreign.Projects, inv.NewFDIProjects},
		{"new FDI capital", s.New.Foreign.Capital, amounts(scaled(t, inv.NewFDICapital, models.CurrencyUSD))},
		{"new DDI projects", s.New.Domestic.Projects, 0},
		{"adjusted projects", s.Adjusted.Projects, inv.Adjusted},
		{"capital increase projects", s.Adjusted.Increased, inv.IncreasedProjs},
		{"capital increase", s.Adjusted.Increase, amounts(scaled(t, inv.IncreaseBVND, models.CurrencyVND))},
		{"terminated projects", s.Terminated.Projects(), inv.TerminatedProjs},
		{"cumulative projects", s.Cumulative.Projects(), cum.Projects},
		{"cumulative FDI projects", s.Cumulative.Foreign.Projects, cum.FDIProjects},
		{"cumulative FDI capital", s.Cumulative.Foreign.Capital, amounts(scaled(t, cum.FDICapital, models.CurrencyUSD))},
		{"cumulative DDI projects", s.Cumulative.Domestic.Projects, cum.DDIProjects},
		{"cumulative DDI capital", s.Cumulative.Domestic.Capital, amounts(scaled(t, cum.DDICapital, models.CurrencyVND))},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, c.got, c.want)
		}
	}
}
