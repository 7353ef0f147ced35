// Command motcua is the one-stop-shop workflow engine for industrial-zone
// management boards: `motcua serve`, `migrate`, `seed-demo`, `check-config`,
// `sweep`, `report`, `import`, `backup`, `recount`, `verify-audit`,
// `audit-anchors`, `bench` and `soak`.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/labstack/echo/v4"
	"gorm.io/gorm"

	"github.com/motcua/motcua/config"
	"github.com/motcua/motcua/handlers"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/service"
	"github.com/motcua/motcua/web"
	"github.com/motcua/motcua/workflow"
)

const usage = `motcua — một cửa / one-stop shop workflow engine

Usage:
  motcua serve                 serve the HTTP API (MOTCUA_ADDR, default :8080)
  motcua config                print the effective configuration, secrets masked
  motcua migrate               apply pending database migrations
  motcua seed-demo             load demo boards, zones and users (idempotent)
  motcua user create --role ROLE --username U [--board CODE] [--email E] [--full-name N]
                               create an account (the first admin of an empty install); the password
                               is read from the terminal, or the first line of standard input
  motcua user unlock U         lift an account's sign-in lock (clears its failed sign-ins)
  motcua user revoke-sessions U|--all
                               end every sign-in (API tokens, web sessions, unused reset links) of
                               account U, or of every account
  motcua check-config [DIR]    validate a catalogue directory (default: the embedded one)
  motcua sweep [--at TIME] [--digest] [--deliver]
                               raise deadline alerts and fire expired steps once, as of TIME
                               (RFC 3339, default now); --digest also enqueues the day's digest,
                               --deliver then sends the pending notifications
  motcua report --period P [--board B] [--format json|csv|xlsx] [--out FILE]
                               Biểu số 06/VPCP/KSTT (the reform report) for board B (its code, e.g. HBI;
                               default every board) and period P: 2024, 2024-H1, 2024-Q3, 2024-11 or
                               FROM..TO (YYYY-MM-DD or dd/mm/yyyy); to standard output or FILE (the format
                               defaults to FILE's extension, else json)
  motcua import [--dry-run] FILE
                               replay historical dossiers and opening investment projects from a JSON
                               Lines FILE (- for standard input) through the engine, all or nothing;
                               every faulty line is listed; --dry-run writes nothing (docs/IMPORT.md)
  motcua backup FILE           copy the embedded SQLite database to FILE while motcua runs (VACUUM INTO:
                               one consistent instant, checked before it is kept); on PostgreSQL it
                               says which pg_dump and pg_restore commands to use
  motcua verify-audit [--board B] [--since YYYY-MM-DD]
                               walk every dossier's history chain and the daily anchors; name the first
                               broken row (edited, deleted, inserted, reordered) or anchor; exit non-zero
                               on any break
  motcua audit-anchors [--board B] [--since YYYY-MM-DD]
                               write the anchors of finished days not yet written (as the sweep does), then
                               print day, board, hash, rows and dossiers of each, to publish
  motcua recount               rebuild the report counters from the dossiers (after changes made
                               outside motcua; a report that finds them out of step says so)
  motcua soak [-duration 5m] [-clients 16]
                               mixed load (70 % reads, 25 % events, 5 % submits, a sweep every 10 s) on
                               the API and pages over a fresh PostgreSQL schema; a line every 30 s; fails on
                               > 0.1 % errors or > 20 % RSS or goroutine growth after the warm-up
  motcua bench engine          measure transitions per second through the engine (PostgreSQL)
  motcua bench http            measure submit + upload + receive over HTTP, 32 clients (PostgreSQL)
  motcua bench sweep           measure the deadline sweep over 100k and 1M open dossiers (PostgreSQL)
  motcua bench report          measure Biểu 06 and Decision 766 for a year over 1M dossiers (PostgreSQL)
  motcua bench dashboard       measure the manager dashboard page over 1M dossiers (PostgreSQL)
  motcua bench import          measure motcua import over 20,000 generated dossiers (PostgreSQL)

`

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	if err := runWith(os.Args[1:], os.Environ(), os.Stdin, os.Stdout, log); err != nil {
		fmt.Fprintln(os.Stderr, "motcua:", err)
		os.Exit(1)
	}
}

