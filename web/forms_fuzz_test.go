package web_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/fuzztest"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/web/webtest"
)

// fuzzSite is the web application on one database with a signed-in
// client per role and one dossier filed online by the investor.
type fuzzSite struct {
	db      fuzztest.DB
	site    *webtest.Site
	clients map[string]*webtest.Client
	code    string
}

// formRoute is a form the fuzzer posts to, as the user whose form it is;
// {code} and {event} are filled in.
type formRoute struct {
	user, method, path string
}

// formRoutes are the forms of every area: a dossier's actions, the
// desk's walk-in filing and search, the wizard, the administrator's
// forms, and the public ones (tracking, sign-up, sign-in, links).
var formRoutes = []formRoute{
	{"hbi.officer", "POST", "/dossiers/{code}/events/{event}"},
	{"hbi.leader", "POST", "/dossiers/{code}/events/{event}"},
	{"investor", "POST", "/dossiers/{code}/events/{event}"},
	{"hbi.officer", "POST", "/desk/file"},
	{"hbi.officer", "GET", "/desk/search"},
	{"investor", "POST", "/dossiers/new"},
	{"investor", "GET", "/dossiers/new"},
	{"hbi.admin", "POST", "/admin/users"},
	{"hbi.admin", "POST", "/admin/zones"},
	{"", "POST", "/track"},
	{"", "POST", "/signup"},
	{"", "POST", "/login"},
	{"", "POST", "/reset-password"},
	{"", "POST", "/verify-email"},
	{"bgg.officer", "POST", "/dossiers/{code}/events/{event}"},
}

// formSeeds are the forms the web tests send, filled as they fill them,
// and the probe's classes (NUL bytes, over-long text, 2^63), by route.
var formSeeds = []struct {
	route       int
	event, form string
}{
	{0, "receive", "version=1"},
	{0, "request_completion", "version=1&missing[0].document=land_rights&missing[0].reason=Thi%E1%BA%BFu+ch%E1%BB%AF+k%C3%BD"},
	{0, "assign", "version=2&assignee_id=2"},
	{0, "propose_extension", "version=3&extension.new_due_date=2026-12-31&extension.reason=C%E1%BA%A7n+th%C3%AAm&extension.apology_letter=K%C3%ADnh+g%E1%BB%ADi"},
	{1, "approve", "version=6&result.medium=paper&result.reference=12%2FGPXD-BQL"},
	{1, "approve", "version=4&investment.project_code=2143658709&investment.capital=400000&investment.currency=USD&investment.zone_id=1&investment.foreign=true"},
	{2, "withdraw", "version=1&comment=R%C3%BAt+h%E1%BB%93+s%C6%A1"},
	{0, "reject_intake", "version=1&comment=l%C3%BD+do%00"},
	{0, "reject_intake", "version=1&comment=" + strings.Repeat("x", 4001)},
	{0, "assign", "version=2&assignee_id=9223372036854775808"},
	{0, "receive", "version=9223372036854775808"},
	{0, "receive", "version=-1"},
	{1, "approve", "version=2&investment.project_code=1&investment.zone_id=4294967296&investment.capital=9223372036854775808"},
	{0, "..%2F..%2Fadmin", "version=1"},
	{3, "", "procedure=construction-permit&variant=new&channel=direct&applicant_name=%C3%94ng+Nguy%E1%BB%85n+V%C4%83n+B%C3%ACnh&receive_now=1&paper=application_form&paper=land_rights"},
	{3, "", "procedure=construction-permit&variant=new&channel=postal&applicant_name=A%00B&zone_id=18446744073709551616"},
	{4, "", "q=M%E1%BB%99t+C%E1%BB%ADa&state=submitted&procedure=construction-permit&sort=due&overdue=1"},
	{4, "", "after=zzzzzzzzzzzzzz&q=%00&state=lost"},
	{5, "", "board=HBI&procedure=construction-permit&variant=new&idempotency_key=k1&applicant_name=C%C3%B4ng+ty+B&applicant_tax_code=0101234567&title=Nh%C3%A0+x%C6%B0%E1%BB%9Fng"},
	{5, "", "board=HBI%00&procedure=construction-permit&variant=new&applicant_name=" + strings.Repeat("%E1%BB%87", 300)},
	{6, "", "board=HBI&procedure=construction-permit&variant=new"},
	{7, "", "username=nguoimoi&full_name=Nguy%E1%BB%85n+V%C4%83n+M%E1%BB%9Bi&email=nguoimoi%40bqlhb.gov.vn&role=officer&password_mode=set&password=mat-khau-ban-dau&password_confirm=mat-khau-ban-dau"},
	{7, "", "username=a%00b&role=system&board_id=9223372036854775808"},
	{8, "", "board_id=1&name=KCN+Quang+Ch%C3%A2u"},
	{8, "", "board_id=9223372036854775808&name=%00"},
	{9, "", "code=000.20.30.H33-261116-0001&pin=12345678"},
	{9, "", "code=%00&pin=" + strings.Repeat("9", 40)},
	{10, "", "full_name=C%C3%B4ng+ty+TNHH+M%E1%BB%9Bi&email=moi%40congtymoi.vn&password=m%E1%BB%99t-m%E1%BA%ADt-kh%E1%BA%A9u-d%C3%A0i&password_confirm=m%E1%BB%99t-m%E1%BA%ADt-kh%E1%BA%A9u-d%C3%A0i"},
	{11, "", "username=investor&password=sai"},
	{12, "", "token=abc&password=m%E1%BA%ADt-kh%E1%BA%A9u-m%E1%BB%9Bi-r%E1%BA%A5t-d%C3%A0i&password_confirm=x"},
	{13, "", "token=%00"},
	{14, "", "version=1&comment=x"},
}

