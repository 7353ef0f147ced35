package notify

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/workflow"
)

// digestLimit bounds the dossiers a digest lists by code.
const digestLimit = 50

// dateLayout is how dates are written to users: dd/mm/yyyy.
const dateLayout = "02/01/2006"

// Content is a rendered notification: subject and body, each in
// Vietnamese then English (emails and the API), and the same in each
// language alone (VI, EN) for a reader who chose one, such as the web
// pages' notification list.
type Content struct {
	Subject string `json:"subject"`
	Body    string `json:"body"`
	VI      Part   `json:"-"` // zero when the notification exists only in both languages together
	EN      Part   `json:"-"`
}

// Part is a notification in one language.
type Part struct {
	Subject string
	Body    string
}

// In is the notification in lang ("vi" or "en"): that language's part,
// else the other language's, else subject and body in both.
func (c Content) In(lang string) Part {
	first, second := c.VI, c.EN
	if lang == "en" {
		first, second = c.EN, c.VI
	}
	for _, p := range []Part{first, second} {
		if p.Subject != "" || p.Body != "" {
			return p
		}
	}
	return Part{Subject: c.Subject, Body: c.Body}
}

// Renderer turns outbox rows into text, reading what they point to.
type Renderer struct {
	DB  *gorm.DB
	Cat *workflow.Catalogue
	// PublicURL is the address people open, the base of the links an
	// email carries (verification, password reset, tracking).
	PublicURL string
}

// view is what a dossier notification says.
type view struct {
	d       *models.Dossier
	board   *models.Board
	proc    workflow.Text
	comment string
	due     *time.Time
	step    string
	data    workflow.EventData
	docs    map[string]workflow.Text // document names of the dossier's version
}

// Render renders n.
func (r *Renderer) Render(ctx context.Context, n *models.Notification) (Content, error) {
	switch n.Kind {
	case models.NotifyDigest:
		return r.digest(ctx, n)
	case models.NotifyVerifyEmail, models.NotifyPasswordReset:
		return r.account(ctx, n)
	}
	v, err := r.load(ctx, n)
	if err != nil {
		return Content{}, err
	}
	return v.content(n.Kind), nil
}

// load reads the dossier, board, event or alert of n.
func (r *Renderer) load(ctx context.Context, n *models.Notification) (*view, error) {
	if n.DossierID == nil {
		return nil, fmt.Errorf("notify: notification %d (%s) has no dossier", n.ID, n.Kind)
	}
	d, err := models.GetDossier(ctx, r.DB, *n.DossierID)
	if err != nil {
		return nil, err
	}
	b, err := models.GetBoard(ctx, r.DB, d.BoardID)
	if err != nil {
		return nil, err
	}
	v := &view{d: d, board: b, proc: r.procedureName(d.Procedure), due: d.DueAt, step: d.StepState,
		docs: r.documentNames(d)}
	return v, r.loadCause(ctx, n, v)
}

// loadCause fills in what the event or alert says: the comment and the
// appointment after the event, or the deadline the alert is about.
func (r *Renderer) loadCause(ctx context.Context, n *models.Notification, v *view) error {
	switch {
	case n.EventID != nil:
		var ev models.DossierEvent
		if err := r.DB.WithContext(ctx).First(&ev, *n.EventID).Error; err != nil {
			return fmt.Errorf("notify: event %d: %w", *n.EventID, err)
		}
		v.comment, v.due, v.data = ev.Comment, ev.DueAt, workflow.DecodeEventData(ev.Data)
	case n.AlertID != nil:
		var a models.Alert
		if err := r.DB.WithContext(ctx).First(&a, *n.AlertID).Error; err != nil {
			return fmt.Errorf("notify: alert %d: %w", *n.AlertID, err)
		}
		due := a.DueAt
		v.due, v.step = &due, a.StepState
	}
	return nil
}

// procedureName returns the procedure's name, or its code if unknown.
func (r *Renderer) procedureName(code string) workflow.Text {
	if p, err := r.Cat.Procedure(code); err == nil {
		return p.Name
	}
	return workflow.Text{VI: code, EN: code}
}

