package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// AuditReason says what is wrong with a history row or an anchor.
type AuditReason string

// The breaks VerifyAudit finds.
const (
	// AuditHashMismatch: the row's hash is not that of its content and
	// link: the row was edited.
	AuditHashMismatch AuditReason = "hash_mismatch"
	// AuditPrevMismatch: the row's prev_hash is not the hash of the row
	// before it: a row was deleted, inserted or reordered.
	AuditPrevMismatch AuditReason = "prev_hash_mismatch"
	// AuditVersionGap: the row's version does not follow the one before
	// (the first must be 1): a row was deleted, inserted or reordered.
	AuditVersionGap AuditReason = "version_gap"
	// AuditDossierVersion: the dossier's version is not its last row's:
	// a row was appended or the last one deleted.
	AuditDossierVersion AuditReason = "dossier_version"
	// AuditLastHash: the dossier's last_hash is not its last row's hash.
	AuditLastHash AuditReason = "last_hash_mismatch"
	// AuditAnchorMismatch: a day's anchor differs from the one recomputed
	// from the rows: that day's history, or an earlier one, was rewritten.
	AuditAnchorMismatch AuditReason = "anchor_mismatch"
	// AuditAnchorMissing: a day with rows has no anchor though a later
	// day has one: the anchor was deleted, or rows were backdated.
	AuditAnchorMissing AuditReason = "anchor_missing"
)

// auditReasonText describes each reason in Vietnamese and English.
var auditReasonText = map[AuditReason]string{
	AuditHashMismatch:   "nội dung dòng lịch sử đã bị sửa / content edited",
	AuditPrevMismatch:   "liên kết tới dòng trước bị sai: dòng bị xoá, chèn hoặc đảo thứ tự / prev_hash mismatch: row deleted, inserted or reordered",
	AuditVersionGap:     "phiên bản không liên tiếp: dòng bị xoá, chèn hoặc đảo thứ tự / gap in versions: row deleted, inserted or reordered",
	AuditDossierVersion: "phiên bản hồ sơ khác phiên bản dòng cuối / dossier version differs from its last row's",
	AuditLastHash:       "mã băm cuối của hồ sơ khác dòng cuối / dossier last_hash differs from its last row's hash",
	AuditAnchorMismatch: "mốc neo ngày không khớp: lịch sử đã bị viết lại / anchor mismatch: history rewritten",
	AuditAnchorMissing:  "thiếu mốc neo của một ngày có dữ liệu / anchor missing for a day with rows",
}

// Text describes the reason in Vietnamese and English.
func (r AuditReason) Text() string { return auditReasonText[r] }

// AuditBreak is the first broken row of a dossier's chain, or a broken
// anchor.
type AuditBreak struct {
	Reason    AuditReason
	DossierID uint64 // 0 for an anchor
	Code      string // the dossier's code
	RowID     uint64 // the history row's id; 0 when none (a dossier without rows, an anchor)
	Seq       int    // the row's version
	BoardID   uint   // for an anchor
	Day       string // for an anchor
	Detail    string // the values that disagree
}

// String names the break: the row (or anchor), the reason and the detail.
func (b AuditBreak) String() string {
	if b.Day != "" {
		return fmt.Sprintf("anchor board %d day %s: %s (%s)", b.BoardID, b.Day, b.Reason.Text(), b.Detail)
	}
	return fmt.Sprintf("dossier %s (id %d) history row id %d version %d: %s (%s)", b.Code, b.DossierID, b.RowID,
		b.Seq, b.Reason.Text(), b.Detail)
}

// AuditOptions selects what VerifyAudit walks: one board (0 for every
// board); with Since set, only dossiers changed from then on and anchors
// from that day on.
type AuditOptions struct {
	BoardID uint
	Since   time.Time
}

