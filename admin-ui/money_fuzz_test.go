package adminui

import (
	"math/big"
	"strings"
	"testing"
)

// FuzzParseYuan: money typed in yuan (project ceilings and floors, quotes,
// contract amounts) is read as fen from the digits. An amount that parses
// is never negative, equals the exact decimal value typed (checked against
// math/big), reads the same at four decimals (criteria scores), and comes
// back unchanged from both ways this package writes money (the form value
// and ¥1,234.56). Every amount of fen the form can hold round-trips.
func FuzzParseYuan(f *testing.F) {
	for _, s := range []string{"150000.00", "150000", "0.01", "0", "1,234.5", "¥1,234,567.89", "１２", "1.234", "1.", ".5",
		"-1", "+1", "1e5", "0x10", "9999999999999.99", "99999999999999", "1，234.00", " 12.30 ", "¥ 12", "1,2,3", ""} {
		f.Add(s, int64(0))
	}
	for _, fen := range []int64{0, 1, 99, 100, 15000000, 999999999999999, 1000000000000000, -1, -9223372036854775808, 9223372036854775807} {
		f.Add("", fen)
	}
	f.Fuzz(func(t *testing.T, s string, fen int64) {
		if v, ok := parseDecimal(s, 2); ok {
			if v < 0 {
				t.Fatalf("parseDecimal(%q) = %d fen: negative", s, v)
			}
			norm := strings.NewReplacer(",", "", "，", "").Replace(strings.TrimPrefix(strings.TrimSpace(s), "¥"))
			exact, okRat := new(big.Rat).SetString(norm)
			if !okRat || exact.Mul(exact, big.NewRat(100, 1)).Cmp(big.NewRat(v, 1)) != 0 {
				t.Fatalf("parseDecimal(%q) = %d fen, but the amount typed is %s yuan", s, v, norm)
			}
			if v4, ok := parseDecimal(s, 4); !ok || v4 != v*100 {
				t.Fatalf("parseDecimal(%q, 4) = %d, %v; want %d", s, v4, ok, v*100)
			}
			roundTrip(t, v)
		}
		if fen >= 0 && fen < 1e15 { // 13 digits of yuan: what the form accepts
			roundTrip(t, fen)
		} else if v, ok := parseDecimal(plainYuan(fen), 2); ok && v != fen {
			t.Fatalf("%d fen written as %q reads back as %d", fen, plainYuan(fen), v)
		}
	})
}

func roundTrip(t *testing.T, fen int64) {
	t.Helper()
	for _, s := range []string{plainYuan(fen), formatYuan(fen)} {
		if back, ok := parseDecimal(s, 2); !ok || back != fen {
			t.Fatalf("%d fen written as %q reads back as %d, %v", fen, s, back, ok)
		}
	}
}

// FuzzParseTenths: credit rule points typed by an admin ("-5", "+0.5",
// "−2") parse to tenths that print back (Points.String) to text that parses
// to the same value; a value needs at most one sign and one decimal.
func FuzzParseTenths(f *testing.F) {
	for _, s := range []string{"-5", "+0.5", "−2", "－3.5", "＋1", "0", "10", "- 5", "5.", ".5", "1.25",
		"9999999", "999999.9", "", "-", "+"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, ok := parseTenths(s)
		if !ok {
			return
		}
		norm := strings.TrimSpace(strings.NewReplacer("−", "-", "＋", "+", "－", "-", " ", "").Replace(s))
		digits := strings.TrimLeft(norm, "+-")
		if signs := len(norm) - len(digits); signs > 1 {
			t.Fatalf("parseTenths(%q) = %v: more than one sign", s, p)
		}
		exact, okRat := new(big.Rat).SetString(norm)
		if !okRat || exact.Mul(exact, big.NewRat(10, 1)).Cmp(big.NewRat(int64(p), 1)) != 0 {
			t.Fatalf("parseTenths(%q) = %d tenths, but the value typed is %s", s, p, norm)
		}
		if back, ok := parseTenths(p.String()); !ok || back != p {
			t.Fatalf("%d tenths written as %q reads back as %d, %v", p, p.String(), back, ok)
		}
	})
}
