package web_test

import (
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/motcua/motcua/models/modelstest"
	"github.com/motcua/motcua/service"
	"github.com/motcua/motcua/web/webtest"
)

// inboxSite is a site whose officer hbi.officer has n received dossiers
// assigned to them, filed at the desk with their papers.
func inboxSite(tb testing.TB, n int) (*webtest.Site, *webtest.Client) {
	tb.Helper()
	s := webtest.New(tb, modelstest.SQLite(tb))
	ctx, off := context.Background(), s.Principal(tb, "hbi.officer")
	p, _ := s.Engine.Catalogue().Procedure("construction-permit")
	v, _ := p.VersionAt(s.Clock.Now())
	var papers []service.FileInput
	for _, code := range v.RequiredDocuments("new") {
		papers = append(papers, service.FileInput{DocumentCode: code})
	}
	assignee := s.Users["hbi.officer"].ID
	for i := 0; i < n; i++ {
		d, _, err := s.Svc.SubmitWithFiles(ctx, off, service.SubmitRequest{Procedure: "construction-permit", Variant: "new",
			ApplicantName: fmt.Sprintf("Công ty TNHH Sản xuất và Thương mại số %03d", i), ApplicantTaxCode: "0101234567",
			Title: "Nhà xưởng sản xuất linh kiện điện tử"}, "", papers)
		if err == nil {
			d, _, err = s.Svc.Fire(ctx, off, d.Code, service.EventRequest{Event: "receive", Version: d.Version})
		}
		if err == nil {
			_, _, err = s.Svc.Fire(ctx, off, d.Code, service.EventRequest{Event: "assign", Version: d.Version, AssigneeID: &assignee})
		}
		if err != nil {
			tb.Fatal(err)
		}
	}
	c := s.Client(tb)
	c.Login(tb, "hbi.officer")
	return s, c
}

// gzipGet reads path as a browser does (gzip accepted) and returns the
// bytes on the wire and the page.
func gzipGet(tb testing.TB, s *webtest.Site, cookie, path string) (int, string) {
	tb.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.URL+path, nil)
	req.Header.Set("Accept-Encoding", "gzip")
	req.Header.Set("Cookie", cookie)
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	body := string(raw)
	if res.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(strings.NewReader(body))
		if err != nil {
			tb.Fatal(err)
		}
		plain, _ := io.ReadAll(zr)
		body = string(plain)
	}
	if res.StatusCode != http.StatusOK {
		tb.Fatalf("%s: %d", path, res.StatusCode)
	}
	return len(raw), body
}

var assetRef = regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`)

// TestInboxTransfer: the officer's inbox with 200 dossiers, its
// stylesheet and its script cross the wire in under 100 KB.
func TestInboxTransfer(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds 200 dossiers")
	}
	s, c := inboxSite(t, 200)
	cookie := "motcua_session=" + c.Cookie("motcua_session")
	n, page := gzipGet(t, s, cookie, "/desk")
	if rows := strings.Count(page, `<a href="/dossiers/`); rows != 200 {
		t.Fatalf("the inbox shows %d dossiers, want 200", rows)
	}
	total := n
	for _, m := range assetRef.FindAllStringSubmatch(page, -1) {
		an, _ := gzipGet(t, s, "", m[1])
		total += an
	}
	t.Logf("inbox of 200: page %d B, with CSS and JS %d B on the wire", n, total)
	if total >= 100*1024 {
		t.Fatalf("the inbox transfers %d bytes with its CSS and JS, over 100 KB", total)
	}
}

// BenchmarkInboxPage renders the officer's inbox of 200 dossiers on the
// server (docs/PERFORMANCE.md: under 50 ms).
func BenchmarkInboxPage(b *testing.B) {
	s, c := inboxSite(b, 200)
	cookie := "motcua_session=" + c.Cookie("motcua_session")
	b.ResetTimer()
	for b.Loop() {
		gzipGet(b, s, cookie, "/desk")
	}
}
