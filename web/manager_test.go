package web_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"gorm.io/gorm"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/models/modelstest"
	"github.com/motcua/motcua/reports"
	"github.com/motcua/motcua/service"
	"github.com/motcua/motcua/web/webtest"
)

// pdf is the smallest file the service takes as a PDF.
var pdf = []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

// desk drives dossiers through the service as the board's staff would,
// at the site's clock.
type desk struct {
	t       testing.TB
	s       *webtest.Site
	board   string
	officer *service.Principal
	leader  *service.Principal
	// version is each dossier's version as last seen.
	version map[string]int
	due     map[string]time.Time
}

// newDesk is the desk of board (HBI or BGG).
func newDesk(t testing.TB, s *webtest.Site, board string) *desk {
	b := strings.ToLower(board)
	return &desk{t: t, s: s, board: board, officer: s.Principal(t, b+".officer"), leader: s.Principal(t, b+".leader"),
		version: map[string]int{}, due: map[string]time.Time{}}
}

// file files a union recognition (the investor online, or the officer at
// the desk), attaches its documents and receives it; it returns its code.
func (d *desk) file(online bool, applicant string) string {
	t, ctx := d.t, context.Background()
	t.Helper()
	var v *service.DossierView
	if online {
		v = d.s.File(t, "investor", d.board, "union-registration", "standard", applicant)
	} else {
		var err error
		v, _, err = d.s.Svc.Submit(ctx, d.officer, service.SubmitRequest{Procedure: "union-registration",
			Variant: "standard", ApplicantName: applicant}, "")
		if err != nil {
			t.Fatalf("file at the desk: %v", err)
		}
	}
	d.version[v.Code] = v.Version
	proc, _ := d.s.Engine.Catalogue().Procedure("union-registration")
	ver, _ := proc.VersionAt(d.s.Clock.Now())
	for _, doc := range ver.RequiredDocuments("standard") {
		u, err := d.s.Svc.BeginUpload(ctx, d.officer, v.Code, "")
		if err != nil {
			t.Fatal(err)
		}
		if err := u.Receive(bytes.NewReader(pdf), doc+".pdf"); err != nil {
			t.Fatal(err)
		}
		if _, err := u.Commit(ctx, doc); err != nil {
			t.Fatal(err)
		}
		u.Close()
	}
	d.fire(v.Code, d.officer, service.EventRequest{Event: "receive"})
	return v.Code
}

// fire fires an event at code for who.
func (d *desk) fire(code string, who *service.Principal, req service.EventRequest) {
	d.t.Helper()
	req.Version = d.version[code]
	v, _, err := d.s.Svc.Fire(context.Background(), who, code, req)
	if err != nil {
		d.t.Fatalf("%s %s: %v", req.Event, code, err)
	}
	d.version[code] = v.Version
	if v.DueAt != nil {
		d.due[code] = *v.DueAt
	}
}

// propose assigns code to the board's officer and proposes the decision.
func (d *desk) propose(code string) {
	id := d.officer.UserID()
	d.fire(code, d.officer, service.EventRequest{Event: "assign", AssigneeID: &id})
	d.fire(code, d.officer, service.EventRequest{Event: "propose"})
}

// approve approves code with a paper result, at the clock's instant.
func (d *desk) approve(code string) {
	d.fire(code, d.leader, service.EventRequest{Event: "approve",
		Result: &service.ResultRequest{Medium: "paper", Reference: "123/QĐ-BQL"}})
}

// scenario is the dossiers of the manager's tests: on HBI, A resolved
// early, B on time, C late, D overdue and E due soon at the end; on BGG,
// X overdue. The clock ends the day after D's appointment, when the sweep
// has raised the alerts.
type scenario struct {
	s                *webtest.Site
	a, b, c, d, e, x string
	end              time.Time
}

// newScenario builds the scenario on a new site over db.
func newScenario(t testing.TB, db *gorm.DB) *scenario {
	return scenarioOn(t, webtest.New(t, db))
}

