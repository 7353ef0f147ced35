package web_test

import (
	"bytes"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/motcua/motcua/models/modelstest"
	"github.com/motcua/motcua/reports"
	"github.com/motcua/motcua/web/browsertest"
	"github.com/motcua/motcua/web/webtest"
)

// pdfFile writes a small PDF into dir and returns its path.
func pdfFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, webtest.PDF(name, text).Body, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// act opens an action's form on a dossier page (its summary), lets fill
// complete it, and sends it with its button; the page must say it was done.
func browserAct(t *testing.T, tab *browsertest.Tab, code, action string, fill func()) {
	t.Helper()
	if tab.Path() != "/dossiers/"+code {
		tab.Go("/dossiers/" + code)
	}
	var open bool // the investor's answer is open already: pressing its summary would close it
	tab.Eval(`Array.from(document.querySelectorAll("details > summary")).some(s => s.innerText.trim() === `+
		"`"+action+"`"+` && s.parentElement.open)`, &open)
	if !open {
		tab.Press(action)
	}
	if fill != nil {
		fill()
	}
	if st := tab.Click(action); st != http.StatusOK || !strings.Contains(tab.Path(), "?done=") {
		t.Fatalf("%s on %s: %d at %s\n%s", action, code, st, tab.Path(), tab.Text("main"))
	}
}

// setDate sets the date field a label names (a date input takes its
// value in the browser's locale when typed; set it as the form sends it).
func setDate(t *testing.T, tab *browsertest.Tab, label, iso string) {
	t.Helper()
	var ok bool
	tab.Eval(`(function () {
		for (const l of document.querySelectorAll("label")) {
			if (l.innerText.trim().startsWith(`+"`"+label+"`"+`) && l.getClientRects().length > 0 && l.control) {
				l.control.value = "`+iso+`"; return true;
			}
		}
		return false;
	})()`, &ok)
	if !ok {
		t.Fatalf("no date field labelled %q", label)
	}
}

