package hall

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/registry"
)

// Agencies is what the hall reads of the registry.
type Agencies interface {
	Get(ctx context.Context, who registry.Actor, id string) (registry.Agency, error)
}

// Catalog is what the hall reads of the service catalog.
type Catalog interface {
	Get(ctx context.Context, code string) (registry.ServiceItem, error)
}

// Config wires the hall service.
type Config struct {
	Store    Store
	Agencies Agencies
	Catalog  Catalog
	Calendar *Calendar
	// Calendars keeps holiday years imported by admins (optional).
	Calendars CalendarStore
	Sealer    *Sealer
	Rules     Rules
	Now       func() time.Time
	// Grade returns an agency's credit grade (A–D), "" when not scored yet.
	Grade func(agencyID string) string
	// CreditScore returns an agency's credit score in tenths of a point;
	// nil until supervision scores agencies (everyone counts as 100).
	CreditScore func(agencyID string) int64
	// ReviewRegions lists regions whose announcements a regulator reviews
	// before they open.
	ReviewRegions map[string]bool
	// Observe, when set, is told of every event once it is stored
	// (notifications and webhooks). It runs in the caller's request, so it
	// must be quick; a re-emitted event is told again.
	Observe func(ctx context.Context, e Event)
}

// Service carries out the hall's rules.
type Service struct {
	Config
	system registry.Actor // the platform itself, for reads of the registry
	cache  projects
}

// NewService builds the hall service.
func NewService(c Config) *Service {
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Calendar == nil {
		c.Calendar = NewCalendar()
	}
	if c.Grade == nil {
		c.Grade = func(string) string { return "" }
	}
	if c.Rules.CoefficientsBP == nil {
		c.Rules = DefaultRules()
	}
	return &Service{Config: c, system: registry.Actor{UserID: "system", Kind: registry.ActorAdmin}}
}

// ProjectInput is what an owner fills in.
type ProjectInput struct {
	Name             string
	InvestmentCode   string
	ItemCode         string
	Region           string
	Scope            string
	Funding          Funding
	CeilingFen       int64
	FloorFen         int64
	TimeLimitDays    int
	Method           Method
	Weights          *Weights
	DirectAgency     string
	DirectReason     string
	SignupDeadline   time.Time
	OpeningTime      time.Time
	Excluded         []Exclusion
	Witnesses        []string
	ComplaintContact string
}

