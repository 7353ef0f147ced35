package reports

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"

	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/workflow"
)

// Money is an exact amount of registered capital: an integer number of
// minor units of its currency (cents of USD, đồng).
type Money struct {
	Currency models.Currency
	Minor    int64
}

// Decimal is the amount in the currency's units as a plain decimal string,
// exact: "400000" USD, "16036690000000" VND.
func (m Money) Decimal() string { return models.FormatAmount(m.Minor, m.Currency) }

// moneyUnit is how boards write a currency: USD in millions ("triệu USD"),
// VND in billions ("tỷ đồng"), to two decimals.
type moneyUnit struct {
	perUnit int64  // minor units in one reporting unit
	vi      string // after the number: "triệu USD"
	enCode  string // before the number: "USD"
	enScale string // after the number: "million"
}

// moneyUnits are the reporting units of each currency.
var moneyUnits = map[models.Currency]moneyUnit{
	models.CurrencyUSD: {perUnit: 100 * 1_000_000, vi: "triệu USD", enCode: "USD", enScale: "million"},
	models.CurrencyVND: {perUnit: 1_000_000_000, vi: "tỷ đồng", enCode: "VND", enScale: "billion"},
}

// hundredths rounds the amount to hundredths of its reporting unit, half
// away from zero, in integers (no float is ever involved).
func (m Money) hundredths() int64 {
	step := moneyUnits[m.Currency].perUnit / 100
	q, r := m.Minor/step, m.Minor%step
	if r < 0 {
		r = -r
	}
	if 2*r >= step {
		if m.Minor < 0 {
			q--
		} else {
			q++
		}
	}
	return q
}

// VI writes the amount as boards do: "0,4 triệu USD", "362,77 triệu USD",
// "16.036,69 tỷ đồng", "85 tỷ đồng": USD in millions, VND in billions,
// rounded to two decimals, Vietnamese decimal comma and thousands dot,
// trailing zeros trimmed.
func (m Money) VI() string {
	return groupedDecimal(m.hundredths(), ".", ",") + " " + moneyUnits[m.Currency].vi
}

// EN writes the amount in English: "USD 0.4 million", "VND 16,036.69 billion".
func (m Money) EN() string {
	u := moneyUnits[m.Currency]
	return u.enCode + " " + groupedDecimal(m.hundredths(), ",", ".") + " " + u.enScale
}

// Text is the amount in both languages.
func (m Money) Text() workflow.Text { return workflow.Text{VI: m.VI(), EN: m.EN()} }

// MarshalJSON writes {"currency": "USD", "amount": "400000", "text": {"vi":
// "0,4 triệu USD", "en": "USD 0.4 million"}}: the exact amount as a
// decimal string in the currency's units, and how boards write it.
func (m Money) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Currency models.Currency `json:"currency"`
		Amount   string          `json:"amount"`
		Text     workflow.Text   `json:"text"`
	}{m.Currency, m.Decimal(), m.Text()})
}

// groupedDecimal writes a number of hundredths with thousands separators
// and at most two decimals, trailing zeros trimmed: 1603669 → "16.036,69"
// (sep ".", point ","), 40 → "0,4", 8500 → "85".
func groupedDecimal(hundredths int64, sep, point string) string {
	sign := ""
	if hundredths < 0 {
		sign, hundredths = "-", -hundredths
	}
	whole := strconv.FormatInt(hundredths/100, 10)
	var b strings.Builder
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(c)
	}
	frac := strings.TrimRight(strconv.FormatInt(100+hundredths%100, 10)[1:], "0")
	if frac != "" {
		return sign + b.String() + point + frac
	}
	return sign + b.String()
}

// Amounts is a sum of money in one or more currencies, one entry per
// currency in the order of models.Currencies (USD, then VND), none zero.
type Amounts []Money

// add returns the sum with m added to its currency.
func (a Amounts) add(m Money) Amounts {
	if m.Minor == 0 {
		return a
	}
	for i := range a {
		if a[i].Currency == m.Currency {
			a[i].Minor += m.Minor
			return a.tidy()
		}
	}
	return append(a, m).tidy()
}

// tidy drops zero entries and orders the currencies.
func (a Amounts) tidy() Amounts {
	out := a[:0]
	for _, m := range a {
		if m.Minor != 0 {
			out = append(out, m)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return currencyRank(out[i].Currency) < currencyRank(out[j].Currency) })
	return out
}

// currencyRank orders currencies as models.Currencies does.
func currencyRank(c models.Currency) int {
	for i, v := range models.Currencies {
		if v == c {
			return i
		}
	}
	return len(models.Currencies)
}

// Of returns the amount in currency c (zero if none).
func (a Amounts) Of(c models.Currency) Money {
	for _, m := range a {
		if m.Currency == c {
			return m
		}
	}
	return Money{Currency: c}
}

// VI writes the amounts joined by "và": "362,77 triệu USD và 50 tỷ đồng".
func (a Amounts) VI() string { return a.join(Money.VI, " và ") }

// EN writes the amounts joined by "and".
func (a Amounts) EN() string { return a.join(Money.EN, " and ") }

// join writes each amount with f.
func (a Amounts) join(f func(Money) string, and string) string {
	parts := make([]string, len(a))
	for i, m := range a {
		parts[i] = f(m)
	}
	return strings.Join(parts, and)
}

// MarshalJSON writes an empty list, not null, when there is nothing.
func (a Amounts) MarshalJSON() ([]byte, error) {
	if a == nil {
		return []byte("[]"), nil
	}
	return json.Marshal([]Money(a))
}
