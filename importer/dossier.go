package importer

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/workflow"
)

// event is one event of a dossier line, ready for the engine.
type event struct {
	name  workflow.Event
	at    time.Time
	actor workflow.Actor
	in    workflow.Input
}

// dossier checks a dossier line, then replays it: Submit at its first
// event, Fire for each of the others, with the line's investment on approve.
func (im *run) dossier(l *dossierLine) (*done, *Error, error) {
	if e := checkDossier(l); e != nil {
		return nil, e, nil
	}
	ref, err := im.look.board(im.ctx, l.Board)
	if err != nil || ref == nil {
		return nil, unknownBoard("board", l.Board), err
	}
	events, e := im.parseEvents(l, ref.board.ID)
	if e != nil {
		return nil, e, nil
	}
	proc, v, e := im.version(l, events[0].at)
	if e != nil {
		return nil, e, nil
	}
	in, e := submitInput(l, ref)
	if e != nil {
		return nil, e, nil
	}
	attachDocuments(l, v, &in, events)
	paperResults(v, events)
	inv, e := dossierInvestment(l, ref, events)
	if e != nil {
		return nil, e, nil
	}
	if e, err := im.replay(in, events, inv); e != nil || err != nil {
		return nil, e, err
	}
	return &done{proc: proc, events: len(events)}, nil, nil
}

// replay submits the dossier and fires its events through the engine.
func (im *run) replay(in workflow.SubmitInput, events []event, inv *workflow.InvestmentInput) (*Error, error) {
	d, err := im.eng.Submit(im.ctx, im.tx, in, events[0].actor, events[0].at)
	if err != nil {
		e, err := fromEngine(err, submitPath)
		if e != nil && e.Code == "role_not_allowed" {
			e.Field = "events[0].role"
		}
		return e, err
	}
	for i := 1; i < len(events); i++ {
		ev := events[i]
		if ev.name == workflow.EventApprove {
			ev.in.Investment = inv
		}
		if _, err := im.eng.Fire(im.ctx, im.tx, d, ev.name, ev.actor, ev.at, ev.in); err != nil {
			return fromEngine(err, eventPath(i))
		}
	}
	return nil, nil
}

// limits are the stored sizes of a dossier line's text fields, in characters.
var limits = []struct {
	field string
	value func(*dossierLine) string
	max   int
}{
	{"applicant.name", func(l *dossierLine) string { return l.Applicant.Name }, 255},
	{"applicant.tax_code", func(l *dossierLine) string { return l.Applicant.TaxCode }, 32},
	{"applicant.email", func(l *dossierLine) string { return l.Applicant.Email }, 255},
	{"applicant.phone", func(l *dossierLine) string { return l.Applicant.Phone }, 32},
	{"title", func(l *dossierLine) string { return l.Title }, 512},
}

// checkDossier checks the required fields and the lengths of a dossier line.
func checkDossier(l *dossierLine) *Error {
	for _, f := range []struct{ name, value string }{{"board", l.Board}, {"procedure", l.Procedure},
		{"variant", l.Variant}, {"channel", l.Channel}} {
		if strings.TrimSpace(f.value) == "" {
			return missing(f.name)
		}
	}
	if l.Applicant == nil || strings.TrimSpace(l.Applicant.Name) == "" {
		return missing("applicant.name")
	}
	if len(l.Events) == 0 {
		return missing("events")
	}
	for _, f := range limits {
		if e := tooLong(f.field, f.value(l), f.max); e != nil {
			return e
		}
	}
	return nil
}

// tooLong refuses a text longer than max characters.
func tooLong(field, s string, limit int) *Error {
	if utf8.RuneCountInString(s) <= limit {
		return nil
	}
	return fault(field, CodeTooLong, fmt.Sprintf("%s dài quá %d ký tự", field, limit),
		fmt.Sprintf("%s is longer than %d characters", field, limit))
}

// unknownBoard is a board code the deployment does not have.
func unknownBoard(field, code string) *Error {
	return fault(field, CodeUnknownBoard, "không có Ban quản lý mã "+quote(code), "no board has code "+quote(code))
}

