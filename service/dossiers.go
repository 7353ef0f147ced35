package service

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/errs"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/workflow"
)

// DossierView is a dossier as its viewer may see it, with what a front end
// shows beside it.
type DossierView struct {
	models.Dossier
	Board     models.Board
	Procedure workflow.Text // the procedure's name
	Variant   workflow.Text // the variant's name
	StateName workflow.Text // the current state in plain words
	// Allowed lists the events the viewer may fire now.
	Allowed []workflow.Event
	// InvestmentKind is what approving the dossier does to its investment
	// project (issue, adjust, terminate), or "".
	InvestmentKind models.InvestmentKind
	Zone           *models.Zone
	// Assignee is the officer in charge; shown to staff only.
	Assignee *UserRef
	// Contacts says whether the applicant's contacts (tax code, email,
	// phone) are for this viewer: staff of the board and the investor.
	Contacts bool
	// Urgency is how near the appointment is, at the service's now.
	Urgency Urgency
}

// Urgency is how near a dossier's appointment is: the pages mark it by
// colour and by words, the inbox sorts by it.
type Urgency string

// The urgencies. Due soon is the dashboard's and the alerts' window:
// DueSoonDays working days ahead, to the end of that day.
const (
	UrgencyNone    Urgency = ""         // finished, or not yet given an appointment
	UrgencyOnTrack Urgency = "on_track" // the appointment is further than the window
	UrgencyDueSoon Urgency = "due_soon" // within DueSoonDays working days
	UrgencyOverdue Urgency = "overdue"  // past the appointment
	UrgencyPaused  Urgency = "paused"   // the clock waits for the applicant
)

// urgency is d's urgency at now, soon being the end of the due-soon window.
func urgency(d *models.Dossier, now, soon time.Time) Urgency {
	switch {
	case d.FinishedAt != nil:
		return UrgencyNone
	case d.ClockState == string(deadlines.ClockPaused):
		return UrgencyPaused
	case d.DueAt == nil:
		return UrgencyNone
	case now.After(*d.DueAt):
		return UrgencyOverdue
	case !d.DueAt.After(soon):
		return UrgencyDueSoon
	}
	return UrgencyOnTrack
}

// UserRef names a user.
type UserRef struct {
	ID         uint
	Name       string
	Department string
}

// maxCodeLength bounds a dossier code in a request: longer ones cannot exist.
const maxCodeLength = 64

// errDossierNotFound is the 404 for a dossier that does not exist or that
// the caller may not see: both answer the same, so codes cannot be probed.
func errDossierNotFound(code string) *errs.Error {
	if !utf8.ValidString(code) || len(code) > maxCodeLength {
		code = "?"
	}
	return errs.NotFound("code", "không tìm thấy hồ sơ "+code, "dossier "+code+" not found")
}

// canSee is the tenancy rule: an investor sees their own dossiers, staff
// their board's.
func canSee(p *Principal, d *models.Dossier) bool {
	if p.Role() == workflow.RoleInvestor {
		return d.InvestorID != nil && *d.InvestorID == p.UserID()
	}
	return p.BoardID() != 0 && p.BoardID() == d.BoardID
}

// visible loads dossier code through db if p may see it; anything else is
// errDossierNotFound.
func (s *Service) visible(ctx context.Context, db *gorm.DB, p *Principal, code string) (*models.Dossier, error) {
	if p == nil {
		return nil, errUnauthenticated()
	}
	if code == "" || len(code) > maxCodeLength || strings.ContainsRune(code, 0) || !utf8.ValidString(code) {
		return nil, errDossierNotFound(code)
	}
	d, err := models.GetDossierByCode(ctx, db, code)
	if errors.Is(err, models.ErrNotFound) || (err == nil && !canSee(p, d)) {
		return nil, errDossierNotFound(code)
	}
	return d, err
}

// Dossier returns dossier code as p sees it.
func (s *Service) Dossier(ctx context.Context, p *Principal, code string) (*DossierView, error) {
	d, err := s.visible(ctx, s.db, p, code)
	if err != nil {
		return nil, err
	}
	views, err := s.views(ctx, s.db, p, []models.Dossier{*d})
	if err != nil {
		return nil, err
	}
	return &views[0], nil
}

