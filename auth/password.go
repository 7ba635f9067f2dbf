package auth

import (
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"github.com/agencyhall/agencyhall/apperr"
)

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 10

// checkPasswordRules returns a Chinese message for a weak password, or "".
func checkPasswordRules(pw string) string {
	if utf8.RuneCountInString(pw) < MinPasswordLength {
		return "密码至少 10 个字符"
	}
	if len(pw) > 72 { // bcrypt uses only the first 72 bytes
		return "密码不能超过 72 个字节"
	}
	return ""
}

func hashPassword(pw string, cost int) (string, error) {
	b, err := bcrypt.GenerateFromPassword([]byte(pw), cost)
	if err != nil {
		return "", apperr.InvalidMsg("bad_password", "密码无法使用，请换一个").Wrap(err)
	}
	return string(b), nil
}

// dummyHash is compared against when an account does not exist, so a wrong
// login name costs the same time as a wrong password.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("agencyhall-no-such-user"), bcrypt.DefaultCost)

func passwordMatches(hash, pw string) bool {
	if hash == "" {
		_ = bcrypt.CompareHashAndPassword(dummyHash, []byte(pw))
		return false
	}
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(pw)) == nil
}
