package web_test

import (
	"bytes"
	"context"
	"html"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	gozxingqr "github.com/makiuchi-d/gozxing/qrcode"
	"gorm.io/gorm"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/models/modelstest"
	"github.com/motcua/motcua/service"
	"github.com/motcua/motcua/web"
	"github.com/motcua/motcua/web/webtest"
	"github.com/motcua/motcua/workflow"
)

// The printed forms' fixed lines.
const (
	republic = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
	motto    = "Độc lập – Tự do – Hạnh phúc"
	hbiUpper = "BAN QUẢN LÝ CÁC KHU CÔNG NGHIỆP TỈNH HÒA BÌNH"
)

// attach uploads a one-page PDF as document code of dossier code, as
// username.
func attach(t *testing.T, s *webtest.Site, username, code, document string) {
	t.Helper()
	ctx := context.Background()
	u, err := s.Svc.BeginUpload(ctx, s.Principal(t, username), code, "")
	if err != nil {
		t.Fatal(err)
	}
	defer u.Close()
	if err := u.Receive(bytes.NewReader([]byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")), document+".pdf"); err != nil {
		t.Fatal(err)
	}
	if _, err := u.Commit(ctx, document); err != nil {
		t.Fatal(err)
	}
}

// fire fires req at dossier code as username, at the dossier's current
// version, and returns the history row it wrote.
func fire(t *testing.T, s *webtest.Site, username, code string, req service.EventRequest) *service.HistoryRow {
	t.Helper()
	ctx := context.Background()
	p := s.Principal(t, username)
	d, err := s.Svc.Dossier(ctx, p, code)
	if err != nil {
		t.Fatal(err)
	}
	req.Version = d.Dossier.Version
	_, row, err := s.Svc.Fire(ctx, p, code, req)
	if err != nil {
		t.Fatalf("%s fires %s at %s: %v", username, req.Event, code, err)
	}
	return row
}

// attachRequired uploads every document the dossier's variant requires.
func attachRequired(t *testing.T, s *webtest.Site, v *service.DossierView) {
	t.Helper()
	_, ver, err := s.Engine.Catalogue().Bound(&v.Dossier)
	if err != nil {
		t.Fatal(err)
	}
	for _, doc := range ver.RequiredDocuments(v.Dossier.Variant) {
		attach(t, s, "investor", v.Dossier.Code, doc)
	}
}

// receivedPermit files a construction permit for applicant with the
// documents it requires, and the HBI officer receives it.
func receivedPermit(t *testing.T, s *webtest.Site, applicant string) string {
	t.Helper()
	v := s.File(t, "investor", "HBI", "construction-permit", "new", applicant)
	attachRequired(t, s, v)
	fire(t, s, "hbi.officer", v.Dossier.Code, service.EventRequest{Event: "receive"})
	return v.Dossier.Code
}

// formPath is the address of a form of dossier code.
func formPath(code, kind string) string { return "/dossiers/" + code + "/forms/" + kind }

// printed reads a form as client c, which must answer 200 on the A4
// print layout.
func printed(t *testing.T, c *webtest.Client, path string) string {
	t.Helper()
	r := c.Get(t, path)
	if r.Status != http.StatusOK {
		t.Fatalf("%s: %d\n%s", path, r.Status, r.Body)
	}
	if !strings.Contains(r.Body, `<main id="main" class="sheet">`) {
		t.Fatalf("%s is not on the print layout:\n%s", path, r.Body)
	}
	if strings.Contains(r.Body, "style=") {
		t.Fatalf("%s has a style attribute, which the CSP forbids", path)
	}
	return r.Body
}

// mustContain fails unless page holds every one of want.
func mustContain(t *testing.T, what, page string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(page, w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
}

// qrSVG finds the QR code a page draws.
var qrSVG = regexp.MustCompile(`(?s)<svg [^>]*class="qr".*?</svg>`)

// decodeQR reads the QR code of page back to its text: the modules of
// the SVG, rasterised, decoded by gozxing.
func decodeQR(t *testing.T, page string) string {
	t.Helper()
	svg := qrSVG.FindString(page)
	if svg == "" {
		t.Fatal("the page draws no QR code")
	}
	modules, err := web.QRModules(svg)
	if err != nil {
		t.Fatal(err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(web.QRImage(modules, 4))
	if err != nil {
		t.Fatal(err)
	}
	// a perfect raster of the modules: PURE_BARCODE reads it as is (the
	// finder-pattern search misses about one code in 40 on such images)
	hints := map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_PURE_BARCODE: true}
	res, err := gozxingqr.NewQRCodeReader().Decode(bmp, hints)
	if err != nil {
		t.Fatalf("the QR code does not decode: %v", err)
	}
	return res.GetText()
}

// TestPrintReceipt: the officer prints form 01 of a dossier received
// today: the national heading, the board, the form's number and title of
// the circular in force, the date, the code and the PIN, and a QR code
// that decodes to the dossier's tracking link. The investor prints it
// too; another investor and another board's officer find no such
// dossier; a visitor is sent to sign in.
func TestPrintReceipt(t *testing.T) {
	t.Parallel()
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := webtest.New(t, db)
		province := "Hòa Bình"
		_, err := s.Svc.UpdateBoard(context.Background(), s.Principal(t, "hbi.admin"), s.Boards["HBI"].ID,
			service.BoardPatch{Province: &province})
		if err != nil {
			t.Fatal(err)
		}
		code := receivedPermit(t, s, "Công ty TNHH Kim Long")
		rc, err := s.Svc.Receipt(context.Background(), s.Principal(t, "hbi.officer"), code)
		if err != nil {
			t.Fatal(err)
		}
		officer := s.Client(t)
		officer.Login(t, "hbi.officer")
		page := printed(t, officer, formPath(code, "receipt"))
		mustContain(t, "the receipt", page, republic, motto, hbiUpper, "Mẫu số 01", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
			"Hòa Bình, ngày 16 tháng 11 năm 2026", "09 giờ 00 phút, ngày 16/11/2026", code, rc.Dossier.TrackingPIN,
			"Công ty TNHH Kim Long", "Đơn đề nghị cấp giấy phép xây dựng", "NGƯỜI TIẾP NHẬN HỒ SƠ", "Trần Thị Hồng",
			"TT 03/2025/TT-VPCP", `href="/dossiers/`+code+`"`)
		mustContain(t, "the receipt", page, "17 giờ 00 phút, ngày "+rc.Dossier.DueAt.In(deadlines.Location).Format("02/01/2006"))
		if rc.TrackingURL == "" || !strings.Contains(rc.TrackingURL, "pin="+rc.Dossier.TrackingPIN) {
			t.Fatalf("tracking URL %q", rc.TrackingURL)
		}
		if got := decodeQR(t, page); got != rc.TrackingURL {
			t.Fatalf("the QR code reads %q, want %q", got, rc.TrackingURL)
		}
		mustContain(t, "the receipt", page, html.EscapeString(rc.TrackingURL))
		if strings.Contains(page, `class="gloss`) {
			t.Error("a Vietnamese page shows English glosses")
		}

		investor := s.Client(t)
		investor.Login(t, "investor")
		printed(t, investor, formPath(code, "receipt"))
		for _, who := range []string{"investor2", "bgg.officer"} {
			c := s.Client(t)
			c.Login(t, who)
			if r := c.Get(t, formPath(code, "receipt")); r.Status != http.StatusNotFound || strings.Contains(r.Body, rc.Dossier.TrackingPIN) {
				t.Errorf("%s: %d", who, r.Status)
			}
		}
		if r := s.Client(t).Get(t, formPath(code, "receipt")); !strings.HasPrefix(r.URL, "/login") {
			t.Errorf("a visitor is at %s", r.URL)
		}
	})
}

// TestPrintRefusals: an unknown kind and a malformed seq are bad
// requests; a form the dossier has not issued, or one the circular in
// force did not have, is not found; the control sheet is the staff's.
func TestPrintRefusals(t *testing.T) {
	t.Parallel()
	s := webtest.New(t, modelstest.SQLite(t))
	code := receivedPermit(t, s, "Công ty Cổ phần Thái Bình")
	officer := s.Client(t)
	officer.Login(t, "hbi.officer")
	for path, want := range map[string]int{
		formPath(code, "bogus"):               http.StatusBadRequest,
		formPath(code, "tracking_book"):       http.StatusBadRequest,
		formPath(code, "receipt") + "?seq=x":  http.StatusBadRequest,
		formPath(code, "receipt") + "?seq=-1": http.StatusBadRequest,
		formPath(code, "apology"):             http.StatusNotFound,
		formPath(code, "completion"):          http.StatusNotFound,
		formPath(code, "receipt") + "?seq=1":  http.StatusNotFound, // row 1 filed it; it issued no receipt
		formPath("NO-SUCH-CODE", "receipt"):   http.StatusNotFound,
	} {
		if r := officer.Get(t, path); r.Status != want {
			t.Errorf("%s: %d, want %d", path, r.Status, want)
		}
	}
	investor := s.Client(t)
	investor.Login(t, "investor")
	if r := investor.Get(t, formPath(code, "control_sheet")); r.Status != http.StatusForbidden {
		t.Errorf("the investor's control sheet: %d", r.Status)
	}
}

// TestPrintCircularInForce: a dossier handled before 01/07/2025 prints
// the forms of TT 01/2018 (the control sheet is form 05, the apology its
// own title, and no stop notice exists); one handled after, TT 03/2025's
// (the control sheet is form 06).
func TestPrintCircularInForce(t *testing.T) {
	t.Parallel()
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := webtest.New(t, db)
		for _, c := range []struct {
			at                 time.Time
			circular, control  string
			apology, placeDate string
			stop               int
		}{
			{time.Date(2025, 6, 16, 9, 0, 0, 0, deadlines.Location), "TT 01/2018/TT-VPCP", "Mẫu số 05",
				"PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ", "ngày 16 tháng 06 năm 2025", http.StatusNotFound},
			{time.Date(2026, 11, 16, 9, 0, 0, 0, deadlines.Location), "TT 03/2025/TT-VPCP", "Mẫu số 06",
				"VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT", "ngày 16 tháng 11 năm 2026", http.StatusOK},
		} {
			s.Clock.Set(c.at)
			officer := s.Client(t)
			officer.Login(t, "hbi.officer")
			code := receivedPermit(t, s, "Công ty TNHH Ánh Dương")
			mustContain(t, c.circular+" receipt", printed(t, officer, formPath(code, "receipt")), "Mẫu số 01", c.circular, c.placeDate)
			mustContain(t, c.circular+" control sheet", printed(t, officer, formPath(code, "control_sheet")), c.control,
				"PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", c.circular)
			extend(t, s, code, c.at.Add(time.Hour), "Chờ ý kiến cơ quan phòng cháy", "Kính mong Quý công ty thông cảm.")
			mustContain(t, c.circular+" apology", printed(t, officer, formPath(code, "apology")), "Mẫu số 04", c.apology)
			fire(t, s, "investor", code, service.EventRequest{Event: "withdraw", Comment: "Điều chỉnh dự án"})
			if r := officer.Get(t, formPath(code, "stop_notice")); r.Status != c.stop {
				t.Errorf("%s: the stop notice answers %d, want %d", c.circular, r.Status, c.stop)
			} else if r.Status == http.StatusOK {
				mustContain(t, "the stop notice", r.Body, "Mẫu số 05", "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ", "Điều chỉnh dự án")
			}
		}
	})
}

