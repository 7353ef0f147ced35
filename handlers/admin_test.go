package handlers

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/models/modelstest"
)

// newAdminFixture is newAPIFixture plus hbi.admin (board HBI) and
// root.admin (no board).
func newAdminFixture(t *testing.T, db *gorm.DB) *apiFixture {
	t.Helper()
	f := newAPIFixture(t, db) // its server has the admin routes
	var hbi models.Board
	if err := db.Where("code = ?", "HBI").First(&hbi).Error; err != nil {
		t.Fatal(err)
	}
	for _, u := range []struct {
		name  string
		board *uint
	}{{"hbi.admin", &hbi.ID}, {"root.admin", nil}} {
		hash, err := models.HashPassword("secret-" + u.name)
		if err != nil {
			t.Fatal(err)
		}
		verified := time.Now()
		row := &models.User{BoardID: u.board, Username: u.name, Role: "admin", PasswordHash: hash, Active: true,
			EmailVerifiedAt: &verified}
		if err := db.Create(row).Error; err != nil {
			t.Fatal(err)
		}
		f.tokens[u.name] = f.login(t, u.name)
	}
	return f
}

// raw sends a JSON request and returns the status and the raw body.
func (f *apiFixture) raw(t *testing.T, token, method, path, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, f.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func (f *apiFixture) boardID(t *testing.T, code string) uint {
	t.Helper()
	var b models.Board
	if err := f.db.Where("code = ?", code).First(&b).Error; err != nil {
		t.Fatal(err)
	}
	return b.ID
}

func (f *apiFixture) userID(t *testing.T, username string) uint {
	t.Helper()
	var u models.User
	if err := f.db.Where("username = ?", username).First(&u).Error; err != nil {
		t.Fatal(err)
	}
	return u.ID
}

func TestAdminEndpoints(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newAdminFixture(t, db)
		hbi, bgg := f.boardID(t, "HBI"), f.boardID(t, "BGG")
		bggOfficer := f.userID(t, "bgg.officer")
		root, hbiAdmin := f.tokens["root.admin"], f.tokens["hbi.admin"]
		var bodies []string // every answer, to check that no password leaks

		steps := []struct {
			name        string
			token       string
			method      string
			path        string
			body        string
			status      int
			code, field string // error code and details.field, or a substring of a 2xx body
		}{
			{"officer refused", f.tokens["hbi.officer"], "GET", "/api/v1/admin/boards", "", 403, "role_not_allowed", "role"},
			{"investor refused", f.tokens["hbi.investor"], "POST", "/api/v1/admin/users", `{}`, 403, "role_not_allowed", "role"},
			{"anonymous refused", "", "GET", "/api/v1/admin/users", "", 401, "unauthenticated", ""},
			{"create board", root, "POST", "/api/v1/admin/boards",
				`{"code":"VPC","name_vi":"Ban Quản lý các KCN tỉnh Vĩnh Phúc","name_en":"Vinh Phuc IZ Authority","province":"Vĩnh Phúc","agency_code":"000.20.26.H56"}`,
				201, `"agency_code":"000.20.26.H56"`, ""},
			{"bad agency code", root, "POST", "/api/v1/admin/boards",
				`{"code":"QNI","name_vi":"Ban Quảng Ninh","agency_code":"H22"}`, 400, "invalid_agency_code", "agency_code"},
			{"duplicate board code", root, "POST", "/api/v1/admin/boards",
				`{"code":"HBI","name_vi":"Trùng","agency_code":"000.20.99.H99"}`, 409, "duplicate", "code"},
			{"board admin cannot create boards", hbiAdmin, "POST", "/api/v1/admin/boards",
				`{"code":"QNI","name_vi":"Ban Quảng Ninh","agency_code":"000.20.22.H40"}`, 403, "role_not_allowed", "role"},
			{"board code cannot change", root, "PATCH", fmt.Sprintf("/api/v1/admin/boards/%d", hbi), `{"code":"XYZ"}`, 400, "invalid_code", "code"},
			{"rename own board", hbiAdmin, "PATCH", fmt.Sprintf("/api/v1/admin/boards/%d", hbi), `{"name_en":"Hoa Binh IZ Authority"}`,
				200, `"name_en":"Hoa Binh IZ Authority"`, ""},
			{"other board hidden", hbiAdmin, "PATCH", fmt.Sprintf("/api/v1/admin/boards/%d", bgg), `{"name_en":"x"}`, 404, "not_found", "id"},
			{"board admin sees only own board", hbiAdmin, "GET", "/api/v1/admin/boards", "", 200, `"code":"HBI"`, ""},
			{"create zone", hbiAdmin, "POST", fmt.Sprintf("/api/v1/admin/boards/%d/zones", hbi), `{"name":"KCN Lương Sơn"}`, 201, `"name":"KCN Lương Sơn"`, ""},
			{"list zones", hbiAdmin, "GET", fmt.Sprintf("/api/v1/admin/boards/%d/zones", hbi), "", 200, `"name":"KCN Lương Sơn"`, ""},
			{"zone needs a name", hbiAdmin, "POST", fmt.Sprintf("/api/v1/admin/boards/%d/zones", hbi), `{"name":" "}`, 400, "invalid_name", "name"},
			{"zone in other board", hbiAdmin, "POST", fmt.Sprintf("/api/v1/admin/boards/%d/zones", bgg), `{"name":"KCN Quang Châu"}`, 404, "not_found", "id"},
			{"create user", hbiAdmin, "POST", "/api/v1/admin/users",
				`{"username":"hbi.officer2","full_name":"Nguyễn Văn Hai","role":"officer","department":"Phòng Đầu tư","password":"mat-khau-du-dai"}`,
				201, `"username":"hbi.officer2"`, ""},
			{"duplicate username", root, "POST", "/api/v1/admin/users",
				fmt.Sprintf(`{"username":"hbi.officer2","role":"officer","board_id":%d,"password":"mat-khau-du-dai"}`, bgg), 409, "duplicate", "username"},
			{"short password", hbiAdmin, "POST", "/api/v1/admin/users",
				`{"username":"hbi.x","role":"officer","password":"short"}`, 400, "invalid_password", "password"},
			{"bad role", hbiAdmin, "POST", "/api/v1/admin/users",
				`{"username":"hbi.x","role":"system","password":"mat-khau-du-dai"}`, 400, "invalid_role", "role"},
			{"user in other board", hbiAdmin, "POST", "/api/v1/admin/users",
				fmt.Sprintf(`{"username":"hbi.x","role":"officer","board_id":%d,"password":"mat-khau-du-dai"}`, bgg), 404, "not_found", "board_id"},
			{"board admin lists own users", hbiAdmin, "GET", "/api/v1/admin/users?role=officer", "", 200, `"username":"hbi.officer2"`, ""},
			{"board admin cannot list other board", hbiAdmin, "GET", fmt.Sprintf("/api/v1/admin/users?board_id=%d", bgg), "", 404, "not_found", "board_id"},
			{"board admin cannot edit other board's user", hbiAdmin, "PATCH", fmt.Sprintf("/api/v1/admin/users/%d", bggOfficer),
				`{"full_name":"x"}`, 404, "not_found", "id"},
			{"global admin edits any user", root, "PATCH", fmt.Sprintf("/api/v1/admin/users/%d", bggOfficer),
				`{"department":"Phòng Môi trường"}`, 200, `"department":"Phòng Môi trường"`, ""},
			{"user with an email", hbiAdmin, "POST", "/api/v1/admin/users",
				`{"username":"hbi.manager2","role":"manager","email":"quanly@bqlhb.gov.vn","password":"mat-khau-du-dai"}`,
				201, `"email":"quanly@bqlhb.gov.vn"`, ""},
			{"bad email", hbiAdmin, "POST", "/api/v1/admin/users",
				`{"username":"hbi.y","role":"officer","email":"not an address","password":"mat-khau-du-dai"}`, 400, "invalid_email", "email"},
			{"set an email", root, "PATCH", fmt.Sprintf("/api/v1/admin/users/%d", bggOfficer),
				`{"email":"canbo@bqlbg.gov.vn"}`, 200, `"email":"canbo@bqlbg.gov.vn"`, ""},
			{"bad email in a patch", root, "PATCH", fmt.Sprintf("/api/v1/admin/users/%d", bggOfficer),
				`{"email":"canbo@"}`, 400, "invalid_email", "email"},
			{"global admin lists by board", root, "GET", fmt.Sprintf("/api/v1/admin/users?board_id=%d", bgg), "", 200, `"username":"bgg.officer"`, ""},
		}
		for _, s := range steps {
			status, body := f.raw(t, s.token, s.method, s.path, s.body)
			bodies = append(bodies, body)
			if status != s.status {
				t.Fatalf("%s: %d %s, want %d", s.name, status, body, s.status)
			}
			if status >= 400 {
				want := fmt.Sprintf(`"code":%q`, s.code)
				if !strings.Contains(body, want) || !strings.Contains(body, `"message":`) {
					t.Fatalf("%s: %s, want code %s", s.name, body, s.code)
				}
				if s.field != "" && !strings.Contains(body, fmt.Sprintf(`"field":%q`, s.field)) {
					t.Fatalf("%s: %s, want details.field %s", s.name, body, s.field)
				}
			} else if !strings.Contains(body, s.code) {
				t.Fatalf("%s: %s, want it to contain %s", s.name, body, s.code)
			}
		}

		// A board admin sees only their board, and users of no other board.
		_, body := f.raw(t, hbiAdmin, "GET", "/api/v1/admin/boards", "")
		if strings.Contains(body, `"BGG"`) || strings.Contains(body, `"VPC"`) {
			t.Fatalf("board admin sees other boards: %s", body)
		}
		_, body = f.raw(t, hbiAdmin, "GET", "/api/v1/admin/users", "")
		bodies = append(bodies, body)
		if strings.Contains(body, "bgg.officer") || strings.Contains(body, "root.admin") {
			t.Fatalf("board admin sees other boards' users: %s", body)
		}
		_, body = f.raw(t, root, "GET", "/api/v1/admin/boards", "")
		if !strings.Contains(body, `"BGG"`) || !strings.Contains(body, `"created_at":"`) || !strings.Contains(body, `+07:00"`) {
			t.Fatalf("global admin's board list: %s", body)
		}

		// The new user signs in with the password the admin set.
		var login struct {
			Token string `json:"token"`
		}
		if status := f.call(t, "", "POST", "/api/v1/auth/login", map[string]string{"username": "hbi.officer2", "password": "mat-khau-du-dai"}, &login); status != 200 || login.Token == "" {
			t.Fatalf("new user login: %d", status)
		}
		var stored models.User
		db.Where("username = ?", "hbi.officer2").First(&stored)
		if stored.PasswordHash == "" || stored.PasswordHash == "mat-khau-du-dai" || !models.CheckPassword(stored.PasswordHash, "mat-khau-du-dai") {
			t.Fatalf("password not stored as a hash: %q", stored.PasswordHash)
		}
		if stored.BoardID == nil || *stored.BoardID != hbi {
			t.Fatalf("board admin's new user belongs to board %v, want %d", stored.BoardID, hbi)
		}

		// Deactivating the user ends their session and refuses their sign-in.
		status, body := f.raw(t, hbiAdmin, "PATCH", fmt.Sprintf("/api/v1/admin/users/%d", stored.ID), `{"active":false,"password":"nouveau-mot-de-passe"}`)
		bodies = append(bodies, body)
		if status != 200 || !strings.Contains(body, `"active":false`) {
			t.Fatalf("deactivate: %d %s", status, body)
		}
		if status, _ := f.raw(t, login.Token, "GET", "/api/v1/auth/me", ""); status != 401 {
			t.Fatalf("deactivated user's token still works: %d", status)
		}
		var bad apiError
		if status := f.call(t, "", "POST", "/api/v1/auth/login", map[string]string{"username": "hbi.officer2", "password": "nouveau-mot-de-passe"}, &bad); status != 401 {
			t.Fatalf("deactivated user login: %d %+v", status, bad)
		}
		if status, body := f.raw(t, hbiAdmin, "PATCH", fmt.Sprintf("/api/v1/admin/users/%d", f.userID(t, "hbi.admin")), `{"active":false}`); status != 400 ||
			!strings.Contains(body, `"invalid_active"`) {
			t.Fatalf("self-deactivation: %d %s", status, body)
		}

		for _, b := range bodies {
			for _, secret := range []string{"password", "mat-khau-du-dai", "nouveau-mot-de-passe", "$2a$"} {
				if strings.Contains(b, secret) && !bytes.Contains([]byte(b), []byte(`"invalid_password"`)) {
					t.Fatalf("a response leaks %q: %s", secret, b)
				}
			}
		}
	})
}
