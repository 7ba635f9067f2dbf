package hall

import (
	"fmt"
	"slices"
	"testing"
)

// testDrawer draws with a fixed secret, like the platform does with the
// project's committed one.
func testDrawer(secret byte) Drawer {
	return func(purpose string, cands []string, k int) (Draw, error) {
		return RunDraw(fixedSecret(secret), purpose, "P-TEST", cands, "", k)
	}
}

func bids(amounts ...int64) []Bid {
	out := make([]Bid, len(amounts))
	for i, a := range amounts {
		out[i] = Bid{AgencyID: fmt.Sprintf("a%d", i+1), Amount: a}
	}
	return out
}

func TestSelectRandom(t *testing.T) {
	r := DefaultRules()
	tests := []struct {
		name    string
		funding Funding
		signups int
		failed  bool
	}{
		{"fiscal exactly 3", FundingFiscal, 3, false},
		{"fiscal 2", FundingFiscal, 2, true},
		{"social 1", FundingSocial, 1, false},
		{"social 0", FundingSocial, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s []string
			for i := 0; i < tt.signups; i++ {
				s = append(s, fmt.Sprintf("a%d", i))
			}
			out, err := SelectRandom(r, tt.funding, s, testDrawer(1))
			if err != nil {
				t.Fatal(err)
			}
			if out.Failed != tt.failed {
				t.Fatalf("failed=%v (%s), want %v", out.Failed, out.FailReason, tt.failed)
			}
			if !out.Failed && (!slices.Contains(s, out.Winner) || len(out.Ranking) != len(s) || len(out.Draws) != 1) {
				t.Fatalf("outcome %+v", out)
			}
		})
	}
}

func TestSelectLowest(t *testing.T) {
	r := DefaultRules()
	tests := []struct {
		name    string
		funding Funding
		bids    []Bid
		winner  string // "" with failed, "tie" when a draw decides
		failed  bool
	}{
		{"clear lowest", FundingFiscal, bids(300, 200, 250), "a2", false},
		{"fiscal 2 quotes", FundingFiscal, bids(300, 200), "", true},
		{"social 1 quote", FundingSocial, bids(300), "a1", false},
		{"quote at the floor wins", FundingFiscal, bids(100, 150, 200), "a1", false},
		{"all equal: draw", FundingFiscal, bids(200, 200, 200), "tie", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := SelectLowest(r, tt.funding, tt.bids, testDrawer(2))
			if err != nil {
				t.Fatal(err)
			}
			if out.Failed != tt.failed {
				t.Fatalf("failed=%v (%s)", out.Failed, out.FailReason)
			}
			switch tt.winner {
			case "":
			case "tie":
				if len(out.Draws) != 1 || out.Draws[0].Winners[0] != out.Winner || len(out.Ranking) != 3 {
					t.Fatalf("a tie must be decided by a draw: %+v", out)
				}
			default:
				if out.Winner != tt.winner {
					t.Fatalf("winner %s, want %s", out.Winner, tt.winner)
				}
			}
		})
	}
}

func TestSelectReasonable(t *testing.T) {
	r := DefaultRules()
	// 5 quotes where the lowest and highest are duplicated: only one of each is dropped.
	out, err := SelectReasonable(r, FundingFiscal, bids(100_00, 100_00, 120_00, 150_00, 150_00), testDrawer(3))
	if err != nil {
		t.Fatal(err)
	}
	if out.Method != MethodReasonable || out.TrimmedMean != divRound(100_00+120_00+150_00, 3) {
		t.Fatalf("mean %d, method %s", out.TrimmedMean, out.Method)
	}
	if !slices.Contains(r.CoefficientsBP, out.Coefficient) || out.Benchmark != divRound(out.TrimmedMean*int64(out.Coefficient), 10000) {
		t.Fatalf("coefficient %d benchmark %d", out.Coefficient, out.Benchmark)
	}
	// The benchmark is 11,780.00–12,093.33 yuan·100; the closest quote is 120_00.
	if out.Winner != "a3" {
		t.Fatalf("winner %s (benchmark %d)", out.Winner, out.Benchmark)
	}
	if out.Draws[0].Purpose != "coefficient" {
		t.Fatal("the coefficient must be drawn verifiably and published")
	}

	fallback, _ := SelectReasonable(r, FundingFiscal, bids(300, 200, 250, 400), testDrawer(3))
	if fallback.Method != MethodLowest || fallback.Winner != "a2" || fallback.Note == "" {
		t.Fatalf("4 fiscal quotes fall back to lowest price: %+v", fallback)
	}
	few, _ := SelectReasonable(r, FundingFiscal, bids(300, 200), testDrawer(3))
	if !few.Failed {
		t.Fatal("2 fiscal quotes fail")
	}
	// Equal distance to the benchmark: the lower quote wins.
	tie := []Bid{{"a1", 1000}, {"a2", 1000}, {"a3", 1000}, {"a4", 900}, {"a5", 1100}, {"a6", 1050}}
	o, _ := SelectReasonable(Rules{MinReasonableFiscal: 5, MinQuotesFiscal: 3, CoefficientsBP: []int{10000}}, FundingFiscal, tie, testDrawer(4))
	// mean of 1000,1000,1000,1050 = 1012.5 → 1013; |1000-1013| = 13 < |1050-1013| = 37.
	if o.Benchmark != 1013 || !slices.Contains([]string{"a1", "a2", "a3"}, o.Winner) {
		t.Fatalf("benchmark %d winner %s", o.Benchmark, o.Winner)
	}
}

func TestSelectScoring(t *testing.T) {
	r := DefaultRules()
	w := Weights{Price: 40, Credit: 20, Criteria: []Criterion{{"技术方案", 30}, {"服务承诺", 10}}}
	cands := []Candidate{
		{Bid{"a1", 80_000_00}, 1000, []int64{25_0000, 8_0000}},
		{Bid{"a2", 100_000_00}, 1050, []int64{30_0000, 10_0000}},
		{Bid{"a3", 90_000_00}, 900, []int64{20_0000, 5_0000}},
	}
	out, err := SelectScoring(r, FundingFiscal, w, cands, testDrawer(5))
	if err != nil {
		t.Fatal(err)
	}
	// a1: 40 + 20·100/100 + 33 = 93; a2: 40·0.8 = 32 + 21 + 40 = 93; a3: 35.5555 + 18 + 25.
	want := map[string]int64{"a1": 93_0000, "a2": 93_0000, "a3": 355555 + 18_0000 + 25_0000}
	for _, s := range out.Scores {
		if s.Total != want[s.AgencyID] {
			t.Errorf("%s total %d, want %d", s.AgencyID, s.Total, want[s.AgencyID])
		}
	}
	if len(out.Draws) != 1 || out.Ranking[2] != "a3" {
		t.Fatalf("a1 and a2 tie at 93 points and need a draw: %+v", out)
	}
	if out.Scores[0].Price != map[string]int64{"a1": 40_0000, "a2": 32_0000}[out.Winner] {
		t.Fatalf("price score of the winner %+v", out.Scores[0])
	}
}
