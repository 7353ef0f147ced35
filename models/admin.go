package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// ErrDuplicate matches (with errors.Is) every DuplicateError.
var ErrDuplicate = errors.New("store: duplicate")

// DuplicateError says that a row with the same value of a unique field
// already exists.
type DuplicateError struct {
	Field string // the input field, e.g. "code", "agency_code", "username"
}

func (e *DuplicateError) Error() string { return "store: duplicate " + e.Field }

// Unwrap makes errors.Is(err, ErrDuplicate) true.
func (e *DuplicateError) Unwrap() error { return ErrDuplicate }

// uniqueViolation reports whether err is a unique-index violation of
// SQLite or PostgreSQL (SQLSTATE 23505).
func uniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	s := err.Error()
	return strings.Contains(s, "UNIQUE constraint failed") || strings.Contains(s, "23505") ||
		strings.Contains(s, "duplicate key value")
}

// exists reports whether a row of model matches column = value.
func exists(ctx context.Context, tx *gorm.DB, model any, column string, value any) (bool, error) {
	var n int64
	if err := tx.WithContext(ctx).Model(model).Where(column+" = ?", value).Count(&n).Error; err != nil {
		return false, fmt.Errorf("store: check %s: %w", column, err)
	}
	return n > 0, nil
}

// ListBoardsScoped lists boards by id; only board id when only is set.
func ListBoardsScoped(ctx context.Context, tx *gorm.DB, only *uint) ([]Board, error) {
	q := tx.WithContext(ctx).Order("id")
	if only != nil {
		q = q.Where("id = ?", *only)
	}
	var out []Board
	if err := q.Find(&out).Error; err != nil {
		return nil, fmt.Errorf("store: list boards: %w", err)
	}
	return out, nil
}

// InsertBoard creates a board. A taken code or agency code is a
// *DuplicateError naming the field. Run it in a transaction.
func InsertBoard(ctx context.Context, tx *gorm.DB, b *Board) error {
	for _, f := range []struct {
		col string
		val string
	}{{"code", b.Code}, {"agency_code", b.AgencyCode}} {
		taken, err := exists(ctx, tx, &Board{}, f.col, f.val)
		if err != nil {
			return err
		}
		if taken {
			return &DuplicateError{Field: f.col}
		}
	}
	if err := tx.WithContext(ctx).Create(b).Error; err != nil {
		if uniqueViolation(err) {
			if strings.Contains(err.Error(), "agency_code") {
				return &DuplicateError{Field: "agency_code"}
			}
			return &DuplicateError{Field: "code"}
		}
		return fmt.Errorf("store: insert board: %w", err)
	}
	return nil
}

// BoardPatch lists the board fields to change; nil leaves a field alone.
type BoardPatch struct {
	NameVI   *string
	NameEN   *string
	Province *string
}

// UpdateBoard applies p to board id and returns the board as saved.
func UpdateBoard(ctx context.Context, tx *gorm.DB, id uint, p BoardPatch) (*Board, error) {
	set := map[string]any{}
	if p.NameVI != nil {
		set["name_vi"] = *p.NameVI
	}
	if p.NameEN != nil {
		set["name_en"] = *p.NameEN
	}
	if p.Province != nil {
		set["province"] = *p.Province
	}
	if len(set) > 0 {
		res := tx.WithContext(ctx).Model(&Board{}).Where("id = ?", id).Updates(set)
		if res.Error != nil {
			return nil, fmt.Errorf("store: update board %d: %w", id, res.Error)
		}
	}
	return GetBoard(ctx, tx, id)
}

// ListZones lists the zones of a board by id.
func ListZones(ctx context.Context, tx *gorm.DB, boardID uint) ([]Zone, error) {
	var out []Zone
	if err := tx.WithContext(ctx).Where("board_id = ?", boardID).Order("id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("store: list zones: %w", err)
	}
	return out, nil
}

// InsertZone creates a zone.
func InsertZone(ctx context.Context, tx *gorm.DB, z *Zone) error {
	if err := tx.WithContext(ctx).Create(z).Error; err != nil {
		return fmt.Errorf("store: insert zone: %w", err)
	}
	return nil
}

// UserFilter narrows ListUsers; zero fields do not filter.
type UserFilter struct {
	BoardID *uint
	Role    string
}

// ListUsers lists users by id.
func ListUsers(ctx context.Context, tx *gorm.DB, f UserFilter) ([]User, error) {
	q := tx.WithContext(ctx).Order("id")
	if f.BoardID != nil {
		q = q.Where("board_id = ?", *f.BoardID)
	}
	if f.Role != "" {
		q = q.Where("role = ?", f.Role)
	}
	var out []User
	if err := q.Find(&out).Error; err != nil {
		return nil, fmt.Errorf("store: list users: %w", err)
	}
	return out, nil
}

// InsertUser creates an active user. A taken username is a
// *DuplicateError naming "username". Run it in a transaction.
func InsertUser(ctx context.Context, tx *gorm.DB, u *User) error {
	taken, err := exists(ctx, tx, &User{}, "username", u.Username)
	if err != nil {
		return err
	}
	if taken {
		return &DuplicateError{Field: "username"}
	}
	u.Active = true
	if err := tx.WithContext(ctx).Create(u).Error; err != nil {
		if uniqueViolation(err) {
			return &DuplicateError{Field: "username"}
		}
		return fmt.Errorf("store: insert user: %w", err)
	}
	return nil
}

// UserPatch lists the user fields to change; nil leaves a field alone.
// PasswordHash is already hashed.
type UserPatch struct {
	FullName     *string
	Department   *string
	Email        *string
	Role         *string
	Active       *bool
	PasswordHash *string
}

// UpdateUser applies p to user id and returns the user as saved. A new
// password or a deactivation revokes the user's live tokens at now.
func UpdateUser(ctx context.Context, tx *gorm.DB, id uint, p UserPatch, now time.Time) (*User, error) {
	set := map[string]any{}
	if p.FullName != nil {
		set["full_name"] = *p.FullName
	}
	if p.Department != nil {
		set["department"] = *p.Department
	}
	if p.Email != nil {
		set["email"] = *p.Email
	}
	if p.Role != nil {
		set["role"] = *p.Role
	}
	if p.Active != nil {
		set["active"] = *p.Active
	}
	if p.PasswordHash != nil {
		set["password_hash"] = *p.PasswordHash
	}
	if len(set) > 0 {
		res := tx.WithContext(ctx).Model(&User{}).Where("id = ?", id).Updates(set)
		if res.Error != nil {
			return nil, fmt.Errorf("store: update user %d: %w", id, res.Error)
		}
	}
	if p.PasswordHash != nil || (p.Active != nil && !*p.Active) {
		if err := RevokeUserTokens(ctx, tx, id, now); err != nil {
			return nil, err
		}
	}
	return GetUser(ctx, tx, id)
}

// RevokeUserTokens revokes every live token of user id at now.
func RevokeUserTokens(ctx context.Context, tx *gorm.DB, userID uint, now time.Time) error {
	err := tx.WithContext(ctx).Model(&APIToken{}).Where("user_id = ? AND revoked_at IS NULL", userID).
		Update("revoked_at", now.UTC()).Error
	if err != nil {
		return fmt.Errorf("store: revoke tokens of user %d: %w", userID, err)
	}
	return nil
}
