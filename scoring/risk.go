package scoring

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/registry"
)

// Risk is one collusion or bid-rigging signal (围标串标) for regulators.
type Risk struct {
	Kind      string // low_quote, identical_quotes, co_bidding, shared_contact
	ProjectID string
	Agencies  []string
	Detail    string
}

// Risk kinds and their Chinese names.
var RiskLabels = map[string]string{
	"low_quote":        "报价异常偏低（低于有效报价均值 70%）",
	"identical_quotes": "不同机构报价完全相同",
	"co_bidding":       "机构经常共同投标",
	"shared_contact":   "投标机构联系方式相同",
}

// Risks computes every signal over the opened projects.
func (s *Service) Risks(ctx context.Context) []Risk {
	var out []Risk
	bidsOf := map[string]map[string]bool{} // agency → projects it quoted on
	contact := map[string]registry.Profile{}
	profile := func(id string) registry.Profile {
		if p, ok := contact[id]; ok {
			return p
		}
		a, err := s.Registry.Get(ctx, s.system, id)
		if err == nil {
			contact[id] = a.Profile
		}
		return contact[id]
	}
	for _, p := range s.Hall.All() {
		if p.Opening == nil || len(p.Opening.Bids) == 0 {
			continue
		}
		var valid []hall.OpenedBid
		var sum int64
		for _, b := range p.Opening.Bids {
			if b.Valid {
				valid = append(valid, b)
				sum += b.Amount
			}
			if bidsOf[b.AgencyID] == nil {
				bidsOf[b.AgencyID] = map[string]bool{}
			}
			bidsOf[b.AgencyID][p.ID] = true
		}
		if len(valid) >= 2 {
			for _, b := range valid {
				// b < 70% of the mean ⇔ 10·b·n < 7·sum, exactly.
				if 10*b.Amount*int64(len(valid)) < 7*sum {
					out = append(out, Risk{"low_quote", p.ID, []string{b.AgencyID},
						fmt.Sprintf("报价 %s 元，有效报价均值 %s 元", yuanOf(b.Amount), yuanOf(sum/int64(len(valid))))})
				}
			}
		}
		same := map[int64][]string{}
		for _, b := range valid {
			same[b.Amount] = append(same[b.Amount], b.AgencyID)
		}
		for amount, ids := range same {
			if len(ids) > 1 {
				sort.Strings(ids)
				out = append(out, Risk{"identical_quotes", p.ID, ids, fmt.Sprintf("%d 家机构报价均为 %s 元", len(ids), yuanOf(amount))})
			}
		}
		shared := map[string][]string{}
		for _, b := range p.Opening.Bids {
			pr := profile(b.AgencyID)
			for _, key := range []string{"电话 " + strings.TrimSpace(pr.Phone), "邮箱 " + strings.ToLower(strings.TrimSpace(pr.Email)), "地址 " + strings.TrimSpace(pr.Address)} {
				if !strings.HasSuffix(key, " ") {
					shared[key] = append(shared[key], b.AgencyID)
				}
			}
		}
		for key, ids := range shared {
			if len(ids) > 1 {
				sort.Strings(ids)
				out = append(out, Risk{"shared_contact", p.ID, ids, "使用相同的" + key})
			}
		}
	}
	// Pairs that co-bid in ≥ 80% of each other's projects, with ≥ 5 in common.
	ids := make([]string, 0, len(bidsOf))
	for id := range bidsOf {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for i, a := range ids {
		for _, b := range ids[i+1:] {
			common := 0
			for p := range bidsOf[a] {
				if bidsOf[b][p] {
					common++
				}
			}
			if common >= 5 && 10*common >= 8*len(bidsOf[a]) && 10*common >= 8*len(bidsOf[b]) {
				out = append(out, Risk{"co_bidding", "", []string{a, b},
					fmt.Sprintf("共同参与 %d 个项目（分别占其参与项目的 %d%% 和 %d%%）", common, 100*common/len(bidsOf[a]), 100*common/len(bidsOf[b]))})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].ProjectID != out[j].ProjectID {
			return out[i].ProjectID > out[j].ProjectID
		}
		return out[i].Kind+strings.Join(out[i].Agencies, ",") < out[j].Kind+strings.Join(out[j].Agencies, ",")
	})
	return out
}

func yuanOf(fen int64) string { return fmt.Sprintf("%d.%02d", fen/100, fen%100) }
