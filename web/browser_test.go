package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/models/modelstest"
	"github.com/motcua/motcua/service"
	"github.com/motcua/motcua/web/browsertest"
	"github.com/motcua/motcua/web/webtest"
	"github.com/motcua/motcua/workflow"
)

// A mainPage is one page of the browser checks and of `make screenshots`:
// every main page of the site is a line of mainPages.
type mainPage struct {
	// path is the page's address, unless setup gives one.
	path string
	// name names the screenshots: <name>-<vi|en>-<desktop|phone>.png.
	name string
	// user signs in first (a webtest user: investor, hbi.officer, ...); ""
	// for a visitor.
	user string
	// setup, when set, makes what the page shows on the site, before the
	// tab opens; a path it returns replaces path.
	setup func(t *testing.T, s *webtest.Site) string
	// status is the page's HTTP status; 0 is 200.
	status int
	// ownSite gives the page a site of its own: its setup moves the clock.
	ownSite bool
}

// mainPages are the pages every browser check goes through, in both
// languages, on a desktop and on a phone.
var mainPages = []mainPage{
	{path: "/", name: "home"},
	{path: "/procedures", name: "procedures"},
	{path: "/procedures/construction-permit", name: "procedure"},
	{path: "/track", name: "track"},
	{name: "track-result", setup: trackedDossier},
	{path: "/login", name: "login"},
	{path: "/signup", name: "signup"},
	{path: "/forgot-password", name: "forgot-password"},
	{path: "/no-such-page", name: "not-found", status: http.StatusNotFound},
	{path: "/account", name: "account", user: "investor"},
	{path: "/notifications", name: "notifications", user: "investor", setup: askedToComplete},
	{path: "/dossiers", name: "my-dossiers", user: "investor", setup: askedToComplete},
	{path: "/dossiers/new", name: "new-dossier", user: "investor"},
	{name: "dossier-investor", user: "investor", setup: dossierAskedToComplete},
	{path: "/desk", name: "inbox", user: "hbi.officer", setup: received},
	{path: "/desk/intake", name: "intake", user: "hbi.officer", setup: awaitingIntake, ownSite: true},
	{path: "/desk/file", name: "walk-in", user: "hbi.officer"},
	{path: "/desk/search?q=Cơ+khí", name: "search", user: "hbi.officer", setup: askedToComplete},
	{name: "dossier-officer", user: "hbi.officer", setup: receivedDossier},
	{name: "receipt", user: "hbi.officer", setup: receiptForm},
	{path: "/decisions", name: "decisions", user: "hbi.leader", setup: awaitingLeader, ownSite: true},
	{path: "/dashboard", name: "dashboard", user: "hbi.manager", setup: busyBoard, ownSite: true},
	{path: "/reports", name: "reports", user: "hbi.manager", setup: busyBoard, ownSite: true},
	{path: "/admin/users", name: "admin-users", user: "hbi.admin"},
	{path: "/admin/users/new", name: "admin-new-user", user: "hbi.admin"},
	{path: "/admin/zones", name: "admin-zones", user: "hbi.admin"},
	{path: "/admin/holidays", name: "admin-holidays", user: "hbi.admin"},
	{path: "/admin/catalogue", name: "admin-catalogue", user: "hbi.admin"},
}

// trackable is a dossier filed through the service, with its tracking link.
type trackable struct {
	View *service.DossierView
	// Link is the tracking page's path and query, as the receipt's QR code
	// holds it.
	Link string
}

// fileTrackable files a construction permit for the investor with HBI
// under applicant's name.
func fileTrackable(t testing.TB, s *webtest.Site, applicant string) trackable {
	t.Helper()
	v := s.File(t, "investor", "HBI", "construction-permit", "new", applicant)
	d, err := models.GetDossierByCode(context.Background(), s.DB, v.Code)
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(s.Svc.TrackingURL(d))
	if err != nil {
		t.Fatal(err)
	}
	return trackable{View: v, Link: u.RequestURI()}
}

