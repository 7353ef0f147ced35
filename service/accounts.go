package service

import (
	"context"
	"errors"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/motcua/motcua/errs"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/workflow"
)

// Lifetimes and limits of the one-time account links.
const (
	VerifyTokenTTL = 48 * time.Hour
	ResetTokenTTL  = time.Hour
	// ResetsPerHour is how many reset emails one account gets in an hour.
	ResetsPerHour = 3
)

// SignUpRequest is an investor creating their own account. The email is
// the username: one account files with any board.
type SignUpRequest struct {
	Email    string
	FullName string // the person, or the company they act for
	Phone    string
	Password string
}

// SignUp creates an investor account and sends the link that verifies its
// email through the outbox; the account signs in once verified. An email
// already taken is a conflict naming the field.
func (s *Service) SignUp(ctx context.Context, r SignUpRequest) (*models.User, error) {
	email := strings.ToLower(strings.TrimSpace(r.Email))
	err := checkTexts(textField{"email", r.Email, limitEmail, true}, textField{"full_name", r.FullName, limitName, true},
		textField{"phone", r.Phone, limitPhone, false})
	if err == nil {
		err = checkEmail("email", email)
	}
	if err == nil {
		err = checkPassword("password", r.Password)
	}
	if err != nil {
		return nil, err
	}
	hash, err := models.HashPassword(r.Password)
	if err != nil {
		return nil, err
	}
	u := models.User{Username: email, Email: email, FullName: strings.TrimSpace(r.FullName),
		Role: string(workflow.RoleInvestor), PasswordHash: hash}
	err = models.InTx(ctx, s.db, func(tx *gorm.DB) error {
		if err := models.InsertUser(ctx, tx, &u); err != nil {
			return err
		}
		return s.sendLink(ctx, tx, &u, models.TokenVerifyEmail, VerifyTokenTTL)
	})
	if err != nil {
		if errors.Is(err, models.ErrDuplicate) {
			return nil, errs.Conflict("duplicate", "email", "email này đã có tài khoản: hãy đăng nhập hoặc đặt lại mật khẩu",
				"this email already has an account: sign in, or reset the password")
		}
		return nil, err
	}
	return &u, nil
}

// sendLink makes a one-time token for u and enqueues the email carrying it.
func (s *Service) sendLink(ctx context.Context, tx *gorm.DB, u *models.User, purpose models.TokenPurpose, ttl time.Duration) error {
	token, err := newToken()
	if err != nil {
		return err
	}
	now := s.now()
	t, err := models.CreateUserToken(ctx, tx, u.ID, purpose, HashToken(token), now, now.Add(ttl))
	if err != nil {
		return err
	}
	kind := models.NotifyVerifyEmail
	if purpose == models.TokenResetPassword {
		kind = models.NotifyPasswordReset
	}
	return models.EnqueueAccountEmail(ctx, tx, u, kind, t.ID, token, now)
}

// ResendVerification sends a new verification link to an account that
// has not verified its email; it says nothing of whether one exists.
func (s *Service) ResendVerification(ctx context.Context, email string) error {
	email = strings.ToLower(strings.TrimSpace(email))
	if err := checkText("email", email, limitEmail, true); err != nil {
		return err
	}
	u, err := models.GetUserByUsername(ctx, s.db, email)
	if errors.Is(err, models.ErrNotFound) || (err == nil && (u.EmailVerifiedAt != nil || !u.Active)) {
		return nil
	}
	if err != nil {
		return err
	}
	return s.limitedLink(ctx, u, models.TokenVerifyEmail, VerifyTokenTTL)
}

// limitedLink sends a link unless the account had ResetsPerHour this hour.
func (s *Service) limitedLink(ctx context.Context, u *models.User, purpose models.TokenPurpose, ttl time.Duration) error {
	return models.InTx(ctx, s.db, func(tx *gorm.DB) error {
		n, err := models.CountUserTokens(ctx, tx, u.ID, purpose, s.now().Add(-time.Hour))
		if err != nil || n >= ResetsPerHour {
			return err
		}
		return s.sendLink(ctx, tx, u, purpose, ttl)
	})
}

// VerifyEmail consumes a verification token: the account's email is
// verified and it may sign in.
func (s *Service) VerifyEmail(ctx context.Context, token string) (*models.User, error) {
	var u *models.User
	err := models.InTx(ctx, s.db, func(tx *gorm.DB) error {
		id, err := consume(ctx, tx, models.TokenVerifyEmail, token, s.now())
		if err != nil {
			return err
		}
		if err := models.VerifyEmail(ctx, tx, id, s.now()); err != nil {
			return err
		}
		u, err = models.GetUser(ctx, tx, id)
		return err
	})
	return u, err
}

