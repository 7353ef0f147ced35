package models

import (
	"fmt"

	"golang.org/x/crypto/bcrypt"
)

// passwordCost is bcrypt's work factor for stored passwords.
const passwordCost = 11

// HashPassword returns the bcrypt hash stored in users.password_hash.
func HashPassword(plain string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(plain), passwordCost)
	if err != nil {
		return "", fmt.Errorf("store: hash password: %w", err)
	}
	return string(h), nil
}

// CheckPassword reports whether plain matches the stored hash.
func CheckPassword(hash, plain string) bool {
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(plain)) == nil
}
