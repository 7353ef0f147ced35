package web_test

import (
	"os"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/motcua/motcua/models"
)

// TestMain hashes test passwords at bcrypt's minimum cost: the behaviour
// under test is the same, and the suite stays fast under -race.
func TestMain(m *testing.M) {
	models.PasswordCost = bcrypt.MinCost
	os.Exit(m.Run())
}
