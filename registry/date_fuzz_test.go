package registry_test

import (
	"testing"
	"time"

	"github.com/agencyhall/agencyhall/registry"
)

// FuzzParseDate: a date that parses is a real calendar day that formats
// back to the text it came from (YYYY-MM-DD round-trips), starts at
// midnight in Asia/Shanghai, and orders consistently with its neighbours.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2027-12-31", "2024-02-29", "2025-02-29", "2026-13-01", "2026-1-1", "0001-01-01",
		"9999-12-31", "", "2026-12-31T00:00:00Z", " 2026-12-31", "２０２６-12-31", "2026/12/31"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := registry.ParseDate(s)
		if err != nil {
			if !hasHan(err.Error()) {
				t.Fatalf("ParseDate(%q): %v is not a Chinese message", s, err)
			}
			return
		}
		if d.IsZero() {
			t.Fatalf("ParseDate(%q) = the zero (unset) date", s)
		}
		if got := d.String(); got != s {
			t.Fatalf("ParseDate(%q).String() = %q", s, got)
		}
		back, err := registry.ParseDate(d.String())
		if err != nil || back != d {
			t.Fatalf("%q does not round-trip: %v, %v", s, back, err)
		}
		start := d.Start()
		if start.Location() != registry.Shanghai || start.Hour() != 0 || start.Minute() != 0 || registry.DateOf(start) != d {
			t.Fatalf("%q starts at %v", s, start)
		}
		next := registry.DateOf(start.Add(36 * time.Hour))
		if !d.Before(next) || next.Before(d) || d.Before(d) || d.DaysUntil(next) != 1 || next.DaysUntil(d) != -1 {
			t.Fatalf("%q and the next day %v are out of order", s, next)
		}
	})
}
