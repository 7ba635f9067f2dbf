package adminui

import (
	"errors"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/scoring"
	"github.com/agencyhall/agencyhall/web"
)

// 监管 (supervision): credit scores, complaints, sanctions, appeals,
// alerts, random inspections, risks, the regulators' dashboard and the
// admins' scheduled jobs. Every rule is the scoring package's; these pages
// only collect input and show results. Public pages never show who filed a
// complaint, nor any internal note of the regulators.

// supervisionRoutes declares the supervision pages.
func (u *ui) supervisionRoutes(app *web.App) {
	admin := web.Roles(auth.RoleAdmin)
	supervisors := web.Roles(auth.RoleRegulator, auth.RoleAdmin)
	agency := web.Roles(auth.RoleAgency)
	parties := web.Roles(auth.RoleOwner, auth.RoleAgency)
	for _, r := range []web.Route{
		// Public: 信用公示 and 监管公开.
		{Method: http.MethodGet, Path: "/credit", Access: web.Public(), Summary: "信用公示：等级分布、推荐机构与处理名单", Handler: u.creditPublic},
		{Method: http.MethodGet, Path: "/credit/rules", Access: web.Public(), Summary: "信用评分规则", Handler: u.creditRules},
		{Method: http.MethodGet, Path: "/inspections", Access: web.Public(), Summary: "双随机抽查计划与结果公开", Handler: u.openInspections},
		{Method: http.MethodGet, Path: "/inspections/:id", Access: web.Public(), Summary: "抽查计划、结果与抽取验证", Handler: u.openInspection},
		{Method: http.MethodGet, Path: "/complaints/new", Access: web.Public(), Summary: "投诉页", Handler: u.complaintForm},
		{Method: http.MethodPost, Path: "/complaints", Access: web.Public(), Summary: "提交投诉", Action: "complaint.file", Handler: u.fileComplaint, MaxBody: complaintMaxBody},
		{Method: http.MethodGet, Path: "/complaints/filed", Access: web.Public(), Summary: "投诉已提交", Handler: u.complaintFiled},

		// Owners and agencies: complaints they filed or that concern them; an agency's own score.
		{Method: http.MethodGet, Path: "/my/complaints", Access: parties, Summary: "我的投诉与针对本单位的投诉", Handler: u.myComplaints},
		{Method: http.MethodGet, Path: "/my/complaints/:id", Access: parties, Summary: "投诉详情", Handler: u.myComplaint},
		{Method: http.MethodPost, Path: "/my/complaints/:id/response", Access: parties, Summary: "被投诉方作出说明", Action: "complaint.respond", Handler: u.respondComplaint},
		{Method: http.MethodPost, Path: "/my/complaints/:id/withdraw", Access: parties, Summary: "撤回投诉", Action: "complaint.withdraw", Handler: u.withdrawComplaint},
		{Method: http.MethodGet, Path: "/my/credit", Access: agency, Summary: "本机构信用评分与申诉", Handler: u.myCredit},
		{Method: http.MethodPost, Path: "/my/credit/appeals", Access: agency, Summary: "对评分明细提出申诉", Action: "credit.appeal", Handler: u.fileAppeal},

		// Regulators.
		{Method: http.MethodGet, Path: "/supervise", Access: supervisors, Summary: "监管看板", Handler: u.dashboard},
		{Method: http.MethodGet, Path: "/supervise/complaints", Access: supervisors, Summary: "投诉处理", Handler: u.superviseComplaints},
		{Method: http.MethodGet, Path: "/supervise/complaints/:id", Access: supervisors, Summary: "投诉办理", Handler: u.superviseComplaint},
		{Method: http.MethodPost, Path: "/supervise/complaints/:id/move", Access: supervisors, Summary: "受理、不予受理、调查或认定投诉", Action: "complaint.move", Handler: u.moveComplaint},
		{Method: http.MethodGet, Path: "/supervise/sanctions", Access: supervisors, Summary: "处理与信用修复", Handler: u.superviseSanctions},
		{Method: http.MethodPost, Path: "/supervise/sanctions", Access: supervisors, Summary: "作出处理（警告、暂停、列入黑名单）", Action: "sanction.issue", Handler: u.issueSanction},
		{Method: http.MethodPost, Path: "/supervise/sanctions/:id/lift", Access: supervisors, Summary: "信用修复：提前解除处理", Action: "sanction.lift", Handler: u.liftSanction},
		{Method: http.MethodGet, Path: "/supervise/decisions", Access: supervisors, Summary: "通报表扬与失信认定", Handler: u.decisionForm},
		{Method: http.MethodPost, Path: "/supervise/decisions", Access: supervisors, Summary: "记录通报表扬或虚假材料、围标串标", Action: "credit.decision", Handler: u.recordDecision},
		{Method: http.MethodGet, Path: "/supervise/appeals", Access: supervisors, Summary: "评分申诉处理", Handler: u.superviseAppeals},
		{Method: http.MethodPost, Path: "/supervise/appeals/:id/decision", Access: supervisors, Summary: "支持或驳回评分申诉", Action: "credit.appeal_decision", Handler: u.decideAppeal},
		{Method: http.MethodGet, Path: "/supervise/alerts", Access: supervisors, Summary: "电子监察预警", Handler: u.superviseAlerts},
		{Method: http.MethodPost, Path: "/supervise/alerts/ack", Access: supervisors, Summary: "确认或关闭预警", Action: "alert.ack", Handler: u.ackAlert},
		{Method: http.MethodGet, Path: "/supervise/inspections", Access: supervisors, Summary: "双随机抽查计划", Handler: u.superviseInspections},
		{Method: http.MethodPost, Path: "/supervise/inspections", Access: supervisors, Summary: "制定抽查计划", Action: "inspection.create", Handler: u.createInspection},
		{Method: http.MethodGet, Path: "/supervise/inspections/:id", Access: supervisors, Summary: "抽查计划办理", Handler: u.superviseInspection},
		{Method: http.MethodPost, Path: "/supervise/inspections/:id/draw", Access: supervisors, Summary: "抽取检查对象和执法人员", Action: "inspection.draw", Handler: u.drawInspection},
		{Method: http.MethodPost, Path: "/supervise/inspections/:id/results", Access: supervisors, Summary: "登记检查结果", Action: "inspection.result", Handler: u.recordInspection},
		{Method: http.MethodGet, Path: "/supervise/risks", Access: supervisors, Summary: "围标串标风险线索", Handler: u.superviseRisks},

		// Admins.
		{Method: http.MethodGet, Path: "/admin/jobs", Access: admin, Summary: "定时任务", Handler: u.adminJobs},
		{Method: http.MethodPost, Path: "/admin/jobs/:name/run", Access: admin, Summary: "立即运行定时任务", Action: "job.run", Handler: u.runJob},
		{Method: http.MethodGet, Path: "/admin/credit/rules", Access: admin, Summary: "评分规则管理", Handler: u.adminRules},
		{Method: http.MethodPost, Path: "/admin/credit/rules/:id", Access: admin, Summary: "修改评分规则分值和上限", Action: "credit.rule_update", Handler: u.updateRule},
	} {
		r.Page = true
		r.Tag = "页面"
		app.Handle(r)
	}
}

