package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"gorm.io/gorm"

	"github.com/motcua/motcua/config"
	"github.com/motcua/motcua/models"
)

// pgBackupHelp is what `motcua backup` says on PostgreSQL: the server's
// own tools make a consistent copy of a live database.
const pgBackupHelp = `motcua backup copies the embedded SQLite database; on PostgreSQL use its own tools / ` +
	`trên PostgreSQL hãy dùng công cụ của PostgreSQL:
  pg_dump --format=custom --file=motcua.dump "$DATABASE_URL"
  pg_restore --clean --if-exists --no-owner --dbname="$DATABASE_URL" motcua.dump
(docs/SECURITY.md, "Backups")`

// backupCommand runs `motcua backup FILE`: a consistent copy of the live
// SQLite database, taken while motcua serves, checked, then moved to FILE.
func backupCommand(cfg config.Config, args []string, out io.Writer) error {
	if len(args) != 1 || args[0] == "" || args[0][0] == '-' {
		return errors.New("usage: motcua backup FILE")
	}
	if models.IsPostgres(cfg.DatabaseURL) {
		return errors.New(pgBackupHelp)
	}
	db, err := openDB(cfg)
	if err != nil {
		return err
	}
	if sqlDB, err := db.DB(); err == nil {
		defer sqlDB.Close()
	}
	started := time.Now()
	n, err := backupSQLite(context.Background(), db, args[0])
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "đã sao lưu / backed up %d dossiers to %s in %s\n", n, args[0], time.Since(started).Round(time.Millisecond))
	return nil
}

// backupSQLite writes a copy of db to dest with VACUUM INTO: SQLite reads
// the whole database in one read transaction, so the copy is consistent
// as of one instant, and in WAL mode the server's writers go on meanwhile.
// The copy goes to a temporary file beside dest, is opened and checked
// (integrity, schema), synced, and only then renamed to dest, which must
// not exist. It returns the number of dossiers in the copy.
func backupSQLite(ctx context.Context, db *gorm.DB, dest string) (int64, error) {
	if _, err := os.Lstat(dest); err == nil {
		return 0, fmt.Errorf("backup: %s exists: not overwritten / tệp đã có, không ghi đè", dest)
	}
	tmp, err := tempBeside(dest)
	if err != nil {
		return 0, err
	}
	defer func() {
		for _, p := range []string{tmp, tmp + "-wal", tmp + "-shm"} {
			os.Remove(p)
		}
	}()
	if err := db.WithContext(ctx).Exec("VACUUM INTO ?", tmp).Error; err != nil {
		return 0, fmt.Errorf("backup: vacuum into %s: %w", tmp, err)
	}
	n, err := checkCopy(tmp)
	if err != nil {
		return 0, err
	}
	if fi, err := os.Stat(tmp + "-wal"); err == nil && fi.Size() > 0 {
		return 0, fmt.Errorf("backup: the copy kept a write-ahead log after its check: not kept")
	}
	if err := syncFile(tmp); err != nil {
		return 0, err
	}
	if err := os.Rename(tmp, dest); err != nil {
		return 0, fmt.Errorf("backup: %w", err)
	}
	return n, syncFile(filepath.Dir(dest))
}

// tempBeside names a file that does not exist yet in dest's directory.
func tempBeside(dest string) (string, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("backup: %w", err)
	}
	return filepath.Join(filepath.Dir(dest), "."+filepath.Base(dest)+".partial-"+hex.EncodeToString(b[:])), nil
}

// checkCopy opens the copy as motcua would and checks it: SQLite's
// integrity check, and a schema no migration behind. It returns its
// number of dossiers.
func checkCopy(path string) (int64, error) {
	db, err := models.Open(path)
	if err != nil {
		return 0, fmt.Errorf("backup: open the copy: %w", err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return 0, fmt.Errorf("backup: open the copy: %w", err)
	}
	defer sqlDB.Close()
	var ok string
	if err := db.Raw("PRAGMA integrity_check").Scan(&ok).Error; err != nil || ok != "ok" {
		return 0, fmt.Errorf("backup: the copy fails SQLite's integrity check: %q %v", ok, err)
	}
	if err := models.CheckSchema(db); err != nil {
		return 0, fmt.Errorf("backup: the copy: %w", err)
	}
	var n int64
	if err := db.Model(&models.Dossier{}).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("backup: count the copy's dossiers: %w", err)
	}
	return n, nil
}

// syncFile flushes a file or directory to disk.
func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("backup: sync %s: %w", path, err)
	}
	return nil
}
