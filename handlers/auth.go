package handlers

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/workflow"
)

// DefaultTokenTTL is how long a login token lasts when Deps.TokenTTL is zero.
const DefaultTokenTTL = 12 * time.Hour

// Login throttling: failures are counted per account and per client
// address over LoginWindow. From LoginSlowAfter failures on, each attempt
// waits LoginDelay; from LoginRefuseAfter on, attempts are refused.
const (
	LoginWindow      = 15 * time.Minute
	LoginSlowAfter   = 3
	LoginRefuseAfter = 10
	LoginDelay       = time.Second
)

// withDefaults fills the zero fields of d.
func (d Deps) withDefaults() Deps {
	if d.TokenTTL <= 0 {
		d.TokenTTL = DefaultTokenTTL
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Sleep == nil {
		d.Sleep = time.Sleep
	}
	if d.IPExtractor == nil {
		d.IPExtractor = echo.ExtractIPDirect()
	}
	return d
}

// auth serves /api/v1/auth.
type auth struct{ d Deps }

// loginRequest is the body of POST /api/v1/auth/login.
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

// formatTime writes t as RFC 3339 in Vietnam's time zone (+07:00).
func formatTime(t time.Time) string {
	return t.In(deadlines.Location).Format(time.RFC3339)
}

// login checks the credentials, throttles repeated failures and issues a token.
func (a *auth) login(c echo.Context) error {
	req, err := bindLogin(c)
	if err != nil {
		return err
	}
	now, ip := a.d.Now(), c.RealIP()
	if err := a.throttle(c, req.Username, ip, now); err != nil {
		return err
	}
	u, err := a.checkCredentials(c, req, ip, now)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if err := models.ClearLoginFailures(ctx, a.d.DB, failureKey(req.Username)); err != nil {
		return err
	}
	token, expires, err := a.issueToken(c, u.ID, now)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, loginResponse{Token: token, ExpiresAt: formatTime(expires), User: toUserJSON(u)})
}

// bindLogin decodes the login body; a malformed body or a missing field is
// a 400 naming it.
func bindLogin(c echo.Context) (loginRequest, error) {
	var req loginRequest
	if err := (&echo.DefaultBinder{}).BindBody(c, &req); err != nil {
		return req, invalidField("body", "nội dung yêu cầu không phải JSON hợp lệ", "request body is not valid JSON")
	}
	switch {
	case strings.TrimSpace(req.Username) == "":
		return req, invalidField("username", "thiếu tên đăng nhập", "username is required")
	case req.Password == "":
		return req, invalidField("password", "thiếu mật khẩu", "password is required")
	}
	req.Username = strings.TrimSpace(req.Username)
	return req, nil
}

// throttle refuses the attempt when the account or the address failed too
// often lately, and slows it down when they failed a few times.
func (a *auth) throttle(c echo.Context, username, ip string, now time.Time) error {
	counts, err := models.CountLoginFailures(c.Request().Context(), a.d.DB, failureKey(username), ip,
		now.Add(-LoginWindow))
	if err != nil {
		return err
	}
	switch n := counts.Max(); {
	case n >= LoginRefuseAfter:
		c.Response().Header().Set("Retry-After", strconv.Itoa(int(LoginWindow/time.Second)))
		return tooManyAttempts()
	case n >= LoginSlowAfter:
		a.d.Sleep(LoginDelay)
	}
	return nil
}

// checkCredentials returns the active user whose password matches, or
// records a failure and answers the same 401 whatever was wrong.
func (a *auth) checkCredentials(c echo.Context, req loginRequest, ip string, now time.Time) (*models.User, error) {
	ctx := c.Request().Context()
	u, err := models.GetUserByUsername(ctx, a.d.DB, req.Username)
	if err != nil && !errors.Is(err, models.ErrNotFound) {
		return nil, err
	}
	hash := dummyHash() // an unknown account costs the same bcrypt check as a known one
	if u != nil {
		hash = u.PasswordHash
	}
	if ok := models.CheckPassword(hash, req.Password); ok && u != nil && u.Active {
		return u, nil
	}
	if err := models.RecordLoginFailure(ctx, a.d.DB, failureKey(req.Username), ip, now); err != nil {
		return nil, err
	}
	return nil, invalidCredentials()
}

// issueToken creates a token for userID and stores its hash.
func (a *auth) issueToken(c echo.Context, userID uint, now time.Time) (string, time.Time, error) {
	token, err := newToken()
	if err != nil {
		return "", time.Time{}, err
	}
	expires := now.Add(a.d.TokenTTL)
	if _, err := models.CreateToken(c.Request().Context(), a.d.DB, userID, HashToken(token), now, expires); err != nil {
		return "", time.Time{}, err
	}
	return token, expires, nil
}

// logout revokes the caller's token.
func (a *auth) logout(c echo.Context) error {
	tok, _ := c.Get(ctxToken).(*models.APIToken)
	if tok == nil {
		return unauthenticated()
	}
	if err := models.RevokeToken(c.Request().Context(), a.d.DB, tok.ID, a.d.Now()); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// me answers the signed-in user.
func (a *auth) me(c echo.Context) error {
	u := CurrentUser(c)
	if u == nil {
		return unauthenticated()
	}
	return c.JSON(http.StatusOK, toUserJSON(u))
}

// newToken returns 32 random bytes, base64url without padding.
func newToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// HashToken is what api_tokens.token_hash holds for token: its SHA-256 in hex.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// failureKey is the account name failures are counted under: case and
// surrounding spaces do not make a new account to guess on.
func failureKey(username string) string {
	return strings.ToLower(strings.TrimSpace(username))
}

// dummyHash is a bcrypt hash checked when the username is unknown, so that
// the answer takes as long as for a known one.
var dummyHash = sync.OnceValue(func() string {
	h, err := models.HashPassword("motcua-no-such-user")
	if err != nil {
		return ""
	}
	return h
})

func invalidField(field, vi, en string) *workflow.Error {
	return &workflow.Error{Kind: workflow.KindInvalid, Code: "invalid_" + field, Field: field,
		Message: vi + " / " + en}
}

func invalidCredentials() *workflow.Error {
	return &workflow.Error{Kind: workflow.KindUnauthenticated, Code: "invalid_credentials",
		Message: "tên đăng nhập hoặc mật khẩu không đúng / wrong username or password"}
}

func tooManyAttempts() *workflow.Error {
	return &workflow.Error{Kind: workflow.KindRateLimited, Code: "too_many_attempts",
		Message: "đăng nhập sai quá nhiều lần, hãy thử lại sau / too many failed sign-ins, try again later"}
}

func unauthenticated() *workflow.Error {
	return &workflow.Error{Kind: workflow.KindUnauthenticated, Code: "unauthenticated",
		Message: "chưa đăng nhập hoặc phiên đã hết hạn / not signed in or the session has expired"}
}

// registerAuth adds the /auth routes to the /api/v1 group.
func registerAuth(api *echo.Group, d Deps) {
	a := &auth{d: d}
	authed := RequireAuth(d)
	api.POST("/auth/login", a.login)
	api.POST("/auth/logout", a.logout, authed)
	api.GET("/auth/me", a.me, authed)
}
