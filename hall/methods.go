package hall

import (
	"fmt"
	"slices"
	"sort"
)

// Funding is where a project's money comes from.
type Funding string

const (
	FundingFiscal Funding = "fiscal" // 财政资金
	FundingSocial Funding = "social" // 社会资金
)

// Label is the Chinese name.
func (f Funding) Label() string {
	if f == FundingFiscal {
		return "财政资金"
	}
	return "社会资金"
}

// Method is a selection method.
type Method string

const (
	MethodDirect     Method = "direct"     // 直接选取
	MethodRandom     Method = "random"     // 随机抽取
	MethodLowest     Method = "lowest"     // 竞价·最低价
	MethodReasonable Method = "reasonable" // 竞价·合理价
	MethodScoring    Method = "scoring"    // 综合评分
)

// Methods lists every method.
var Methods = []Method{MethodDirect, MethodRandom, MethodLowest, MethodReasonable, MethodScoring}

// Label is the Chinese name.
func (m Method) Label() string {
	switch m {
	case MethodDirect:
		return "直接选取"
	case MethodRandom:
		return "随机抽取"
	case MethodLowest:
		return "竞价·最低价"
	case MethodReasonable:
		return "竞价·合理价"
	case MethodScoring:
		return "综合评分"
	}
	return string(m)
}

// Quoted reports whether the method takes sealed quotes.
func (m Method) Quoted() bool {
	return m == MethodLowest || m == MethodReasonable || m == MethodScoring
}

// Rules are the configurable thresholds of DESIGN.md §2.2 (defaults in
// DefaultRules).
type Rules struct {
	DirectMaxCeilingFen int64 // direct choice allowed at or below this ceiling (any funding)
	MinRandomFiscal     int
	MinRandomSocial     int
	MinQuotesFiscal     int // lowest price and comprehensive scoring
	MinQuotesSocial     int
	MinReasonableFiscal int   // below it (but ≥ MinQuotesFiscal) reasonable price falls back to lowest
	MinReasonableSocial int   // the same for social funds
	CoefficientsBP      []int // reasonable-price coefficients in basis points
	PublicityDays       int   // working days
	ContractDays        int   // working days after publicity
	AcceptanceDays      int   // working days to accept or return a delivery
	SilentAcceptDays    int   // working days of silence that count as acceptance
	EvaluationDays      int   // working days to evaluate
	ResponseDays        int   // calendar days for the agency's response
	DeadlineDaysMin     int   // working days from publication to sign-up deadline
	ScoringDeadlineMin  int   // the same for comprehensive scoring
}

// DefaultRules are DESIGN.md's defaults.
func DefaultRules() Rules {
	return Rules{
		DirectMaxCeilingFen: 100_000_00, MinRandomFiscal: 3, MinRandomSocial: 1, MinQuotesFiscal: 3, MinQuotesSocial: 1,
		MinReasonableFiscal: 5, MinReasonableSocial: 3, CoefficientsBP: []int{9500, 9600, 9700, 9800},
		PublicityDays: 3, ContractDays: 5, AcceptanceDays: 5, SilentAcceptDays: 10, EvaluationDays: 10, ResponseDays: 14,
		DeadlineDaysMin: 3, ScoringDeadlineMin: 5,
	}
}

// Drawer runs a verifiable draw of k among candidates for a purpose.
type Drawer func(purpose string, candidates []string, k int) (Draw, error)

// Bid is one valid sealed quote after opening.
type Bid struct {
	AgencyID string
	Amount   int64 // fen
}

// Score is one candidate's comprehensive score, in ten-thousandths of a
// point (exact integers: no floats anywhere in selection).
type Score struct {
	AgencyID string
	Price    int64
	Credit   int64
	Criteria int64
	Total    int64
}

