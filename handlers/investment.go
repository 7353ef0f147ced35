package handlers

import (
	"bytes"
	"encoding/json"

	"github.com/motcua/motcua/errs"
	"github.com/motcua/motcua/workflow"
)

// investmentRequest is the `investment` object of POST
// /dossiers/{code}/events: the project an investment-certificate decision
// issues, adjusts or terminates (see workflow.InvestmentInput). capital is
// read as raw JSON so that a number instead of a decimal string gets an
// error naming the field rather than "the body is not valid JSON", and so
// that no amount ever passes through a float.
type investmentRequest struct {
	ProjectCode string          `json:"project_code"`
	Name        string          `json:"name"`
	ZoneID      *uint           `json:"zone_id"`
	Foreign     *bool           `json:"foreign"`
	Capital     json.RawMessage `json:"capital"`
	Currency    string          `json:"currency"`
}

// input turns the request into the engine's input; the engine checks the
// fields against the dossier's variant.
func (r *investmentRequest) input() (*workflow.InvestmentInput, error) {
	capital, err := decimalString(r.Capital)
	if err != nil {
		return nil, err
	}
	return &workflow.InvestmentInput{ProjectCode: r.ProjectCode, Name: r.Name, ZoneID: r.ZoneID, Foreign: r.Foreign,
		Capital: capital, Currency: r.Currency}, nil
}

// decimalString reads capital: absent or null is "", a JSON string is its
// text, anything else (a number included) is refused.
func decimalString(raw json.RawMessage) (string, error) {
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", errs.New(errs.KindInvalid, "invalid_investment", "investment.capital",
			`vốn đầu tư phải là chuỗi số thập phân theo đơn vị tiền tệ, ví dụ "400000"`,
			`investment.capital must be a decimal string in the currency's units, e.g. "400000"`)
	}
	return s, nil
}
