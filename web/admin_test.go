package web_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/models/modelstest"
	"github.com/motcua/motcua/service"
	"github.com/motcua/motcua/web/webtest"
	"github.com/motcua/motcua/workflow"
)

// adminClient is a client signed in as username (an administrator).
func adminClient(t *testing.T, s *webtest.Site, username string) *webtest.Client {
	t.Helper()
	c := s.Client(t)
	c.Login(t, username)
	return c
}

// deploymentAdmin creates root.admin, an administrator of no board.
func deploymentAdmin(t *testing.T, s *webtest.Site) *models.User {
	t.Helper()
	u, err := s.Svc.CreateAccount(context.Background(), service.UserInput{Username: "root.admin", FullName: "Quản trị hệ thống",
		Role: "admin", Password: webtest.Password}, "")
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// userByName loads an account from the database.
func userByName(t *testing.T, s *webtest.Site, username string) *models.User {
	t.Helper()
	var u models.User
	if err := s.DB.Where("username = ?", username).First(&u).Error; err != nil {
		t.Fatalf("user %s: %v", username, err)
	}
	return &u
}

// countUsers is how many accounts exist.
func countUsers(t *testing.T, s *webtest.Site) int64 {
	t.Helper()
	var n int64
	if err := s.DB.Model(&models.User{}).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// signIn posts the sign-in form for username with password.
func signIn(t *testing.T, c *webtest.Client, username, password string) *webtest.Response {
	t.Helper()
	c.Get(t, "/login")
	return c.Post(t, "/login", url.Values{"username": {username}, "password": {password}})
}

// fieldError is the message the page shows on field name ("" for none).
func fieldError(body, name string) string {
	id := "f-" + strings.NewReplacer("_", "-").Replace(name) + "-error"
	m := regexp.MustCompile(`<p class="error" id="` + regexp.QuoteMeta(id) + `">([^<]*)</p>`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

// noMissingMessages fails when a page shows a message id in brackets.
func noMissingMessages(t *testing.T, path string, r *webtest.Response) {
	t.Helper()
	if m := regexp.MustCompile(`\[[a-z_]+\.[a-z0-9_.]+\]`).FindString(r.Body); m != "" {
		t.Errorf("%s shows the missing message %s", path, m)
	}
}

// newUserForm is the new-account form filled for username.
func newUserForm(username string) url.Values {
	return url.Values{"username": {username}, "full_name": {"Nguyễn Văn Mới"}, "email": {username + "@bqlhb.gov.vn"},
		"role": {"officer"}, "department": {"Phòng Quản lý Đầu tư"}, "password_mode": {"set"},
		"password": {"mat-khau-ban-dau"}, "password_confirm": {"mat-khau-ban-dau"}}
}

// TestAdminCreatesUser: an account made through the form signs in with
// its initial password and belongs to the administrator's board; an
// account made with the emailed link signs in once its owner set the
// password from the link.
func TestAdminCreatesUser(t *testing.T) {
	t.Parallel()
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := webtest.New(t, db)
		a := adminClient(t, s, "hbi.admin")
		if r := a.Get(t, "/admin/users/new"); r.Status != http.StatusOK || strings.Contains(r.Body, `name="board_id"`) ||
			strings.Contains(r.Body, `value="investor"`) || !strings.Contains(r.Body, `value="manager"`) {
			t.Fatalf("a board's admin gets the form for their board's staff: %d", r.Status)
		}
		r := a.Post(t, "/admin/users", newUserForm("hbi.moi"))
		u := userByName(t, s, "hbi.moi")
		if r.URL != fmt.Sprintf("/admin/users/%d?done=created", u.ID) || !strings.Contains(r.Body, "Đã tạo tài khoản") {
			t.Fatalf("after creating: at %s", r.URL)
		}
		if u.BoardID == nil || *u.BoardID != s.Boards["HBI"].ID || u.Role != "officer" || u.Department != "Phòng Quản lý Đầu tư" {
			t.Fatalf("stored account %+v", u)
		}
		c := s.Client(t)
		if r := signIn(t, c, "hbi.moi", "mat-khau-ban-dau"); r.URL != "/desk" {
			t.Fatalf("the new user signs in: at %s (%d)", r.URL, r.Status)
		}

		// the set-password link instead of a password
		a.Get(t, "/admin/users/new")
		form := newUserForm("hbi.link")
		form.Set("password_mode", "email")
		form.Del("password")
		form.Del("password_confirm")
		r = a.Post(t, "/admin/users", form)
		if !strings.Contains(r.URL, "done=invited") {
			t.Fatalf("invite: at %s (%d)\n%s", r.URL, r.Status, fieldError(r.Body, "email"))
		}
		link := s.EmailLink(t, "hbi.link@bqlhb.gov.vn")
		if !strings.HasPrefix(link, "/reset-password?token=") {
			t.Fatalf("emailed link %s", link)
		}
		// the owner opens the link (the service, as the reset page does)
		if err := s.Svc.ResetPassword(context.Background(), strings.TrimPrefix(link, "/reset-password?token="), "mat-khau-tu-dat"); err != nil {
			t.Fatalf("set the password from the link: %v", err)
		}
		c = s.Client(t)
		if r := signIn(t, c, "hbi.link", "mat-khau-tu-dat"); r.URL != "/desk" {
			t.Fatalf("the invited user signs in with their own password: at %s %s", r.URL, between(r.Body, "<main", "</main>"))
		}
	})
}

// TestAdminRoleAndDeactivation: a new role shows at the user's next page;
// deactivating ends their session and refuses their sign-in until the
// account is reactivated.
func TestAdminRoleAndDeactivation(t *testing.T) {
	t.Parallel()
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := webtest.New(t, db)
		a := adminClient(t, s, "hbi.admin")
		officer := s.Client(t)
		officer.Login(t, "hbi.officer2")
		if r := officer.Get(t, "/account"); !strings.Contains(r.Body, `href="/desk"`) || strings.Contains(r.Body, `href="/dashboard"`) {
			t.Fatal("an officer's pages offer the desk")
		}
		id := s.Users["hbi.officer2"].ID
		path := fmt.Sprintf("/admin/users/%d", id)
		a.Get(t, path)
		r := a.Post(t, path, url.Values{"action": {"save"}, "full_name": {"Lê Văn Nam"}, "email": {"nam@bqlhb.gov.vn"},
			"department": {"Văn phòng"}, "role": {"manager"}})
		if r.URL != path+"?done=saved" || !strings.Contains(r.Body, "Đã lưu thay đổi") {
			t.Fatalf("save: at %s (%d)", r.URL, r.Status)
		}
		r = officer.Get(t, "/account")
		if !strings.Contains(r.Body, `href="/dashboard"`) || strings.Contains(r.Body, `href="/desk"`) || !strings.Contains(r.Body, "(Quản lý)") {
			t.Fatal("the new role does not show at the user's next page")
		}
		if u := userByName(t, s, "hbi.officer2"); u.Email != "nam@bqlhb.gov.vn" || u.Department != "Văn phòng" {
			t.Fatalf("stored %+v", u)
		}

		a.Get(t, path)
		if r := a.Post(t, path, url.Values{"action": {"deactivate"}}); !strings.Contains(r.Body, "Đã vô hiệu hóa tài khoản") ||
			!strings.Contains(r.Body, "Kích hoạt lại tài khoản") {
			t.Fatalf("deactivate: at %s (%d)", r.URL, r.Status)
		}
		if r := officer.Get(t, "/account"); !strings.HasPrefix(r.URL, "/login") {
			t.Fatalf("a deactivated user's session still opens /account: at %s", r.URL)
		}
		c := s.Client(t)
		if r := signIn(t, c, "hbi.officer2", webtest.Password); r.Status != http.StatusUnauthorized || c.Cookie("motcua_session") != "" {
			t.Fatalf("a deactivated user signs in: %d at %s", r.Status, r.URL)
		}
		a.Get(t, path)
		a.Post(t, path, url.Values{"action": {"reactivate"}})
		if r := signIn(t, c, "hbi.officer2", webtest.Password); r.URL != "/dashboard" {
			t.Fatalf("the reactivated manager signs in: at %s", r.URL)
		}
		// an administrator cannot deactivate themself
		self := fmt.Sprintf("/admin/users/%d", s.Users["hbi.admin"].ID)
		if r := a.Get(t, self); strings.Contains(r.Body, `value="deactivate"`) {
			t.Fatal("the admin's own page offers deactivation")
		}
		if r := a.Post(t, self, url.Values{"action": {"deactivate"}}); r.Status != http.StatusBadRequest ||
			!strings.Contains(r.Body, "hông thể tự khóa tài khoản của mình") {
			t.Fatalf("self-deactivation: %d", r.Status)
		}
		if !userByName(t, s, "hbi.admin").Active {
			t.Fatal("the admin deactivated themself")
		}
	})
}