// scenarioOn builds the scenario on site s, whose clock it moves.
func scenarioOn(t testing.TB, s *webtest.Site) *scenario {
	hbi, bgg := newDesk(t, s, "HBI"), newDesk(t, s, "BGG")
	sc := &scenario{s: s}
	sc.a = hbi.file(true, "Công đoàn cơ sở Sớm Hạn")
	sc.b = hbi.file(false, "Công đoàn cơ sở Đúng Hạn")
	sc.c = hbi.file(true, "Công đoàn cơ sở Trễ Hạn")
	sc.d = hbi.file(true, "Công đoàn cơ sở Quá Hạn")
	sc.x = bgg.file(true, "Công đoàn cơ sở Bắc Giang")
	for _, code := range []string{sc.a, sc.b, sc.c} {
		hbi.propose(code)
	}
	other := sc.s.Users["hbi.officer2"].ID // another department
	hbi.fire(sc.d, hbi.officer, service.EventRequest{Event: "assign", AssigneeID: &other})
	hbi.approve(sc.a) // the day it was received: early
	s.Clock.Advance(48 * time.Hour)
	sc.e = hbi.file(false, "Công đoàn cơ sở Sắp Hạn")
	due := hbi.due[sc.b]
	s.Clock.Set(time.Date(due.Year(), due.Month(), due.Day(), 8, 0, 0, 0, deadlines.Location))
	hbi.approve(sc.b) // on the appointment date: on time
	s.Clock.Advance(24 * time.Hour)
	hbi.approve(sc.c) // the day after: late
	sc.end = s.Clock.Now()
	if !hbi.due[sc.d].Before(sc.end) || !hbi.due[sc.e].After(sc.end) {
		t.Fatalf("the scenario's dates: D due %s, E due %s, now %s", hbi.due[sc.d], hbi.due[sc.e], sc.end)
	}
	sweeper := &deadlines.Sweeper{DB: s.DB, Cal: s.Engine.Calendar()}
	if _, err := sweeper.Run(context.Background(), sc.end); err != nil {
		t.Fatal(err)
	}
	return sc
}

// manager is a client signed in as username.
func (sc *scenario) client(t testing.TB, username string) *webtest.Client {
	c := sc.s.Client(t)
	c.Login(t, username)
	return c
}

// TestDashboard: the manager sees the board's overdue alert with its
// kind in words and a link to the dossier, acknowledges it through the
// page (a second acknowledgement keeps the first), and sees today's
// counts and the charts' tables match the dossiers made; the charts are
// SVG images of their own; another board's manager sees none of it.
func TestDashboard(t *testing.T) {
	t.Parallel()
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		sc := newScenario(t, db)
		c := sc.client(t, "hbi.manager")
		r := c.Get(t, "/dashboard")
		if r.Status != http.StatusOK {
			t.Fatalf("dashboard: %d\n%s", r.Status, r.Body)
		}
		if m := regexp.MustCompile(`\[[a-z]+\.[a-z_.]+\]`).FindString(r.Body); m != "" {
			t.Errorf("a message is missing: %s", m)
		}
		alerts := section(r.Body, `id="alerts"`)
		if !strings.Contains(alerts, `href="/dossiers/`+sc.d+`"`) || !strings.Contains(alerts, "Quá hạn hẹn trả") {
			t.Fatalf("the overdue alert of %s is not listed:\n%s", sc.d, alerts)
		}
		for _, other := range []string{sc.x, sc.e, sc.a} {
			if strings.Contains(alerts, other) {
				t.Errorf("the manager's alerts show %s", other)
			}
		}
		checkToday(t, r.Body, 2, 1, 1)
		checkRates(t, r.Body, sc)
		acknowledge(t, sc, c, alerts)
		checkCharts(t, c)
		checkOtherBoard(t, sc)
		checkEscaped(t, sc, c)
	})
}

// checkEscaped: a department named with markup shows as text on the page
// and in the chart's SVG.
func checkEscaped(t *testing.T, sc *scenario, c *webtest.Client) {
	t.Helper()
	const evil = `<script>alert(1)</script>`
	if err := sc.s.DB.Model(sc.s.Users["hbi.officer2"]).Update("department", evil).Error; err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/dashboard", "/dashboard/charts/overdue-department.svg",
		"/dashboard/charts/overdue-department.svg?size=small"} {
		r := c.Get(t, path)
		if strings.Contains(r.Body, evil) || !strings.Contains(r.Body, "&lt;script&gt;") {
			t.Errorf("%s: the department's name is not escaped", path)
		}
	}
}

// section is the HTML of the element opened by the tag holding attr, up
// to the next <section or the end.
func section(body, attr string) string {
	i := strings.Index(body, attr)
	if i < 0 {
		return ""
	}
	rest := body[i:]
	if j := strings.Index(rest[1:], "<section"); j >= 0 {
		return rest[:j+1]
	}
	return rest
}

