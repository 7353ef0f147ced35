package handlers_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"gorm.io/gorm"

	"github.com/motcua/motcua/handlers"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/models/modelstest"
	"github.com/motcua/motcua/service"
)

const password = "đúng-mật-khẩu-1"

// fakeClock is a settable Deps.Now; it also records Deps.Sleep calls.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func (f *fakeClock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fakeClock) Advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
}

func (f *fakeClock) Sleep(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sleeps = append(f.sleeps, d)
}

func (f *fakeClock) Sleeps() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.sleeps)
}

// env is a real HTTP server on a fresh database.
type env struct {
	db    *gorm.DB
	clock *fakeClock
	srv   *httptest.Server
}

func newEnv(t *testing.T, db *gorm.DB) *env {
	t.Helper()
	clock := &fakeClock{now: time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)}
	svc := service.New(service.Deps{DB: db, Now: clock.Now, Sleep: clock.Sleep})
	// Tests set the client address through X-Forwarded-For from loopback.
	e := handlers.New(handlers.Deps{Service: svc, IPExtractor: echo.ExtractIPFromXFFHeader()})
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return &env{db: db, clock: clock, srv: srv}
}

// passwordHash hashes the test password once: bcrypt is slow under -race.
var passwordHash = sync.OnceValues(func() (string, error) { return models.HashPassword(password) })

// user creates an active user with the test password.
func (e *env) user(t *testing.T, username, role string, boardID *uint, active bool) *models.User {
	t.Helper()
	hash, err := passwordHash()
	if err != nil {
		t.Fatal(err)
	}
	verified := e.clock.Now()
	u := &models.User{Username: username, FullName: "Nguyễn Văn " + username, Role: role,
		BoardID: boardID, Department: "Phòng Quản lý Đầu tư", PasswordHash: hash, Active: true, EmailVerifiedAt: &verified}
	if err := e.db.Create(u).Error; err != nil {
		t.Fatal(err)
	}
	if !active {
		if err := e.db.Model(u).Update("active", false).Error; err != nil {
			t.Fatal(err)
		}
	}
	return u
}

// response is a decoded HTTP answer.
type response struct {
	status int
	header http.Header
	body   map[string]any
}

func (e *env) do(t *testing.T, method, path, token, ip, body string) response {
	t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if ip != "" {
		req.Header.Set("X-Forwarded-For", ip)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	out := response{status: res.StatusCode, header: res.Header}
	if len(bytes.TrimSpace(raw)) > 0 {
		if err := json.Unmarshal(raw, &out.body); err != nil {
			t.Fatalf("%s %s: body %q is not JSON: %v", method, path, raw, err)
		}
	}
	return out
}

func (e *env) login(t *testing.T, username, pw, ip string) response {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"username": username, "password": pw})
	return e.do(t, http.MethodPost, "/api/v1/auth/login", "", ip, string(body))
}

// token logs in and returns the token, failing the test otherwise.
func (e *env) token(t *testing.T, username string) string {
	t.Helper()
	r := e.login(t, username, password, "10.9.9.9")
	tok, _ := r.body["token"].(string)
	if r.status != http.StatusOK || tok == "" {
		t.Fatalf("login %s: %d %v", username, r.status, r.body)
	}
	return tok
}

// wantError checks the exact error shape: {"error":{"code","message"[,"details"]}}.
func wantError(t *testing.T, r response, status int, code string, details map[string]any) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d (%v)", r.status, status, r.body)
	}
	if len(r.body) != 1 {
		t.Fatalf("top-level keys %v, want only error", keys(r.body))
	}
	errObj, _ := r.body["error"].(map[string]any)
	want := []string{"code", "message"}
	if details != nil {
		want = []string{"code", "details", "message"}
	}
	if got := keys(errObj); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("error keys %v, want %v", got, want)
	}
	msg, _ := errObj["message"].(string)
	if errObj["code"] != code || !strings.Contains(msg, " / ") {
		t.Fatalf("error %v, want code %q and a bilingual message", errObj, code)
	}
	if details != nil {
		got, _ := json.Marshal(errObj["details"])
		exp, _ := json.Marshal(details)
		if string(got) != string(exp) {
			t.Fatalf("details %s, want %s", got, exp)
		}
	}
}

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestLogin(t *testing.T) {
	t.Parallel()
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		t.Parallel()
		e := newEnv(t, db)
		board := uint(1)
		if err := db.Create(&models.Board{ID: board, Code: "HP", NameVI: "Ban Quản lý KKT Hải Phòng",
			AgencyCode: "G02.HP"}).Error; err != nil {
			t.Fatal(err)
		}
		e.user(t, "officer1", "officer", &board, true)
		e.user(t, "investor1", "investor", nil, true)
		e.user(t, "retired", "officer", &board, false)

		cases := []struct {
			name    string
			body    string
			status  int
			code    string
			details map[string]any
		}{
			{"officer ok", `{"username":"officer1","password":"` + password + `"}`, 200, "", nil},
			{"investor ok", `{"username":"investor1","password":"` + password + `"}`, 200, "", nil},
			{"wrong password", `{"username":"officer1","password":"sai"}`, 401, "invalid_credentials", nil},
			{"unknown user", `{"username":"ghost","password":"` + password + `"}`, 401, "invalid_credentials", nil},
			{"inactive user", `{"username":"retired","password":"` + password + `"}`, 401, "invalid_credentials", nil},
			{"missing username", `{"password":"x"}`, 400, "invalid_username", map[string]any{"field": "username"}},
			{"blank username", `{"username":"  ","password":"x"}`, 400, "invalid_username", map[string]any{"field": "username"}},
			{"missing password", `{"username":"officer1"}`, 400, "invalid_password", map[string]any{"field": "password"}},
			{"malformed JSON", `{"username":`, 400, "invalid_body", map[string]any{"field": "body"}},
		}
		for i, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				ip := "10.1.0." + string(rune('1'+i)) // one address each: no case throttles another
				r := e.do(t, http.MethodPost, "/api/v1/auth/login", "", ip, tc.body)
				if tc.status != http.StatusOK {
					wantError(t, r, tc.status, tc.code, tc.details)
					return
				}
				checkLoginOK(t, e, r)
			})
		}
	})
}