// TestAdminUnlock: ten wrong passwords lock an account; its page and the
// list say so; the unlock button lets it sign in again at once.
func TestAdminUnlock(t *testing.T) {
	t.Parallel()
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := webtest.New(t, db)
		a := adminClient(t, s, "hbi.admin")
		path := fmt.Sprintf("/admin/users/%d", s.Users["hbi.officer"].ID)
		if r := a.Get(t, path); !strings.Contains(r.Body, "Bình thường") || strings.Contains(r.Body, "/unlock") {
			t.Fatal("an account without failures shows as locked")
		}
		c := s.Client(t)
		for i := 0; i < service.LoginLockAfter; i++ {
			if r := signIn(t, c, "hbi.officer", "sai-mat-khau"); r.Status != http.StatusUnauthorized {
				t.Fatalf("wrong password %d: %d", i+1, r.Status)
			}
		}
		r := a.Get(t, path)
		status := between(r.Body, `id="signin-status">`, `</dd>`)
		if !strings.Contains(status, "Tạm khóa đăng nhập") || !strings.Contains(status, "10 lần nhập sai") {
			t.Fatalf("the locked account's status: %q", status)
		}
		list := a.Get(t, "/admin/users?q=hong")
		if !strings.Contains(list.Body, "Trần Thị Hồng") || !strings.Contains(list.Body, "Tạm khóa đăng nhập") ||
			strings.Contains(list.Body, "Lê Văn Nam") {
			t.Fatal("the list does not show the account as locked")
		}
		if r := signIn(t, c, "hbi.officer", webtest.Password); r.Status != http.StatusTooManyRequests {
			t.Fatalf("the locked account signs in: %d", r.Status)
		}
		a.Get(t, path)
		r = a.Post(t, path+"/unlock", nil)
		if r.URL != path+"?done=unlocked" || !strings.Contains(between(r.Body, `id="signin-status">`, `</dd>`), "Bình thường") {
			t.Fatalf("unlock: at %s", r.URL)
		}
		if r := signIn(t, c, "hbi.officer", webtest.Password); r.URL != "/desk" {
			t.Fatalf("the unlocked account signs in: at %s (%d)", r.URL, r.Status)
		}
	})
}

