package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/motcua/motcua/service"
)

// signUpRequest is the body of POST /auth/signup.
type signUpRequest struct {
	Email    string `json:"email"`
	FullName string `json:"full_name"`
	Phone    string `json:"phone"`
	Password string `json:"password"`
}

// signUp answers POST /auth/signup: an investor's own account, which signs
// in once the link sent to its email is opened.
func (a *api) signUp(c echo.Context) error {
	var req signUpRequest
	if err := firstErr(queryOnly(c), bindJSON(c, &req)); err != nil {
		return err
	}
	u, err := a.svc.SignUp(c.Request().Context(), service.SignUpRequest(req))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]any{"user": toUserJSON(u), "verification": "sent"})
}

// tokenRequest carries a one-time token from an email.
type tokenRequest struct {
	Token string `json:"token"`
}

// verifyEmail answers POST /auth/verify-email.
func (a *api) verifyEmail(c echo.Context) error {
	var req tokenRequest
	if err := firstErr(queryOnly(c), bindJSON(c, &req)); err != nil {
		return err
	}
	u, err := a.svc.VerifyEmail(c.Request().Context(), req.Token)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toUserJSON(u))
}

// resendVerification answers POST /auth/verification: a new link, if the
// account exists and is not verified; the answer is the same either way.
func (a *api) resendVerification(c echo.Context) error {
	var req struct {
		Email string `json:"email"`
	}
	if err := firstErr(queryOnly(c), bindJSON(c, &req)); err != nil {
		return err
	}
	if err := a.svc.ResendVerification(c.Request().Context(), req.Email); err != nil {
		return err
	}
	return c.NoContent(http.StatusAccepted)
}

// changePassword answers POST /auth/password: the signed-in user's own.
func (a *api) changePassword(c echo.Context) error {
	var req struct {
		CurrentPassword string `json:"current_password"`
		NewPassword     string `json:"new_password"`
	}
	if err := firstErr(queryOnly(c), bindJSON(c, &req)); err != nil {
		return err
	}
	if err := a.svc.ChangePassword(c.Request().Context(), principal(c), req.CurrentPassword, req.NewPassword); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// requestReset answers POST /auth/password-reset: a reset link to the
// account's email; the answer is the same whether it exists or not.
func (a *api) requestReset(c echo.Context) error {
	var req struct {
		Login string `json:"login"`
	}
	if err := firstErr(queryOnly(c), bindJSON(c, &req)); err != nil {
		return err
	}
	if err := a.svc.RequestPasswordReset(c.Request().Context(), req.Login); err != nil {
		return err
	}
	return c.NoContent(http.StatusAccepted)
}

// confirmReset answers POST /auth/password-reset/confirm.
func (a *api) confirmReset(c echo.Context) error {
	var req struct {
		Token    string `json:"token"`
		Password string `json:"password"`
	}
	if err := firstErr(queryOnly(c), bindJSON(c, &req)); err != nil {
		return err
	}
	if err := a.svc.ResetPassword(c.Request().Context(), req.Token, req.Password); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