// consume uses a one-time token; an unknown, used or expired one is refused.
func consume(ctx context.Context, tx *gorm.DB, purpose models.TokenPurpose, token string, now time.Time) (uint, error) {
	if token == "" || len(token) > 512 {
		return 0, errTokenInvalid()
	}
	id, err := models.ConsumeUserToken(ctx, tx, purpose, HashToken(token), now)
	if errors.Is(err, models.ErrNotFound) {
		return 0, errTokenInvalid()
	}
	return id, err
}

func errTokenInvalid() *errs.Error {
	return errs.Rule("token_invalid", "token", "liên kết không hợp lệ, đã dùng hoặc đã hết hạn: hãy yêu cầu liên kết mới",
		"the link is not valid, was used or has expired: ask for a new one")
}

// ChangePassword sets the principal's password once the current one is
// given; every other sign-in of the account ends.
func (s *Service) ChangePassword(ctx context.Context, p *Principal, current, next string) error {
	if p == nil {
		return errUnauthenticated()
	}
	u, err := models.GetUser(ctx, s.db, p.UserID())
	if err != nil {
		return err
	}
	if !models.CheckPassword(u.PasswordHash, current) {
		return errs.Invalid("current_password", "mật khẩu hiện tại không đúng", "the current password is wrong")
	}
	if err := checkPassword("new_password", next); err != nil {
		return err
	}
	hash, err := models.HashPassword(next)
	if err != nil {
		return err
	}
	return models.InTx(ctx, s.db, func(tx *gorm.DB) error {
		if err := models.SetPassword(ctx, tx, u.ID, hash); err != nil {
			return err
		}
		return models.RevokeOtherTokens(ctx, tx, u.ID, p.TokenID, s.now())
	})
}

// RequestPasswordReset sends a reset link to the account a username or
// email names, at most ResetsPerHour an hour. It says nothing of whether
// the account exists.
func (s *Service) RequestPasswordReset(ctx context.Context, login string) error {
	login = strings.TrimSpace(login)
	if err := checkText("login", login, limitEmail, true); err != nil {
		return err
	}
	u, err := models.FindUserForReset(ctx, s.db, login)
	if errors.Is(err, models.ErrNotFound) || (err == nil && u.Email == "") {
		return nil
	}
	if err != nil {
		return err
	}
	return s.limitedLink(ctx, u, models.TokenResetPassword, ResetTokenTTL)
}

// ResetPassword consumes a reset token and sets the new password: the
// account's sign-ins end, its lock is lifted, and its email counts as
// verified (the owner opened the link).
func (s *Service) ResetPassword(ctx context.Context, token, password string) error {
	if err := checkPassword("password", password); err != nil {
		return err
	}
	hash, err := models.HashPassword(password)
	if err != nil {
		return err
	}
	return models.InTx(ctx, s.db, func(tx *gorm.DB) error {
		id, err := consume(ctx, tx, models.TokenResetPassword, token, s.now())
		if err != nil {
			return err
		}
		u, err := models.UpdateUser(ctx, tx, id, models.UserPatch{PasswordHash: &hash}, s.now())
		if err != nil {
			return err
		}
		if err := models.VerifyEmail(ctx, tx, id, s.now()); err != nil {
			return err
		}
		return models.ClearLoginFailures(ctx, tx, failureKey(u.Username))
	})
}

// UnlockUser clears the sign-in failures of username: its lock is lifted
// (`motcua user unlock`). It returns how many failures were cleared.
func (s *Service) UnlockUser(ctx context.Context, username string) (int64, error) {
	u, err := models.GetUserByUsername(ctx, s.db, strings.TrimSpace(username))
	if errors.Is(err, models.ErrNotFound) {
		return 0, errs.NotFound("username", "không có tài khoản "+username, "there is no account "+username)
	}
	if err != nil {
		return 0, err
	}
	return models.CountAndClearLoginFailures(ctx, s.db, failureKey(u.Username))
}

// CreateAccount makes an account as the operator of the installation
// (`motcua user create`): no principal, every board in scope. It is how an
// empty install gets its first administrator.
func (s *Service) CreateAccount(ctx context.Context, in UserInput, boardCode string) (*models.User, error) {
	if boardCode != "" {
		b, err := models.GetBoardByCode(ctx, s.db, strings.ToUpper(strings.TrimSpace(boardCode)))
		if errors.Is(err, models.ErrNotFound) {
			return nil, errs.Invalid("board", "không có Ban quản lý mã "+boardCode, "there is no board with code "+boardCode)
		}
		if err != nil {
			return nil, err
		}
		in.BoardID = &b.ID
	}
	operator := &Principal{Actor: workflow.Actor{Role: workflow.RoleAdmin}}
	u, err := s.validateUser(ctx, operator, in)
	if err != nil {
		return nil, err
	}
	return s.insertUser(ctx, u, in.Password)
}
