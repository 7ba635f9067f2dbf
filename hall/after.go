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

// step appends a timeline step.
func step(p *Project, at time.Time, actor, agency, kind, note string) {
	p.Timeline = append(p.Timeline, Step{At: at, Actor: actor, Agency: agency, Kind: kind, Note: note})
	p.UpdatedAt = at
}

// change runs a state change with its timeline steps and emits them.
func (s *Service) change(ctx context.Context, id string, fn func(p *Project, now time.Time) error) (Project, error) {
	mark := 0
	p, err := s.update(ctx, id, func(p *Project) error {
		mark = len(p.Timeline)
		return fn(p, s.Now().UTC())
	})
	if err != nil {
		return Project{}, err
	}
	s.emit(ctx, p, mark)
	return p.Redacted(), nil
}

func isParticipant(p *Project, agencyID string) bool {
	_, ok := p.SignupOf(agencyID)
	return ok
}

// Object lets a participant challenge the result during publicity (质疑).
// The project pauses until a regulator decides.
func (s *Service) Object(ctx context.Context, who registry.Actor, id, reason string) (Project, error) {
	reason = strings.TrimSpace(reason)
	if who.Kind != registry.ActorAgency {
		return Project{}, apperr.Forbidden("只有参与选取的中介机构可以提出质疑")
	}
	if n := utf8.RuneCountInString(reason); n < 10 || n > 2000 {
		return Project{}, apperr.Invalid().Field("reason", "请写明质疑事项和理由（10–2000 字）")
	}
	return s.change(ctx, id, func(p *Project, now time.Time) error {
		if err := concealed(who, p); err != nil {
			return err
		}
		if !isParticipant(p, who.OrgID) {
			return apperr.Forbidden("只有参与选取的中介机构可以提出质疑")
		}
		if p.State != StatePublicity || !now.Before(p.PublicityEnd) {
			return apperr.Conflict("not_in_publicity", "只能在公示期内提出质疑")
		}
		p.Objections = append(p.Objections, Objection{ID: fmt.Sprintf("%s-Q%d", p.ID, len(p.Objections)+1), AgencyID: who.OrgID,
			Reason: reason, At: now})
		p.State = StateObjection
		step(p, now, who.UserID, who.OrgID, EventObjected, "")
		return nil
	})
}

// DecideObjection is the regulator's decision: upheld means the result is
// set aside and the selection is run again from the opening record
// excluding the winner; dismissed resumes the publicity for the days left.
func (s *Service) DecideObjection(ctx context.Context, who registry.Actor, id string, upheld bool, note string) (Project, error) {
	if !who.Supervises() {
		return Project{}, apperr.Forbidden("只有监管部门可以处理质疑")
	}
	note = strings.TrimSpace(note)
	if note == "" {
		return Project{}, apperr.Invalid().Field("note", "请填写处理意见")
	}
	return s.change(ctx, id, func(p *Project, now time.Time) error {
		if err := who.InJurisdiction(p.Region, "项目"); err != nil {
			return err
		}
		if p.State != StateObjection {
			return apperr.Conflict("no_objection", "该项目没有待处理的质疑")
		}
		o := &p.Objections[len(p.Objections)-1]
		o.DecidedAt, o.DecidedBy, o.Note = now, who.UserID, note
		if upheld {
			o.Decision = "upheld"
			step(p, now, who.UserID, "", EventObjectionDecided, "质疑成立："+note)
			return s.nextCandidate(p, now, who.UserID, "质疑成立，原中选结果撤销")
		}
		o.Decision = "dismissed"
		paused := now.Sub(o.At)
		p.PublicityEnd = p.PublicityEnd.Add(paused) // the days spent on the objection do not count
		p.State = StatePublicity
		step(p, now, who.UserID, "", EventObjectionDecided, "质疑不成立，继续公示："+note)
		return nil
	})
}

