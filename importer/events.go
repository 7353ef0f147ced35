package importer

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/motcua/motcua/workflow"
)

// parseEvents reads a dossier line's events: the first is submit, none
// comes before the one it follows, none lies in the future.
func (im *run) parseEvents(l *dossierLine, board uint) ([]event, *Error) {
	out := make([]event, 0, len(l.Events))
	for i, raw := range l.Events {
		el, e := decodeEvent(raw, i)
		if e != nil {
			return nil, e
		}
		ev, e := im.parseEvent(el, i, board, l.Applicant.Name)
		if e != nil {
			return nil, e
		}
		p := fmt.Sprintf("events[%d]", i)
		switch {
		case i == 0 && ev.name != workflow.EventSubmit:
			return nil, fault(p+".event", CodeFirstNotSubmit, fmt.Sprintf("sự kiện đầu tiên phải là submit, không phải %q", ev.name),
				fmt.Sprintf("the first event must be submit, not %q", ev.name))
		case i > 0 && ev.at.Before(out[i-1].at):
			return nil, fault(p+".at", CodeTimeBackwards,
				fmt.Sprintf("%s trước sự kiện liền trước (%s)", dmy(ev.at), dmy(out[i-1].at)),
				fmt.Sprintf("%s is before the previous event (%s)", dmy(ev.at), dmy(out[i-1].at)))
		}
		out = append(out, ev)
	}
	return out, nil
}

// parseEvent reads events[i]: its name, instant, role, actor, comment and
// extension.
func (im *run) parseEvent(el *eventLine, i int, board uint, applicant string) (event, *Error) {
	p := fmt.Sprintf("events[%d]", i)
	for _, f := range []struct{ name, value string }{{"event", el.Event}, {"at", el.At}, {"role", el.Role}} {
		if strings.TrimSpace(f.value) == "" {
			return event{}, missing(p + "." + f.name)
		}
	}
	ev := event{name: workflow.Event(strings.TrimSpace(el.Event)), in: workflow.Input{Comment: el.Comment, Quiet: true}}
	var e *Error
	if ev.at, e = im.instant(p+".at", el.At); e != nil {
		return ev, e
	}
	role, err := parseRole(el.Role)
	if err != nil {
		return ev, fault(p+".role", CodeInvalidRole, fmt.Sprintf("vai trò %q không hợp lệ (%s)", el.Role, roleList),
			fmt.Sprintf("role %q is not one of %s", el.Role, roleList))
	}
	if e := tooLong(p+".actor", el.Actor, 255); e != nil {
		return ev, e
	}
	ev.actor = workflow.Actor{Role: role, BoardID: board, Name: actorName(el.Actor, role, applicant)}
	if ev.name == workflow.EventSubmit && el.Comment != "" {
		return ev, fault(p+".comment", CodeUnexpectedField, "sự kiện submit không lưu ý kiến: ghi vào title",
			"the submit event keeps no comment: put it in title")
	}
	ev.in.Missing = el.Missing
	if ev.in.Result, e = parseResult(p, el.Result); e != nil {
		return ev, e
	}
	ev.in.Extension, e = parseExtension(p, ev.name, el.Extension)
	return ev, e
}

// parseResult reads a decision's result: paper (the default), since an
// import carries no result file.
func parseResult(p string, r *result) (*workflow.ResultInput, *Error) {
	if r == nil {
		return nil, nil
	}
	if r.Medium != "" && r.Medium != string(workflow.ResultPaper) {
		return nil, fault(p+".result.medium", CodePaperOnly, "dữ liệu nhập không kèm tệp: kết quả chỉ ghi nhận là bản giấy (paper)",
			"an import carries no files: a result is recorded as paper")
	}
	return &workflow.ResultInput{Medium: workflow.ResultPaper, Reference: r.Reference}, nil
}

// paperResults records, on each decision of the line that gives no result,
// a paper original: historical results came on paper, and an import
// carries no files to show otherwise.
func paperResults(v *workflow.Version, events []event) {
	for i := range events {
		def, ok := v.Event(events[i].name)
		if ok && slices.Contains(def.Guards, workflow.GuardResult) && events[i].in.Result == nil {
			events[i].in.Result = &workflow.ResultInput{Medium: workflow.ResultPaper}
		}
	}
}

// instant reads an event's instant and refuses one in the future.
func (im *run) instant(field, s string) (t time.Time, e *Error) {
	if t, e = parseInstant(field, s); e != nil {
		return t, e
	}
	return t, im.notFuture(field, t)
}

// notFuture refuses an instant after the import's present.
func (im *run) notFuture(field string, t time.Time) *Error {
	if !t.After(im.now) {
		return nil
	}
	return fault(field, CodeTimeInFuture, fmt.Sprintf("%s ở tương lai (bây giờ là %s)", dmy(t), dmy(im.now)),
		fmt.Sprintf("%s is in the future (now is %s)", dmy(t), dmy(im.now)))
}

// eventRoles are the roles that fire events.
var eventRoles = []workflow.Role{workflow.RoleInvestor, workflow.RoleOfficer, workflow.RoleLeader,
	workflow.RoleManager, workflow.RoleSystem}

// roleList names eventRoles for messages.
var roleList = "investor, officer, leader, manager, system"

// parseRole reads one of eventRoles.
func parseRole(s string) (workflow.Role, error) {
	r, err := workflow.ParseRole(s)
	for _, ok := range eventRoles {
		if err == nil && r == ok {
			return r, nil
		}
	}
	return "", fmt.Errorf("importer: role %q", s)
}

// roleNames are the default actor names by role; an investor defaults to
// the applicant.
var roleNames = map[workflow.Role]string{workflow.RoleOfficer: "Chuyên viên", workflow.RoleLeader: "Lãnh đạo Ban",
	workflow.RoleManager: "Lãnh đạo Văn phòng", workflow.RoleSystem: "motcua"}

// actorName is the name given, else the applicant for an investor, else
// the role's, marked as imported.
func actorName(given string, role workflow.Role, applicant string) string {
	if s := strings.TrimSpace(given); s != "" {
		return s
	}
	if role == workflow.RoleInvestor {
		return strings.TrimSpace(applicant)
	}
	return roleNames[role] + " (nhập dữ liệu / imported)"
}

// parseExtension reads a propose_extension event's extension; any other
// event may not carry one. The engine checks that its fields are there.
func parseExtension(p string, name workflow.Event, x *extension) (*workflow.ExtensionInput, *Error) {
	if x == nil {
		return nil, nil
	}
	if name != workflow.EventProposeExtension {
		return nil, fault(p+".extension", CodeUnexpectedField,
			fmt.Sprintf("chỉ sự kiện propose_extension có extension, không phải %q", name),
			fmt.Sprintf("only a propose_extension event has an extension, not %q", name))
	}
	out := &workflow.ExtensionInput{Reason: x.Reason, ApologyLetter: x.ApologyLetter}
	if x.NewDueDate != "" {
		d, e := parseDate(p+".extension.new_due_date", x.NewDueDate)
		if e != nil {
			return nil, e
		}
		out.NewDueDate = d
	}
	return out, nil
}