// AuditReport is what VerifyAudit found: what it walked, and the first
// break of each broken chain and each broken anchor, in dossier then day
// order.
type AuditReport struct {
	Dossiers int
	Rows     int
	Anchors  int
	Breaks   []AuditBreak
}

// OK reports whether nothing is broken.
func (r *AuditReport) OK() bool { return len(r.Breaks) == 0 }

// First returns the first break, or nil.
func (r *AuditReport) First() *AuditBreak {
	if len(r.Breaks) == 0 {
		return nil
	}
	return &r.Breaks[0]
}

// auditDossier is what the walk reads of a dossier.
type auditDossier struct {
	ID       uint64
	Code     string
	Version  int
	LastHash string
}

// VerifyAudit walks every chain opts selects, then the anchors, and
// reports the first broken row of each chain and every broken anchor.
// An error is returned only when the database cannot be read.
func VerifyAudit(ctx context.Context, db *gorm.DB, opts AuditOptions) (*AuditReport, error) {
	rep := &AuditReport{}
	var after uint64
	for {
		ds, err := auditBatch(ctx, db, opts, after)
		if err != nil {
			return nil, err
		}
		if len(ds) == 0 {
			break
		}
		if err := verifyChains(ctx, db, ds, rep); err != nil {
			return nil, err
		}
		after = ds[len(ds)-1].ID
	}
	if err := verifyAnchors(ctx, db, opts, rep); err != nil {
		return nil, err
	}
	return rep, nil
}

// auditBatch reads the next dossiers opts selects after id after.
func auditBatch(ctx context.Context, db *gorm.DB, opts AuditOptions, after uint64) ([]auditDossier, error) {
	q := db.WithContext(ctx).Table("dossiers").Select("id, code, version, last_hash").Where("id > ?", after)
	if opts.BoardID != 0 {
		q = q.Where("board_id = ?", opts.BoardID)
	}
	if !opts.Since.IsZero() {
		q = q.Where("updated_at >= ?", opts.Since.UTC())
	}
	var ds []auditDossier
	if err := q.Order("id").Limit(sealBatch).Scan(&ds).Error; err != nil {
		return nil, fmt.Errorf("store: dossiers to verify: %w", err)
	}
	return ds, nil
}

// verifyChains walks the chains of ds, adding each one's first break.
func verifyChains(ctx context.Context, db *gorm.DB, ds []auditDossier, rep *AuditReport) error {
	ids := make([]uint64, len(ds))
	for i, d := range ds {
		ids[i] = d.ID
	}
	rows, err := chainRows(ctx, db, ids)
	if err != nil {
		return err
	}
	byDossier := make(map[uint64][]chainRow, len(ds))
	for _, r := range rows {
		byDossier[r.DossierID] = append(byDossier[r.DossierID], r)
	}
	for _, d := range ds {
		rep.Dossiers++
		rep.Rows += len(byDossier[d.ID])
		if b := verifyChain(d, byDossier[d.ID]); b != nil {
			rep.Breaks = append(rep.Breaks, *b)
		}
	}
	return nil
}