// nextCandidate replaces the winner: the next in the ranking for price and
// scoring methods; for random draws a new draw among the remaining
// candidates. With nobody left the project fails.
func (s *Service) nextCandidate(p *Project, now time.Time, actor, why string) error {
	var rest []string
	for _, a := range p.Ranking {
		if a != p.Winner {
			rest = append(rest, a)
		}
	}
	if p.Method == MethodRandom && len(rest) > 0 {
		secret, err := ParseDrawSecret(p.Secret)
		if err != nil {
			return err
		}
		d, err := RunDraw(secret, "redraw", p.ID, rest, fmt.Sprintf("重新抽取 %d", len(p.Opening.Outcome.Draws)), 1)
		if err != nil {
			return err
		}
		d.Purpose = "redraw"
		p.Opening.Outcome.Draws = append(p.Opening.Outcome.Draws, d)
		rest = append([]string{d.Winners[0]}, removeStr(rest, d.Winners[0])...)
	}
	if len(rest) == 0 || p.Method == MethodDirect {
		p.Winner, p.Ranking, p.State = "", nil, StateFailed
		step(p, now, actor, "", EventFailed, why+"，无其他候选机构")
		return nil
	}
	p.Winner, p.Ranking = rest[0], rest
	p.State = StatePublicity
	p.PublicityEnd = s.Calendar.EndOfWorkday(now, s.Rules.PublicityDays)
	step(p, now, actor, p.Winner, EventSelected, why+"，由 "+s.agencyName(p, p.Winner)+" 递补")
	return nil
}

func removeStr(list []string, x string) []string {
	out := list[:0:0]
	for _, v := range list {
		if v != x {
			out = append(out, v)
		}
	}
	return out
}

// Abandon records that the winner refuses the contract (弃标), which
// supervision scores, and moves on to the next candidate.
func (s *Service) Abandon(ctx context.Context, who registry.Actor, id, reason string) (Project, error) {
	if who.Kind != registry.ActorAgency {
		return Project{}, apperr.Forbidden("只有中选机构可以放弃")
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return Project{}, apperr.Invalid().Field("reason", "请填写放弃原因")
	}
	return s.change(ctx, id, func(p *Project, now time.Time) error {
		if err := concealed(who, p); err != nil {
			return err
		}
		if p.Winner != who.OrgID {
			return apperr.Forbidden("只有中选机构可以放弃")
		}
		if p.State != StatePublicity && p.State != StateContracting {
			return apperr.Conflict("not_winner", "只有待签约的中选机构可以放弃")
		}
		step(p, now, who.UserID, who.OrgID, EventAbandoned, reason)
		return s.nextCandidate(p, now, who.UserID, "中选机构放弃")
	})
}

// SignContract records the contract within the contract period; the service
// clock starts: due = contract date + the committed time limit.
func (s *Service) SignContract(ctx context.Context, who registry.Actor, id string, amountFen int64, signedOn time.Time, fileID string) (Project, error) {
	v := apperr.Invalid()
	if amountFen <= 0 {
		v.Field("amount_fen", "合同金额应大于 0")
	}
	if signedOn.IsZero() {
		v.Field("signed_on", "请填写签订日期")
	}
	if fileID == "" {
		v.Field("file", "请上传合同扫描件")
	}
	if err := v.OrNil(); err != nil {
		return Project{}, err
	}
	return s.change(ctx, id, func(p *Project, now time.Time) error {
		if err := s.ownerOf(who, p); err != nil {
			return err
		}
		if p.State != StateContracting {
			return apperr.Conflict("not_contracting", "公示结束后方可签订合同")
		}
		if amountFen > p.CeilingFen {
			return apperr.Invalid().Field("amount_fen", "合同金额不能高于最高限价")
		}
		if signedOn.After(now) {
			return apperr.Invalid().Field("signed_on", "签订日期不能晚于今天")
		}
		days := p.TimeLimitDays
		p.Contract = &Contract{AgencyID: p.Winner, AmountFen: amountFen, SignedOn: signedOn.UTC(), FileID: fileID,
			DueAt: registry.DateOf(signedOn).Start().AddDate(0, 0, days+1).UTC()}
		p.State = StateInService
		defer func() {
			p.Timeline[len(p.Timeline)-1].Data = map[string]string{"due_at": p.Contract.DueAt.Format(time.RFC3339)}
		}()
		step(p, now, who.UserID, p.Winner, EventContracted, fmt.Sprintf("服务期限 %d 天，截止 %s", days,
			p.Contract.DueAt.Add(-time.Second).In(registry.Shanghai).Format("2006-01-02")))
		return nil
	})
}

