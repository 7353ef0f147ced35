package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/service"
)

// TestUserRevokeSessions: `motcua user revoke-sessions U` ends U's
// sign-ins and no one else's; `--all` ends everyone's; the accounts sign
// in again with their passwords. An unknown account is an error.
func TestUserRevokeSessions(t *testing.T) {
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
	for _, u := range []string{"quantri", "quantri2"} {
		if out, err := run("mật-khẩu-quản-trị-dài\n", "user", "create", "--role", "admin", "--username", u); err != nil {
			t.Fatal(err, out)
		}
	}
	eng, db, err := openCurrent(loadConfig(t, environ))
	if err != nil {
		t.Fatal(err)
	}
	svc := service.New(service.Deps{DB: db, Engine: eng, DataDir: dir, Sleep: func(time.Duration) {}})
	login := func(u string) string {
		s, err := svc.Login(context.Background(), service.Credentials{Username: u, Password: "mật-khẩu-quản-trị-dài", IP: "10.0.0.1"})
		if err != nil {
			t.Fatal(err)
		}
		return s.Token
	}
	signedIn := func(token string) bool {
		_, err := svc.Authenticate(context.Background(), token)
		return err == nil
	}
	a1, a2, b := login("quantri"), login("quantri"), login("quantri2")
	if out, err := run("", "user", "revoke-sessions", "quantri"); err != nil || !strings.Contains(out, "ended 2 sign-ins of quantri") {
		t.Fatalf("revoke quantri: %v %s", err, out)
	}
	if signedIn(a1) || signedIn(a2) || !signedIn(b) {
		t.Fatalf("after revoking quantri: %v %v %v", signedIn(a1), signedIn(a2), signedIn(b))
	}
	a3 := login("quantri")
	if out, err := run("", "user", "revoke-sessions", "--all"); err != nil || !strings.Contains(out, "ended 2 sign-ins") {
		t.Fatalf("revoke all: %v %s", err, out)
	}
	if signedIn(a3) || signedIn(b) {
		t.Fatal("a sign-in outlived --all")
	}
	if !signedIn(login("quantri2")) {
		t.Fatal("no new sign-in after --all")
	}
	if _, err := run("", "user", "revoke-sessions", "khong-co"); err == nil {
		t.Fatal("an unknown account")
	}
	if _, err := run("", "user", "revoke-sessions"); err == nil {
		t.Fatal("no account named")
	}
	var live int64
	db.Model(&models.APIToken{}).Where("revoked_at IS NULL").Count(&live)
	if live != 1 {
		t.Fatalf("%d live tokens, want the one sign-in made after --all", live)
	}
}