// trackedDossier is the tracking page of a dossier just filed.
func trackedDossier(t *testing.T, s *webtest.Site) string {
	return fileTrackable(t, s, "Công ty TNHH Điện tử Hòa Bình").Link
}

// askedToComplete files a dossier for the investor and has the officer
// ask for its completion at intake: the investor has a notification.
func askedToComplete(t *testing.T, s *webtest.Site) string {
	t.Helper()
	dossierAskedToComplete(t, s)
	return ""
}

// dossierAskedToComplete is the page of a dossier the officer asked to
// complete at intake.
func dossierAskedToComplete(t *testing.T, s *webtest.Site) string {
	t.Helper()
	f := fileTrackable(t, s, "Công ty Cổ phần Cơ khí Lương Sơn")
	_, _, err := s.Svc.Fire(context.Background(), s.Principal(t, "hbi.officer"), f.View.Code, service.EventRequest{
		Event: "request_completion", Version: f.View.Version, Comment: "Bổ sung bản vẽ thiết kế có chữ ký.",
		Missing: []workflow.MissingItem{{Document: "design_drawings", Reason: "Bản vẽ chưa có chữ ký của chủ nhiệm thiết kế."}}})
	if err != nil {
		t.Fatalf("request completion: %v", err)
	}
	return "/dossiers/" + f.View.Code
}

// received has the HBI officer receive a dossier with its documents.
func received(t *testing.T, s *webtest.Site) string {
	t.Helper()
	receivedPermit(t, s, "Công ty TNHH May mặc Kim Bôi")
	return ""
}

// busyBoard gives HBI dossiers resolved early, on time and late, one
// overdue with its alert and one due soon (the manager's scenario), so
// that the dashboard and the report have figures to show.
func busyBoard(t *testing.T, s *webtest.Site) string {
	t.Helper()
	scenarioOn(t, s)
	return ""
}

// awaitingIntake gives the intake queue two online dossiers to check.
func awaitingIntake(t *testing.T, s *webtest.Site) string {
	t.Helper()
	fileTrackable(t, s, "Công ty TNHH Cơ điện Tân Lạc")
	fileTrackable(t, s, "Công ty Cổ phần Dệt may Mai Châu")
	return ""
}

// awaitingLeader gives the leader's queue a decision the officer proposed
// and an extension the officer proposed.
func awaitingLeader(t *testing.T, s *webtest.Site) string {
	t.Helper()
	officerID := s.Users["hbi.officer"].ID
	decide := receivedPermit(t, s, "Công ty TNHH Thép Kỳ Sơn")
	fire(t, s, "hbi.officer", decide, service.EventRequest{Event: "assign", AssigneeID: &officerID})
	fire(t, s, "hbi.officer", decide, service.EventRequest{Event: "propose"})
	extend := receivedPermit(t, s, "Công ty Cổ phần Bao bì Lương Sơn")
	fire(t, s, "hbi.officer", extend, service.EventRequest{Event: "assign", AssigneeID: &officerID})
	fire(t, s, "hbi.officer", extend, service.EventRequest{Event: "propose_extension", Extension: &service.ExtensionRequest{
		Reason: "Chờ ý kiến của Sở Xây dựng.", NewDueDate: time.Date(2026, 12, 31, 0, 0, 0, 0, deadlines.Location),
		ApologyLetter: "Ban Quản lý xin lỗi quý công ty vì hồ sơ chưa thể trả kết quả đúng hẹn."}})
	return ""
}

// receivedDossier is the page of a dossier the officer received.
func receivedDossier(t *testing.T, s *webtest.Site) string {
	t.Helper()
	return "/dossiers/" + receivedPermit(t, s, "Công ty TNHH Gạch men Lạc Thủy")
}

// receiptForm is form 01, the receipt of a dossier just received.
func receiptForm(t *testing.T, s *webtest.Site) string {
	t.Helper()
	return formPath(receivedPermit(t, s, "Công ty Cổ phần Nhựa Yên Thủy"), "receipt")
}

