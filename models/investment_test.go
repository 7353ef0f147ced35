package models_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/models/modelstest"
)

// TestParseAmount reads decimal strings in the currency's units into exact
// minor units, and FormatAmount writes them back.
func TestParseAmount(t *testing.T) {
	for _, c := range []struct {
		s        string
		currency models.Currency
		minor    int64
		back     string
	}{
		{"400000", models.CurrencyUSD, 40_000_000, "400000"},
		{"400000.5", models.CurrencyUSD, 40_000_050, "400000.5"},
		{"400000.50", models.CurrencyUSD, 40_000_050, "400000.5"},
		{"0.01", models.CurrencyUSD, 1, "0.01"},
		{" 007.10 ", models.CurrencyUSD, 710, "7.1"},
		{"85000000000", models.CurrencyVND, 85_000_000_000, "85000000000"},
		{"85000000000.000", models.CurrencyVND, 85_000_000_000, "85000000000"},
		{"0", models.CurrencyVND, 0, "0"},
		{"100000000000000000", models.CurrencyVND, models.MaxAmount, "100000000000000000"},
		{"1000000000000000", models.CurrencyUSD, models.MaxAmount, "1000000000000000"},
	} {
		got, err := models.ParseAmount(c.s, c.currency)
		if err != nil || got != c.minor {
			t.Errorf("ParseAmount(%q, %s) = %d, %v; want %d", c.s, c.currency, got, err, c.minor)
			continue
		}
		if back := models.FormatAmount(got, c.currency); back != c.back {
			t.Errorf("FormatAmount(%d, %s) = %q, want %q", got, c.currency, back, c.back)
		}
	}
}

// TestParseAmountRefuses signs, separators, exponents, too many decimals
// and amounts past MaxAmount.
func TestParseAmountRefuses(t *testing.T) {
	for _, c := range []struct {
		s        string
		currency models.Currency
	}{
		{"", models.CurrencyUSD}, {"-1", models.CurrencyUSD}, {"+1", models.CurrencyUSD}, {"1,5", models.CurrencyUSD},
		{"1.000.000", models.CurrencyVND}, {"1e6", models.CurrencyUSD}, {".5", models.CurrencyUSD}, {"5.", models.CurrencyUSD},
		{"0.001", models.CurrencyUSD}, {"1.5", models.CurrencyVND}, {"100000000000000001", models.CurrencyVND},
		{"1000000000000000.01", models.CurrencyUSD}, {"99999999999999999999999", models.CurrencyVND}, {"NaN", models.CurrencyUSD},
	} {
		if v, err := models.ParseAmount(c.s, c.currency); !errors.Is(err, models.ErrAmount) {
			t.Errorf("ParseAmount(%q, %s) = %d, %v; want ErrAmount", c.s, c.currency, v, err)
		}
	}
	if _, err := models.ParseCurrency("EUR"); err == nil {
		t.Error("EUR accepted")
	}
}

// TestInvestmentStore: a project code is unique per board (InsertProject
// reports the clash without failing the transaction), the table refuses an
// unknown currency, and a dossier has at most one record.
func TestInvestmentStore(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		when := time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)
		p := func(board uint, code string, cur models.Currency) *models.InvestmentProject {
			return &models.InvestmentProject{BoardID: board, Code: code, Name: "Dự án", Capital: 1, Currency: cur,
				Status: models.ProjectValid, IssuedAt: when}
		}
		err := models.InTx(ctx, db, func(tx *gorm.DB) error {
			for _, c := range []struct {
				board uint
				code  string
				want  bool
			}{{1, "A", true}, {2, "A", true}, {1, "A", false}, {1, "B", true}} {
				if ok, err := models.InsertProject(ctx, tx, p(c.board, c.code, models.CurrencyUSD)); err != nil || ok != c.want {
					t.Errorf("insert %d/%s: %v %v, want %v", c.board, c.code, ok, err, c.want)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := models.InsertProject(ctx, db, p(1, "C", "EUR")); err == nil {
			t.Error("a project in EUR was stored")
		}
		dossier := uint64(7)
		r := models.InvestmentRecord{BoardID: 1, DossierID: &dossier, ProjectID: 1, Kind: models.InvestmentIssue, At: when,
			CapitalAfter: 1, Currency: models.CurrencyUSD}
		if err := models.InsertInvestmentRecord(ctx, db, &r); err != nil {
			t.Fatal(err)
		}
		r.ID = 0
		if err := models.InsertInvestmentRecord(ctx, db, &r); err == nil {
			t.Error("a second record for the same dossier was stored")
		}
	})
}
