package bench

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"gorm.io/gorm"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/workflow"
)

// benchConfig are the flags of `motcua bench engine`.
type benchConfig struct {
	url        string
	workers    int
	perWorker  int
	duration   time.Duration
	procedure  string
	variant    string
	cycle      []workflow.Event
	pgbench    bool
	cpuprofile string
}

// Engine runs `motcua bench engine`: transitions per second through the
// engine on PostgreSQL, then pgbench (TPC-B-like) against the same server,
// and the ratio of the two.
func Engine(args []string, env Env, out io.Writer) error {
	cfg, err := parseBench(args, env.DB)
	if err != nil {
		return err
	}
	tps, n, err := benchEngine(context.Background(), env.Engine, cfg, out)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "engine: %d workers × %d dossiers, %s, %d transitions, %.0f transitions/s\n",
		cfg.workers, cfg.perWorker, cfg.duration, n, tps)
	if !cfg.pgbench {
		return nil
	}
	pg, err := runPgbench(cfg)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "pgbench: -c %d -j 2 -T %d (TPC-B-like, scale %d): %.0f tps\n", cfg.workers,
		int(cfg.duration.Seconds()), cfg.workers, pg)
	fmt.Fprintf(out, "ratio engine/pgbench: %.2f (target ≥ 0.80)\n", tps/pg)
	return nil
}

// parseBench parses the flags of `motcua bench engine`; db is the default
// of -db.
func parseBench(args []string, db string) (benchConfig, error) {
	fs := flag.NewFlagSet("bench engine", flag.ContinueOnError)
	cfg := benchConfig{}
	benchDBFlag(fs, &cfg.url, db, "a fresh schema is created and dropped")
	fs.IntVar(&cfg.workers, "workers", 16, "concurrent workers")
	fs.IntVar(&cfg.perWorker, "dossiers", 64, "dossiers per worker, visited in turn (1 = every transition hits the same row)")
	fs.DurationVar(&cfg.duration, "duration", 20*time.Second, "how long each measurement runs")
	fs.StringVar(&cfg.procedure, "procedure", "construction-permit", "procedure of the benchmark dossiers")
	fs.StringVar(&cfg.variant, "variant", "new", "variant of the benchmark dossiers")
	cycle := fs.String("cycle", "consult,consent", "events fired in a loop, from in_review back to in_review")
	fs.BoolVar(&cfg.pgbench, "pgbench", true, "also run pgbench against the same server")
	fs.StringVar(&cfg.cpuprofile, "cpuprofile", "", "write a Go CPU profile of the engine run to this file")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if cfg.workers < 1 || cfg.perWorker < 1 {
		return cfg, errors.New("bench engine: -workers and -dossiers must be at least 1")
	}
	if err := needPostgres("bench engine", cfg.url, "the target is pgbench's figure"); err != nil {
		return cfg, err
	}
	for _, e := range strings.Split(*cycle, ",") {
		cfg.cycle = append(cfg.cycle, workflow.Event(strings.TrimSpace(e)))
	}
	return cfg, nil
}

// benchDBFlag adds -db to a benchmark's flags: its PostgreSQL server, def
// (Env.DB) by default.
func benchDBFlag(fs *flag.FlagSet, url *string, def, what string) {
	fs.StringVar(url, "db", def, "PostgreSQL URL ("+what+"; default DATABASE_URL, else MOTCUA_TEST_DATABASE_URL)")
}

// needPostgres refuses an SQLite path for the benchmark name, saying why
// it needs PostgreSQL.
func needPostgres(name, url, why string) error {
	if models.IsPostgres(url) {
		return nil
	}
	return fmt.Errorf("%s needs PostgreSQL (%s): %q is an SQLite path; "+
		"set -db, DATABASE_URL or MOTCUA_TEST_DATABASE_URL to postgres://…", name, why, url)
}

