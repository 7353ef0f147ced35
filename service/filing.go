package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math"
	"net/mail"
	"strings"

	"gorm.io/gorm"

	"github.com/motcua/motcua/errs"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/workflow"
)

// SubmitRequest is a new dossier: filed online by an investor, or entered
// at the desk by an officer for a walk-in or postal applicant.
type SubmitRequest struct {
	// Board is the receiving board's code (e.g. HBI). An investor names it;
	// an officer files with their own board, named or not.
	Board            string `json:"board"`
	Procedure        string `json:"procedure"`
	Variant          string `json:"variant"`
	Channel          string `json:"channel"` // online (investors), direct or postal (officers); default by role
	Title            string `json:"title"`
	ZoneID           *uint  `json:"zone_id"`
	ApplicantName    string `json:"applicant_name"`
	ApplicantTaxCode string `json:"applicant_tax_code"`
	ApplicantEmail   string `json:"applicant_email"`
	ApplicantPhone   string `json:"applicant_phone"`
	// InvestorID links a dossier entered at the desk to an investor's
	// account, so that they follow it online; nil for an applicant without one.
	InvestorID *uint `json:"investor_id"`
}

// maxIdempotencyKey bounds an idempotency key.
const maxIdempotencyKey = 255

// Submit files a new dossier. With an idempotency key, a retry of the same
// request returns the first dossier (replayed = true) instead of creating
// another; the same key with another request is refused; concurrent
// retries create one dossier.
func (s *Service) Submit(ctx context.Context, p *Principal, req SubmitRequest, key string) (*DossierView, bool, error) {
	if err := p.require(workflow.RoleInvestor, workflow.RoleOfficer); err != nil {
		return nil, false, err
	}
	key = strings.TrimSpace(key)
	if err := checkText("idempotency_key", key, maxIdempotencyKey, false); err != nil {
		return nil, false, err
	}
	if err := checkSubmit(req); err != nil {
		return nil, false, err
	}
	d, replayed, err := s.submitOnce(ctx, p, req, key, requestHash(req))
	if err != nil {
		return nil, false, err
	}
	views, err := s.views(ctx, s.db, p, []models.Dossier{*d})
	if err != nil {
		return nil, false, err
	}
	return &views[0], replayed, nil
}

// checkSubmit checks the text fields of a submission.
func checkSubmit(r SubmitRequest) error {
	err := checkTexts(textField{"board", r.Board, 16, false}, textField{"procedure", r.Procedure, limitCode, true},
		textField{"variant", r.Variant, limitCode, true}, textField{"channel", r.Channel, 16, false},
		textField{"title", r.Title, limitTitle, false}, textField{"applicant_name", r.ApplicantName, limitName, true},
		textField{"applicant_tax_code", r.ApplicantTaxCode, limitTaxCode, false},
		textField{"applicant_email", r.ApplicantEmail, limitEmail, false},
		textField{"applicant_phone", r.ApplicantPhone, limitPhone, false})
	if err != nil {
		return err
	}
	return checkEmail("applicant_email", r.ApplicantEmail)
}

// checkEmail refuses an address that is set but not a plain address.
func checkEmail(field, s string) error {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	if a, err := mail.ParseAddress(s); err != nil || a.Address != s {
		return errs.Invalid(field, field+" không phải địa chỉ email hợp lệ (ví dụ ten@congty.vn)",
			field+" is not a valid email address such as name@company.vn")
	}
	return nil
}