// Outcome is the result of a selection and how it was reached.
type Outcome struct {
	Method      Method // the method actually applied (reasonable price may fall back)
	Failed      bool
	FailReason  string
	Note        string // e.g. why reasonable price fell back to lowest price
	Winner      string
	Ranking     []string // all candidates, best first (the winner first)
	TrimmedMean int64    // reasonable price: mean after trimming, fen
	Coefficient int      // reasonable price: drawn coefficient, basis points
	Benchmark   int64    // reasonable price: benchmark price, fen
	Scores      []Score  // comprehensive scoring
	Draws       []Draw
}

func failed(m Method, reason string) Outcome {
	return Outcome{Method: m, Failed: true, FailReason: reason}
}

func minFor(f Funding, fiscal, social int) int {
	if f == FundingFiscal {
		return fiscal
	}
	return social
}

// SelectRandom draws the winner among eligible sign-ups at a fixed price.
func SelectRandom(r Rules, f Funding, signups []string, draw Drawer) (Outcome, error) {
	need := minFor(f, r.MinRandomFiscal, r.MinRandomSocial)
	if len(signups) < need {
		return failed(MethodRandom, fmt.Sprintf("有效报名 %d 家，少于%s项目要求的 %d 家", len(signups), f.Label(), need)), nil
	}
	d, err := draw("winner", signups, 1)
	if err != nil {
		return Outcome{}, err
	}
	rest := slices.DeleteFunc(slices.Clone(d.Candidates), func(s string) bool { return s == d.Winners[0] })
	return Outcome{Method: MethodRandom, Winner: d.Winners[0], Ranking: append([]string{d.Winners[0]}, rest...), Draws: []Draw{d}}, nil
}

// SelectLowest picks the lowest valid quote; ties are broken by a draw.
func SelectLowest(r Rules, f Funding, bids []Bid, draw Drawer) (Outcome, error) {
	need := minFor(f, r.MinQuotesFiscal, r.MinQuotesSocial)
	if len(bids) < need {
		return failed(MethodLowest, fmt.Sprintf("有效报价 %d 家，少于%s项目要求的 %d 家", len(bids), f.Label(), need)), nil
	}
	return rankBy(MethodLowest, bids, func(a, b Bid) int { return cmpInt(a.Amount, b.Amount) }, draw)
}

// SelectReasonable applies the reasonable-price method: drop one highest and
// one lowest quote, average the rest, multiply by a drawn coefficient; the
// quote closest to that benchmark wins (ties: the lower quote, then a draw).
// With too few quotes it falls back to the lowest price, or fails.
func SelectReasonable(r Rules, f Funding, bids []Bid, draw Drawer) (Outcome, error) {
	need := minFor(f, r.MinReasonableFiscal, r.MinReasonableSocial)
	if len(bids) < need {
		out, err := SelectLowest(r, f, bids, draw)
		if err == nil && !out.Failed {
			out.Note = fmt.Sprintf("有效报价 %d 家，少于合理价法要求的 %d 家，按最低价法确定", len(bids), need)
		}
		return out, err
	}
	sorted := slices.Clone(bids)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Amount < sorted[j].Amount })
	kept := sorted[1 : len(sorted)-1] // exactly one highest and one lowest, even among equal quotes
	var sum int64
	for _, b := range kept {
		sum += b.Amount
	}
	mean := divRound(sum, int64(len(kept)))
	coeffs := make([]string, len(r.CoefficientsBP))
	for i, c := range r.CoefficientsBP {
		coeffs[i] = fmt.Sprint(c)
	}
	cd, err := draw("coefficient", coeffs, 1)
	if err != nil {
		return Outcome{}, err
	}
	var coeff int
	fmt.Sscan(cd.Winners[0], &coeff)
	bench := divRound(mean*int64(coeff), 10000)
	out, err := rankBy(MethodReasonable, bids, func(a, b Bid) int {
		if c := cmpInt(abs(a.Amount-bench), abs(b.Amount-bench)); c != 0 {
			return c
		}
		return cmpInt(a.Amount, b.Amount)
	}, draw)
	if err != nil {
		return Outcome{}, err
	}
	out.TrimmedMean, out.Coefficient, out.Benchmark = mean, coeff, bench
	out.Draws = append([]Draw{cd}, out.Draws...)
	return out, nil
}