// TestAdminTenancy: a board's administrator neither sees nor changes
// another board's accounts or zones (not found), and what they create
// stays in their board: an admin they create is their board's, never a
// deployment admin. A deployment administrator manages every board.
func TestAdminTenancy(t *testing.T) {
	t.Parallel()
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := webtest.New(t, db)
		a := adminClient(t, s, "hbi.admin")
		bggBoard, bggOfficer := s.Boards["BGG"].ID, s.Users["bgg.officer"]
		if r := a.Get(t, "/admin/users"); !strings.Contains(r.Body, "hbi.officer") || strings.Contains(r.Body, "bgg.") ||
			strings.Contains(r.Body, "Hòa Phát Minh") {
			t.Fatal("a board's admin lists other boards' accounts")
		}
		path := fmt.Sprintf("/admin/users/%d", bggOfficer.ID)
		for _, p := range []string{path, fmt.Sprintf("/admin/users?board=%d", bggBoard), fmt.Sprintf("/admin/zones?board=%d", bggBoard),
			fmt.Sprintf("/admin/users/%d", s.Users["investor"].ID)} {
			if r := a.Get(t, p); r.Status != http.StatusNotFound {
				t.Errorf("GET %s: %d, want 404", p, r.Status)
			}
		}
		a.Get(t, "/admin/users/new")
		before := countUsers(t, s)
		for name, form := range map[string]url.Values{
			"edit":   {"action": {"save"}, "full_name": {"Đổi tên"}, "role": {"officer"}},
			"status": {"action": {"deactivate"}},
		} {
			if r := a.Post(t, path, form); r.Status != http.StatusNotFound {
				t.Errorf("%s another board's user: %d", name, r.Status)
			}
		}
		if r := a.Post(t, path+"/unlock", nil); r.Status != http.StatusNotFound {
			t.Errorf("unlock another board's user: %d", r.Status)
		}
		if u := userByName(t, s, "bgg.officer"); u.FullName != bggOfficer.FullName || !u.Active {
			t.Fatalf("another board's user changed: %+v", u)
		}
		form := newUserForm("bgg.lenh")
		form.Set("board_id", fmt.Sprint(bggBoard))
		if r := a.Post(t, "/admin/users", form); r.Status != http.StatusNotFound || countUsers(t, s) != before {
			t.Fatalf("create in another board: %d", r.Status)
		}
		if r := a.Post(t, "/admin/zones", url.Values{"board_id": {fmt.Sprint(bggBoard)}, "name": {"KCN Quang Châu"}}); r.Status != http.StatusNotFound {
			t.Fatalf("zone in another board: %d", r.Status)
		}
		a.Get(t, "/admin/users/new")
		form = newUserForm("hbi.admin2")
		form.Set("role", "admin")
		a.Post(t, "/admin/users", form)
		if u := userByName(t, s, "hbi.admin2"); u.BoardID == nil || *u.BoardID != s.Boards["HBI"].ID {
			t.Fatalf("a board's admin made a deployment admin: board %v", u.BoardID)
		}

		root := deploymentAdmin(t, s)
		d := adminClient(t, s, root.Username)
		if r := d.Get(t, "/admin/users"); !strings.Contains(r.Body, "bgg.officer") || !strings.Contains(r.Body, "hbi.officer") ||
			!strings.Contains(r.Body, `name="board"`) {
			t.Fatal("a deployment admin does not see every board's accounts")
		}
		if r := d.Get(t, "/admin/users/new"); !strings.Contains(r.Body, `name="board_id"`) || !strings.Contains(r.Body, `value="investor"`) {
			t.Fatal("a deployment admin's form offers the boards and the investor role")
		}
		if r := d.Get(t, fmt.Sprintf("/admin/users?board=%d", bggBoard)); strings.Contains(r.Body, "hbi.officer") || !strings.Contains(r.Body, "bgg.leader") {
			t.Fatal("the board filter")
		}
		d.Get(t, path)
		if r := d.Post(t, path, url.Values{"action": {"save"}, "full_name": {"Ngô Thị Lan Anh"}, "role": {"leader"}}); r.Status != http.StatusOK {
			t.Fatalf("a deployment admin edits any board's user: %d", r.Status)
		}
		if u := userByName(t, s, "bgg.officer"); u.FullName != "Ngô Thị Lan Anh" || u.Role != "leader" {
			t.Fatalf("stored %+v", u)
		}
		d.Get(t, fmt.Sprintf("/admin/zones?board=%d", bggBoard))
		if r := d.Post(t, "/admin/zones", url.Values{"board_id": {fmt.Sprint(bggBoard)}, "name": {"KCN Quang Châu"}}); !strings.Contains(r.Body, "KCN Quang Châu") ||
			!strings.Contains(r.Body, "Đã thêm khu công nghiệp") {
			t.Fatalf("a deployment admin adds a zone: %d at %s", r.Status, r.URL)
		}
		if r := a.Get(t, "/admin/zones"); strings.Contains(r.Body, "KCN Quang Châu") || !strings.Contains(r.Body, "KCN HBI 1") {
			t.Fatal("a board's admin sees another board's zones")
		}
	})
}