// supervisionSidebar are the supervision sections of a role's workspace.
func supervisionSidebar(r auth.Role) []navItem {
	switch r {
	case auth.RoleAgency:
		return []navItem{{"credit", "信用评分与申诉", "/my/credit"}, {"complaints", "投诉", "/my/complaints"}}
	case auth.RoleOwner:
		return []navItem{{"complaints", "投诉", "/my/complaints"}}
	case auth.RoleRegulator, auth.RoleAdmin:
		items := []navItem{{"dashboard", "监管看板", "/supervise"}, {"sup-complaints", "投诉处理", "/supervise/complaints"},
			{"alerts", "电子监察预警", "/supervise/alerts"}, {"sanctions", "处理与信用修复", "/supervise/sanctions"},
			{"decisions", "表扬与失信认定", "/supervise/decisions"}, {"appeals", "评分申诉", "/supervise/appeals"},
			{"inspections", "双随机抽查", "/supervise/inspections"}, {"risks", "风险线索", "/supervise/risks"}}
		if r == auth.RoleAdmin {
			items = append(items, navItem{"rules", "评分规则", "/admin/credit/rules"}, navItem{"jobs", "定时任务", "/admin/jobs"})
		}
		return items
	}
	return nil
}

// supervisionTodos are supervision's lines of the workspace 待办.
func (u *ui) supervisionTodos(c *gin.Context) []todo {
	if u.Scoring == nil {
		return nil
	}
	who := actor(c)
	var out []todo
	add := func(n int, t todo) {
		if n > 0 {
			t.Count = n
			out = append(out, t)
		}
	}
	switch {
	case who.Supervises():
		_, submitted := u.Scoring.Complaints(who, scoring.ComplaintQuery{States: []scoring.ComplaintState{scoring.ComplaintSubmitted}, PageSize: 1})
		_, handling := u.Scoring.Complaints(who, scoring.ComplaintQuery{States: []scoring.ComplaintState{scoring.ComplaintAccepted, scoring.ComplaintInvestigating}, PageSize: 1})
		_, red := u.Scoring.AlertList(true, scoring.Red, 1, 1)
		add(submitted, todo{Label: "待受理投诉", Href: "/supervise/complaints?state=submitted", Note: "请在 2 个工作日内受理或不予受理"})
		add(handling, todo{Label: "办理中的投诉", Href: "/supervise/complaints?state=open", Note: "自提交起 15 个工作日内作出认定"})
		add(red, todo{Label: "未关闭的红牌预警", Href: "/supervise/alerts?level=red", Note: "电子监察红牌：超期未签约、超期未交付、投诉超期等"})
		add(len(u.Scoring.Appeals("", true)), todo{Label: "待处理评分申诉", Href: "/supervise/appeals", Note: "中介机构对评分明细的申诉，支持的明细在下次评分时作废"})
	case who.Kind == registry.ActorAgency && who.OrgID != "":
		open := 0
		items, _ := u.Scoring.Complaints(who, scoring.ComplaintQuery{TargetID: who.OrgID, PageSize: 100})
		for _, x := range items {
			if x.State.Open() && x.Response == "" {
				open++
			}
		}
		add(open, todo{Label: "针对本机构的投诉", Href: "/my/complaints?scope=against", Note: "可在投诉办结前向监管部门作出说明"})
	}
	return out
}