// Weights of comprehensive scoring, in points (they add up to 100).
type Weights struct {
	Price    int64
	Credit   int64
	Criteria []Criterion
}

// Criterion is an owner-scored criterion with its maximum points.
type Criterion struct {
	Name string
	Max  int64
}

// Candidate is what comprehensive scoring knows of one bidder.
type Candidate struct {
	Bid
	CreditTenths int64   // credit score in tenths of a point (0–1100)
	Criteria     []int64 // owner's scores per criterion, ten-thousandths of a point
}

// SelectScoring computes price, credit and criteria scores in exact integer
// ten-thousandths of a point: the lowest valid quote gets the full price
// weight, others weight·lowest/quote (rounded down); credit gives
// score/100·weight; the highest total wins, ties by draw.
func SelectScoring(r Rules, f Funding, w Weights, cands []Candidate, draw Drawer) (Outcome, error) {
	need := minFor(f, r.MinQuotesFiscal, r.MinQuotesSocial)
	if len(cands) < need {
		return failed(MethodScoring, fmt.Sprintf("有效报价 %d 家，少于%s项目要求的 %d 家", len(cands), f.Label(), need)), nil
	}
	low := cands[0].Amount
	for _, c := range cands {
		low = min(low, c.Amount)
	}
	const unit = 10000
	scores := make(map[string]Score, len(cands))
	bids := make([]Bid, 0, len(cands))
	for _, c := range cands {
		s := Score{AgencyID: c.AgencyID}
		s.Price = w.Price * unit * low / c.Amount
		s.Credit = w.Credit * unit * c.CreditTenths / 1000
		for i, v := range c.Criteria {
			if i < len(w.Criteria) {
				s.Criteria += min(max(v, 0), w.Criteria[i].Max*unit)
			}
		}
		s.Total = s.Price + s.Credit + s.Criteria
		scores[c.AgencyID] = s
		bids = append(bids, c.Bid)
	}
	out, err := rankBy(MethodScoring, bids, func(a, b Bid) int { return cmpInt(scores[b.AgencyID].Total, scores[a.AgencyID].Total) }, draw)
	if err != nil {
		return Outcome{}, err
	}
	for _, id := range out.Ranking {
		out.Scores = append(out.Scores, scores[id])
	}
	return out, nil
}

// rankBy orders bids by cmp; each group that compares equal is ordered by
// its own verifiable draw (the first group's draw decides the winner, later
// ones who is next in line after an abandonment).
func rankBy(m Method, bids []Bid, cmp func(a, b Bid) int, draw Drawer) (Outcome, error) {
	sorted := slices.Clone(bids)
	slices.SortStableFunc(sorted, func(a, b Bid) int {
		if c := cmp(a, b); c != 0 {
			return c
		}
		return cmpStr(a.AgencyID, b.AgencyID)
	})
	out := Outcome{Method: m}
	for i := 0; i < len(sorted); {
		j := i + 1
		for j < len(sorted) && cmp(sorted[i], sorted[j]) == 0 {
			j++
		}
		group := make([]string, 0, j-i)
		for _, b := range sorted[i:j] {
			group = append(group, b.AgencyID)
		}
		if len(group) > 1 {
			d, err := draw("tie-break", group, len(group))
			if err != nil {
				return Outcome{}, err
			}
			out.Draws = append(out.Draws, d)
			group = d.Winners
		}
		out.Ranking = append(out.Ranking, group...)
		i = j
	}
	if len(out.Ranking) > 0 {
		out.Winner = out.Ranking[0]
	}
	return out, nil
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpStr(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// divRound divides non-negative a by positive b, rounding half up.
func divRound(a, b int64) int64 { return (2*a + b) / (2 * b) }
