package workflow

import (
	"sort"
	"time"

	"github.com/motcua/motcua/deadlines"
)

// FormKind names a one-stop form by what it is, whatever the number a
// circular gives it.
type FormKind string

// The one-stop forms (TT 01/2018/TT-VPCP Art 9; TT 03/2025/TT-VPCP Annex I).
const (
	FormReceipt      FormKind = "receipt"       // giấy tiếp nhận hồ sơ và hẹn trả kết quả
	FormCompletion   FormKind = "completion"    // phiếu yêu cầu bổ sung, hoàn thiện hồ sơ
	FormRefusal      FormKind = "refusal"       // phiếu từ chối tiếp nhận giải quyết hồ sơ
	FormApology      FormKind = "apology"       // phiếu xin lỗi và hẹn lại / văn bản xin lỗi và đề nghị gia hạn
	FormStopNotice   FormKind = "stop_notice"   // thông báo dừng giải quyết hồ sơ (TT 03/2025 only)
	FormControlSheet FormKind = "control_sheet" // phiếu kiểm soát quá trình giải quyết hồ sơ
	FormTrackingBook FormKind = "tracking_book" // sổ theo dõi hồ sơ
)

// FormKinds lists the form kinds.
var FormKinds = []FormKind{FormReceipt, FormCompletion, FormRefusal, FormApology, FormStopNotice, FormControlSheet,
	FormTrackingBook}

// FormSet is the forms of one circular, in force between two dates.
type FormSet struct {
	Circular       string `yaml:"circular" json:"circular"` // e.g. "TT 03/2025/TT-VPCP"
	EffectiveFrom  *Date  `yaml:"effective_from,omitempty" json:"effective_from,omitempty"`
	EffectiveUntil *Date  `yaml:"effective_until,omitempty" json:"effective_until,omitempty"` // exclusive
	Basis          `yaml:",inline"`
	Forms          map[FormKind]FormDef `yaml:"forms" json:"forms"`
}

// FormDef is one form: its number in the circular and its title.
type FormDef struct {
	Number string `yaml:"number" json:"number"`
	Title  Text   `yaml:"title" json:"title"`
}

// inForce reports whether the set applies on t's local date.
func (f FormSet) inForce(t time.Time) bool {
	d := deadlines.DateOf(t)
	return (f.EffectiveFrom == nil || !d.Before(f.EffectiveFrom.Time)) &&
		(f.EffectiveUntil == nil || d.Before(f.EffectiveUntil.Time))
}

// Form returns the circular in force on t's date and its form of kind;
// ok is false when that circular has no such form (the stop notice
// before TT 03/2025).
func (o OneStop) Form(kind FormKind, t time.Time) (set FormSet, def FormDef, ok bool) {
	for _, s := range o.Forms {
		if s.inForce(t) {
			def, ok = s.Forms[kind]
			return s, def, ok
		}
	}
	return FormSet{}, FormDef{}, false
}

// legacyFormKind maps the TT 01/2018 number a history row recorded before
// forms had kinds.
func legacyFormKind(number string) FormKind {
	return map[string]FormKind{"01": FormReceipt, "02": FormCompletion, "03": FormRefusal, "04": FormApology}[number]
}

// sortedFormKinds returns the kinds of m in order, for stable messages.
func sortedFormKinds(m map[FormKind]FormDef) []FormKind {
	out := make([]FormKind, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