// figure is the number of the tally item whose words hold what.
var figure = regexp.MustCompile(`<span class="figure">([0-9.]+)</span> <span class="what">(.*?)</span></li>`)

// checkToday checks today's counts: in progress, due soon, overdue.
func checkToday(t *testing.T, body string, open, soon, overdue int) {
	t.Helper()
	got := map[string]string{}
	for _, m := range figure.FindAllStringSubmatch(body, -1) {
		switch {
		case strings.Contains(m[2], "đang giải quyết"):
			got["open"] = m[1]
		case strings.Contains(m[2], "Sắp đến hạn"):
			got["soon"] = m[1]
		case strings.Contains(m[2], "Quá hạn"):
			got["overdue"] = m[1]
		}
	}
	want := map[string]string{"open": strconv.Itoa(open), "soon": strconv.Itoa(soon), "overdue": strconv.Itoa(overdue)}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("today's counts %v, want %v", got, want)
	}
}

// tableRows are the rows of the chart table named chart: each row's cells' text.
func tableRows(t *testing.T, body, chart string) [][]string {
	t.Helper()
	i := strings.Index(body, `data-chart="`+chart+`"`)
	if i < 0 {
		t.Fatalf("no table for chart %s", chart)
	}
	tbl := body[i:]
	tbl = tbl[:strings.Index(tbl, "</table>")]
	_, tbody, _ := strings.Cut(tbl, "<tbody>")
	var out [][]string
	for _, tr := range strings.Split(tbody, "<tr>")[1:] {
		var cells []string
		for _, m := range cellRe.FindAllStringSubmatch(tr, -1) {
			cells = append(cells, m[1])
		}
		out = append(out, cells)
	}
	return out
}

// cellRe finds a table cell's text.
var cellRe = regexp.MustCompile(`<t[hd][^>]*>([^<]*)</t[hd]>`)

// checkRates: by procedure, union recognition resolved 1 early, 1 on time
// and 1 late over the months (66,7 %); by month, November has the early
// one (100 %); December, when B's appointment falls (received on
// 16/11, 10 working days), the on-time and late ones (50 %); the months
// before nothing.
func checkRates(t *testing.T, body string, sc *scenario) {
	t.Helper()
	byProc := tableRows(t, body, "ontime-procedure")
	if len(byProc) != 1 || strings.Join(byProc[0], "|") != "Công nhận công đoàn cơ sở|1|1|1|3|66,7%" {
		t.Fatalf("on-time rate by procedure: %q", byProc)
	}
	byMonth := tableRows(t, body, "ontime-month")
	if len(byMonth) != 12 {
		t.Fatalf("%d months, want 12: %q", len(byMonth), byMonth)
	}
	nov, dec := strings.Join(byMonth[10], "|"), strings.Join(byMonth[11], "|")
	if nov != "11/2026|1|0|0|1|100%" || dec != "12/2026|0|1|1|2|50%" || strings.Join(byMonth[0], "|") != "01/2026|0|0|0|0|—" {
		t.Fatalf("on-time rate by month: %q", byMonth)
	}
	byDept := tableRows(t, body, "overdue-department")
	// D is assigned to the second officer, of another department; E to
	// nobody; the resolved ones are not listed.
	if got := fmt.Sprint(byDept); got != "[[(chưa phân công) 1 1 0] [Phòng Quản lý Quy hoạch và Xây dựng 1 0 1]]" {
		t.Fatalf("overdue by department: %s", got)
	}
	if got := fmt.Sprint(tableRows(t, body, "overdue-officer")); got != "[[(chưa phân công) — 1 1 0] [Lê Văn Nam Phòng Quản lý Quy hoạch và Xây dựng 1 0 1]]" {
		t.Fatalf("overdue by officer: %s", got)
	}
}

