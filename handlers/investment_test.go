package handlers

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/models/modelstest"
	"github.com/motcua/motcua/workflow/workflowtest"
)

// TestInvestmentOverHTTP: the dossier says what approving it does to its
// project; POST /dossiers/{code}/events takes the `investment` object with
// approve, names the faulty field in 400 and 422 answers, refuses the
// object with other events, and records the project on success.
func TestInvestmentOverHTTP(t *testing.T) {
	eng := workflowtest.Engine(t)
	filed := time.Date(2026, 11, 16, 8, 0, 0, 0, deadlines.Location) // the fixture's clock is 09:00 that day
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newAPIFixture(t, db)
		hbi := f.boardID(t, "HBI")
		zone := workflowtest.Zone(t, db, hbi)
		issue := workflowtest.PendingDecision(t, db, eng, hbi, "investment-certificate", "issue_after_policy", filed)
		adjust := workflowtest.PendingDecision(t, db, eng, hbi, "investment-certificate", "adjust_other", filed)

		var got struct {
			InvestmentKind string `json:"investment_kind"`
		}
		if status := f.call(t, f.tokens["hbi.leader"], "GET", "/api/v1/dossiers/"+issue.Code, nil, &got); status != 200 || got.InvestmentKind != "issue" {
			t.Fatalf("GET: %d, investment_kind %q, want issue", status, got.InvestmentKind)
		}
		valid := fmt.Sprintf(`"project_code": "2143658709", "name": "Nhà máy linh kiện điện tử Lương Sơn", "zone_id": %d, "foreign": true`, zone)
		for _, c := range []struct {
			name, user, code, body string
			status                 int
			errCode, field         string
		}{
			{"approve without investment", "hbi.leader", issue.Code, `{"event": "approve", "version": 4, "result": {"medium": "paper"}}`, 400, "invalid_investment", "investment"},
			{"capital as a number", "hbi.leader", issue.Code, `{"event": "approve", "version": 4, "result": {"medium": "paper"}, "investment": {` + valid + `, "capital": 400000, "currency": "USD"}}`, 400, "invalid_investment", "investment.capital"},
			{"unknown currency", "hbi.leader", issue.Code, `{"event": "approve", "version": 4, "result": {"medium": "paper"}, "investment": {` + valid + `, "capital": "400000", "currency": "EUR"}}`, 400, "invalid_investment", "investment.currency"},
			{"foreign missing", "hbi.leader", issue.Code, fmt.Sprintf(`{"event": "approve", "version": 4, "result": {"medium": "paper"}, "investment": {"project_code": "1", "name": "Dự án", "zone_id": %d, "capital": "1", "currency": "USD"}}`, zone), 400, "invalid_investment", "investment.foreign"},
			{"adjust an unknown project", "hbi.leader", adjust.Code, `{"event": "approve", "version": 4, "result": {"medium": "paper"}, "investment": {"project_code": "9999999999", "capital": "500000", "currency": "USD"}}`, 422, "investment_project_not_found", "investment.project_code"},
			{"with another event", "hbi.officer", f.code, `{"event": "receive", "version": 1, "investment": {"project_code": "1"}}`, 400, "invalid_investment", "investment"},
		} {
			status, body := f.raw(t, f.tokens[c.user], "POST", "/api/v1/dossiers/"+c.code+"/events", c.body)
			var e apiError
			json.Unmarshal([]byte(body), &e)
			if status != c.status || e.Error.Code != c.errCode || e.Error.Details["field"] != c.field {
				t.Errorf("%s: %d %s on %v; want %d %s on %s (%s)", c.name, status, e.Error.Code, e.Error.Details["field"],
					c.status, c.errCode, c.field, body)
			}
		}

		var out fired
		body := `{"event": "approve", "version": 4, "result": {"medium": "paper"}, "investment": {` + valid + `, "capital": "400000", "currency": "USD"}}`
		if status, raw := f.raw(t, f.tokens["hbi.leader"], "POST", "/api/v1/dossiers/"+issue.Code+"/events", body); status != 200 {
			t.Fatalf("approve: %d %s", status, raw)
		} else if json.Unmarshal([]byte(raw), &out); out.Dossier.State != "approved" {
			t.Fatalf("approve: state %q", out.Dossier.State)
		}
		var p models.InvestmentProject
		if err := db.Where("board_id = ? AND code = ?", hbi, "2143658709").First(&p).Error; err != nil {
			t.Fatal(err)
		}
		if p.Capital != 40_000_000 || p.Currency != models.CurrencyUSD || !p.ForeignInvested || p.ZoneID == nil || *p.ZoneID != zone {
			t.Fatalf("project %+v", p)
		}
	})
}
