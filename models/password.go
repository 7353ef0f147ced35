package models

import (
	"fmt"

	"golang.org/x/crypto/bcrypt"
)

// PasswordCost is bcrypt's work factor for new password hashes. Each hash
// records its own cost, so lowering it (tests set bcrypt.MinCost, which
// the race detector would otherwise make take seconds per check) never
// breaks existing hashes.
var PasswordCost = 11

// HashPassword returns the bcrypt hash stored in users.password_hash.
func HashPassword(plain string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(plain), PasswordCost)
	if err != nil {
		return "", fmt.Errorf("store: hash password: %w", err)
	}
	return string(h), nil
}

// CheckPassword reports whether plain matches the stored hash.
func CheckPassword(hash, plain string) bool {
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(plain)) == nil
}