// supFuncs are the template functions of the supervision pages.
func supFuncs() template.FuncMap {
	return map[string]any{
		"score":          scoreText,
		"pts":            func(p scoring.Points) string { return p.String() },
		"pointsClass":    pointsClass,
		"gradeClass":     gradeClass,
		"gradeLabel":     gradeLabel,
		"complaintClass": complaintClass,
		"alertClass":     alertClass,
		"alertKind":      alertKindLabel,
		"sanctionClass":  sanctionClass,
		"severityLabel":  func(s scoring.Severity) string { return s.Label() },
		"ruleName":       ruleName,
		"lines":          func(s []string) string { return strings.Join(s, "\n") },
		"lastDay":        lastDay,
		"formIf":         formIf,
		"withID":         withID,
		"strs":           func(s ...string) []string { return s },
	}
}

// addFuncs adds template functions, refusing to replace one: two pages'
// helpers of the same name would silently break one of them.
func addFuncs(m, more template.FuncMap) {
	for k, f := range more {
		if _, dup := m[k]; dup {
			panic("adminui: template function " + k + " defined twice")
		}
		m[k] = f
	}
}

// formIf is a form for the action whose form it is, else nil (a blank
// form): pages with several forms show errors only beside the one posted.
func formIf(cond bool, f *form) *form {
	if cond {
		return f
	}
	return nil
}

