package service

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/motcua/motcua/errs"
)

// Length limits of text input, in characters (bytes for passwords: bcrypt
// reads at most 72). They match the columns of models, so that no database
// ever truncates, refuses or stores more than this.
const (
	limitUsername      = 128
	limitName          = 255 // people, companies, boards, zones, file names
	limitTitle         = 512
	limitTaxCode       = 32
	limitPhone         = 32
	limitEmail         = 255
	limitDepartment    = 128
	limitProvince      = 128
	limitComment       = 4000
	limitLetter        = 8000 // an apology letter (form 04)
	limitCode          = 64   // procedure, variant, event and document codes
	limitSearch        = 255
	limitPasswordBytes = 72
	minPassword        = 10
)

// checkText refuses a NUL byte, invalid UTF-8, a missing required value or
// one longer than limit characters, naming field.
func checkText(field, s string, limit int, required bool) error {
	switch {
	case strings.ContainsRune(s, 0):
		return errs.Invalid(field, field+" chứa ký tự NUL không hợp lệ", field+" contains a NUL character")
	case !utf8.ValidString(s):
		return errs.Invalid(field, field+" không phải văn bản UTF-8 hợp lệ", field+" is not valid UTF-8 text")
	case required && strings.TrimSpace(s) == "":
		return errs.Invalid(field, "thiếu "+field, field+" is required")
	case utf8.RuneCountInString(s) > limit:
		return errs.Invalid(field, fmt.Sprintf("%s dài quá %d ký tự", field, limit),
			fmt.Sprintf("%s is longer than %d characters", field, limit))
	}
	return nil
}

// textField is one text input and its rule, for checkTexts.
type textField struct {
	name     string
	value    string
	limit    int
	required bool
}

// checkTexts checks fields in order and returns the first fault.
func checkTexts(fields ...textField) error {
	for _, f := range fields {
		if err := checkText(f.name, f.value, f.limit, f.required); err != nil {
			return err
		}
	}
	return nil
}

// checkPassword enforces the password rules.
func checkPassword(field, p string) error {
	if strings.ContainsRune(p, 0) {
		return errs.Invalid(field, "mật khẩu chứa ký tự NUL", "the password contains a NUL character")
	}
	if utf8.RuneCountInString(p) < minPassword {
		return errs.Invalid(field, fmt.Sprintf("mật khẩu phải có ít nhất %d ký tự", minPassword),
			fmt.Sprintf("password must be at least %d characters", minPassword))
	}
	if len(p) > limitPasswordBytes {
		return errs.Invalid(field, fmt.Sprintf("mật khẩu dài quá %d byte", limitPasswordBytes),
			fmt.Sprintf("password is longer than %d bytes", limitPasswordBytes))
	}
	return nil
}