// TestAdminBadInput: a refused form shows the message on the field at
// fault with the status of the error, and nothing is created.
func TestAdminBadInput(t *testing.T) {
	t.Parallel()
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := webtest.New(t, db)
		a := adminClient(t, s, "hbi.admin")
		before := countUsers(t, s)
		for _, c := range []struct {
			name           string
			set            url.Values
			status         int
			fault, message string
		}{
			{"empty username", url.Values{"username": {""}}, http.StatusBadRequest, "username", "Thiếu username"},
			{"invalid email", url.Values{"email": {"an@"}}, http.StatusBadRequest, "email", "không phải địa chỉ email hợp lệ"},
			{"duplicate username", url.Values{"username": {"hbi.officer"}}, http.StatusConflict, "username", "đã được dùng"},
			{"passwords differ", url.Values{"password_confirm": {"khac-mat-khau"}}, http.StatusBadRequest, "password_confirm", "không khớp"},
			{"short password", url.Values{"password": {"ngan"}, "password_confirm": {"ngan"}}, http.StatusBadRequest, "password", "ít nhất 10 ký tự"},
			{"bad role", url.Values{"role": {"system"}}, http.StatusBadRequest, "role", "Vai trò phải là"},
			{"link without email", url.Values{"email": {""}, "password_mode": {"email"}}, http.StatusBadRequest, "email", "Cần địa chỉ email"},
		} {
			a.Get(t, "/admin/users/new")
			form := newUserForm("hbi.hople")
			for k, v := range c.set {
				form[k] = v
			}
			r := a.Post(t, "/admin/users", form)
			if r.Status != c.status || !strings.Contains(fieldError(r.Body, c.fault), c.message) {
				t.Errorf("%s: %d, %s error %q", c.name, r.Status, c.fault, fieldError(r.Body, c.fault))
			}
			for _, other := range []string{"username", "email", "role", "password", "password_confirm"} {
				if other != c.fault && fieldError(r.Body, other) != "" {
					t.Errorf("%s: the message shows on %s too", c.name, other)
				}
			}
			if strings.Contains(r.Body, "mat-khau-ban-dau") {
				t.Errorf("%s: the refused form shows the password again", c.name)
			}
			if n := countUsers(t, s); n != before {
				t.Fatalf("%s: an account was created", c.name)
			}
		}
		path := fmt.Sprintf("/admin/users/%d", s.Users["hbi.officer"].ID)
		a.Get(t, path)
		r := a.Post(t, path, url.Values{"action": {"save"}, "full_name": {"Trần Thị Hồng"}, "email": {"hong@"}, "role": {"officer"}})
		if r.Status != http.StatusBadRequest || !strings.Contains(fieldError(r.Body, "email"), "không phải địa chỉ email hợp lệ") ||
			!strings.Contains(r.Body, `value="hong@"`) {
			t.Fatalf("bad email on edit: %d %q", r.Status, fieldError(r.Body, "email"))
		}
		a.Get(t, "/admin/zones")
		if r := a.Post(t, "/admin/zones", url.Values{"board_id": {fmt.Sprint(s.Boards["HBI"].ID)}, "name": {"  "}}); r.Status != http.StatusBadRequest ||
			fieldError(r.Body, "name") == "" {
			t.Fatalf("empty zone name: %d", r.Status)
		}
		if r := a.Get(t, "/admin/users?active=maybe"); r.Status != http.StatusBadRequest || fieldError(r.Body, "active") == "" {
			t.Fatalf("bad status filter: %d", r.Status)
		}
	})
}

