package main

import (
	"context"
	"io"
	"net/http/httptest"
	"os"
	"os/exec"
	"regexp"
	"testing"
	"time"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/handlers"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/models/modelstest"
	"github.com/motcua/motcua/service"
)

var walkthroughBlock = regexp.MustCompile("(?s)```sh\n# walkthrough\n(.*?)```")

// TestREADMEWalkthrough runs the README's curl walkthrough, exactly as
// printed, against a server on a freshly seeded database.
func TestREADMEWalkthrough(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := walkthroughBlock.FindSubmatch(readme)
	if m == nil {
		t.Fatal("README.md has no ```sh # walkthrough block")
	}
	eng, err := engineFrom(os.DirFS("../../configs"))
	if err != nil {
		t.Fatal(err)
	}
	boards, _ := demo.LoadBoards(os.DirFS("../../configs"))
	db := modelstest.SQLite(t)
	if err := demo.Seed(context.Background(), db, eng, boards[:1], time.Now(), io.Discard); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(handlers.New(handlers.Deps{Service: service.New(service.Deps{DB: db, Engine: eng,
		DataDir: t.TempDir()})}))
	defer srv.Close()
	cmd := exec.Command("bash", "-c", "set -euo pipefail\n"+string(m[1]))
	cmd.Env = append(os.Environ(), "B="+srv.URL+"/api/v1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the README walkthrough failed: %v\n%s", err, out)
	}
	var d models.Dossier
	db.Order("id desc").First(&d)
	if d.Procedure != "union-registration" || d.State != "returned" || d.Version != 8 || d.SupplementCount != 1 || d.Outcome == "" {
		t.Fatalf("after the walkthrough: %s %s v%d supplements %d outcome %q", d.Procedure, d.State, d.Version, d.SupplementCount, d.Outcome)
	}
}
