package handlers

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/models/modelstest"
	"github.com/motcua/motcua/notify"
	"github.com/motcua/motcua/notify/notifytest"
	"github.com/motcua/motcua/service"
	"github.com/motcua/motcua/workflow/workflowtest"
)

// eventOut is the answer to an event, with what the flows check.
type eventOut struct {
	Dossier struct {
		State            string  `json:"state"`
		Version          int     `json:"version"`
		DueAt            *string `json:"due_at"`
		ClockState       string  `json:"clock_state"`
		ExtensionCount   int     `json:"extension_count"`
		ExtensionPending bool    `json:"extension_pending"`
		Assignee         *struct {
			ID uint `json:"id"`
		} `json:"assignee"`
		Result *struct {
			Medium       string  `json:"medium"`
			AttachmentID *uint64 `json:"attachment_id"`
		} `json:"result"`
		Step *struct {
			State string  `json:"state"`
			DueAt *string `json:"due_at"`
		} `json:"step"`
	} `json:"dossier"`
	Event historyJSON `json:"event"`
	apiError
}

// fire sends an event as user at the dossier's current version plus
// fields, and checks the status.
func (f *apiFixture) fire(t *testing.T, user, code, event string, fields map[string]any, status int) eventOut {
	t.Helper()
	var cur struct {
		Version int `json:"version"`
	}
	f.call(t, f.tokens[user], http.MethodGet, "/api/v1/dossiers/"+code, nil, &cur)
	body := map[string]any{"event": event, "version": cur.Version}
	for k, v := range fields {
		body[k] = v
	}
	var out eventOut
	if got := f.call(t, f.tokens[user], http.MethodPost, "/api/v1/dossiers/"+code+"/events", body, &out); got != status {
		t.Fatalf("%s by %s: %d %s %s, want %d", event, user, got, out.Error.Code, out.Error.Message, status)
	}
	return out
}

// wantCode checks an error answer's code and field.
func wantCode(t *testing.T, what string, out eventOut, code, field string) {
	t.Helper()
	if out.Error.Code != code || (field != "" && out.Error.Details["field"] != field) {
		t.Fatalf("%s: error %s on %v, want %s on %s", what, out.Error.Code, out.Error.Details["field"], code, field)
	}
}

// history reads the control sheet of code as user.
func (f *apiFixture) history(t *testing.T, user, code string) []historyJSON {
	t.Helper()
	var h struct {
		History []historyJSON `json:"history"`
	}
	if status := f.call(t, f.tokens[user], http.MethodGet, "/api/v1/dossiers/"+code+"/history", nil, &h); status != 200 {
		t.Fatalf("history: %d", status)
	}
	return h.History
}

// notificationBodies reads user's in-app notifications of kind.
func (f *apiFixture) notificationBodies(t *testing.T, user, kind string) []string {
	t.Helper()
	var page struct {
		Items []notificationJSON `json:"items"`
	}
	f.call(t, f.tokens[user], http.MethodGet, "/api/v1/notifications", nil, &page)
	var out []string
	for _, n := range page.Items {
		if n.Kind == kind {
			out = append(out, n.Subject+"\n"+n.Body)
		}
	}
	return out
}

// form reads a form's data.
func (f *apiFixture) form(t *testing.T, user, code, kind string) formJSON {
	t.Helper()
	var out formJSON
	if status := f.call(t, f.tokens[user], http.MethodGet, "/api/v1/dossiers/"+code+"/forms/"+kind, nil, &out); status != 200 {
		t.Fatalf("form %s: %d", kind, status)
	}
	return out
}