// TestAdminHolidays: 2026 shows Tết and the swapped days of the
// announced schedule, with weekdays in the page's language; a year with
// no published calendar says so; a year that is not one is refused on
// its field.
func TestAdminHolidays(t *testing.T) {
	t.Parallel()
	s := webtest.New(t, modelstest.SQLite(t))
	a := adminClient(t, s, "hbi.admin")
	r := a.Get(t, "/admin/holidays")
	if r.Status != http.StatusOK || !strings.Contains(r.Body, "Lịch nghỉ lễ, Tết năm 2026") {
		t.Fatalf("this year's calendar by default: %d", r.Status)
	}
	rows := map[string]string{}
	for _, row := range strings.Split(between(r.Body, "<tbody>", "</tbody>"), "</tr>") {
		if d := regexp.MustCompile(`\d\d/\d\d/2026`).FindString(row); d != "" {
			rows[d] = row
		}
	}
	for date, want := range map[string][]string{
		"17/02/2026": {"Thứ Ba", "Tết Nguyên đán Bính Ngọ (mùng 1 tháng Giêng)", "Nghỉ", "ngày lễ, Tết"},
		"02/01/2026": {"Thứ Sáu", "Nghỉ bù (làm bù thứ Bảy 10/01/2026)", "nghỉ hoán đổi"},
		"10/01/2026": {"Thứ Bảy", "Làm bù cho ngày 02/01/2026", "Đi làm", "thứ Bảy làm bù"},
		"31/08/2026": {"Thứ Hai", "nghỉ hoán đổi"},
		"22/08/2026": {"Thứ Bảy", "Đi làm"},
		"27/04/2026": {"nghỉ bù (lễ trùng ngày nghỉ hằng tuần)"},
	} {
		for _, w := range want {
			if !strings.Contains(rows[date], w) {
				t.Errorf("2026, %s: want %q in %q", date, w, rows[date])
			}
		}
	}
	if !strings.Contains(r.Body, "Đã công bố") || strings.Contains(r.Body, "Lunar New Year") ||
		!strings.Contains(r.Body, "Công văn 12729/VPCP-KGVX (Tết Dương lịch") || strings.Contains(r.Body, "(24/11) / letter") {
		t.Error("2026: the announced status, the Vietnamese names and source")
	}
	a.Get(t, "/lang/en?next=/admin/holidays?year=2026")
	r = a.Get(t, "/admin/holidays?year=2026")
	if !strings.Contains(r.Body, "Lunar New Year 2026 (1st day of the 1st lunar month)") || !strings.Contains(r.Body, "Tuesday") ||
		!strings.Contains(r.Body, "Saturday worked in exchange") || strings.Contains(r.Body, "Thứ Ba") {
		t.Error("2026 in English")
	}
	noMissingMessages(t, "holidays (en)", r)
	a.Get(t, "/lang/vi?next=/")
	for year, want := range map[string]string{"2028": "Hệ thống không có tệp configs/holidays/2028.yaml", "2027": "Tệp configs/holidays/2027.yaml ghi lịch suy ra từ luật"} {
		r := a.Get(t, "/admin/holidays?year="+year)
		if r.Status != http.StatusOK || !strings.Contains(r.Body, "Chưa có lịch nghỉ lễ được công bố cho năm "+year) ||
			!strings.Contains(r.Body, want) || strings.Contains(r.Body, "Đã công bố") {
			t.Errorf("%s: %d, no message that the calendar is not published", year, r.Status)
		}
	}
	for year, want := range map[string]string{"1800": "Năm phải từ 1900 đến 2199", "hai-nghin": "Năm phải là một số"} {
		r := a.Get(t, "/admin/holidays?year="+year)
		if r.Status != http.StatusBadRequest || !strings.Contains(fieldError(r.Body, "year"), want) || strings.Contains(r.Body, "<tbody>") {
			t.Errorf("year %s: %d %q", year, r.Status, fieldError(r.Body, "year"))
		}
	}
}

