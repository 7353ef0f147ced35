package service

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"gorm.io/gorm"

	"github.com/motcua/motcua/errs"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/workflow"
)

// The administrator's rules.
//
// Tenancy: an administrator whose account names a board manages only that
// board; one with no board manages every board. Rows of a board outside
// the caller's scope are not found, and so is creating a zone or a user in
// such a board, so that ids cannot be probed. Creating a board is a
// deployment-wide act: a board's administrator may not. Staff accounts
// belong to a board; investor accounts to none (one account files with any
// board), so only a deployment administrator manages them.

// BoardInput is a new board.
type BoardInput struct {
	Code       string
	NameVI     string
	NameEN     string
	Province   string
	AgencyCode string
}

// BoardPatch lists the board fields to change; nil leaves one alone.
type BoardPatch struct {
	NameVI   *string
	NameEN   *string
	Province *string
}

// UserInput is a new account made by an administrator.
type UserInput struct {
	Username   string
	FullName   string
	Role       string
	BoardID    *uint
	Department string
	Email      string
	Password   string
}

// UserPatch lists the account fields to change; nil leaves one alone.
type UserPatch struct {
	FullName   *string
	Department *string
	Email      *string
	Role       *string
	Active     *bool
	Password   *string
}

// UserQuery narrows a list of accounts.
type UserQuery struct {
	BoardID *uint
	Role    string
}

var boardCodePattern = regexp.MustCompile(`^[A-Z0-9]{2,16}$`)

// adminRoles are the roles an administrator may give.
var adminRoles = []workflow.Role{workflow.RoleInvestor, workflow.RoleOfficer, workflow.RoleLeader,
	workflow.RoleManager, workflow.RoleAdmin}

// adminScope is the board an administrator is limited to, nil for all.
func adminScope(p *Principal) *uint {
	if p.User.BoardID != nil {
		id := *p.User.BoardID
		return &id
	}
	return nil
}

// what names a kind of row in both languages.
type what struct{ vi, en string }

var (
	whatBoard = what{"ban quản lý", "board"}
	whatUser  = what{"người dùng", "user"}
)

func adminNotFound(field string, w what) error {
	return errs.NotFound(field, "không tìm thấy "+w.vi, w.en+" not found")
}

// scopedBoard loads board id if it is in the administrator's scope.
func (s *Service) scopedBoard(ctx context.Context, p *Principal, id uint, field string) (*models.Board, error) {
	if sc := adminScope(p); sc != nil && *sc != id {
		return nil, adminNotFound(field, whatBoard)
	}
	b, err := models.GetBoard(ctx, s.db, id)
	if errors.Is(err, models.ErrNotFound) {
		return nil, adminNotFound(field, whatBoard)
	}
	return b, err
}

// Boards lists every board, or a board administrator's own.
func (s *Service) Boards(ctx context.Context, p *Principal) ([]models.Board, error) {
	if err := p.require(workflow.RoleAdmin); err != nil {
		return nil, err
	}
	return models.ListBoardsScoped(ctx, s.db, adminScope(p))
}

// CreateBoard creates a board (deployment administrators only).
func (s *Service) CreateBoard(ctx context.Context, p *Principal, in BoardInput) (*models.Board, error) {
	if err := p.require(workflow.RoleAdmin); err != nil {
		return nil, err
	}
	if adminScope(p) != nil {
		return nil, errs.Forbidden("role_not_allowed", "role", "quản trị của một ban không được tạo ban mới",
			"a board's admin may not create boards")
	}
	b, err := in.validate()
	if err != nil {
		return nil, err
	}
	err = models.InTx(ctx, s.db, func(tx *gorm.DB) error { return models.InsertBoard(ctx, tx, &b) })
	if err != nil {
		return nil, duplicate(err)
	}
	return &b, nil
}

