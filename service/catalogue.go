package service

import (
	"time"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/errs"
	"github.com/motcua/motcua/workflow"
)

// ProcedureView is a procedure with the version in force on a day.
type ProcedureView struct {
	Procedure *workflow.Procedure
	Version   *workflow.Version
}

// Procedures lists each procedure's version in force on day (public: an
// investor looks before signing in; publishing it is a Decision 766
// transparency indicator). A procedure not in force that day is left out.
func (s *Service) Procedures(day time.Time) []ProcedureView {
	cat := s.eng.Catalogue()
	out := make([]ProcedureView, 0, len(cat.Order))
	for _, code := range cat.Order {
		p := cat.Procedures[code]
		if v, err := p.VersionAt(day); err == nil {
			out = append(out, ProcedureView{Procedure: p, Version: v})
		}
	}
	return out
}

// DuePreview is the appointment a dossier received at an instant would get.
type DuePreview struct {
	Procedure  string
	Version    string
	Variant    string
	ClockStart time.Time
	DueAt      time.Time
	Period     deadlines.Period
}

// PreviewDue computes the appointment of a dossier of procedure and
// variant received at received.
func (s *Service) PreviewDue(procedure, variant string, received time.Time) (*DuePreview, error) {
	if err := checkTexts(textField{"code", procedure, limitCode, true}, textField{"variant", variant, limitCode, false}); err != nil {
		return nil, err
	}
	p, err := s.eng.Catalogue().Procedure(procedure)
	if err != nil {
		return nil, errs.NotFound("code", "không có thủ tục "+procedure, err.Error())
	}
	v, err := p.VersionAt(received)
	if err != nil {
		return nil, errs.Rule("no_version_in_force", "received_at", "thủ tục không có phiên bản có hiệu lực vào ngày đó", err.Error())
	}
	rules, err := v.Rules(variant, s.eng.Catalogue().OneStop)
	if err != nil {
		return nil, errs.Invalid("variant", "loại hồ sơ không hợp lệ", err.Error())
	}
	cal := s.eng.Calendar()
	start := cal.ClockStart(received, rules.Cutoff)
	return &DuePreview{Procedure: p.Code, Version: v.ID, Variant: variant, ClockStart: start,
		DueAt: deadlines.EndOfDay(cal.DueDate(start, rules.Period)), Period: rules.Period}, nil
}

// Holidays is the year's schedule of days off and Saturdays worked.
func (s *Service) Holidays(year int) (deadlines.YearSchedule, error) {
	if year < 1900 || year > 2199 {
		return deadlines.YearSchedule{}, errs.Invalid("year", "năm phải từ 1900 đến 2199", "year must be between 1900 and 2199")
	}
	return s.eng.Calendar().Year(year), nil
}
