package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/motcua/motcua/config"
	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/internal/fuzztest"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/models/modelstest"
	"github.com/motcua/motcua/reports"
	"github.com/motcua/motcua/service"
	"github.com/motcua/motcua/workflow"
)

// backupLoad files dossiers at HBI's desk and takes each through receipt,
// assignment, proposal, approval and return, through the service, until
// stopped; it counts the events fired.
type backupLoad struct {
	svc     *service.Service
	officer *service.Principal
	leader  *service.Principal
	papers  []service.FileInput
	fired   atomic.Int64
	err     error
}

// run drives dossiers until stop is closed.
func (l *backupLoad) run(stop <-chan struct{}) {
	ctx := context.Background()
	for i := 0; ; i++ {
		select {
		case <-stop:
			return
		default:
		}
		v, _, err := l.svc.SubmitWithFiles(ctx, l.officer, service.SubmitRequest{Procedure: "construction-permit",
			Variant: "new", Channel: "direct", ApplicantName: "Công ty TNHH Sao Lưu"}, "", l.papers)
		if err != nil {
			l.err = err
			return
		}
		l.fired.Add(1)
		for n, step := range []struct {
			who   *service.Principal
			event string
		}{{l.officer, "receive"}, {l.officer, "assign"}, {l.officer, "propose"}, {l.leader, "approve"}, {l.officer, "return_result"}} {
			if i%3 == 0 && n == 3 {
				break // a third stay in progress
			}
			req := service.EventRequest{Event: step.event, Version: v.Version + n}
			if step.event == "approve" {
				req.Result = &service.ResultRequest{Medium: "paper"}
			}
			if _, _, err := l.svc.Fire(ctx, step.who, v.Code, req); err != nil {
				l.err = err
				return
			}
			l.fired.Add(1)
		}
	}
}

// TestBackupUnderLoad: `motcua backup` copies the SQLite database while
// another connection keeps filing dossiers and firing their events
// through the service. The copy opens as motcua opens a database, its
// schema is current, every dossier's version equals its history rows, its
// counters are exactly a recount's, and Biểu 06 of the month computed from
// its counters equals the report computed after rebuilding them from the
// dossiers on the copy. The copy is a moment of the load: it holds some
// of the dossiers, not all. A second backup to the same file is refused.
func TestBackupUnderLoad(t *testing.T) {
	dir := t.TempDir()
	environ := append(os.Environ(), "DATABASE_URL="+filepath.Join(dir, "motcua.db"), "MOTCUA_DATA_DIR="+dir, "MOTCUA_CONFIG_DIR=")
	cmd := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := runWith(args, environ, strings.NewReader(""), &out, quiet)
		return out.String(), err
	}
	if out, err := cmd("migrate"); err != nil {
		t.Fatal(err, out)
	}
	load := newBackupLoad(t, environ)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); load.run(stop) }()
	waitFired(t, load, 40)
	copyPath := filepath.Join(dir, "sao-luu", "motcua-copy.db")
	os.MkdirAll(filepath.Dir(copyPath), 0o750)
	out, err := cmd("backup", copyPath)
	atBackup := load.fired.Load()
	if err != nil {
		close(stop)
		wg.Wait()
		t.Fatalf("backup under load: %v %s", err, out)
	}
	waitFired(t, load, atBackup+20)
	close(stop)
	wg.Wait()
	if load.err != nil {
		t.Fatalf("the load: %v", load.err)
	}
	if _, err := cmd("backup", copyPath); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Fatalf("a second backup over the first: %v", err)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(copyPath), ".*partial*")); len(leftovers) > 0 {
		t.Fatalf("temporary files left: %v", leftovers)
	}
	checkRestored(t, copyPath, load)
}

// newBackupLoad signs HBI's officer and leader in on their own connection.
func newBackupLoad(t *testing.T, environ []string) *backupLoad {
	t.Helper()
	cfg := loadConfig(t, environ)
	eng, db, err := openCurrent(cfg)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 16, 9, 0, 0, 0, deadlines.Location)
	svc := service.New(service.Deps{DB: db, Engine: eng, DataDir: cfg.DataDir, Now: func() time.Time { return now },
		Sleep: func(time.Duration) {}})
	board := models.Board{Code: "HBI", NameVI: "Ban Quản lý các KCN tỉnh Hòa Bình", AgencyCode: "000.20.30.H33"}
	if err := db.Create(&board).Error; err != nil {
		t.Fatal(err)
	}
	hash, _ := models.HashPassword("mật-khẩu-sao-lưu")
	l := &backupLoad{svc: svc}
	for _, u := range []struct {
		name string
		into **service.Principal
	}{{"hbi.officer", &l.officer}, {"hbi.leader", &l.leader}} {
		role := strings.TrimPrefix(u.name, "hbi.")
		if err := db.Create(&models.User{Username: u.name, FullName: u.name, Role: role, BoardID: &board.ID,
			PasswordHash: hash, Active: true, EmailVerifiedAt: &now}).Error; err != nil {
			t.Fatal(err)
		}
		s, err := svc.Login(context.Background(), service.Credentials{Username: u.name, Password: "mật-khẩu-sao-lưu", IP: "10.0.0.1"})
		if err != nil {
			t.Fatal(err)
		}
		*u.into = s.Principal
	}
	proc, _ := eng.Catalogue().Procedure("construction-permit")
	v, err := proc.VersionAt(now)
	if err != nil {
		t.Fatal(err)
	}
	for _, code := range v.RequiredDocuments("new") {
		l.papers = append(l.papers, service.FileInput{DocumentCode: code})
	}
	return l
}

