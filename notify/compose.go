package notify

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/scoring"
)

// notice is one message for a group of recipients.
type notice struct {
	kind        Kind
	to          []Recipient
	title, body string
	link        string
}

// compose decides who hears of an event and what they read. Every text is
// built from facts that are public or belong to the recipient: no quote
// amount, no list of who signed up before the opening, and never who filed
// a complaint (complainant_user only routes the complainant's own copy).
func (s *Service) compose(ctx context.Context, e Event, dir *recipients) ([]notice, error) {
	kind, _, _ := strings.Cut(e.Type, ".")
	switch kind {
	case "project":
		return s.composeProject(ctx, e, dir)
	case "complaint":
		return s.composeComplaint(ctx, e, dir), nil
	case "sanction", "credit":
		return s.composeCredit(e, dir), nil
	case "alert":
		return s.composeAlert(ctx, e, dir), nil
	case "agency":
		return s.composeAgency(e, dir), nil
	case "qualification":
		return s.composeQualification(e, dir), nil
	}
	return nil, nil
}

// project reads a project from the hall's read model, or from storage.
func (s *Service) project(ctx context.Context, id string) (hall.Project, bool, error) {
	if id == "" || s.Hall == nil {
		return hall.Project{}, false, nil
	}
	if p, ok := s.Hall.Peek(id); ok {
		return p, true, nil
	}
	p, err := s.Hall.Store.GetProject(ctx, id)
	if apperr.Is(err, apperr.KindNotFound) {
		return p, false, nil
	}
	return p, err == nil, err
}

// agencyName is an agency's registered name, or its ID.
func (s *Service) agencyName(p *hall.Project, id string) string {
	if p != nil {
		if su, ok := p.SignupOf(id); ok && su.AgencyName != "" {
			return su.AgencyName
		}
	}
	if s.Registry != nil {
		if n, ok := s.Registry.Directory().Name(id); ok {
			return n
		}
	}
	return id
}

// agencyRegion is an agency's region ("" when unknown).
func (s *Service) agencyRegion(ctx context.Context, id string) string {
	if s.Registry == nil || id == "" {
		return ""
	}
	a, err := s.Registry.Get(ctx, s.system, id)
	if err != nil {
		return ""
	}
	return a.Profile.Region
}

// when formats a time for texts: Beijing time to the minute.
func when(t time.Time) string { return t.In(registry.Shanghai).Format("2006-01-02 15:04") }

// day formats a date for texts.
func day(t time.Time) string { return t.In(registry.Shanghai).Format("2006-01-02") }