// withID gives a field another element id, for pages where two forms
// have a field of the same name.
func withID(id string, fd field) field {
	old := fd.ID
	fd.ID = id
	fd.Describe = strings.ReplaceAll(fd.Describe, old+"-", id+"-")
	return fd
}

// scoreText shows a score in tenths with one decimal: 950 → "95.0".
func scoreText(p scoring.Points) string {
	sign := ""
	if p < 0 {
		sign, p = "-", -p
	}
	return sign + strconv.FormatInt(int64(p/10), 10) + "." + strconv.FormatInt(int64(p%10), 10)
}

func pointsClass(p scoring.Points) string {
	switch {
	case p < 0:
		return "pts-minus"
	case p > 0:
		return "pts-plus"
	}
	return ""
}

// gradeLabels name the credit grades; A is shown as recommended.
var gradeLabels = map[string]string{"A": "A 级", "B": "B 级", "C": "C 级", "D": "D 级", "": "尚未评分"}

func gradeLabel(g string) string { return gradeLabels[g] }

func gradeClass(g string) string {
	return map[string]string{"A": "badge-green", "B": "badge-blue", "C": "badge-orange", "D": "badge-red"}[g] + " grade"
}

func complaintClass(s scoring.ComplaintState) string {
	switch s {
	case scoring.ComplaintSubmitted:
		return "badge-blue"
	case scoring.ComplaintAccepted:
		return "badge-cyan"
	case scoring.ComplaintInvestigating:
		return "badge-purple"
	case scoring.ComplaintSubstantiated:
		return "badge-red"
	}
	return "badge-grey"
}

// alertClass is the badge of a yellow or red card; the badge says 黄牌 or
// 红牌 as well.
func alertClass(level string) string {
	if level == scoring.Red {
		return "badge-red"
	}
	return "badge-yellow"
}

func sanctionClass(k scoring.SanctionKind) string {
	switch k {
	case scoring.SanctionBlacklist:
		return "badge-red"
	case scoring.SanctionSuspension:
		return "badge-orange"
	}
	return "badge-yellow"
}

// alertKinds name each alert's cause.
var alertKinds = map[string]string{
	scoring.AlertContractUnsigned: "超期未签订合同", scoring.AlertDeliveryDue: "服务即将到期", scoring.AlertDeliveryOverdue: "服务超期未交付",
	scoring.AlertAcceptancePending: "超期未验收", scoring.AlertComplaintUnhandled: "投诉超期未受理", scoring.AlertComplaintUndecided: "投诉超期未办结",
	scoring.AlertQualExpiring: "资质即将到期", scoring.AlertQualExpired: "资质已过期", scoring.AlertReviewPending: "公告超期未审核",
	scoring.AlertGradeD: "信用降为 D 级", scoring.AlertCalendarMissing: "缺少节假日安排",
}

func alertKindLabel(k string) string {
	if l, ok := alertKinds[k]; ok {
		return l
	}
	return k
}

// ruleNames are short names of the credit rules for tables.
var ruleNames = map[string]string{
	scoring.RuleLateDelivery: "逾期交付", scoring.RuleComplaintMinor: "投诉属实（轻微）", scoring.RuleComplaintGeneral: "投诉属实（一般）",
	scoring.RuleComplaintSerious: "投诉属实（严重）", scoring.RuleAbandonment: "中选后放弃", scoring.RuleReturnedOften: "成果多次被退回",
	scoring.RuleRatingBelow2: "评价低于 2 星", scoring.RuleRatingBelow3: "评价低于 3 星", scoring.RuleRatingExcellent: "评价 4.5 星以上",
	scoring.RuleOnTime: "按期完成", scoring.RuleCommendation: "通报表扬", scoring.RuleFalseMaterials: "虚假材料或围标串标",
}

