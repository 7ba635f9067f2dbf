package registry_test

import (
	"strings"
	"testing"

	"github.com/agencyhall/agencyhall/registry"
)

const usccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// FuzzValidateUSCC: the validator never panics and explains every refusal in
// Chinese; a code it accepts is 18 characters of the code's alphabet with a
// known authority, a valid region and a check character that recomputes, and
// changing any one character of it makes it invalid (a weighted mod-31 check
// catches every single substitution). Completing any 17 characters of the
// alphabet with their check character never fails the check-character rule.
func FuzzValidateUSCC(f *testing.F) {
	for _, tc := range validUSCCs {
		f.Add(tc.code)
	}
	for _, s := range []string{"", " 91350100M000100Y43", "91350100m000100y43", "91350100M000100Y4Z", "９１350100M000100Y43",
		"01350100M000100Y43", "91990100M000100Y43", "9135A100M000100Y43", "91350100M000100Y44", "Y1100000M000100Y43",
		"A1100000000000000X", "\xff\xfe350100M000100Y43", "91350100M000100Y4\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		msg := registry.ValidateUSCC(s)
		if msg != "" {
			if !hasHan(msg) {
				t.Fatalf("ValidateUSCC(%q) = %q: not a Chinese message", s, msg)
			}
		} else {
			checkValidUSCC(t, s)
		}
		if n := registry.NormalizeUSCC(s); registry.ValidateUSCC(n) == "" && registry.NormalizeUSCC(n) != n {
			t.Fatalf("NormalizeUSCC is not idempotent on %q", s)
		}
		// Completing 17 characters of the alphabet: the check character is
		// never the reason for a refusal.
		if len(s) >= 17 {
			head := s[:17]
			c, ok := registry.USCCCheckChar(head)
			if ok != (strings.Trim(head, usccAlphabet) == "") {
				t.Fatalf("USCCCheckChar(%q) ok = %v", head, ok)
			}
			if ok {
				if strings.IndexByte(usccAlphabet, c) < 0 {
					t.Fatalf("check character %q of %q is outside the alphabet", c, head)
				}
				if m := registry.ValidateUSCC(head + string(c)); strings.Contains(m, "校验位") {
					t.Fatalf("%q completed with its own check character: %s", head, m)
				}
			}
		}
	})
}

func checkValidUSCC(t *testing.T, s string) {
	t.Helper()
	if len(s) != 18 || strings.Trim(s, usccAlphabet) != "" {
		t.Fatalf("accepted %q: not 18 characters of the alphabet", s)
	}
	if registry.NormalizeUSCC(s) != s {
		t.Fatalf("accepted %q, which normalises to something else", s)
	}
	if c, ok := registry.USCCCheckChar(s[:17]); !ok || c != s[17] {
		t.Fatalf("accepted %q: check character recomputes to %q", s, c)
	}
	if m := registry.ValidateRegion(s[2:8]); m != "" {
		t.Fatalf("accepted %q whose region %s is invalid: %s", s, s[2:8], m)
	}
	for i := 0; i < 18; i++ {
		for _, r := range usccAlphabet {
			if byte(r) == s[i] {
				continue
			}
			typo := s[:i] + string(r) + s[i+1:]
			if registry.ValidateUSCC(typo) == "" {
				t.Fatalf("accepted %q and the one-character typo %q", s, typo)
			}
		}
	}
}
