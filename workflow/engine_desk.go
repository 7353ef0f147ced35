package workflow

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/errs"
	"github.com/motcua/motcua/models"
)

// The one-stop desk's flows around the core lifecycle: the completion
// request before receipt (form 02), the extension an officer proposes and
// a leader signs (form 04), the decision's result document, assignment.

// Limits of the desk inputs, in characters.
const (
	maxMissingItems   = 50
	maxMissingText    = 1000
	maxResultRefernce = 128
)

// inputFits refuses what an event does not take: an assignee but with an
// assign event, an extension but with a proposal, a result but with a
// decision, a list of what is missing but with a request that issues form
// 02.
func inputFits(def *EventDef, in Input) error {
	switch {
	case in.AssigneeID != nil && !slices.Contains(def.Guards, GuardAssignee):
		return invalid("assignee_id", "chỉ sự kiện phân công ("+string(EventAssign)+") nhận assignee_id",
			"only an assign event takes assignee_id")
	case in.Extension != nil && def.Extension != ExtensionPropose:
		return invalid("extension", "chỉ sự kiện đề xuất gia hạn ("+string(EventProposeExtension)+") nhận extension",
			"only a propose_extension event takes extension")
	case in.Result != nil && !slices.Contains(def.Guards, GuardResult):
		return invalid("result", "chỉ quyết định giải quyết (phê duyệt, từ chối) nhận result",
			"only a decision (approve, refuse) takes result")
	case len(in.Missing) > 0 && def.Form != FormCompletion:
		return invalid("missing", "chỉ yêu cầu bổ sung, hoàn thiện hồ sơ (mẫu 02) nhận missing",
			"only a completion or supplementation request (form 02) takes missing")
	}
	return nil
}

// checkMissing checks the list of what is missing: at least one item,
// each naming a document of the procedure or describing what is wanted,
// each with its reason.
func checkMissing(v *Version, nd *models.Dossier, items []MissingItem, required bool) error {
	if required && len(items) == 0 {
		return rule("missing_required", "missing", "phải nêu rõ giấy tờ, nội dung cần bổ sung, hoàn thiện và lý do (mẫu 02)",
			"list what must be completed and why (form 02)")
	}
	if len(items) > maxMissingItems {
		return invalid("missing", fmt.Sprintf("tối đa %d mục", maxMissingItems), fmt.Sprintf("at most %d items", maxMissingItems))
	}
	for i, it := range items {
		field := fmt.Sprintf("missing[%d]", i)
		if err := checkMissingItem(v, nd, field, it); err != nil {
			return err
		}
	}
	return nil
}

// checkMissingItem checks one item of the list.
func checkMissingItem(v *Version, nd *models.Dossier, field string, it MissingItem) error {
	for name, s := range map[string]string{"document": it.Document, "description": it.Description, "reason": it.Reason} {
		if strings.ContainsRune(s, 0) || !utf8.ValidString(s) || utf8.RuneCountInString(s) > maxMissingText {
			return invalid(field+"."+name, field+"."+name+" không hợp lệ hoặc quá dài", field+"."+name+" is not valid text or too long")
		}
	}
	switch {
	case it.Document == "" && strings.TrimSpace(it.Description) == "":
		return invalid(field, "mỗi mục nêu một giấy tờ (document) hoặc mô tả nội dung (description)",
			"each item names a document or describes what is wanted")
	case it.Document != "" && !hasDocument(v, it.Document) && !slices.Contains(v.RequiredDocuments(nd.Variant), it.Document):
		return invalid(field+".document", "thủ tục không có giấy tờ "+it.Document, "the procedure has no document "+it.Document)
	case strings.TrimSpace(it.Reason) == "":
		return invalid(field+".reason", "thiếu lý do", "the reason is missing")
	}
	return nil
}