// requestHash identifies a submission for its idempotency key.
func requestHash(r SubmitRequest) string {
	b, _ := json.Marshal(r) // strings and pointers to integers always marshal
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// submitOnce creates the dossier, or finds the one the same key created.
func (s *Service) submitOnce(ctx context.Context, p *Principal, req SubmitRequest, key, hash string) (*models.Dossier, bool, error) {
	return s.submitOnceWith(ctx, p, req, key, hash, nil)
}

// submitOnceWith creates the dossier with the attachments atts (files
// already stored), or finds the one the same key created.
func (s *Service) submitOnceWith(ctx context.Context, p *Principal, req SubmitRequest, key, hash string,
	atts []workflow.AttachmentInput) (*models.Dossier, bool, error) {
	key = strings.TrimSpace(key)
	if err := checkText("idempotency_key", key, maxIdempotencyKey, false); err != nil {
		return nil, false, err
	}
	if key != "" {
		if d, err := s.replay(ctx, p, key, hash); d != nil || err != nil {
			return d, d != nil, err
		}
	}
	now := s.now()
	in, err := s.submitInput(ctx, s.db, p, req)
	if err != nil {
		return nil, false, err
	}
	in.Attachments = atts
	if in.Code, err = s.eng.ReserveCode(ctx, s.db, in, p.Actor, now); err != nil {
		return nil, false, err
	}
	var d *models.Dossier
	err = filingTx(ctx, s.db, key == "" && len(atts) == 0, func(tx *gorm.DB) error {
		var err error
		if d, err = s.eng.Submit(ctx, tx, in, p.Actor, now); err != nil {
			return err
		}
		if key == "" {
			return nil
		}
		return models.InsertIdempotencyKey(ctx, tx, &models.IdempotencyKey{UserID: p.UserID(), Key: key,
			RequestHash: hash, DossierID: d.ID})
	})
	if err != nil && key != "" && errs.KindOf(err) == 0 {
		// A concurrent retry with the same key won the unique index: answer with its dossier.
		if first, rerr := s.replay(ctx, p, key, hash); first != nil || rerr != nil {
			return first, first != nil, rerr
		}
	}
	return d, false, err
}

// filingTx runs fn in a transaction, or, when the filing writes one
// dossier only (alone: no idempotency key nor attachments) on PostgreSQL,
// without one around it: its code was reserved before (Engine.ReserveCode)
// and models.InsertSubmission inserts the dossier and its first history
// row in one statement.
func filingTx(ctx context.Context, db *gorm.DB, alone bool, fn func(tx *gorm.DB) error) error {
	if alone && models.SingleStatementTransitions(db) {
		return fn(db.WithContext(ctx))
	}
	return models.InTx(ctx, db, fn)
}

// replay returns the dossier an earlier request with this key created, nil
// if there was none, or a refusal if the key was used for another request.
func (s *Service) replay(ctx context.Context, p *Principal, key, hash string) (*models.Dossier, error) {
	k, err := models.FindIdempotencyKey(ctx, s.db, p.UserID(), key)
	if errors.Is(err, models.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if k.RequestHash != hash {
		return nil, errs.Rule("idempotency_key_reused", "idempotency_key",
			"Idempotency-Key này đã dùng cho một yêu cầu khác", "this Idempotency-Key was used for a different request")
	}
	return models.GetDossier(ctx, s.db, k.DossierID)
}

// submitInput resolves the request against the principal: the board, the
// zone of that board, the investor account.
func (s *Service) submitInput(ctx context.Context, tx *gorm.DB, p *Principal, req SubmitRequest) (workflow.SubmitInput, error) {
	board, err := s.filingBoard(ctx, tx, p, req.Board)
	if err != nil {
		return workflow.SubmitInput{}, err
	}
	in := workflow.SubmitInput{BoardID: board.ID, Board: board, Procedure: strings.TrimSpace(req.Procedure),
		Variant: strings.TrimSpace(req.Variant), Channel: models.Channel(strings.TrimSpace(req.Channel)),
		Title: req.Title, ApplicantName: req.ApplicantName, ApplicantTaxCode: strings.TrimSpace(req.ApplicantTaxCode),
		ApplicantEmail: strings.TrimSpace(req.ApplicantEmail), ApplicantPhone: strings.TrimSpace(req.ApplicantPhone),
		ZoneID: req.ZoneID}
	if in.Channel == "" {
		in.Channel = defaultChannel(p.Role())
	}
	if req.ZoneID != nil {
		if z, err := models.GetZone(ctx, tx, *req.ZoneID); uint64(*req.ZoneID) > math.MaxInt64 || err != nil || z.BoardID != board.ID {
			return in, errs.Invalid("zone_id", "khu công nghiệp không thuộc Ban tiếp nhận", "zone_id is not a zone of the receiving board")
		}
	}
	in.InvestorID, err = investorFor(ctx, tx, p, req.InvestorID)
	return in, err
}

// filingBoard is the board a dossier is filed with: the one an investor
// names, an officer's own.
func (s *Service) filingBoard(ctx context.Context, tx *gorm.DB, p *Principal, code string) (*models.Board, error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	if p.Role() == workflow.RoleInvestor {
		if code == "" {
			return nil, errs.Invalid("board", "hãy chọn Ban quản lý tiếp nhận hồ sơ (mã ban, ví dụ HBI)",
				"board is required: the receiving board's code, e.g. HBI")
		}
		b, err := models.GetBoardByCode(ctx, tx, code)
		if errors.Is(err, models.ErrNotFound) {
			return nil, errs.Invalid("board", "không có Ban quản lý mã "+code, "there is no board with code "+code)
		}
		return b, err
	}
	b, err := models.GetBoard(ctx, tx, p.BoardID())
	if err != nil {
		return nil, err
	}
	if code != "" && code != b.Code {
		return nil, errs.Invalid("board", "cán bộ chỉ tiếp nhận hồ sơ cho Ban của mình ("+b.Code+")",
			"an officer files dossiers with their own board ("+b.Code+") only")
	}
	return b, nil
}

// defaultChannel is online for investors, the desk for officers.
func defaultChannel(role workflow.Role) models.Channel {
	if role == workflow.RoleInvestor {
		return models.ChannelOnline
	}
	return models.ChannelDirect
}

// investorFor is the principal for an investor; for an officer, the named
// investor account, if any.
func investorFor(ctx context.Context, tx *gorm.DB, p *Principal, named *uint) (*uint, error) {
	if p.Role() == workflow.RoleInvestor {
		id := p.UserID()
		return &id, nil
	}
	if named == nil {
		return nil, nil
	}
	if *named == 0 || uint64(*named) > math.MaxInt64 {
		return nil, errs.Invalid("investor_id", "không có tài khoản nhà đầu tư này", "investor_id is not an investor account")
	}
	u, err := models.GetUser(ctx, tx, *named)
	if err != nil || u.Role != string(workflow.RoleInvestor) || !u.Active {
		return nil, errs.Invalid("investor_id", "không có tài khoản nhà đầu tư này", "investor_id is not an investor account")
	}
	return named, nil
}