// Extend moves the due date by days the owner approves.
func (s *Service) Extend(ctx context.Context, who registry.Actor, id string, days int, reason string) (Project, error) {
	if days < 1 || days > 365 {
		return Project{}, apperr.Invalid().Field("days", "延期天数应为 1–365 天")
	}
	if strings.TrimSpace(reason) == "" {
		return Project{}, apperr.Invalid().Field("reason", "请填写延期原因")
	}
	return s.change(ctx, id, func(p *Project, now time.Time) error {
		if err := s.ownerOf(who, p); err != nil {
			return err
		}
		if p.State != StateInService {
			return apperr.Conflict("not_in_service", "只有服务中的项目可以延期")
		}
		p.Extensions = append(p.Extensions, Extension{Days: days, Reason: reason, At: now})
		p.Contract.DueAt = p.Contract.DueAt.AddDate(0, 0, days)
		step(p, now, who.UserID, p.Winner, EventExtended, fmt.Sprintf("延期 %d 天：%s", days, reason))
		p.Timeline[len(p.Timeline)-1].Data = map[string]string{"due_at": p.Contract.DueAt.Format(time.RFC3339)}
		return nil
	})
}

// Pause stops the service clock while the agency waits for the owner's
// materials (中止计时); Resume restarts it and moves the due date by the
// time paused. Either side may record it; the owner confirms by doing it.
func (s *Service) Pause(ctx context.Context, who registry.Actor, id, reason string) (Project, error) {
	if strings.TrimSpace(reason) == "" {
		return Project{}, apperr.Invalid().Field("reason", "请填写中止计时的原因")
	}
	return s.change(ctx, id, func(p *Project, now time.Time) error {
		if err := s.ownerOf(who, p); err != nil {
			return err
		}
		if p.State != StateInService || paused(p) {
			return apperr.Conflict("cannot_pause", "只有服务中且正在计时的项目可以中止计时")
		}
		p.Pauses = append(p.Pauses, Pause{From: now, Reason: reason})
		step(p, now, who.UserID, p.Winner, EventPaused, reason)
		return nil
	})
}

// Resume restarts the service clock.
func (s *Service) Resume(ctx context.Context, who registry.Actor, id string) (Project, error) {
	return s.change(ctx, id, func(p *Project, now time.Time) error {
		if err := s.ownerOf(who, p); err != nil {
			return err
		}
		if !paused(p) {
			return apperr.Conflict("not_paused", "服务计时未中止")
		}
		last := &p.Pauses[len(p.Pauses)-1]
		last.To = now
		p.Contract.DueAt = p.Contract.DueAt.Add(now.Sub(last.From))
		step(p, now, who.UserID, p.Winner, EventResumed, fmt.Sprintf("中止 %.1f 天", now.Sub(last.From).Hours()/24))
		p.Timeline[len(p.Timeline)-1].Data = map[string]string{"due_at": p.Contract.DueAt.Format(time.RFC3339)}
		return nil
	})
}

func paused(p *Project) bool { return len(p.Pauses) > 0 && p.Pauses[len(p.Pauses)-1].To.IsZero() }

// Deliver is the winner's upload of its result.
func (s *Service) Deliver(ctx context.Context, who registry.Actor, id, fileID string) (Project, error) {
	if fileID == "" {
		return Project{}, apperr.Invalid().Field("file", "请上传服务成果文件")
	}
	return s.change(ctx, id, func(p *Project, now time.Time) error {
		if err := concealed(who, p); err != nil {
			return err
		}
		if who.Kind != registry.ActorAgency || p.Winner != who.OrgID {
			return apperr.Forbidden("只有中选机构可以提交服务成果")
		}
		if p.State != StateInService {
			return apperr.Conflict("not_in_service", "项目当前不能提交成果")
		}
		if paused(p) { // delivering ends a pause: the owner's materials evidently arrived
			last := &p.Pauses[len(p.Pauses)-1]
			last.To = now
			p.Contract.DueAt = p.Contract.DueAt.Add(now.Sub(last.From))
		}
		p.Deliveries = append(p.Deliveries, Delivery{FileID: fileID, At: now})
		p.State = StateDelivered
		note := "按期交付"
		if now.After(p.Contract.DueAt) {
			note = fmt.Sprintf("逾期 %.1f 天交付", now.Sub(p.Contract.DueAt).Hours()/24)
		}
		step(p, now, who.UserID, p.Winner, EventDelivered, note)
		p.Timeline[len(p.Timeline)-1].Data = map[string]string{"due_at": p.Contract.DueAt.Format(time.RFC3339)}
		return nil
	})
}