// TestIntakeCompletionOverHTTP: an incomplete online dossier goes back
// before receipt with form 02 listing what is missing and why; the clock
// does not start; the investor completes it and it returns to intake,
// where it is received. An intake refusal (form 03) carries its reason.
func TestIntakeCompletionOverHTTP(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newAPIFixture(t, db)
		var d eventOut
		f.call(t, f.tokens["hbi.officer"], http.MethodGet, "/api/v1/dossiers/"+f.code, nil, &d.Dossier)
		// The online dossier's intake check runs 8 working hours from its
		// arrival, Mon 16/11 08:00: 3.5 h to 11:30, 4 h from 13:00 to 17:00,
		// and half an hour from 07:30 on Tuesday.
		if d.Dossier.Step == nil || d.Dossier.Step.State != "submitted" || d.Dossier.Step.DueAt == nil ||
			*d.Dossier.Step.DueAt != "2026-11-17T08:00:00+07:00" {
			t.Fatalf("intake step: %+v %v", d.Dossier.Step, *d.Dossier.Step.DueAt)
		}
		wantCode(t, "no list", f.fire(t, "hbi.officer", f.code, "request_completion", nil, 422), "missing_required", "missing")
		wantCode(t, "no reason", f.fire(t, "hbi.officer", f.code, "request_completion", map[string]any{
			"missing": []map[string]any{{"document": "land_rights"}}}, 400), "invalid_missing[0].reason", "missing[0].reason")
		wantCode(t, "unknown document", f.fire(t, "hbi.officer", f.code, "request_completion", map[string]any{
			"missing": []map[string]any{{"document": "passport", "reason": "x"}}}, 400), "invalid_missing[0].document", "missing[0].document")
		missing := []map[string]any{
			{"document": "land_rights", "reason": "Bản sao chưa được chứng thực"},
			{"description": "Giấy ủy quyền nộp hồ sơ", "reason": "Người nộp không phải người đại diện theo pháp luật"},
		}
		out := f.fire(t, "hbi.officer", f.code, "request_completion", map[string]any{"missing": missing,
			"comment": "Đề nghị hoàn thiện hồ sơ theo hướng dẫn"}, 200)
		if out.Dossier.State != "completion_requested" || out.Dossier.ClockState != "idle" || out.Dossier.DueAt != nil ||
			out.Event.Form != "02" || len(out.Event.Missing) != 2 || out.Event.StepOutcome == nil {
			t.Fatalf("after the completion request: %+v / %+v", out.Dossier, out.Event)
		}
		wantCode(t, "receipt before completion", f.fire(t, "hbi.officer", f.code, "receive", nil, 409), "event_not_allowed", "event")

		body := strings.Join(f.notificationBodies(t, "hbi.investor", "completion_requested"), "")
		for _, want := range []string{"Giấy tờ hợp pháp về quyền sử dụng đất", "Bản sao chưa được chứng thực",
			"Giấy ủy quyền nộp hồ sơ", "Người nộp không phải người đại diện theo pháp luật", "Proof of land-use rights"} {
			if !strings.Contains(body, want) {
				t.Fatalf("the investor's notice lacks %q:\n%s", want, body)
			}
		}
		fm := f.form(t, "hbi.investor", f.code, "completion")
		if fm.Number != "02" || fm.Circular != "TT 03/2025/TT-VPCP" || len(fm.Missing) != 2 ||
			fm.Missing[0].Name.VI != "Giấy tờ hợp pháp về quyền sử dụng đất" || fm.Missing[1].Reason == "" ||
			fm.Heading["country"] != "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" {
			t.Fatalf("form 02: %+v", fm)
		}

		out = f.fire(t, "hbi.investor", f.code, "complete", nil, 200)
		if out.Dossier.State != "submitted" || out.Dossier.ClockState != "idle" || out.Dossier.Step == nil || out.Dossier.Step.DueAt == nil {
			t.Fatalf("completed: %+v", out.Dossier)
		}
		out = f.fire(t, "hbi.officer", f.code, "receive", nil, 200)
		if out.Dossier.State != "received" || out.Dossier.DueAt == nil || out.Event.Form != "01" {
			t.Fatalf("received after completion: %+v", out.Dossier)
		}

		// Intake refusal: the reason in the history, the notice and form 03.
		other := f.submitAs(t, "hbi.investor", "HBI")
		wantCode(t, "refusal without reason", f.fire(t, "hbi.officer", other, "reject_intake", nil, 422), "comment_required", "comment")
		out = f.fire(t, "hbi.officer", other, "reject_intake", map[string]any{"comment": "Dự án không thuộc khu công nghiệp do Ban quản lý"}, 200)
		if out.Dossier.State != "intake_rejected" || out.Event.Comment == "" || out.Event.Form != "03" {
			t.Fatalf("refused at intake: %+v %+v", out.Dossier, out.Event)
		}
		if body := strings.Join(f.notificationBodies(t, "hbi.investor", "intake_rejected"), ""); !strings.Contains(body,
			"Dự án không thuộc khu công nghiệp do Ban quản lý") {
			t.Fatalf("the refusal notice lacks its reason:\n%s", body)
		}
		if fm := f.form(t, "hbi.investor", other, "refusal"); fm.Number != "03" || fm.Event == nil || fm.Event.Comment == "" {
			t.Fatalf("form 03: %+v", fm)
		}
	})
}

// submitAs files a union registration online as user with board.
func (f *apiFixture) submitAs(t *testing.T, user, board string) string {
	t.Helper()
	var out struct {
		Code string `json:"code"`
	}
	body := map[string]any{"board": board, "procedure": "union-registration", "variant": "standard",
		"applicant_name": "Công đoàn cơ sở Công ty TNHH Hai Ban"}
	if status := f.call(t, f.tokens[user], http.MethodPost, "/api/v1/dossiers", body, &out); status != 201 {
		t.Fatalf("%s files with %s: %d", user, board, status)
	}
	return out.Code
}

