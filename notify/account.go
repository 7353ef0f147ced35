package notify

import (
	"context"
	"fmt"
	"net/url"

	"github.com/motcua/motcua/models"
)

// Paths of the pages the account emails link to, under the public address.
const (
	VerifyEmailPath   = "/verify-email"
	ResetPasswordPath = "/reset-password"
)

// account renders an account's own email: the link that verifies its
// address, or the link that resets its password. The one-time token is
// the notification's payload, which the worker clears once it is sent.
func (r *Renderer) account(ctx context.Context, n *models.Notification) (Content, error) {
	if n.UserID == nil {
		return Content{}, fmt.Errorf("notify: account email %d has no user", n.ID)
	}
	u, err := models.GetUser(ctx, r.DB, *n.UserID)
	if err != nil {
		return Content{}, err
	}
	if n.Payload == "" {
		return Content{}, fmt.Errorf("notify: account email %d has no token (already sent?)", n.ID)
	}
	name := u.FullName
	if name == "" {
		name = u.Username
	}
	if n.Kind == models.NotifyVerifyEmail {
		link := r.PublicURL + VerifyEmailPath + "?token=" + url.QueryEscape(n.Payload)
		return Content{Subject: "Xác thực địa chỉ email tài khoản Một cửa / Verify your one-stop account's email",
			Body: fmt.Sprintf("Kính gửi %s,\n\nHãy mở liên kết sau để xác thực email và kích hoạt tài khoản %s (hiệu lực 48 giờ):\n%s\n\n"+
				"Dear %s,\n\nOpen this link to verify your email and activate the account %s (valid 48 hours):\n%s\n\n"+
				"Mã xác thực / verification code: %s\n", name, u.Username, link, name, u.Username, link, n.Payload)}, nil
	}
	link := r.PublicURL + ResetPasswordPath + "?token=" + url.QueryEscape(n.Payload)
	return Content{Subject: "Đặt lại mật khẩu tài khoản Một cửa / Reset your one-stop account's password",
		Body: fmt.Sprintf("Kính gửi %s,\n\nCó yêu cầu đặt lại mật khẩu cho tài khoản %s. Mở liên kết sau để đặt mật khẩu mới (hiệu lực 1 giờ):\n%s\n"+
			"Nếu không phải quý khách yêu cầu, hãy bỏ qua thư này.\n\n"+
			"Dear %s,\n\nSomeone asked to reset the password of the account %s. Open this link to set a new one (valid 1 hour):\n%s\n"+
			"If it was not you, ignore this email.\n\nMã đặt lại / reset code: %s\n", name, u.Username, link, name, u.Username, link, n.Payload)}, nil
}