// DecideDelivery is the owner's acceptance or return (with a reason)
// within the acceptance period.
func (s *Service) DecideDelivery(ctx context.Context, who registry.Actor, id string, accept bool, reason string) (Project, error) {
	if !accept && strings.TrimSpace(reason) == "" {
		return Project{}, apperr.Invalid().Field("reason", "退回时请写明需要修改的内容")
	}
	return s.change(ctx, id, func(p *Project, now time.Time) error {
		if err := s.ownerOf(who, p); err != nil {
			return err
		}
		if p.State != StateDelivered {
			return apperr.Conflict("not_delivered", "没有待验收的成果")
		}
		d := &p.Deliveries[len(p.Deliveries)-1]
		d.DecidedAt, d.Reason = now, strings.TrimSpace(reason)
		if accept {
			d.Decision, p.State = "accepted", StateAccepted
			step(p, now, who.UserID, p.Winner, EventAccepted, "")
			return nil
		}
		d.Decision, p.State = "returned", StateInService
		step(p, now, who.UserID, p.Winner, EventReturnedDelivery, d.Reason)
		return nil
	})
}

// Evaluate records the owner's five-dimension rating.
func (s *Service) Evaluate(ctx context.Context, who registry.Actor, id string, e Evaluation) (Project, error) {
	v := apperr.Invalid()
	for name, x := range map[string]int{"quality": e.Quality, "timeliness": e.Timeliness, "attitude": e.Attitude, "fees": e.Fees, "conduct": e.Conduct} {
		if x < 1 || x > 5 {
			v.Field(name, "请选择 1–5 星")
		}
	}
	if utf8.RuneCountInString(e.Comment) > 1000 {
		v.Field("comment", "评价内容不能超过 1000 字")
	}
	if err := v.OrNil(); err != nil {
		return Project{}, err
	}
	return s.change(ctx, id, func(p *Project, now time.Time) error {
		if err := s.ownerOf(who, p); err != nil {
			return err
		}
		if p.State != StateAccepted {
			return apperr.Conflict("not_accepted", "验收通过后方可评价")
		}
		e.At, e.Default, e.Response, e.ResponseAt = now, false, "", time.Time{}
		p.Evaluation = &e
		p.State = StateEvaluated
		step(p, now, who.UserID, p.Winner, EventEvaluated, fmt.Sprintf("质量 %d 时效 %d 态度 %d 收费 %d 规范 %d", e.Quality, e.Timeliness, e.Attitude, e.Fees, e.Conduct))
		p.Timeline[len(p.Timeline)-1].Data = evaluationData(e)
		return nil
	})
}

// Respond is the agency's reply to its evaluation, within 14 days.
func (s *Service) Respond(ctx context.Context, who registry.Actor, id, text string) (Project, error) {
	text = strings.TrimSpace(text)
	if text == "" || utf8.RuneCountInString(text) > 1000 {
		return Project{}, apperr.Invalid().Field("response", "请填写回复（1000 字以内）")
	}
	return s.change(ctx, id, func(p *Project, now time.Time) error {
		if err := concealed(who, p); err != nil {
			return err
		}
		if who.Kind != registry.ActorAgency || p.Winner != who.OrgID {
			return apperr.Forbidden("只有被评价的机构可以回复")
		}
		if p.Evaluation == nil || p.Evaluation.Response != "" {
			return apperr.Conflict("cannot_respond", "没有可回复的评价，或已回复")
		}
		if now.After(p.Evaluation.At.AddDate(0, 0, s.Rules.ResponseDays)) {
			return apperr.Conflict("response_late", fmt.Sprintf("评价公布 %d 天后不能再回复", s.Rules.ResponseDays))
		}
		p.Evaluation.Response, p.Evaluation.ResponseAt = text, now
		step(p, now, who.UserID, p.Winner, EventResponded, "")
		return nil
	})
}

