package demo

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/workflow"
)

// demoScript is one demo dossier: received daysAgo days before the seed
// runs, then driven through the engine by events. An event "approve+8"
// fires at 10:00 eight days after receipt, "approve@due" at 10:00 on the
// dossier's current appointment date; a bare name fires 20 minutes after
// the previous event. No event fires later than now.
type demoScript struct {
	procedure, variant string
	channel            models.Channel
	daysAgo            int
	events             []string
}

// demoScripts put dossiers of all five procedures in every state,
// including overdue ones and each outcome.
var demoScripts = []demoScript{
	{"construction-permit", "new", models.ChannelOnline, 0, nil},
	{"construction-permit", "new", models.ChannelDirect, 1, []string{"receive"}},
	{"construction-permit", "new", models.ChannelDirect, 3, []string{"receive", "assign", "consult"}},
	{"construction-permit", "adjustment", models.ChannelPostal, 5, []string{"receive", "assign", "request_supplement"}},
	{"construction-permit", "new", models.ChannelDirect, 30, []string{"receive", "assign"}},
	{"construction-permit", "new", models.ChannelDirect, 25, []string{"receive", "assign", "inspect", "finish_inspection", "propose+6", "approve+8", "return_result+9"}},
	{"feasibility-appraisal", "group_c", models.ChannelDirect, 2, []string{"reject_intake"}},
	{"feasibility-appraisal", "group_b", models.ChannelDirect, 4, []string{"receive", "assign", "consult"}},
	{"feasibility-appraisal", "group_c", models.ChannelDirect, 10, []string{"receive", "assign", "propose+7"}},
	{"feasibility-appraisal", "group_c", models.ChannelDirect, 45, []string{"receive", "assign", "request_supplement+2", "stop+35"}},
	{"feasibility-appraisal", "group_c", models.ChannelDirect, 45, []string{"receive", "assign", "propose+20", "approve+26", "return_result+27"}},
	{"feasibility-appraisal", "group_a", models.ChannelOnline, 20, []string{"receive", "assign"}},
	{"environmental-licence", "provincial", models.ChannelOnline, 1, nil},
	{"environmental-licence", "provincial", models.ChannelDirect, 6, []string{"receive", "assign", "publish"}},
	{"environmental-licence", "provincial", models.ChannelDirect, 12, []string{"receive", "assign", "request_supplement+1"}},
	{"environmental-licence", "provincial", models.ChannelDirect, 50, []string{"receive", "assign", "convene_council+10", "propose+20"}},
	{"environmental-licence", "provincial", models.ChannelDirect, 40, []string{"receive", "assign", "propose+15", "approve+20"}},
	{"environmental-licence", "provincial", models.ChannelDirect, 15, []string{"receive", "assign", "withdraw+3"}},
	{"union-registration", "standard", models.ChannelOnline, 0, []string{"receive"}},
	{"union-registration", "standard", models.ChannelDirect, 7, []string{"receive", "assign"}},
	{"union-registration", "standard", models.ChannelDirect, 20, []string{"receive", "assign", "request_supplement+2", "resubmit+5"}},
	{"union-registration", "standard", models.ChannelDirect, 30, []string{"receive", "assign", "propose+5", "refuse+6", "return_result+7"}},
	{"union-registration", "standard", models.ChannelDirect, 35, []string{"receive", "assign", "propose_extension+8", "approve_extension+8", "propose+12", "approve@due", "return_result@due"}},
	{"union-registration", "standard", models.ChannelDirect, 18, []string{"receive", "assign", "propose+3"}},
	{"investment-certificate", "issue_without_policy", models.ChannelOnline, 3, nil},
	{"investment-certificate", "issue_after_policy", models.ChannelDirect, 2, []string{"receive", "assign"}},
	{"investment-certificate", "adjust_other", models.ChannelDirect, 9, []string{"receive", "assign", "request_supplement+1"}},
	{"investment-certificate", "issue_without_policy", models.ChannelDirect, 28, []string{"receive", "assign", "propose+10", "approve+18", "return_result+19"}},
	{"investment-certificate", "adjust_update", models.ChannelDirect, 21, []string{"receive", "assign", "propose+4", "refuse+5"}},
	{"investment-certificate", "issue_without_policy", models.ChannelDirect, 40, []string{"receive", "assign"}},
}

