package workflow

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/errs"
	"github.com/motcua/motcua/models"
)

// SubmitInput is a new dossier as filed by an investor or entered by an officer.
type SubmitInput struct {
	BoardID          uint
	ZoneID           *uint
	Procedure        string
	Variant          string
	Channel          models.Channel
	Title            string
	ApplicantName    string
	ApplicantTaxCode string
	ApplicantEmail   string
	ApplicantPhone   string
	InvestorID       *uint
	Attachments      []AttachmentInput
	// Code is the dossier's code when ReserveCode reserved it before the
	// filing's transaction; empty, Submit takes the board's next number in
	// tx.
	Code string
	// Board is the board BoardID names, when the caller has read it in the
	// same transaction already (the importer reads each board once per
	// file): Submit then takes its agency identifier from it instead of
	// reading the board again. Nil: Submit reads it.
	Board *models.Board
}

// EventSubmit names the history row that records a dossier's creation.
const EventSubmit Event = "submit"

// agencyCodePattern is the V1V2V3.Z1Z2.Y1Y2.MX1X2 agency identifier (TT 01/2018 Art 19).
var agencyCodePattern = regexp.MustCompile(`^[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[A-Z][0-9A-Z]{2}$`)

// ValidAgencyCode reports whether s is a well-formed agency identifier.
func ValidAgencyCode(s string) bool { return agencyCodePattern.MatchString(s) }

// Submit creates a dossier in the initial state, bound to the catalogue
// version in force on the day at, with a national code
// V1V2V3.Z1Z2.Y1Y2.MX1X2-YYMMDD-XXXX from the board's daily sequence, and
// writes its first history row, all through tx.
func (e *Engine) Submit(ctx context.Context, tx *gorm.DB, in SubmitInput, actor Actor, at time.Time) (*models.Dossier, error) {
	at = at.In(deadlines.Location) // every stored instant in one zone: SQLite compares them as text
	v, err := e.validateSubmit(in, actor, at)
	if err != nil {
		return nil, err
	}
	prefix, day, err := e.codePrefix(ctx, tx, in, at)
	if err != nil {
		return nil, err
	}
	if in.Code != "" {
		if !strings.HasPrefix(in.Code, prefix) || len(in.Code) != len(prefix)+4 {
			return nil, fmt.Errorf("engine: reserved code %s is not of %s", in.Code, prefix)
		}
		prefix, day = in.Code, ""
	}
	pin, err := newPIN()
	if err != nil {
		return nil, err
	}
	d := &models.Dossier{Code: prefix, BoardID: in.BoardID, ZoneID: in.ZoneID, Procedure: in.Procedure,
		CatalogueVersion: v.ID, Variant: in.Variant, Channel: in.Channel, Title: strings.TrimSpace(in.Title),
		ApplicantName: strings.TrimSpace(in.ApplicantName), ApplicantTaxCode: in.ApplicantTaxCode,
		ApplicantEmail: in.ApplicantEmail, ApplicantPhone: in.ApplicantPhone, InvestorID: in.InvestorID,
		State: string(initialState(v)), Version: 1, SubmittedAt: at, ClockState: string(deadlines.ClockIdle),
		TrackingPIN: pin}
	e.intakeStep(d, at)
	ev := &models.DossierEvent{Seq: 1, Event: string(EventSubmit), ToState: d.State,
		ActorID: actor.UserID, ActorRole: string(actor.Role), ActorName: actor.Name, At: at,
		StepState: d.StepState, StepDueAt: d.StepDueAt}
	if err := models.InsertSubmission(ctx, tx, d, ev, day); err != nil {
		if errors.Is(err, models.ErrSequenceExhausted) {
			return nil, sequenceExhausted()
		}
		return nil, err
	}
	return d, models.InsertAttachments(ctx, tx, attachmentRows(d.ID, &ev.ID, actor.UserID, ev.At, in.Attachments))
}

