package models

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// AuditAnchor is a board's daily anchor: for a day of Asia/Ho_Chi_Minh,
// a hash over the hash of the last row written that day of each dossier
// of the board that had one (see newDayDigest), and the number of rows written
// that day. Once written it is never rewritten; an operator may print and
// publish it (`motcua audit-anchors`), so that a history rewritten in the
// database, with valid hashes, still differs from what was published.
type AuditAnchor struct {
	ID        uint64 `gorm:"primaryKey"`
	BoardID   uint   `gorm:"not null;uniqueIndex:idx_audit_anchors_board_day,priority:1"`
	Day       string `gorm:"size:10;not null;uniqueIndex:idx_audit_anchors_board_day,priority:2"` // YYYY-MM-DD
	Hash      string `gorm:"size:64;not null"`
	Rows      int64  `gorm:"not null"` // history rows of the board written that day
	Dossiers  int64  `gorm:"not null"` // dossiers of the board with a row written that day
	CreatedAt time.Time
}

// auditZone is Asia/Ho_Chi_Minh, UTC+7 without daylight saving since 1975:
// the zone of the anchors' days.
var auditZone = time.FixedZone("ICT", 7*3600)

// auditDayLayout is how an anchor's day is written.
const auditDayLayout = "2006-01-02"

// anchorDomain opens an anchor's encoding.
const anchorDomain = "motcua/audit_anchor/v1"

// ErrAnchorRewritten is returned when recomputing an anchor already
// written gives another hash: the history was changed since.
var ErrAnchorRewritten = errors.New("store: audit anchor differs from the one written")

// AuditDay returns the anchor day (YYYY-MM-DD, Asia/Ho_Chi_Minh) of t.
func AuditDay(t time.Time) string { return t.In(auditZone).Format(auditDayLayout) }

// ParseAuditDay reads a YYYY-MM-DD day as its first instant in
// Asia/Ho_Chi_Minh.
func ParseAuditDay(s string) (time.Time, error) {
	t, err := time.ParseInLocation(auditDayLayout, s, auditZone)
	if err != nil {
		return time.Time{}, fmt.Errorf("store: day %q is not YYYY-MM-DD", s)
	}
	return t, nil
}

// dayDigest hashes one board's day as its rows are read: the anchor's hash, fed
// dossier by dossier in ascending id order, so that memory does not grow
// with the number of dossiers.
type dayDigest struct {
	rows     int64
	dossiers int64
	h        hash.Hash
}

// newDayDigest starts the anchor hash of board and day: the SHA-256, in
// hexadecimal, of the fields (encoded as eventEncodingV1 does)
// anchorDomain, the board id and the day, then, for each dossier in
// ascending id order, its id and the hash of its last row written that day.
func newDayDigest(boardID uint, day string) *dayDigest {
	e := auditEncoder{}
	e.str(anchorDomain)
	e.uint(uint64(boardID))
	e.str(day)
	g := &dayDigest{h: sha256.New()}
	g.h.Write(e.b)
	return g
}

// add feeds a dossier's last row of the day; dossiers come in ascending id order.
func (g *dayDigest) add(dossierID uint64, last string) {
	e := auditEncoder{}
	e.uint(dossierID)
	e.str(last)
	g.h.Write(e.b)
	g.dossiers++
}

// sum is the anchor's hash.
func (g *dayDigest) sum() string { return hex.EncodeToString(g.h.Sum(nil)) }

// anchorRow is what the anchors read of a history row.
type anchorRow struct {
	DossierID uint64
	Seq       int
	Hash      string
	CreatedAt time.Time
}

// boardDays digests the rows of board written on the days from (inclusive)
// to before (exclusive), keyed by day; a zero from means from the start.
// The query's bounds are a day wider than asked (SQLite compares instants
// as text, in the zone they were written in); the days are cut in Go.
func boardDays(ctx context.Context, db *gorm.DB, boardID uint, from, before time.Time) (map[string]*dayDigest, error) {
	q := db.WithContext(ctx).Table("dossier_events e").Select("e.dossier_id, e.seq, e.hash, e.created_at").
		Joins("JOIN dossiers d ON d.id = e.dossier_id").
		Where("d.board_id = ? AND e.created_at < ?", boardID, before.Add(24*time.Hour).UTC())
	if !from.IsZero() {
		q = q.Where("e.created_at >= ?", from.Add(-24*time.Hour).UTC())
	}
	rows, err := q.Order("e.dossier_id, e.seq").Rows()
	if err != nil {
		return nil, fmt.Errorf("store: read history for anchors: %w", err)
	}
	defer rows.Close()
	out := map[string]*dayDigest{}
	var cur uint64
	curLast := map[string]string{} // day → hash of the current dossier's last row that day
	flush := func() {
		for day, h := range curLast {
			out[day].add(cur, h)
		}
		clear(curLast)
	}
	for rows.Next() {
		var r anchorRow
		if err := rows.Scan(&r.DossierID, &r.Seq, &r.Hash, &r.CreatedAt); err != nil {
			return nil, fmt.Errorf("store: read history for anchors: %w", err)
		}
		if r.CreatedAt.Before(from) || !r.CreatedAt.Before(before) {
			continue
		}
		if r.DossierID != cur {
			flush()
			cur = r.DossierID
		}
		day := AuditDay(r.CreatedAt)
		if out[day] == nil {
			out[day] = newDayDigest(boardID, day)
		}
		out[day].rows++
		curLast[day] = r.Hash // rows come in version order: the last one stays
	}
	flush()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: read history for anchors: %w", err)
	}
	return out, nil
}