// demoApplicants are the demo investors' companies.
var demoApplicants = []string{"Công ty TNHH Điện tử Lương Sơn", "Công ty CP Bao bì Mông Hóa",
	"Công ty TNHH Dệt may Yên Quang", "Công ty CP Cơ khí Nhuận Trạch", "Công ty TNHH Linh kiện Thăng Long",
	"Công ty CP Vật liệu Sông Đà", "Công ty TNHH Thực phẩm An Thịnh"}

// seedDossiers plays the demo scripts for a board that has no dossier yet.
func seedDossiers(ctx context.Context, tx *gorm.DB, eng *workflow.Engine, b *models.Board,
	users map[workflow.Role]*models.User, now time.Time) (int, error) {
	var n int64
	if err := tx.Model(&models.Dossier{}).Where("board_id = ?", b.ID).Count(&n).Error; err != nil || n > 0 {
		return 0, err
	}
	for i, s := range demoScripts {
		if err := playScript(ctx, tx, eng, b, users, s, demoApplicants[i%len(demoApplicants)], now); err != nil {
			return i, fmt.Errorf("demo: %s dossier %d (%s): %w", b.Code, i+1, s.procedure, err)
		}
	}
	return len(demoScripts), nil
}

// playScript submits one dossier and fires its events.
func playScript(ctx context.Context, tx *gorm.DB, eng *workflow.Engine, b *models.Board,
	users map[workflow.Role]*models.User, s demoScript, applicant string, now time.Time) error {
	received := demoReceipt(now, s.daysAgo)
	d, err := submitDemo(ctx, tx, eng, b, users, s, applicant, received)
	if err != nil {
		return err
	}
	when := received
	for _, token := range s.events {
		name, at, err := demoEventTime(token, received, when, now, d.DueAt)
		if err != nil {
			return err
		}
		when = at
		in, err := demoInput(ctx, tx, eng, d, name, at)
		if err != nil {
			return err
		}
		if _, err := eng.Fire(ctx, tx, d, name, demoActor(eng, d, name, users), at, in); err != nil {
			return fmt.Errorf("%s at %s: %w", name, at.Format("02/01/2006 15:04"), err)
		}
	}
	return nil
}

// demoReceipt is 08:30 local daysAgo days before now, or two hours ago for today.
func demoReceipt(now time.Time, daysAgo int) time.Time {
	if daysAgo == 0 {
		return now.Add(-2 * time.Hour)
	}
	day := deadlines.DateOf(now).AddDate(0, 0, -daysAgo)
	return day.Add(8*time.Hour + 30*time.Minute)
}

// demoEventTime parses "name", "name+N" or "name@due" into the event and
// its instant, never later than now.
func demoEventTime(token string, received, previous, now time.Time, due *time.Time) (workflow.Event, time.Time, error) {
	at := previous.Add(20 * time.Minute)
	if name, ok := strings.CutSuffix(token, "@due"); ok && due != nil {
		return workflow.Event(name), minTime(deadlines.DateOf(*due).Add(10*time.Hour), now), nil
	}
	name, offset, found := strings.Cut(token, "+")
	if found {
		days, err := strconv.Atoi(offset)
		if err != nil {
			return "", time.Time{}, fmt.Errorf("bad demo event %q", token)
		}
		at = deadlines.DateOf(received).AddDate(0, 0, days).Add(10 * time.Hour)
	}
	return workflow.Event(name), minTime(at, now), nil
}

func minTime(a, b time.Time) time.Time {
	if a.After(b) {
		return b
	}
	return a
}

func submitDemo(ctx context.Context, tx *gorm.DB, eng *workflow.Engine, b *models.Board,
	users map[workflow.Role]*models.User, s demoScript, applicant string, at time.Time) (*models.Dossier, error) {
	role := workflow.RoleOfficer
	if s.channel == models.ChannelOnline {
		role = workflow.RoleInvestor
	}
	return eng.Submit(ctx, tx, workflow.SubmitInput{BoardID: b.ID, Procedure: s.procedure, Variant: s.variant,
		Channel: s.channel, ApplicantName: applicant, ApplicantEmail: "lienhe@example.vn",
		Title: applicant + " – hồ sơ mẫu / demo dossier", InvestorID: &users[workflow.RoleInvestor].ID,
		Attachments: demoDocuments(eng, s.procedure, s.variant, at)}, userActor(users[role]), at)
}