// documentNames are the names of the documents of d's version.
func (r *Renderer) documentNames(d *models.Dossier) map[string]workflow.Text {
	out := map[string]workflow.Text{}
	if _, v, err := r.Cat.Bound(d); err == nil {
		for _, doc := range v.Documents {
			out[doc.Code] = doc.Name
		}
	}
	return out
}

// date writes t as dd/mm/yyyy in Asia/Ho_Chi_Minh, or "—".
func date(t *time.Time) string {
	if t == nil {
		return "—"
	}
	return t.In(deadlines.Location).Format(dateLayout)
}

// content writes the subject and body of kind.
func (v *view) content(kind models.NotificationKind) Content {
	code, due := v.d.Code, date(v.due)
	var subjVI, subjEN, vi, en string
	switch kind {
	case models.NotifyReceived:
		subjVI, subjEN = "Hồ sơ "+code+" đã được tiếp nhận", "Dossier "+code+" received"
		vi = fmt.Sprintf("%s đã tiếp nhận hồ sơ %s (%s). Ngày hẹn trả kết quả: %s.", v.board.NameVI, code, v.proc.VI, due)
		en = fmt.Sprintf("%s has received dossier %s (%s). Result due on %s.", boardEN(v.board), code, v.proc.EN, due)
	case models.NotifySupplement:
		subjVI, subjEN = "Hồ sơ "+code+" cần bổ sung", "Dossier "+code+": supplementation requested"
		vi = fmt.Sprintf("Hồ sơ %s (%s) cần được bổ sung, hoàn thiện. Nội dung: %s%s", code, v.proc.VI, v.comment, v.missing(false))
		en = fmt.Sprintf("Dossier %s (%s) must be supplemented. Details: %s%s", code, v.proc.EN, v.comment, v.missing(true))
	case models.NotifyCompletion:
		subjVI, subjEN = "Hồ sơ "+code+" cần bổ sung, hoàn thiện trước khi tiếp nhận", "Dossier "+code+": complete it before it is received"
		vi = fmt.Sprintf("%s chưa tiếp nhận hồ sơ %s (%s) vì hồ sơ chưa đầy đủ (phiếu yêu cầu bổ sung, hoàn thiện hồ sơ). %s%s\nThời hạn giải quyết chỉ bắt đầu khi hồ sơ được tiếp nhận.",
			v.board.NameVI, code, v.proc.VI, v.comment, v.missing(false))
		en = fmt.Sprintf("%s has not received dossier %s (%s) yet: it is incomplete (request to complete the dossier). %s%s\nThe time limit starts only once the dossier is received.",
			boardEN(v.board), code, v.proc.EN, v.comment, v.missing(true))
	case models.NotifyIntakeRejected:
		subjVI, subjEN = "Hồ sơ "+code+" bị từ chối tiếp nhận", "Dossier "+code+" refused at intake"
		vi = fmt.Sprintf("%s từ chối tiếp nhận hồ sơ %s (%s) (phiếu từ chối tiếp nhận giải quyết hồ sơ). Lý do: %s",
			v.board.NameVI, code, v.proc.VI, v.comment)
		en = fmt.Sprintf("%s refuses to accept dossier %s (%s). Reason: %s", boardEN(v.board), code, v.proc.EN, v.comment)
	case models.NotifyAppointmentMoved:
		subjVI, subjEN, vi, en = v.appointmentMoved()
	case models.NotifyResultReady:
		subjVI, subjEN = "Hồ sơ "+code+" đã có kết quả", "Dossier "+code+": result ready"
		vi = fmt.Sprintf("Hồ sơ %s (%s) đã có kết quả giải quyết. %s", code, v.proc.VI, v.collect(false))
		en = fmt.Sprintf("Dossier %s (%s) has been decided. %s", code, v.proc.EN, v.collect(true))
	default:
		subjVI, subjEN, vi, en = v.alertText(models.AlertKind(kind))
	}
	return Content{Subject: subjVI + " / " + subjEN, Body: vi + "\n\n" + en + "\n\n" + v.footer(),
		VI: Part{Subject: subjVI, Body: vi + "\n\n" + v.footerIn(false)},
		EN: Part{Subject: subjEN, Body: en + "\n\n" + v.footerIn(true)}}
}

