package service

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/models"
)

// A file travels to the store in three steps, so that a process killed at
// any point leaves nothing a later process cannot put right:
//
//  1. it is written under this process's staging area,
//     attachments/.staging/<instance>/.upload-*;
//  2. once checked, it is renamed there to yyyy-mm-<name> and hard-linked
//     to its final name attachments/yyyy/mm/<name>, before the
//     transaction that records its row;
//  3. after that transaction (committed or not), the staging name is
//     removed (and, when the row was not written, the final name too).
//
// The staging area of a live process is locked: the process holds a flock
// on its directory, attachments/.staging/<instance>, for as long as it
// lives; the kernel releases it however the process ends. At startup,
// SweepFiles settles the staging areas whose lock nobody holds: a staged
// file whose row exists keeps its final name, any other is removed with its
// final name. Several replicas may share the data directory: a file a live
// replica is still writing or recording is in that replica's locked area,
// so no other replica touches it.

// stagingDirName is the directory of the staging areas under attachments/.
const stagingDirName = ".staging"

// stagedPrefix names a file still being received.
const stagedPrefix = ".upload-"

// staging is this process's staging area, opened on first use.
type staging struct {
	once sync.Once
	dir  string   // attachments/.staging/<instance>
	lock *os.File // the directory, flocked until the process ends
	err  error
}

// stagingRoot is the directory of every process's staging area.
func (f *fileStore) stagingRoot() string { return filepath.Join(f.dir, "attachments", stagingDirName) }

// area returns this process's staging directory, creating and locking it
// on first use.
func (f *fileStore) area() (string, error) {
	f.staging.once.Do(func() {
		f.staging.dir, f.staging.lock, f.staging.err = openArea(f.stagingRoot())
	})
	return f.staging.dir, f.staging.err
}

// openArea creates a staging area of a fresh instance name under root and
// locks it: the directory is created, then locked, then checked to still
// be the directory at its name (a sweeper may have removed it, found
// unlocked and empty, in between), else another name is tried.
func openArea(root string) (string, *os.File, error) {
	if err := os.MkdirAll(root, 0o750); err != nil {
		return "", nil, fmt.Errorf("service: staging area: %w", err)
	}
	for range 5 {
		id, err := randomName()
		if err != nil {
			return "", nil, err
		}
		dir := filepath.Join(root, id)
		if err := os.Mkdir(dir, 0o750); err != nil {
			return "", nil, fmt.Errorf("service: staging area: %w", err)
		}
		lock, err := os.Open(dir)
		if err != nil {
			return "", nil, fmt.Errorf("service: staging area: %w", err)
		}
		if ok, err := lockOwn(lock); err != nil || !ok || !sameFile(lock, dir) {
			lock.Close()
			continue
		}
		return dir, lock, nil
	}
	return "", nil, errors.New("service: staging area: no lock could be taken")
}

// sameFile reports whether the open file f is still the file at path.
func sameFile(f *os.File, path string) bool {
	a, err := f.Stat()
	if err != nil {
		return false
	}
	b, err := os.Stat(path)
	return err == nil && os.SameFile(a, b)
}

// stagedName is the staging name of the file whose final name is
// attachments/yyyy/mm/name: yyyy-mm-name.
func stagedName(month, name string) string { return strings.ReplaceAll(month, "/", "-") + "-" + name }

// keyOfStaged is the storage key a staging name stands for, and whether it
// is one.
func keyOfStaged(staged string) (string, bool) {
	parts := strings.SplitN(staged, "-", 3)
	if len(parts) != 3 || len(parts[0]) != 4 || len(parts[1]) != 2 || len(parts[2]) != 32 {
		return "", false
	}
	return "attachments/" + parts[0] + "/" + parts[1] + "/" + parts[2], true
}

// storeMonth is the yyyy/mm of t's local month, the directory a file stored
// at t goes to.
func storeMonth(t time.Time) string {
	t = t.In(deadlines.Location)
	return t.Format("2006") + "/" + t.Format("01")
}

// FileSweep counts what SweepFiles did.
type FileSweep struct {
	Areas    int // staging areas of dead processes settled
	Kept     int // staged files whose row exists, kept under their final name
	Removed  int // files without a row removed (staged, final, or left by an older motcua)
	LiveSkip int // staging areas of live processes left alone
}

// SweepFiles removes the files a killed process left without a row, and
// logs each: it settles the staging areas no live process holds, then
// walks attachments/yyyy/mm/ for files without a row that no live
// process is recording (left by a motcua older than the staging areas),
// and for temporary files older than an hour there. serve runs it at
// startup; it is safe while other replicas serve.
func (s *Service) SweepFiles(ctx context.Context) (FileSweep, error) {
	var sw FileSweep
	if _, err := s.files.area(); err != nil {
		return sw, err
	}
	if err := s.settleAreas(ctx, &sw); err != nil {
		return sw, err
	}
	if err := s.sweepFinals(ctx, &sw); err != nil {
		return sw, err
	}
	if sw != (FileSweep{LiveSkip: sw.LiveSkip}) {
		s.log.Info("files swept", "areas", sw.Areas, "kept", sw.Kept, "removed", sw.Removed, "live_areas", sw.LiveSkip)
	}
	return sw, nil
}