// TestExtensionOverHTTP: the officer proposes (reason, new date, apology
// letter); only the leader's approval moves the appointment, once; the
// reason reads back from the history row, the investor's notice, the
// control sheet and form 04.
func TestExtensionOverHTTP(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newAPIFixture(t, db)
		f.fire(t, "hbi.officer", f.code, "receive", nil, 200)
		f.fire(t, "hbi.officer", f.code, "assign", nil, 200)
		const reason = "Cần lấy thêm ý kiến Phòng Cảnh sát PCCC về phương án thoát nạn"
		const letter = "Ban Quản lý xin lỗi Công ty vì chưa trả kết quả đúng hẹn (Phiếu số 15/PXL-BQL)"
		ext := map[string]any{"reason": reason, "new_due_date": "2026-12-08", "apology_letter": letter}
		wantCode(t, "a leader proposes", f.fire(t, "hbi.leader", f.code, "propose_extension", map[string]any{"extension": ext}, 403), "role_not_allowed", "role")
		wantCode(t, "no extension", f.fire(t, "hbi.officer", f.code, "propose_extension", nil, 400), "invalid_extension", "extension")
		wantCode(t, "a rest day", f.fire(t, "hbi.officer", f.code, "propose_extension", map[string]any{"extension": map[string]any{
			"reason": reason, "new_due_date": "2026-12-06", "apology_letter": letter}}, 422), "extension_date_rest_day", "new_due_date")
		wantCode(t, "extension on receive", f.fire(t, "hbi.officer", f.code, "propose", map[string]any{"extension": ext}, 400), "invalid_extension", "extension")

		out := f.fire(t, "hbi.officer", f.code, "propose_extension", map[string]any{"extension": ext}, 200)
		if *out.Dossier.DueAt != "2026-12-01T23:59:59+07:00" || out.Dossier.ExtensionCount != 0 || !out.Dossier.ExtensionPending {
			t.Fatalf("a proposal moved the appointment: %+v", out.Dossier)
		}
		wantCode(t, "a second proposal", f.fire(t, "hbi.officer", f.code, "propose_extension", map[string]any{"extension": ext}, 409), "extension_pending", "event")
		wantCode(t, "an officer approves", f.fire(t, "hbi.officer", f.code, "approve_extension", nil, 403), "role_not_allowed", "role")
		out = f.fire(t, "hbi.leader", f.code, "approve_extension", nil, 200)
		if *out.Dossier.DueAt != "2026-12-08T23:59:59+07:00" || out.Dossier.ExtensionCount != 1 || out.Dossier.ExtensionPending {
			t.Fatalf("approved: %+v", out.Dossier)
		}
		// 1. The history row, as the event's answer and the control sheet give it.
		rows := f.history(t, "hbi.investor", f.code)
		approval := rows[len(rows)-1]
		if x := approval.Extension; x == nil || x.Reason != reason || x.ApologyLetter != letter || x.NewDueDate != "2026-12-08" ||
			x.PreviousDueAt != "2026-12-01T23:59:59+07:00" || x.ProposalSeq != approval.Seq-1 || approval.Form != "04" {
			t.Fatalf("the approval's history row: %+v %+v", approval, approval.Extension)
		}
		// 2. The investor's notice.
		notices := f.notificationBodies(t, "hbi.investor", "appointment_moved")
		if len(notices) != 1 || !strings.Contains(notices[0], "Lý do: "+reason) || !strings.Contains(notices[0], "08/12/2026") ||
			!strings.Contains(notices[0], letter) {
			t.Fatalf("the investor's notice: %q", notices)
		}
		// 3. The control sheet and form 04.
		sheet := f.form(t, "hbi.officer", f.code, "control_sheet")
		if sheet.Number != "06" || sheet.Steps[len(sheet.Steps)-1].Extension == nil || sheet.Steps[len(sheet.Steps)-1].Extension.Reason != reason {
			t.Fatalf("control sheet: %+v", sheet)
		}
		apology := f.form(t, "hbi.investor", f.code, "apology")
		if apology.Number != "04" || apology.Title.VI != "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết" ||
			apology.Event == nil || apology.Event.Extension.Reason != reason || apology.IssuedBy != "hbi.leader" {
			t.Fatalf("form 04: %+v", apology)
		}
		// Once only.
		wantCode(t, "a second extension", f.fire(t, "hbi.officer", f.code, "propose_extension", map[string]any{"extension": map[string]any{
			"reason": reason, "new_due_date": "2026-12-15", "apology_letter": letter}}, 422), "extension_limit", "")
	})
}

// TestExtensionRefusedOverHTTP: a leader's refusal needs a reason and
// moves nothing; the officer may propose again.
func TestExtensionRefusedOverHTTP(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newAPIFixture(t, db)
		f.fire(t, "hbi.officer", f.code, "receive", nil, 200)
		wantCode(t, "approval without proposal", f.fire(t, "hbi.leader", f.code, "approve_extension", nil, 409), "no_extension_pending", "event")
		ext := map[string]any{"reason": "Chờ ý kiến", "new_due_date": "2026-12-08", "apology_letter": "Thư xin lỗi"}
		f.fire(t, "hbi.officer", f.code, "propose_extension", map[string]any{"extension": ext}, 200)
		wantCode(t, "refusal without reason", f.fire(t, "hbi.leader", f.code, "refuse_extension", nil, 422), "comment_required", "comment")
		out := f.fire(t, "hbi.leader", f.code, "refuse_extension", map[string]any{"comment": "Đủ điều kiện trả kết quả đúng hẹn"}, 200)
		if *out.Dossier.DueAt != "2026-12-01T23:59:59+07:00" || out.Dossier.ExtensionCount != 0 || out.Dossier.ExtensionPending ||
			out.Event.Extension == nil || out.Event.Extension.Reason != "Chờ ý kiến" {
			t.Fatalf("refused: %+v %+v", out.Dossier, out.Event)
		}
		wantCode(t, "approval after refusal", f.fire(t, "hbi.leader", f.code, "approve_extension", nil, 409), "no_extension_pending", "event")
		if n := len(f.notificationBodies(t, "hbi.investor", "appointment_moved")); n != 0 {
			t.Fatalf("a refused extension notified the investor %d times", n)
		}
		f.fire(t, "hbi.officer", f.code, "propose_extension", map[string]any{"extension": ext}, 200)
	})
}

