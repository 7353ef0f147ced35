package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/motcua/motcua/models/modelstest"
	"github.com/motcua/motcua/web/webtest"
)

// TestSignUpThroughPages: an investor signs up, opens the emailed link,
// confirms it with the button, and signs in; before that, sign-in is
// refused.
func TestSignUpThroughPages(t *testing.T) {
	t.Parallel()
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := webtest.New(t, db)
		c := s.Client(t)
		c.Get(t, "/signup")
		form := url.Values{"full_name": {"Công ty TNHH Mới"}, "email": {"moi@congtymoi.vn"}, "password": {"một-mật-khẩu-dài"},
			"password_confirm": {"một-mật-khẩu-dài"}}
		if r := c.Post(t, "/signup", form); r.Status != http.StatusOK || r.URL != "/signup/sent?email=moi%40congtymoi.vn" || !strings.Contains(r.Body, "moi@congtymoi.vn") {
			t.Fatalf("sign-up: %d", r.Status)
		}
		c.Get(t, "/login")
		if r := c.Post(t, "/login", url.Values{"username": {"moi@congtymoi.vn"}, "password": {"một-mật-khẩu-dài"}}); c.Cookie("motcua_session") != "" {
			t.Fatalf("signed in before verifying: at %s", r.URL)
		}
		link := s.EmailLink(t, "moi@congtymoi.vn")
		page := c.Get(t, link)
		if page.Status != http.StatusOK || !strings.Contains(page.Body, "Xác minh email") {
			t.Fatalf("verification link: %d", page.Status)
		}
		token := strings.SplitN(link, "token=", 2)[1]
		if r := c.Post(t, "/verify-email", url.Values{"token": {token}}); !strings.Contains(r.Body, "Email đã được xác minh") {
			t.Fatalf("verify: %d", r.Status)
		}
		c.Get(t, "/login")
		if r := c.Post(t, "/login", url.Values{"username": {"moi@congtymoi.vn"}, "password": {"một-mật-khẩu-dài"}}); r.URL != "/dossiers" {
			t.Fatalf("sign-in after verifying: at %s", r.URL)
		}
	})
}

// TestPasswordResetThroughPages: the emailed link sets a new password;
// passwords that differ are refused on the field and never echoed.
func TestPasswordResetThroughPages(t *testing.T) {
	t.Parallel()
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := webtest.New(t, db)
		c := s.Client(t)
		c.Get(t, "/forgot-password")
		if r := c.Post(t, "/forgot-password", url.Values{"login": {"investor"}}); !strings.Contains(r.Body, "liên kết đặt lại mật khẩu đã được gửi") {
			t.Fatalf("forgot: %d", r.Status)
		}
		link := s.EmailLink(t, "investor@example.vn")
		token := strings.SplitN(link, "token=", 2)[1]
		c.Get(t, link)
		r := c.Post(t, "/reset-password", url.Values{"token": {token}, "password": {"mật-khẩu-mới-rất-dài"},
			"password_confirm": {"mật-khẩu-khác-hẳn-đi"}})
		if r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "Mật khẩu nhập lại không khớp") ||
			strings.Contains(r.Body, "mật-khẩu-khác-hẳn-đi") || strings.Contains(r.Body, "mật-khẩu-mới-rất-dài") {
			t.Fatalf("different passwords: %d", r.Status)
		}
		r = c.Post(t, "/reset-password", url.Values{"token": {token}, "password": {"mật-khẩu-mới-rất-dài"},
			"password_confirm": {"mật-khẩu-mới-rất-dài"}})
		if !strings.Contains(r.Body, "Mật khẩu đã được đặt lại") {
			t.Fatalf("reset: %d\n%s", r.Status, r.Body)
		}
		c.Get(t, "/login")
		if r := c.Post(t, "/login", url.Values{"username": {"investor"}, "password": {"mật-khẩu-mới-rất-dài"}}); r.URL != "/dossiers" {
			t.Fatalf("sign-in with the new password: at %s", r.URL)
		}
	})
}

// TestNotificationsInChosenLanguage: the investor's notification list
// shows each notification in the language the investor chose only, and
// the bell counts it.
func TestNotificationsInChosenLanguage(t *testing.T) {
	t.Parallel()
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := webtest.New(t, db)
		inv, off := s.Client(t), s.Client(t)
		inv.Login(t, "investor")
		off.Login(t, "hbi.officer")
		code := fileOnline(t, s, inv, "Công ty TNHH Ngôn Ngữ")
		act(t, off, code, "request_completion", url.Values{"missing[0].document": {"land_rights"},
			"missing[0].reason": {"Thiếu bản sao có chứng thực"}}, nil)
		vi := []string{"Hồ sơ " + code + " cần bổ sung, hoàn thiện trước khi tiếp nhận", "Mã hồ sơ: " + code}
		en := []string{"Dossier " + code + ": complete it before it is received", "Dossier code: " + code,
			"Hoa Binh Industrial Zones Authority"}
		both := []string{" / Dossier ", "Mã hồ sơ / Dossier code"}
		for _, c := range []struct {
			lang      string
			want, not []string
		}{{"vi", vi, append(en, both...)}, {"en", en, append(vi, both...)}} {
			inv.SetCookie("motcua_lang", c.lang)
			r := inv.Get(t, "/notifications")
			for _, w := range c.want {
				if !strings.Contains(r.Body, w) {
					t.Errorf("%s: the list does not say %q\n%s", c.lang, w, r.Body)
				}
			}
			for _, w := range c.not {
				if strings.Contains(r.Body, w) {
					t.Errorf("%s: the list says %q, in the other language", c.lang, w)
				}
			}
			if !strings.Contains(r.Body, `<span class="count">1</span>`) {
				t.Errorf("%s: the bell does not count 1 unread notification", c.lang)
			}
		}
	})
}