// acknowledge acknowledges the overdue alert through its form, then again.
func acknowledge(t *testing.T, sc *scenario, c *webtest.Client, alerts string) {
	t.Helper()
	m := regexp.MustCompile(`action="/alerts/(\d+)/ack"`).FindStringSubmatch(alerts)
	if m == nil {
		t.Fatal("no acknowledge form")
	}
	r := c.Post(t, "/alerts/"+m[1]+"/ack", nil)
	if r.Status != http.StatusOK || r.URL != "/dashboard?acked="+m[1] || !strings.Contains(r.Body, "Đã ghi nhận cảnh báo số "+m[1]) {
		t.Fatalf("acknowledge: %d at %s", r.Status, r.URL)
	}
	if pending := section(r.Body, `id="alerts"`); strings.Contains(pending, `action="/alerts/`+m[1]+`/ack"`) ||
		!strings.Contains(pending, "Không có cảnh báo nào chưa ghi nhận") || !strings.Contains(pending, "1 cảnh báo đã ghi nhận gần đây") {
		t.Fatalf("the acknowledged alert is still pending:\n%s", pending)
	}
	id, _ := strconv.ParseUint(m[1], 10, 64)
	first := ackedAt(t, sc, id)
	sc.s.Clock.Advance(time.Hour)
	if r := c.Post(t, "/alerts/"+m[1]+"/ack", nil); r.Status != http.StatusOK {
		t.Fatalf("a second acknowledgement: %d", r.Status)
	}
	if again := ackedAt(t, sc, id); !again.Equal(first) {
		t.Fatalf("a second acknowledgement moved it from %s to %s", first, again)
	}
	other := sc.client(t, "bgg.manager")
	other.Get(t, "/dashboard")
	if r := other.Post(t, "/alerts/"+m[1]+"/ack", nil); r.Status != http.StatusNotFound {
		t.Fatalf("another board's manager acknowledges: %d", r.Status)
	}
}

// ackedAt is when alert id was acknowledged, read through the service.
func ackedAt(t *testing.T, sc *scenario, id uint64) time.Time {
	t.Helper()
	page, err := sc.s.Svc.Alerts(context.Background(), sc.s.Principal(t, "hbi.manager"), service.AlertQuery{RecipientRole: "manager"})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range page.Items {
		if a.ID == id {
			if a.AcknowledgedAt == nil {
				t.Fatalf("alert %d is not acknowledged", id)
			}
			return *a.AcknowledgedAt
		}
	}
	t.Fatalf("no alert %d", id)
	return time.Time{}
}

// checkCharts: every chart the page shows is an SVG image of its own,
// uncached, with its alt text; an unknown chart is not found.
func checkCharts(t *testing.T, c *webtest.Client) {
	t.Helper()
	page := c.Get(t, "/dashboard")
	imgs := regexp.MustCompile(`<img src="(/dashboard/charts/[a-z-]+\.svg)" alt="([^"]+)"`).FindAllStringSubmatch(page.Body, -1)
	if len(imgs) != 4 {
		t.Fatalf("%d chart images, want 4", len(imgs))
	}
	for _, m := range imgs {
		r := c.Get(t, m[1])
		if r.Status != http.StatusOK || r.Header.Get("Content-Type") != "image/svg+xml" || r.Header.Get("Cache-Control") != "no-store" ||
			!strings.HasPrefix(r.Body, "<svg") || !strings.Contains(m[2], "bảng ngay dưới") {
			t.Fatalf("chart %s: %d %s %q", m[1], r.Status, r.Header.Get("Content-Type"), m[2])
		}
		if small := c.Get(t, m[1]+"?size=small"); !strings.Contains(small.Body, `viewBox="0 0 340 `) {
			t.Fatalf("the phone's chart %s: %.200s", m[1], small.Body)
		}
	}
	if r := c.Get(t, "/dashboard/charts/nothing.svg"); r.Status != http.StatusNotFound {
		t.Fatalf("an unknown chart: %d", r.Status)
	}
}

// checkOtherBoard: BGG's manager sees BGG's overdue dossier and alert,
// and nothing of HBI.
func checkOtherBoard(t *testing.T, sc *scenario) {
	t.Helper()
	c := sc.client(t, "bgg.manager")
	r := c.Get(t, "/dashboard")
	for _, code := range []string{sc.a, sc.b, sc.c, sc.d, sc.e} {
		if strings.Contains(r.Body, code) {
			t.Fatalf("BGG's dashboard shows HBI's %s", code)
		}
	}
	if !strings.Contains(section(r.Body, `id="alerts"`), sc.x) {
		t.Fatalf("BGG's alert about %s is missing", sc.x)
	}
	checkToday(t, r.Body, 1, 0, 1)
	if rows := tableRows(t, c.Get(t, "/dashboard").Body, "overdue-officer"); len(rows) != 1 {
		t.Fatalf("BGG's overdue by officer: %q", rows)
	}
	rep := c.Get(t, "/reports?kind=quarter&year=2026&quarter=4")
	if got := b06Total(t, rep.Body); got[0] != "1" || got[4] != "0" {
		t.Fatalf("BGG's Biểu 06 total %v: HBI's dossiers counted?", got)
	}
}