// browserSignIn signs username in through the sign-in form, in Vietnamese.
func browserSignIn(t *testing.T, tab *browsertest.Tab, username string) {
	t.Helper()
	tab.Go("/lang/vi?next=/login")
	tab.FillLabel("Tên đăng nhập hoặc email", username)
	tab.FillLabel("Mật khẩu", webtest.Password)
	if st := tab.Click("Đăng nhập"); st >= 500 || strings.HasPrefix(tab.Path(), "/login") || tab.Cookie("motcua_session") == "" {
		t.Fatalf("sign in %s: %d at %s", username, st, tab.Path())
	}
	tab.ConsoleErrors() // the first page of a role may not be built yet
}

// missingMessageID is how a page shows a message id it found no text for.
var missingMessageID = regexp.MustCompile(`\[[a-z0-9_]+(\.[a-z0-9_]+)+\]`)

// deepChecks says where axe-core and the focus walk run: everywhere but
// English on a desktop. A language changes a page's words, not its
// structure, colours or focus styles, so that fourth pass found nothing the
// others miss (a missing English message is caught on every pass), and it
// cost a quarter of the suite's time, which axe-core spends in the browser.
func deepChecks(lang string, width int) bool {
	return lang == "vi" || width < browsertest.Desktop
}

// viewportName names a viewport width in the screenshots' names.
func viewportName(w int) string {
	if w < 768 {
		return "phone"
	}
	return "desktop"
}

// TestBrowserPages: every main page, in Vietnamese and in English, on a
// 1280-px desktop and a 375-px phone, loads with its status in its
// language and every message in it, does not scroll sideways, and writes
// nothing to the console (a script error, a style or script the
// Content-Security-Policy refused); where deepChecks says, it also has no
// serious or critical axe-core violation and shows the keyboard focus on
// everything the Tab key reaches. With MOTCUA_SCREENSHOTS set (`make
// screenshots`) it also writes each page's picture there.
func TestBrowserPages(t *testing.T) {
	t.Parallel()
	b := browsertest.Start(t)
	s := webtest.New(t, modelstest.SQLite(t))
	shots := browsertest.ScreenshotDir()
	for _, pg := range mainPages {
		t.Run(pg.name, func(t *testing.T) {
			t.Parallel()
			path, s := pg.path, s
			if pg.ownSite {
				s = webtest.New(t, modelstest.SQLite(t))
			}
			if pg.setup != nil {
				if p := pg.setup(t, s); p != "" {
					path = p
				}
			}
			want := pg.status
			if want == 0 {
				want = http.StatusOK
			}
			tab := b.Tab(t, s.URL)
			if pg.user != "" {
				browserSignIn(t, tab, pg.user)
			}
			for _, lang := range []string{"vi", "en"} {
				for _, width := range []int{browsertest.Desktop, browsertest.Phone} {
					tab.SetViewport(width)
					if st := tab.Go("/lang/" + lang + "?next=" + url.QueryEscape(path)); st != want || tab.Lang() != lang {
						t.Fatalf("%s (%s, %d px): status %d, lang %q", path, lang, width, st, tab.Lang())
					}
					if m := missingMessageID.FindString(tab.Text("body")); m != "" {
						t.Errorf("%s (%s): a message is missing: %s", path, lang, m)
					}
					tab.NoHorizontalScroll()
					if deepChecks(lang, width) {
						tab.FocusVisible()
						tab.Axe()
					}
					for _, e := range tab.ConsoleErrors() {
						// a page answering its own error status is logged; so is
						// the favicon the site does not have
						if !strings.Contains(e, fmt.Sprintf("status of %d", want)) && !strings.HasSuffix(e, "/favicon.ico)") {
							t.Errorf("%s (%s, %d px): console: %s", path, lang, width, e)
						}
					}
					if shots != "" {
						tab.Screenshot(filepath.Join(shots, pg.name+"-"+lang+"-"+viewportName(width)+".png"))
					}
				}
			}
		})
	}
}

