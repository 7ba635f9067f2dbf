package hall

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/registry"
)

// eligibility decides whether an agency may take part in a project at
// instant at, and gives the reason in Chinese when it may not. The
// qualification must be valid on the sign-up deadline's day.
func (s *Service) eligibility(ctx context.Context, p *Project, agencyID string, at time.Time) (registry.Agency, string) {
	a, err := s.Agencies.Get(ctx, s.system, agencyID)
	return a, s.agencyMay(a, err, p, agencyID, at)
}

// agencyMay is eligibility's rule for an agency already read (err: the
// read's error), so a list of projects reads the agency once.
func (s *Service) agencyMay(a registry.Agency, err error, p *Project, agencyID string, at time.Time) string {
	if err != nil {
		return "机构未入驻平台"
	}
	switch a.Status {
	case registry.StatusActive:
	case registry.StatusSuspended:
		return "机构已被暂停，暂不能参加选取"
	case registry.StatusBlacklisted:
		return "机构已列入黑名单，不能参加选取"
	default:
		return "机构尚未通过入驻审核"
	}
	for _, e := range p.Excluded {
		if e.AgencyID == agencyID {
			return "本项目要求该机构回避：" + e.Reason
		}
	}
	if p.Funding == FundingFiscal && s.Grade(agencyID) == "D" {
		return "信用等级为 D 的机构不能参加财政资金项目"
	}
	day := registry.DateOf(at)
	if !p.SignupDeadline.IsZero() {
		day = registry.DateOf(p.SignupDeadline)
	}
	item := registry.ServiceItem{Qualifications: p.QualTypes, QualMode: registry.QualAnyOf}
	if p.QualAll {
		item.QualMode = registry.QualAllOf
	}
	if !registry.MeetsRequirement(item, a.Profile.Qualifications, day) {
		return "缺少在报名截止日有效且符合要求的资质"
	}
	if !slices.ContainsFunc(a.Listings, func(l registry.Listing) bool { return l.ItemCode == p.ItemCode }) {
		return "机构未在服务清单中登记该服务事项"
	}
	return ""
}

// Eligible reports whether the agency may sign up now, with the reason.
func (s *Service) Eligible(ctx context.Context, p Project, agencyID string) (bool, string) {
	if _, ok := p.SignupOf(agencyID); ok {
		return false, "已报名"
	}
	if p.State != StateOpen || !s.Now().Before(p.SignupDeadline) {
		return false, "报名已截止"
	}
	_, reason := s.eligibility(ctx, &p, agencyID, s.Now())
	return reason == "", reason
}

// SignUp registers the actor's agency for an open project.
func (s *Service) SignUp(ctx context.Context, who registry.Actor, id string) (Project, error) {
	if who.Kind != registry.ActorAgency {
		return Project{}, apperr.Forbidden("只有中介机构可以报名")
	}
	cur, err := s.read(ctx, id)
	if err != nil {
		return Project{}, err
	}
	if err := concealed(who, &cur); err != nil {
		return Project{}, err
	}
	a, reason := s.eligibility(ctx, &cur, who.OrgID, s.Now())
	if reason != "" {
		return Project{}, apperr.Conflict("not_eligible", "不能报名："+reason)
	}
	var now time.Time
	p, err := s.update(ctx, id, func(p *Project) error {
		now = s.Now().UTC() // the server clock at the moment of the write decides
		if p.State != StateOpen || !now.Before(p.SignupDeadline) {
			return apperr.Conflict("deadline_passed", "报名已截止")
		}
		if _, ok := p.SignupOf(who.OrgID); ok {
			return apperr.Conflict("already_signed_up", "已报名，无需重复报名")
		}
		p.Signups = append(p.Signups, Signup{AgencyID: who.OrgID, AgencyName: a.Profile.Name, At: now})
		p.UpdatedAt = now
		return nil
	})
	if err != nil {
		return Project{}, err
	}
	// Sign-ups are listed on the project; as events they feed supervision
	// without growing the timeline by hundreds of steps.
	s.putEvent(ctx, Event{ID: id + ":signup:" + who.OrgID, Kind: EventSignedUp, ProjectID: id, AgencyID: who.OrgID,
		OwnerOrg: p.OwnerOrg, At: now, Data: map[string]string{"actor": who.UserID}})
	return p.Redacted(), nil
}

// QuoteReceipt is what an agency gets back for a sealed quote.
type QuoteReceipt struct {
	ProjectID string
	Receipt   string
	Nonce     string
	At        time.Time
}

