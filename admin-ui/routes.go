package adminui

import (
	"net/http"

	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/web"
)

// routes declares every page. Access is checked by web before a handler
// runs; state-changing posts carry an audit action name.
func (u *ui) routes(app *web.App) {
	admin := web.Roles(auth.RoleAdmin)
	for _, r := range []web.Route{
		{Method: http.MethodGet, Path: "/static/*filepath", Access: web.Public(), Summary: "静态资源", Handler: u.static},

		{Method: http.MethodGet, Path: "/", Access: web.Public(), Summary: "首页", Handler: u.home},
		{Method: http.MethodGet, Path: "/catalog", Access: web.Public(), Summary: "服务事项目录", Handler: u.catalog},

		{Method: http.MethodGet, Path: "/login", Access: web.Public(), Summary: "登录页", Handler: u.loginForm},
		{Method: http.MethodPost, Path: "/login", Access: web.Public(), Summary: "登录", Action: "user.login", Handler: u.login},
		{Method: http.MethodPost, Path: "/logout", Access: web.LoggedIn(), Summary: "退出登录", Action: "user.logout", Handler: u.logout},
		{Method: http.MethodGet, Path: "/register", Access: web.Public(), Summary: "注册页", Handler: u.registerForm},
		{Method: http.MethodPost, Path: "/register", Access: web.Public(), Summary: "注册项目业主或中介机构", Action: "user.register", Handler: u.register},

		{Method: http.MethodGet, Path: "/workspace", Access: web.LoggedIn(), Summary: "工作台", Handler: u.workspace},
		{Method: http.MethodGet, Path: "/account", Access: web.LoggedIn(), Summary: "账号设置", Handler: u.account},
		{Method: http.MethodPost, Path: "/account/password", Access: web.LoggedIn(), Summary: "修改密码", Action: "user.password", Handler: u.changePassword},
		{Method: http.MethodPost, Path: "/account/tokens", Access: web.LoggedIn(), Summary: "创建 API 令牌", Action: "token.create", Handler: u.createToken},
		{Method: http.MethodPost, Path: "/account/tokens/:id/revoke", Access: web.LoggedIn(), Summary: "撤销 API 令牌", Action: "token.revoke", Handler: u.revokeToken},

		{Method: http.MethodGet, Path: "/admin/users", Access: admin, Summary: "用户管理", Handler: u.adminUsers},
		{Method: http.MethodPost, Path: "/admin/users/:id/disable", Access: admin, Summary: "停用账号", Action: "user.disable", Handler: u.setUserDisabled(true)},
		{Method: http.MethodPost, Path: "/admin/users/:id/enable", Access: admin, Summary: "启用账号", Action: "user.enable", Handler: u.setUserDisabled(false)},
		{Method: http.MethodGet, Path: "/admin/orgs", Access: admin, Summary: "单位管理", Handler: u.adminOrgs},
		{Method: http.MethodGet, Path: "/admin/regulators/new", Access: admin, Summary: "新建监管账号页", Handler: u.regulatorForm},
		{Method: http.MethodPost, Path: "/admin/regulators", Access: admin, Summary: "新建监管账号", Action: "regulator.create", Handler: u.createRegulator},

		{Method: http.MethodGet, Path: "/audit", Access: web.Roles(auth.RoleRegulator, auth.RoleAdmin), Summary: "审计日志", Handler: u.auditLog},
	} {
		r.Page = true
		r.Tag = "页面"
		app.Handle(r)
	}
}
