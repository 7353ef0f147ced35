package service

import (
	"context"
	"errors"
	"strings"

	"gorm.io/gorm"

	"github.com/motcua/motcua/errs"
	"github.com/motcua/motcua/models"
)

// RevokeSessions ends every sign-in of username, or of every account when
// all is set, as the installation's operator (`motcua user
// revoke-sessions`): API tokens and web sessions alike, and unused
// password-reset links. The accounts sign in again with their passwords.
// It returns the number of sign-ins ended.
func (s *Service) RevokeSessions(ctx context.Context, username string, all bool) (int64, error) {
	var n int64
	err := models.InTx(ctx, s.db, func(tx *gorm.DB) error {
		var id *uint
		if !all {
			u, err := models.GetUserByUsername(ctx, tx, strings.TrimSpace(username))
			if errors.Is(err, models.ErrNotFound) {
				return errs.NotFound("username", "không có tài khoản "+username, "there is no account "+username)
			}
			if err != nil {
				return err
			}
			id = &u.ID
		}
		var err error
		n, err = models.RevokeSignIns(ctx, tx, id, s.now())
		return err
	})
	return n, err
}