// validate checks a new board.
func (in BoardInput) validate() (models.Board, error) {
	b := models.Board{Code: strings.ToUpper(strings.TrimSpace(in.Code)), NameVI: strings.TrimSpace(in.NameVI),
		NameEN: strings.TrimSpace(in.NameEN), Province: strings.TrimSpace(in.Province), AgencyCode: strings.TrimSpace(in.AgencyCode)}
	if !boardCodePattern.MatchString(b.Code) {
		return b, errs.Invalid("code", "mã ban phải gồm 2–16 chữ in hoa hoặc chữ số", "code must be 2-16 capital letters or digits")
	}
	err := checkTexts(textField{"name_vi", in.NameVI, limitName, true}, textField{"name_en", in.NameEN, limitName, false},
		textField{"province", in.Province, limitProvince, false})
	if err != nil {
		return b, err
	}
	if !workflow.ValidAgencyCode(b.AgencyCode) {
		return b, errs.Invalid("agency_code", "mã cơ quan phải có dạng V1V2V3.Z1Z2.Y1Y2.MX1X2, ví dụ 000.20.30.H33",
			"agency_code must look like V1V2V3.Z1Z2.Y1Y2.MX1X2, e.g. 000.20.30.H33")
	}
	return b, nil
}

// UpdateBoard changes a board's names and province.
func (s *Service) UpdateBoard(ctx context.Context, p *Principal, id uint, patch BoardPatch) (*models.Board, error) {
	if err := p.require(workflow.RoleAdmin); err != nil {
		return nil, err
	}
	if _, err := s.scopedBoard(ctx, p, id, "id"); err != nil {
		return nil, err
	}
	var mp models.BoardPatch
	var err error
	if mp.NameVI, err = optText("name_vi", patch.NameVI, limitName, true); err != nil {
		return nil, err
	}
	if mp.NameEN, err = optText("name_en", patch.NameEN, limitName, false); err != nil {
		return nil, err
	}
	if mp.Province, err = optText("province", patch.Province, limitProvince, false); err != nil {
		return nil, err
	}
	var b *models.Board
	err = models.InTx(ctx, s.db, func(tx *gorm.DB) error {
		b, err = models.UpdateBoard(ctx, tx, id, mp)
		return err
	})
	return b, err
}

// optText checks and trims an optional patched text.
func optText(field string, v *string, limit int, required bool) (*string, error) {
	if v == nil {
		return nil, nil
	}
	if err := checkText(field, *v, limit, required); err != nil {
		return nil, err
	}
	t := strings.TrimSpace(*v)
	return &t, nil
}

// Zones lists the zones of board id.
func (s *Service) Zones(ctx context.Context, p *Principal, boardID uint) ([]models.Zone, error) {
	if err := p.require(workflow.RoleAdmin); err != nil {
		return nil, err
	}
	if _, err := s.scopedBoard(ctx, p, boardID, "id"); err != nil {
		return nil, err
	}
	return models.ListZones(ctx, s.db, boardID)
}

// BoardZones lists the zones of a board for anyone who files with it or
// works for it (the zone of a new dossier).
func (s *Service) BoardZones(ctx context.Context, code string) (*models.Board, []models.Zone, error) {
	b, err := models.GetBoardByCode(ctx, s.db, strings.ToUpper(strings.TrimSpace(code)))
	if errors.Is(err, models.ErrNotFound) || len(code) > 16 {
		return nil, nil, adminNotFound("board", whatBoard)
	}
	if err != nil {
		return nil, nil, err
	}
	zones, err := models.ListZones(ctx, s.db, b.ID)
	return b, zones, err
}

// CreateZone adds a zone to board id.
func (s *Service) CreateZone(ctx context.Context, p *Principal, boardID uint, name string) (*models.Zone, error) {
	if err := p.require(workflow.RoleAdmin); err != nil {
		return nil, err
	}
	if _, err := s.scopedBoard(ctx, p, boardID, "id"); err != nil {
		return nil, err
	}
	if err := checkText("name", name, limitName, true); err != nil {
		return nil, err
	}
	z := models.Zone{BoardID: boardID, Name: strings.TrimSpace(name)}
	if err := models.InsertZone(ctx, s.db, &z); err != nil {
		return nil, err
	}
	return &z, nil
}

// Users lists accounts in the administrator's scope.
func (s *Service) Users(ctx context.Context, p *Principal, q UserQuery) ([]models.User, error) {
	if err := p.require(workflow.RoleAdmin); err != nil {
		return nil, err
	}
	f := models.UserFilter{BoardID: adminScope(p)}
	if q.BoardID != nil {
		if _, err := s.scopedBoard(ctx, p, *q.BoardID, "board_id"); err != nil {
			return nil, err
		}
		f.BoardID = q.BoardID
	}
	if q.Role != "" {
		r, err := parseAdminRole(q.Role)
		if err != nil {
			return nil, err
		}
		f.Role = string(r)
	}
	return models.ListUsers(ctx, s.db, f)
}