// waitFired waits until the load has fired n events (or failed).
func waitFired(t *testing.T, l *backupLoad, n int64) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for l.fired.Load() < n && l.err == nil {
		if time.Now().After(deadline) {
			t.Fatalf("the load fired %d events in 2 minutes, not %d", l.fired.Load(), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// checkRestored opens the copy as a restored database and checks it.
func checkRestored(t *testing.T, path string, load *backupLoad) {
	t.Helper()
	db, err := models.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if sqlDB, err := db.DB(); err == nil {
		t.Cleanup(func() { sqlDB.Close() })
	}
	if err := models.CheckSchema(db); err != nil {
		t.Fatalf("the copy's schema: %v", err)
	}
	var copied, events int64
	db.Model(&models.Dossier{}).Count(&copied)
	db.Model(&models.DossierEvent{}).Count(&events)
	if copied == 0 || events >= load.fired.Load() {
		t.Fatalf("the copy holds %d dossiers and %d events of %d fired: not a moment of the load", copied, events, load.fired.Load())
	}
	t.Logf("the copy holds %d dossiers and %d events; the load fired %d", copied, events, load.fired.Load())
	fuzztest.VersionsMatchHistory(t, db)
	var audit bytes.Buffer
	env := append(os.Environ(), "DATABASE_URL="+path, "MOTCUA_DATA_DIR="+filepath.Dir(path), "MOTCUA_CONFIG_DIR=")
	if err := runWith([]string{"verify-audit"}, env, strings.NewReader(""), &audit, quiet); err != nil ||
		!strings.Contains(audit.String(), "audit OK") {
		t.Fatalf("verify-audit on the copy: %v\n%s", err, audit.String())
	}
	if _, err := models.WriteAnchors(context.Background(), db, time.Now().Add(48*time.Hour)); err != nil {
		t.Fatal(err)
	}
	audit.Reset()
	if err := runWith([]string{"verify-audit"}, env, strings.NewReader(""), &audit, quiet); err != nil ||
		!strings.Contains(audit.String(), "audit OK") || strings.Contains(audit.String(), " 0 anchors") {
		t.Fatalf("verify-audit on the copy, anchored: %v\n%s", err, audit.String())
	}
	t.Logf("verify-audit on the copy: %s", strings.TrimSpace(audit.String()))
	eng := loadEngineForTest(t)
	period, err := reports.ParsePeriod("2026-11")
	if err != nil {
		t.Fatal(err)
	}
	q := reports.Query{Period: period, Now: time.Date(2026, 11, 16, 18, 0, 0, 0, deadlines.Location)}
	kept, err := reports.Bieu06(context.Background(), db, eng.Catalogue(), q)
	if err != nil {
		t.Fatalf("the copy's report: %v", err)
	}
	if cells := modelstest.CheckCounters(t, db); cells == 0 {
		t.Fatal("the copy has no report counters: the check would prove nothing")
	}
	recounted, err := reports.Bieu06(context.Background(), db, eng.Catalogue(), q)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(kept, recounted) {
		t.Fatalf("Biểu 06 of the copy differs from a recount on the copy:\n%+v\n%+v", kept.Total, recounted.Total)
	}
	if kept.Total.ReceivedTotal == 0 {
		t.Fatalf("the copy's report counts nothing: %+v", kept.Total)
	}
}

// loadConfig reads the configuration of environ.
func loadConfig(t *testing.T, environ []string) config.Config {
	t.Helper()
	cfg, err := config.Load(environ)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// loadEngineForTest is the embedded catalogue's engine.
func loadEngineForTest(t *testing.T) *workflow.Engine {
	t.Helper()
	eng, err := loadEngine(loadConfig(t, os.Environ()))
	if err != nil {
		t.Fatal(err)
	}
	return eng
}