// TestBrowserTrackingLink: the link of a receipt's QR code, opened in a
// browser that never signed in, shows the dossier and its state at once.
func TestBrowserTrackingLink(t *testing.T) {
	t.Parallel()
	b := browsertest.Start(t)
	s := webtest.New(t, modelstest.SQLite(t))
	f := fileTrackable(t, s, "Công ty TNHH Thép Kỳ Sơn")
	view, err := s.Svc.Track(context.Background(), f.View.Code, trackingPIN(t, f.Link), "10.9.9.9")
	if err != nil {
		t.Fatal(err)
	}
	tab := b.Tab(t, s.URL)
	if st := tab.Go(f.Link); st != http.StatusOK || tab.Cookie("motcua_session") != "" {
		t.Fatalf("tracking link: %d, session %q", st, tab.Cookie("motcua_session"))
	}
	if h := tab.Text("#h-result"); !strings.Contains(h, f.View.Code) {
		t.Fatalf("result heading %q, want the code %s", h, f.View.Code)
	}
	result := tab.Text("section[aria-labelledby=h-result]")
	for _, want := range []string{view.State.VI, "Công ty TNHH Thép Kỳ Sơn", view.Procedure.VI} {
		if want == "" || !strings.Contains(result, want) {
			t.Fatalf("the tracking page does not show %q:\n%s", want, result)
		}
	}
	// a wrong PIN shows nothing of the dossier
	wrong := strings.Replace(f.Link, "pin="+trackingPIN(t, f.Link), "pin=000000", 1)
	if tab.Go(wrong); tab.Count("#h-result") != 0 || strings.Contains(tab.Text("main"), "Thép Kỳ Sơn") {
		t.Fatal("a wrong PIN showed the dossier")
	}
}

// trackingPIN is the PIN of a tracking link.
func trackingPIN(t *testing.T, link string) string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query().Get("pin")
}

// TestBrowserFormWithoutCSRFToken: a form sent from the browser after its
// hidden CSRF field was taken out is refused with the refusal page, and
// signs nobody in; the same form with its field goes through.
func TestBrowserFormWithoutCSRFToken(t *testing.T) {
	t.Parallel()
	b := browsertest.Start(t)
	s := webtest.New(t, modelstest.SQLite(t))
	tab := b.Tab(t, s.URL)
	tab.Go("/login")
	var removed int
	tab.Eval(`(function () {
		var f = document.querySelectorAll("main form[action='/login'] input[name=_csrf]");
		f.forEach(function (el) { el.remove(); });
		return f.length;
	})()`, &removed)
	if removed != 1 {
		t.Fatalf("the sign-in form has %d CSRF fields", removed)
	}
	tab.FillLabel("Tên đăng nhập hoặc email", "investor")
	tab.FillLabel("Mật khẩu", webtest.Password)
	if st := tab.Click("Đăng nhập"); st != http.StatusForbidden || !strings.Contains(tab.Text("main"), "Biểu mẫu đã hết hạn") ||
		tab.Cookie("motcua_session") != "" {
		t.Fatalf("without its token: %d at %s, session %q:\n%s", st, tab.Path(), tab.Cookie("motcua_session"), tab.Text("main"))
	}
	browserSignIn(t, tab, "investor")
}

// TestBrowserScriptInNameEscaped: an applicant named with a script and
// an image that runs a script on error is shown on the tracking page as
// the text it is. The policy is bypassed in this tab so that escaping
// alone is tested: no dialog opens (browsertest fails the test on one),
// no element of the name gets into the page, and the name reads literally.
func TestBrowserScriptInNameEscaped(t *testing.T) {
	t.Parallel()
	b := browsertest.Start(t)
	s := webtest.New(t, modelstest.SQLite(t))
	const name = `<script>alert("xss")</script><img src=x onerror=alert(1)>`
	f := fileTrackable(t, s, name)
	tab := b.Tab(t, s.URL)
	tab.BypassCSP()
	if st := tab.Go(f.Link); st != http.StatusOK {
		t.Fatalf("tracking page: %d", st)
	}
	if n := tab.Count("main script, main img"); n != 0 {
		t.Fatalf("the name put %d elements into the page", n)
	}
	if got := tab.Text("section[aria-labelledby=h-result] dl"); !strings.Contains(got, name) {
		t.Fatalf("the name does not read literally:\n%s", got)
	}
	if d := tab.Dialogs(); len(d) != 0 {
		t.Fatalf("dialogs opened: %q", d)
	}
}