// sortedDays returns the days of m in order.
func sortedDays(m map[string]*dayDigest) []string {
	days := make([]string, 0, len(m))
	for d := range m {
		days = append(days, d)
	}
	slices.Sort(days)
	return days
}

// anchorGrace is how long after a day's end its anchor waits: a
// transition stamped just before midnight may commit just after it.
const anchorGrace = 10 * time.Minute

// WriteAnchors writes the anchors of every finished day (ended at least
// anchorGrace before now, Asia/Ho_Chi_Minh) after each board's last
// anchor that had history rows written, and returns how many it wrote. It is idempotent: a day already
// anchored is left alone, and an anchor written concurrently by another
// process must equal this one's, or ErrAnchorRewritten is returned.
func WriteAnchors(ctx context.Context, db *gorm.DB, now time.Time) (int, error) {
	var boards []uint
	if err := db.WithContext(ctx).Table("boards").Order("id").Pluck("id", &boards).Error; err != nil {
		return 0, fmt.Errorf("store: boards to anchor: %w", err)
	}
	today, _ := ParseAuditDay(AuditDay(now.Add(-anchorGrace)))
	total := 0
	for _, b := range boards {
		n, err := writeBoardAnchors(ctx, db, b, today)
		if err != nil {
			return total, err
		}
		total += n
	}
	return total, nil
}

// writeBoardAnchors writes board's anchors for the days after its last one
// and before today.
func writeBoardAnchors(ctx context.Context, db *gorm.DB, board uint, today time.Time) (int, error) {
	var last string
	if err := db.WithContext(ctx).Model(&AuditAnchor{}).Where("board_id = ?", board).
		Select("COALESCE(MAX(day), '')").Scan(&last).Error; err != nil {
		return 0, fmt.Errorf("store: last anchor of board %d: %w", board, err)
	}
	var from time.Time
	if last != "" {
		t, err := ParseAuditDay(last)
		if err != nil {
			return 0, err
		}
		from = t.AddDate(0, 0, 1)
	}
	if !from.IsZero() && !from.Before(today) {
		return 0, nil
	}
	digests, err := boardDays(ctx, db, board, from, today)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, day := range sortedDays(digests) {
		g := digests[day]
		a := AuditAnchor{BoardID: board, Day: day, Hash: g.sum(), Rows: g.rows, Dossiers: g.dossiers,
			CreatedAt: time.Now().UTC()}
		wrote, err := insertAnchor(ctx, db, &a)
		if err != nil {
			return n, err
		}
		if wrote {
			n++
		}
	}
	return n, nil
}

// insertAnchor writes a unless its board and day are anchored already, in
// which case the stored anchor must equal it.
func insertAnchor(ctx context.Context, db *gorm.DB, a *AuditAnchor) (bool, error) {
	res := db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(a)
	if res.Error != nil {
		return false, fmt.Errorf("store: write anchor of board %d on %s: %w", a.BoardID, a.Day, res.Error)
	}
	if res.RowsAffected == 1 {
		return true, nil
	}
	var stored AuditAnchor
	if err := db.WithContext(ctx).Where("board_id = ? AND day = ?", a.BoardID, a.Day).First(&stored).Error; err != nil {
		return false, notFound(err, fmt.Sprintf("anchor of board %d on %s", a.BoardID, a.Day))
	}
	if stored.Hash != a.Hash || stored.Rows != a.Rows {
		return false, fmt.Errorf("%w: board %d on %s: stored %s (%d rows), recomputed %s (%d rows)",
			ErrAnchorRewritten, a.BoardID, a.Day, stored.Hash, stored.Rows, a.Hash, a.Rows)
	}
	return false, nil
}

// AnchorFilter selects anchors: of one board (0 for every board), from a
// day on ("" for every day).
type AnchorFilter struct {
	BoardID uint
	Since   string
}

// Anchors lists the anchors f selects, by day then board.
func Anchors(ctx context.Context, db *gorm.DB, f AnchorFilter) ([]AuditAnchor, error) {
	q := db.WithContext(ctx).Order("day, board_id")
	if f.BoardID != 0 {
		q = q.Where("board_id = ?", f.BoardID)
	}
	if f.Since != "" {
		q = q.Where("day >= ?", f.Since)
	}
	var out []AuditAnchor
	if err := q.Find(&out).Error; err != nil {
		return nil, fmt.Errorf("store: anchors: %w", err)
	}
	return out, nil
}

// sortedUints returns ids in ascending order.
func sortedUints(ids []uint) []uint { return slices.Sorted(slices.Values(ids)) }

// sortBreaksByDay orders anchor breaks by day.
func sortBreaksByDay(bs []AuditBreak) {
	slices.SortStableFunc(bs, func(a, b AuditBreak) int { return strings.Compare(a.Day, b.Day) })
}