// parseAdminRole parses a role an administrator may give.
func parseAdminRole(s string) (workflow.Role, error) {
	r, err := workflow.ParseRole(s)
	if err != nil || !contains(adminRoles, r) {
		return "", errs.Invalid("role", "vai trò phải là investor, officer, leader, manager hoặc admin",
			"role must be investor, officer, leader, manager or admin")
	}
	return r, nil
}

// contains reports whether list holds x.
func contains[T comparable](list []T, x T) bool {
	for _, y := range list {
		if y == x {
			return true
		}
	}
	return false
}

// CreateUser makes an account; an administrator vouches for its email.
func (s *Service) CreateUser(ctx context.Context, p *Principal, in UserInput) (*models.User, error) {
	if err := p.require(workflow.RoleAdmin); err != nil {
		return nil, err
	}
	u, err := s.validateUser(ctx, p, in)
	if err != nil {
		return nil, err
	}
	return s.insertUser(ctx, u, in.Password)
}

// insertUser hashes the password and inserts an account verified now.
func (s *Service) insertUser(ctx context.Context, u models.User, password string) (*models.User, error) {
	var err error
	if u.PasswordHash, err = models.HashPassword(password); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	u.EmailVerifiedAt = &now
	err = models.InTx(ctx, s.db, func(tx *gorm.DB) error { return models.InsertUser(ctx, tx, &u) })
	if err != nil {
		return nil, duplicate(err)
	}
	return &u, nil
}

// validateUser checks a new account against the administrator's scope.
func (s *Service) validateUser(ctx context.Context, p *Principal, in UserInput) (models.User, error) {
	u, err := checkUserInput(in)
	if err != nil {
		return u, err
	}
	role := workflow.Role(u.Role)
	board := in.BoardID
	switch {
	case role == workflow.RoleInvestor && board != nil:
		return u, errs.Invalid("board_id", "tài khoản nhà đầu tư không thuộc Ban nào", "an investor account belongs to no board")
	case role == workflow.RoleInvestor && adminScope(p) != nil:
		// it would leave the board admin's scope at once: investors sign up
		// themselves, or a deployment administrator opens their account
		return u, errs.Forbidden("role_not_allowed", "role", "quản trị của một Ban không tạo tài khoản nhà đầu tư",
			"a board's administrator does not create investor accounts")
	case role == workflow.RoleInvestor:
	case board == nil && adminScope(p) != nil:
		board = adminScope(p) // a board admin creates staff in their own board
		fallthrough
	case board != nil:
		if _, err := s.scopedBoard(ctx, p, *board, "board_id"); err != nil {
			return u, err
		}
	case role != workflow.RoleAdmin:
		return u, errs.Invalid("board_id", "thiếu board_id: chỉ quản trị toàn hệ thống mới không thuộc ban nào",
			"board_id is required: only a deployment-wide admin belongs to no board")
	}
	u.BoardID = board
	return u, nil
}

// checkUserInput checks the fields of a new account.
func checkUserInput(in UserInput) (models.User, error) {
	u := models.User{Username: strings.TrimSpace(in.Username), FullName: strings.TrimSpace(in.FullName),
		Department: strings.TrimSpace(in.Department), Email: strings.TrimSpace(in.Email)}
	err := checkTexts(textField{"username", in.Username, limitUsername, true}, textField{"full_name", in.FullName, limitName, false},
		textField{"department", in.Department, limitDepartment, false}, textField{"email", in.Email, limitEmail, false})
	if err != nil {
		return u, err
	}
	if strings.ContainsFunc(u.Username, func(r rune) bool { return r <= ' ' }) {
		return u, errs.Invalid("username", "tên đăng nhập không được chứa khoảng trắng", "username must not contain spaces")
	}
	if err := checkEmail("email", u.Email); err != nil {
		return u, err
	}
	role, err := parseAdminRole(in.Role)
	if err != nil {
		return u, err
	}
	u.Role = string(role)
	return u, checkPassword("password", in.Password)
}