// checkResult checks a decision's result document: a paper original, or a
// file uploaded to this dossier as its result.
func checkResult(ctx context.Context, tx *gorm.DB, nd *models.Dossier, r *ResultInput) error {
	if r == nil {
		return rule("result_required", "result", "quyết định phải kèm kết quả: tệp kết quả điện tử hoặc ghi nhận bản giấy",
			"a decision carries its result: an electronic result file, or a paper original")
	}
	if utf8.RuneCountInString(r.Reference) > maxResultRefernce || strings.ContainsRune(r.Reference, 0) {
		return invalid("result.reference", "số, ký hiệu văn bản quá dài", "result.reference is too long")
	}
	switch r.Medium {
	case ResultPaper:
		if r.AttachmentID != nil {
			return invalid("result.attachment_id", "kết quả bản giấy không kèm tệp", "a paper result has no file")
		}
		return nil
	case ResultElectronic:
		return checkResultFile(ctx, tx, nd, r.AttachmentID)
	}
	return invalid("result.medium", "result.medium phải là electronic hoặc paper", "result.medium must be electronic or paper")
}

// checkResultFile checks that id is a result file of the dossier.
func checkResultFile(ctx context.Context, tx *gorm.DB, nd *models.Dossier, id *uint64) error {
	if id == nil {
		return invalid("result.attachment_id", "kết quả điện tử cần tệp kết quả (attachment_id)",
			"an electronic result needs its file (attachment_id)")
	}
	a, err := models.GetAttachment(ctx, tx, nd.ID, *id)
	if errors.Is(err, models.ErrNotFound) || (err == nil && (a.Kind != models.AttachmentResult || a.StorageKey == "")) {
		return invalid("result.attachment_id", "không có tệp kết quả này trong hồ sơ", "the dossier has no such result file")
	}
	return err
}

// assignee resolves the officer an assign event names: an active officer
// of the dossier's board, the acting officer by default. A historical
// replay (Quiet) that names no one leaves the dossier unassigned: its
// officers are names, not accounts.
func assignee(ctx context.Context, tx *gorm.DB, nd *models.Dossier, in Input, actor Actor) (*uint, error) {
	id := in.AssigneeID
	if id == nil && in.Quiet && actor.UserID == nil {
		return nil, nil
	}
	if id == nil {
		if actor.Role != RoleOfficer || actor.UserID == nil {
			return nil, invalid("assignee_id", "hãy chọn chuyên viên thụ lý (assignee_id)", "name the officer in charge (assignee_id)")
		}
		id = actor.UserID
	}
	u, err := models.GetUser(ctx, tx, *id)
	if err != nil && !errors.Is(err, models.ErrNotFound) {
		return nil, err
	}
	if err != nil || !u.Active || u.Role != string(RoleOfficer) || u.BoardID == nil || *u.BoardID != nd.BoardID {
		return nil, invalid("assignee_id", "người được phân công phải là chuyên viên đang hoạt động của Ban",
			"the assignee must be an active officer of the dossier's board")
	}
	return id, nil
}

// extensionStep applies the event's part in an extension. A proposal is
// checked against the clock as if approved now, and becomes the pending
// one; an approval takes the pending proposal's reason, date and letter as
// the clock's input (and checks them again: time has passed); approval and
// refusal close the proposal. It returns the input the clock applies.
func (e *Engine) extensionStep(ctx context.Context, tx *gorm.DB, v *Version, def *EventDef, nd *models.Dossier,
	at time.Time, in Input, data *EventData) (Input, error) {
	switch def.Extension {
	case ExtensionPropose:
		if err := e.checkProposal(v, nd, at, in.Extension); err != nil {
			return in, err
		}
		data.Extension = extensionRecord(in.Extension)
		nd.ExtensionProposalSeq = nd.Version + 1 // the history row this event writes
	case ExtensionApprove, ExtensionRefuse:
		rec, err := pendingProposal(ctx, tx, nd)
		if err != nil {
			return in, err
		}
		data.Extension = rec
		if def.Extension == ExtensionApprove {
			in.Extension = rec.input()
		}
		nd.ExtensionProposalSeq = 0
	}
	return in, nil
}