// validate checks an owner's input against the rules and the catalog;
// publishAt is when it would be published (now, for a check at creation).
func (s *Service) validate(ctx context.Context, in ProjectInput, publishAt time.Time) (registry.ServiceItem, error) {
	v := apperr.Invalid()
	if n := utf8.RuneCountInString(strings.TrimSpace(in.Name)); n == 0 || n > 100 {
		v.Field("name", "请填写项目名称（100 字以内）")
	}
	if utf8.RuneCountInString(in.InvestmentCode) > 40 {
		v.Field("investment_code", "投资项目代码过长")
	}
	if utf8.RuneCountInString(in.Scope) > 2000 {
		v.Field("scope", "服务范围不能超过 2000 字")
	}
	if msg := registry.ValidateRegion(in.Region); msg != "" {
		v.Field("region", msg)
	}
	item, err := s.Catalog.Get(ctx, in.ItemCode)
	switch {
	case apperr.Is(err, apperr.KindNotFound):
		v.Field("item_code", "服务事项不存在")
	case err != nil:
		return item, err
	case !item.Enabled:
		v.Field("item_code", "服务事项已停用")
	}
	if in.Funding != FundingFiscal && in.Funding != FundingSocial {
		v.Field("funding", "资金来源应为财政资金或社会资金")
	}
	if in.CeilingFen <= 0 {
		v.Field("ceiling_fen", "最高限价应大于 0")
	} else if in.CeilingFen > 1_000_000_000_00 {
		v.Field("ceiling_fen", "最高限价超出允许范围")
	}
	if in.FloorFen < 0 {
		v.Field("floor_fen", "最低限价不能为负数")
	} else if in.FloorFen > 0 && in.FloorFen > in.CeilingFen {
		v.Field("floor_fen", "最低限价不能高于最高限价")
	}
	switch in.Method {
	case MethodDirect:
		if in.Funding == FundingFiscal && in.CeilingFen > s.Rules.DirectMaxCeilingFen {
			v.Field("method", fmt.Sprintf("财政资金项目最高限价超过 %s 元时不能直接选取", yuan(s.Rules.DirectMaxCeilingFen)))
		}
		if in.DirectAgency == "" {
			v.Field("direct_agency", "请选择中介机构")
		}
		if utf8.RuneCountInString(strings.TrimSpace(in.DirectReason)) < 10 {
			v.Field("direct_reason", "请写明直接选取的理由（不少于 10 字）")
		}
	case MethodRandom, MethodLowest, MethodReasonable:
	case MethodScoring:
		if in.Weights == nil {
			v.Field("weights", "综合评分须公布价格、信用和评审因素的分值")
		} else if !weightsInRange(*in.Weights) {
			v.Field("weights", "价格、信用分值应为 0–100 分，每个评审因素的分值应为 1–100 分")
		} else if total := weightTotal(*in.Weights); total != 100 {
			v.Field("weights", fmt.Sprintf("各项分值合计应为 100 分（现为 %d 分）", total))
		}
	default:
		v.Field("method", "请选择选取方式")
	}
	if err == nil && (in.TimeLimitDays < 1 || in.TimeLimitDays > item.TimeLimitDays) {
		v.Field("time_limit_days", fmt.Sprintf("服务时限应为 1–%d 天（不超过法定时限）", item.TimeLimitDays))
	}
	if in.Method != MethodDirect {
		minDays := s.Rules.DeadlineDaysMin
		if in.Method == MethodScoring {
			minDays = s.Rules.ScoringDeadlineMin
		}
		earliest := s.Calendar.EndOfWorkday(publishAt, minDays-1)
		switch {
		case in.SignupDeadline.IsZero():
			v.Field("signup_deadline", "请填写报名截止时间")
		case in.SignupDeadline.Before(earliest):
			v.Field("signup_deadline", fmt.Sprintf("报名截止时间应在发布后至少 %d 个工作日（不早于 %s）", minDays,
				earliest.In(registry.Shanghai).Format("2006-01-02 15:04")))
		}
		if in.OpeningTime.Before(in.SignupDeadline) {
			v.Field("opening_time", "开启时间不能早于报名截止时间")
		}
	}
	if len(in.Excluded) > 50 {
		v.Field("excluded", "回避机构最多 50 家")
	}
	for i, e := range in.Excluded {
		if strings.TrimSpace(e.Reason) == "" {
			v.Field(fmt.Sprintf("excluded[%d].reason", i), "请填写回避理由")
		}
	}
	if len(in.Witnesses) > 10 {
		v.Field("witnesses", "见证人最多 10 人")
	}
	return item, v.OrNil()
}

// weightsInRange bounds each weight, so that their total cannot overflow
// (two huge weights must not wrap around to 100).
func weightsInRange(w Weights) bool {
	if w.Price < 0 || w.Price > 100 || w.Credit < 0 || w.Credit > 100 || len(w.Criteria) > 100 {
		return false
	}
	for _, c := range w.Criteria {
		if c.Max < 1 || c.Max > 100 {
			return false
		}
	}
	return true
}

func weightTotal(w Weights) int64 {
	t := w.Price + w.Credit
	for _, c := range w.Criteria {
		t += c.Max
	}
	return t
}

// yuan formats fen as yuan with two decimals.
func yuan(fen int64) string { return fmt.Sprintf("%d.%02d", fen/100, fen%100) }