// duplicate maps a store duplicate to a conflict naming the field.
func duplicate(err error) error {
	var de *models.DuplicateError
	if errors.As(err, &de) {
		return errs.Conflict("duplicate", de.Field, fmt.Sprintf("%s đã được dùng", de.Field),
			fmt.Sprintf("%s is already taken", de.Field))
	}
	return err
}

// UpdateUser changes an account in the administrator's scope. An
// administrator may neither drop their own admin role nor deactivate
// themself. A new password or a deactivation ends the user's sign-ins.
func (s *Service) UpdateUser(ctx context.Context, p *Principal, id uint, patch UserPatch) (*models.User, error) {
	if err := p.require(workflow.RoleAdmin); err != nil {
		return nil, err
	}
	target, err := s.scopedUser(ctx, p, id)
	if err != nil {
		return nil, err
	}
	mp, err := s.userPatch(p, target, patch)
	if err != nil {
		return nil, err
	}
	var u *models.User
	err = models.InTx(ctx, s.db, func(tx *gorm.DB) error {
		u, err = models.UpdateUser(ctx, tx, id, mp, s.now())
		return err
	})
	return u, err
}

// scopedUser loads account id if it is in the administrator's scope.
func (s *Service) scopedUser(ctx context.Context, p *Principal, id uint) (*models.User, error) {
	target, err := models.GetUser(ctx, s.db, id)
	if errors.Is(err, models.ErrNotFound) {
		return nil, adminNotFound("id", whatUser)
	}
	if err != nil {
		return nil, err
	}
	if sc := adminScope(p); sc != nil && (target.BoardID == nil || *target.BoardID != *sc) {
		return nil, adminNotFound("id", whatUser)
	}
	return target, nil
}

// userPatch checks a patch and turns it into the store's.
func (s *Service) userPatch(p *Principal, target *models.User, patch UserPatch) (models.UserPatch, error) {
	var mp models.UserPatch
	var err error
	if mp.FullName, err = optText("full_name", patch.FullName, limitName, false); err != nil {
		return mp, err
	}
	if mp.Department, err = optText("department", patch.Department, limitDepartment, false); err != nil {
		return mp, err
	}
	if mp.Email, err = optText("email", patch.Email, limitEmail, false); err != nil {
		return mp, err
	}
	if mp.Email != nil {
		if err := checkEmail("email", *mp.Email); err != nil {
			return mp, err
		}
	}
	self := p.UserID() == target.ID
	if patch.Role != nil {
		r, err := parseAdminRole(*patch.Role)
		if err != nil {
			return mp, err
		}
		if (r == workflow.RoleInvestor) != (target.Role == string(workflow.RoleInvestor)) {
			return mp, errs.Invalid("role", "không thể chuyển tài khoản nhà đầu tư thành tài khoản cán bộ hoặc ngược lại",
				"an investor account cannot become a staff account, nor the reverse")
		}
		if self && r != workflow.RoleAdmin {
			return mp, errs.Invalid("role", "không thể tự bỏ vai trò quản trị của mình", "you cannot remove your own admin role")
		}
		role := string(r)
		mp.Role = &role
	}
	if patch.Active != nil && self && !*patch.Active {
		return mp, errs.Invalid("active", "không thể tự khóa tài khoản của mình", "you cannot deactivate yourself")
	}
	mp.Active = patch.Active
	if patch.Password != nil {
		if err := checkPassword("password", *patch.Password); err != nil {
			return mp, err
		}
		hash, err := models.HashPassword(*patch.Password)
		if err != nil {
			return mp, err
		}
		mp.PasswordHash = &hash
	}
	return mp, nil
}

// PublicBoard is a board as anyone may see it, with its zones.
type PublicBoard struct {
	Board models.Board
	Zones []models.Zone
}

// PublicBoards lists the boards one files with, and their zones (public).
func (s *Service) PublicBoards(ctx context.Context) ([]PublicBoard, error) {
	boards, err := models.ListBoardsScoped(ctx, s.db, nil)
	if err != nil {
		return nil, err
	}
	out := make([]PublicBoard, len(boards))
	for i := range boards {
		zones, err := models.ListZones(ctx, s.db, boards[i].ID)
		if err != nil {
			return nil, err
		}
		out[i] = PublicBoard{Board: boards[i], Zones: zones}
	}
	return out, nil
}
