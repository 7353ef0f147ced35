package workflow

import (
	"context"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/models"
)

// checkGuards runs the guards the catalogue names on the event.
func (e *Engine) checkGuards(ctx context.Context, tx *gorm.DB, v *Version, def *EventDef,
	nd *models.Dossier, in Input, actor Actor) error {
	if !slices.Contains(def.Guards, GuardMissingListed) {
		if err := checkMissing(v, nd, in.Missing, false); err != nil {
			return err
		}
	}
	for _, g := range def.Guards {
		var err error
		switch g {
		case GuardMissingListed:
			err = checkMissing(v, nd, in.Missing, true)
		case GuardResult:
			err = checkResult(ctx, tx, nd, in.Result)
		case GuardAssignee:
			nd.AssigneeID, err = assignee(ctx, tx, nd, in, actor)
		case GuardDocumentsComplete:
			err = e.documentsComplete(ctx, tx, v, nd, in.Attachments)
		case GuardSupplementCap:
			err = supplementCap(v, nd)
		case GuardComment:
			if strings.TrimSpace(in.Comment) == "" {
				err = rule("comment_required", "comment", "sự kiện "+string(def.Code)+" cần nêu lý do",
					"event "+string(def.Code)+" needs a reason in comment")
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// documentsComplete checks that every required document of the variant is
// attached, either already or with this event. When the event's own
// attachments cover them all (an import records the paper documents with
// the receipt), the stored ones are not read.
func (e *Engine) documentsComplete(ctx context.Context, tx *gorm.DB, v *Version, nd *models.Dossier,
	atts []AttachmentInput) error {
	present := make(map[string]bool, len(atts))
	for _, a := range atts {
		present[a.DocumentCode] = true
	}
	required := v.RequiredDocuments(nd.Variant)
	if len(missingFrom(required, present)) > 0 {
		have, err := models.DocumentCodes(ctx, tx, nd.ID)
		if err != nil {
			return err
		}
		for _, c := range have {
			present[c] = true
		}
	}
	missing := missingFrom(required, present)
	if len(missing) == 0 {
		return nil
	}
	err := rule("documents_missing", "attachments", "hồ sơ thiếu thành phần bắt buộc: "+strings.Join(missing, ", "),
		"required documents missing: "+strings.Join(missing, ", "))
	err.Details = map[string]any{"missing": missing}
	return err
}

// missingFrom lists the required codes not present.
func missingFrom(required []string, present map[string]bool) []string {
	var missing []string
	for _, code := range required {
		if !present[code] {
			missing = append(missing, code)
		}
	}
	return missing
}

// supplementCap refuses a supplementation request beyond the procedure's cap.
func supplementCap(v *Version, nd *models.Dossier) error {
	if v.Supplement == nil || nd.SupplementCount < v.Supplement.MaxRequests {
		return nil
	}
	err := rule("supplement_cap", "event", "đã yêu cầu bổ sung đủ số lần cho phép ("+v.Supplement.Citation+")",
		"the supplementation cap is reached ("+v.Supplement.Citation+")")
	err.Details = map[string]any{"max_requests": v.Supplement.MaxRequests, "citation": v.Supplement.Citation}
	return err
}

// applyClock applies the event's clock effect to nd and returns what the
// history row should record about it.
func (e *Engine) applyClock(v *Version, def *EventDef, nd *models.Dossier, at time.Time,
	in Input, data *EventData) error {
	if def.Clock == ClockNone {
		return nil
	}
	rules, err := v.Rules(nd.Variant, e.cat.OneStop)
	if err != nil {
		return err
	}
	clk := clockOf(nd)
	switch def.Clock {
	case ClockStart:
		err = e.cal.Start(&clk, at, rules)
		received := at
		nd.ReceivedAt = &received
	case ClockSuspend:
		err = e.cal.Suspend(&clk, at, rules)
		nd.SupplementCount++
	case ClockResume:
		err = e.cal.Resume(&clk, at, rules)
	case ClockStop:
		_, err = e.cal.Finish(&clk, at)
	case ClockExtend:
		err = e.extend(&clk, at, rules, in.Extension, data)
	}
	if err != nil {
		return err
	}
	setClock(nd, clk)
	return nil
}

// checkExtensionInput checks a proposed extension: its reason, the new
// appointment date and the apology letter (form 04).
func checkExtensionInput(x *ExtensionInput) error {
	if x == nil {
		return invalid("extension", "đề xuất gia hạn cần lý do, ngày hẹn mới và thư xin lỗi (mẫu 04)",
			"an extension proposal needs a reason, a new appointment date and an apology letter (form 04)")
	}
	switch {
	case strings.TrimSpace(x.Reason) == "":
		return invalid("extension.reason", "thiếu lý do gia hạn", "the extension reason is missing")
	case x.NewDueDate.IsZero():
		return invalid("extension.new_due_date", "thiếu ngày hẹn trả mới", "the new appointment date is missing")
	case strings.TrimSpace(x.ApologyLetter) == "":
		return invalid("extension.apology_letter", "thiếu thư xin lỗi (mẫu 04)", "the apology letter (form 04) is missing")
	}
	return nil
}

// extend moves the appointment to the approved proposal's date, once, and
// records the appointment it replaces.
func (e *Engine) extend(clk *deadlines.Clock, at time.Time, rules deadlines.Rules, x *ExtensionInput,
	data *EventData) error {
	if err := checkExtensionInput(x); err != nil {
		return err
	}
	previous := clk.DueAt
	if err := e.cal.Extend(clk, at, x.NewDueDate, rules); err != nil {
		return err
	}
	if data.Extension == nil {
		data.Extension = extensionRecord(x)
	}
	if previous != nil {
		data.Extension.PreviousDueAt = previous.In(deadlines.Location).Format(time.RFC3339)
	}
	return nil
}

// clockOf reads the dossier's stored clock.
func clockOf(d *models.Dossier) deadlines.Clock {
	return deadlines.Clock{State: deadlines.ClockState(d.ClockState), StartedAt: d.ClockStartedAt,
		DueAt: d.DueAt, OriginalDueAt: d.OriginalDueAt, PausedAt: d.PausedAt, RemainingDays: d.RemainingDays,
		PausedDays: d.PausedDays, PausedSeconds: d.PausedSeconds, Extensions: d.ExtensionCount,
		FinishedAt: d.FinishedAt, Outcome: deadlines.Outcome(d.Outcome)}
}

// setClock stores the clock back on the dossier.
func setClock(d *models.Dossier, c deadlines.Clock) {
	d.ClockState, d.ClockStartedAt, d.DueAt, d.OriginalDueAt = string(c.State), c.StartedAt, c.DueAt, c.OriginalDueAt
	d.PausedAt, d.RemainingDays, d.PausedDays, d.PausedSeconds = c.PausedAt, c.RemainingDays, c.PausedDays, c.PausedSeconds
	d.ExtensionCount, d.FinishedAt, d.Outcome = c.Extensions, c.FinishedAt, string(c.Outcome)
}