// TestDashboardRoles: officers and investors may not open the manager's
// pages; a visitor is sent to sign in; a leader may open the dashboard.
func TestDashboardRoles(t *testing.T) {
	t.Parallel()
	s := webtest.New(t, modelstest.SQLite(t))
	for _, who := range []string{"hbi.officer", "investor"} {
		c := s.Client(t)
		c.Login(t, who)
		for _, path := range []string{"/dashboard", "/reports", "/reports/reform.xlsx?kind=year&year=2026",
			"/dashboard/charts/ontime-month.svg"} {
			if r := c.Get(t, path); r.Status != http.StatusForbidden {
				t.Errorf("%s opens %s: %d", who, path, r.Status)
			}
		}
	}
	if r := s.Client(t).Get(t, "/dashboard"); !strings.HasPrefix(r.URL, "/login?next=%2Fdashboard") {
		t.Errorf("a visitor at %s", r.URL)
	}
	c := s.Client(t)
	c.Login(t, "hbi.leader")
	if r := c.Get(t, "/dashboard"); r.Status != http.StatusOK || !strings.Contains(r.Body, "Không có cảnh báo nào chưa ghi nhận") {
		t.Errorf("a leader's dashboard: %d", r.Status)
	}
}

// b06Total is the total line's thirteen counts on the report page.
func b06Total(t *testing.T, body string) []string {
	t.Helper()
	i := strings.Index(body, `<tr class="line-total">`)
	if i < 0 {
		t.Fatalf("no total line:\n%s", body)
	}
	line := body[i : i+strings.Index(body[i:], "</tr>")]
	var out []string
	for _, m := range regexp.MustCompile(`<td class="num"[^>]*>([^<]*)</td>`).FindAllStringSubmatch(line, -1) {
		out = append(out, m[1])
	}
	if len(out) != 13 {
		t.Fatalf("the total line has %d counts: %s", len(out), line)
	}
	return out
}

// TestReportPage: Biểu 06 on the page shows the figures the JSON report
// gives for the period, with its sentence and the indicators; the XLSX
// and CSV downloads hold the same totals; a bad period is refused on the
// field at fault.
func TestReportPage(t *testing.T) {
	t.Parallel()
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		sc := newScenario(t, db)
		c := sc.client(t, "hbi.manager")
		query := "?kind=quarter&year=2026&quarter=4"
		r := c.Get(t, "/reports"+query)
		if r.Status != http.StatusOK {
			t.Fatalf("report: %d\n%s", r.Status, r.Body)
		}
		want := jsonTotal(t, sc)
		got := b06Total(t, r.Body)
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Fatalf("Biểu 06 total on the page %v, in JSON %v", got, want)
		}
		// 5 received (2 at the desk), 3 resolved: 1 early, 1 on time, 1
		// late; 2 in progress, 1 overdue.
		if strings.Join(got, " ") != "5 3 2 0 3 1 1 1 2 1 1 0 0" {
			t.Fatalf("Biểu 06 total %v", got)
		}
		for _, s := range []string{"Quý IV năm 2026", "Trong quý IV năm 2026, Ban Quản lý các khu công nghiệp tỉnh Hòa Bình tiếp nhận 5 hồ sơ",
			"Tỷ lệ đúng hạn (2.1)", "Thống kê đầu tư", "Không cấp mới, điều chỉnh hay chấm dứt hoạt động dự án nào",
			`href="/reports/reform.xlsx?kind=quarter&amp;quarter=4&amp;year=2026"`, "số liệu tính đến hết ngày " + sc.end.Format("02/01/2006")} {
			if !strings.Contains(r.Body, s) {
				t.Errorf("the report page lacks %q", s)
			}
		}
		if strings.Contains(r.Body, "[manager.") {
			t.Errorf("a message is missing: %s", regexp.MustCompile(`\[manager\.[^\]]+\]`).FindString(r.Body))
		}
		checkXLSX(t, c, query, want)
		checkCSV(t, c, query, want)
		checkBadPeriods(t, c)
	})
}

