package web

import (
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/motcua/motcua/errs"
	"github.com/motcua/motcua/service"
)

// accountRoutes are sign-in and sign-out, sign-up with email
// verification, the password pages and the in-app notifications.
func (w *app) accountRoutes(r *router) {
	r.get("/login", w.loginPage)
	r.post("/login", w.loginPost)
	r.post("/logout", w.logout, signedIn())
	r.get("/signup", w.signupPage)
	r.post("/signup", w.signupPost)
	r.get("/signup/sent", w.signupSent)
	r.get("/verify-email", w.verifyPage)
	r.post("/verify-email", w.verifyPost)
	r.post("/verification", w.resendPost)
	r.get("/forgot-password", w.forgotPage)
	r.post("/forgot-password", w.forgotPost)
	r.get("/reset-password", w.resetPage)
	r.post("/reset-password", w.resetPost)
	r.get("/account", w.accountPage, signedIn())
	r.post("/account/password", w.passwordPost, signedIn())
	r.get("/notifications", w.notificationsPage, signedIn())
	r.post("/notifications/:id/read", w.readNotification, signedIn())
}

// loginPage answers GET /login; a signed-in user goes to their first page.
func (w *app) loginPage(c echo.Context) error {
	if p := principalOf(c); p != nil {
		return redirect(c, homeOf(p.Role()))
	}
	p := w.page(c, "login.title")
	p.Form = newForm(c.QueryParams())
	return w.render(c, statusOK, "public/login", p)
}

// loginPost signs in under the service's throttling: the session is a new
// token, so nothing set before signing in carries over.
func (w *app) loginPost(c echo.Context) error {
	p := w.page(c, "login.title")
	v, err := formValues(c)
	if err != nil {
		return err
	}
	p.Form = newForm(v)
	s, err := w.svc.Login(c.Request().Context(), service.Credentials{Username: v.Get("username"),
		Password: v.Get("password"), IP: c.RealIP()})
	if err != nil {
		p.Form.Values.Del("password")
		return w.formError(c, p, "public/login", err)
	}
	w.startSession(c, s)
	next := localPath(v.Get("next"))
	if next == "/" {
		next = homeOf(s.Principal.Role())
	}
	return redirect(c, next)
}

// logout revokes the sign-in and clears the cookie.
func (w *app) logout(c echo.Context) error {
	if err := w.svc.Logout(c.Request().Context(), principalOf(c)); err != nil {
		return err
	}
	w.clearSession(c)
	return redirect(c, "/")
}

// signupPage answers GET /signup: investors open their own account.
func (w *app) signupPage(c echo.Context) error {
	p := w.page(c, "signup.title")
	p.Form = newForm(nil)
	return w.render(c, statusOK, "public/signup", p)
}

// signupPost creates the account; the verification link goes by email.
func (w *app) signupPost(c echo.Context) error {
	p := w.page(c, "signup.title")
	v, err := formValues(c)
	if err != nil {
		return err
	}
	p.Form = newForm(v)
	if v.Get("password") != v.Get("password_confirm") {
		return w.formError(c, p, "public/signup", errs.Invalid("password_confirm",
			"mật khẩu nhập lại không khớp", "the passwords do not match"))
	}
	_, err = w.svc.SignUp(c.Request().Context(), service.SignUpRequest{Email: v.Get("email"),
		FullName: v.Get("full_name"), Phone: v.Get("phone"), Password: v.Get("password")})
	if err != nil {
		p.Form.Values.Del("password")
		p.Form.Values.Del("password_confirm")
		return w.formError(c, p, "public/signup", err)
	}
	return redirect(c, "/signup/sent"+encodeQuery("email", strings.TrimSpace(v.Get("email"))))
}

// signupSent answers GET /signup/sent after a sign-up (a redirect, so that
// reloading the page does not send the form again).
func (w *app) signupSent(c echo.Context) error {
	p := w.page(c, "signup.sent_title")
	p.Data = c.QueryParam("email")
	return w.render(c, statusOK, "public/signup_sent", p)
}

// verifyPage answers the link of the verification email with a button:
// a link scanner opening the link does not consume the token.
func (w *app) verifyPage(c echo.Context) error {
	p := w.page(c, "verify.title")
	p.Form = newForm(c.QueryParams())
	return w.render(c, statusOK, "public/verify", p)
}

// verifyPost consumes the token; the investor may then sign in.
func (w *app) verifyPost(c echo.Context) error {
	p := w.page(c, "verify.title")
	v, err := formValues(c)
	if err != nil {
		return err
	}
	p.Form = newForm(v)
	if _, err := w.svc.VerifyEmail(c.Request().Context(), v.Get("token")); err != nil {
		return w.formError(c, p, "public/verify", err, errs.KindNotFound)
	}
	lp := w.page(c, "login.title")
	lp.Flash = lp.T("verify.done")
	lp.Form = newForm(nil)
	return w.render(c, statusOK, "public/login", lp)
}