// SubmitQuote seals a quote (new or replacing the previous one).
//
// The commit point of a quote is a compare-and-swap on its own document,
// project:agency, that checks — with the server clock read inside the swap —
// that the deadline has not passed and the document has not been opened.
// The opening first moves the project to opening, then marks every sign-up's
// quote document opened by a swap on that document. So for each quote the
// two swaps are ordered: a submission that committed first is opened, one
// that comes after is refused. docs/QUOTES.md explains it in full.
func (s *Service) SubmitQuote(ctx context.Context, who registry.Actor, id string, amountFen int64) (QuoteReceipt, error) {
	if who.Kind != registry.ActorAgency {
		return QuoteReceipt{}, apperr.Forbidden("只有中介机构可以报价")
	}
	p, err := s.read(ctx, id)
	if err != nil {
		return QuoteReceipt{}, err
	}
	if err := concealed(who, &p); err != nil {
		return QuoteReceipt{}, err
	}
	if !p.Method.Quoted() {
		return QuoteReceipt{}, apperr.Conflict("no_quotes", "该项目的选取方式不需要报价")
	}
	if err := checkQuoteOpen(&p, who.OrgID, s.Now()); err != nil {
		return QuoteReceipt{}, err
	}
	if amountFen <= 0 || amountFen > p.CeilingFen || (p.FloorFen > 0 && amountFen < p.FloorFen) {
		msg := "报价应在最低限价与最高限价之间"
		if p.FloorFen == 0 {
			msg = "报价应大于 0 且不高于最高限价"
		}
		return QuoteReceipt{}, apperr.Invalid().Field("amount_fen", msg)
	}
	var r QuoteReceipt
	sealed := s.Sealer.Seal(id, who.OrgID, amountFen)
	_, err = s.Store.UpdateSealedQuote(ctx, id, who.OrgID, func(q *SealedQuote) error {
		// Stored dates keep milliseconds; the receipt must match what is read back.
		at := s.Now().UTC().Truncate(time.Millisecond)
		if err := checkSealOpen(q, p.SignupDeadline, at); err != nil {
			return err
		}
		if len(q.Entries) >= maxSubmissions {
			return apperr.Conflict("too_many_quotes", "报价修改次数已达上限")
		}
		nonce := NewNonce()
		r = QuoteReceipt{ProjectID: id, Nonce: nonce, At: at, Receipt: Receipt(id, who.OrgID, amountFen, nonce, at)}
		q.Entries = append(q.Entries, SealedEntry{Receipt: r.Receipt, Nonce: nonce, Sealed: sealed, At: at})
		q.Committed = r.Receipt
		return nil
	})
	if err != nil {
		return QuoteReceipt{}, err
	}
	s.putEvent(ctx, Event{ID: id + ":quote:" + r.Receipt[:16], Kind: EventQuoted, ProjectID: id, AgencyID: who.OrgID,
		OwnerOrg: p.OwnerOrg, At: r.At, Data: map[string]string{"receipt": r.Receipt}})
	return r, nil
}

// maxSubmissions bounds how often one agency may replace its quote.
const maxSubmissions = 50

// WithdrawQuote takes the agency's quote back before the deadline.
func (s *Service) WithdrawQuote(ctx context.Context, who registry.Actor, id string) error {
	if who.Kind != registry.ActorAgency {
		return apperr.Forbidden("只有中介机构可以撤回报价")
	}
	p, err := s.read(ctx, id)
	if err != nil {
		return err
	}
	if err := concealed(who, &p); err != nil {
		return err
	}
	if err := checkQuoteOpen(&p, who.OrgID, s.Now()); err != nil {
		return err
	}
	var at time.Time
	_, err = s.Store.UpdateSealedQuote(ctx, id, who.OrgID, func(q *SealedQuote) error {
		at = s.Now().UTC()
		if err := checkSealOpen(q, p.SignupDeadline, at); err != nil {
			return err
		}
		if q.Committed == "" {
			return apperr.Conflict("no_quote", "尚未提交报价")
		}
		q.Committed = ""
		return nil
	})
	if err != nil {
		return err
	}
	s.putEvent(ctx, Event{ID: fmt.Sprintf("%s:withdraw:%s:%d", id, who.OrgID, at.UnixNano()), Kind: EventQuoteWithdrawn,
		ProjectID: id, AgencyID: who.OrgID, OwnerOrg: p.OwnerOrg, At: at})
	return nil
}

// MyQuote returns the agency's committed quote receipt (never the amount
// before the opening: the agency knows what it quoted).
func (s *Service) MyQuote(ctx context.Context, who registry.Actor, id string) (QuoteReceipt, bool, error) {
	q, err := s.Store.GetSealedQuote(ctx, id, who.OrgID)
	if apperr.Is(err, apperr.KindNotFound) {
		return QuoteReceipt{}, false, nil
	}
	if err != nil {
		return QuoteReceipt{}, false, err
	}
	e, ok := q.Current()
	return QuoteReceipt{ProjectID: id, Receipt: e.Receipt, Nonce: e.Nonce, At: e.At}, ok, nil
}

// checkQuoteOpen is the early check against the project, before sealing.
func checkQuoteOpen(p *Project, agencyID string, now time.Time) error {
	if p.State != StateOpen || !now.Before(p.SignupDeadline) {
		return errQuoteClosed
	}
	if _, ok := p.SignupOf(agencyID); !ok {
		return apperr.Conflict("not_signed_up", "请先报名再报价")
	}
	return nil
}

// checkSealOpen is the commit check, inside the swap of the quote document.
func checkSealOpen(q *SealedQuote, deadline, now time.Time) error {
	if q.Opened || !now.Before(deadline) {
		return errQuoteClosed
	}
	return nil
}

var errQuoteClosed = apperr.Conflict("deadline_passed", "报价已截止，未被接受")