// newFuzzSites starts the site on every database of fuzztest.DBs, signs a
// client in per role and files one dossier with its papers.
func newFuzzSites(f *testing.F) []*fuzzSite {
	f.Helper()
	var out []*fuzzSite
	for _, db := range fuzztest.DBs(f) {
		s := &fuzzSite{db: db, site: webtest.New(f, db.DB), clients: map[string]*webtest.Client{}}
		for _, u := range []string{"hbi.officer", "hbi.leader", "investor", "hbi.admin", "bgg.officer", ""} {
			c := s.site.Client(f)
			if u != "" {
				c.Login(f, u)
			}
			s.clients[u] = c
		}
		s.code = s.site.File(f, "investor", "HBI", "construction-permit", "new", "Công ty TNHH Một Cửa").Code
		out = append(out, s)
	}
	return out
}

// filedNotReceived reports whether a walk-in filing refused with "receive
// now" left what the desk's page promises: the dossier filed (one more,
// with its papers and their files), not received: submitted, version 1.
func filedNotReceived(t *testing.T, s *fuzzSite, before, after fuzztest.Counts) bool {
	t.Helper()
	if after["dossiers"] != before["dossiers"]+1 || after["dossier_events"] != before["dossier_events"]+1 {
		return false
	}
	var d models.Dossier
	if err := s.db.Order("id DESC").First(&d).Error; err != nil {
		t.Fatal(err)
	}
	return d.State == "submitted" && d.Version == 1
}

// FuzzWebForms: whatever values a form of any area is posted with (and
// whatever event a dossier's action names), the page answers without a
// 5xx; a refused form (4xx) writes nothing, rows or files (but for the
// desk's walk-in filing whose receipt is refused: filed, not received, as
// the page says); and every dossier's version stays its history count.
func FuzzWebForms(f *testing.F) {
	for _, s := range formSeeds {
		f.Add(uint8(s.route), s.event, s.form)
	}
	sites := newFuzzSites(f)
	f.Fuzz(func(t *testing.T, route uint8, event, form string) {
		r := formRoutes[int(route)%len(formRoutes)]
		values, _ := url.ParseQuery(form)
		for _, s := range sites {
			path := strings.NewReplacer("{code}", url.PathEscape(s.code), "{event}", url.PathEscape(event)).Replace(r.path)
			c := s.clients[r.user]
			if r.user == "" || r.method == "POST" {
				c.Get(t, "/login") // a page with a form: its CSRF token
			}
			before := fuzztest.Count(t, s.db.DB, s.site.DataDir)
			var res *webtest.Response
			if r.method == "GET" {
				res = c.Get(t, path+"?"+values.Encode())
			} else {
				res = c.Post(t, path, values)
			}
			if res.Status >= 500 {
				t.Fatalf("%s %s %s %q: %d\n%s", s.db.Name, r.method, path, form, res.Status, res.Body)
			}
			if res.Status >= 400 {
				after := fuzztest.Count(t, s.db.DB, s.site.DataDir)
				if !(r.path == "/desk/file" && filedNotReceived(t, s, before, after)) {
					fuzztest.Unchanged(t, s.db.Name+" "+r.method+" "+path+" "+form, before, after)
				}
			}
			fuzztest.VersionsMatchHistory(t, s.db.DB)
		}
	})
}