// Create saves a draft project for the owner's organisation.
func (s *Service) Create(ctx context.Context, who registry.Actor, ownerName string, in ProjectInput) (Project, error) {
	if who.Kind != registry.ActorOwner {
		return Project{}, apperr.Forbidden("只有项目业主可以发布选取项目")
	}
	now := s.Now().UTC()
	item, err := s.validate(ctx, in, now)
	if err != nil {
		return Project{}, err
	}
	day := now.In(registry.Shanghai).Format("20060102")
	n, err := s.Store.NextSequence(ctx, "project:"+day)
	if err != nil {
		return Project{}, err
	}
	p := Project{ID: fmt.Sprintf("P%s%04d", day, n), Round: 1, OwnerOrg: who.OrgID, OwnerName: ownerName, CreatedAt: now, UpdatedAt: now,
		State: StateDraft}
	applyInput(&p, in, item)
	p.Timeline = []Step{{At: now, Actor: who.UserID, Kind: EventCreated}}
	if err := s.create(ctx, p); err != nil {
		return Project{}, err
	}
	return p, nil
}

func applyInput(p *Project, in ProjectInput, item registry.ServiceItem) {
	p.Name, p.InvestmentCode, p.ItemCode, p.ItemName = strings.TrimSpace(in.Name), strings.TrimSpace(in.InvestmentCode), item.Code, item.Name
	p.Stage, p.Region, p.Scope, p.Funding = string(item.Stage), in.Region, strings.TrimSpace(in.Scope), in.Funding
	p.CeilingFen, p.FloorFen, p.TimeLimitDays, p.Method = in.CeilingFen, in.FloorFen, in.TimeLimitDays, in.Method
	p.QualTypes, p.QualAll = item.Qualifications, item.QualMode == registry.QualAllOf
	p.Weights, p.DirectAgency, p.DirectReason = in.Weights, in.DirectAgency, strings.TrimSpace(in.DirectReason)
	p.SignupDeadline, p.OpeningTime = in.SignupDeadline.UTC(), in.OpeningTime.UTC()
	p.Excluded, p.Witnesses, p.ComplaintContact = in.Excluded, in.Witnesses, strings.TrimSpace(in.ComplaintContact)
}

// Update changes a draft.
func (s *Service) Update(ctx context.Context, who registry.Actor, id string, in ProjectInput) (Project, error) {
	item, err := s.validate(ctx, in, s.Now())
	if err != nil {
		return Project{}, err
	}
	return s.update(ctx, id, func(p *Project) error {
		if err := s.ownerOf(who, p); err != nil {
			return err
		}
		if p.State != StateDraft {
			return apperr.Conflict("not_draft", "只有草稿可以修改")
		}
		applyInput(p, in, item)
		p.UpdatedAt = s.Now().UTC()
		return nil
	})
}

func (s *Service) ownerOf(who registry.Actor, p *Project) error {
	if who.Kind == registry.ActorOwner && who.OrgID == p.OwnerOrg {
		return nil
	}
	if err := concealed(who, p); err != nil {
		return err
	}
	return apperr.Forbidden("只能操作本单位的项目")
}

// concealed answers "not found" for a project the actor may not know of: a
// draft or an announcement under review is its owner's and supervisors'
// business, and project IDs are sequential, so any other answer (forbidden,
// "not open") would confirm that it exists.
func concealed(who registry.Actor, p *Project) error {
	if p.State.Public() || who.Supervises() || (who.Kind == registry.ActorOwner && who.OrgID == p.OwnerOrg) {
		return nil
	}
	return apperr.Hidden("项目")
}

// Get returns a project as who may see it: drafts only to their owner and
// supervisors, and the draw secret never before the opening.
func (s *Service) Get(ctx context.Context, who registry.Actor, id string) (Project, error) {
	p, err := s.read(ctx, id)
	if err != nil {
		return Project{}, err
	}
	if now := s.Now(); p.Due(now) || s.timeDue(p, now) {
		// Reading a project whose time has come moves it on (lazy opening).
		if p, err = s.Advance(ctx, id); err != nil {
			return Project{}, err
		}
	}
	if !p.State.Public() && s.ownerOf(who, &p) != nil && !who.Supervises() {
		return Project{}, apperr.Hidden("项目")
	}
	return p.RedactedFor(who), nil
}