// verifyChain returns the first break of dossier d's rows (in version
// order), or nil. Each row is checked for its place (version), its link
// (prev_hash) and its content (hash), in that order; then the dossier
// against its last row.
func verifyChain(d auditDossier, rows []chainRow) *AuditBreak {
	prev := GenesisHash
	for i := range rows {
		r := &rows[i]
		brk := func(reason AuditReason, detail string) *AuditBreak {
			return &AuditBreak{Reason: reason, DossierID: d.ID, Code: d.Code, RowID: r.ID, Seq: r.Seq, Detail: detail}
		}
		if r.Seq != i+1 {
			return brk(AuditVersionGap, fmt.Sprintf("version %d where %d was expected", r.Seq, i+1))
		}
		if r.PrevHash != prev {
			return brk(AuditPrevMismatch, fmt.Sprintf("prev_hash %s, previous row's hash %s", short(r.PrevHash), short(prev)))
		}
		if h := EventHash(r.PrevHash, d.Code, &r.DossierEvent); h != r.Hash {
			return brk(AuditHashMismatch, fmt.Sprintf("stored hash %s, content hashes to %s", short(r.Hash), short(h)))
		}
		prev = r.Hash
	}
	var last *chainRow
	if len(rows) > 0 {
		last = &rows[len(rows)-1]
	}
	brk := func(reason AuditReason, detail string) *AuditBreak {
		b := &AuditBreak{Reason: reason, DossierID: d.ID, Code: d.Code, Detail: detail}
		if last != nil {
			b.RowID, b.Seq = last.ID, last.Seq
		}
		return b
	}
	if d.Version != len(rows) {
		return brk(AuditDossierVersion, fmt.Sprintf("dossier at version %d, last history row at version %d", d.Version, len(rows)))
	}
	if len(rows) > 0 && d.LastHash != prev {
		return brk(AuditLastHash, fmt.Sprintf("dossier last_hash %s, last row's hash %s", short(d.LastHash), short(prev)))
	}
	return nil
}

// short abbreviates a hash for a message.
func short(h string) string {
	if len(h) > 12 {
		return h[:12] + "…"
	}
	if h == "" {
		return "(empty)"
	}
	return h
}

// verifyAnchors recomputes every stored anchor opts selects, board by
// board, and reports those that differ and the days with rows but no
// anchor between a board's first and last anchors.
func verifyAnchors(ctx context.Context, db *gorm.DB, opts AuditOptions, rep *AuditReport) error {
	f := AnchorFilter{BoardID: opts.BoardID}
	if !opts.Since.IsZero() {
		f.Since = AuditDay(opts.Since)
	}
	anchors, err := Anchors(ctx, db, f)
	if err != nil {
		return err
	}
	byBoard := map[uint][]AuditAnchor{}
	var boards []uint
	for _, a := range anchors {
		if byBoard[a.BoardID] == nil {
			boards = append(boards, a.BoardID)
		}
		byBoard[a.BoardID] = append(byBoard[a.BoardID], a)
	}
	for _, b := range sortedUints(boards) {
		if err := verifyBoardAnchors(ctx, db, b, byBoard[b], rep); err != nil {
			return err
		}
	}
	return nil
}

// verifyBoardAnchors checks one board's anchors (in day order).
func verifyBoardAnchors(ctx context.Context, db *gorm.DB, board uint, anchors []AuditAnchor, rep *AuditReport) error {
	from, err := ParseAuditDay(anchors[0].Day)
	if err != nil {
		return err
	}
	lastDay, err := ParseAuditDay(anchors[len(anchors)-1].Day)
	if err != nil {
		return err
	}
	digests, err := boardDays(ctx, db, board, from, lastDay.AddDate(0, 0, 1))
	if err != nil {
		return err
	}
	stored := map[string]bool{}
	var breaks []AuditBreak
	for _, a := range anchors {
		rep.Anchors++
		stored[a.Day] = true
		g := digests[a.Day]
		if g == nil {
			g = newDayDigest(board, a.Day)
		}
		if h := g.sum(); h != a.Hash || g.rows != a.Rows {
			breaks = append(breaks, AuditBreak{Reason: AuditAnchorMismatch, BoardID: board, Day: a.Day,
				Detail: fmt.Sprintf("stored %s over %d rows, recomputed %s over %d rows", short(a.Hash), a.Rows, short(h), g.rows)})
		}
	}
	for _, day := range sortedDays(digests) {
		if !stored[day] {
			breaks = append(breaks, AuditBreak{Reason: AuditAnchorMissing, BoardID: board, Day: day,
				Detail: fmt.Sprintf("%d rows written that day", digests[day].rows)})
		}
	}
	sortBreaksByDay(breaks)
	rep.Breaks = append(rep.Breaks, breaks...)
	return nil
}