// checkLoginOK checks a successful login's body, the stored hash and /me.
func checkLoginOK(t *testing.T, e *env, r response) {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("login %d %v", r.status, r.body)
	}
	tok, _ := r.body["token"].(string)
	if len(tok) != 43 { // 32 bytes, base64url without padding
		t.Fatalf("token %q", tok)
	}
	want := e.clock.Now().Add(service.DefaultTokenTTL).In(time.FixedZone("", 7*3600)).Format(time.RFC3339)
	if r.body["expires_at"] != want || !strings.HasSuffix(want, "+07:00") {
		t.Fatalf("expires_at %v, want %s", r.body["expires_at"], want)
	}
	user, _ := r.body["user"].(map[string]any)
	if got := strings.Join(keys(user), ","); got != "board_id,department,email,full_name,id,role,username" {
		t.Fatalf("user keys %s", got)
	}
	var stored []models.APIToken
	if err := e.db.Find(&stored).Error; err != nil {
		t.Fatal(err)
	}
	found := false
	for _, s := range stored {
		if s.TokenHash == tok {
			t.Fatal("the token itself is stored")
		}
		found = found || s.TokenHash == service.HashToken(tok)
	}
	if !found {
		t.Fatal("no api_tokens row holds the token's hash")
	}
	me := e.do(t, http.MethodGet, "/api/v1/auth/me", tok, "", "")
	if me.status != http.StatusOK || me.body["username"] != user["username"] || me.body["role"] != user["role"] {
		t.Fatalf("/me %d %v, want %v", me.status, me.body, user)
	}
}

func TestTokens(t *testing.T) {
	t.Parallel()
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		t.Parallel()
		e := newEnv(t, db)
		e.user(t, "alice", "admin", nil, true)
		e.user(t, "bob", "officer", nil, true)

		cases := []struct {
			name string
			run  func(t *testing.T) response
			code string
		}{
			{"no header", func(t *testing.T) response {
				return e.do(t, http.MethodGet, "/api/v1/auth/me", "", "", "")
			}, "unauthenticated"},
			{"unknown token", func(t *testing.T) response {
				return e.do(t, http.MethodGet, "/api/v1/auth/me", "bm90LWEtdG9rZW4", "", "")
			}, "unauthenticated"},
			{"logout then me", func(t *testing.T) response {
				tok := e.token(t, "alice")
				if r := e.do(t, http.MethodPost, "/api/v1/auth/logout", tok, "", ""); r.status != http.StatusNoContent {
					t.Fatalf("logout %d %v", r.status, r.body)
				}
				return e.do(t, http.MethodGet, "/api/v1/auth/me", tok, "", "")
			}, "unauthenticated"},
			{"expired token", func(t *testing.T) response {
				tok := e.token(t, "alice")
				e.clock.Advance(service.DefaultTokenTTL - time.Second)
				if r := e.do(t, http.MethodGet, "/api/v1/auth/me", tok, "", ""); r.status != http.StatusOK {
					t.Fatalf("a second before expiry: %d %v", r.status, r.body)
				}
				e.clock.Advance(time.Second)
				return e.do(t, http.MethodGet, "/api/v1/auth/me", tok, "", "")
			}, "unauthenticated"},
			{"role allowed", func(t *testing.T) response {
				return e.do(t, http.MethodGet, "/api/v1/admin/boards", e.token(t, "alice"), "", "")
			}, ""},
			{"role not allowed", func(t *testing.T) response {
				return e.do(t, http.MethodGet, "/api/v1/admin/boards", e.token(t, "bob"), "", "")
			}, "role_not_allowed"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				r := tc.run(t)
				switch tc.code {
				case "":
					if r.status != http.StatusOK || r.body["boards"] == nil {
						t.Fatalf("%d %v", r.status, r.body)
					}
				case "unauthenticated":
					wantError(t, r, http.StatusUnauthorized, tc.code, nil)
					if !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
						t.Fatalf("WWW-Authenticate %q", r.header.Get("WWW-Authenticate"))
					}
				default:
					wantError(t, r, http.StatusForbidden, tc.code, map[string]any{"field": "role"})
				}
			})
		}
	})
}

