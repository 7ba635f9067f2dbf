package registry

import "strings"

// MaskID keeps only the last 4 characters of an ID number, so the registry
// never stores a practitioner's full identity number.
func MaskID(id string) string {
	id = strings.ToUpper(strings.TrimSpace(id))
	r := []rune(id)
	if len(r) <= 4 {
		return strings.Repeat("*", len(r))
	}
	return strings.Repeat("*", len(r)-4) + string(r[len(r)-4:])
}
