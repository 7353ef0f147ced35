package reports_test

import (
	"encoding/json"
	"math/big"
	"testing"

	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/reports"
)

// scaled turns a figure as boards.yaml writes it ("0.4" million USD,
// "16036.69" billion VND) into an exact amount of the currency, with
// math/big: no float touches it.
func scaled(t testing.TB, figure string, c models.Currency) reports.Money {
	t.Helper()
	r, ok := new(big.Rat).SetString(figure)
	if !ok {
		t.Fatalf("figure %q", figure)
	}
	unit := map[models.Currency]int64{models.CurrencyUSD: 100 * 1_000_000, models.CurrencyVND: 1_000_000_000}[c]
	r.Mul(r, new(big.Rat).SetInt64(unit))
	if !r.IsInt() {
		t.Fatalf("figure %q is not a whole number of minor units", figure)
	}
	return reports.Money{Currency: c, Minor: r.Num().Int64()}
}

// TestMoneyBoardsFigures writes the amounts of boards.yaml the way the
// boards printed them: USD in millions, VND in billions, decimal comma,
// thousands dot.
func TestMoneyBoardsFigures(t *testing.T) {
	for _, c := range []struct {
		figure   string // as in boards.yaml
		currency models.Currency
		vi, en   string
	}{
		{"0.4", models.CurrencyUSD, "0,4 triệu USD", "USD 0.4 million"},                   // HBI new_fdi_capital_musd
		{"362.77", models.CurrencyUSD, "362,77 triệu USD", "USD 362.77 million"},          // HBI fdi_capital_musd
		{"16036.69", models.CurrencyVND, "16.036,69 tỷ đồng", "VND 16,036.69 billion"},    // HBI ddi_capital_bvnd
		{"85", models.CurrencyVND, "85 tỷ đồng", "VND 85 billion"},                        // HBI capital_increase_bvnd
		{"89.53", models.CurrencyUSD, "89,53 triệu USD", "USD 89.53 million"},             // BGG new_fdi_capital_musd
		{"3072.7", models.CurrencyVND, "3.072,7 tỷ đồng", "VND 3,072.7 billion"},          // BGG infrastructure_capital_bvnd
		{"273.5", models.CurrencyUSD, "273,5 triệu USD", "USD 273.5 million"},             // VPC fdi_capital_musd
		{"2182.61", models.CurrencyVND, "2.182,61 tỷ đồng", "VND 2,182.61 billion"},       // VPC ddi_capital_bvnd
		{"1000000", models.CurrencyVND, "1.000.000 tỷ đồng", "VND 1,000,000 billion"},     // thousands twice
		{"0", models.CurrencyUSD, "0 triệu USD", "USD 0 million"},                         // nothing
		{"12345.678", models.CurrencyUSD, "12.345,68 triệu USD", "USD 12,345.68 million"}, // rounded up
	} {
		m := scaled(t, c.figure, c.currency)
		if got := m.VI(); got != c.vi {
			t.Errorf("%s %s: VI %q, want %q", c.figure, c.currency, got, c.vi)
		}
		if got := m.EN(); got != c.en {
			t.Errorf("%s %s: EN %q, want %q", c.figure, c.currency, got, c.en)
		}
	}
}

// TestMoneyRounding rounds to two decimals of the reporting unit, half away
// from zero, on the exact integer amount.
func TestMoneyRounding(t *testing.T) {
	for _, c := range []struct {
		m  reports.Money
		vi string
	}{
		{reports.Money{Currency: models.CurrencyVND, Minor: 85_004_999_999}, "85 tỷ đồng"},
		{reports.Money{Currency: models.CurrencyVND, Minor: 85_005_000_000}, "85,01 tỷ đồng"},
		{reports.Money{Currency: models.CurrencyVND, Minor: 84_995_000_000}, "85 tỷ đồng"},
		{reports.Money{Currency: models.CurrencyVND, Minor: 4_999_999}, "0 tỷ đồng"},
		{reports.Money{Currency: models.CurrencyVND, Minor: 5_000_000}, "0,01 tỷ đồng"},
		{reports.Money{Currency: models.CurrencyUSD, Minor: 150_000_050}, "1,5 triệu USD"}, // 1.500.000,50 USD
		{reports.Money{Currency: models.CurrencyUSD, Minor: 36_276_500_000}, "362,77 triệu USD"},
		{reports.Money{Currency: models.CurrencyUSD, Minor: 36_276_499_999}, "362,76 triệu USD"},
		{reports.Money{Currency: models.CurrencyUSD, Minor: -40_000_000}, "-0,4 triệu USD"},
		{reports.Money{Currency: models.CurrencyUSD, Minor: -500_000}, "-0,01 triệu USD"},
		{reports.Money{Currency: models.CurrencyUSD, Minor: 100_000_000_000_000_000}, "1.000.000.000 triệu USD"},
	} {
		if got := c.m.VI(); got != c.vi {
			t.Errorf("%+v: %q, want %q", c.m, got, c.vi)
		}
	}
}

// TestMoneyJSON: the exact amount as a decimal string in the currency's
// units, and the boards' wording.
func TestMoneyJSON(t *testing.T) {
	b, err := json.Marshal(reports.Amounts{{Currency: models.CurrencyUSD, Minor: 150_000_050},
		{Currency: models.CurrencyVND, Minor: 16_036_690_000_000}})
	if err != nil {
		t.Fatal(err)
	}
	want := `[{"currency":"USD","amount":"1500000.5","text":{"vi":"1,5 triệu USD","en":"USD 1.5 million"}},` +
		`{"currency":"VND","amount":"16036690000000","text":{"vi":"16.036,69 tỷ đồng","en":"VND 16,036.69 billion"}}]`
	if string(b) != want {
		t.Fatalf("JSON\n got %s\nwant %s", b, want)
	}
	if b, _ := json.Marshal(reports.Amounts(nil)); string(b) != "[]" {
		t.Fatalf("no amounts: %s, want []", b)
	}
}
