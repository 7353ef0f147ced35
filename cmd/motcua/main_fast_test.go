package main

import (
	"io"
	"log/slog"
	"os"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/motcua/motcua/models"
)

// run runs a subcommand as main does, with the process environment.
func run(args []string, out io.Writer, log *slog.Logger) error {
	return runWith(args, os.Environ(), os.Stdin, out, log)
}

// TestMain hashes test passwords at bcrypt's minimum cost: the behaviour
// under test is the same, and the suite stays fast under -race.
func TestMain(m *testing.M) {
	models.PasswordCost = bcrypt.MinCost
	os.Exit(m.Run())
}