// checkProposal refuses a second pending proposal, and a proposal the
// clock would refuse if approved now.
func (e *Engine) checkProposal(v *Version, nd *models.Dossier, at time.Time, x *ExtensionInput) error {
	if nd.ExtensionProposalSeq != 0 {
		return errs.Conflict("extension_pending", "event", "đã có đề xuất gia hạn chờ lãnh đạo duyệt",
			"an extension proposal is already awaiting a leader's decision")
	}
	if err := checkExtensionInput(x); err != nil {
		return err
	}
	rules, err := v.Rules(nd.Variant, e.cat.OneStop)
	if err != nil {
		return err
	}
	clk := clockOf(nd) // a copy: the proposal moves nothing
	return e.cal.Extend(&clk, at, x.NewDueDate, rules)
}

// pendingProposal reads the pending proposal's history row.
func pendingProposal(ctx context.Context, tx *gorm.DB, nd *models.Dossier) (*ExtensionRecord, error) {
	if nd.ExtensionProposalSeq == 0 {
		return nil, errs.Conflict("no_extension_pending", "event", "không có đề xuất gia hạn nào chờ duyệt",
			"no extension proposal is awaiting a decision")
	}
	ev, err := models.GetEvent(ctx, tx, nd.ID, nd.ExtensionProposalSeq)
	if err != nil {
		return nil, err
	}
	rec := DecodeEventData(ev.Data).Extension
	if rec == nil {
		return nil, fmt.Errorf("workflow: history row %d of dossier %s holds no extension proposal", ev.Seq, nd.Code)
	}
	out := *rec
	out.ProposalSeq, out.ProposedBy = ev.Seq, ev.ActorName
	return &out, nil
}

// extensionRecord is the history's copy of a proposal.
func extensionRecord(x *ExtensionInput) *ExtensionRecord {
	return &ExtensionRecord{Reason: x.Reason, ApologyLetter: x.ApologyLetter,
		NewDueDate: deadlines.DateOf(x.NewDueDate).Format("2006-01-02")}
}

// input turns a recorded proposal back into the clock's input.
func (r *ExtensionRecord) input() *ExtensionInput {
	due, _ := time.ParseInLocation("2006-01-02", r.NewDueDate, deadlines.Location) // written by extensionRecord
	return &ExtensionInput{Reason: r.Reason, NewDueDate: due, ApologyLetter: r.ApologyLetter}
}

// recordDesk copies onto the history row and the dossier what the event
// decided: what is missing, the result document.
func recordDesk(def *EventDef, nd *models.Dossier, in Input, data *EventData) {
	data.Missing = in.Missing
	if slices.Contains(def.Guards, GuardAssignee) {
		data.AssigneeID = nd.AssigneeID
	}
	if r := in.Result; r != nil {
		data.Result = &ResultRecord{Medium: r.Medium, AttachmentID: r.AttachmentID, Reference: strings.TrimSpace(r.Reference)}
		nd.ResultMedium, nd.ResultAttachmentID = string(r.Medium), r.AttachmentID
	}
}

// intakeStep starts the intake check's own time limit when a dossier
// enters the initial state through a channel the one-stop rules time
// (online): the control sheet's first step, in working hours.
func (e *Engine) intakeStep(nd *models.Dossier, at time.Time) {
	ic := e.cat.OneStop.IntakeCheck
	nd.StepState, nd.StepStartedAt, nd.StepDueAt = string(StateSubmitted), nil, nil
	if ic == nil || !slices.Contains(ic.Channels, nd.Channel) {
		return
	}
	due := e.cal.AddWorkingHours(at, ic.Hours, e.cat.OneStop.OfficeHours)
	start := at
	nd.StepStartedAt, nd.StepDueAt = &start, &due
}

// pinDigits is the length of a tracking PIN.
const pinDigits = 8

// newPIN is a random tracking PIN of pinDigits decimal digits.
func newPIN() (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(100_000_000))
	if err != nil {
		return "", fmt.Errorf("workflow: tracking PIN: %w", err)
	}
	return fmt.Sprintf("%0*d", pinDigits, n.Int64()), nil
}