// TestBrowserFullScenario is a construction permit from sign-up to the
// result, in Chromium, as the people at the desk would do it: the
// investor signs up, verifies the email and files with PDFs; the officer
// asks for completion at intake; the investor completes it; the officer
// receives it and prints form 01, whose QR code opens the tracking page
// without a session; the officer asks for a supplement and the investor
// answers it; the officer proposes an extension, the leader approves it
// and the apology letter prints; the officer proposes the decision, the
// leader approves it with the result file, the officer returns it, and
// the investor downloads it.
func TestBrowserFullScenario(t *testing.T) {
	t.Parallel()
	b := browsertest.Start(t)
	s := webtest.New(t, modelstest.SQLite(t))
	dir := t.TempDir()
	inv, off, lead := b.Tab(t, s.URL), b.Tab(t, s.URL), b.Tab(t, s.URL)

	// 1. sign up, verify, file with PDFs attached
	const email = "phap.che@thepxanh.example.vn"
	inv.Go("/signup")
	inv.FillLabel("Họ tên hoặc tên doanh nghiệp", "Công ty TNHH Thép Xanh Hòa Bình")
	inv.FillLabel("Email", email)
	inv.FillLabel("Mật khẩu", webtest.Password)
	inv.FillLabel("Nhập lại mật khẩu", webtest.Password)
	inv.Click("Đăng ký")
	inv.Go(s.EmailLink(t, email))
	inv.Click("Xác minh email")
	browserSignIn(t, inv, email)
	inv.Go("/dossiers/new")
	inv.Check("Ban Quản lý các khu công nghiệp tỉnh Hòa Bình")
	inv.Click("Tiếp tục")
	inv.Check("Cấp giấy phép xây dựng")
	inv.Click("Tiếp tục")
	inv.Check("Cấp mới công trình (10 ngày làm việc)")
	inv.Click("Tiếp tục")
	if !strings.Contains(inv.Text("main"), "hẹn trả kết quả vào") {
		t.Fatal("the wizard does not show the appointment before filing")
	}
	inv.FillLabel("Mã số thuế / mã số doanh nghiệp", "2500123456")
	inv.FillLabel("Tên dự án, công trình", "Nhà xưởng cán thép số 3")
	for _, doc := range []string{"application_form", "land_rights", "design_drawings", "design_appraisal"} {
		inv.SetFiles("#doc-"+doc, pdfFile(t, dir, doc+".pdf", "tài liệu "+doc))
	}
	if st := inv.Click("Nộp hồ sơ"); st != http.StatusOK || !strings.Contains(inv.Path(), "?filed=1") {
		t.Fatalf("filing: %d at %s\n%s", st, inv.Path(), inv.Text("main"))
	}
	code := regexp.MustCompile(`^/dossiers/([^?]+)`).FindStringSubmatch(inv.Path())[1]

	// 2. the officer asks for completion at intake
	browserSignIn(t, off, "hbi.officer")
	off.Go("/desk/intake")
	if off.Click(code) != http.StatusOK {
		t.Fatal("the intake queue does not link the dossier")
	}
	browserAct(t, off, code, "Yêu cầu bổ sung, hoàn thiện hồ sơ trước khi tiếp nhận", func() {
		off.FillLabel("Giấy tờ 1", "Giấy tờ hợp pháp về quyền sử dụng đất")
		off.FillLabel("Lý do", "Bản sao chưa có chứng thực")
		off.FillLabel("Ghi chú", "Đề nghị nộp bản sao có chứng thực.")
	})

	// 3. the investor reads the officer's words and completes it
	inv.Go("/dossiers/" + code)
	if got := inv.Text("#h-asked + p + blockquote"); !strings.Contains(got, "Đề nghị nộp bản sao có chứng thực.") ||
		!strings.Contains(inv.Text("main"), "Bản sao chưa có chứng thực") {
		t.Fatalf("the investor does not see the officer's words: %q", got)
	}
	browserAct(t, inv, code, "Nộp hồ sơ đã bổ sung, hoàn thiện", func() {
		inv.SetFiles("Giấy tờ hợp pháp về quyền sử dụng đất", pdfFile(t, dir, "qsdd-chung-thuc.pdf", "bản sao chứng thực"))
	})

	// 4. the officer receives it and prints form 01; 5. its QR code opens tracking without a session
	browserAct(t, off, code, "Tiếp nhận hồ sơ", nil)
	off.Go("/dossiers/" + code + "/forms/receipt")
	if got := off.Text("main"); !strings.Contains(got, "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ") || !strings.Contains(got, code) {
		t.Fatalf("form 01:\n%s", got)
	}
	link, err := browsertest.DecodeQR(off.ScreenshotPNG())
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(link)
	visitor := b.Tab(t, s.URL)
	if visitor.Go(u.RequestURI()); visitor.Cookie("motcua_session") != "" || !strings.Contains(visitor.Text("#h-result"), code) {
		t.Fatalf("the QR link %s does not open the dossier without a session", link)
	}

	// 6. a supplement asked and answered
	browserAct(t, off, code, "Thông báo bổ sung hồ sơ", func() {
		off.FillLabel("Lý do (bắt buộc)", "Bản vẽ thiếu mặt cắt")
	})
	browserAct(t, inv, code, "Nộp hồ sơ bổ sung", func() {
		inv.SetFiles("Bản vẽ thiết kế xây dựng", pdfFile(t, dir, "ban-ve-2.pdf", "bản vẽ có mặt cắt"))
	})

	// 7. an extension proposed, approved, and its apology letter printed
	browserAct(t, off, code, "Đề xuất gia hạn, hẹn lại ngày trả kết quả", func() {
		setDate(t, off, "Ngày hẹn trả kết quả mới", "2026-12-31")
		off.FillLabel("Lý do gia hạn", "Chờ ý kiến của Sở Xây dựng")
		off.FillLabel("Nội dung thư xin lỗi (mẫu 04)", "Ban Quản lý chân thành xin lỗi Quý Công ty vì sự chậm trễ.")
	})
	browserSignIn(t, lead, "hbi.leader")
	lead.Go("/decisions")
	lead.Click(code)
	if !strings.Contains(lead.Text("main"), "Chờ ý kiến của Sở Xây dựng") {
		t.Fatal("the leader does not see the proposal")
	}
	browserAct(t, lead, code, "Duyệt gia hạn, phát hành phiếu xin lỗi và hẹn lại", nil)
	lead.Go("/dossiers/" + code + "/forms/apology")
	if got := lead.Text("main"); !strings.Contains(got, "chân thành xin lỗi") || !strings.Contains(got, "31/12/2026") {
		t.Fatalf("the apology letter:\n%s", got)
	}

	// 8. the decision proposed; 9. approved with the result file
	browserAct(t, off, code, "Trình lãnh đạo cấp giấy phép", nil)
	result := pdfFile(t, dir, "giay-phep-xay-dung.pdf", "GIẤY PHÉP XÂY DỰNG số 15/GPXD-BQL")
	browserAct(t, lead, code, "Cấp giấy phép xây dựng", func() {
		lead.SetFiles("Tệp kết quả (văn bản đã ký)", result)
		lead.FillLabel("Số, ký hiệu văn bản", "15/GPXD-BQL")
	})
	browserAct(t, off, code, "Trả kết quả", nil)

	// 10. the investor downloads the result
	inv.Go("/dossiers/" + code)
	name, body := inv.Download("Tải kết quả")
	want, _ := os.ReadFile(result)
	if name != "giay-phep-xay-dung.pdf" || !bytes.Equal(body, want) {
		t.Fatalf("the result downloaded: %s, %d bytes", name, len(body))
	}
	for _, tab := range []*browsertest.Tab{inv, off, lead, visitor} {
		if d := tab.Dialogs(); len(d) > 0 {
			t.Fatalf("dialogs opened: %v", d)
		}
	}
}