// Advance applies the time-driven transitions of one project: opening,
// the end of publicity, acceptance by silence, the default evaluation, and
// failure when no contract is signed in time. Every step is a conditional
// swap, so the job and lazy readers may run it concurrently.
func (s *Service) Advance(ctx context.Context, id string) (Project, error) {
	p, err := s.OpenIfDue(ctx, id)
	if err != nil {
		return Project{}, err
	}
	now := s.Now().UTC()
	if !s.timeDue(p, now) {
		return p, nil
	}
	q, err := s.change(ctx, id, func(p *Project, now time.Time) error {
		switch {
		case p.State == StatePublicity && !now.Before(p.PublicityEnd):
			p.State = StateContracting
			step(p, now, "system", p.Winner, EventPublicityEnded, "公示期满无异议，进入签约")
		case p.State == StateContracting && !now.Before(s.contractDeadline(*p)):
			step(p, now, "system", p.Winner, EventAbandoned, "公示结束后 5 个工作日内未签订合同，视为放弃")
			return s.nextCandidate(p, now, "system", "逾期未签约")
		case p.State == StateDelivered && !now.Before(s.silenceDeadline(*p)):
			d := &p.Deliveries[len(p.Deliveries)-1]
			d.Decision, d.DecidedAt, d.Silent, p.State = "accepted", now, true, StateAccepted
			step(p, now, "system", p.Winner, EventAccepted, "业主逾期未验收，视为验收通过")
		case p.State == StateAccepted && !now.Before(s.evaluationDeadline(*p)):
			p.Evaluation = &Evaluation{Quality: 5, Timeliness: 5, Attitude: 5, Fees: 5, Conduct: 5, At: now, Default: true}
			p.State = StateEvaluated
			step(p, now, "system", p.Winner, EventEvaluated, "业主逾期未评价，默认五星")
			p.Timeline[len(p.Timeline)-1].Data = evaluationData(*p.Evaluation)
		default:
			return errNothingDue
		}
		return nil
	})
	if err == errNothingDue {
		return s.read(ctx, id) // another caller got there first
	}
	return q, err
}

var errNothingDue = apperr.Conflict("nothing_due", "没有到期的步骤")

func (s *Service) timeDue(p Project, now time.Time) bool {
	switch p.State {
	case StatePublicity:
		return !now.Before(p.PublicityEnd)
	case StateContracting:
		return !now.Before(s.contractDeadline(p))
	case StateDelivered:
		return !now.Before(s.silenceDeadline(p))
	case StateAccepted:
		return !now.Before(s.evaluationDeadline(p))
	}
	return false
}

func (s *Service) lastStepAt(p Project, kind string) time.Time {
	for i := len(p.Timeline) - 1; i >= 0; i-- {
		if p.Timeline[i].Kind == kind {
			return p.Timeline[i].At
		}
	}
	return p.UpdatedAt
}

// contractDeadline: 5 working days after the publicity ended.
func (s *Service) contractDeadline(p Project) time.Time {
	return s.Calendar.EndOfWorkday(s.lastStepAt(p, EventPublicityEnded), s.Rules.ContractDays)
}

// silenceDeadline: 10 working days of silence after a delivery.
func (s *Service) silenceDeadline(p Project) time.Time {
	return s.Calendar.EndOfWorkday(p.Deliveries[len(p.Deliveries)-1].At, s.Rules.SilentAcceptDays)
}

// evaluationDeadline: 10 working days after acceptance.
func (s *Service) evaluationDeadline(p Project) time.Time {
	return s.Calendar.EndOfWorkday(s.lastStepAt(p, EventAccepted), s.Rules.EvaluationDays)
}

// AdvanceAll runs Advance on every project with a time-driven step due; the
// scheduled job calls it every minute. It returns how many changed.
func (s *Service) AdvanceAll(ctx context.Context) (int, error) {
	now := s.Now().UTC()
	n := 0
	for _, p := range s.cache.newestFirst() { // shared and read only: no copy of every project each minute
		if !p.Due(now) && !s.timeDue(*p, now) && !(p.State == StateOpening && p.Opening != nil && p.Opening.Outcome.Method == "" && p.Method != MethodScoring) {
			continue
		}
		before := p.Version
		q, err := s.Advance(ctx, p.ID)
		if err != nil && !apperr.Is(err, apperr.KindConflict) {
			return n, fmt.Errorf("advance %s: %w", p.ID, err)
		}
		if q.Version != before {
			n++
		}
	}
	return n, nil
}

// evaluationData records the stars as event data: the sum of the five
// dimensions (5–25), from which scoring takes the average exactly.
func evaluationData(e Evaluation) map[string]string {
	return map[string]string{"stars_sum": fmt.Sprint(e.Quality + e.Timeliness + e.Attitude + e.Fees + e.Conduct),
		"default": fmt.Sprint(e.Default)}
}