// jsonTotal is the total line of Biểu 06 for 2026-Q4 as the service gives
// it in JSON (the API's document), in the order of the form.
func jsonTotal(t *testing.T, sc *scenario) []string {
	t.Helper()
	e, f, err := sc.s.Svc.ReformReport(context.Background(), sc.s.Principal(t, "hbi.manager"),
		service.ReportRequest{Period: "2026-Q4", Format: "json"})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := e.Write(&buf, f); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	total := findTotal(doc)
	if total == nil {
		t.Fatalf("no total in the JSON: %s", buf.String())
	}
	var out []string
	for _, c := range reports.Counts {
		out = append(out, fmt.Sprint(total[c.Key]))
	}
	return out
}

// findTotal finds the "total" object of the JSON report.
func findTotal(v any) map[string]any {
	switch x := v.(type) {
	case map[string]any:
		if t, ok := x["total"].(map[string]any); ok {
			if _, ok := t["received_total"]; ok {
				return t
			}
		}
		for _, c := range x {
			if t := findTotal(c); t != nil {
				return t
			}
		}
	case []any:
		for _, c := range x {
			if t := findTotal(c); t != nil {
				return t
			}
		}
	}
	return nil
}

// checkXLSX: the XLSX download opens with excelize; its "Tổng cộng" line
// holds the same thirteen counts.
func checkXLSX(t *testing.T, c *webtest.Client, query string, want []string) {
	t.Helper()
	r := c.Get(t, "/reports/reform.xlsx"+query)
	if r.Status != http.StatusOK || r.Header.Get("Content-Disposition") != `attachment; filename="bieu06-HBI-2026-Q4.xlsx"` {
		t.Fatalf("xlsx: %d %v", r.Status, r.Header)
	}
	f, err := excelize.OpenReader(strings.NewReader(r.Body))
	if err != nil {
		t.Fatalf("the XLSX does not open: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows(reports.XLSXSheet)
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range rows {
		if len(row) > 2 && row[1] == "Tổng cộng" {
			if got := strings.Join(row[2:], " "); got != strings.Join(want, " ") {
				t.Fatalf("XLSX total %s, want %v", got, want)
			}
			return
		}
	}
	t.Fatalf("no total line in the XLSX: %q", rows)
}

// checkCSV: the CSV download's total line holds the same counts.
func checkCSV(t *testing.T, c *webtest.Client, query string, want []string) {
	t.Helper()
	r := c.Get(t, "/reports/reform.csv"+query)
	if r.Status != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") ||
		r.Header.Get("Content-Disposition") != `attachment; filename="bieu06-HBI-2026-Q4.csv"` {
		t.Fatalf("csv: %d %v", r.Status, r.Header)
	}
	records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.Body, "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	last := records[len(records)-1]
	if last[2] != "Tổng cộng" || strings.Join(last[3:], " ") != strings.Join(want, " ") {
		t.Fatalf("CSV total %q, want %v", last, want)
	}
}

// checkBadPeriods: a period the form cannot make is refused with 400 and
// the message on the field at fault.
func checkBadPeriods(t *testing.T, c *webtest.Client) {
	t.Helper()
	for _, bad := range []struct{ query, field string }{
		{"kind=custom&from=2026-12-31&to=2026-01-01", "to"},
		{"kind=custom&from=2026-02-30&to=2026-03-01", "from"},
		{"kind=quarter&year=2026&quarter=5", "quarter"},
		{"kind=half&year=2026&half=3", "half"},
		{"kind=year&year=20x6", "year"},
		{"kind=year&year=1800", "year"},
		{"kind=decade&year=2026", "kind"},
	} {
		for _, path := range []string{"/reports?", "/reports/reform.xlsx?"} {
			r := c.Get(t, path+bad.query)
			if r.Status != http.StatusBadRequest || !strings.Contains(r.Body, `id="f-`+bad.field+`-error"`) ||
				!strings.Contains(r.Body, `aria-invalid="true"`) {
				t.Errorf("%s%s: %d, the message not on field %s", path, bad.query, r.Status, bad.field)
			}
		}
	}
}

// TestReportPageEnglish: the report and the dashboard in English, with
// no message missing.
func TestReportPageEnglish(t *testing.T) {
	t.Parallel()
	s := webtest.New(t, modelstest.SQLite(t))
	c := s.Client(t)
	c.Get(t, "/lang/en")
	c.Login(t, "hbi.manager")
	for _, path := range []string{"/reports", "/reports?kind=custom&from=2026-01-01&to=2026-06-30", "/dashboard"} {
		r := c.Get(t, path)
		if r.Status != http.StatusOK || !strings.Contains(r.Body, `<html lang="en">`) || strings.Contains(r.Body, "[manager.") {
			t.Fatalf("%s: %d, missing %s", path, r.Status, regexp.MustCompile(`\[manager\.[^\]]+\]`).FindString(r.Body))
		}
	}
	if r := c.Get(t, "/reports"); !strings.Contains(r.Body, "Q4 2026") || !strings.Contains(r.Body, "Handling of administrative procedures") {
		t.Fatalf("the default period is the current quarter, in English")
	}
}

// TestOnTimeRates: the service's outcomes per month and procedure are the
// resolved columns of Biểu 06 for the same months, for the principal's
// board only; a range ending before it starts, or too long, is refused.
func TestOnTimeRates(t *testing.T) {
	t.Parallel()
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		sc := newScenario(t, db)
		ctx, p := context.Background(), sc.s.Principal(t, "hbi.manager")
		r, err := sc.s.Svc.OnTimeRates(ctx, p, time.Date(2026, 11, 20, 0, 0, 0, 0, deadlines.Location), sc.end)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.ByMonth) != 2 || len(r.ByProcedure) != 1 {
			t.Fatalf("rates %+v", r)
		}
		for _, m := range r.ByMonth {
			e, _, err := sc.s.Svc.ReformReport(ctx, p, service.ReportRequest{Period: m.Month.Format("2006-01")})
			if err != nil {
				t.Fatal(err)
			}
			tot := e.Report.Total
			if m.Early != tot.ResolvedEarly || m.OnTime != tot.ResolvedOnTime || m.Late != tot.ResolvedLate {
				t.Fatalf("%s: %+v, Biểu 06 %d/%d/%d", m.Month.Format("01/2006"), m.OutcomeCounts, tot.ResolvedEarly,
					tot.ResolvedOnTime, tot.ResolvedLate)
			}
		}
		if u := r.ByProcedure[0]; u.Procedure != "union-registration" || u.Early != 1 || u.OnTime != 1 || u.Late != 1 {
			t.Fatalf("by procedure %+v", u)
		}
		if rate, ok := r.ByProcedure[0].Rate(); !ok || rate < 0.666 || rate > 0.667 {
			t.Fatalf("rate %v", rate)
		}
		bgg, err := sc.s.Svc.OnTimeRates(ctx, sc.s.Principal(t, "bgg.manager"), sc.end, sc.end)
		if err != nil || len(bgg.ByProcedure) != 0 || bgg.ByMonth[0].Resolved() != 0 {
			t.Fatalf("BGG's rates %+v %v", bgg, err)
		}
		for _, bad := range [][2]time.Time{{sc.end, sc.end.AddDate(0, -1, 0)}, {sc.end.AddDate(-3, 0, 0), sc.end}} {
			if _, err := sc.s.Svc.OnTimeRates(ctx, p, bad[0], bad[1]); err == nil {
				t.Errorf("%v accepted", bad)
			}
		}
		if _, err := sc.s.Svc.OnTimeRates(ctx, sc.s.Principal(t, "hbi.officer"), sc.end, sc.end); err == nil {
			t.Error("an officer reads the rates")
		}
	})
}

