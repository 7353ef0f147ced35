package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/motcua/motcua/config"
	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/models"
)

// maxBreaksShown is how many breaks verify-audit prints after the first.
const maxBreaksShown = 20

// auditFlags are the flags of verify-audit and audit-anchors.
type auditFlags struct {
	board string    // board code; "" for every board
	since time.Time // zero for everything
	day   string    // since as YYYY-MM-DD
}

// parseAuditFlags parses --board and --since.
func parseAuditFlags(name string, args []string, out io.Writer) (auditFlags, error) {
	var f auditFlags
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&f.board, "board", "", "the board's code, e.g. HBI (default: every board)")
	since := fs.String("since", "", "from day YYYY-MM-DD (Asia/Ho_Chi_Minh; default: all history)")
	if err := fs.Parse(args); err != nil {
		return f, err
	}
	if fs.NArg() > 0 {
		return f, fmt.Errorf("%s: unexpected argument %q", name, fs.Arg(0))
	}
	f.board = strings.ToUpper(strings.TrimSpace(f.board))
	if *since != "" {
		t, err := models.ParseAuditDay(*since)
		if err != nil {
			return f, fmt.Errorf("%s --since: ngày phải có dạng YYYY-MM-DD / must be YYYY-MM-DD, got %q", name, *since)
		}
		f.since, f.day = t, *since
	}
	return f, nil
}

// auditBoard resolves --board to its id (0 for every board).
func auditBoard(ctx context.Context, db *gorm.DB, name, code string) (uint, error) {
	if code == "" {
		return 0, nil
	}
	b, err := models.GetBoardByCode(ctx, db, code)
	if err != nil {
		return 0, fmt.Errorf("%s --board: không có Ban quản lý mã %q / no board has code %q", name, code, code)
	}
	return b.ID, nil
}

// auditRun is what verify-audit and audit-anchors start from: their
// flags, the configured database (its schema current) and the board
// --board names (0 for every board).
type auditRun struct {
	auditFlags
	db      *gorm.DB
	boardID uint
}

// startAudit parses name's flags, opens the database and resolves --board.
func startAudit(ctx context.Context, cfg config.Config, name string, args []string, out io.Writer) (*auditRun, error) {
	f, err := parseAuditFlags(name, args, out)
	if err != nil {
		return nil, err
	}
	db, err := openDB(cfg)
	if err != nil {
		return nil, err
	}
	if err := models.CheckSchema(db); err != nil {
		return nil, err
	}
	board, err := auditBoard(ctx, db, name, f.board)
	if err != nil {
		return nil, err
	}
	return &auditRun{auditFlags: f, db: db, boardID: board}, nil
}

// verifyAudit walks the history chains and the anchors, prints the first
// break and the others (up to maxBreaksShown), and fails on any break;
// otherwise it prints a one-line summary.
func verifyAudit(cfg config.Config, args []string, out io.Writer) error {
	ctx := context.Background()
	r, err := startAudit(ctx, cfg, "verify-audit", args, out)
	if err != nil {
		return err
	}
	rep, err := models.VerifyAudit(ctx, r.db, models.AuditOptions{BoardID: r.boardID, Since: r.since})
	if err != nil {
		return err
	}
	return printAudit(out, rep)
}

// printAudit writes what VerifyAudit found and returns an error on a break.
func printAudit(out io.Writer, rep *models.AuditReport) error {
	if rep.OK() {
		fmt.Fprintf(out, "lịch sử toàn vẹn / audit OK: %d dossiers, %d history rows, %d anchors verified\n",
			rep.Dossiers, rep.Rows, rep.Anchors)
		return nil
	}
	fmt.Fprintf(out, "FIRST BREAK / CHỖ HỎNG ĐẦU TIÊN: %s\n", rep.First())
	for i, b := range rep.Breaks[1:] {
		if i == maxBreaksShown {
			fmt.Fprintf(out, "… %d more / còn %d chỗ nữa\n", len(rep.Breaks)-1-i, len(rep.Breaks)-1-i)
			break
		}
		fmt.Fprintf(out, "break: %s\n", b)
	}
	return fmt.Errorf("verify-audit: phát hiện %d chỗ hỏng trong lịch sử / %d breaks in the history "+
		"(%d dossiers, %d rows, %d anchors walked)", len(rep.Breaks), len(rep.Breaks), rep.Dossiers, rep.Rows, rep.Anchors)
}

// auditAnchors writes the anchors of the finished days not yet anchored
// (as the sweep does), then prints the anchors selected: day, board code,
// hash, rows and dossiers, one per line, for an operator to publish.
func auditAnchors(cfg config.Config, args []string, out io.Writer) error {
	ctx := context.Background()
	r, err := startAudit(ctx, cfg, "audit-anchors", args, out)
	if err != nil {
		return err
	}
	if _, err := models.WriteAnchors(ctx, r.db, time.Now()); err != nil {
		return err
	}
	anchors, err := models.Anchors(ctx, r.db, models.AnchorFilter{BoardID: r.boardID, Since: r.day})
	if err != nil {
		return err
	}
	codes, err := boardCodes(ctx, r.db)
	if err != nil {
		return err
	}
	fmt.Fprintln(out, "day\tboard\thash\trows\tdossiers")
	for _, a := range anchors {
		fmt.Fprintf(out, "%s\t%s\t%s\t%d\t%d\n", a.Day, codes[a.BoardID], a.Hash, a.Rows, a.Dossiers)
	}
	return nil
}

// boardCodes maps every board's id to its code.
func boardCodes(ctx context.Context, db *gorm.DB) (map[uint]string, error) {
	var boards []models.Board
	if err := db.WithContext(ctx).Find(&boards).Error; err != nil {
		return nil, fmt.Errorf("audit-anchors: boards: %w", err)
	}
	out := make(map[uint]string, len(boards))
	for _, b := range boards {
		out[b.ID] = b.Code
	}
	return out, nil
}

// anchorJob is the scheduled job that writes the audit anchors of the
// days finished since the last run.
func anchorJob(db *gorm.DB) deadlines.Job {
	return func(ctx context.Context, now time.Time) error {
		_, err := models.WriteAnchors(ctx, db, now)
		return err
	}
}