// appointmentMoved writes the apology and new appointment of an approved
// extension: its reason, the new date and the apology letter (form 04).
func (v *view) appointmentMoved() (subjVI, subjEN, vi, en string) {
	x := v.data.Extension
	if x == nil {
		x = &workflow.ExtensionRecord{}
	}
	due := date(v.due)
	subjVI, subjEN = "Hồ sơ "+v.d.Code+": xin lỗi và hẹn lại ngày trả kết quả", "Dossier "+v.d.Code+": apology and new appointment"
	vi = fmt.Sprintf("%s xin lỗi vì hồ sơ %s chưa thể trả kết quả đúng hẹn.\nLý do: %s\nNgày hẹn trả kết quả mới: %s.\nThư xin lỗi: %s",
		v.board.NameVI, v.d.Code, x.Reason, due, x.ApologyLetter)
	en = fmt.Sprintf("%s apologises: dossier %s cannot be resolved on time.\nReason: %s\nNew appointment: %s.\nApology letter: %s",
		boardEN(v.board), v.d.Code, x.Reason, due, x.ApologyLetter)
	return subjVI, subjEN, vi, en
}

// missing lists what is to be completed or supplemented, and why.
func (v *view) missing(english bool) string {
	var b strings.Builder
	for i, it := range v.data.Missing {
		what := it.Description
		if name, ok := v.docs[it.Document]; ok && it.Document != "" {
			what = name.VI
			if english {
				what = name.EN
			}
			if it.Description != "" {
				what += " (" + it.Description + ")"
			}
		}
		reason := "lý do"
		if english {
			reason = "reason"
		}
		fmt.Fprintf(&b, "\n%d. %s: %s: %s", i+1, what, reason, it.Reason)
	}
	return b.String()
}

// collect says how the result reaches the investor.
func (v *view) collect(english bool) string {
	switch {
	case v.data.Result != nil && v.data.Result.Medium == workflow.ResultElectronic && english:
		return "The electronic result can be downloaded from the dossier page once it is returned."
	case v.data.Result != nil && v.data.Result.Medium == workflow.ResultElectronic:
		return "Kết quả điện tử tải về tại trang hồ sơ khi hồ sơ được trả kết quả."
	case english:
		return "The result is ready to collect at the one-stop desk."
	}
	return "Mời quý khách nhận kết quả tại Bộ phận Một cửa."
}

// alertText writes the staff alert kinds.
func (v *view) alertText(kind models.AlertKind) (subjVI, subjEN, vi, en string) {
	code, due := v.d.Code, date(v.due)
	switch kind {
	case models.AlertOverdue:
		return "Hồ sơ " + code + " đã quá hạn", "Dossier " + code + " is overdue",
			fmt.Sprintf("Hồ sơ %s (%s) đã quá hạn trả kết quả %s.", code, v.proc.VI, due),
			fmt.Sprintf("Dossier %s (%s) is past its appointment of %s.", code, v.proc.EN, due)
	case models.AlertDueSoon:
		return "Hồ sơ " + code + " sắp đến hạn", "Dossier " + code + " due soon",
			fmt.Sprintf("Hồ sơ %s (%s) đến hạn trả kết quả ngày %s.", code, v.proc.VI, due),
			fmt.Sprintf("Dossier %s (%s) is due on %s.", code, v.proc.EN, due)
	case models.AlertApologyDue:
		return "Hồ sơ " + code + ": còn một ngày làm việc", "Dossier " + code + ": one working day left",
			fmt.Sprintf("Hồ sơ %s đến hạn ngày %s. Nếu sẽ trễ hạn, cần gửi ngay văn bản xin lỗi và phiếu hẹn lại (mẫu 04).", code, due),
			fmt.Sprintf("Dossier %s is due on %s. If it will be late, send the apology letter and a new appointment (form 04) now.", code, due)
	case models.AlertStepOverdue:
		if v.step == string(workflow.StateSubmitted) {
			return "Hồ sơ " + code + " chưa được kiểm tra, tiếp nhận", "Dossier " + code + " not checked in time",
				fmt.Sprintf("Hồ sơ trực tuyến %s (%s) chưa được tiếp nhận hoặc yêu cầu bổ sung, hoàn thiện trong thời hạn (đến %s).", code, v.proc.VI, v.dueTime()),
				fmt.Sprintf("Online dossier %s (%s) was neither received nor sent back for completion in time (by %s).", code, v.proc.EN, v.dueTime())
		}
		fallthrough
	default:
		return "Hồ sơ " + code + ": bước xử lý quá hạn", "Dossier " + code + ": step overdue",
			fmt.Sprintf("Bước %q của hồ sơ %s đã quá hạn %s.", v.step, code, due),
			fmt.Sprintf("Step %q of dossier %s is past its deadline of %s.", v.step, code, due)
	}
}

