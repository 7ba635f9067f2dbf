package registry_test

import "unicode"

// hasHan reports whether a message is written in Chinese: every message a
// user can see must be.
func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}
