package service

import (
	"context"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
	"gorm.io/gorm"

	"github.com/motcua/motcua/errs"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/workflow"
)

// The administrator's pages: accounts as their administrator sees them
// (whether sign-in throttling has locked them), unlocking one, and making
// an account whose owner sets the password from an emailed link. The
// tenancy is admin.go's: a board's administrator sees and changes the
// accounts of their board only, any other is not found.

// AccountQuery narrows the administrator's list of accounts; zero fields
// do not filter.
type AccountQuery struct {
	BoardID *uint
	Role    string
	Active  *bool
	// Text is part of the full name, username or email, without regard to
	// case or Vietnamese diacritics ("hong" finds "Trần Thị Hồng").
	Text string
}

// AccountView is an account as its administrator sees it.
type AccountView struct {
	User models.User
	// Board is the account's board, nil for an investor or a deployment
	// administrator.
	Board *models.Board
	// Failures are the failed sign-ins of the last LoginWindow.
	Failures int64
	// Locked: the next sign-in is refused whatever the password, until the
	// failures leave the window or an administrator unlocks the account.
	Locked bool
}

// Accounts lists the accounts in the administrator's scope that match q.
func (s *Service) Accounts(ctx context.Context, p *Principal, q AccountQuery) ([]AccountView, error) {
	if err := p.require(workflow.RoleAdmin); err != nil {
		return nil, err
	}
	if err := checkText("q", q.Text, limitSearch, false); err != nil {
		return nil, err
	}
	users, err := s.Users(ctx, p, UserQuery{BoardID: q.BoardID, Role: q.Role})
	if err != nil {
		return nil, err
	}
	needle := foldText(strings.TrimSpace(q.Text))
	kept := users[:0]
	for _, u := range users {
		if q.Active != nil && u.Active != *q.Active {
			continue
		}
		if needle != "" && !strings.Contains(foldText(u.FullName+"\x00"+u.Username+"\x00"+u.Email), needle) {
			continue
		}
		kept = append(kept, u)
	}
	return s.accountViews(ctx, kept)
}

// Account is one account in the administrator's scope; another is not found.
func (s *Service) Account(ctx context.Context, p *Principal, id uint) (*AccountView, error) {
	if err := p.require(workflow.RoleAdmin); err != nil {
		return nil, err
	}
	u, err := s.scopedUser(ctx, p, id)
	if err != nil {
		return nil, err
	}
	views, err := s.accountViews(ctx, []models.User{*u})
	if err != nil {
		return nil, err
	}
	return &views[0], nil
}

// accountViews adds to each account its board and its recent failures.
func (s *Service) accountViews(ctx context.Context, users []models.User) ([]AccountView, error) {
	var boardIDs []uint
	keys := make([]string, 0, len(users))
	for _, u := range users {
		if u.BoardID != nil {
			boardIDs = append(boardIDs, *u.BoardID)
		}
		keys = append(keys, failureKey(u.Username))
	}
	boards, err := models.BoardsByID(ctx, s.db, boardIDs)
	if err != nil {
		return nil, err
	}
	failures, err := models.CountLoginFailuresByAccount(ctx, s.db, keys, s.now().Add(-LoginWindow))
	if err != nil {
		return nil, err
	}
	out := make([]AccountView, len(users))
	for i, u := range users {
		out[i] = AccountView{User: u, Failures: failures[failureKey(u.Username)]}
		out[i].Locked = lockedBy(out[i].Failures)
		if u.BoardID != nil {
			if b, ok := boards[*u.BoardID]; ok {
				out[i].Board = &b
			}
		}
	}
	return out, nil
}

// lockedBy reports whether n failures in the window lock an account: the
// next attempt, counted with them, is over LoginLockAfter and refused
// (reserveAttempt).
func lockedBy(n int64) bool { return n >= LoginLockAfter }

// UnlockAccount lifts the sign-in lock of account id: its failures are
// forgotten, so its owner signs in at once. Only an administrator whose
// scope holds the account may; another account is not found. It returns
// how many failures were cleared.
func (s *Service) UnlockAccount(ctx context.Context, p *Principal, id uint) (int64, error) {
	if err := p.require(workflow.RoleAdmin); err != nil {
		return 0, err
	}
	u, err := s.scopedUser(ctx, p, id)
	if err != nil {
		return 0, err
	}
	return models.CountAndClearLoginFailures(ctx, s.db, failureKey(u.Username))
}

// InviteUser makes an account as CreateUser does, but with no password
// the administrator knows: the account gets a random one, and its owner
// is emailed the one-time link that sets their own (the password-reset
// link, valid ResetTokenTTL; the sign-in page's "forgot password" sends
// another). The email is required.
func (s *Service) InviteUser(ctx context.Context, p *Principal, in UserInput) (*models.User, error) {
	if err := p.require(workflow.RoleAdmin); err != nil {
		return nil, err
	}
	if strings.TrimSpace(in.Email) == "" {
		return nil, errs.Invalid("email", "cần địa chỉ email để gửi liên kết đặt mật khẩu",
			"an email address is needed to send the set-password link")
	}
	random, err := newToken()
	if err != nil {
		return nil, err
	}
	in.Password = random
	u, err := s.validateUser(ctx, p, in)
	if err != nil {
		return nil, err
	}
	if u.PasswordHash, err = models.HashPassword(random); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	u.EmailVerifiedAt = &now
	err = models.InTx(ctx, s.db, func(tx *gorm.DB) error {
		if err := models.InsertUser(ctx, tx, &u); err != nil {
			return err
		}
		return s.sendLink(ctx, tx, &u, models.TokenResetPassword, ResetTokenTTL)
	})
	if err != nil {
		return nil, duplicate(err)
	}
	return &u, nil
}

// AssignableRoles are the roles p may give to an account of their scope,
// in the order a form offers them: a board's administrator manages only
// their board's accounts, and an investor's account belongs to no board,
// so only a deployment administrator gives the investor role.
func AssignableRoles(p *Principal) []workflow.Role {
	if p == nil || !p.Is(workflow.RoleAdmin) {
		return nil
	}
	if adminScope(p) == nil {
		return slices.Clone(adminRoles)
	}
	return slices.DeleteFunc(slices.Clone(adminRoles), func(r workflow.Role) bool { return r == workflow.RoleInvestor })
}

// foldText is s in lower case without Vietnamese diacritics (đ is d), for
// matching what a user types against names.
func foldText(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == 'đ':
			b.WriteRune('d')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