// yuan formats fen as ¥1,234.56.
func yuan(fen int64) string {
	neg := fen < 0
	if neg {
		fen = -fen
	}
	s := strconv.FormatInt(fen/100, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	s = fmt.Sprintf("¥%s.%02d", s, fen%100)
	if neg {
		s = "-" + s
	}
	return s
}

func (s *Service) composeProject(ctx context.Context, e Event, dir *recipients) ([]notice, error) {
	p, ok, err := s.project(ctx, e.ProjectID)
	if err != nil || !ok {
		return nil, err
	}
	link := "/projects/" + p.ID
	owner := dir.org(p.OwnerOrg)
	note := e.Data["note"]
	system := e.Data["actor"] == "system"
	// The opening's own decision (not a later replacement of the winner)
	// tells the agencies it set aside why: refused at the re-check, or
	// holding an invalid quote. They get that notice instead of the
	// general one (one notification per user and event).
	decided := system && openingDecision(p, e)
	var participants, others []string // every sign-up; those neither winner nor refused
	refused, invalid := map[string]string{}, map[string]string{}
	if p.Opening != nil {
		refused = p.Opening.Refused
		for _, b := range p.Opening.Bids {
			if !b.Valid {
				invalid[b.AgencyID] = b.Invalid
			}
		}
	}
	winner := e.AgencyID
	if winner == "" {
		winner = p.Winner // a direct choice's selection names no agency on its step
	}
	for _, su := range p.Signups {
		participants = append(participants, su.AgencyID)
		_, out := refused[su.AgencyID]
		_, bad := invalid[su.AgencyID]
		if su.AgencyID != winner && !out && !(decided && bad) {
			others = append(others, su.AgencyID)
		}
	}
	title := func(what string) string { return what + "：" + p.Name }
	n := func(k Kind, to []Recipient, what, body string) notice {
		return notice{kind: k, to: to, title: title(what), body: body, link: link}
	}
	var out []notice
	switch strings.TrimPrefix(e.Type, "project.") {
	case hall.EventSubmittedForReview:
		out = append(out, n(KindAnnouncement, dir.supervising(p.Region), "公告待审核",
			p.OwnerName+" 提交了选取公告，请在 2 个工作日内审核。"))
	case hall.EventReturned:
		out = append(out, n(KindAnnouncement, owner, "公告被退回修改", "退回意见："+note))
	case hall.EventPublished:
		if note == "公告审核通过" {
			out = append(out, n(KindAnnouncement, owner, "公告审核通过", "公告已发布，报名截止 "+when(p.SignupDeadline)+"。"))
		}
		if p.Method != hall.MethodDirect {
			price := "最高限价 " + yuan(p.CeilingFen)
			if p.Method == hall.MethodRandom {
				price = "固定价格 " + yuan(p.CeilingFen)
			}
			body := fmt.Sprintf("%s · %s · %s · %s · %s。报名截止 %s，开启时间 %s。", p.ItemName, regionText(p.Region),
				p.Method.Label(), p.Funding.Label(), price, when(p.SignupDeadline), when(p.OpeningTime))
			out = append(out, n(KindProjectMatch, dir.org(s.matchingAgencies(ctx, p)...), "新项目", body))
		}
	case hall.EventSignedUp:
		body := "报名截止 " + when(p.SignupDeadline) + "，开启时间 " + when(p.OpeningTime) + "。"
		if p.Method.Quoted() {
			body += "请在报名截止前提交密封报价，截止前可以修改或撤回。"
		}
		out = append(out, n(KindSignup, dir.org(e.AgencyID), "报名成功", body))
	case hall.EventOpened:
		body := fmt.Sprintf("项目已于 %s 开启，共 %d 家机构报名，开启记录公开可查。", when(e.At), len(p.Signups))
		ownerBody := body
		if p.Method == hall.MethodScoring {
			ownerBody += "请为有效报价的机构录入评审因素得分。"
		}
		out = append(out, n(KindResult, owner, "项目已开启", ownerBody), n(KindResult, dir.org(participants...), "项目已开启", body))
	case hall.EventSelected:
		name := s.agencyName(&p, winner)
		out = append(out,
			n(KindResult, dir.org(winner), "中选通知", "贵机构为本项目的中选机构，结果公示至 "+when(p.PublicityEnd)+"；公示期满无异议后请与业主签订合同。"),
			n(KindResult, owner, "选取结果已确定", "中选机构："+name+"，结果公示至 "+when(p.PublicityEnd)+"。"+redrawNote(system, note)),
			n(KindResult, dir.org(others...), "选取结果", "中选机构："+name+"。感谢参与。"+redrawNote(system, note)))
		if decided {
			out = append(out, s.refusedNotices(p, refused, dir, link)...)
			out = append(out, invalidQuoteNotices(p, invalid, dir, link, "中选机构："+name+"。感谢参与。")...)
		}
	case hall.EventFailed:
		out = append(out, n(KindResult, owner, "项目流标", "原因："+note+"。可以重新发布。"),
			n(KindResult, dir.org(others...), "项目流标", "原因："+note+"。"))
		if decided {
			out = append(out, s.refusedNotices(p, refused, dir, link)...)
			out = append(out, invalidQuoteNotices(p, invalid, dir, link, "项目流标，原因："+note+"。")...)
		}
	case hall.EventCancelled:
		out = append(out, n(KindResult, owner, "项目已终止", "终止原因："+note), n(KindResult, dir.org(participants...), "项目已终止", "终止原因："+note))
	case hall.EventObjected:
		out = append(out,
			n(KindObjection, owner, "收到质疑", "有参与机构对选取结果提出质疑，公示暂停，待监管部门处理。"),
			n(KindObjection, dir.supervising(p.Region), "待处理的质疑", "有参与机构对选取结果提出质疑，项目公示已暂停，请及时审查处理。"),
			n(KindObjection, dir.org(e.AgencyID), "质疑已提交", "公示已暂停，监管部门处理后将通知贵机构。"))
		if p.Winner != "" && p.Winner != e.AgencyID { // the winner's contract waits on it; who objected stays unsaid
			out = append(out, n(KindObjection, dir.org(p.Winner), "中选结果收到质疑",
				"有参与机构对选取结果提出质疑，公示暂停，监管部门处理后将通知贵机构。"))
		}
	case hall.EventObjectionDecided:
		out = append(out, n(KindObjection, owner, "质疑处理结果", note), n(KindObjection, dir.org(participants...), "质疑处理结果", note))
	case hall.EventPublicityEnded:
		out = append(out, n(KindContract, append(owner, dir.org(winner)...), "公示结束，请签订合同", "公示期满无异议，请在 5 个工作日内签订服务合同。"))
	case hall.EventContracted:
		out = append(out, n(KindContract, dir.org(winner), "合同已签订", note+"。"))
	case hall.EventAbandoned:
		out = append(out, n(KindContract, owner, "中选机构放弃", note))
		if system {
			out = append(out, n(KindContract, dir.org(winner), "视为放弃中选", note))
		}
	case hall.EventExtended:
		out = append(out, n(KindContract, dir.org(winner), "服务时限已延长", note))
	case hall.EventPaused:
		out = append(out, n(KindContract, dir.org(winner), "服务中止计时", "原因："+note))
	case hall.EventResumed:
		out = append(out, n(KindContract, dir.org(winner), "服务恢复计时", note))
	case hall.EventDelivered:
		out = append(out, n(KindDelivery, owner, "服务成果待验收", "中选机构已提交服务成果，请在 5 个工作日内验收或退回修改。"))
	case hall.EventAccepted:
		body := "业主已验收通过服务成果。"
		if note != "" {
			body = note + "。"
		}
		out = append(out, n(KindDelivery, dir.org(winner), "服务成果验收通过", body))
		if system { // accepted by the owner's silence: the owner did nothing, so tell it
			out = append(out, n(KindDelivery, owner, "服务成果已视为验收通过",
				"验收期限内未验收或退回，服务成果已视为验收通过。请及时评价服务，逾期未评价默认五星。"))
		}
	case hall.EventReturnedDelivery:
		out = append(out, n(KindDelivery, dir.org(winner), "服务成果被退回修改", "退回原因："+note))
	case hall.EventEvaluated:
		out = append(out, n(KindEvaluation, dir.org(winner), "收到服务评价", "评价："+note+"。可在 14 天内回复评价。"))
	case hall.EventResponded:
		out = append(out, n(KindEvaluation, owner, "机构已回复评价", "中选机构回复了贵单位的服务评价。"))
	}
	return out, nil
}

func redrawNote(system bool, note string) string {
	if system || note == "" {
		return ""
	}
	return note + "。"
}

// refusedNotices tell agencies refused at the opening's re-check why.
func (s *Service) refusedNotices(p hall.Project, refused map[string]string, dir *recipients, link string) []notice {
	var out []notice
	ids := make([]string, 0, len(refused))
	for id := range refused {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		out = append(out, notice{kind: KindSignup, to: dir.org(id), title: "报名未通过资格复核：" + p.Name,
			body: "开启时复核报名资格未通过，原因：" + refused[id] + "。", link: link})
	}
	return out
}

// openingDecision reports whether an event is the opening's outcome: the
// first selection or failure of the project's timeline. A later one (a
// replacement after an abandonment, a failure for want of candidates)
// tells nobody again why the opening set them aside.
func openingDecision(p hall.Project, e Event) bool {
	for _, st := range p.Timeline {
		if st.Kind == hall.EventSelected || st.Kind == hall.EventFailed {
			// Stored times keep milliseconds; the read model may keep more.
			return "project."+st.Kind == e.Type && st.At.Truncate(time.Millisecond).Equal(e.At.Truncate(time.Millisecond))
		}
	}
	return false
}

// invalidQuoteNotices tell the agencies whose quote the opening found
// invalid why, with the outcome. They name no amount — not even the
// agency's own: the opening record shows it — only the public price
// limits.
func invalidQuoteNotices(p hall.Project, invalid map[string]string, dir *recipients, link, outcome string) []notice {
	ids := make([]string, 0, len(invalid))
	for id := range invalid {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var out []notice
	for _, id := range ids {
		reason := invalid[id]
		if reason == "" {
			reason = "不符合报价要求"
		}
		body := "开启时贵机构的报价被认定为无效，原因：" + reason
		switch {
		case strings.Contains(reason, "限价") && p.FloorFen > 0:
			body += "（有效报价应在最低限价 " + yuan(p.FloorFen) + " 与最高限价 " + yuan(p.CeilingFen) + " 之间）"
		case strings.Contains(reason, "限价"):
			body += "（有效报价不得高于最高限价 " + yuan(p.CeilingFen) + "）"
		case strings.Contains(reason, "回执"):
			body += "（开启时解密的报价与提交时取得的回执不一致，可在开启记录中用回执核对）"
		}
		body += "。无效报价不参与评审。" + outcome
		out = append(out, notice{kind: KindResult, to: dir.org(id), title: "报价无效：" + p.Name, body: body, link: link})
	}
	return out
}

// matchingAgencies are the agencies to tell of a newly published project:
// active, listing its service item, in the same province (一地入驻、全省
// 通行), and eligible to sign up now (not excluded, qualified, not grade D
// for fiscal funding, not signed up yet, sign-up still open).
func (s *Service) matchingAgencies(ctx context.Context, p hall.Project) []string {
	if s.Registry == nil || len(p.Region) < 2 {
		return nil
	}
	var cands []string
	s.Registry.Directory().Each(func(a registry.Agency) {
		if strings.HasPrefix(a.Profile.Region, p.Region[:2]) &&
			slices.ContainsFunc(a.Listings, func(l registry.Listing) bool { return l.ItemCode == p.ItemCode }) {
			cands = append(cands, a.ID)
		}
	}, registry.StatusActive)
	slices.Sort(cands)
	var out []string
	for _, id := range cands {
		if ok, _ := s.Hall.Eligible(ctx, p, id); ok {
			out = append(out, id)
		}
	}
	return out
}

// regionText is a region code with its province.
func regionText(code string) string {
	if p := registry.ProvinceName(code); p != "" {
		return p + " " + code
	}
	return code
}

func (s *Service) composeComplaint(ctx context.Context, e Event, dir *recipients) []notice {
	d := e.Data
	id := d["complaint"]
	state := scoring.ComplaintState(d["state"])
	mine, theirs, sup := "/my/complaints/"+id, "/my/complaints/"+id, "/supervise/complaints/"+id
	complainant := dir.user(d["complainant_user"])
	var target []Recipient
	if d["target_kind"] == "agency" || d["target_kind"] == "owner" {
		target = dir.org(d["target_id"])
	}
	region := ""
	if d["target_kind"] == "agency" {
		region = s.agencyRegion(ctx, d["target_id"])
	} else if p, ok, _ := s.project(ctx, e.ProjectID); ok {
		region = p.Region
	}
	var out []notice
	add := func(to []Recipient, title, body, link string) {
		out = append(out, notice{kind: KindComplaint, to: to, title: title + "：" + id, body: body, link: link})
	}
	if e.Type == scoring.NoticeComplaintFiled {
		add(dir.supervising(region), "新投诉待受理", "被投诉方："+d["target_name"]+"。事项："+d["subject"]+"。请在 2 个工作日内受理或不予受理。", sup)
		add(complainant, "投诉已提交", "事项："+d["subject"]+"。监管部门将在 2 个工作日内决定是否受理。", mine)
		return out
	}
	switch state {
	case scoring.ComplaintAccepted:
		add(complainant, "投诉已受理", "监管部门已受理您的投诉，将在规定期限内调查处理。", mine)
		add(target, "收到投诉", "监管部门已受理针对贵单位的投诉，可在办结前向监管部门作出说明。", theirs)
	case scoring.ComplaintRejected:
		add(complainant, "投诉不予受理", "理由："+d["note"], mine)
	case scoring.ComplaintInvestigating:
		add(complainant, "投诉调查中", "监管部门已开始调查。", mine)
	case scoring.ComplaintSubstantiated, scoring.ComplaintUnsubstantiated:
		result := state.Label()
		if sev := scoring.Severity(d["severity"]); state == scoring.ComplaintSubstantiated && sev != "" {
			result += "（情节" + sev.Label() + "）"
		}
		body := "认定结果：" + result + "。结论：" + d["note"]
		add(complainant, "投诉已办结", body, mine)
		add(target, "投诉已办结", body, theirs)
	case scoring.ComplaintWithdrawn:
		add(dir.supervising(region), "投诉已撤回", "投诉人已撤回投诉。", sup)
	}
	return out
}

func (s *Service) composeCredit(e Event, dir *recipients) []notice {
	d := e.Data
	agency := dir.org(e.AgencyID)
	one := func(k Kind, title, body, link string) []notice {
		return []notice{{kind: k, to: agency, title: title, body: body, link: link}}
	}
	switch e.Type {
	case scoring.NoticeSanctionIssued:
		period := "自 " + dateOf(d["from"])
		if to := d["to"]; to != "" {
			period += " 至 " + dateOf(to)
		}
		return one(KindSanction, "处理决定："+scoring.SanctionKind(d["kind"]).Label(), "事由："+d["cause"]+"。"+period+"。", "/my/credit")
	case scoring.NoticeSanctionLifted:
		return one(KindSanction, "处理已解除："+scoring.SanctionKind(d["kind"]).Label(), d["reason"], "/my/credit")
	case scoring.NoticeDecision:
		title := "通报表扬"
		if d["kind"] == scoring.EventFalseMaterials {
			title = "失信行为认定（虚假材料或围标串标）"
		}
		return one(KindSanction, title, d["note"]+"。将计入下次信用评分。", "/my/credit")
	case scoring.NoticeGradeChanged:
		body := "当前信用评分 " + tenths(d["score"]) + " 分。"
		if d["to"] == "D" {
			body += "D 级机构不能参加财政资金项目。"
		}
		return one(KindScore, "信用等级由 "+d["from"]+" 级变为 "+d["to"]+" 级", body+"可查看加减分明细，对有异议的明细可在 14 天内申诉。", "/my/credit")
	}
	return nil
}

func dateOf(rfc string) string {
	t, err := time.Parse(time.RFC3339, rfc)
	if err != nil {
		return rfc
	}
	return day(t)
}

// tenths shows a score in tenths with one decimal.
func tenths(s string) string {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return s
	}
	return fmt.Sprintf("%d.%d", n/10, n%10)
}

// alertLabels name the alert kinds.
var alertLabels = map[string]string{
	scoring.AlertContractUnsigned: "超期未签订合同", scoring.AlertDeliveryDue: "服务即将到期", scoring.AlertDeliveryOverdue: "服务超期未交付",
	scoring.AlertAcceptancePending: "超期未验收", scoring.AlertComplaintUnhandled: "投诉超期未受理", scoring.AlertComplaintUndecided: "投诉超期未办结",
	scoring.AlertQualExpiring: "资质即将到期", scoring.AlertQualExpired: "资质已到期", scoring.AlertReviewPending: "公告超期未审核",
	scoring.AlertGradeD: "信用等级降为 D 级", scoring.AlertCalendarMissing: "未导入节假日安排",
}

func (s *Service) composeAlert(ctx context.Context, e Event, dir *recipients) []notice {
	d := e.Data
	region := ""
	switch d["object_kind"] {
	case "project":
		if p, ok, _ := s.project(ctx, e.ProjectID); ok {
			region = p.Region
		}
	case "agency":
		region = s.agencyRegion(ctx, e.AgencyID)
	case "calendar":
		return nil // for the platform's admins, on their jobs page
	}
	level := "黄牌"
	if d["level"] == scoring.Red {
		level = "红牌"
	}
	label := alertLabels[d["kind"]]
	if label == "" {
		label = d["kind"]
	}
	return []notice{{kind: KindAlert, to: dir.supervising(region), title: level + "预警：" + label, body: d["message"] + "。",
		link: "/supervise/alerts?level=" + d["level"]}}
}

func (s *Service) composeAgency(e Event, dir *recipients) []notice {
	d := e.Data
	agency := dir.org(e.AgencyID)
	one := func(to []Recipient, title, body, link string) []notice {
		return []notice{{kind: KindAdmission, to: to, title: title, body: body, link: link}}
	}
	switch e.Type {
	case registry.ChangeSubmitted:
		return one(dir.supervising(d["region"]), "新的入驻申请："+d["agency_name"], "请审核机构资料、资质和服务清单。", "/registry/agencies/"+e.AgencyID)
	case registry.ChangeApproved:
		return one(agency, "入驻申请已通过", "贵机构已入驻平台，可以报名参加服务事项相符的项目。", "/my/agency")
	case registry.ChangeRejected:
		return one(agency, "入驻申请未通过", "原因："+d["note"], "/my/agency")
	case registry.ChangeReturned:
		return one(agency, "入驻申请被退回修改", "审核意见："+d["note"]+"。修改后可再次提交。", "/my/agency")
	case registry.ChangeKeyApproved:
		return one(agency, "资料变更已通过审核", "变更后的名称、信用代码、法定代表人或资质已对外公示。", "/my/agency")
	case registry.ChangeKeyRejected:
		return one(agency, "资料变更未通过审核", "原因："+d["note"]+"。对外公示的仍为原资料。", "/my/agency")
	}
	return nil
}

func (s *Service) composeQualification(e Event, dir *recipients) []notice {
	d := e.Data
	what := "资质“" + d["type"] + "”（证书 " + d["cert_no"] + "）"
	if e.Type == EventQualExpired {
		return []notice{{kind: KindQualification, to: dir.org(e.AgencyID), title: "资质已到期：" + d["type"],
			body: what + "已于 " + d["valid_to"] + " 到期，需要该资质的服务事项已暂停承接，请尽快更新资质。", link: "/my/agency"}}
	}
	return []notice{{kind: KindQualification, to: dir.org(e.AgencyID), title: "资质将于 " + d["valid_to"] + " 到期：" + d["type"],
		body: what + "还有 " + d["days"] + " 天到期，请及时更新；到期后需要该资质的服务事项将暂停承接。", link: "/my/agency"}}
}