// TestResultFileOverHTTP: the decision carries its result file, which the
// investor downloads only once the result is returned, and no one else
// outside the board.
func TestResultFileOverHTTP(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newAttachFixture(t, db)
		for _, ev := range []string{"receive", "assign", "propose"} {
			f.fire(t, "hbi.officer", f.code, ev, nil, 200)
		}
		if r := f.uploadKind(t, "hbi.investor", f.code, "result", minimalPDF()); r.status != 403 {
			t.Fatalf("an investor uploads a result: %d %+v", r.status, r.err)
		}
		res := f.uploadKind(t, "hbi.leader", f.code, "result", minimalPDF())
		if res.status != 201 || res.att.Kind != "result" {
			t.Fatalf("result upload: %d %+v", res.status, res.err)
		}
		doc := f.upload(t, "hbi.officer", f.code, "design_drawings", "ban-ve.pdf", minimalPDF())
		resultPath := fmt.Sprintf("/api/v1/dossiers/%s/attachments/%d", f.code, res.att.ID)
		mayGet := func(user string, want int) {
			t.Helper()
			r, _ := f.get(t, user, resultPath)
			if r.StatusCode != want {
				t.Fatalf("%s downloads the result: %d, want %d", user, r.StatusCode, want)
			}
		}
		mayGet("hbi.investor", 404)
		var list struct {
			Attachments []attachmentJSON `json:"attachments"`
		}
		f.call(t, f.tokens["hbi.investor"], "GET", "/api/v1/dossiers/"+f.code+"/attachments", nil, &list)
		for _, a := range list.Attachments {
			if a.Kind == "result" {
				t.Fatal("the investor lists the result before its return")
			}
		}
		wantCode(t, "no result", f.fire(t, "hbi.leader", f.code, "approve", nil, 422), "result_required", "result")
		wantCode(t, "a document as result", f.fire(t, "hbi.leader", f.code, "approve", map[string]any{
			"result": map[string]any{"medium": "electronic", "attachment_id": doc.att.ID}}, 400), "invalid_result.attachment_id", "result.attachment_id")
		wantCode(t, "an unknown medium", f.fire(t, "hbi.leader", f.code, "approve", map[string]any{
			"result": map[string]any{"medium": "fax"}}, 400), "invalid_result.medium", "result.medium")
		out := f.fire(t, "hbi.leader", f.code, "approve", map[string]any{
			"result": map[string]any{"medium": "electronic", "attachment_id": res.att.ID, "reference": "45/GPXD-BQL"}}, 200)
		if out.Dossier.Result == nil || out.Dossier.Result.Medium != "electronic" || *out.Dossier.Result.AttachmentID != res.att.ID ||
			out.Event.Result == nil || out.Event.Result.Reference != "45/GPXD-BQL" {
			t.Fatalf("approved: %+v %+v", out.Dossier.Result, out.Event.Result)
		}
		mayGet("hbi.investor", 404) // decided, not yet returned
		mayGet("hbi.officer", 200)
		mayGet("hbi.leader", 200)
		f.fire(t, "hbi.officer", f.code, "return_result", nil, 200)
		mayGet("hbi.investor", 200)
		mayGet("hbi.investor2", 404)
		mayGet("bgg.officer", 404)
		if r, body := f.get(t, "hbi.investor", resultPath); string(body) != string(minimalPDF()) || r.Header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("the result downloaded: %q %s", body, r.Header.Get("Content-Type"))
		}
	})
}

// uploadKind uploads a file of kind (?kind=) with no document code.
func (f *attachFixture) uploadKind(t *testing.T, user, code, kind string, content []byte) uploadResult {
	t.Helper()
	return f.uploadTo(t, user, "/api/v1/dossiers/"+code+"/attachments?kind="+kind, "", "decision.pdf", content)
}

// TestAssignmentOverHTTP: assign names an active officer of the dossier's
// own board, or the acting officer; every other event refuses assignee_id.
func TestAssignmentOverHTTP(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newAPIFixture(t, db)
		wantCode(t, "assignee on receive", f.fire(t, "hbi.officer", f.code, "receive", map[string]any{"assignee_id": f.userID(t, "hbi.officer")}, 400),
			"invalid_assignee_id", "assignee_id")
		f.fire(t, "hbi.officer", f.code, "receive", nil, 200)
		for _, c := range []struct {
			name string
			id   any
		}{{"another board's officer", f.userID(t, "bgg.officer")}, {"an investor", f.userID(t, "hbi.investor")},
			{"a leader", f.userID(t, "hbi.leader")}, {"an unknown id", 999999}, {"past int64", uint64(1) << 63}} {
			wantCode(t, c.name, f.fire(t, "hbi.leader", f.code, "assign", map[string]any{"assignee_id": c.id}, 400), "invalid_assignee_id", "assignee_id")
		}
		wantCode(t, "a leader names no one", f.fire(t, "hbi.leader", f.code, "assign", nil, 400), "invalid_assignee_id", "assignee_id")
		officer := f.userID(t, "hbi.officer")
		out := f.fire(t, "hbi.leader", f.code, "assign", map[string]any{"assignee_id": officer}, 200)
		if out.Dossier.Assignee == nil || out.Dossier.Assignee.ID != officer || out.Event.Seq == 0 {
			t.Fatalf("assigned: %+v", out.Dossier.Assignee)
		}
		// A deactivated officer can no longer be named.
		db.Model(&models.User{}).Where("id = ?", officer).Update("active", false)
		other := f.submitAs(t, "hbi.investor", "HBI")
		f.db.Model(&models.Dossier{}).Where("code = ?", other).Update("state", "received")
		wantCode(t, "an inactive officer", f.fire(t, "hbi.leader", other, "assign", map[string]any{"assignee_id": officer}, 400), "invalid_assignee_id", "assignee_id")
	})
}

