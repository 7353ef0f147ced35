package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"gorm.io/gorm"

	"github.com/motcua/motcua/config"
	"github.com/motcua/motcua/configs"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/soak"
	"github.com/motcua/motcua/workflow"
)

// soakFlags are the flags of `motcua soak`.
type soakFlags struct {
	url                string
	run                soak.Config
	procedure, variant string
}

func parseSoakFlags(args []string) (soakFlags, error) {
	fs := flag.NewFlagSet("soak", flag.ContinueOnError)
	f := soakFlags{}
	def := env("DATABASE_URL", env("MOTCUA_TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/motcua_test?sslmode=disable"))
	fs.StringVar(&f.url, "db", def, "PostgreSQL URL (a fresh schema is created, seeded with the demo board, and dropped)")
	fs.IntVar(&f.run.Clients, "clients", 16, "concurrent clients")
	fs.DurationVar(&f.run.Duration, "duration", 5*time.Minute, "how long the load runs")
	fs.DurationVar(&f.run.Window, "window", soak.DefaultWindow, "how often a line is printed")
	fs.DurationVar(&f.run.WarmUp, "warmup", soak.DefaultWarmUp, "windows before this are not compared for growth")
	fs.DurationVar(&f.run.SweepEvery, "sweep-every", soak.DefaultSweepEvery, "how often the deadline sweep runs")
	fs.StringVar(&f.procedure, "procedure", "construction-permit", "procedure of the submitted dossiers")
	fs.StringVar(&f.variant, "variant", "new", "variant of the submitted dossiers")
	if err := fs.Parse(args); err != nil {
		return f, err
	}
	if f.run.Clients < 1 || f.run.Duration <= 0 {
		return f, errors.New("soak: -clients must be at least 1 and -duration positive")
	}
	if !models.IsPostgres(f.url) {
		return f, fmt.Errorf("soak needs PostgreSQL: %q is an SQLite path; set -db, DATABASE_URL or MOTCUA_TEST_DATABASE_URL", f.url)
	}
	f.run.Procedure, f.run.Variant = f.procedure, f.variant
	return f, nil
}

// soakCommand runs `motcua soak`: the composed server (API and pages) on a
// fresh PostgreSQL schema with the demo board, on a loopback port, under
// the soak package's mixed load; it fails when the run does not hold up.
func soakCommand(conf config.Config, args []string, _ io.Reader, out io.Writer, _ *slog.Logger) error {
	f, err := parseSoakFlags(args)
	if err != nil {
		return err
	}
	schema := fmt.Sprintf("soak_%d", time.Now().UnixNano())
	db, cleanup, err := soakSchema(f.url, schema, 4*f.run.Clients)
	if err != nil {
		return err
	}
	defer cleanup()
	fmt.Fprintf(out, "soak: fresh schema %s\n", schema)
	res, err := runSoak(context.Background(), conf, db, f.run, nil, out)
	if err != nil {
		return err
	}
	return res.Check()
}

// runSoak seeds the first demo board into db (migrated), serves the
// composed server on loopback, wrapped by wrap when not nil (a test
// injects faults with it), and runs the load with run's settings.
func runSoak(ctx context.Context, conf config.Config, db *gorm.DB, run soak.Config, wrap func(http.Handler) http.Handler,
	out io.Writer) (*soak.Result, error) {
	eng, err := engineFrom(configs.FS)
	if err != nil {
		return nil, err
	}
	boards, err := demo.LoadBoards(configs.FS)
	if err != nil {
		return nil, err
	}
	if err := demo.Seed(ctx, db, eng, boards[:1], time.Now(), io.Discard); err != nil {
		return nil, err
	}
	if run.Documents, err = soakDocuments(eng, run.Procedure, run.Variant); err != nil {
		return nil, err
	}
	dataDir, err := os.MkdirTemp("", "motcua-soak-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dataDir)
	conf.DataDir, conf.SecureCookies = dataDir, false
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	handler, err := newServer(conf, db, eng, log)
	if err != nil {
		return nil, err
	}
	if wrap != nil {
		handler = wrap(handler)
	}
	base, stop, err := serveLoopback(handler)
	if err != nil {
		return nil, err
	}
	defer stop()
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	run.BaseURL, run.Board, run.Password, run.Out = base, boards[0].Code, demo.Password, out
	run.DBStats = sqlDB.Stats
	run.Sweep = soakSweep(db, eng, log)
	return soak.Run(ctx, run)
}

// soakSweep is the sweep the soak runs every few seconds: the deadline
// alerts, then the expired steps, as `motcua serve`'s schedule does.
func soakSweep(db *gorm.DB, eng *workflow.Engine, log *slog.Logger) func(context.Context, time.Time) error {
	sw, fire := newSweeper(db, eng), fireExpiredJob(db, eng, log)
	return func(ctx context.Context, now time.Time) error {
		if _, err := sw.Run(ctx, now); err != nil {
			return err
		}
		return fire(ctx, now)
	}
}

// soakDocuments are the documents a submit of procedure and variant
// uploads: the required ones, as of now.
func soakDocuments(eng *workflow.Engine, procedure, variant string) ([]string, error) {
	p, err := eng.Catalogue().Procedure(procedure)
	if err != nil {
		return nil, err
	}
	v, err := p.VersionAt(time.Now())
	if err != nil {
		return nil, err
	}
	return v.RequiredDocuments(variant), nil
}

// serveLoopback serves h on a free loopback port; stop shuts it down.
func serveLoopback(h http.Handler) (base string, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	}, nil
}

// soakSchema creates and migrates a fresh schema with a pool of conns
// connections; cleanup drops it.
func soakSchema(raw, schema string, conns int) (*gorm.DB, func(), error) {
	dsn, err := models.WithSearchPath(raw, schema)
	if err != nil {
		return nil, nil, err
	}
	admin, err := models.Open(raw)
	if err != nil {
		return nil, nil, err
	}
	if err := admin.Exec("CREATE SCHEMA " + schema).Error; err != nil {
		return nil, nil, fmt.Errorf("soak: create schema: %w", err)
	}
	cleanup := func() { admin.Exec("DROP SCHEMA " + schema + " CASCADE") }
	db, err := models.Open(dsn)
	if err == nil {
		err = models.Migrate(db)
	}
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	sqlDB, err := db.DB()
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	sqlDB.SetMaxOpenConns(conns)
	sqlDB.SetMaxIdleConns(conns)
	return db, func() { sqlDB.Close(); cleanup() }, nil
}
