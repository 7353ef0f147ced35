package importer_test

import (
	"context"
	"testing"

	"gorm.io/gorm"

	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/models/modelstest"
	"github.com/motcua/motcua/reports"
	"github.com/motcua/motcua/workflow/workflowtest"
)

// tallyIs checks a tally of projects in one currency (none when n is 0).
func tallyIs(t *testing.T, what string, got reports.Tally, n int, cur models.Currency, minor int64) {
	t.Helper()
	want := reports.Tally{Projects: n}
	if n > 0 {
		want.Capital = reports.Amounts{{Currency: cur, Minor: minor}}
	}
	if got.Projects != want.Projects || len(got.Capital) != len(want.Capital) ||
		(n > 0 && got.Capital.Of(cur) != want.Capital[0]) {
		t.Errorf("%s: got %+v, want %+v", what, got, want)
	}
}

// TestImportInvestment: the Hòa Bình file's opening projects (one
// terminated in 2022) and its issue, adjustments and termination in the
// first half of 2024 give the investment statistics by hand. An opening
// project counts as new in the period of its issue date, and as
// terminated in that of its termination date; afterwards only in the
// cumulative figures, with its capital adjusted by the imported dossiers.
func TestImportInvestment(t *testing.T) {
	eng := workflowtest.Engine(t)
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		hbi := seedBoards(t, db)["HBI"]
		if _, err := importFile(t, db, eng, hbiFile, false); err != nil {
			t.Fatal(err)
		}
		stats := func(p string) *reports.InvestmentStats {
			s, err := reports.Investment(context.Background(), db, reports.Query{Period: period(t, p), BoardID: &hbi.ID})
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		const usd, vnd = models.CurrencyUSD, models.CurrencyVND

		h1 := stats("2024-H1")
		tallyIs(t, "2024-H1 new FDI", h1.New.Foreign, 1, usd, 400_000_00)
		tallyIs(t, "2024-H1 new DDI", h1.New.Domestic, 0, "", 0)
		if a := h1.Adjusted; a.Projects != 3 || a.Increased != 2 || a.Increase.Of(vnd).Minor != 85_000_000_000 || a.Decreased != 0 {
			t.Errorf("2024-H1 adjusted %+v", a)
		}
		tallyIs(t, "2024-H1 terminated DDI", h1.Terminated.Domestic, 1, vnd, 150_000_000_000)
		tallyIs(t, "2024-H1 terminated FDI", h1.Terminated.Foreign, 0, "", 0)
		tallyIs(t, "30/06/2024 cumulative FDI", h1.Cumulative.Foreign, 2, usd, 12_900_000_00)
		tallyIs(t, "30/06/2024 cumulative DDI", h1.Cumulative.Domestic, 2, vnd, 490_000_000_000)
		wantVI := "cấp mới 1 dự án FDI với tổng vốn đăng ký 0,4 triệu USD; điều chỉnh 3 dự án, trong đó 2 dự án tăng vốn " +
			"với tổng vốn tăng 85 tỷ đồng; chấm dứt hoạt động 1 dự án"
		cumVI := "lũy kế 4 dự án còn hiệu lực, gồm 2 dự án FDI với tổng vốn 12,9 triệu USD và 2 dự án DDI với tổng vốn 490 tỷ đồng"
		if h1.Narrative.VI != wantVI || h1.CumulativeNarrative.VI != cumVI {
			t.Errorf("2024-H1 sentences\n got %q\n     %q\nwant %q\n     %q", h1.Narrative.VI, h1.CumulativeNarrative.VI, wantVI, cumVI)
		}

		y2023 := stats("2023")
		if y2023.New.Projects() != 0 || y2023.Adjusted.Projects != 0 || y2023.Terminated.Projects() != 0 {
			t.Errorf("2023: nothing happened, got %+v", y2023)
		}
		tallyIs(t, "31/12/2023 cumulative FDI", y2023.Cumulative.Foreign, 1, usd, 12_500_000_00)
		tallyIs(t, "31/12/2023 cumulative DDI", y2023.Cumulative.Domestic, 3, vnd, 555_000_000_000)

		y2022 := stats("2022")
		tallyIs(t, "2022 terminated FDI", y2022.Terminated.Foreign, 1, usd, 4_800_000_00)
		tallyIs(t, "31/12/2022 cumulative FDI", y2022.Cumulative.Foreign, 1, usd, 12_500_000_00)

		y2016 := stats("2016")
		tallyIs(t, "2016 new FDI (an opening project)", y2016.New.Foreign, 1, usd, 4_800_000_00)
		tallyIs(t, "31/12/2016 cumulative FDI", y2016.Cumulative.Foreign, 1, usd, 4_800_000_00)
		tallyIs(t, "31/12/2016 cumulative DDI", y2016.Cumulative.Domestic, 0, "", 0)

		var renamed models.InvestmentProject
		if err := db.Where("board_id = ? AND code = ?", hbi.ID, "3258147960").First(&renamed).Error; err != nil ||
			renamed.Name != "Nhà máy may mặc xuất khẩu Lương Sơn (mở rộng)" || renamed.Capital != 12_500_000_00 {
			t.Errorf("opening project after its adjustment: %+v %v", renamed, err)
		}
	})
}