// extend has the officer propose an extension at the given instant, with
// a new appointment 5 days after the current one, and the leader approve
// it; it returns the old and the new appointments.
func extend(t *testing.T, s *webtest.Site, code string, at time.Time, reason, letter string) (old, due time.Time) {
	t.Helper()
	s.Clock.Set(at)
	d, err := s.Svc.Dossier(context.Background(), s.Principal(t, "hbi.officer"), code)
	if err != nil {
		t.Fatal(err)
	}
	old = *d.Dossier.DueAt
	due = deadlines.DateOf(old).AddDate(0, 0, 5)
	for due.Weekday() == time.Saturday || due.Weekday() == time.Sunday {
		due = due.AddDate(0, 0, 1)
	}
	fire(t, s, "hbi.officer", code, service.EventRequest{Event: "propose_extension",
		Extension: &service.ExtensionRequest{Reason: reason, NewDueDate: due, ApologyLetter: letter}})
	fire(t, s, "hbi.leader", code, service.EventRequest{Event: "approve_extension"})
	return old, due
}

// TestPrintCompletion: form 02 lists each missing item with its reason
// and names the officer; ?seq= prints an earlier request than the latest.
func TestPrintCompletion(t *testing.T) {
	t.Parallel()
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := webtest.New(t, db)
		v := s.File(t, "investor", "HBI", "construction-permit", "new", "Công ty TNHH Hoàng Gia")
		code := v.Dossier.Code
		first := fire(t, s, "hbi.officer", code, service.EventRequest{Event: "request_completion", Missing: []workflow.MissingItem{
			{Document: "application_form", Reason: "Đơn chưa có chữ ký của người đại diện theo pháp luật"},
			{Description: "Bản đồ vị trí công trình", Reason: "Cần thể hiện ranh giới lô đất"},
		}})
		fire(t, s, "investor", code, service.EventRequest{Event: "complete"})
		fire(t, s, "hbi.officer", code, service.EventRequest{Event: "request_completion", Missing: []workflow.MissingItem{
			{Document: "land_rights", Reason: "Bản sao chưa được chứng thực"},
		}})
		investor := s.Client(t)
		investor.Login(t, "investor")
		latest := printed(t, investor, formPath(code, "completion"))
		mustContain(t, "the latest request", latest, "Mẫu số 02", "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
			"Giấy tờ hợp pháp về quyền sử dụng đất", "Bản sao chưa được chứng thực", "NGƯỜI HƯỚNG DẪN", "Trần Thị Hồng")
		earlier := printed(t, investor, formPath(code, "completion")+"?seq="+strconv.Itoa(first.Seq))
		mustContain(t, "the first request", earlier, "Đơn đề nghị cấp giấy phép xây dựng",
			"Đơn chưa có chữ ký của người đại diện theo pháp luật", "Bản đồ vị trí công trình", "Cần thể hiện ranh giới lô đất")
		if strings.Contains(earlier, "Bản sao chưa được chứng thực") {
			t.Error("?seq= printed the latest request, not the first")
		}
	})
}