func ruleName(id string) string {
	if n, ok := ruleNames[id]; ok {
		return n
	}
	return id
}

// supervisionActionLabels name supervision's audit actions.
var supervisionActionLabels = map[string]string{
	"complaint.file": "提交投诉", "complaint.respond": "答复投诉", "complaint.withdraw": "撤回投诉", "complaint.move": "办理投诉",
	"sanction.issue": "作出处理", "sanction.lift": "信用修复", "credit.decision": "表扬或失信认定", "credit.appeal": "评分申诉",
	"credit.appeal_decision": "处理评分申诉", "credit.rule_update": "修改评分规则", "alert.ack": "处理预警",
	"inspection.create": "制定抽查计划", "inspection.draw": "抽取检查对象", "inspection.result": "登记检查结果", "job.run": "立即运行任务",
}

// agencyIndex is the admitted agencies by ID, from the directory's read
// model (no database reads), for names in lists.
func (u *ui) agencyIndex(region string) map[string]registry.Agency {
	out := map[string]registry.Agency{}
	for page := 1; ; page++ {
		rows, total := u.Registry.Directory().Search(registry.DirectoryQuery{Region: region, Page: page, PageSize: 100, Now: u.Now(),
			Statuses: []registry.AgencyStatus{registry.StatusActive, registry.StatusSuspended, registry.StatusBlacklisted}})
		for _, e := range rows {
			out[e.Agency.ID] = e.Agency
		}
		if len(rows) == 0 || page*100 >= total {
			return out
		}
	}
}

// agencyChoice is one agency of a form's suggestion list.
type agencyChoice struct{ ID, Name, USCC string }

// agencyChoices lists the admitted agencies for a form's datalist, by name.
func (u *ui) agencyChoices(activeOnly bool) []agencyChoice {
	statuses := []registry.AgencyStatus{registry.StatusActive, registry.StatusSuspended, registry.StatusBlacklisted}
	if activeOnly {
		statuses = statuses[:1]
	}
	var out []agencyChoice
	for page := 1; ; page++ {
		rows, total := u.Registry.Directory().Search(registry.DirectoryQuery{Page: page, PageSize: 100, Statuses: statuses, Now: u.Now()})
		for _, e := range rows {
			out = append(out, agencyChoice{ID: e.Agency.ID, Name: e.Agency.Profile.Name, USCC: e.Agency.Profile.USCC})
		}
		if len(rows) == 0 || page*100 >= total {
			return out
		}
	}
}

// resolveAgency finds the agency a form names: by its ID, its exact name
// or its credit code. ok is false when none or several match.
func (u *ui) resolveAgency(choices []agencyChoice, s string) (agencyChoice, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return agencyChoice{}, false
	}
	var hits []agencyChoice
	for _, a := range choices {
		if a.ID == s || a.Name == s || strings.EqualFold(a.USCC, s) {
			hits = append(hits, a)
		}
	}
	if len(hits) == 1 {
		return hits[0], true
	}
	return agencyChoice{}, false
}

// nameOf is an agency's name from an index, or its ID.
func nameOf(idx map[string]registry.Agency, id string) string {
	if a, ok := idx[id]; ok {
		return a.Profile.Name
	}
	return id
}

// pageSlice cuts one page out of a list and builds its pager.
func pageSlice[T any](c *gin.Context, rows []T, size int) ([]T, pager) {
	page := queryPage(c)
	from := min((page-1)*size, len(rows))
	return rows[from:min(from+size, len(rows))], newPager(c, len(rows), page, size)
}

// needScoring answers with 503 when supervision is not wired (tools, tests).
func (u *ui) needScoring(c *gin.Context) bool {
	if u.Scoring == nil {
		web.Fail(c, apperr.Unavailable(errors.New("adminui: Deps.Scoring is nil")))
		return false
	}
	return true
}
