package hall

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

func TestSealRoundTripAndBinding(t *testing.T) {
	key := bytes.Repeat([]byte{7}, 32)
	s, err := NewSealer(key)
	if err != nil {
		t.Fatal(err)
	}
	sealed := s.Seal("P1", "agency:A", 123_456_78)
	if bytes.Contains(sealed, []byte(strconv.Itoa(123_456_78))) {
		t.Fatal("the amount must not appear in the sealed bytes")
	}
	got, err := s.Open("P1", "agency:A", sealed)
	if err != nil || got != 123_456_78 {
		t.Fatalf("open: %d %v", got, err)
	}
	if _, err := s.Open("P1", "agency:B", sealed); err == nil {
		t.Fatal("a quote moved to another agency must not open")
	}
	if _, err := s.Open("P2", "agency:A", sealed); err == nil {
		t.Fatal("a quote moved to another project must not open")
	}
	other, _ := NewSealer(bytes.Repeat([]byte{8}, 32))
	if _, err := other.Open("P1", "agency:A", sealed); err == nil {
		t.Fatal("another key must not open the quote")
	}
}

func TestReceiptChangesWithEveryInput(t *testing.T) {
	at := time.Date(2026, 11, 26, 6, 59, 59, 123, time.UTC)
	base := Receipt("P1", "A", 100, "n", at)
	for name, r := range map[string]string{
		"project": Receipt("P2", "A", 100, "n", at),
		"agency":  Receipt("P1", "B", 100, "n", at),
		"amount":  Receipt("P1", "A", 101, "n", at),
		"nonce":   Receipt("P1", "A", 100, "m", at),
		"time":    Receipt("P1", "A", 100, "n", at.Add(1)),
	} {
		if r == base {
			t.Errorf("changing the %s must change the receipt", name)
		}
	}
}

func TestLoadQuoteKeyCreatesPrivateFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys", "quote.key")
	k1, err := LoadQuoteKey(path)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v %v", st.Mode(), err)
	}
	k2, err := LoadQuoteKey(path)
	if err != nil || !bytes.Equal(k1, k2) {
		t.Fatal("the key must be read back unchanged")
	}
	os.WriteFile(path, []byte("short"), 0o600)
	if _, err := LoadQuoteKey(path); err == nil {
		t.Fatal("a malformed key file must be refused")
	}
}