// TestPrintApology: form 04 prints the leader's approval of the
// extension: the reason, the officer's letter, the old and the new
// appointment, signed by the leader.
func TestPrintApology(t *testing.T) {
	t.Parallel()
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := webtest.New(t, db)
		code := receivedPermit(t, s, "Công ty TNHH Phúc An")
		old, due := extend(t, s, code, webtest.Start.Add(26*time.Hour), "Cần xác minh hiện trạng khu đất",
			"Ban Quản lý chân thành xin lỗi Quý công ty vì sự chậm trễ này.")
		investor := s.Client(t)
		investor.Login(t, "investor")
		page := printed(t, investor, formPath(code, "apology"))
		mustContain(t, "the apology", page, "Mẫu số 04", "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
			"Kính gửi:", "Công ty TNHH Phúc An", "Cần xác minh hiện trạng khu đất",
			"Ban Quản lý chân thành xin lỗi Quý công ty vì sự chậm trễ này.",
			"Ngày hẹn trả kết quả:</span> <span class=\"val\">"+old.In(deadlines.Location).Format("02/01/2006"),
			"Hẹn lại ngày trả kết quả:</span> <span class=\"val\">"+due.Format("02/01/2006"),
			"THỦ TRƯỞNG CƠ QUAN", "Phạm Minh Đức")
	})
}

