package service

import (
	"context"
	"crypto/subtle"
	"errors"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/motcua/motcua/errs"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/workflow"
)

// Public tracking: anyone holding the receipt (its code and PIN, or its QR
// code) follows the dossier without signing in. Wrong PINs are counted per
// code and per address over TrackingWindow; past the limits the code, or
// the address, is refused until the window has passed.
const (
	TrackingWindow       = 15 * time.Minute
	TrackingCodeLimit    = 5
	TrackingAddressLimit = 30
	// TrackingPath is the public page a tracking link opens.
	TrackingPath = "/track"
)

// TrackingView is what public tracking shows: the procedure, the state in
// plain words, the appointment and the steps with their dates. Of personal
// data, only the applicant's name; no documents, no comments, no names of
// officers.
type TrackingView struct {
	Code          string
	ApplicantName string
	Board         workflow.Text
	Procedure     workflow.Text
	Variant       workflow.Text
	State         workflow.Text
	StateCode     string
	SubmittedAt   time.Time
	ReceivedAt    *time.Time
	DueAt         *time.Time
	FinishedAt    *time.Time
	Outcome       string
	Steps         []TrackingStep
}

// TrackingStep is one step of the dossier: the event in plain words, when,
// and the state it led to.
type TrackingStep struct {
	Event workflow.Text
	At    time.Time
	State workflow.Text
}

// Track answers code and PIN without sign-in; ip is the client address
// the front end saw. A wrong PIN and an unknown code answer the same.
func (s *Service) Track(ctx context.Context, code, pin, ip string) (*TrackingView, error) {
	code, pin = strings.TrimSpace(code), strings.ReplaceAll(strings.TrimSpace(pin), " ", "")
	if err := checkTrackingInput(code, pin); err != nil {
		return nil, err
	}
	now := s.now()
	counts, err := models.RecordTrackingAttempt(ctx, s.db, code, ip, now, now.Add(-TrackingWindow))
	if err != nil {
		return nil, err
	}
	if counts.Account > TrackingCodeLimit || counts.Address > TrackingAddressLimit {
		return nil, tooManyAttempts(TrackingWindow)
	}
	d, err := models.GetDossierByCode(ctx, s.read, code)
	if errors.Is(err, models.ErrNotFound) || (err == nil && !pinMatches(d.TrackingPIN, pin)) {
		return nil, errs.NotFound("pin", "không tìm thấy hồ sơ với mã hồ sơ và mã tra cứu này",
			"no dossier has this code and PIN")
	}
	if err != nil {
		return nil, err
	}
	if err := models.ClearTrackingFailures(ctx, s.db, code); err != nil {
		return nil, err
	}
	return s.trackingView(ctx, d)
}

// checkTrackingInput refuses a code or PIN that cannot be one.
func checkTrackingInput(code, pin string) error {
	if code == "" || len(code) > maxCodeLength || !utf8.ValidString(code) || strings.ContainsRune(code, 0) {
		return errs.Invalid("code", "mã hồ sơ không hợp lệ", "the dossier code is not valid")
	}
	if pin == "" || len(pin) > 16 || strings.ContainsRune(pin, 0) {
		return errs.Invalid("pin", "mã tra cứu không hợp lệ", "the PIN is not valid")
	}
	return nil
}

// pinMatches compares PINs in constant time; an empty stored PIN matches nothing.
func pinMatches(stored, given string) bool {
	return stored != "" && subtle.ConstantTimeCompare([]byte(stored), []byte(given)) == 1
}

// trackingView renders d for the public.
func (s *Service) trackingView(ctx context.Context, d *models.Dossier) (*TrackingView, error) {
	b, err := models.GetBoard(ctx, s.read, d.BoardID)
	if err != nil {
		return nil, err
	}
	evs, err := models.History(ctx, s.read, d.ID)
	if err != nil {
		return nil, err
	}
	v := &TrackingView{Code: d.Code, ApplicantName: d.ApplicantName, Board: workflow.Text{VI: b.NameVI, EN: b.NameEN},
		StateCode: d.State, SubmittedAt: d.SubmittedAt, ReceivedAt: d.ReceivedAt, DueAt: d.DueAt, FinishedAt: d.FinishedAt,
		Outcome: d.Outcome}
	v.Procedure, v.Variant, v.State = s.names(d)
	_, ver, _ := s.eng.Catalogue().Bound(d)
	for _, e := range evs {
		v.Steps = append(v.Steps, TrackingStep{Event: eventName(ver, e.Event), At: e.At, State: stateName(ver, e.ToState)})
	}
	return v, nil
}

// eventName is an event in plain words; the submission is not a
// catalogue event.
func eventName(v *workflow.Version, code string) workflow.Text {
	if code == string(workflow.EventSubmit) {
		return workflow.Text{VI: "Nộp hồ sơ", EN: "Filed"}
	}
	if v != nil {
		if def, ok := v.Event(workflow.Event(code)); ok {
			return def.Name
		}
	}
	return codeText(code)
}

// stateName is a state in plain words.
func stateName(v *workflow.Version, code string) workflow.Text {
	if v != nil {
		if def, ok := v.State(workflow.State(code)); ok {
			return def.Name
		}
	}
	return codeText(code)
}

// TrackingURL is the public link to a dossier's tracking page, with its
// code and PIN: the receipt prints it as a QR code.
func (s *Service) TrackingURL(d *models.Dossier) string {
	q := url.Values{"code": {d.Code}, "pin": {d.TrackingPIN}}
	return s.publicURL + TrackingPath + "?" + q.Encode()
}
