package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
)

// randomToken returns n random bytes, URL-safe base64 encoded.
func randomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(b)
}

// hashToken is how sessions and API tokens are stored and found: by the
// SHA-256 of the secret, never the secret itself.
func hashToken(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(sum[:])
}

// APITokenPrefix starts every personal API token, so they are recognisable
// in logs and secret scanners.
const APITokenPrefix = "ahk_"

// RandomPassword makes a password for bootstrap accounts.
func RandomPassword() string { return randomToken(15) }