// TestPrintControlSheet: the control sheet has a row per step with its
// deadline and how it was met (early, on time, late, no deadline of its
// own) and the step under way; cards on a phone.
func TestPrintControlSheet(t *testing.T) {
	t.Parallel()
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := webtest.New(t, db)
		code := receivedPermit(t, s, "Công ty TNHH Minh Châu") // within the intake check's 8 hours: early
		officerID := s.Users["hbi.officer"].ID
		s.Clock.Set(webtest.Start.Add(time.Hour))
		fire(t, s, "hbi.officer", code, service.EventRequest{Event: "assign", AssigneeID: &officerID})
		s.Clock.Set(stepDue(t, s, code).Add(-13 * time.Hour)) // 10:59 on the review's deadline day: on time
		fire(t, s, "hbi.officer", code, service.EventRequest{Event: "propose"})
		s.Clock.Set(stepDue(t, s, code).Add(11 * time.Hour)) // the day after the decision's deadline: late
		fire(t, s, "hbi.leader", code, service.EventRequest{Event: "approve",
			Result: &service.ResultRequest{Medium: "paper", Reference: "12/GPXD-BQL"}})
		f, err := s.Svc.Form(context.Background(), s.Principal(t, "hbi.officer"), code, workflow.FormControlSheet, 0)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, st := range f.Control {
			got = append(got, st.State.EN+":"+string(st.Outcome))
		}
		want := []string{"Submitted:early", "Received:", "In review:on_time", "Pending the leader's decision:late",
			"Permit issued, result to return:"}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Fatalf("steps %v, want %v", got, want)
		}
		officer := s.Client(t)
		officer.Login(t, "hbi.officer")
		page := printed(t, officer, formPath(code, "control_sheet"))
		mustContain(t, "the control sheet", page, "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", `<table class="cards control">`,
			">Trước hạn</span>", ">Không có hạn riêng</span>", ">Đúng hạn</span>", ">Quá hạn</span>", ">Đang giải quyết</span>",
			`data-label="Hạn xử lý của bước"`, "Trước hạn – hoàn thành trước ngày hết hạn", "Giao:", "Nhận:", "Phạm Minh Đức")
		if n := strings.Count(page, `<td class="no"`); n != len(want) {
			t.Errorf("%d rows, want %d", n, len(want))
		}
	})
}

