package adminui

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/audit"
	"github.com/agencyhall/agencyhall/auth"
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
	auth.RoleOwner:     "目前没有需要您处理的事项。选取大厅开放后，您发布的选取项目的报名、开标、签约和验收提醒会显示在这里。",
	auth.RoleAgency:    "目前没有需要您处理的事项。选取大厅开放后，报名截止、报价、交付和评价提醒会显示在这里。",
	auth.RoleRegulator: "目前没有需要您处理的事项。入驻审核、投诉处理和电子监察预警功能上线后，待办会显示在这里。",
}

func (u *ui) workspace(c *gin.Context) {
	ctx := c.Request.Context()
	p := web.PrincipalOf(c)
	page := workspacePage{EmptyNote: emptyNotes[p.Role], SeeAudit: p.Role == auth.RoleAdmin || p.Role == auth.RoleRegulator}
	if p.Role == auth.RoleAdmin {
		todos, err := u.adminTodos(c, p)
		if err != nil {
			web.Fail(c, err)
			return
		}
		page.Todos = todos
	}
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
