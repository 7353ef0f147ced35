package service

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/motcua/motcua/errs"
	"github.com/motcua/motcua/models"
)

// Sign-in throttling. Failures are counted over LoginWindow, separately per
// account (from any address) and per client address (on any account):
//   - from LoginSlowAfter failures of an account on, each attempt on it
//     waits LoginDelay before its password is checked;
//   - from LoginLockAfter failures an account is locked until the window
//     has passed since its last failure, or until `motcua user unlock`;
//   - from AddressLockAfter failures an address is refused on every
//     account: password spraying. The figure is high so that the staff of
//     one office behind one address never lock each other out.
//
// Each attempt is recorded before its password is checked and counted with
// the attempts before it, so concurrent guesses cannot get past a limit.
const (
	LoginWindow      = 15 * time.Minute
	LoginSlowAfter   = 3
	LoginLockAfter   = 10
	AddressLockAfter = 100
	LoginDelay       = time.Second
)

// Credentials are what a user signs in with; IP is the client address
// the front end saw (after its trusted proxies).
type Credentials struct {
	Username string
	Password string
	IP       string
}

// Session is a successful sign-in: the token, shown once, and the user.
type Session struct {
	Token     string
	ExpiresAt time.Time
	Principal *Principal
}

// Login checks the credentials under the throttling rules and issues a
// token. A wrong username or password is one 401 whatever was wrong.
func (s *Service) Login(ctx context.Context, c Credentials) (*Session, error) {
	c.Username = strings.TrimSpace(c.Username)
	if err := checkLoginInput(c); err != nil {
		return nil, err
	}
	now := s.now()
	if err := s.reserveAttempt(ctx, c, now); err != nil {
		return nil, err
	}
	u, err := s.checkCredentials(ctx, c)
	if err != nil {
		return nil, err // the reserved attempt stays: it is the recorded failure
	}
	if err := models.ClearLoginFailures(ctx, s.db, failureKey(c.Username)); err != nil {
		return nil, err
	}
	return s.issue(ctx, u, now)
}

// checkLoginInput refuses a sign-in with a missing or oversized field.
func checkLoginInput(c Credentials) error {
	if err := checkText("username", c.Username, limitUsername, true); err != nil {
		return err
	}
	if c.Password == "" {
		return errs.Invalid("password", "thiếu mật khẩu", "password is required")
	}
	if len(c.Password) > limitPasswordBytes {
		return errs.Invalid("password", "mật khẩu quá dài", "password is too long")
	}
	return nil
}

// reserveAttempt records the attempt as a failure, then counts it with the
// others: it is refused when its account or its address is over the limit,
// and slowed down past LoginSlowAfter. A refused attempt stays recorded:
// an attempt never leaves the count it was checked against, so concurrent
// guesses cannot make room for each other, and a lock lasts until the
// window has passed since the last attempt.
func (s *Service) reserveAttempt(ctx context.Context, c Credentials, now time.Time) error {
	key := failureKey(c.Username)
	if err := models.RecordLoginFailure(ctx, s.db, key, c.IP, now); err != nil {
		return err
	}
	counts, err := models.CountLoginFailures(ctx, s.db, key, c.IP, now.Add(-LoginWindow))
	if err != nil {
		return err
	}
	if counts.Account > LoginLockAfter || counts.Address > AddressLockAfter {
		return tooManyAttempts(LoginWindow)
	}
	if counts.Account > LoginSlowAfter {
		s.sleep(LoginDelay)
	}
	return nil
}

// checkCredentials returns the active, verified user whose password
// matches; an unknown user costs the same bcrypt check as a known one.
func (s *Service) checkCredentials(ctx context.Context, c Credentials) (*models.User, error) {
	u, err := models.GetUserByUsername(ctx, s.db, c.Username)
	if err != nil && !errors.Is(err, models.ErrNotFound) {
		return nil, err
	}
	hash := dummyHash()
	if u != nil {
		hash = u.PasswordHash
	}
	if !models.CheckPassword(hash, c.Password) || u == nil || !u.Active {
		return nil, invalidCredentials()
	}
	if u.EmailVerifiedAt == nil {
		return nil, errs.Forbidden("email_not_verified", "username",
			"tài khoản chưa xác thực email: hãy mở liên kết trong thư đã gửi tới "+u.Email,
			"the account's email is not verified yet: open the link in the email sent to "+u.Email)
	}
	return u, nil
}

// issue creates a token for u.
func (s *Service) issue(ctx context.Context, u *models.User, now time.Time) (*Session, error) {
	token, err := newToken()
	if err != nil {
		return nil, err
	}
	expires := now.Add(s.tokenTTL)
	t, err := models.CreateToken(ctx, s.db, u.ID, HashToken(token), now, expires)
	if err != nil {
		return nil, err
	}
	p, err := principalOf(u, t.ID)
	if err != nil {
		return nil, err
	}
	return &Session{Token: token, ExpiresAt: expires, Principal: p}, nil
}

// Authenticate resolves a token to its principal: an active, verified
// user and a token neither expired nor revoked. Anything else is 401.
func (s *Service) Authenticate(ctx context.Context, token string) (*Principal, error) {
	if token == "" || len(token) > 512 {
		return nil, errUnauthenticated()
	}
	now := s.now()
	u, tok, err := models.FindActiveToken(ctx, s.db, HashToken(token), now)
	if errors.Is(err, models.ErrNotFound) {
		return nil, errUnauthenticated()
	}
	if err != nil {
		return nil, err
	}
	if !tok.TouchDue(now) {
		return principalOf(u, tok.ID)
	}
	if err := models.TouchToken(ctx, s.db, tok.ID, now); err != nil {
		return nil, err
	}
	return principalOf(u, tok.ID)
}

// Logout revokes the principal's token.
func (s *Service) Logout(ctx context.Context, p *Principal) error {
	if p == nil || p.TokenID == 0 {
		return errUnauthenticated()
	}
	return models.RevokeToken(ctx, s.db, p.TokenID, s.now())
}

// newToken returns 32 random bytes, base64url without padding.
func newToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// HashToken is what is stored for a token: its SHA-256 in hex.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// failureKey is the account name failures are counted under: case and
// surrounding spaces do not make a new account to guess on.
func failureKey(username string) string { return strings.ToLower(strings.TrimSpace(username)) }

// dummyHash is checked when the username is unknown.
var dummyHash = sync.OnceValue(func() string {
	h, err := models.HashPassword("motcua-no-such-user")
	if err != nil {
		return ""
	}
	return h
})

func invalidCredentials() *errs.Error {
	return errs.New(errs.KindUnauthenticated, "invalid_credentials", "",
		"tên đăng nhập hoặc mật khẩu không đúng", "wrong username or password")
}

func tooManyAttempts(wait time.Duration) *errs.Error {
	e := errs.New(errs.KindRateLimited, "too_many_attempts", "",
		"thử sai quá nhiều lần, hãy thử lại sau", "too many failed attempts, try again later")
	e.RetryAfter = wait
	return e
}