// resendPost sends the verification link again (the sign-in page offers
// it to an account not yet verified).
func (w *app) resendPost(c echo.Context) error {
	v, err := formValues(c)
	if err != nil {
		return err
	}
	p := w.page(c, "login.title")
	p.Form = newForm(nil)
	if err := w.svc.ResendVerification(c.Request().Context(), v.Get("email")); err != nil {
		return w.formError(c, p, "public/login", err)
	}
	p.Flash = p.T("verify.resent")
	return w.render(c, statusOK, "public/login", p)
}

// forgotPage asks for the account whose password to reset.
func (w *app) forgotPage(c echo.Context) error {
	p := w.page(c, "forgot.title")
	p.Form = newForm(nil)
	return w.render(c, statusOK, "public/forgot", p)
}

// forgotPost sends the reset link. The answer is the same whether the
// account exists or not.
func (w *app) forgotPost(c echo.Context) error {
	p := w.page(c, "forgot.title")
	v, err := formValues(c)
	if err != nil {
		return err
	}
	p.Form = newForm(v)
	if err := w.svc.RequestPasswordReset(c.Request().Context(), v.Get("login")); err != nil {
		return w.formError(c, p, "public/forgot", err)
	}
	p.Flash = p.T("forgot.sent")
	p.Form = newForm(nil)
	return w.render(c, statusOK, "public/forgot", p)
}

// resetPage answers the reset email's link: the new password's form.
func (w *app) resetPage(c echo.Context) error {
	p := w.page(c, "reset.title")
	p.Form = newForm(c.QueryParams())
	return w.render(c, statusOK, "public/reset", p)
}

// resetPost sets the new password; every sign-in of the account ends.
func (w *app) resetPost(c echo.Context) error {
	p := w.page(c, "reset.title")
	v, err := formValues(c)
	if err != nil {
		return err
	}
	p.Form = newForm(v)
	p.Form.Values.Del("password")
	p.Form.Values.Del("password_confirm")
	if v.Get("password") != v.Get("password_confirm") {
		return w.formError(c, p, "public/reset", errs.Invalid("password_confirm",
			"mật khẩu nhập lại không khớp", "the passwords do not match"))
	}
	if err := w.svc.ResetPassword(c.Request().Context(), v.Get("token"), v.Get("password")); err != nil {
		return w.formError(c, p, "public/reset", err, errs.KindNotFound)
	}
	lp := w.page(c, "login.title")
	lp.Flash = lp.T("reset.done")
	lp.Form = newForm(nil)
	return w.render(c, statusOK, "public/login", lp)
}

// accountPage shows the signed-in user's account and the password form.
func (w *app) accountPage(c echo.Context) error {
	p := w.page(c, "account.title")
	p.Form = newForm(nil)
	return w.render(c, statusOK, "public/account", p)
}

// passwordPost changes the password; this sign-in stays, the others end.
func (w *app) passwordPost(c echo.Context) error {
	p := w.page(c, "account.title")
	v, err := formValues(c)
	if err != nil {
		return err
	}
	p.Form = newForm(nil)
	if v.Get("password") != v.Get("password_confirm") {
		return w.formError(c, p, "public/account", errs.Invalid("password_confirm",
			"mật khẩu nhập lại không khớp", "the passwords do not match"))
	}
	if err := w.svc.ChangePassword(c.Request().Context(), principalOf(c), v.Get("current_password"), v.Get("password")); err != nil {
		return w.formError(c, p, "public/account", err)
	}
	p.Flash = p.T("account.password_changed")
	return w.render(c, statusOK, "public/account", p)
}

// notificationsPage lists the user's notifications, newest first, each in
// the page's language only (the other language where a notification has
// no text in it; both where it exists only in both together).
func (w *app) notificationsPage(c echo.Context) error {
	p := w.page(c, "notifications.title")
	page, err := w.svc.Notifications(c.Request().Context(), principalOf(c), c.QueryParam("after"), 0)
	if err != nil {
		return err
	}
	for i := range page.Items {
		in := page.Items[i].Content.In(p.Lang)
		page.Items[i].Content.Subject, page.Items[i].Content.Body = in.Subject, in.Body
	}
	p.Data = page
	return w.render(c, statusOK, "public/notifications", p)
}

// readNotification marks one notification read and goes to its dossier,
// or back to the list.
func (w *app) readNotification(c echo.Context) error {
	id, err := strconv.ParseUint(c.Param("id"), 10, 64)
	if err != nil {
		return errs.NotFound("id", "không có thông báo này", "there is no such notification")
	}
	n, err := w.svc.ReadNotification(c.Request().Context(), principalOf(c), id)
	if err != nil {
		return err
	}
	if n.Code != "" {
		return redirect(c, "/dossiers/"+n.Code)
	}
	return redirect(c, "/notifications")
}