// Publish opens a draft for sign-ups (or sends it to announcement review),
// committing to a fresh draw secret. A direct choice goes straight to
// result publicity once the chosen agency is found eligible.
func (s *Service) Publish(ctx context.Context, who registry.Actor, id string) (Project, error) {
	cur, err := s.read(ctx, id)
	if err != nil {
		return Project{}, err
	}
	if err := s.ownerOf(who, &cur); err != nil {
		return Project{}, err
	}
	now := s.Now().UTC()
	if _, err := s.validate(ctx, inputOf(cur), now); err != nil {
		return Project{}, err
	}
	var directName string
	if cur.Method == MethodDirect {
		a, reason := s.eligibility(ctx, &cur, cur.DirectAgency, now)
		if reason != "" {
			return Project{}, apperr.Invalid().Field("direct_agency", reason)
		}
		directName = a.Profile.Name
	}
	secret := NewDrawSecret()
	p, err := s.update(ctx, id, func(p *Project) error {
		if p.State != StateDraft {
			return apperr.Conflict("not_draft", "项目已发布")
		}
		p.Secret, p.Commitment, p.PublishedAt, p.UpdatedAt = secret.Hex(), secret.Commitment(), now, now
		switch {
		case s.needsReview(p.Region):
			p.State = StateReview
			p.Timeline = append(p.Timeline, Step{At: now, Actor: who.UserID, Kind: EventSubmittedForReview})
		case p.Method == MethodDirect:
			s.publishDirect(p, directName, who.UserID, now)
		default:
			p.State = StateOpen
			p.Timeline = append(p.Timeline, Step{At: now, Actor: who.UserID, Kind: EventPublished})
		}
		return nil
	})
	if err != nil {
		return Project{}, err
	}
	s.emit(ctx, p, 0) // the first events of the project: creation and publication
	return p.Redacted(), nil
}

func (s *Service) publishDirect(p *Project, name, actor string, now time.Time) {
	p.Signups = []Signup{{AgencyID: p.DirectAgency, AgencyName: name, At: now}}
	p.Winner, p.Ranking = p.DirectAgency, []string{p.DirectAgency}
	p.State = StatePublicity
	p.PublicityEnd = s.Calendar.EndOfWorkday(now, s.Rules.PublicityDays)
	p.Timeline = append(p.Timeline, Step{At: now, Actor: actor, Kind: EventPublished},
		Step{At: now, Actor: actor, Kind: EventSelected, Note: "直接选取：" + name + "。理由：" + p.DirectReason})
}

// needsReview reports whether announcements of a region go to a regulator
// first: a configured code covers the regions under it (620100, a city,
// covers its districts 6201xx).
func (s *Service) needsReview(region string) bool {
	for r, on := range s.ReviewRegions {
		if on && strings.HasPrefix(region, strings.TrimRight(r, "0")) {
			return true
		}
	}
	return false
}

// ReviewAnnouncement is a regulator's decision on an announcement under
// review: approve opens it, otherwise it returns to draft with the reason.
func (s *Service) ReviewAnnouncement(ctx context.Context, who registry.Actor, id string, approve bool, note string) (Project, error) {
	if !who.Supervises() {
		return Project{}, apperr.Forbidden("只有监管部门可以审核公告")
	}
	if !approve && strings.TrimSpace(note) == "" {
		return Project{}, apperr.Invalid().Field("note", "退回时请填写原因")
	}
	now := s.Now().UTC()
	directName := ""
	if cur, err := s.read(ctx, id); err == nil && cur.Method == MethodDirect {
		a, reason := s.eligibility(ctx, &cur, cur.DirectAgency, now)
		if approve && reason != "" {
			return Project{}, apperr.Conflict("not_eligible", "直接选取的机构已不符合条件："+reason)
		}
		directName = a.Profile.Name
	}
	mark := 0
	p, err := s.update(ctx, id, func(p *Project) error {
		mark = len(p.Timeline)
		if err := who.InJurisdiction(p.Region, "项目"); err != nil {
			return err
		}
		if p.State != StateReview {
			return apperr.Conflict("not_in_review", "该项目不在待审核状态")
		}
		if !approve {
			p.State = StateDraft
			p.Timeline = append(p.Timeline, Step{At: now, Actor: who.UserID, Kind: EventReturned, Note: note})
			return nil
		}
		if p.Method == MethodDirect {
			s.publishDirect(p, directName, who.UserID, now)
		} else {
			p.State = StateOpen
			p.Timeline = append(p.Timeline, Step{At: now, Actor: who.UserID, Kind: EventPublished, Note: "公告审核通过"})
		}
		p.UpdatedAt = now
		return nil
	})
	if err == nil {
		s.emit(ctx, p, mark)
	}
	return p.Redacted(), err
}