// dueTime writes the deadline with its time of day, "08:00 17/11/2026".
func (v *view) dueTime() string {
	if v.due == nil {
		return "—"
	}
	return v.due.In(deadlines.Location).Format("15:04 " + dateLayout)
}

// footer identifies the dossier, in both languages.
func (v *view) footer() string {
	return fmt.Sprintf("Mã hồ sơ / Dossier code: %s\n%s\n%s", v.d.Code, v.title(), v.board.NameVI)
}

// footerIn identifies the dossier in one language.
func (v *view) footerIn(english bool) string {
	if english {
		return fmt.Sprintf("Dossier code: %s\n%s\n%s", v.d.Code, v.title(), boardEN(v.board))
	}
	return fmt.Sprintf("Mã hồ sơ: %s\n%s\n%s", v.d.Code, v.title(), v.board.NameVI)
}

// title is the dossier's title, or its applicant's name.
func (v *view) title() string {
	if v.d.Title == "" {
		return v.d.ApplicantName
	}
	return v.d.Title
}

// boardEN is the board's English name, or its Vietnamese one.
func boardEN(b *models.Board) string {
	if b.NameEN != "" {
		return b.NameEN
	}
	return b.NameVI
}

// digest renders a staff member's daily digest as of rendering.
func (r *Renderer) digest(ctx context.Context, n *models.Notification) (Content, error) {
	if n.UserID == nil {
		return Content{}, fmt.Errorf("notify: digest %d has no user", n.ID)
	}
	u, err := models.GetUser(ctx, r.DB, *n.UserID)
	if err != nil {
		return Content{}, err
	}
	lines, total, err := models.DigestLines(ctx, r.DB, u, digestLimit)
	if err != nil {
		return Content{}, err
	}
	day := strings.TrimPrefix(n.Source, "digest:")
	if t, err := time.ParseInLocation("2006-01-02", day, deadlines.Location); err == nil {
		day = t.Format(dateLayout)
	}
	return Content{
		Subject: fmt.Sprintf("Tổng hợp hồ sơ cần xử lý ngày %s: %d cảnh báo / Daily digest %s: %d alerts", day, total, day, total),
		Body:    digestBody(u, lines, total),
	}, nil
}

// digestBody lists the alerts, most urgent first.
func digestBody(u *models.User, lines []models.DigestLine, total int64) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Kính gửi %s / Dear %s,\n\n", u.FullName, u.FullName)
	fmt.Fprintf(&b, "Có %d cảnh báo chưa xác nhận / %d unacknowledged alerts:\n", total, total)
	for _, l := range lines {
		fmt.Fprintf(&b, "- %s  %s  %s  %s\n", l.Code, digestKind(l.Kind), l.DueAt.In(deadlines.Location).Format(dateLayout), l.Title)
	}
	if rest := total - int64(len(lines)); rest > 0 {
		fmt.Fprintf(&b, "… và %d cảnh báo khác / and %d more\n", rest, rest)
	}
	return b.String()
}

// digestKind labels an alert kind in a digest line.
func digestKind(k models.AlertKind) string {
	switch k {
	case models.AlertOverdue:
		return "quá hạn / overdue"
	case models.AlertDueSoon:
		return "sắp đến hạn / due soon"
	case models.AlertApologyDue:
		return "cần thư xin lỗi / apology due"
	default:
		return "bước quá hạn / step overdue"
	}
}