// runWith reads the configuration from environ, once, and dispatches a
// subcommand with it.
func runWith(args, environ []string, in io.Reader, out io.Writer, log *slog.Logger) error {
	if len(args) == 0 {
		printUsage(out)
		return errors.New("missing subcommand")
	}
	if args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		printUsage(out)
		return nil
	}
	cfg, err := config.Load(environ)
	if err != nil {
		return err
	}
	cmd, ok := commands[args[0]]
	if !ok {
		printUsage(out)
		return fmt.Errorf("unknown subcommand %q", args[0])
	}
	return cmd(cfg, args[1:], in, out, log)
}

// command is a subcommand: its arguments, standard input and output.
type command func(cfg config.Config, args []string, in io.Reader, out io.Writer, log *slog.Logger) error

// commands are the subcommands by name.
var commands = map[string]command{
	"serve": func(cfg config.Config, _ []string, _ io.Reader, out io.Writer, log *slog.Logger) error {
		return serve(cfg, out, log)
	},
	"migrate": func(cfg config.Config, _ []string, _ io.Reader, out io.Writer, _ *slog.Logger) error {
		return migrate(cfg, out)
	},
	"seed-demo": func(cfg config.Config, _ []string, _ io.Reader, out io.Writer, _ *slog.Logger) error {
		return seedDemo(cfg, out)
	},
	"check-config": func(cfg config.Config, args []string, _ io.Reader, out io.Writer, _ *slog.Logger) error {
		return checkConfig(cfg, args, out)
	},
	"bench": func(cfg config.Config, args []string, _ io.Reader, out io.Writer, _ *slog.Logger) error {
		return benchCommand(cfg, args, out)
	},
	"sweep": func(cfg config.Config, args []string, _ io.Reader, out io.Writer, log *slog.Logger) error {
		return sweep(cfg, args, out, log)
	},
	"report": func(cfg config.Config, args []string, _ io.Reader, out io.Writer, _ *slog.Logger) error {
		return report(cfg, args, out)
	},
	"import": func(cfg config.Config, args []string, in io.Reader, out io.Writer, _ *slog.Logger) error {
		return importHistory(cfg, args, in, out)
	},
	"backup": func(cfg config.Config, args []string, _ io.Reader, out io.Writer, _ *slog.Logger) error {
		return backupCommand(cfg, args, out)
	},
	"recount": func(cfg config.Config, _ []string, _ io.Reader, out io.Writer, _ *slog.Logger) error {
		return recount(cfg, out)
	},
	"config": func(cfg config.Config, _ []string, _ io.Reader, out io.Writer, _ *slog.Logger) error {
		cfg.Print(out)
		return nil
	},
	"user": func(cfg config.Config, args []string, in io.Reader, out io.Writer, _ *slog.Logger) error {
		return userCommand(cfg, args, in, out)
	},
	"verify-audit": func(cfg config.Config, args []string, _ io.Reader, out io.Writer, _ *slog.Logger) error {
		return verifyAudit(cfg, args, out)
	},
	"audit-anchors": func(cfg config.Config, args []string, _ io.Reader, out io.Writer, _ *slog.Logger) error {
		return auditAnchors(cfg, args, out)
	},
	"soak": soakCommand,
}

// printUsage writes the usage text and the environment variables.
func printUsage(out io.Writer) {
	fmt.Fprint(out, usage)
	fmt.Fprintln(out, "\nEnvironment:")
	config.Usage(out)
}

