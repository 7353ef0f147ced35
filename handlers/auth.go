package handlers

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/motcua/motcua/errs"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/service"
)

// ctxPrincipal is where requireAuth keeps the signed-in principal.
const ctxPrincipal = "motcua.principal"

// requireAuth admits a request carrying "Authorization: Bearer <token>"
// for a live sign-in and keeps its principal in the context; anything else
// is 401.
func (a *api) requireAuth(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		token, ok := bearerToken(c.Request().Header.Get(echo.HeaderAuthorization))
		if !ok {
			return errs.New(errs.KindUnauthenticated, "unauthenticated", "",
				"chưa đăng nhập hoặc phiên đã hết hạn", "not signed in or the session has expired")
		}
		p, err := a.svc.Authenticate(c.Request().Context(), token)
		if err != nil {
			return err
		}
		c.Set(ctxPrincipal, p)
		return next(c)
	}
}

// bearerToken extracts the token of an "Authorization: Bearer" header.
func bearerToken(header string) (string, bool) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(header), " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return "", false
	}
	return token, true
}

// principal is the signed-in principal (behind requireAuth).
func principal(c echo.Context) *service.Principal {
	p, _ := c.Get(ctxPrincipal).(*service.Principal)
	return p
}

// loginRequest is the body of POST /auth/login.
type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// loginResponse is the answer to a successful login.
type loginResponse struct {
	Token     string   `json:"token"`
	ExpiresAt string   `json:"expires_at"`
	User      userJSON `json:"user"`
}

// userJSON is a user as the API shows it: never the password hash.
type userJSON struct {
	ID         uint   `json:"id"`
	Username   string `json:"username"`
	FullName   string `json:"full_name"`
	Role       string `json:"role"`
	BoardID    *uint  `json:"board_id"`
	Department string `json:"department"`
	Email      string `json:"email"`
}

func toUserJSON(u *models.User) userJSON {
	return userJSON{ID: u.ID, Username: u.Username, FullName: u.FullName, Role: u.Role,
		BoardID: u.BoardID, Department: u.Department, Email: u.Email}
}

// login answers POST /auth/login.
func (a *api) login(c echo.Context) error {
	var req loginRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	s, err := a.svc.Login(c.Request().Context(), service.Credentials{Username: req.Username, Password: req.Password,
		IP: c.RealIP()})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, loginResponse{Token: s.Token, ExpiresAt: rfc3339(s.ExpiresAt),
		User: toUserJSON(&s.Principal.User)})
}

// logout answers POST /auth/logout: the token is revoked.
func (a *api) logout(c echo.Context) error {
	if err := a.svc.Logout(c.Request().Context(), principal(c)); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// me answers GET /auth/me.
func (a *api) me(c echo.Context) error {
	return c.JSON(http.StatusOK, toUserJSON(&principal(c).User))
}