// stepDue is the deadline of the step dossier code is in.
func stepDue(t *testing.T, s *webtest.Site, code string) time.Time {
	t.Helper()
	d, err := s.Svc.Dossier(context.Background(), s.Principal(t, "hbi.officer"), code)
	if err != nil {
		t.Fatal(err)
	}
	if d.Dossier.StepDueAt == nil {
		t.Fatalf("%s: step %s has no deadline", code, d.Dossier.State)
	}
	return *d.Dossier.StepDueAt
}

// TestPrintEscapesAndGlosses: an applicant named <script>… and officers'
// words with markup print escaped on every form; an English page keeps
// the Vietnamese text of the forms and adds English glosses on screen
// only.
func TestPrintEscapesAndGlosses(t *testing.T) {
	t.Parallel()
	s := webtest.New(t, modelstest.SQLite(t))
	const evil = "<script>alert(1)</script>"
	v := s.File(t, "investor", "HBI", "construction-permit", "new", evil)
	code := v.Dossier.Code
	fire(t, s, "hbi.officer", code, service.EventRequest{Event: "request_completion", Missing: []workflow.MissingItem{
		{Description: "<b>bản vẽ</b>", Reason: "<img src=x onerror=alert(2)>"}}})
	fire(t, s, "investor", code, service.EventRequest{Event: "complete"})
	attachRequired(t, s, v)
	fire(t, s, "hbi.officer", code, service.EventRequest{Event: "receive"})
	extend(t, s, code, webtest.Start.Add(26*time.Hour), "<i>lý do</i>", "<script>alert(3)</script>")
	fire(t, s, "investor", code, service.EventRequest{Event: "withdraw", Comment: "<u>rút</u>"})
	refused := s.File(t, "investor", "HBI", "construction-permit", "new", evil).Dossier.Code
	fire(t, s, "hbi.officer", refused, service.EventRequest{Event: "reject_intake", Comment: "<em>không thuộc thẩm quyền</em>"})

	officer := s.Client(t)
	officer.Login(t, "hbi.officer")
	for _, path := range []string{formPath(code, "receipt"), formPath(code, "completion"), formPath(code, "apology"),
		formPath(code, "stop_notice"), formPath(code, "control_sheet"), formPath(refused, "refusal")} {
		page := printed(t, officer, path)
		for _, raw := range []string{evil, "<b>bản", "<img", "<i>lý", "alert(3)</script>", "<u>", "<em>"} {
			if strings.Contains(page, raw) {
				t.Errorf("%s prints %q unescaped", path, raw)
			}
		}
		mustContain(t, path, page, html.EscapeString(evil))
	}

	officer.Get(t, "/lang/en?next=/")
	page := printed(t, officer, formPath(code, "receipt"))
	mustContain(t, "the English receipt", page, `<html lang="en">`, `<div class="form" lang="vi">`,
		"GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", "Tiếp nhận hồ sơ của:",
		`<span class="gloss noprint" lang="en">(Dossier received from:)</span>`,
		`<span class="gloss noprint" lang="en">(Receipt and appointment)</span>`)
	if n, g := strings.Count(page, `class="gloss`), strings.Count(page, `class="gloss noprint"`); n == 0 || n != g {
		t.Errorf("%d glosses, %d of them kept off paper", n, g)
	}
}
