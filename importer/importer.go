package importer

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"gorm.io/gorm"

	"github.com/motcua/motcua/workflow"
)

// Options control an import.
type Options struct {
	// DryRun checks and replays the whole file, then rolls everything back.
	DryRun bool
	// Now is the present: an instant after it is refused, as no history
	// lies in the future. Zero means time.Now().
	Now time.Time
}

// maxLine bounds one line of the file.
const maxLine = 16 << 20

// savepoint is the name of each line's savepoint.
const savepoint = "motcua_import_line"

// run is one import in progress: its transaction and what it has counted.
type run struct {
	ctx   context.Context
	tx    *gorm.DB
	eng   *workflow.Engine
	now   time.Time
	look  *lookup
	sum   Summary
	procs tally
	errs  Errors
}

// done is what one good line replayed: an opening project, or a dossier of
// proc with its history rows.
type done struct {
	proc   *workflow.Procedure
	events int
}

// Run imports the JSON Lines read from r into db, all or nothing: one
// transaction, each line in a savepoint. A faulty line is rolled back to
// its savepoint, its fault recorded, and the import goes on, so that every
// fault is found. At the end, any fault rolls everything back and Run
// returns them all as Errors; a dry run rolls back too; otherwise it
// commits. The summary counts the good lines. Any other error (reading r,
// the database) stops the import and writes nothing.
func Run(ctx context.Context, db *gorm.DB, eng *workflow.Engine, r io.Reader, opts Options) (*Summary, error) {
	tx := db.WithContext(ctx).Begin()
	if tx.Error != nil {
		return nil, fmt.Errorf("importer: begin: %w", tx.Error)
	}
	defer tx.Rollback() // after a commit, a harmless no-op
	im := &run{ctx: ctx, tx: tx, eng: eng, now: opts.Now, procs: tally{},
		look: &lookup{tx: tx, boards: map[string]*boardRef{}}}
	if im.now.IsZero() {
		im.now = time.Now()
	}
	im.sum.DryRun = opts.DryRun
	err := im.readAll(r)
	im.sum.ByProcedure = im.procs.ordered(eng.Catalogue())
	switch {
	case err != nil:
		return &im.sum, err
	case len(im.errs) > 0:
		return &im.sum, im.errs
	case opts.DryRun:
		return &im.sum, nil
	}
	if err := tx.Commit().Error; err != nil {
		return &im.sum, fmt.Errorf("importer: commit: %w", err)
	}
	im.sum.Committed = true
	return &im.sum, nil
}

// readAll imports r line by line; blank lines and lines starting with #
// are skipped but counted.
func (im *run) readAll(r io.Reader) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	for sc.Scan() {
		im.sum.Lines++
		text := bytes.TrimSpace(sc.Bytes())
		if im.sum.Lines == 1 {
			text = bytes.TrimPrefix(text, []byte("\xef\xbb\xbf")) // a byte-order mark, as spreadsheets write
		}
		if len(text) == 0 || text[0] == '#' {
			im.sum.Skipped++
			continue
		}
		if err := im.line(text); err != nil {
			return fmt.Errorf("importer: dòng / line %d: %w", im.sum.Lines, err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("importer: dòng / line %d: %w", im.sum.Lines+1, err)
	}
	return nil
}

// line imports one line in its savepoint: kept when good, rolled back
// and recorded when faulty.
func (im *run) line(text []byte) error {
	v, fe := decodeLine(text)
	if fe != nil {
		im.fail(fe)
		return nil
	}
	if err := im.tx.SavePoint(savepoint).Error; err != nil {
		return err
	}
	var d *done
	var err error
	switch l := v.(type) {
	case *projectLine:
		d, fe, err = im.project(l.Project)
	case *dossierLine:
		d, fe, err = im.dossier(l)
	}
	if err == nil && fe == nil {
		im.count(d)
		return im.tx.Exec("RELEASE SAVEPOINT " + savepoint).Error
	}
	if rerr := im.tx.RollbackTo(savepoint).Error; rerr != nil {
		return errors.Join(err, rerr)
	}
	if err != nil {
		return err
	}
	im.fail(fe)
	return nil
}

// fail records the fault of the current line.
func (im *run) fail(e *Error) {
	e.Line = im.sum.Lines
	im.errs = append(im.errs, e)
}

// count adds a good line to the summary.
func (im *run) count(d *done) {
	if d.proc == nil {
		im.sum.Projects++
		return
	}
	im.sum.Dossiers++
	im.sum.Events += d.events
	im.procs.add(d.proc, d.events)
}