// env returns the environment variable or a default; only the benchmark
// harness still reads the environment itself (for its own database).
func env(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// openDB opens the configured database.
func openDB(cfg config.Config) (*gorm.DB, error) {
	return models.OpenWith(cfg.DatabaseURL, dbOptions(cfg))
}

// openReplica opens the read replica, nil when none is configured.
func openReplica(cfg config.Config) (*gorm.DB, error) {
	if cfg.DatabaseReplicaURL == "" {
		return nil, nil
	}
	db, err := models.OpenWith(cfg.DatabaseReplicaURL, dbOptions(cfg))
	if err != nil {
		return nil, fmt.Errorf("replica: %w", err)
	}
	return db, nil
}

// dbOptions are how the configured databases are talked to.
func dbOptions(cfg config.Config) models.Options {
	return models.Options{SimpleProtocol: cfg.DBSimpleProtocol}
}

// migrate applies pending migrations and records the catalogue versions.
func migrate(cfg config.Config, out io.Writer) error {
	db, err := openDB(cfg)
	if err != nil {
		return err
	}
	if err := models.Migrate(db); err != nil {
		return err
	}
	eng, err := loadEngine(cfg)
	if err != nil {
		return err
	}
	if err := syncCatalogue(context.Background(), db, eng); err != nil {
		return err
	}
	fmt.Fprintln(out, "migrations applied / đã cập nhật lược đồ")
	return nil
}

// serve starts the HTTP server; it refuses a faulty catalogue or a schema that is behind.
// Before it listens, it removes the files a killed motcua left without a row
// (service.SweepFiles), and logs each.
func serve(cfg config.Config, out io.Writer, log *slog.Logger) error {
	eng, db, err := openCurrent(cfg)
	if err != nil {
		return err
	}
	if err := syncCatalogue(context.Background(), db, eng); err != nil {
		return err
	}
	sweeps, err := startSweeps(cfg, db, eng, log)
	if err != nil {
		return err
	}
	defer func() { <-sweeps.Stop().Done() }()
	stopOutbox, err := startOutbox(cfg, db, eng, log)
	if err != nil {
		return err
	}
	defer stopOutbox()
	read, err := openReplica(cfg)
	if err != nil {
		return err
	}
	svc := newService(cfg, db, read, eng, log)
	if _, err := svc.SweepFiles(context.Background()); err != nil {
		return err
	}
	handler, err := serverFor(cfg, svc, log)
	if err != nil {
		return err
	}
	srv := &http.Server{Addr: cfg.Addr, Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(out, "motcua đang chạy / serving at %s (Ctrl+C để dừng / to stop)\n", cfg.PublicURL)
	return listen(srv, log)
}

// newService builds the service layer from the configuration; read is
// the read replica (nil: the primary serves every read).
func newService(cfg config.Config, db, read *gorm.DB, eng *workflow.Engine, log *slog.Logger) *service.Service {
	return service.New(service.Deps{DB: db, Read: read, Engine: eng, Log: log, DataDir: cfg.DataDir,
		PublicURL: cfg.PublicURL, TokenTTL: cfg.TokenTTL})
}

// newServer builds the HTTP server's handler: the JSON API under /api/v1
// and the web pages everywhere else, side by side on one service, with
// the security headers on every response. An error Echo meets before any
// handler (no such route) is JSON under /api/ and /healthz, an HTML page
// elsewhere.
func newServer(cfg config.Config, db *gorm.DB, eng *workflow.Engine, log *slog.Logger) (http.Handler, error) {
	read, err := openReplica(cfg)
	if err != nil {
		return nil, err
	}
	return serverFor(cfg, newService(cfg, db, read, eng, log), log)
}

// serverFor is newServer over a service already built.
func serverFor(cfg config.Config, svc *service.Service, log *slog.Logger) (http.Handler, error) {
	e := handlers.New(handlers.Deps{Service: svc, Log: log, IPExtractor: ipExtractor(cfg.TrustedProxies)})
	e.Use(web.SecurityHeaders(cfg.SecureCookies))
	pageErrors, err := web.Mount(e, web.Deps{Service: svc, Log: log, SecureCookies: cfg.SecureCookies, Key: cfg.SessionKey})
	if err != nil {
		return nil, err
	}
	apiErrors := e.HTTPErrorHandler
	e.HTTPErrorHandler = func(err error, c echo.Context) {
		if isAPIPath(c.Request().URL.Path) {
			apiErrors(err, c)
			return
		}
		pageErrors(err, c)
	}
	return e, nil
}

// isAPIPath reports whether path belongs to the JSON API (its errors are JSON).
func isAPIPath(path string) bool {
	return path == "/api" || strings.HasPrefix(path, "/api/") || path == "/healthz" || path == "/readyz"
}

// ipExtractor trusts X-Forwarded-For from the configured proxies only.
func ipExtractor(proxies []netip.Prefix) echo.IPExtractor {
	if len(proxies) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := make([]echo.TrustOption, len(proxies))
	for i, p := range proxies {
		opts[i] = echo.TrustIPRange(&net.IPNet{IP: p.Addr().AsSlice(), Mask: net.CIDRMask(p.Bits(), p.Addr().BitLen())})
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

// listen serves until SIGINT or SIGTERM, then drains in-flight requests.
func listen(srv *http.Server, log *slog.Logger) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	log.Info("motcua listening", "addr", srv.Addr)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}