// views renders dossiers for p, reading each board, zone and assignee once
// from db: the replica for a listing, the primary for the dossier just
// written.
func (s *Service) views(ctx context.Context, db *gorm.DB, p *Principal, ds []models.Dossier) ([]DossierView, error) {
	ref, err := s.loadRefs(ctx, db, ds)
	if err != nil {
		return nil, err
	}
	now := s.now()
	soon := deadlines.EndOfDay(s.eng.Calendar().AddWorkingDays(now, DueSoonDays))
	out := make([]DossierView, len(ds))
	for i := range ds {
		out[i] = s.view(p, &ds[i], ref)
		out[i].Urgency = urgency(&ds[i], now, soon)
	}
	return out, nil
}

// refs are the rows dossiers point to.
type refs struct {
	boards map[uint]models.Board
	zones  map[uint]models.Zone
	users  map[uint]models.User
}

// loadRefs reads the boards, zones and assignees of ds in three queries.
func (s *Service) loadRefs(ctx context.Context, db *gorm.DB, ds []models.Dossier) (*refs, error) {
	var boards, zones, users []uint
	for _, d := range ds {
		boards = append(boards, d.BoardID)
		if d.ZoneID != nil {
			zones = append(zones, *d.ZoneID)
		}
		if d.AssigneeID != nil {
			users = append(users, *d.AssigneeID)
		}
	}
	r := &refs{}
	var err error
	if r.boards, err = models.BoardsByID(ctx, db, boards); err != nil {
		return nil, err
	}
	if r.zones, err = models.ZonesByID(ctx, db, zones); err != nil {
		return nil, err
	}
	if r.users, err = models.UsersByID(ctx, db, users); err != nil {
		return nil, err
	}
	return r, nil
}

// view renders one dossier.
func (s *Service) view(p *Principal, d *models.Dossier, r *refs) DossierView {
	v := DossierView{Dossier: *d, Board: r.boards[d.BoardID], Allowed: s.eng.Allowed(d, p.Role()),
		InvestmentKind: s.eng.InvestmentKind(d), Contacts: true}
	v.Procedure, v.Variant, v.StateName = s.names(d)
	if d.ZoneID != nil {
		if z, ok := r.zones[*d.ZoneID]; ok {
			v.Zone = &z
		}
	}
	if d.AssigneeID != nil && p.Staff() {
		u := r.users[*d.AssigneeID]
		v.Assignee = &UserRef{ID: *d.AssigneeID, Name: displayName(&u), Department: u.Department}
	}
	return v
}

// names are the dossier's procedure, variant and state in plain words,
// their codes when the catalogue no longer has them.
func (s *Service) names(d *models.Dossier) (proc, variant, state workflow.Text) {
	proc, variant, state = codeText(d.Procedure), codeText(d.Variant), codeText(d.State)
	p, v, err := s.eng.Catalogue().Bound(d)
	if err != nil {
		return
	}
	proc = p.Name
	if vr, err := v.Variant(d.Variant); err == nil {
		variant = vr.Name
	}
	if st, ok := v.State(workflow.State(d.State)); ok {
		state = st.Name
	}
	return
}

// codeText labels a code with itself in both languages.
func codeText(code string) workflow.Text { return workflow.Text{VI: code, EN: code} }

// displayName is a user's full name, or their username.
func displayName(u *models.User) string {
	if u.FullName != "" {
		return u.FullName
	}
	return u.Username
}

// History returns the control sheet of dossier code: every history row.
func (s *Service) History(ctx context.Context, p *Principal, code string) (*models.Dossier, []HistoryRow, error) {
	d, err := s.visible(ctx, s.db, p, code)
	if err != nil {
		return nil, nil, err
	}
	evs, err := models.History(ctx, s.db, d.ID)
	if err != nil {
		return nil, nil, err
	}
	rows := make([]HistoryRow, len(evs))
	for i := range evs {
		rows[i] = historyRow(evs[i])
	}
	return d, rows, nil
}

// HistoryRow is one row of the control sheet, with what the event recorded.
type HistoryRow struct {
	models.DossierEvent
	Data workflow.EventData
}

// historyRow decodes a history row's data.
func historyRow(ev models.DossierEvent) HistoryRow {
	return HistoryRow{DossierEvent: ev, Data: workflow.DecodeEventData(ev.Data)}
}

// errVersion refuses a version the dossier has not reached.
func errVersion(asked, current int) *errs.Error {
	return errs.Invalid("version", fmt.Sprintf("phiên bản %d chưa tồn tại: hồ sơ đang ở phiên bản %d", asked, current),
		fmt.Sprintf("version %d does not exist yet: the dossier is at version %d", asked, current))
}
