package hall

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/registry"
)

// Due reports whether an open project has reached its opening time.
func (p Project) Due(now time.Time) bool {
	return p.State == StateOpen && !now.Before(p.OpeningTime) && !now.Before(p.SignupDeadline)
}

// OpenIfDue opens a project whose opening time has come, exactly once, and
// finishes an opening that was interrupted. It is what the every-minute job
// and any read of a due project call; both paths are idempotent:
//
//  1. a compare-and-swap moves the project from open to opening — of two
//     callers only one succeeds, and no quote can commit after it;
//  2. the outcome is computed from the committed quotes and the secret,
//     which is deterministic, so a crash here is repaired by computing
//     again;
//  3. a second compare-and-swap stores the outcome only if none is stored
//     yet, moving the project to publicity or failed.
func (s *Service) OpenIfDue(ctx context.Context, id string) (Project, error) {
	p, err := s.read(ctx, id)
	if err != nil {
		return Project{}, err
	}
	now := s.Now().UTC()
	if p.Due(now) {
		mark := 0
		p, err = s.update(ctx, id, func(p *Project) error {
			mark = len(p.Timeline)
			if !p.Due(now) {
				return errAlreadyOpened
			}
			p.State, p.UpdatedAt = StateOpening, now
			p.Opening = &OpeningRecord{At: now}
			p.Timeline = append(p.Timeline, Step{At: now, Actor: "system", Kind: EventOpened})
			return nil
		})
		if err == errAlreadyOpened {
			if p, err = s.refresh(ctx, id); err != nil {
				return Project{}, err
			}
		} else if err != nil {
			return Project{}, err
		} else {
			s.emit(ctx, p, mark)
		}
	}
	if p.State != StateOpening || p.Opening.Outcome.Method != "" {
		return p, nil
	}
	if p.Method == MethodScoring && len(p.CriteriaScores) == 0 {
		// Quotes are opened and published; the owner now scores the criteria.
		return s.recordBids(ctx, p)
	}
	return s.decide(ctx, p)
}

var errAlreadyOpened = apperr.Conflict("already_opened", "项目已开启")

// candidates re-checks every sign-up at the deadline (an agency suspended or
// whose qualification lapsed since signing up is out) and opens the
// committed quotes.
func (s *Service) candidates(ctx context.Context, p Project) ([]string, map[string]string, []OpenedBid, error) {
	refused := map[string]string{}
	var eligible []string
	var bids []OpenedBid
	for _, su := range p.Signups {
		if _, reason := s.eligibility(ctx, &p, su.AgencyID, p.SignupDeadline); reason != "" {
			refused[su.AgencyID] = reason
			continue
		}
		if !p.Method.Quoted() {
			eligible = append(eligible, su.AgencyID)
			continue
		}
		// Seal the quote document: from this swap on no submission can commit.
		q, err := s.Store.UpdateSealedQuote(ctx, p.ID, su.AgencyID, func(q *SealedQuote) error {
			if !q.Opened {
				q.Opened, q.OpenedAt = true, p.Opening.At
			}
			return nil
		})
		if err != nil {
			return nil, nil, nil, fmt.Errorf("seal quote of %s: %w", su.AgencyID, err)
		}
		e, ok := q.Current()
		if !ok {
			refused[su.AgencyID] = "未提交报价"
			continue
		}
		amount, err := s.Sealer.Open(p.ID, su.AgencyID, e.Sealed)
		if err != nil {
			return nil, nil, nil, err
		}
		b := OpenedBid{AgencyID: su.AgencyID, Amount: amount, Receipt: e.Receipt, Nonce: e.Nonce, At: e.At, Valid: true}
		if Receipt(p.ID, su.AgencyID, amount, e.Nonce, e.At) != e.Receipt {
			b.Valid, b.Invalid = false, "报价与回执不符"
		} else if amount > p.CeilingFen || (p.FloorFen > 0 && amount < p.FloorFen) {
			b.Valid, b.Invalid = false, "报价超出限价范围"
		}
		bids = append(bids, b)
		if b.Valid {
			eligible = append(eligible, su.AgencyID)
		}
	}
	slices.Sort(eligible)
	return eligible, refused, bids, nil
}

// recordBids publishes the opened quotes of a comprehensive-scoring project
// while it waits for the owner's criteria scores.
func (s *Service) recordBids(ctx context.Context, p Project) (Project, error) {
	if len(p.Opening.Bids) > 0 || len(p.Signups) == 0 {
		return p, nil
	}
	cands, refused, bids, err := s.candidates(ctx, p)
	if err != nil {
		return Project{}, err
	}
	return s.update(ctx, p.ID, func(q *Project) error {
		if q.State != StateOpening || len(q.Opening.Bids) > 0 {
			return nil
		}
		q.Opening.Candidates, q.Opening.Refused, q.Opening.Bids = cands, refused, bids
		return nil
	})
}