// TestOneInvestorTwoBoards: an investor account files with any board; each
// board's staff see only their own board's dossier.
func TestOneInvestorTwoBoards(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newAPIFixture(t, db)
		hbi, bgg := f.submitAs(t, "hbi.investor", "HBI"), f.submitAs(t, "hbi.investor", "BGG")
		if !strings.HasPrefix(hbi, "000.20.30.H33-") || !strings.HasPrefix(bgg, "000.20.24.H06-") {
			t.Fatalf("codes %s %s", hbi, bgg)
		}
		_, mine := f.search(t, "hbi.investor", "")
		seen := map[string]bool{}
		for _, d := range mine.Items {
			seen[d.Code] = true
		}
		if !seen[hbi] || !seen[bgg] {
			t.Fatalf("the investor's dossiers: %v", seen)
		}
		var got struct{ Code string }
		if status := f.call(t, f.tokens["bgg.officer"], "GET", "/api/v1/dossiers/"+bgg, nil, &got); status != 200 {
			t.Fatalf("BGG's officer reads BGG's dossier: %d", status)
		}
		if status := f.call(t, f.tokens["bgg.officer"], "GET", "/api/v1/dossiers/"+hbi, nil, nil); status != 404 {
			t.Fatalf("BGG's officer reads HBI's dossier: %d", status)
		}
	})
}

// accountMailer drains the outbox into an in-process SMTP server.
type accountMailer struct {
	srv *notifytest.Server
	w   *notify.Worker
}

func newAccountMailer(t *testing.T, db *gorm.DB) *accountMailer {
	t.Helper()
	srv := notifytest.NewServer(t, nil)
	m, err := notify.NewSMTPMailer(notify.SMTPConfig{Host: "127.0.0.1", Port: srv.Port, From: "motcua@bql.test", TLS: "none",
		Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return &accountMailer{srv: srv, w: &notify.Worker{DB: db, Mailer: m, Log: nil,
		Renderer: &notify.Renderer{DB: db, Cat: workflowtest.Engine(t).Catalogue(), PublicURL: "https://motcua.bql.test"}}}
}

var tokenInLink = regexp.MustCompile(`(/verify-email|/reset-password)\?token=([A-Za-z0-9_-]+)`)

// token drains the outbox and returns the token of the last email to addr
// and its link's path.
func (m *accountMailer) token(t *testing.T, addr string) (path, token string) {
	t.Helper()
	if _, err := m.w.Drain(context.Background(), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	for _, mail := range m.srv.Mails() {
		if len(mail.To) == 1 && mail.To[0] == addr {
			p := notifytest.Parse(t, mail)
			if sub := tokenInLink.FindStringSubmatch(p.Body); sub != nil && strings.Contains(p.Body, "https://motcua.bql.test"+sub[1]) {
				path, token = sub[1], sub[2]
			}
		}
	}
	if token == "" {
		t.Fatalf("no email with a link reached %s (%d emails)", addr, len(m.srv.Mails()))
	}
	return path, token
}

// TestSignUpOverHTTP: an investor signs up, receives the verification link
// at the in-process SMTP server, verifies and signs in.
func TestSignUpOverHTTP(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newAPIFixture(t, db)
		mail := newAccountMailer(t, db)
		body := map[string]any{"email": "An.Nguyen@CongTyMoi.vn", "full_name": "Nguyễn Thị An (Công ty TNHH Mới)", "password": "một-mật-khẩu-dài"}
		for _, c := range []struct {
			change map[string]any
			code   string
		}{{map[string]any{"email": "not-an-email"}, "invalid_email"}, {map[string]any{"password": "short"}, "invalid_password"},
			{map[string]any{"full_name": ""}, "invalid_full_name"}, {map[string]any{"role": "admin"}, "invalid_role"}} {
			b := map[string]any{}
			for k, v := range body {
				b[k] = v
			}
			for k, v := range c.change {
				b[k] = v
			}
			var bad apiError
			if status := f.call(t, "", "POST", "/api/v1/auth/signup", b, &bad); status != 400 || bad.Error.Code != c.code {
				t.Fatalf("sign-up with %v: %d %s", c.change, status, bad.Error.Code)
			}
		}
		var created struct {
			User userJSON `json:"user"`
		}
		if status := f.call(t, "", "POST", "/api/v1/auth/signup", body, &created); status != 201 ||
			created.User.Username != "an.nguyen@congtymoi.vn" || created.User.Role != "investor" || created.User.BoardID != nil {
			t.Fatalf("sign-up: %d %+v", status, created.User)
		}
		var dup apiError
		if status := f.call(t, "", "POST", "/api/v1/auth/signup", body, &dup); status != 409 || dup.Error.Details["field"] != "email" {
			t.Fatalf("the same email again: %d %+v", status, dup)
		}
		login := map[string]any{"username": "an.nguyen@congtymoi.vn", "password": "một-mật-khẩu-dài"}
		var refused apiError
		if status := f.call(t, "", "POST", "/api/v1/auth/login", login, &refused); status != 403 || refused.Error.Code != "email_not_verified" {
			t.Fatalf("sign-in before verification: %d %s", status, refused.Error.Code)
		}
		path, token := mail.token(t, "an.nguyen@congtymoi.vn")
		if path != "/verify-email" {
			t.Fatalf("link path %s", path)
		}
		var n models.Notification
		db.Where("kind = ?", models.NotifyVerifyEmail).First(&n)
		if n.Payload != "" || n.Status != models.NotificationSent || n.BoardID != nil {
			t.Fatalf("the sent verification email kept its token or a board: %+v", n)
		}
		if status := f.call(t, "", "POST", "/api/v1/auth/verify-email", map[string]any{"token": "wrong"}, nil); status != 422 {
			t.Fatalf("a wrong token: %d", status)
		}
		if status := f.call(t, "", "POST", "/api/v1/auth/verify-email", map[string]any{"token": token}, nil); status != 200 {
			t.Fatalf("verify: %d", status)
		}
		if status := f.call(t, "", "POST", "/api/v1/auth/verify-email", map[string]any{"token": token}, nil); status != 422 {
			t.Fatalf("the token twice: %d", status)
		}
		var session loginResponse
		if status := f.call(t, "", "POST", "/api/v1/auth/login", login, &session); status != 200 || session.Token == "" {
			t.Fatalf("sign-in after verification: %d", status)
		}
	})
}

// TestPasswordChangeAndReset: a user changes their own password (other
// sign-ins end, this one stays), and resets a forgotten one through the
// emailed link, which also lifts a lock.
func TestPasswordChangeAndReset(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newAPIFixture(t, db)
		mail := newAccountMailer(t, db)
		db.Model(&models.User{}).Where("username = ?", "hbi.investor").Update("email", "ketoan@congtymau.vn")
		other := f.login(t, "hbi.investor")
		change := func(current, next string, want int, code string) {
			t.Helper()
			var bad apiError
			status := f.call(t, f.tokens["hbi.investor"], "POST", "/api/v1/auth/password",
				map[string]any{"current_password": current, "new_password": next}, &bad)
			if status != want || bad.Error.Code != code {
				t.Fatalf("change %q → %q: %d %s, want %d %s", current, next, status, bad.Error.Code, want, code)
			}
		}
		change("sai", "mật-khẩu-mới-dài", 400, "invalid_current_password")
		change("secret-hbi.investor", "ngắn", 400, "invalid_new_password")
		change("secret-hbi.investor", "mật-khẩu-mới-dài", 204, "")
		if status := f.call(t, f.tokens["hbi.investor"], "GET", "/api/v1/auth/me", nil, nil); status != 200 {
			t.Fatalf("the session that changed the password: %d", status)
		}
		if status := f.call(t, other, "GET", "/api/v1/auth/me", nil, nil); status != 401 {
			t.Fatalf("another session after the change: %d", status)
		}
		signIn := func(pw string) int {
			return f.call(t, "", "POST", "/api/v1/auth/login", map[string]any{"username": "hbi.investor", "password": pw}, nil)
		}
		if signIn("secret-hbi.investor") != 401 || signIn("mật-khẩu-mới-dài") != 200 {
			t.Fatal("the old password still works, or the new one does not")
		}
		// Lock the account, then reset: the link lifts the lock.
		for i := 0; i < 12; i++ {
			signIn("đoán-sai")
		}
		if status := signIn("mật-khẩu-mới-dài"); status != 429 {
			t.Fatalf("locked: %d", status)
		}
		for _, login := range []string{"ketoan@congtymau.vn", "no-such-user"} {
			if status := f.call(t, "", "POST", "/api/v1/auth/password-reset", map[string]any{"login": login}, nil); status != 202 {
				t.Fatalf("reset request for %s: %d", login, status)
			}
		}
		path, token := mail.token(t, "ketoan@congtymau.vn")
		if path != "/reset-password" || len(mail.srv.Mails()) != 1 {
			t.Fatalf("reset mail: %s, %d mails", path, len(mail.srv.Mails()))
		}
		confirm := func(tok, pw string) int {
			return f.call(t, "", "POST", "/api/v1/auth/password-reset/confirm", map[string]any{"token": tok, "password": pw}, nil)
		}
		if confirm(token, "ngắn") != 400 || confirm(token, "mật-khẩu-thứ-ba-dài") != 204 || confirm(token, "mật-khẩu-thứ-tư-dài") != 422 {
			t.Fatal("reset confirmation")
		}
		if status := signIn("mật-khẩu-thứ-ba-dài"); status != 200 {
			t.Fatalf("sign-in after the reset: %d", status)
		}
	})
}