// version finds the procedure, the version in force on the submission
// date and the variant.
func (im *run) version(l *dossierLine, submitted time.Time) (*workflow.Procedure, *workflow.Version, *Error) {
	cat := im.eng.Catalogue()
	p, err := cat.Procedure(l.Procedure)
	if err != nil {
		valid := strings.Join(cat.Order, ", ")
		return nil, nil, fault("procedure", CodeUnknownProcedure, fmt.Sprintf("không có thủ tục %q (có: %s)", l.Procedure, valid),
			fmt.Sprintf("unknown procedure %q (valid: %s)", l.Procedure, valid))
	}
	v, err := p.VersionAt(submitted)
	if err != nil {
		day := submitted.Format("02/01/2006")
		return nil, nil, fault("procedure", CodeNoVersion, fmt.Sprintf("thủ tục %s không có phiên bản hiệu lực ngày %s", p.Code, day),
			fmt.Sprintf("procedure %s has no version in force on %s", p.Code, day))
	}
	if _, err := v.Variant(l.Variant); err != nil {
		codes := make([]string, len(v.Variants))
		for i := range v.Variants {
			codes[i] = v.Variants[i].Code
		}
		valid := strings.Join(codes, ", ")
		return nil, nil, fault("variant", CodeUnknownVariant,
			fmt.Sprintf("thủ tục %s (phiên bản %s) không có loại %q (có: %s)", p.Code, v.ID, l.Variant, valid),
			fmt.Sprintf("procedure %s (version %s) has no variant %q (valid: %s)", p.Code, v.ID, l.Variant, valid))
	}
	return p, v, nil
}

// submitInput builds the engine's submission, the zone found by name.
func submitInput(l *dossierLine, ref *boardRef) (workflow.SubmitInput, *Error) {
	in := workflow.SubmitInput{BoardID: ref.board.ID, Board: ref.board, Procedure: l.Procedure, Variant: l.Variant,
		Channel: models.Channel(l.Channel), Title: l.Title, ApplicantName: l.Applicant.Name,
		ApplicantTaxCode: l.Applicant.TaxCode, ApplicantEmail: l.Applicant.Email, ApplicantPhone: l.Applicant.Phone}
	if l.Zone != "" {
		id, ok := ref.zone(l.Zone)
		if !ok {
			return in, unknownZone("zone", l.Zone, ref)
		}
		in.ZoneID = &id
	}
	return in, nil
}

// attachDocuments records the documents the line lists, or else every
// document the variant requires, as received on paper (no file): with the
// receive event, as the receipt (form 01) lists them, or with the
// submission when the dossier was never received.
func attachDocuments(l *dossierLine, v *workflow.Version, in *workflow.SubmitInput, events []event) {
	docs := l.Documents
	if docs == nil {
		docs = v.RequiredDocuments(l.Variant)
	}
	atts := make([]workflow.AttachmentInput, len(docs))
	for i, c := range docs {
		atts[i] = workflow.AttachmentInput{DocumentCode: c, FileName: c + " (bản giấy / on paper)"}
	}
	for i := range events {
		if events[i].name == workflow.EventReceive {
			events[i].in.Attachments = atts
			return
		}
	}
	in.Attachments = atts
}

// unknownZone is a zone name the board does not have.
func unknownZone(field, name string, ref *boardRef) *Error {
	return fault(field, CodeUnknownZone, fmt.Sprintf("Ban %s không có khu công nghiệp %q", ref.board.Code, name),
		fmt.Sprintf("board %s has no industrial zone %q", ref.board.Code, name))
}

// dossierInvestment is the line's investment input, which goes with its
// approve event: a line with investment data must have one.
func dossierInvestment(l *dossierLine, ref *boardRef, events []event) (*workflow.InvestmentInput, *Error) {
	if l.Investment == nil {
		return nil, nil
	}
	for _, ev := range events {
		if ev.name == workflow.EventApprove {
			return l.Investment.input(ref, "investment")
		}
	}
	return nil, fault("investment", "invalid_investment",
		"thông tin dự án đầu tư đi kèm sự kiện approve, nhưng hồ sơ này không có sự kiện approve",
		"investment data goes with the approve event, and this dossier has none")
}

// input is the engine's investment input, the zone found by name.
func (inv *investment) input(ref *boardRef, prefix string) (*workflow.InvestmentInput, *Error) {
	in := &workflow.InvestmentInput{ProjectCode: inv.ProjectCode, Name: inv.Name, Foreign: inv.Foreign,
		Capital: inv.Capital, Currency: inv.Currency}
	if inv.Zone != "" {
		id, ok := ref.zone(inv.Zone)
		if !ok {
			return nil, unknownZone(prefix+".zone", inv.Zone, ref)
		}
		in.ZoneID = &id
	}
	return in, nil
}

// submitPath maps the fields of the engine's submission errors to the line's.
func submitPath(field string) string {
	switch field {
	case "board_id":
		return "board"
	case "applicant_name":
		return "applicant.name"
	case "attachments":
		return "documents"
	}
	return field
}

// eventPath maps the fields of the engine's errors on events[i] to the
// line's: the event's own fields under events[i], the documents and the
// investment at the top of the line.
func eventPath(i int) func(string) string {
	p := fmt.Sprintf("events[%d]", i)
	return func(field string) string {
		switch {
		case field == "attachments":
			return "documents"
		case strings.HasPrefix(field, "investment"):
			return investmentPath("investment", field)
		case field == "new_due_date":
			return p + ".extension.new_due_date"
		}
		return join(p, field)
	}
}