// demoDocuments attaches every document the variant requires (metadata only).
func demoDocuments(eng *workflow.Engine, procedure, variant string, at time.Time) []workflow.AttachmentInput {
	p, err := eng.Catalogue().Procedure(procedure)
	if err != nil {
		return nil
	}
	v, err := p.VersionAt(at)
	if err != nil {
		return nil
	}
	var out []workflow.AttachmentInput
	for _, code := range v.RequiredDocuments(variant) {
		out = append(out, workflow.AttachmentInput{DocumentCode: code, FileName: code + ".pdf", ContentType: "application/pdf"})
	}
	return out
}

// demoActor is the board's demo user with the first role the catalogue allows.
func demoActor(eng *workflow.Engine, d *models.Dossier, ev workflow.Event, users map[workflow.Role]*models.User) workflow.Actor {
	p, _ := eng.Catalogue().Procedure(d.Procedure)
	v, _ := p.Version(d.CatalogueVersion)
	def, ok := v.Event(ev)
	if !ok || len(def.Roles) == 0 || def.Roles[0] == workflow.RoleSystem {
		return workflow.SystemActor
	}
	return userActor(users[def.Roles[0]])
}

func userActor(u *models.User) workflow.Actor {
	a := workflow.Actor{UserID: &u.ID, Role: workflow.Role(u.Role), Name: u.FullName}
	if u.BoardID != nil {
		a.BoardID = *u.BoardID
	}
	return a
}

// demoInput gives each event the comment, extension or investment project it needs.
func demoInput(ctx context.Context, tx *gorm.DB, eng *workflow.Engine, d *models.Dossier, ev workflow.Event,
	at time.Time) (workflow.Input, error) {
	if ev == workflow.EventApprove && eng.InvestmentKind(d) == models.InvestmentIssue {
		inv, err := demoProject(ctx, tx, d)
		in := demoComment(eng, ev, at)
		in.Investment = inv
		return in, err
	}
	return demoComment(eng, ev, at), nil
}

// demoProject is the foreign-invested project a demo issue approves, in the
// board's first zone, coded after the dossier's daily sequence.
func demoProject(ctx context.Context, tx *gorm.DB, d *models.Dossier) (*workflow.InvestmentInput, error) {
	var zone models.Zone
	if err := tx.WithContext(ctx).Where("board_id = ?", d.BoardID).Order("id").First(&zone).Error; err != nil {
		return nil, fmt.Errorf("demo: a zone for the demo project: %w", err)
	}
	foreign := true
	return &workflow.InvestmentInput{ProjectCode: "DEMO-" + d.Code[strings.LastIndex(d.Code, ".")+1:],
		Name: "Dự án sản xuất của " + d.ApplicantName, ZoneID: &zone.ID, Foreign: &foreign,
		Capital: "12500000", Currency: string(models.CurrencyUSD)}, nil
}

// demoComment gives each event the comment or extension it needs.
func demoComment(eng *workflow.Engine, ev workflow.Event, at time.Time) workflow.Input {
	switch ev {
	case workflow.EventRequestSupplement:
		return workflow.Input{Comment: "Đề nghị bổ sung bản vẽ và giấy tờ pháp lý / please supplement the drawings and legal papers"}
	case workflow.EventRejectIntake:
		return workflow.Input{Comment: "Hồ sơ không đáp ứng điều kiện / the dossier does not meet the conditions"}
	case workflow.EventApprove, workflow.EventRefuse:
		in := workflow.Input{Result: &workflow.ResultInput{Medium: workflow.ResultPaper, Reference: "BQL/mẫu"}}
		if ev == workflow.EventRefuse {
			in.Comment = "Hồ sơ không đáp ứng điều kiện / the dossier does not meet the conditions"
		}
		return in
	case workflow.EventProposeExtension:
		return workflow.Input{Extension: &workflow.ExtensionInput{Reason: "Cần lấy thêm ý kiến cơ quan liên quan / more consultation needed",
			NewDueDate: eng.Calendar().AddWorkingDays(deadlines.DateOf(at), 15), ApologyLetter: "Phiếu xin lỗi và hẹn lại ngày trả kết quả (mẫu 04)"}}
	case "stop":
		return workflow.Input{Comment: "Quá thời hạn bổ sung hồ sơ / the supplementation period lapsed"}
	}
	return workflow.Input{}
}