// ReserveCode checks a submission as Submit would and, on PostgreSQL,
// reserves its code outside the filing's transaction
// (models.ReserveNumber), so that concurrent filings of a board do not
// hold its sequence row for their whole transaction. The caller passes
// the code in SubmitInput.Code to Submit with the same instant. On other
// databases (one writer at a time) it returns "" and Submit numbers the
// dossier in its transaction, without gaps.
func (e *Engine) ReserveCode(ctx context.Context, db *gorm.DB, in SubmitInput, actor Actor, at time.Time) (string, error) {
	if !models.SingleStatementTransitions(db) {
		return "", nil
	}
	at = at.In(deadlines.Location)
	if _, err := e.validateSubmit(in, actor, at); err != nil {
		return "", err
	}
	prefix, day, err := e.codePrefix(ctx, db, in, at)
	if err != nil {
		return "", err
	}
	n, err := models.ReserveNumber(ctx, db, in.BoardID, day)
	if errors.Is(err, models.ErrSequenceExhausted) {
		return "", sequenceExhausted()
	}
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s%04d", prefix, n), nil
}

// sequenceExhausted is the refusal of a filing past the day's last number.
func sequenceExhausted() error {
	return rule("sequence_exhausted", "board_id", "đã hết số thứ tự hồ sơ trong ngày", "the daily dossier sequence is exhausted")
}

// validateSubmit checks the input field by field and finds the version in force.
func (e *Engine) validateSubmit(in SubmitInput, actor Actor, at time.Time) (*Version, error) {
	if in.BoardID == 0 {
		return nil, invalid("board_id", "thiếu ban quản lý tiếp nhận", "board_id is required")
	}
	if strings.TrimSpace(in.ApplicantName) == "" {
		return nil, invalid("applicant_name", "thiếu tên tổ chức, cá nhân nộp hồ sơ", "applicant_name is required")
	}
	if err := checkChannel(in.Channel, actor.Role); err != nil {
		return nil, err
	}
	p, err := e.cat.Procedure(in.Procedure)
	if err != nil {
		return nil, invalid("procedure", fmt.Sprintf("không có thủ tục %q", in.Procedure), fmt.Sprintf("unknown procedure %q", in.Procedure))
	}
	v, err := p.VersionAt(at)
	if err != nil {
		return nil, errs.Rule("no_version_in_force", "procedure", fmt.Sprintf("thủ tục %s không có phiên bản có hiệu lực ngày %s",
			in.Procedure, at.Format("02/01/2006")), err.Error())
	}
	if _, err := v.Variant(in.Variant); err != nil {
		return nil, invalid("variant", fmt.Sprintf("thủ tục %s không có loại hồ sơ %q", in.Procedure, in.Variant), err.Error())
	}
	return v, nil
}

// checkChannel allows investors to file online and officers to enter
// dossiers received at the desk or by post.
func checkChannel(ch models.Channel, role Role) error {
	switch {
	case role == RoleInvestor && ch == models.ChannelOnline:
		return nil
	case role == RoleOfficer && (ch == models.ChannelDirect || ch == models.ChannelPostal):
		return nil
	case ch != models.ChannelOnline && ch != models.ChannelDirect && ch != models.ChannelPostal:
		return invalid("channel", fmt.Sprintf("kênh nộp %q không hợp lệ (online, direct, postal)", ch),
			fmt.Sprintf("channel %q is not one of online, direct, postal", ch))
	}
	return errs.Forbidden("role_not_allowed", "channel", fmt.Sprintf("vai trò %q không được nộp hồ sơ qua kênh %q", role, ch),
		fmt.Sprintf("role %q may not file through channel %q", role, ch))
}

// initialState returns the version's initial state.
func initialState(v *Version) State {
	for _, s := range v.States {
		if s.Kind == KindInitial {
			return s.Code
		}
	}
	return StateSubmitted
}

// codePrefix is the start of the dossier code, the board's agency id and
// the day in Asia/Ho_Chi_Minh (V1V2V3.Z1Z2.Y1Y2.MX1X2-YYMMDD-), and that
// day (YYMMDD), whose sequence of the board numbers the dossier
// (models.InsertSubmission).
func (e *Engine) codePrefix(ctx context.Context, tx *gorm.DB, in SubmitInput, at time.Time) (string, string, error) {
	b := in.Board
	if b == nil || b.ID != in.BoardID {
		var err error
		if b, err = models.GetBoard(ctx, tx, in.BoardID); err != nil {
			return "", "", fromStore(err, "")
		}
	}
	day := at.In(deadlines.Location).Format("060102")
	return b.AgencyCode + "-" + day + "-", day, nil
}
