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

// batchSize is how many lines share one savepoint while no fault has been
// found. A batch with a faulty line is rolled back and replayed line by
// line, each line in its own savepoint, and so is the rest of the file:
// the outcome is that of a savepoint per line, with two statements per
// batch instead of two per line for a file without faults.
const batchSize = 100

// The savepoints: one per batch, then one per line once a fault is found.
const (
	batchSavepoint = "motcua_import_batch"
	lineSavepoint  = "motcua_import_line"
)

// line is a line of the file to replay, with its number.
type line struct {
	no   int
	text []byte
}

// run is one import in progress: its transaction and what it has counted.
type run struct {
	ctx     context.Context
	tx      *gorm.DB
	eng     *workflow.Engine
	now     time.Time
	look    *lookup
	sum     Summary
	procs   tally
	errs    Errors
	batch   []line // lines read and not yet replayed
	careful bool   // a fault was found: each line goes in its own savepoint
}

// done is what one good line replayed: an opening project, or a dossier of
// proc with its history rows.
type done struct {
	proc   *workflow.Procedure
	events int
}

// Run imports the JSON Lines read from r into db, all or nothing: one
// transaction, each line in a savepoint (a batch of lines shares one
// until a fault is found, see batchSize). A faulty line is rolled back to
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
		if err := im.add(line{no: im.sum.Lines, text: bytes.Clone(text)}); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("importer: dòng / line %d: %w", im.sum.Lines+1, err)
	}
	return im.flush()
}

// add queues a line, and replays the batch once it is full; after a fault,
// it replays the line at once in its own savepoint.
func (im *run) add(l line) error {
	if im.careful {
		return im.one(l)
	}
	im.batch = append(im.batch, l)
	if len(im.batch) < batchSize {
		return nil
	}
	return im.flush()
}

// flush replays the queued lines in one savepoint. If one of them is
// faulty, the batch is rolled back and replayed line by line.
func (im *run) flush() error {
	batch := im.batch
	im.batch = nil
	if len(batch) == 0 {
		return nil
	}
	if err := im.tx.SavePoint(batchSavepoint).Error; err != nil {
		return err
	}
	dones := make([]*done, 0, len(batch))
	for _, l := range batch {
		d, fe, err := im.apply(l.text)
		if err != nil {
			return lineError(l, err)
		}
		if fe != nil {
			return im.replayCarefully(batch)
		}
		dones = append(dones, d)
	}
	for _, d := range dones {
		im.count(d)
	}
	return im.tx.Exec("RELEASE SAVEPOINT " + batchSavepoint).Error
}

// replayCarefully rolls the batch back and replays each of its lines in
// its own savepoint, as every line after it will be.
func (im *run) replayCarefully(batch []line) error {
	if err := im.tx.RollbackTo(batchSavepoint).Error; err != nil {
		return err
	}
	im.careful = true
	for _, l := range batch {
		if err := im.one(l); err != nil {
			return err
		}
	}
	return im.tx.Exec("RELEASE SAVEPOINT " + batchSavepoint).Error
}

// one replays a line in its own savepoint: kept when good, rolled back and
// recorded when faulty.
func (im *run) one(l line) error {
	if err := im.tx.SavePoint(lineSavepoint).Error; err != nil {
		return err
	}
	d, fe, err := im.apply(l.text)
	if err == nil && fe == nil {
		im.count(d)
		return im.tx.Exec("RELEASE SAVEPOINT " + lineSavepoint).Error
	}
	if rerr := im.tx.RollbackTo(lineSavepoint).Error; rerr != nil {
		return lineError(l, errors.Join(err, rerr))
	}
	if err != nil {
		return lineError(l, err)
	}
	fe.Line = l.no
	im.errs = append(im.errs, fe)
	return nil
}

// apply decodes a line and replays it: an opening project or a dossier.
func (im *run) apply(text []byte) (*done, *Error, error) {
	v, fe := decodeLine(text)
	if fe != nil {
		return nil, fe, nil
	}
	if p, ok := v.(*projectLine); ok {
		return im.project(p.Project)
	}
	return im.dossier(v.(*dossierLine))
}

// lineError names the line of an error that stops the import.
func lineError(l line, err error) error {
	return fmt.Errorf("importer: dòng / line %d: %w", l.no, err)
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
