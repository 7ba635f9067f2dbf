// Package server is the JSON API under /api/v1, with health, readiness,
// metrics and the OpenAPI document. routes.go shows the whole API.
package server

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/audit"
	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/files"
	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/web"
)

// Deps are the services the API calls.
type Deps struct {
	Auth     *auth.Service
	Audit    *audit.Log
	Catalog  *registry.Catalog
	Registry *registry.Registry
	Files    *files.Service
	Ping     func(context.Context) error
	Version  string
}

// Tags group the operations of the API document.
const (
	tagOps     = "运维"
	tagAuth    = "登录与注册"
	tagMe      = "我的账号"
	tagAdmin   = "平台管理"
	tagAudit   = "审计日志"
	tagCatalog = "服务事项"
)

// Register declares every API route on app. Access is checked, CSRF is
// checked and state changes are audited by web around each handler.
//
// /metrics is for platform admins only: a Prometheus scraper authenticates
// with an API token of an admin account (Authorization: Bearer, e.g.
// bearer_token_file in the scrape config).
func Register(app *web.App, d Deps) {
	h := &handlers{Deps: d, app: app}
	public, loggedIn := web.Public(), web.LoggedIn()
	admin := web.Roles(auth.RoleAdmin)
	auditors := web.Roles(auth.RoleRegulator, auth.RoleAdmin)
	const get, post, del = http.MethodGet, http.MethodPost, http.MethodDelete

	for _, r := range []web.Route{
		// Operations.
		{Method: get, Path: "/healthz", Access: public, Tag: tagOps, Summary: "存活检查：进程在运行",
			Out: statusResponse{Status: "ok", Version: "v1.0.0"}, Handler: h.healthz},
		{Method: get, Path: "/readyz", Access: public, Tag: tagOps, Summary: "就绪检查：数据库可用（2 秒内无应答返回 503）",
			Out: statusResponse{Status: "ready"}, Handler: h.readyz},
		{Method: get, Path: "/metrics", Access: admin, Tag: tagOps,
			Summary: "Prometheus 指标（仅平台管理员；抓取器以管理员的 API 令牌作 Bearer 认证）",
			Out:     "# HELP agencyhall_http_request_duration_seconds HTTP request duration by route and status.\n", Handler: h.metrics},
		{Method: get, Path: "/api/openapi.json", Access: public, Tag: tagOps, Summary: "本 API 的 OpenAPI 3 文档",
			Out: map[string]any{"openapi": "3.0.3", "info": map[string]any{"title": "AgencyHall 网上中介服务超市 API"}}, Handler: h.openAPI},

		// Registration and login.
		{Method: post, Path: "/api/v1/auth/register", Access: public, Tag: tagAuth, Action: "user.register",
			Summary: "项目业主或中介机构自助注册（单位与首个账号）",
			In: registerRequest{Kind: "agency", OrgName: "甘肃陇原工程咨询有限公司", USCC: "91620105MA73QW8N26", Region: "620105",
				Contact: "张伟", Phone: "0931-8888888", Email: "zhangwei@example.cn", Login: "lyzx", Name: "张伟", Password: "至少10个字符的密码"},
			Out: accountResponse{User: exampleUser, Org: exampleOrg}, Handler: h.register},
		{Method: post, Path: "/api/v1/auth/login", Access: public, Tag: tagAuth, Action: "user.login",
			Summary: "登录：设置会话 Cookie，返回之后须放在 X-CSRF-Token 头中的 csrf_token（连续失败 5 次锁定 15 分钟）",
			In:      loginRequest{Login: "lyzx", Password: "至少10个字符的密码"},
			Out:     loginResponse{User: exampleUser, CSRFToken: "mJ1x0s…", ExpiresAt: exampleLater}, Handler: h.login},
		{Method: post, Path: "/api/v1/auth/logout", Access: loggedIn, Tag: tagAuth, Action: "user.logout",
			Summary: "退出登录（结束当前会话）", Handler: h.logout},

		// The caller's own account.
		{Method: get, Path: "/api/v1/me", Access: loggedIn, Tag: tagMe, Summary: "当前登录的账号、所属单位和 CSRF 令牌",
			Out: meResponse{User: exampleUser, Org: &exampleOrg, Via: "session", CSRFToken: "mJ1x0s…"}, Handler: h.me},
		{Method: post, Path: "/api/v1/me/password", Access: loggedIn, Tag: tagMe, Action: "user.password",
			Summary: "修改自己的登录密码", In: passwordRequest{OldPassword: "原密码", NewPassword: "至少10个字符的新密码"},
			Handler: h.changePassword},
		{Method: get, Path: "/api/v1/me/tokens", Access: loggedIn, Tag: tagMe, Summary: "我的 API 令牌（不含令牌本身）",
			In: tokenQuery{}, Out: examplePage(exampleToken), Handler: h.listTokens},
		{Method: post, Path: "/api/v1/me/tokens", Access: loggedIn, Tag: tagMe, Action: "token.create",
			Summary: "创建 API 令牌；secret 只在本次响应中出现一次", In: createTokenRequest{Name: "Prometheus 抓取"},
			Out: createTokenResponse{Token: exampleToken, Secret: "ahk_…"}, Handler: h.createToken},
		{Method: del, Path: "/api/v1/me/tokens/:id", Access: loggedIn, Tag: tagMe, Action: "token.revoke",
			Summary: "撤销我的 API 令牌", Handler: h.revokeToken},

		// Platform administration.
		{Method: get, Path: "/api/v1/admin/users", Access: admin, Tag: tagAdmin, Summary: "用户列表",
			In: userQuery{Role: "agency"}, Out: examplePage(exampleUser), Handler: h.listUsers},
		{Method: post, Path: "/api/v1/admin/users/:id/disable", Access: admin, Tag: tagAdmin, Action: "user.disable",
			Summary: "停用账号（其会话立即失效）", Out: exampleUser, Handler: h.setDisabled(true)},
		{Method: post, Path: "/api/v1/admin/users/:id/enable", Access: admin, Tag: tagAdmin, Action: "user.enable",
			Summary: "启用账号", Out: exampleUser, Handler: h.setDisabled(false)},
		{Method: get, Path: "/api/v1/admin/orgs", Access: admin, Tag: tagAdmin, Summary: "单位列表",
			In: orgQuery{Kind: "agency"}, Out: examplePage(exampleOrg), Handler: h.listOrgs},
		{Method: post, Path: "/api/v1/admin/regulators", Access: admin, Tag: tagAdmin, Action: "regulator.create",
			Summary: "创建监管部门账号（新建部门，或在已有部门下加账号）",
			In: regulatorRequest{OrgName: "兰州市生态环境局", Department: "环境影响评价审批", Region: "620100",
				Login: "zjj-hp", Name: "李娜", Password: "至少10个字符的密码"},
			Out: accountResponse{User: exampleRegulatorUser, Org: exampleRegulatorOrg}, Handler: h.createRegulator},

		// Audit log.
		{Method: get, Path: "/api/v1/audit", Access: auditors, Tag: tagAudit, Summary: "审计日志（新的在前，可按操作人、动作、对象、时间筛选）",
			In: auditQuery{Action: "user."}, Out: examplePage(exampleAudit), Handler: h.listAudit},

		// Service catalog.
		{Method: get, Path: "/api/v1/service-items", Access: public, Tag: tagCatalog, Summary: "中介服务事项目录（已启用的事项）",
			In: serviceItemQuery{Stage: "立项"}, Out: examplePage(exampleItem), Handler: h.listServiceItems},
		{Method: get, Path: "/api/v1/service-items/:code", Access: public, Tag: tagCatalog, Summary: "中介服务事项详情",
			Out: exampleItem, Handler: h.getServiceItem},
	} {
		app.Handle(r)
	}
}

type handlers struct {
	Deps
	app *web.App
}

// bindJSON decodes the body strictly; on failure it has answered.
func bindJSON(c *gin.Context, v any) bool {
	if err := web.BindJSON(c, v); err != nil {
		web.Fail(c, err)
		return false
	}
	return true
}

// bindQueryOK reads the query parameters; on failure it has answered.
func bindQueryOK(c *gin.Context, v any) bool {
	if err := bindQuery(c, v); err != nil {
		web.Fail(c, err)
		return false
	}
	return true
}
