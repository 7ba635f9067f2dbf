package adminui

import (
	"context"
	"time"

	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/registry"
)

// actions are what the viewer may do now on a project; the page shows
// only these forms, and the service checks every one again.
type actions struct {
	// The owner's.
	Edit, Publish, Cancel, Republish, Score, Contract, Extend, Pause, Resume, Decide, Evaluate bool
	PublishNote                                                                                string // the confirmation: what publishing does
	// An agency's.
	Login, SignUp                                      bool // Login: an anonymous visitor may log in to sign up
	Refusal                                            string
	Quote, Withdraw, Object, Abandon, Deliver, Respond bool
	Receipt                                            *hall.QuoteReceipt
	// A supervisor's.
	Review, DecideObjection bool
	// Time limits of the step at hand.
	By deadline
}

// Any reports whether there is a form to show.
func (a actions) Any() bool {
	return a.Edit || a.Publish || a.Cancel || a.Republish || a.Score || a.Contract || a.Extend || a.Pause || a.Resume ||
		a.Decide || a.Evaluate || a.Login || a.SignUp || a.Quote || a.Withdraw || a.Object || a.Abandon || a.Deliver ||
		a.Respond || a.Review || a.DecideObjection
}

// lastStepAt is when the last step of a kind happened.
func lastStepAt(p hall.Project, kind string) time.Time {
	for i := len(p.Timeline) - 1; i >= 0; i-- {
		if p.Timeline[i].Kind == kind {
			return p.Timeline[i].At
		}
	}
	return p.UpdatedAt
}

// nextActions decides the viewer's possible actions and says the next one
// in words.
func (u *ui) nextActions(ctx context.Context, pg *projectPage) {
	switch {
	case pg.V.Owner:
		u.ownerActions(pg)
	case pg.V.Agency:
		u.agencyActions(ctx, pg)
	case pg.V.Supervisor:
		u.supervisorActions(pg)
	default:
		pg.Next = publicNext(pg.P)
		pg.Acts.Login = pg.V.Anonymous && pg.P.State == hall.StateOpen && u.Hall.Now().Before(pg.P.SignupDeadline)
	}
}

func publicNext(p hall.Project) string {
	switch p.State {
	case hall.StateOpen:
		return "报名进行中，符合条件的中介机构可在报名截止前报名"
	case hall.StatePublicity:
		return "选取结果公示中，参与选取的机构可在公示期内提出质疑"
	case hall.StateFailed:
		return "项目流标：" + p.Opening.Outcome.FailReason
	case hall.StateCancelled:
		return "项目已终止：" + p.CancelReason
	}
	return ""
}

func (u *ui) ownerActions(pg *projectPage) {
	p, a, cal, rules, now := pg.P, &pg.Acts, u.Hall.Calendar, u.Hall.Rules, u.Hall.Now()
	a.Cancel = p.State.Cancellable()
	switch p.State {
	case hall.StateDraft:
		a.Edit, a.Publish = true, true
		pg.Next = "检查项目信息无误后发布公告；发布后不能修改"
		if len(p.Timeline) > 0 && p.Timeline[len(p.Timeline)-1].Kind == hall.EventReturned {
			pg.Next = "公告被监管部门退回：" + p.Timeline[len(p.Timeline)-1].Note + "。请修改后重新发布"
		}
		a.PublishNote = u.publishNote(p)
	case hall.StateReview:
		pg.Next = "公告已提交，等待监管部门审核"
	case hall.StateOpen:
		if now.Before(p.SignupDeadline) {
			pg.Next = "报名进行中。报名截止后，平台在开启时间自动开启并确定结果，无需操作"
		} else {
			pg.Next = "报名已截止，平台将在开启时间自动开启"
		}
	case hall.StateOpening:
		a.Score = p.Method == hall.MethodScoring && len(p.CriteriaScores) == 0
		pg.Next = "正在确定选取结果"
		if a.Score {
			pg.Next = "报价已开启。请为每家有效报价机构的评审因素打分，提交后平台计算总分并确定结果"
			pg.Criteria = criteriaRows(p, pg.FormFor("scores"))
		}
	case hall.StatePublicity:
		pg.Next = "选取结果公示中。公示期满后请在 " + itoa(rules.ContractDays) + " 个工作日内签订合同"
	case hall.StateObjection:
		pg.Next = "有参与机构提出质疑，公示暂停，等待监管部门处理"
	case hall.StateContracting:
		a.Contract = true
		a.By = u.countdown(cal.EndOfWorkday(lastStepAt(p, hall.EventPublicityEnded), rules.ContractDays), "签约期限")
		pg.Next = "请与中选机构签订合同，并上传合同扫描件"
	case hall.StateInService:
		a.Extend, a.Pause, a.Resume = true, !isPaused(p), isPaused(p)
		pg.Next = "服务进行中，等待中选机构提交成果。如需延期，或因等待业主资料需中止计时，可在此办理"
	case hall.StateDelivered:
		a.Decide = true
		last := p.Deliveries[len(p.Deliveries)-1]
		a.By = u.countdown(cal.EndOfWorkday(last.At, rules.AcceptanceDays), "验收期限")
		pg.Next = "中选机构已提交服务成果，请验收或退回修改（逾期 " + itoa(rules.SilentAcceptDays) + " 个工作日未处理视为验收通过）"
	case hall.StateAccepted:
		a.Evaluate = true
		a.By = u.countdown(cal.EndOfWorkday(lastStepAt(p, hall.EventAccepted), rules.EvaluationDays), "评价期限")
		pg.Next = "请对本次服务作出评价（逾期未评价默认五星）"
	case hall.StateEvaluated:
		pg.Next = "项目已完成"
	case hall.StateFailed:
		a.Republish = true
		pg.Next = publicNext(p) + "。可重新发布为新一轮项目"
	case hall.StateCancelled:
		pg.Next = publicNext(p)
	}
}