// BenchmarkDashboardPage renders /dashboard (the page alone: its alerts,
// today's counts, the twelve months of resolved counters behind the on-time charts,
// and the tables) for a manager of a board with MOTCUA_BENCH_DOSSIERS
// dossiers (300 by default) spread over the last year, on each database:
// some resolved early, some late, some open and overdue with their alerts.
func BenchmarkDashboardPage(b *testing.B) {
	n := 300
	if v, err := strconv.Atoi(os.Getenv("MOTCUA_BENCH_DOSSIERS")); err == nil && v > 0 {
		n = v
	}
	for name, open := range map[string]func(testing.TB) *gorm.DB{"sqlite": modelstest.SQLite, "postgres": modelstest.Postgres} {
		b.Run(name, func(b *testing.B) {
			s := webtest.New(b, open(b))
			end := benchDossiers(b, s, n)
			c := s.Client(b)
			c.Login(b, "hbi.manager")
			s.Clock.Set(end)
			b.ResetTimer()
			for b.Loop() {
				if r := c.Get(b, "/dashboard"); r.Status != http.StatusOK {
					b.Fatalf("dashboard: %d", r.Status)
				}
			}
		})
	}
}

// benchDossiers files n union recognitions with HBI, one a day or so over
// the year before webtest.Start: two in three are resolved (early, or
// late when resolved a month on), the others left open; the sweep then
// raises the alerts. It returns the instant the clock ends at.
func benchDossiers(b *testing.B, s *webtest.Site, n int) time.Time {
	hbi := newDesk(b, s, "HBI")
	start := webtest.Start.AddDate(-1, 0, 0)
	step := 365 * 24 * time.Hour / time.Duration(n)
	var late []string
	for i := range n {
		s.Clock.Set(start.Add(time.Duration(i) * step))
		code := hbi.file(i%2 == 0, fmt.Sprintf("Công đoàn cơ sở số %d", i))
		switch i % 3 {
		case 0:
			hbi.propose(code)
			hbi.approve(code)
		case 1:
			hbi.propose(code)
			late = append(late, code)
		}
		for len(late) > 0 && hbi.due[late[0]].Before(s.Clock.Now().AddDate(0, 0, -7)) {
			hbi.approve(late[0])
			late = late[1:]
		}
	}
	end := webtest.Start
	s.Clock.Set(end)
	if _, err := (&deadlines.Sweeper{DB: s.DB, Cal: s.Engine.Calendar()}).Run(context.Background(), end); err != nil {
		b.Fatal(err)
	}
	return end
}

