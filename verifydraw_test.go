package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestVerifyDrawCLI checks the command against vector 0 of docs/DRAW.md.
func TestVerifyDrawCLI(t *testing.T) {
	secret := "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
	commit := "630dcd2966c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd"
	tests := []struct {
		winner string
		ok     bool
	}{
		{"agency:B", true},
		{"agency:A", false},
	}
	for _, tt := range tests {
		var out, errOut bytes.Buffer
		err := run(context.Background(), []string{"agencyhall", "verify-draw", "--secret", secret, "--commitment", commit,
			"--project", "P202611260001", "--candidates", "agency:C,agency:A,agency:B", "--winner", tt.winner},
			func(string) string { return "" }, &out, &errOut)
		if (err == nil) != tt.ok {
			t.Fatalf("winner %s: err %v, output %s %s", tt.winner, err, out.String(), errOut.String())
		}
		if tt.ok && !strings.Contains(out.String(), "一致") {
			t.Fatalf("output %q", out.String())
		}
	}
}