// catalogueCitations are the citations of the catalogue's figures, those
// marked verify and the others.
func catalogueCitations(cat *workflow.Catalogue) (verify, other map[string]bool) {
	verify, other = map[string]bool{}, map[string]bool{}
	add := func(b workflow.Basis) {
		if b.Verify {
			verify[b.Citation] = true
		} else {
			other[b.Citation] = true
		}
	}
	for _, pr := range cat.Procedures {
		for _, v := range pr.Versions {
			add(v.Basis)
			for _, vr := range v.Variants {
				add(vr.Basis)
			}
			for _, st := range v.States {
				if st.StepBasis != nil {
					add(*st.StepBasis)
				}
				if st.OnStepExpiry != nil {
					add(st.OnStepExpiry.Basis)
				}
			}
			if v.Supplement != nil {
				add(v.Supplement.Basis)
			}
			if v.Extension != nil {
				add(v.Extension.Basis)
			}
			if v.Fee != nil {
				add(v.Fee.Basis)
			}
		}
	}
	o := cat.OneStop
	for _, b := range []workflow.Basis{o.CutoffBasis, o.CodeBasis, o.OutcomeBasis, o.NotifyBasis, o.OfficeHoursBasis} {
		add(b)
	}
	return verify, other
}

// TestAdminCatalogue: the page lists every figure marked verify (and no
// other) before the catalogue, then every version of every procedure,
// past ones included, with its dates.
func TestAdminCatalogue(t *testing.T) {
	t.Parallel()
	s := webtest.New(t, modelstest.SQLite(t))
	a := adminClient(t, s, "hbi.admin")
	r := a.Get(t, "/admin/catalogue")
	if r.Status != http.StatusOK {
		t.Fatalf("catalogue: %d", r.Status)
	}
	noMissingMessages(t, "catalogue", r)
	toVerify := between(r.Body, `<h2 id="verify">`, `<h2 id="standards">`)
	standards := between(r.Body, `<h2 id="standards">`, `</section>`)
	verify, other := catalogueCitations(s.Engine.Catalogue())
	for c := range verify {
		if !strings.Contains(toVerify, html.EscapeString(c)) {
			t.Errorf("a figure to verify is not listed: %.80s", c)
		}
	}
	checked := 0
	for c := range other {
		if !verify[c] && c != "" {
			checked++
			if strings.Contains(toVerify, html.EscapeString(c)) {
				t.Errorf("a figure not marked verify is listed to verify: %.80s", c)
			}
		}
	}
	if checked == 0 || len(verify) < 20 {
		t.Fatalf("the catalogue has %d verified and %d other citations", len(verify), checked)
	}
	if !strings.Contains(standards, "Tiêu chuẩn phục vụ của Ban / Board service standard") {
		t.Error("the service standards are not listed")
	}
	for _, pr := range s.Engine.Catalogue().Procedures {
		for _, v := range pr.Versions {
			if !strings.Contains(r.Body, `<span class="version-id">`+v.ID+`</span> — `+v.EffectiveFrom.DMY()) {
				t.Errorf("version %s of %s is not shown with its start", v.ID, pr.Code)
			}
		}
	}
	if !strings.Contains(r.Body, "Từ 01/01/2021 đến hết 29/12/2024") {
		t.Error("a past version's last day (effective_until is exclusive)")
	}
	a.Get(t, "/lang/en?next=/")
	r = a.Get(t, "/admin/catalogue")
	noMissingMessages(t, "catalogue (en)", r)
	if !strings.Contains(r.Body, "Figures to verify") || !strings.Contains(r.Body, "restarts from the complete supplement") {
		t.Error("the catalogue in English")
	}
}