// benchEngine prepares one dossier per worker in a fresh schema, then has
// each worker fire the cycle's events at its dossier for the duration.
func benchEngine(ctx context.Context, eng *workflow.Engine, cfg benchConfig, out io.Writer) (float64, int64, error) {
	schema := fmt.Sprintf("bench_%d", time.Now().UnixNano())
	db, cleanup, err := benchSchema(cfg.url, schema, cfg.workers)
	if err != nil {
		return 0, 0, err
	}
	defer cleanup()
	ids, err := benchDossiers(ctx, db, eng, cfg)
	if err != nil {
		return 0, 0, err
	}
	fmt.Fprintf(out, "prepared %d dossiers in schema %s\n", len(ids), schema)
	if cfg.cpuprofile != "" {
		f, err := os.Create(cfg.cpuprofile)
		if err != nil {
			return 0, 0, err
		}
		defer f.Close()
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	var done, failed atomic.Int64
	var wg sync.WaitGroup
	deadline := time.Now().Add(cfg.duration)
	start := time.Now()
	for w := 0; w < cfg.workers; w++ {
		wg.Add(1)
		go func(mine []uint64) {
			defer wg.Done()
			benchWorker(ctx, db, eng, cfg, mine, deadline, &done, &failed)
		}(ids[w*cfg.perWorker : (w+1)*cfg.perWorker])
	}
	wg.Wait()
	elapsed := time.Since(start)
	if f := failed.Load(); f > 0 {
		return 0, 0, fmt.Errorf("bench: %d transitions failed", f)
	}
	return float64(done.Load()) / elapsed.Seconds(), done.Load(), nil
}

// benchWorker visits its dossiers in turn; each visit fires the next event
// of the cycle at that dossier.
func benchWorker(ctx context.Context, db *gorm.DB, eng *workflow.Engine, cfg benchConfig, ids []uint64,
	deadline time.Time, done, failed *atomic.Int64) {
	at := benchReceipt.Add(time.Hour)
	for i := 0; time.Now().Before(deadline); i++ {
		ev := cfg.cycle[(i/len(ids))%len(cfg.cycle)]
		if _, _, err := eng.Apply(ctx, db, ids[i%len(ids)], 0, ev, benchOfficer, at, workflow.Input{}); err != nil {
			failed.Add(1)
			return
		}
		done.Add(1)
	}
}

// benchReceipt is the receipt instant of the benchmark dossiers.
var benchReceipt = time.Date(2026, 11, 16, 9, 0, 0, 0, deadlines.Location)

var benchOfficer = workflow.Actor{Role: workflow.RoleOfficer, Name: "bench"}

// benchSchema creates and migrates a fresh schema; cleanup drops it.
func benchSchema(raw, schema string, conns int) (*gorm.DB, func(), error) {
	dsn, err := models.WithSearchPath(raw, schema)
	if err != nil {
		return nil, nil, err
	}
	admin, err := models.Open(raw)
	if err != nil {
		return nil, nil, err
	}
	if err := admin.Exec("CREATE SCHEMA " + schema).Error; err != nil {
		return nil, nil, fmt.Errorf("bench: create schema: %w", err)
	}
	db, err := models.Open(dsn)
	if err == nil {
		err = models.Migrate(db)
	}
	cleanup := func() { admin.Exec("DROP SCHEMA " + schema + " CASCADE") }
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	sqlDB, _ := db.DB()
	sqlDB.SetMaxOpenConns(conns)
	sqlDB.SetMaxIdleConns(conns)
	return db, cleanup, nil
}

// benchDossiers submits, receives and assigns one dossier per worker.
func benchDossiers(ctx context.Context, db *gorm.DB, eng *workflow.Engine, cfg benchConfig) ([]uint64, error) {
	board := models.Board{Code: "BENCH", NameVI: "Ban đo hiệu năng", AgencyCode: "000.00.00.H00"}
	if err := db.Create(&board).Error; err != nil {
		return nil, err
	}
	v, err := benchVersion(eng, cfg)
	if err != nil {
		return nil, err
	}
	ids := make([]uint64, 0, cfg.workers*cfg.perWorker)
	for i := 0; i < cfg.workers*cfg.perWorker; i++ {
		id, err := benchDossier(ctx, db, eng, cfg, board.ID, v.RequiredDocuments(cfg.variant))
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}

func benchVersion(eng *workflow.Engine, cfg benchConfig) (*workflow.Version, error) {
	p, err := eng.Catalogue().Procedure(cfg.procedure)
	if err != nil {
		return nil, err
	}
	return p.VersionAt(benchReceipt)
}

func benchDossier(ctx context.Context, db *gorm.DB, eng *workflow.Engine, cfg benchConfig, board uint,
	docs []string) (uint64, error) {
	var atts []workflow.AttachmentInput
	for _, c := range docs {
		atts = append(atts, workflow.AttachmentInput{DocumentCode: c, FileName: c + ".pdf"})
	}
	var id uint64
	err := models.InTx(ctx, db, func(tx *gorm.DB) error {
		d, err := eng.Submit(ctx, tx, workflow.SubmitInput{BoardID: board, Procedure: cfg.procedure,
			Variant: cfg.variant, Channel: models.ChannelDirect, ApplicantName: "Công ty TNHH Đo Hiệu Năng",
			Attachments: atts}, benchOfficer, benchReceipt)
		if err != nil {
			return err
		}
		id = d.ID
		officer, err := benchAssignee(ctx, tx, board)
		if err != nil {
			return err
		}
		if _, err := eng.Fire(ctx, tx, d, workflow.EventReceive, benchOfficer, benchReceipt, workflow.Input{}); err != nil {
			return err
		}
		_, err = eng.Fire(ctx, tx, d, workflow.EventAssign, benchOfficer, benchReceipt, workflow.Input{AssigneeID: officer})
		return err
	})
	return id, err
}

// benchAssignee is the id of an officer account of board that dossiers
// are assigned to, created the first time.
func benchAssignee(ctx context.Context, tx *gorm.DB, board uint) (*uint, error) {
	u := models.User{BoardID: &board, Username: fmt.Sprintf("bench.assignee.%d", board), FullName: "Chuyên viên đo",
		Role: string(workflow.RoleOfficer), Active: true}
	err := tx.WithContext(ctx).Where("username = ?", u.Username).FirstOrCreate(&u).Error
	return &u.ID, err
}

var tpsLine = regexp.MustCompile(`tps = ([0-9.]+) \(without initial connection time\)`)

// runPgbench initialises a pgbench database on the same server and runs
// the TPC-B-like script with the same client count and duration.
func runPgbench(cfg benchConfig) (float64, error) {
	u, _ := url.Parse(cfg.url)
	u.Path = "/motcua_pgbench"
	q := u.Query()
	q.Del("search_path")
	u.RawQuery = q.Encode()
	target := u.String()
	if err := ensureDatabase(cfg.url, "motcua_pgbench"); err != nil {
		return 0, err
	}
	scale := strconv.Itoa(cfg.workers)
	if b, err := exec.Command("pgbench", "-i", "-q", "-s", scale, target).CombinedOutput(); err != nil {
		return 0, fmt.Errorf("pgbench -i: %v: %s", err, b)
	}
	secs := strconv.Itoa(int(cfg.duration.Seconds()))
	cmd := exec.Command("pgbench", "-c", strconv.Itoa(cfg.workers), "-j", "2", "-T", secs, target)
	cmd.Stderr = os.Stderr
	b, err := cmd.Output()
	if err != nil {
		return 0, fmt.Errorf("pgbench: %v: %s", err, b)
	}
	m := tpsLine.FindSubmatch(b)
	if m == nil {
		return 0, fmt.Errorf("pgbench: no tps line in output:\n%s", b)
	}
	return strconv.ParseFloat(string(m[1]), 64)
}

func ensureDatabase(raw, name string) error {
	db, err := models.Open(raw)
	if err != nil {
		return err
	}
	var n int64
	db.Raw("SELECT count(*) FROM pg_database WHERE datname = ?", name).Scan(&n)
	if n > 0 {
		return nil
	}
	return db.Exec(`CREATE DATABASE "` + name + `"`).Error
}