func TestLoginThrottling(t *testing.T) {
	t.Parallel()
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		t.Parallel()
		e := newEnv(t, db)
		e.user(t, "victim", "investor", nil, true)
		e.user(t, "bystander", "investor", nil, true)
		e.user(t, "neighbour", "investor", nil, true)
		const attacker = "203.0.113.7"

		for i := 1; i <= service.LoginLockAfter; i++ {
			before := e.clock.Sleeps()
			r := e.login(t, "victim", "đoán-"+string(rune('a'+i)), attacker)
			wantError(t, r, http.StatusUnauthorized, "invalid_credentials", nil)
			slowed := e.clock.Sleeps() > before
			if want := i > service.LoginSlowAfter; slowed != want {
				t.Fatalf("failure %d: slowed %v, want %v", i, slowed, want)
			}
			e.clock.Advance(time.Second)
		}
		if e.clock.sleeps[0] != service.LoginDelay {
			t.Fatalf("slept %v", e.clock.sleeps[0])
		}

		cases := []struct {
			name, username, ip string
			status             int
		}{
			{"right password, same account and address", "victim", attacker, 429},
			{"same account, another address", "victim", "198.51.100.1", 429},
			// Ten failures from one office address lock that account only.
			{"another account, same address", "neighbour", attacker, 200},
			{"another account, another address", "bystander", "198.51.100.2", 200},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				before := e.clock.Sleeps()
				r := e.login(t, tc.username, password, tc.ip)
				if tc.status == http.StatusOK {
					if r.status != http.StatusOK || e.clock.Sleeps() != before {
						t.Fatalf("unaffected login: %d %v, slowed %v", r.status, r.body, e.clock.Sleeps() != before)
					}
					return
				}
				wantError(t, r, http.StatusTooManyRequests, "too_many_attempts", nil)
				if r.header.Get("Retry-After") != "900" {
					t.Fatalf("Retry-After %q", r.header.Get("Retry-After"))
				}
			})
		}

		t.Run("refusal lifts after the window", func(t *testing.T) {
			e.clock.Advance(service.LoginWindow + time.Second) // since the last, refused, attempt
			if r := e.login(t, "victim", password, attacker); r.status != http.StatusOK {
				t.Fatalf("%d %v", r.status, r.body)
			}
			var n int64
			db.Model(&models.LoginFailure{}).Where("username = ?", "victim").Count(&n)
			if n != 0 {
				t.Fatalf("%d failures left after a success", n)
			}
		})
	})
}

// TestAddressThrottling: password spraying from one address, across many
// accounts, is refused on every account past AddressLockAfter failures,
// while the accounts themselves stay open from elsewhere.
func TestAddressThrottling(t *testing.T) {
	t.Parallel()
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		t.Parallel()
		e := newEnv(t, db)
		e.user(t, "target", "investor", nil, true)
		const sprayer = "203.0.113.99"
		for i := 0; i < service.AddressLockAfter; i++ {
			r := e.login(t, fmt.Sprintf("guess%03d", i), "sai-mật-khẩu", sprayer)
			wantError(t, r, http.StatusUnauthorized, "invalid_credentials", nil)
		}
		wantError(t, e.login(t, "target", password, sprayer), http.StatusTooManyRequests, "too_many_attempts", nil)
		if r := e.login(t, "target", password, "198.51.100.77"); r.status != http.StatusOK {
			t.Fatalf("the account from another address: %d %v", r.status, r.body)
		}
	})
}

// TestConcurrentGuesses: wrong passwords sent at once cannot get past the
// limit; the right one after them is still refused.
func TestConcurrentGuesses(t *testing.T) {
	t.Parallel()
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		t.Parallel()
		e := newEnv(t, db)
		e.user(t, "victim", "investor", nil, true)
		var wg sync.WaitGroup
		statuses := make([]int, 30)
		for i := range statuses {
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses[i] = e.login(t, "victim", fmt.Sprintf("đoán-%d", i), fmt.Sprintf("198.51.100.%d", i)).status
			}()
		}
		wg.Wait()
		checked := 0
		for _, s := range statuses {
			if s == http.StatusUnauthorized {
				checked++
			} else if s != http.StatusTooManyRequests {
				t.Fatalf("statuses %v", statuses)
			}
		}
		if checked > service.LoginLockAfter {
			t.Fatalf("%d guesses were checked, more than the limit of %d (%v)", checked, service.LoginLockAfter, statuses)
		}
		wantError(t, e.login(t, "victim", password, "198.51.100.200"), http.StatusTooManyRequests, "too_many_attempts", nil)
	})
}