// TestBrowserManager: the manager acknowledges an overdue alert on the
// dashboard and downloads Biểu 06 as XLSX, which opens and holds the same
// total as the report.
func TestBrowserManager(t *testing.T) {
	t.Parallel()
	b := browsertest.Start(t)
	sc := newScenario(t, modelstest.SQLite(t))
	tab := b.Tab(t, sc.s.URL)
	browserSignIn(t, tab, "hbi.manager")
	tab.Go("/dashboard")
	if !strings.Contains(tab.Text("#alerts"), sc.d) {
		t.Fatalf("the overdue alert of %s is not on the dashboard:\n%s", sc.d, tab.Text("#alerts"))
	}
	if st := tab.Click("Ghi nhận"); st != http.StatusOK || !strings.Contains(tab.Text("main"), "Đã ghi nhận cảnh báo") {
		t.Fatalf("acknowledge: %d\n%s", st, tab.Text("main"))
	}
	tab.Go("/reports?kind=quarter&year=2026&quarter=4")
	name, body := tab.Download("Tải Biểu 06 (Excel .xlsx)")
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("%s does not open: %v", name, err)
	}
	defer f.Close()
	rows, err := f.GetRows(reports.XLSXSheet)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Join(jsonTotal(t, sc), " ")
	for _, row := range rows {
		if len(row) > 2 && row[1] == "Tổng cộng" {
			if got := strings.Join(row[2:], " "); got != want {
				t.Fatalf("%s: total %s, want %s", name, got, want)
			}
			return
		}
	}
	t.Fatalf("%s has no total line", name)
}

// TestBrowserWalkIn: the officer files a walk-in applicant's dossier at
// the desk, ticking the papers received, and prints form 01 for them.
func TestBrowserWalkIn(t *testing.T) {
	t.Parallel()
	b := browsertest.Start(t)
	s := webtest.New(t, modelstest.SQLite(t))
	tab := b.Tab(t, s.URL)
	browserSignIn(t, tab, "hbi.officer")
	tab.Go("/desk/file")
	tab.Go("/desk/file?procedure=construction-permit&variant=new")
	tab.FillLabel("Tên tổ chức, cá nhân nộp hồ sơ", "Ông Đinh Văn Mường")
	for _, doc := range []string{"application_form", "land_rights", "design_drawings", "design_appraisal"} {
		tab.Press("#paper-" + doc)
	}
	if st := tab.Click("Nhập hồ sơ"); st != http.StatusOK || !strings.HasSuffix(tab.Path(), "/forms/receipt") {
		t.Fatalf("walk-in: %d at %s\n%s", st, tab.Path(), tab.Text("main"))
	}
	if got := tab.Text("main"); !strings.Contains(got, "Ông Đinh Văn Mường") || !strings.Contains(got, "Trực tiếp") && !strings.Contains(got, "Mẫu số 01") {
		t.Fatalf("the receipt to print:\n%s", got)
	}
	if _, err := browsertest.DecodeQR(tab.ScreenshotPNG()); err != nil {
		t.Fatalf("the receipt's QR code: %v", err)
	}
}