// decide computes and stores the outcome.
func (s *Service) decide(ctx context.Context, p Project) (Project, error) {
	cands, refused, bids, err := s.candidates(ctx, p)
	if err != nil {
		return Project{}, err
	}
	secret, err := ParseDrawSecret(p.Secret)
	if err != nil {
		return Project{}, fmt.Errorf("project %s: %w", p.ID, err)
	}
	draw := func(purpose string, c []string, k int) (Draw, error) {
		d, err := RunDraw(secret, purpose, p.ID, c, p.Opening.Witness, k)
		d.Purpose = purpose
		return d, err
	}
	var valid []Bid
	for _, b := range bids {
		if b.Valid {
			valid = append(valid, Bid{AgencyID: b.AgencyID, Amount: b.Amount})
		}
	}
	var out Outcome
	switch p.Method {
	case MethodRandom:
		out, err = SelectRandom(s.Rules, p.Funding, cands, draw)
	case MethodLowest:
		out, err = SelectLowest(s.Rules, p.Funding, valid, draw)
	case MethodReasonable:
		out, err = SelectReasonable(s.Rules, p.Funding, valid, draw)
	case MethodScoring:
		out, err = SelectScoring(s.Rules, p.Funding, *p.Weights, s.scoringCandidates(p, valid), draw)
	default:
		return p, nil
	}
	if err != nil {
		return Project{}, err
	}
	now := s.Now().UTC()
	mark := 0
	p, err = s.update(ctx, p.ID, func(q *Project) error {
		mark = len(q.Timeline)
		if q.State != StateOpening || q.Opening.Outcome.Method != "" {
			return errAlreadyDecided
		}
		q.Opening.Candidates, q.Opening.Refused, q.Opening.Bids = cands, refused, bids
		q.Opening.Secret, q.Opening.Outcome = q.Secret, out
		q.UpdatedAt = now
		if out.Failed {
			q.State = StateFailed
			q.Timeline = append(q.Timeline, Step{At: now, Actor: "system", Kind: EventFailed, Note: out.FailReason})
			return nil
		}
		q.Winner, q.Ranking = out.Winner, out.Ranking
		q.State = StatePublicity
		q.PublicityEnd = s.Calendar.EndOfWorkday(now, s.Rules.PublicityDays)
		q.Timeline = append(q.Timeline, Step{At: now, Actor: "system", Agency: out.Winner, Kind: EventSelected,
			Note: "中选机构：" + s.agencyName(q, out.Winner)})
		return nil
	})
	if err == errAlreadyDecided {
		return s.refresh(ctx, p.ID)
	}
	if err != nil {
		return Project{}, err
	}
	s.emit(ctx, p, mark)
	return p, nil
}

var errAlreadyDecided = apperr.Conflict("already_decided", "选取结果已确定")

func (s *Service) agencyName(p *Project, id string) string {
	if su, ok := p.SignupOf(id); ok && su.AgencyName != "" {
		return su.AgencyName
	}
	return id
}

// scoringCandidates joins the valid quotes with credit scores and the
// owner's criteria scores.
func (s *Service) scoringCandidates(p Project, valid []Bid) []Candidate {
	out := make([]Candidate, 0, len(valid))
	for _, b := range valid {
		out = append(out, Candidate{Bid: b, CreditTenths: s.creditTenths(b.AgencyID), Criteria: p.CriteriaScores[b.AgencyID]})
	}
	return out
}

// creditTenths is the agency's credit score in tenths; without scoring yet
// every agency stands at the base score of 100.
func (s *Service) creditTenths(agencyID string) int64 {
	if s.CreditScore != nil {
		return s.CreditScore(agencyID)
	}
	return 1000
}

// ScoreCriteria records the owner's criteria scores (ten-thousandths of a
// point) for every valid bidder of a comprehensive-scoring project, then
// decides the outcome.
func (s *Service) ScoreCriteria(ctx context.Context, who registry.Actor, id string, scores map[string][]int64) (Project, error) {
	p, err := s.OpenIfDue(ctx, id)
	if err != nil {
		return Project{}, err
	}
	if err := s.ownerOf(who, &p); err != nil {
		return Project{}, err
	}
	if p.Method != MethodScoring || p.State != StateOpening {
		return Project{}, apperr.Conflict("not_scoring", "项目当前不在评分阶段")
	}
	v := apperr.Invalid()
	valid := map[string]bool{}
	for _, b := range p.Opening.Bids {
		valid[b.AgencyID] = valid[b.AgencyID] || b.Valid
	}
	for agency := range scores {
		if !valid[agency] { // it would be stored with the scores
			v.Field("scores."+agency, "该机构没有有效报价，不能为其打分")
		}
	}
	for _, b := range p.Opening.Bids {
		if !b.Valid {
			continue
		}
		sc, ok := scores[b.AgencyID]
		if !ok || len(sc) != len(p.Weights.Criteria) {
			v.Field("scores."+b.AgencyID, "请为每项评审因素打分")
			continue
		}
		for i, x := range sc {
			if x < 0 || x > p.Weights.Criteria[i].Max*10000 {
				v.Field(fmt.Sprintf("scores.%s[%d]", b.AgencyID, i), fmt.Sprintf("“%s”的得分应为 0–%d 分", p.Weights.Criteria[i].Name, p.Weights.Criteria[i].Max))
			}
		}
	}
	if err := v.OrNil(); err != nil {
		return Project{}, err
	}
	p, err = s.update(ctx, id, func(q *Project) error {
		if q.State != StateOpening || len(q.CriteriaScores) > 0 {
			return apperr.Conflict("already_scored", "已评分")
		}
		q.CriteriaScores = scores
		return nil
	})
	if err != nil {
		return Project{}, err
	}
	return s.decide(ctx, p)
}