// TestAdminPagesForbidden: the administrator's pages and forms refuse
// every other role (403) and send a visitor to sign in.
func TestAdminPagesForbidden(t *testing.T) {
	t.Parallel()
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := webtest.New(t, db)
		id := s.Users["hbi.officer"].ID
		gets := []string{"/admin/users", "/admin/users/new", fmt.Sprintf("/admin/users/%d", id), "/admin/zones",
			"/admin/holidays?year=2026", "/admin/catalogue"}
		for _, role := range []string{"hbi.officer", "hbi.leader", "hbi.manager", "investor"} {
			c := s.Client(t)
			c.Login(t, role)
			for _, p := range gets {
				if r := c.Get(t, p); r.Status != http.StatusForbidden || !strings.Contains(r.Body, "Vai trò của bạn không được dùng trang này") {
					t.Errorf("%s GET %s: %d", role, p, r.Status)
				}
			}
			c.Get(t, "/account")
			before := countUsers(t, s)
			for p, form := range map[string]url.Values{
				"/admin/users":                            newUserForm("ke.gian"),
				fmt.Sprintf("/admin/users/%d", id):        {"action": {"deactivate"}},
				fmt.Sprintf("/admin/users/%d/unlock", id): nil,
				"/admin/zones":                            {"board_id": {fmt.Sprint(s.Boards["HBI"].ID)}, "name": {"KCN giả"}},
			} {
				if r := c.Post(t, p, form); r.Status != http.StatusForbidden {
					t.Errorf("%s POST %s: %d", role, p, r.Status)
				}
			}
			if countUsers(t, s) != before || !userByName(t, s, "hbi.officer").Active {
				t.Fatalf("%s changed accounts", role)
			}
		}
		visitor := s.Client(t)
		if r := visitor.Get(t, "/admin/users"); !strings.HasPrefix(r.URL, "/login?next=%2Fadmin%2Fusers") {
			t.Fatalf("a visitor: at %s", r.URL)
		}
	})
}

// TestAdminPagesBothLanguages: every administrator's page renders in
// both languages with no missing message.
func TestAdminPagesBothLanguages(t *testing.T) {
	t.Parallel()
	s := webtest.New(t, modelstest.SQLite(t))
	deploymentAdmin(t, s)
	for _, who := range []string{"hbi.admin", "root.admin"} {
		a := adminClient(t, s, who)
		for _, lang := range []string{"vi", "en"} {
			a.Get(t, "/lang/"+lang+"?next=/")
			for _, p := range []string{"/admin/users", "/admin/users/new", fmt.Sprintf("/admin/users/%d", s.Users["hbi.officer"].ID),
				"/admin/zones", "/admin/holidays?year=2026", "/admin/holidays?year=2030"} {
				r := a.Get(t, p)
				if r.Status != http.StatusOK || !strings.Contains(r.Body, `<html lang="`+lang+`">`) {
					t.Errorf("%s %s %s: %d", who, lang, p, r.Status)
				}
				noMissingMessages(t, who+" "+lang+" "+p, r)
			}
		}
	}
}
