package main

import (
	"bytes"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/motcua/motcua/config"
	"github.com/motcua/motcua/models"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// TestCheckConfigShipped: the shipped catalogue passes check-config.
func TestCheckConfigShipped(t *testing.T) {
	var out bytes.Buffer
	if err := run([]string{"check-config", "../../configs"}, &out, quiet); err != nil {
		t.Fatalf("shipped catalogue rejected: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "catalogue OK") {
		t.Fatalf("output: %s", out.String())
	}
}

// TestCheckConfigFaults: every broken fixture is rejected with file:line.
func TestCheckConfigFaults(t *testing.T) {
	dirs, err := filepath.Glob("../../workflow/testdata/bad/*")
	if err != nil || len(dirs) < 7 {
		t.Fatalf("fixtures: %v %v", dirs, err)
	}
	for _, dir := range dirs {
		var out bytes.Buffer
		err := run([]string{"check-config", dir}, &out, quiet)
		if err == nil {
			t.Fatalf("%s: accepted", dir)
		}
		first := strings.SplitN(out.String(), "\n", 2)[0]
		if !strings.Contains(first, ".yaml:") {
			t.Fatalf("%s: fault does not name file and line: %q", dir, first)
		}
	}
}

// TestServeRefusesFaultyCatalogue: serve stops before listening, with the check-config message.
func TestServeRefusesFaultyCatalogue(t *testing.T) {
	dir := copyConfigs(t, "../../workflow/testdata/bad/unknown_state/procedures")
	var check bytes.Buffer
	if run([]string{"check-config", dir}, &check, quiet) == nil {
		t.Fatal("check-config accepted the broken catalogue")
	}
	t.Setenv("MOTCUA_CONFIG_DIR", dir)
	t.Setenv("DATABASE_URL", filepath.Join(t.TempDir(), "m.db"))
	err := run([]string{"serve"}, io.Discard, quiet)
	fault := strings.TrimSpace(check.String())
	if err == nil || fault == "" || !strings.Contains(err.Error(), fault) {
		t.Fatalf("serve on a faulty catalogue: %v; want the check-config message %q", err, fault)
	}
}

// TestServeRefusesSchemaBehind: serve on an unmigrated database says to run migrate.
func TestServeRefusesSchemaBehind(t *testing.T) {
	t.Setenv("MOTCUA_CONFIG_DIR", "")
	path := filepath.Join(t.TempDir(), "m.db")
	t.Setenv("DATABASE_URL", path)
	err := run([]string{"serve"}, io.Discard, quiet)
	if _, ok := err.(*models.ErrSchemaBehind); !ok {
		t.Fatalf("serve on an empty database: %v", err)
	}
	if err := run([]string{"migrate"}, io.Discard, quiet); err != nil {
		t.Fatal(err)
	}
	db, _ := models.Open(path)
	if err := models.CheckSchema(db); err != nil {
		t.Fatalf("after migrate: %v", err)
	}
	// migrate records every catalogue version; 13 ship today (3+3+3+3+1:
	// the investment certificate's interim version of 01/03-30/03/2026).
	var n int64
	db.Model(&models.CatalogueVersion{}).Count(&n)
	if n != 13 {
		t.Fatalf("catalogue_versions has %d rows, want 13", n)
	}
}

// migratedSQLite points DATABASE_URL at a new SQLite file, with the
// embedded configuration, runs `motcua migrate` on it and opens it.
func migratedSQLite(t *testing.T) *gorm.DB {
	t.Helper()
	t.Setenv("MOTCUA_CONFIG_DIR", "")
	path := filepath.Join(t.TempDir(), "m.db")
	t.Setenv("DATABASE_URL", path)
	if err := run([]string{"migrate"}, io.Discard, quiet); err != nil {
		t.Fatal(err)
	}
	db, err := models.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// copyConfigs builds a config dir: the shipped one with procedures replaced by dir's files.
func copyConfigs(t *testing.T, procedures string) string {
	t.Helper()
	root := t.TempDir()
	for _, sub := range []string{"procedures", "holidays"} {
		os.MkdirAll(filepath.Join(root, sub), 0o755)
	}
	copyGlob(t, "../../configs/holidays/*.yaml", filepath.Join(root, "holidays"))
	copyGlob(t, "../../configs/onestop.yaml", root)
	copyGlob(t, filepath.Join(procedures, "*.yaml"), filepath.Join(root, "procedures"))
	return root
}

func copyGlob(t *testing.T, pattern, dir string) {
	t.Helper()
	files, _ := filepath.Glob(pattern)
	if len(files) == 0 {
		t.Fatalf("no files match %s", pattern)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestConfigFromEnv: the configuration is read from the environment
// once; a faulty variable stops every command, named.
func TestConfigFromEnv(t *testing.T) {
	var out bytes.Buffer
	err := runWith([]string{"config"}, []string{"MOTCUA_TOKEN_TTL=2h", "MOTCUA_SMTP_PASSWORD=very-secret",
		"DATABASE_URL=postgres://u:pw@db/motcua"}, nil, &out, quiet)
	if err != nil || !strings.Contains(out.String(), "MOTCUA_TOKEN_TTL         2h0m0s") ||
		strings.Contains(out.String(), "very-secret") || strings.Contains(out.String(), ":pw@") {
		t.Fatalf("motcua config: %v\n%s", err, out.String())
	}
	for _, c := range []struct{ env, want string }{
		{"MOTCUA_TOKEN_TTL=soon", "MOTCUA_TOKEN_TTL"},
		{"MOTCUA_TRUSTED_PROXIES=10.0.0.0", "MOTCUA_TRUSTED_PROXIES"},
	} {
		if err := runWith([]string{"serve"}, []string{c.env}, nil, io.Discard, quiet); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Fatalf("%s: %v, want an error naming %s", c.env, err, c.want)
		}
	}
}

// TestIPExtractor trusts X-Forwarded-For from the configured proxies only.
func TestIPExtractor(t *testing.T) {
	cfg, err := config.Load([]string{"MOTCUA_TRUSTED_PROXIES=10.0.0.0/8"})
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("X-Forwarded-For", "203.0.113.7")
	r.RemoteAddr = "10.1.2.3:5555"
	if ip := ipExtractor(cfg.TrustedProxies)(r); ip != "203.0.113.7" {
		t.Fatalf("behind a trusted proxy: %s", ip)
	}
	r.RemoteAddr = "198.51.100.9:5555"
	if ip := ipExtractor(cfg.TrustedProxies)(r); ip != "198.51.100.9" {
		t.Fatalf("from an untrusted peer: %s", ip)
	}
}
