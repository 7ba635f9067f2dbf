package hall

import (
	"encoding/hex"
	"fmt"
	"math"
	"testing"
)

func fixedSecret(b byte) DrawSecret {
	var s DrawSecret
	for i := range s {
		s[i] = b + byte(i)
	}
	return s
}

// TestDrawVectors pins the algorithm: these inputs and outputs are
// published in docs/DRAW.md so anyone can check an implementation.
func TestDrawVectors(t *testing.T) {
	vectors := []struct {
		secret     DrawSecret
		project    string
		candidates []string
		witness    string
		k          int
		seed       string
		winners    []string
	}{
		{fixedSecret(0), "P202611260001", []string{"agency:C", "agency:A", "agency:B"}, "", 1,
			"1f961063b3e26a2bc192c87527cb1e86d617246dbb59a7330949fa811c57ec6c", []string{"agency:B"}},
		{fixedSecret(1), "P202611260002", []string{"agency:A", "agency:B", "agency:C", "agency:D", "agency:E"}, "见证人 张三 报数 7315", 1,
			"53af77a60affb2c65c7d583c12a371c18876c6508d8f65f8815ff889f432be3c", []string{"agency:D"}},
		{fixedSecret(2), "P202611260003", []string{"95", "96", "97", "98"}, "", 1,
			"d4fd4e97c7e28ead8ee7e3c2eb1c6d6f747b4e54973e4983a3e3b825bb9480d4", []string{"96"}},
		{fixedSecret(3), "INSPECT-2026-11", []string{"a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8"}, "", 3,
			"210b14e0e85a000bbbfc8b106f2e755deef59a54a0f6c4b3b10db0fedbc011e1", []string{"a5", "a6", "a2"}},
	}
	for i, v := range vectors {
		d, err := RunDraw(v.secret, "winner", v.project, v.candidates, v.witness, v.k)
		if err != nil {
			t.Fatal(err)
		}
		if d.Seed != v.seed || fmt.Sprint(d.Winners) != fmt.Sprint(v.winners) {
			t.Errorf("vector %d: seed %s winners %v, want %s %v", i, d.Seed, d.Winners, v.seed, v.winners)
		}
	}
}

func TestDrawIsUniform(t *testing.T) {
	for _, n := range []int{2, 3, 5, 7, 10} {
		cands := make([]string, n)
		for i := range cands {
			cands[i] = fmt.Sprintf("agency:%02d", i)
		}
		counts := map[string]int{}
		const trials = 20000
		for trial := 0; trial < trials; trial++ {
			d, err := RunDraw(fixedSecret(byte(trial)), "winner", fmt.Sprintf("P%d", trial), cands, "", 1)
			if err != nil {
				t.Fatal(err)
			}
			counts[d.Winners[0]]++
		}
		// Chi-squared against uniform; 99.9% critical values for n−1 degrees of freedom.
		critical := map[int]float64{2: 10.83, 3: 13.82, 5: 18.47, 7: 22.46, 10: 27.88}[n]
		exp := float64(trials) / float64(n)
		chi := 0.0
		for _, c := range cands {
			chi += math.Pow(float64(counts[c])-exp, 2) / exp
		}
		if chi > critical {
			t.Errorf("n=%d: chi² %.2f above %.2f, counts %v", n, chi, critical, counts)
		}
	}
}

func TestVerifyDraw(t *testing.T) {
	s := fixedSecret(9)
	d, err := RunDraw(s, "winner", "P1", []string{"x", "y", "z"}, "", 1)
	if err != nil {
		t.Fatal(err)
	}
	if ok, msg := VerifyDraw(s.Hex(), s.Commitment(), d); !ok {
		t.Fatal(msg)
	}
	forged := d
	forged.Winners = []string{"x"}
	if d.Winners[0] == "x" {
		forged.Winners = []string{"y"}
	}
	if ok, _ := VerifyDraw(s.Hex(), s.Commitment(), forged); ok {
		t.Fatal("a forged winner must not verify")
	}
	if ok, _ := VerifyDraw(fixedSecret(8).Hex(), s.Commitment(), d); ok {
		t.Fatal("a secret that does not match the commitment must not verify")
	}
	if _, err := hex.DecodeString(d.Seed); err != nil || len(d.Seed) != 64 {
		t.Fatalf("seed %q", d.Seed)
	}
}

func TestDrawOrderIndependent(t *testing.T) {
	s := fixedSecret(4)
	a, _ := RunDraw(s, "winner", "P", []string{"c", "a", "b"}, "", 2)
	b, _ := RunDraw(s, "winner", "P", []string{"b", "c", "a"}, "", 2)
	if fmt.Sprint(a.Winners) != fmt.Sprint(b.Winners) {
		t.Fatal("the draw must not depend on sign-up order")
	}
	if _, err := RunDraw(s, "winner", "P", []string{"a", "a"}, "", 1); err == nil {
		t.Fatal("duplicate candidates must be refused")
	}
}

func TestWeightedDrawFrequencies(t *testing.T) {
	weights := map[string]int{"A": 1, "B": 1, "C": 2, "D": 4} // grades A, B, C, D
	counts := map[string]int{}
	const trials = 16000
	for i := 0; i < trials; i++ {
		d, err := RunWeightedDraw(fixedSecret(byte(i)), "inspection", fmt.Sprintf("I%d", i), weights, "", 1)
		if err != nil {
			t.Fatal(err)
		}
		counts[d.Winners[0]]++
	}
	// Expected shares 1/8, 1/8, 2/8, 4/8; chi-squared 99.9% critical value for 3 degrees of freedom is 16.27.
	chi := 0.0
	for id, w := range weights {
		exp := float64(trials*w) / 8
		chi += math.Pow(float64(counts[id])-exp, 2) / exp
	}
	if chi > 16.27 {
		t.Fatalf("weighted frequencies off: chi² %.2f, counts %v", chi, counts)
	}
	d, _ := RunWeightedDraw(fixedSecret(1), "inspection", "I-2026-11", weights, "", 3)
	if len(d.Winners) != 3 || d.Winners[0] == d.Winners[1] || d.Winners[1] == d.Winners[2] || d.Winners[0] == d.Winners[2] {
		t.Fatalf("a sample draws distinct agencies: %v", d.Winners)
	}
	if ok, msg := VerifyWeightedDraw(fixedSecret(1).Hex(), fixedSecret(1).Commitment(), d); !ok {
		t.Fatal(msg)
	}
}