// TestBrowserSignUpAndVerify: an investor signs up in the browser, opens
// the link the site emailed, verifies the address and signs in with it:
// the first step of the full scenario, and the way its later steps read a
// link from the mail (webtest's Site.EmailLink).
func TestBrowserSignUpAndVerify(t *testing.T) {
	t.Parallel()
	b := browsertest.Start(t)
	s := webtest.New(t, modelstest.SQLite(t))
	tab := b.Tab(t, s.URL)
	const email = "mai.nguyen@hoabinh-steel.example.vn"
	tab.Go("/signup")
	tab.FillLabel("Họ tên hoặc tên doanh nghiệp", "Công ty TNHH Thép Hòa Bình")
	tab.FillLabel("Email", email)
	tab.FillLabel("Số điện thoại", "0218 3852 123")
	tab.FillLabel("Mật khẩu", webtest.Password)
	tab.FillLabel("Nhập lại mật khẩu", webtest.Password)
	if st := tab.Click("Đăng ký"); st >= 300 || !strings.Contains(tab.Text("main"), email) {
		t.Fatalf("sign-up: %d at %s:\n%s", st, tab.Path(), tab.Text("main"))
	}
	link := s.EmailLink(t, email)
	tab.Go(link)
	if st := tab.Click("Xác minh email"); st != http.StatusOK || !strings.Contains(tab.Text("main"), "Email đã được xác minh") {
		t.Fatalf("verification: %d at %s:\n%s", st, tab.Path(), tab.Text("main"))
	}
	browserSignIn(t, tab, email)
	if tab.Go("/account"); !strings.Contains(tab.Text("main"), "Công ty TNHH Thép Hòa Bình") {
		t.Fatalf("the account page does not show the new investor:\n%s", tab.Text("main"))
	}
}

// TestBrowserReceiptQR: the QR code printed on form 01 is read back from
// a screenshot of the receipt as the officer prints it, and its link,
// opened in a browser that never signed in, shows the dossier (step 5 of
// the full scenario).
func TestBrowserReceiptQR(t *testing.T) {
	t.Parallel()
	b := browsertest.Start(t)
	s := webtest.New(t, modelstest.SQLite(t))
	code := receivedPermit(t, s, "Công ty TNHH Cơ khí Mai Châu")
	officer := b.Tab(t, s.URL)
	browserSignIn(t, officer, "hbi.officer")
	if st := officer.Go(formPath(code, "receipt")); st != http.StatusOK {
		t.Fatalf("form 01: %d", st)
	}
	link, err := browsertest.DecodeQR(officer.ScreenshotPNG())
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(link)
	if err != nil || u.Path != "/track" || u.Query().Get("code") != code || u.Query().Get("pin") == "" {
		t.Fatalf("the QR code holds %q", link)
	}
	visitor := b.Tab(t, s.URL)
	if st := visitor.Go(u.RequestURI()); st != http.StatusOK || visitor.Cookie("motcua_session") != "" {
		t.Fatalf("tracking link: %d", st)
	}
	if h := visitor.Text("#h-result"); !strings.Contains(h, code) {
		t.Fatalf("the tracking page shows %q, not the dossier %s", h, code)
	}
	if got := visitor.Text("main"); !strings.Contains(got, "Công ty TNHH Cơ khí Mai Châu") {
		t.Fatalf("the tracking page does not show the applicant:\n%s", got)
	}
}
