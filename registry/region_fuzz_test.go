package registry_test

import (
	"testing"

	"github.com/agencyhall/agencyhall/registry"
)

// FuzzValidateRegion: the validator never panics and refuses in Chinese; a
// code it accepts is six ASCII digits whose first two name a province-level
// unit (or the central level, 100000), and ProvinceName agrees with it.
func FuzzValidateRegion(f *testing.F) {
	for _, s := range []string{"620100", "620000", "110000", "440305", "810000", "100000", "", "62010", "6201000",
		"62010A", " 620100", "６２０１００", "-62010", "000000", "101000", "990000", "720000", "62\x000100", "+62010"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		msg := registry.ValidateRegion(s)
		name := registry.ProvinceName(s)
		if msg != "" {
			if !hasHan(msg) {
				t.Fatalf("ValidateRegion(%q) = %q: not a Chinese message", s, msg)
			}
			return
		}
		if len(s) != 6 {
			t.Fatalf("accepted %q: not six characters", s)
		}
		for i := 0; i < len(s); i++ {
			if s[i] < '0' || s[i] > '9' {
				t.Fatalf("accepted %q: not six ASCII digits", s)
			}
		}
		if s != "100000" && name == "" {
			t.Fatalf("accepted %q whose province prefix %s is unknown", s, s[:2])
		}
		if name != "" && !hasHan(name) {
			t.Fatalf("province of %q is %q", s, name)
		}
		// Every code of the same province is accepted too: the rule is the prefix.
		if s != "100000" && registry.ValidateRegion(s[:2]+"0000") != "" {
			t.Fatalf("accepted %q but not its province %s0000", s, s[:2])
		}
	})
}
