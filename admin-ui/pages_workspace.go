package adminui

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/audit"
	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/web"
)

// workspacePage is a role's dashboard: what needs attention first, then
// the user's own recent activity. Only things the platform can already
// do appear; features of later releases are not shown as fake to-dos.
type workspacePage struct {
	Todos     []todo
	EmptyNote string // why the to-do list is empty for this role
	Recent    []audit.Record
	SeeAudit  bool
	Warnings  []qualWarning // an agency's qualifications expiring or expired
}

// todo is one line of the 待办 section with a real count.
type todo struct {
	Label string
	Count int
	Href  string
	Note  string
}

// emptyNotes explain, per role, why nothing is waiting yet.
var emptyNotes = map[auth.Role]string{
	auth.RoleOwner:     "目前没有需要您处理的事项。您发布的选取项目待发布、待签约、待验收和待评价时，提醒会显示在这里。",
	auth.RoleAgency:    "目前没有需要您处理的事项。有可报名的项目或合同即将到期时，提醒会显示在这里。",
	auth.RoleRegulator: "目前没有待审核的入驻申请、待处理的投诉、红牌预警或评分申诉。有新的事项时会显示在这里。",
}

func (u *ui) workspace(c *gin.Context) {
	ctx := c.Request.Context()
	p := web.PrincipalOf(c)
	page := workspacePage{EmptyNote: emptyNotes[p.Role], SeeAudit: p.Role == auth.RoleAdmin || p.Role == auth.RoleRegulator}
	var todos []todo
	var err error
	switch p.Role {
	case auth.RoleAdmin:
		todos, err = u.adminTodos(c, p)
		todos = append(u.reviewTodos(c), todos...)
	case auth.RoleRegulator:
		todos = u.reviewTodos(c)
	case auth.RoleAgency:
		todos, page.Warnings, err = u.agencyTodos(c)
	}
	if err != nil {
		web.Fail(c, err)
		return
	}
	page.Todos = append(todos, u.hallTodos(c)...)             // 选取大厅
	page.Todos = append(page.Todos, u.supervisionTodos(c)...) // 监管
	recent, _, err := u.Audit.List(ctx, audit.Filter{Actor: p.UserID, PageSize: 5})
	if err != nil {
		web.Fail(c, err)
		return
	}
	page.Recent = recent
	u.render(c, http.StatusOK, "workspace", view{Title: "工作台", Section: "workspace", Data: page})
}

// adminTodos are the platform admin's standing duties with live counts.
func (u *ui) adminTodos(c *gin.Context, p auth.Principal) ([]todo, error) {
	ctx := c.Request.Context()
	users, err := u.Auth.ListUsers(ctx, p, auth.UserFilter{PageSize: 1})
	if err != nil {
		return nil, err
	}
	regulators, err := u.Auth.CountOrgs(ctx, auth.OrgRegulator)
	if err != nil {
		return nil, err
	}
	agencies, err := u.Auth.CountOrgs(ctx, auth.OrgAgency)
	if err != nil {
		return nil, err
	}
	return []todo{
		{Label: "平台账号", Count: users.Total, Href: "/admin/users", Note: "查看账号，停用离职人员或可疑账号"},
		{Label: "监管部门", Count: regulators, Href: "/admin/orgs?kind=regulator", Note: regulatorNote(regulators)},
		{Label: "中介机构", Count: agencies, Href: "/admin/orgs?kind=agency", Note: "已自助注册的中介机构"},
	}, nil
}

func regulatorNote(n int) string {
	if n == 0 {
		return "尚未开通任何监管部门，请先新建监管账号"
	}
	return "各审批阶段的主管部门账号"
}

// reviewTodos are the supervisors' review queue, when it is not empty.
func (u *ui) reviewTodos(c *gin.Context) []todo {
	q, err := u.Registry.ReviewQueue(actor(c))
	if err != nil {
		return nil
	}
	apps, changes := queueCounts(q)
	var out []todo
	if apps > 0 {
		out = append(out, todo{Label: "待审核入驻申请", Count: apps, Href: "/registry/review", Note: "中介机构提交的入驻申请，请按提交先后审核"})
	}
	if changes > 0 {
		out = append(out, todo{Label: "待审核信息变更", Count: changes, Href: "/registry/review", Note: "已入驻机构的名称、信用代码、法定代表人或资质变更"})
	}
	return out
}

// agencyTodos are an agency's next steps in admission and its
// qualification expiry warnings (60, 30 and 15 days, and expired).
func (u *ui) agencyTodos(c *gin.Context) ([]todo, []qualWarning, error) {
	a, exists, err := u.loadOwnAgency(c)
	if err != nil {
		return nil, nil, err
	}
	var out []todo
	switch {
	case !exists:
		out = append(out, todo{Label: "申请入驻", Count: 1, Href: "/my/agency", Note: "填写机构资料、上传资质证书、签署承诺书后提交审核"})
	case a.Status == registry.StatusDraft && a.ReviewNote != "":
		out = append(out, todo{Label: "申请被退回修改", Count: 1, Href: "/my/agency", Note: "审核意见：" + a.ReviewNote})
	case a.Status == registry.StatusDraft:
		out = append(out, todo{Label: "入驻申请未提交", Count: 1, Href: "/my/agency", Note: "资料齐全并签署承诺书后提交审核"})
	case a.Status == registry.StatusRejected:
		out = append(out, todo{Label: "申请未通过", Count: 1, Href: "/my/agency", Note: "原因：" + a.ReviewNote + "。可修改后重新提交"})
	}
	day := u.today()
	var warnings []qualWarning
	for _, q := range a.Profile.Qualifications {
		if e := expiryOn(q, day); e.Level != 0 {
			warnings = append(warnings, qualWarning{Qual: q, Expiry: e})
		}
	}
	if len(warnings) > 0 {
		out = append(out, todo{Label: "资质到期提醒", Count: len(warnings), Href: "/my/agency#quals", Note: "有资质即将到期或已过期，请及时更新证书"})
	}
	return out, warnings, nil
}
