package service

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/errs"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/workflow"
)

// Page sizes of searches and inboxes.
const (
	DefaultPageSize = 50
	MaxPageSize     = 200
)

// SearchQuery narrows a search of the caller's dossiers. Zero values do not
// filter. Syntax (numbers, dates) is the front end's to parse; the service
// checks that the values exist.
type SearchQuery struct {
	States       []string
	Procedure    string
	Channel      string
	ZoneID       uint
	AssigneeID   uint
	Overdue      bool
	DueBefore    *time.Time // a local date: due before its start
	ReceivedFrom *time.Time // local dates, both included
	ReceivedTo   *time.Time
	Text         string // part of the code, the applicant's name or tax code
	Sort         string // "" or "newest" (default), "due"
	Cursor       string // the Next of the previous page
	Limit        int    // 0: DefaultPageSize
}

// DossierPage is one page of dossiers and the cursor of the next page
// ("" when this is the last).
type DossierPage struct {
	Items []DossierView
	Next  string
}

// Search returns the caller's dossiers: an investor's own, staff their
// board's.
func (s *Service) Search(ctx context.Context, p *Principal, q SearchQuery) (*DossierPage, error) {
	if p == nil {
		return nil, errUnauthenticated()
	}
	f, err := s.filter(p, q)
	if err != nil {
		return nil, err
	}
	return s.page(ctx, p, f)
}

// page runs a filter and renders its page.
func (s *Service) page(ctx context.Context, p *Principal, f models.DossierFilter) (*DossierPage, error) {
	rows, err := models.SearchDossiers(ctx, s.read, f)
	if err != nil {
		return nil, err
	}
	items, err := s.views(ctx, s.read, p, rows)
	if err != nil {
		return nil, err
	}
	out := &DossierPage{Items: items}
	if len(rows) == f.Limit {
		out.Next = encodeCursor(models.CursorOf(&rows[len(rows)-1], f.Sort))
	}
	return out, nil
}

// filter turns a query into the store's filter, within the caller's tenant.
func (s *Service) filter(p *Principal, q SearchQuery) (models.DossierFilter, error) {
	f := models.DossierFilter{Procedure: q.Procedure, Channel: q.Channel, ZoneID: q.ZoneID,
		AssigneeID: q.AssigneeID, Overdue: q.Overdue, DueBefore: q.DueBefore, Text: q.Text,
		Now: s.now().In(deadlines.Location)}
	if err := s.tenant(p, &f); err != nil {
		return f, err
	}
	if err := s.checkFilterValues(q); err != nil {
		return f, err
	}
	f.States = q.States
	if q.ReceivedFrom != nil {
		from := deadlines.DateOf(*q.ReceivedFrom)
		f.ReceivedFrom = &from
	}
	if q.ReceivedTo != nil {
		until := deadlines.DateOf(*q.ReceivedTo).AddDate(0, 0, 1) // inclusive: before the next day
		f.ReceivedUntil = &until
	}
	var err error
	if f.Sort, err = parseSort(q.Sort); err != nil {
		return f, err
	}
	return f, pageOf(q.Cursor, q.Limit, &f)
}

// tenant limits f to the principal's dossiers.
func (s *Service) tenant(p *Principal, f *models.DossierFilter) error {
	switch {
	case p.Role() == workflow.RoleInvestor:
		f.InvestorID = p.UserID()
	case p.BoardID() != 0:
		f.BoardID = p.BoardID()
	default:
		return errs.Forbidden("role_not_allowed", "role", "tài khoản không thuộc Ban nào không xem được hồ sơ",
			"an account of no board sees no dossier")
	}
	return nil
}

// checkFilterValues refuses states, procedures and channels the catalogue
// does not know, naming the parameter.
func (s *Service) checkFilterValues(q SearchQuery) error {
	if err := checkTexts(textField{"q", q.Text, limitSearch, false}, textField{"procedure", q.Procedure, limitCode, false},
		textField{"channel", q.Channel, 16, false}); err != nil {
		return err
	}
	for _, st := range q.States {
		if !s.eng.Catalogue().DefinesState(workflow.State(st)) {
			return errs.Invalid("state", fmt.Sprintf("không có trạng thái %q", st), fmt.Sprintf("there is no state %q", st))
		}
	}
	if q.Procedure != "" {
		if _, err := s.eng.Catalogue().Procedure(q.Procedure); err != nil {
			return errs.Invalid("procedure", fmt.Sprintf("không có thủ tục %q", q.Procedure), fmt.Sprintf("there is no procedure %q", q.Procedure))
		}
	}
	if q.Channel != "" && !slices.Contains(models.Channels, models.Channel(q.Channel)) {
		return errs.Invalid("channel", "kênh nộp phải là online, direct hoặc postal", "channel must be online, direct or postal")
	}
	return nil
}

// parseSort reads the order of a search.
func parseSort(s string) (models.DossierSort, error) {
	switch s {
	case "", "newest":
		return models.SortNewest, nil
	case "due":
		return models.SortDue, nil
	}
	return 0, errs.Invalid("sort", "sort phải là newest hoặc due", "sort must be newest or due")
}

// pageOf reads the cursor and the page size into f.
func pageOf(cursor string, limit int, f *models.DossierFilter) error {
	switch {
	case limit == 0:
		f.Limit = DefaultPageSize
	case limit < 1 || limit > MaxPageSize:
		return errs.Invalid("limit", fmt.Sprintf("limit từ 1 đến %d", MaxPageSize), fmt.Sprintf("limit must be between 1 and %d", MaxPageSize))
	default:
		f.Limit = limit
	}
	c, err := decodeCursor(cursor, f.Sort)
	f.After = c
	return err
}

// encodeCursor writes a keyset position: the id in base 36, and when
// sorted by due, the due instant (Unix nanoseconds, base 36, "n" for none).
func encodeCursor(c models.Cursor) string {
	id := strconv.FormatUint(c.ID, 36)
	switch {
	case c.DueNull:
		return "n." + id
	case c.Due != nil:
		return strconv.FormatInt(c.Due.UnixNano(), 36) + "." + id
	}
	return id
}

// decodeCursor reads a cursor written by encodeCursor for the same order;
// anything else (another spelling of the same numbers too: capitals, a
// sign, leading zeros), or an id past the database's range, is refused.
func decodeCursor(s string, sort models.DossierSort) (models.Cursor, error) {
	if s == "" {
		return models.Cursor{}, nil
	}
	c, ok := parseCursor(s, sort)
	if !ok || encodeCursor(c) != s {
		return models.Cursor{}, errs.Invalid("cursor", "cursor không hợp lệ", "cursor is not valid")
	}
	return c, nil
}

// parseCursor reads the numbers of a cursor for sort.
func parseCursor(s string, sort models.DossierSort) (models.Cursor, bool) {
	var c models.Cursor
	due, id, sorted := strings.Cut(s, ".")
	if !sorted {
		id = due
	}
	if sorted != (sort == models.SortDue) {
		return c, false
	}
	n, err := strconv.ParseUint(id, 36, 64)
	if err != nil || n == 0 || n > math.MaxInt64 {
		return c, false
	}
	c.ID = n
	switch {
	case !sorted:
		return c, true
	case due == "n":
		c.DueNull = true
		return c, true
	}
	ns, err := strconv.ParseInt(due, 36, 64)
	if err != nil {
		return c, false
	}
	t := time.Unix(0, ns).In(deadlines.Location)
	c.Due = &t
	return c, true
}