// Cancel ends a project before contract, with a reason.
func (s *Service) Cancel(ctx context.Context, who registry.Actor, id, reason string) (Project, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return Project{}, apperr.Invalid().Field("reason", "请填写终止原因")
	}
	now := s.Now().UTC()
	mark := 0
	p, err := s.update(ctx, id, func(p *Project) error {
		mark = len(p.Timeline)
		if err := s.ownerOf(who, p); err != nil {
			if !who.Supervises() {
				return err
			}
			if err := who.InJurisdiction(p.Region, "项目"); err != nil {
				return err
			}
		}
		if !p.State.Cancellable() {
			return apperr.Conflict("not_cancellable", "项目当前状态为“"+p.State.Label()+"”，签约后不能终止")
		}
		p.State, p.CancelReason, p.UpdatedAt = StateCancelled, reason, now
		p.Timeline = append(p.Timeline, Step{At: now, Actor: who.UserID, Kind: EventCancelled, Note: reason})
		return nil
	})
	if err == nil {
		s.emit(ctx, p, mark)
	}
	return p.Redacted(), err
}

// Republish starts a new round of a failed project as a draft linked to it.
func (s *Service) Republish(ctx context.Context, who registry.Actor, id string) (Project, error) {
	old, err := s.read(ctx, id)
	if err != nil {
		return Project{}, err
	}
	if err := s.ownerOf(who, &old); err != nil {
		return Project{}, err
	}
	if old.State != StateFailed {
		return Project{}, apperr.Conflict("not_failed", "只有流标的项目可以重新发布")
	}
	in := inputOf(old)
	in.SignupDeadline, in.OpeningTime = time.Time{}, time.Time{} // the owner sets new dates
	now := s.Now().UTC()
	item, err := s.Catalog.Get(ctx, old.ItemCode)
	if err != nil {
		return Project{}, err
	}
	day := now.In(registry.Shanghai).Format("20060102")
	n, err := s.Store.NextSequence(ctx, "project:"+day)
	if err != nil {
		return Project{}, err
	}
	p := Project{ID: fmt.Sprintf("P%s%04d", day, n), Round: old.Round + 1, PreviousID: old.ID, OwnerOrg: old.OwnerOrg,
		OwnerName: old.OwnerName, State: StateDraft, CreatedAt: now, UpdatedAt: now}
	applyInput(&p, in, item)
	p.Timeline = []Step{{At: now, Actor: who.UserID, Kind: EventCreated, Note: fmt.Sprintf("第 %d 轮，重新发布流标项目 %s", p.Round, old.ID)}}
	return p, s.create(ctx, p)
}

func inputOf(p Project) ProjectInput {
	return ProjectInput{Name: p.Name, InvestmentCode: p.InvestmentCode, ItemCode: p.ItemCode, Region: p.Region, Scope: p.Scope,
		Funding: p.Funding, CeilingFen: p.CeilingFen, FloorFen: p.FloorFen, TimeLimitDays: p.TimeLimitDays, Method: p.Method,
		Weights: p.Weights, DirectAgency: p.DirectAgency, DirectReason: p.DirectReason, SignupDeadline: p.SignupDeadline,
		OpeningTime: p.OpeningTime, Excluded: p.Excluded, Witnesses: p.Witnesses, ComplaintContact: p.ComplaintContact}
}