// settleAreas settles every staging area whose lock it can take.
func (s *Service) settleAreas(ctx context.Context, sw *FileSweep) error {
	root := s.files.stagingRoot()
	entries, err := os.ReadDir(root)
	if err != nil {
		return fmt.Errorf("service: staging areas: %w", err)
	}
	for _, e := range entries {
		dir := filepath.Join(root, e.Name())
		if !e.IsDir() || dir == s.files.staging.dir {
			continue
		}
		if err := s.settleArea(ctx, dir, sw); err != nil {
			return err
		}
	}
	return nil
}

// settleArea settles the staging area dir if its process is dead.
func (s *Service) settleArea(ctx context.Context, dir string, sw *FileSweep) error {
	lock, err := os.Open(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil // settled by another replica meanwhile
	}
	if err != nil {
		return fmt.Errorf("service: staging area: %w", err)
	}
	defer lock.Close()
	ok, err := tryLock(lock)
	if err != nil {
		return fmt.Errorf("service: staging lock: %w", err)
	}
	if !ok || !sameFile(lock, dir) {
		sw.LiveSkip++
		return nil
	}
	if err := s.settleStaged(ctx, dir, sw); err != nil {
		return err
	}
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("service: remove staging area: %w", err)
	}
	sw.Areas++
	return nil
}

// settleStaged keeps each staged file whose row exists (under its final
// name) and removes the others with their final name.
func (s *Service) settleStaged(ctx context.Context, dir string, sw *FileSweep) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("service: staging area: %w", err)
	}
	byKey := map[string]string{}
	var keys []string
	for _, e := range entries {
		key, ok := keyOfStaged(e.Name())
		if !ok {
			s.removeOrphan(filepath.Join(dir, e.Name()), "a file still being received when its process ended", sw)
			continue
		}
		byKey[key] = filepath.Join(dir, e.Name())
		keys = append(keys, key)
	}
	stored, err := models.StoredKeys(ctx, s.db, keys)
	if err != nil {
		return err
	}
	for _, key := range keys {
		final := filepath.Join(s.files.dir, filepath.FromSlash(key))
		if stored[key] {
			if err := os.Link(byKey[key], final); err != nil && !errors.Is(err, fs.ErrExist) {
				return fmt.Errorf("service: keep staged file: %w", err)
			}
			sw.Kept++
			continue
		}
		s.removeOrphan(final, "recorded by no row: its transaction never committed", sw)
	}
	return nil
}

// removeOrphan removes a file without a row and logs it; a file already
// gone is not counted.
func (s *Service) removeOrphan(path, why string, sw *FileSweep) {
	err := os.Remove(path)
	if errors.Is(err, fs.ErrNotExist) {
		return
	}
	if err != nil {
		s.log.Error("file without a row not removed", "path", path, "err", err)
		return
	}
	sw.Removed++
	s.log.Warn("file without a row removed", "path", path, "why", why)
}

// sweepFinals removes the files under attachments/yyyy/mm/ that no row
// records and no live staging area holds, and temporary files older than
// an hour. The order makes it safe against live uploads: a file is linked
// to its final name only after its staging name exists, and that name
// goes only after the row is committed; so a final name without a row,
// then without a staging name, then still without a row, is an orphan.
func (s *Service) sweepFinals(ctx context.Context, sw *FileSweep) error {
	finals, temps, err := s.files.listFinals()
	if err != nil {
		return err
	}
	for _, t := range temps {
		if info, err := os.Stat(t); err == nil && s.now().Sub(info.ModTime()) > time.Hour {
			s.removeOrphan(t, "a temporary file of an older motcua", sw)
		}
	}
	candidates, err := s.withoutRow(ctx, finals)
	if err != nil || len(candidates) == 0 {
		return err
	}
	staged, err := s.files.stagedKeys()
	if err != nil {
		return err
	}
	var unstaged []string
	for _, key := range candidates {
		if !staged[key] {
			unstaged = append(unstaged, key)
		}
	}
	orphans, err := s.withoutRow(ctx, unstaged)
	if err != nil {
		return err
	}
	for _, key := range orphans {
		s.removeOrphan(filepath.Join(s.files.dir, filepath.FromSlash(key)), "recorded by no row", sw)
	}
	return nil
}

// withoutRow returns the keys no attachment row records.
func (s *Service) withoutRow(ctx context.Context, keys []string) ([]string, error) {
	stored, err := models.StoredKeys(ctx, s.db, keys)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, k := range keys {
		if !stored[k] {
			out = append(out, k)
		}
	}
	return out, nil
}

// listFinals lists the storage keys of the files under attachments/yyyy/mm/
// and the paths of the temporary files there.
func (f *fileStore) listFinals() (keys, temps []string, err error) {
	root := filepath.Join(f.dir, "attachments")
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.IsDir() {
			if d.Name() == stagingDirName {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasPrefix(d.Name(), stagedPrefix) {
			temps = append(temps, path)
			return nil
		}
		rel, err := filepath.Rel(f.dir, path)
		if err != nil {
			return err
		}
		keys = append(keys, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("service: list files: %w", err)
	}
	return keys, temps, nil
}

// stagedKeys are the storage keys every staging area holds now.
func (f *fileStore) stagedKeys() (map[string]bool, error) {
	names, err := filepath.Glob(filepath.Join(f.stagingRoot(), "*", "*"))
	if err != nil {
		return nil, fmt.Errorf("service: staged files: %w", err)
	}
	out := map[string]bool{}
	for _, n := range names {
		if key, ok := keyOfStaged(filepath.Base(n)); ok {
			out[key] = true
		}
	}
	return out, nil
}
