package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/config"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/service"
)

// TestUserCreateOnEmptyInstall: a fresh install (migrated, no demo data)
// gets its first administrator from the command line, with the password
// on standard input, and that administrator signs in; a locked account is
// unlocked the same way.
func TestUserCreateOnEmptyInstall(t *testing.T) {
	dir := t.TempDir()
	environ := append(os.Environ(), "DATABASE_URL="+filepath.Join(dir, "motcua.db"), "MOTCUA_DATA_DIR="+dir, "MOTCUA_CONFIG_DIR=")
	run := func(stdin string, args ...string) (string, error) {
		var out bytes.Buffer
		err := runWith(args, environ, strings.NewReader(stdin), &out, quiet)
		return out.String(), err
	}
	if _, err := run("", "migrate"); err != nil {
		t.Fatal(err)
	}
	if _, err := run("ngắn\n", "user", "create", "--role", "admin", "--username", "quantri"); err == nil ||
		!strings.Contains(err.Error(), "password") {
		t.Fatalf("a short password: %v", err)
	}
	out, err := run("mật-khẩu-quản-trị-dài\n", "user", "create", "--role", "admin", "--username", "quantri",
		"--full-name", "Quản trị hệ thống", "--email", "quantri@bql.gov.vn")
	if err != nil || !strings.Contains(out, "quantri") {
		t.Fatalf("user create: %v\n%s", err, out)
	}
	if _, err := run("mật-khẩu-quản-trị-dài\n", "user", "create", "--role", "admin", "--username", "quantri"); err == nil {
		t.Fatal("the same username twice")
	}
	if _, err := run("mật-khẩu-cán-bộ-dài\n", "user", "create", "--role", "officer", "--username", "cb", "--board", "XYZ"); err == nil {
		t.Fatal("an officer of an unknown board")
	}

	cfg, err := config.Load(environ)
	if err != nil {
		t.Fatal(err)
	}
	eng, db, err := openCurrent(cfg)
	if err != nil {
		t.Fatal(err)
	}
	svc := service.New(service.Deps{DB: db, Engine: eng, DataDir: dir, Sleep: func(time.Duration) {}})
	if _, err := svc.Login(t.Context(), service.Credentials{Username: "quantri", Password: "mật-khẩu-quản-trị-dài", IP: "10.0.0.1"}); err != nil {
		t.Fatalf("the first admin signs in: %v", err)
	}
	for i := 0; i < service.LoginLockAfter+1; i++ {
		svc.Login(t.Context(), service.Credentials{Username: "quantri", Password: "sai", IP: "10.0.0.1"})
	}
	if _, err := svc.Login(t.Context(), service.Credentials{Username: "quantri", Password: "mật-khẩu-quản-trị-dài", IP: "10.0.0.1"}); err == nil {
		t.Fatal("not locked after 11 failures")
	}
	// Eleven failures and the refused right password: every attempt counts.
	if out, err := run("", "user", "unlock", "quantri"); err != nil || !strings.Contains(out, "(12 ") {
		t.Fatalf("unlock: %v %s", err, out)
	}
	if _, err := svc.Login(t.Context(), service.Credentials{Username: "quantri", Password: "mật-khẩu-quản-trị-dài", IP: "10.0.0.1"}); err != nil {
		t.Fatalf("after unlock: %v", err)
	}
	var u models.User
	db.Where("username = ?", "quantri").First(&u)
	if u.Role != "admin" || u.BoardID != nil || u.EmailVerifiedAt == nil {
		t.Fatalf("the admin: %+v", u)
	}
}