// publishNote tells the owner what publishing does, for the confirmation.
func (u *ui) publishNote(p hall.Project) string {
	switch {
	case u.Hall.ReviewRegions[p.Region]:
		return "发布后公告将提交监管部门审核，审核通过后公开并开始报名。发布后不能再修改，只能终止。确定发布？"
	case p.Method == hall.MethodDirect:
		return "发布后将直接选定所选机构并公示 " + itoa(u.Hall.Rules.PublicityDays) + " 个工作日。发布后不能再修改，只能终止。确定发布？"
	}
	return "发布后公告立即公开，中介机构可在 " + formatDeadline(p.SignupDeadline) + " 前报名，" + formatDeadline(p.OpeningTime) +
		" 自动开启并确定结果。发布后不能再修改，只能终止。确定发布？"
}

func (u *ui) agencyActions(ctx context.Context, pg *projectPage) {
	p, v, a, now := pg.P, pg.V, &pg.Acts, u.Hall.Now()
	open := p.State == hall.StateOpen && now.Before(p.SignupDeadline)
	switch {
	case open && !v.Participant:
		ok, reason := u.Hall.Eligible(ctx, p, v.AgencyID)
		a.SignUp, a.Refusal = ok, reason
		pg.Next = "贵机构符合报名条件，可以报名"
		if !ok {
			pg.Next = "贵机构不能报名：" + reason
		}
	case open && p.Method.Quoted():
		a.Quote = true
		if r, ok, err := u.Hall.MyQuote(ctx, registry.Actor{OrgID: v.AgencyID, Kind: registry.ActorAgency}, p.ID); err == nil && ok {
			a.Receipt, a.Withdraw = &r, true
			pg.Next = "已提交密封报价。报名截止前可以修改或撤回"
		} else {
			pg.Next = "已报名。请在报名截止前提交密封报价，未报价视为放弃"
		}
	case open:
		pg.Next = "已报名，报名截止后平台在开启时间自动抽取"
	case p.State == hall.StatePublicity && v.Participant:
		a.Object, a.Abandon = now.Before(p.PublicityEnd), v.Winner
		pg.Next = "选取结果公示中。如对结果有异议，可在公示期内提出质疑"
		if v.Winner {
			pg.Next = "贵机构中选。公示期满后与业主签订合同"
		}
	case p.State == hall.StateContracting && v.Winner:
		a.Abandon = true
		pg.Next = "等待业主签订合同。如放弃中选（弃标），将记入信用评价"
	case p.State == hall.StateInService && v.Winner:
		a.Deliver = true
		pg.Next = "服务进行中，请在服务期限前提交服务成果"
	case p.State == hall.StateDelivered && v.Winner:
		pg.Next = "成果已提交，等待业主验收"
	case p.State == hall.StateEvaluated && v.Winner && p.Evaluation != nil && p.Evaluation.Response == "":
		by := p.Evaluation.At.AddDate(0, 0, u.Hall.Rules.ResponseDays)
		a.Respond = now.Before(by)
		if a.Respond {
			a.By = u.countdown(by, "回复期限")
			pg.Next = "业主已评价，贵机构可回复"
		}
	default:
		if v.Participant && p.Winner != "" && !v.Winner {
			pg.Next = "贵机构未中选"
		} else {
			pg.Next = publicNext(p)
		}
	}
}

func (u *ui) supervisorActions(pg *projectPage) {
	p, a := pg.P, &pg.Acts
	a.Cancel = p.State.Cancellable() && p.State != hall.StateDraft
	switch p.State {
	case hall.StateReview:
		a.Review = true
		pg.Next = "请审核公告：通过后公开并开始报名，退回时请写明原因"
	case hall.StateObjection:
		a.DecideObjection = true
		pg.Next = "有参与机构提出质疑，请处理：质疑成立则撤销原结果并由其他候选递补，不成立则继续公示"
	default:
		pg.Next = publicNext(p)
	}
}

func itoa(n int) string { return formatCount(n) }
