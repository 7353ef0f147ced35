package handlers

import (
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/models/modelstest"
	"github.com/motcua/motcua/workflow/workflowtest"
)

// TestEveryProcedureOverHTTP drives a dossier of each of the five
// procedures from filing to the returned result over HTTP, each step by the
// role the catalogue names: the investor files online and uploads the
// required papers, the officer receives, assigns and asks for a supplement,
// the investor resubmits, the officer proposes, the leader approves, the
// officer returns the result. The server's clock is 16/11/2026 09:00.
func TestEveryProcedureOverHTTP(t *testing.T) {
	procedures := []struct {
		procedure, variant, wantDue string
	}{
		// 10 working days, skipping 24/11.
		{"construction-permit", "new", "2026-12-01T23:59:59+07:00"},
		// 15 working days.
		{"feasibility-appraisal", "group_c", "2026-12-08T23:59:59+07:00"},
		// 16/11 + 30 days = Wed 16/12.
		{"environmental-licence", "provincial", "2026-12-16T23:59:59+07:00"},
		{"union-registration", "standard", "2026-12-01T23:59:59+07:00"},
		// 5 working days after the policy decision: 17-20, (24/11 off) → Mon 23/11.
		{"investment-certificate", "issue_after_policy", "2026-11-23T23:59:59+07:00"},
	}
	eng := workflowtest.Engine(t)
	now := time.Date(2026, 11, 16, 9, 0, 0, 0, deadlines.Location)
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newAttachFixture(t, db)
		for _, p := range procedures {
			var d submitted
			if status, _ := f.post(t, "hbi.investor", "/api/v1/dossiers", "", map[string]any{"board": "HBI", "procedure": p.procedure,
				"variant": p.variant, "applicant_name": "Công ty TNHH Năm Thủ Tục"}, &d); status != 201 {
				t.Fatalf("%s: submit %d %+v", p.procedure, status, d.Error)
			}
			proc, _ := eng.Catalogue().Procedure(p.procedure)
			v, _ := proc.VersionAt(now)
			for _, doc := range v.RequiredDocuments(p.variant) {
				if r := f.upload(t, "hbi.investor", d.Code, doc, doc+".pdf", minimalPDF()); r.status != 201 {
					t.Fatalf("%s: upload %s: %d", p.procedure, doc, r.status)
				}
			}
			steps := []struct{ user, event string }{
				{"hbi.officer", "receive"}, {"hbi.officer", "assign"}, {"hbi.officer", "request_supplement"},
				{"hbi.investor", "resubmit"}, {"hbi.officer", "propose"}, {"hbi.leader", "approve"},
				{"hbi.officer", "return_result"},
			}
			for i, s := range steps {
				var out fired
				body := map[string]any{"event": s.event, "version": i + 1, "comment": "Đề nghị bổ sung / please supplement"}
				if s.event == "approve" {
					body["result"] = map[string]any{"medium": "paper"}
				}
				if s.event == "approve" && p.procedure == "investment-certificate" {
					body["investment"] = map[string]any{"project_code": "2143658709", "name": "Nhà máy linh kiện điện tử Lương Sơn",
						"zone_id": workflowtest.Zone(t, db, f.boardID(t, "HBI")), "foreign": true, "capital": "400000", "currency": "USD"}
				}
				if status := f.call(t, f.tokens[s.user], "POST", "/api/v1/dossiers/"+d.Code+"/events", body, &out); status != 200 {
					t.Fatalf("%s: %s by %s: %d", p.procedure, s.event, s.user, status)
				}
				if s.event == "receive" && (out.Dossier.DueAt == nil || *out.Dossier.DueAt != p.wantDue) {
					t.Fatalf("%s: due_at after receipt %v, want %s", p.procedure, out.Dossier.DueAt, p.wantDue)
				}
				if s.event == "return_result" && (out.Dossier.State != "returned" || out.Dossier.Outcome == nil || *out.Dossier.Outcome != "early") {
					t.Fatalf("%s: ended %s %v, want returned early", p.procedure, out.Dossier.State, out.Dossier.Outcome)
				}
			}
		}
	})
}