// TestTrackingOverHTTP: code + PIN, without sign-in, shows the procedure,
// the state, the appointment and the steps, nothing personal but the
// applicant's name; wrong PINs are throttled.
func TestTrackingOverHTTP(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newAPIFixture(t, db)
		f.fire(t, "hbi.officer", f.code, "receive", nil, 200)
		var r receiptJSON
		f.call(t, f.tokens["hbi.investor"], "GET", "/api/v1/dossiers/"+f.code+"/receipt", nil, &r)
		if len(r.TrackingPIN) != 8 || !strings.Contains(r.TrackingURL, "/track?code="+f.code+"&pin="+r.TrackingPIN) {
			t.Fatalf("receipt: pin %q url %q", r.TrackingPIN, r.TrackingURL)
		}
		status, raw := f.raw(t, "", "POST", "/api/v1/track", fmt.Sprintf(`{"code": %q, "pin": %q}`, f.code, r.TrackingPIN))
		var tr trackingJSON
		json.Unmarshal([]byte(raw), &tr)
		if status != 200 || tr.ApplicantName != "Công ty TNHH Một Cửa" || tr.StateName.VI != "Đã tiếp nhận" || tr.DueDate == nil ||
			*tr.DueDate != "01/12/2026" || len(tr.Steps) != 2 || tr.Steps[1].Event.VI != "Tiếp nhận hồ sơ" {
			t.Fatalf("tracking: %d %s", status, raw)
		}
		for _, secret := range []string{"hbi.officer", "application_form", "tax_code", "email", "phone", "comment"} {
			if strings.Contains(raw, secret) {
				t.Fatalf("tracking shows %q: %s", secret, raw)
			}
		}
		wrong := func(code, pin string) (int, string) {
			var bad apiError
			status := f.call(t, "", "POST", "/api/v1/track", map[string]any{"code": code, "pin": pin}, &bad)
			return status, bad.Error.Code
		}
		if s, c := wrong(f.code, "00000000"); s != 404 || c != "not_found" {
			t.Fatalf("wrong PIN: %d %s", s, c)
		}
		if s, c := wrong("000.20.30.H33-261116-9999", r.TrackingPIN); s != 404 || c != "not_found" {
			t.Fatalf("unknown code: %d %s", s, c)
		}
		for i := 0; i < 4; i++ {
			wrong(f.code, fmt.Sprintf("1234567%d", i))
		}
		if s, c := wrong(f.code, r.TrackingPIN); s != 429 || c != "too_many_attempts" {
			t.Fatalf("the right PIN after %d wrong ones: %d %s", service.TrackingCodeLimit, s, c)
		}
		if s, _ := wrong("", "1"); s != 400 {
			t.Fatalf("an empty code: %d", s)
		}
	})
}

