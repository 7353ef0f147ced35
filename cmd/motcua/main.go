// Command motcua is the one-stop-shop workflow engine for industrial-zone
// management boards: `motcua serve`, `migrate`, `seed-demo`, `check-config`,
// `sweep`, `report`, `import`, `recount` and `bench`.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/labstack/echo/v4"
	"gorm.io/gorm"

	"github.com/motcua/motcua/handlers"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/workflow"
)

const usage = `motcua — một cửa / one-stop shop workflow engine

Usage:
  motcua serve                 serve the HTTP API (MOTCUA_ADDR, default :8080)
  motcua migrate               apply pending database migrations
  motcua seed-demo             load demo boards, zones and users (idempotent)
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
  motcua recount               rebuild the report counters from the dossiers (after changes made
                               outside motcua; a report that finds them out of step says so)
  motcua bench engine          measure transitions per second through the engine (PostgreSQL)
  motcua bench http            measure submit + upload + receive over HTTP, 32 clients (PostgreSQL)
  motcua bench sweep           measure the deadline sweep over 100k and 1M open dossiers (PostgreSQL)
  motcua bench report          measure Biểu 06 and Decision 766 for a year over 1M dossiers (PostgreSQL)
  motcua bench import          measure motcua import over 20,000 generated dossiers (PostgreSQL)

Environment:
  DATABASE_URL       postgres://… for PostgreSQL; otherwise an SQLite path (default ./data/motcua.db)
  MOTCUA_ADDR        listen address (default :8080)
  MOTCUA_CONFIG_DIR  a directory overriding the embedded configs/ (procedures/, holidays/, onestop.yaml)
  MOTCUA_DATA_DIR    where attachment files are stored (default ./data)
  MOTCUA_TOKEN_TTL   lifetime of a login token (default 12h)
  MOTCUA_TRUSTED_PROXIES  CIDR ranges whose X-Forwarded-For is trusted for login throttling (default none)
  MOTCUA_SWEEP_SCHEDULE   cron spec of the deadline sweeps in serve, Asia/Ho_Chi_Minh (default */5 * * * *)
  MOTCUA_DIGEST_SCHEDULE  cron spec of the daily digest email (default 30 7 * * *)
  MOTCUA_OUTBOX_INTERVAL  how often serve delivers pending notifications (default 5s)
  MOTCUA_SMTP_HOST        SMTP relay; unset: notifications are logged, not sent
  MOTCUA_SMTP_PORT, MOTCUA_SMTP_USERNAME, MOTCUA_SMTP_PASSWORD, MOTCUA_SMTP_FROM
  MOTCUA_SMTP_TLS         starttls (default), opportunistic, tls or none
`

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	if err := run(os.Args[1:], os.Stdout, log); err != nil {
		fmt.Fprintln(os.Stderr, "motcua:", err)
		os.Exit(1)
	}
}

// run dispatches a subcommand.
func run(args []string, out io.Writer, log *slog.Logger) error {
	if len(args) == 0 {
		fmt.Fprint(out, usage)
		return errors.New("missing subcommand")
	}
	switch args[0] {
	case "serve":
		return serve(out, log)
	case "migrate":
		return migrate(out)
	case "seed-demo":
		return seedDemo(out)
	case "check-config":
		return checkConfig(args[1:], out)
	case "bench":
		return bench(args[1:], out)
	case "sweep":
		return sweep(args[1:], out, log)
	case "report":
		return report(args[1:], out)
	case "import":
		return importHistory(args[1:], out)
	case "recount":
		return recount(out)
	case "help", "-h", "--help":
		fmt.Fprint(out, usage)
		return nil
	}
	fmt.Fprint(out, usage)
	return fmt.Errorf("unknown subcommand %q", args[0])
}

// env returns the environment variable or a default.
func env(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func openDB() (*gorm.DB, error) { return models.Open(os.Getenv("DATABASE_URL")) }

// migrate applies pending migrations and records the catalogue versions.
func migrate(out io.Writer) error {
	db, err := openDB()
	if err != nil {
		return err
	}
	if err := models.Migrate(db); err != nil {
		return err
	}
	eng, err := loadEngine()
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
func serve(out io.Writer, log *slog.Logger) error {
	eng, err := loadEngine()
	if err != nil {
		return err
	}
	db, err := openDB()
	if err != nil {
		return err
	}
	if err := models.CheckSchema(db); err != nil {
		return err
	}
	if err := syncCatalogue(context.Background(), db, eng); err != nil {
		return err
	}
	deps, err := serverDeps(db, eng, log)
	if err != nil {
		return err
	}
	sweeps, err := startSweeps(db, eng, log)
	if err != nil {
		return err
	}
	defer func() { <-sweeps.Stop().Done() }()
	stopOutbox, err := startOutbox(db, eng, log)
	if err != nil {
		return err
	}
	defer stopOutbox()
	srv := &http.Server{Addr: env("MOTCUA_ADDR", ":8080"), Handler: handlers.New(deps),
		ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(out, "motcua đang chạy / serving at %s (Ctrl+C để dừng / to stop)\n", displayURL(srv.Addr))
	return listen(srv, log)
}

// serverDeps reads the server's settings from the environment.
func serverDeps(db *gorm.DB, eng *workflow.Engine, log *slog.Logger) (handlers.Deps, error) {
	d := handlers.Deps{DB: db, Engine: eng, Log: log}
	if s := os.Getenv("MOTCUA_TOKEN_TTL"); s != "" {
		ttl, err := time.ParseDuration(s)
		if err != nil || ttl <= 0 {
			return d, fmt.Errorf("MOTCUA_TOKEN_TTL: %q is not a positive duration such as 12h", s)
		}
		d.TokenTTL = ttl
	}
	if s := os.Getenv("MOTCUA_TRUSTED_PROXIES"); s != "" {
		var opts []echo.TrustOption
		for _, cidr := range strings.Split(s, ",") {
			_, ipnet, err := net.ParseCIDR(strings.TrimSpace(cidr))
			if err != nil {
				return d, fmt.Errorf("MOTCUA_TRUSTED_PROXIES: %q is not a CIDR range", cidr)
			}
			opts = append(opts, echo.TrustIPRange(ipnet))
		}
		d.IPExtractor = echo.ExtractIPFromXFFHeader(opts...)
	}
	return d, nil
}

// displayURL turns a listen address into the URL a person opens.
func displayURL(addr string) string {
	if strings.HasPrefix(addr, ":") {
		return "http://localhost" + addr
	}
	return "http://" + addr
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
