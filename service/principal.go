package service

import (
	"fmt"
	"slices"

	"github.com/motcua/motcua/errs"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/workflow"
)

// Principal is a signed-in user as every call of the service sees them:
// the account, the workflow actor it acts as, and the sign-in (token) it
// came with. Front ends get it from Authenticate and pass it back.
type Principal struct {
	User    models.User
	Actor   workflow.Actor
	TokenID uint64
}

// Role is the principal's role.
func (p *Principal) Role() workflow.Role { return p.Actor.Role }

// UserID is the principal's user id.
func (p *Principal) UserID() uint { return p.User.ID }

// BoardID is the principal's board, 0 for investors and deployment admins.
func (p *Principal) BoardID() uint { return p.Actor.BoardID }

// Staff reports whether the principal works for a board (officer, leader,
// manager, or an administrator of one board).
func (p *Principal) Staff() bool { return p.Role() != workflow.RoleInvestor && p.BoardID() != 0 }

// Is reports whether the principal has one of roles.
func (p *Principal) Is(roles ...workflow.Role) bool { return slices.Contains(roles, p.Role()) }

// require refuses a principal whose role is not one of roles.
func (p *Principal) require(roles ...workflow.Role) error {
	if p == nil {
		return errUnauthenticated()
	}
	if !p.Is(roles...) {
		return roleNotAllowed(p.Role())
	}
	return nil
}

// principalOf is the principal of an active user.
func principalOf(u *models.User, tokenID uint64) (*Principal, error) {
	role, err := workflow.ParseRole(u.Role)
	if err != nil || role == workflow.RoleSystem {
		return nil, fmt.Errorf("service: user %d has an invalid role %q", u.ID, u.Role)
	}
	id := u.ID
	a := workflow.Actor{UserID: &id, Role: role, Name: u.FullName}
	if u.BoardID != nil && role != workflow.RoleInvestor {
		a.BoardID = *u.BoardID
	}
	if a.Name == "" {
		a.Name = u.Username
	}
	return &Principal{User: *u, Actor: a, TokenID: tokenID}, nil
}

func errUnauthenticated() *errs.Error {
	return errs.New(errs.KindUnauthenticated, "unauthenticated", "",
		"chưa đăng nhập hoặc phiên đã hết hạn", "not signed in or the session has expired")
}

func roleNotAllowed(role workflow.Role) *errs.Error {
	return errs.Forbidden("role_not_allowed", "role", fmt.Sprintf("vai trò %q không được phép làm việc này", role),
		fmt.Sprintf("role %q is not allowed to do this", role))
}