// TestStrictInputOverHTTP: unknown fields and parameters, NUL bytes,
// over-long text and ids past int64 are 400s naming the field, on both
// databases; a version ahead of the dossier's is not stale_version; state
// filters on several states.
func TestStrictInputOverHTTP(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newAPIFixture(t, db)
		events := "/api/v1/dossiers/" + f.code + "/events"
		tok := f.tokens["hbi.officer"]
		for _, c := range []struct {
			name, method, path, body string
			status                   int
			code, field              string
		}{
			{"unknown body field", "POST", events, `{"event": "receive", "version": 1, "colour": "red"}`, 400, "invalid_colour", "colour"},
			{"unknown nested field", "POST", events, `{"event": "propose_extension", "version": 1, "extension": {"why": "x"}}`, 400, "invalid_why", "why"},
			{"unknown query parameter", "GET", "/api/v1/dossiers?colour=red", "", 400, "invalid_colour", "colour"},
			{"unknown parameter on a single dossier", "GET", "/api/v1/dossiers/" + f.code + "?x=1", "", 400, "invalid_x", "x"},
			{"NUL in a comment", "POST", events, `{"event": "reject_intake", "version": 1, "comment": "lý do\u0000"}`, 400, "invalid_comment", "comment"},
			{"NUL in the search", "GET", "/api/v1/dossiers?q=a%00b", "", 400, "invalid_q", "q"},
			{"over-long comment", "POST", events, `{"event": "reject_intake", "version": 1, "comment": "` + strings.Repeat("x", 4001) + `"}`, 400, "invalid_comment", "comment"},
			{"version ahead", "POST", events, `{"event": "receive", "version": 7}`, 400, "invalid_version", "version"},
			{"id past int64", "POST", "/api/v1/alerts/9223372036854775808/ack", "", 400, "invalid_id", "id"},
			{"id past uint64", "GET", "/api/v1/dossiers/" + f.code + "/attachments/99999999999999999999", "", 400, "invalid_id", "id"},
			{"cursor past int64", "GET", "/api/v1/dossiers?cursor=zzzzzzzzzzzzzz", "", 400, "invalid_cursor", "cursor"},
			{"limit past int32", "GET", "/api/v1/dossiers?limit=99999999999", "", 400, "invalid_limit", "limit"},
			{"zone past int64", "GET", "/api/v1/dossiers?zone_id=9223372036854775808", "", 400, "invalid_zone_id", "zone_id"},
			{"unknown state", "GET", "/api/v1/dossiers?state=lost", "", 400, "invalid_state", "state"},
			{"sort unknown", "GET", "/api/v1/dossiers?sort=name", "", 400, "invalid_sort", "sort"},
			{"a due cursor for the newest sort", "GET", "/api/v1/dossiers?cursor=n.1", "", 400, "invalid_cursor", "cursor"},
		} {
			status, raw := f.raw(t, tok, c.method, c.path, c.body)
			var bad apiError
			json.Unmarshal([]byte(raw), &bad)
			if status != c.status || bad.Error.Code != c.code || bad.Error.Details["field"] != c.field {
				t.Errorf("%s: %d %s", c.name, status, raw)
			}
		}
		var after struct{ Version int }
		f.call(t, tok, "GET", "/api/v1/dossiers/"+f.code, nil, &after)
		if after.Version != 1 {
			t.Fatalf("a refused request wrote: version %d", after.Version)
		}
		// state=a,b filters on both.
		other := f.submitAs(t, "hbi.investor", "HBI")
		f.fire(t, "hbi.officer", other, "receive", map[string]any{}, 422) // no papers attached
		f.fire(t, "hbi.officer", f.code, "receive", nil, 200)
		_, both := f.search(t, "hbi.officer", "state=submitted,received")
		_, one := f.search(t, "hbi.officer", "state=received")
		if len(both.Items) != 2 || len(one.Items) != 1 {
			t.Fatalf("state=submitted,received: %d dossiers; state=received: %d", len(both.Items), len(one.Items))
		}
	})
}

