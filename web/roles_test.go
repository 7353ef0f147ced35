package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/motcua/motcua/models/modelstest"
	"github.com/motcua/motcua/service"
	"github.com/motcua/motcua/web/webtest"
)

// TestRolePages: each role's pages offer only what the role may see and
// do; a direct address of another board's dossier is not found, and a
// form posted for an action the role may not take is refused and changes
// nothing.
func TestRolePages(t *testing.T) {
	t.Parallel()
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := webtest.New(t, db)
		hbi := s.File(t, "investor", "HBI", "construction-permit", "new", "Công ty HBI")
		bgg := s.File(t, "investor2", "BGG", "construction-permit", "new", "Công ty BGG")
		for _, c := range []roleCase{
			{"investor", []string{"/desk", "/desk/intake", "/decisions", "/desk/file", "/desk/search"},
				[]string{"/dossiers/" + bgg.Code}, []string{"/dossiers", "/dossiers/new", "/dossiers/" + hbi.Code},
				[]string{"/events/receive", "/events/request_completion", "Mã tra cứu</dt>"}},
			{"investor2", nil, []string{"/dossiers/" + hbi.Code}, []string{"/dossiers/" + bgg.Code}, []string{"Công ty HBI"}},
			{"hbi.officer", []string{"/decisions", "/dossiers/new"}, []string{"/dossiers/" + bgg.Code},
				[]string{"/desk", "/desk/intake", "/desk/file", "/desk/search", "/dossiers/" + hbi.Code}, []string{"Công ty BGG", "/events/approve"}},
			{"bgg.officer", nil, []string{"/dossiers/" + hbi.Code}, []string{"/desk/intake"}, []string{"Công ty HBI"}},
			{"hbi.leader", []string{"/desk", "/desk/file", "/dossiers/new"}, []string{"/dossiers/" + bgg.Code},
				[]string{"/decisions", "/desk/search", "/dossiers/" + hbi.Code}, []string{"/events/receive"}},
			{"hbi.manager", []string{"/desk", "/decisions", "/desk/file", "/dossiers/new"}, []string{"/dossiers/" + bgg.Code},
				[]string{"/desk/search", "/dossiers/" + hbi.Code}, []string{"/events/"}},
		} {
			t.Run(c.user, func(t *testing.T) { c.check(t, s) })
		}
		checkRefusedForms(t, s, hbi.Code)
	})
}

// roleCase is what one role's pages must and must not give.
type roleCase struct {
	user      string
	forbidden []string // pages the role may not open: 403
	notFound  []string // dossiers it may not see: 404, showing nothing of them
	open      []string // pages it may open: 200
	absent    []string // what its pages must not offer
}

// check signs the role in and goes through its pages.
func (c roleCase) check(t *testing.T, s *webtest.Site) {
	cl := s.Client(t)
	cl.Login(t, c.user)
	for _, p := range c.forbidden {
		if r := cl.Get(t, p); r.Status != http.StatusForbidden {
			t.Errorf("%s opens %s: %d", c.user, p, r.Status)
		}
	}
	for _, p := range c.notFound {
		if r := cl.Get(t, p); r.Status != http.StatusNotFound || strings.Contains(r.Body, "Công ty HBI") ||
			strings.Contains(r.Body, "Công ty BGG") {
			t.Errorf("%s opens %s: %d", c.user, p, r.Status)
		}
	}
	var seen strings.Builder
	for _, p := range c.open {
		r := cl.Get(t, p)
		if r.Status != http.StatusOK {
			t.Errorf("%s cannot open %s: %d", c.user, p, r.Status)
		}
		seen.WriteString(r.Body)
	}
	for _, a := range c.absent {
		if strings.Contains(seen.String(), a) {
			t.Errorf("%s's pages offer %q", c.user, a)
		}
	}
}

// checkRefusedForms: forms posted for actions the role may not take are
// refused, and the dossier is unchanged.
func checkRefusedForms(t *testing.T, s *webtest.Site, code string) {
	t.Helper()
	for _, c := range []struct{ user, event string }{
		{"investor", "receive"}, {"hbi.leader", "receive"}, {"bgg.officer", "receive"}, {"investor2", "withdraw"},
		{"hbi.manager", "request_completion"},
	} {
		cl := s.Client(t)
		cl.Login(t, c.user)
		cl.Get(t, "/")
		r := cl.Post(t, "/dossiers/"+code+"/events/"+c.event, url.Values{"version": {"1"}, "comment": {"x"}})
		if r.Status != http.StatusForbidden && r.Status != http.StatusNotFound && r.Status != http.StatusConflict {
			t.Errorf("%s fires %s: %d", c.user, c.event, r.Status)
		}
	}
	v, err := s.Svc.Dossier(context.Background(), s.Principal(t, "hbi.officer"), code)
	if err != nil || v.State != "submitted" || v.Version != 1 {
		t.Fatalf("after refused forms: %s v%d %v", v.State, v.Version, err)
	}
}

// TestScriptEscaped: a <script> in an applicant's name and in a comment
// shows as text on every page that shows them.
func TestScriptEscaped(t *testing.T) {
	t.Parallel()
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := webtest.New(t, db)
		const evil = `<script>alert("x")</script>`
		d := s.File(t, "investor", "HBI", "construction-permit", "new", "Công ty "+evil)
		_, _, err := s.Svc.Fire(context.Background(), s.Principal(t, "hbi.officer"), d.Code, service.EventRequest{
			Event: "reject_intake", Version: d.Version, Comment: "Lý do " + evil})
		if err != nil {
			t.Fatal(err)
		}
		pin := d.TrackingPIN
		pages := map[string][]string{
			"investor":    {"/dossiers", "/dossiers/" + d.Code},
			"hbi.officer": {"/desk/search", "/desk/search?q=Công", "/dossiers/" + d.Code},
			"hbi.manager": {"/desk/search"},
		}
		check := func(who, path, body string) {
			if strings.Contains(body, evil) || strings.Contains(body, "<script>alert") {
				t.Errorf("%s %s: the script is not escaped", who, path)
			}
			if !strings.Contains(body, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;") {
				t.Errorf("%s %s: the escaped name is not shown", who, path)
			}
		}
		for who, paths := range pages {
			cl := s.Client(t)
			cl.Login(t, who)
			for _, p := range paths {
				check(who, p, cl.Get(t, p).Body)
			}
		}
		anon := s.Client(t)
		check("visitor", "/track", anon.Get(t, "/track?code="+url.QueryEscape(d.Code)+"&pin="+pin).Body)
	})
}