// TestDashboardEmptyCharts: a chart with no bar to draw (nothing resolved
// in twelve months; dossiers in progress, none overdue) shows words in the
// page's language instead of an empty image, keeps its table where it has
// rows, and has no image to fetch.
func TestDashboardEmptyCharts(t *testing.T) {
	t.Parallel()
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := webtest.New(t, db)
		inv, off := s.Client(t), s.Client(t)
		inv.Login(t, "investor")
		off.Login(t, "hbi.officer")
		code := fileOnline(t, s, inv, "Công ty TNHH Biểu Đồ Trống")
		act(t, off, code, "request_completion", url.Values{"missing[0].document": {"land_rights"},
			"missing[0].reason": {"Thiếu bản sao"}}, nil)
		act(t, inv, code, "complete", nil,
			map[string][]webtest.File{"documents.land_rights": {webtest.PDF("qsdd.pdf", "quyền sử dụng đất")}})
		act(t, off, code, "receive", nil, nil)
		c := s.Client(t)
		c.Login(t, "hbi.manager")
		for _, lang := range []struct{ code, noData, noneOverdue string }{
			{"vi", "Chưa có số liệu.", "Không có hồ sơ nào quá hạn."}, {"en", "No data yet.", "No dossier is overdue."}} {
			c.SetCookie("motcua_lang", lang.code)
			body := c.Get(t, "/dashboard").Body
			if strings.Contains(body, "<img src=\"/dashboard/charts/") {
				t.Errorf("%s: the dashboard draws a chart with no bar", lang.code)
			}
			for chart, want := range map[string]string{"ontime-procedure": lang.noData, "ontime-month": lang.noData,
				"overdue-department": lang.noneOverdue, "overdue-officer": lang.noneOverdue} {
				fig := section(body, `id="chart-`+chart+`"`)
				fig = fig[:strings.Index(fig, "</figure>")]
				if !strings.Contains(fig, `<p class="chart-empty">`+want+`</p>`) {
					t.Errorf("%s: chart %s does not say %q:\n%s", lang.code, chart, want, fig)
				}
			}
			if rows := tableRows(t, body, "overdue-officer"); len(rows) != 1 || rows[0][len(rows[0])-1] != "0" {
				t.Errorf("%s: the table of the officer's open dossiers: %q", lang.code, rows)
			}
		}
		for _, chart := range []string{"ontime-month", "overdue-department"} {
			if r := c.Get(t, "/dashboard/charts/"+chart+".svg"); r.Status != http.StatusNotFound {
				t.Errorf("chart %s with no bar: %d", chart, r.Status)
			}
		}
	})
}