// TestInboxesOverHTTP: the officer's work queue sorts by appointment, the
// intake queue oldest first with the intake deadline, the leader's queue
// holds decisions and proposed extensions; list answers carry, for staff,
// the applicant's contacts, the zone and the assignee.
func TestInboxesOverHTTP(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newAPIFixture(t, db)
		late := f.code
		f.fire(t, "hbi.officer", late, "receive", nil, 200)
		soon := f.submitAs(t, "hbi.investor", "HBI")
		db.Model(&models.Dossier{}).Where("code = ?", soon).Updates(map[string]any{"applicant_tax_code": "5400123456",
			"applicant_phone": "0218 3868 686", "applicant_email": "lienhe@congty.vn"})
		intake := f.submitAs(t, "hbi.investor", "HBI")
		// Give "soon" an appointment before the permit's (01/12) without going through the papers.
		due := time.Date(2026, 11, 20, 23, 59, 59, 0, time.FixedZone("ICT", 7*3600))
		db.Model(&models.Dossier{}).Where("code = ?", soon).Updates(map[string]any{"state": "received", "received_at": due.AddDate(0, 0, -10),
			"due_at": due, "clock_state": "running"})
		var work, in, decisions struct {
			Items []dossierJSON `json:"items"`
		}
		f.call(t, f.tokens["hbi.officer"], "GET", "/api/v1/inbox?queue=work", nil, &work)
		if len(work.Items) != 2 || work.Items[0].Code != soon || work.Items[1].Code != late {
			t.Fatalf("work queue: %+v", codes(work.Items))
		}
		if a := work.Items[0].Applicant; a == nil || a.TaxCode != "5400123456" || a.Phone == "" || a.Email == "" {
			t.Fatalf("the staff list lacks the applicant's contacts: %+v", a)
		}
		f.call(t, f.tokens["hbi.officer"], "GET", "/api/v1/inbox?queue=intake", nil, &in)
		if len(in.Items) != 1 || in.Items[0].Code != intake || in.Items[0].Step == nil || in.Items[0].Step.DueAt == nil {
			t.Fatalf("intake queue: %+v", codes(in.Items))
		}
		f.fire(t, "hbi.officer", late, "assign", nil, 200)
		f.fire(t, "hbi.officer", late, "propose_extension", map[string]any{"extension": map[string]any{"reason": "r",
			"new_due_date": "2026-12-08", "apology_letter": "l"}}, 200)
		f.call(t, f.tokens["hbi.leader"], "GET", "/api/v1/inbox?queue=decisions", nil, &decisions)
		if len(decisions.Items) != 1 || decisions.Items[0].Code != late || !decisions.Items[0].ExtensionPending ||
			decisions.Items[0].Assignee == nil || decisions.Items[0].Assignee.Name != "hbi.officer" {
			t.Fatalf("decisions queue: %+v", decisions.Items)
		}
		var bad apiError
		if status := f.call(t, f.tokens["hbi.investor"], "GET", "/api/v1/inbox?queue=work", nil, &bad); status != 403 {
			t.Fatalf("an investor's inbox: %d", status)
		}
		if status := f.call(t, f.tokens["hbi.officer"], "GET", "/api/v1/inbox?queue=everything", nil, &bad); status != 400 ||
			bad.Error.Details["field"] != "queue" {
			t.Fatalf("an unknown queue: %d %+v", status, bad)
		}
		// Search sorted by due pages with a cursor that carries the instant.
		var page struct {
			Items []dossierJSON `json:"items"`
			Next  *string       `json:"next_cursor"`
		}
		f.call(t, f.tokens["hbi.officer"], "GET", "/api/v1/dossiers?sort=due&limit=1", nil, &page)
		if len(page.Items) != 1 || page.Items[0].Code != soon || page.Next == nil {
			t.Fatalf("first page by due: %+v", codes(page.Items))
		}
		f.call(t, f.tokens["hbi.officer"], "GET", "/api/v1/dossiers?sort=due&limit=1&cursor="+*page.Next, nil, &page)
		if len(page.Items) != 1 || page.Items[0].Code != late {
			t.Fatalf("second page by due: %+v", codes(page.Items))
		}
	})
}

// codes lists the dossiers' codes.
func codes(ds []dossierJSON) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.Code
	}
	return out
}

// TestIntakeOverdueAlert: an online dossier left unchecked past its 8
// working hours raises a step-overdue alert on the intake step.
func TestIntakeOverdueAlert(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newAPIFixture(t, db)
		sw := &deadlines.Sweeper{DB: db, Cal: workflowtest.Engine(t).Calendar()}
		if _, err := sw.Run(context.Background(), time.Date(2026, 11, 17, 7, 59, 0, 0, deadlines.Location)); err != nil {
			t.Fatal(err)
		}
		var n int64
		db.Model(&models.Alert{}).Where("kind = ? AND step_state = ?", models.AlertStepOverdue, "submitted").Count(&n)
		if n != 0 {
			t.Fatalf("%d intake alerts before the limit", n)
		}
		if _, err := sw.Run(context.Background(), time.Date(2026, 11, 17, 8, 1, 0, 0, deadlines.Location)); err != nil {
			t.Fatal(err)
		}
		var p struct {
			Items []alertJSON `json:"items"`
		}
		f.call(t, f.tokens["hbi.officer"], "GET", "/api/v1/alerts?kind=step_overdue", nil, &p)
		if len(p.Items) == 0 || p.Items[0].Code != f.code || p.Items[0].StepState != "submitted" {
			t.Fatalf("intake alerts: %+v", p.Items)
		}
	})
}
