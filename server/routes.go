// Package server is the JSON API under /api/v1, with health, readiness,
// metrics and the OpenAPI document. routes.go shows the whole API.
package server

import (
	"context"
	"net/http"
	"time"

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
	// Now is the clock for validity checks (time.Now when nil).
	Now func() time.Time
}

// Tags group the operations of the API document.
const (
	tagOps       = "运维"
	tagAuth      = "登录与注册"
	tagMe        = "我的账号"
	tagAdmin     = "平台管理"
	tagAudit     = "审计日志"
	tagCatalog   = "服务事项"
	tagAdmission = "中介机构入驻"
	tagReview    = "入驻审核与监管"
	tagDirectory = "中介机构名录"
	tagFiles     = "文件"
	tagOrg       = "我的单位"
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
	supervisors := auditors
	agency, owner := web.Roles(auth.RoleAgency), web.Roles(auth.RoleOwner)
	const get, post, put, del = http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete
	xlsx := web.File{ContentType: xlsxType}

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
		{Method: post, Path: "/api/v1/service-items", Access: admin, Tag: tagCatalog, Action: "service_item.save",
			Summary: "新增或修改服务事项（按事项编码；enabled 不填时新事项为启用、已有事项保持原值）",
			In:      exampleItemRequest, Out: exampleItem, Handler: h.putServiceItem},
		{Method: put, Path: "/api/v1/service-items/:code", Access: admin, Tag: tagCatalog, Action: "service_item.update",
			Summary: "修改服务事项（编码不能修改）", In: exampleItemRequest, Out: exampleItem, Handler: h.putServiceItem},
		{Method: get, Path: "/api/v1/service-items/template.xlsx", Access: public, Tag: tagCatalog,
			Summary: "下载服务事项 Excel 导入模板", Out: xlsx, Handler: h.catalogTemplate},
		{Method: get, Path: "/api/v1/service-items/export.xlsx", Access: public, Tag: tagCatalog,
			Summary: "导出服务事项清单 Excel（与导入模板同格式；平台管理员导出含停用事项）", Out: xlsx, Handler: h.exportCatalog},
		{Method: post, Path: "/api/v1/service-items/import", Access: admin, Tag: tagCatalog, Action: "service_item.import",
			Summary: "从 Excel 导入服务事项（multipart 的 file 字段，≤10 MB；按编码新增或更新，相同内容不重复导入）。" +
				"有误的行不导入，其余照常导入；默认返回 JSON 计数与各行错误，加 ?format=xlsx 且有错误行时直接返回错误工作簿（计数在 X-Import-* 响应头中）",
			In: web.File{Field: "file"}, Out: exampleImport, Handler: h.importCatalog},

		// Agency admission: the caller's own agency.
		{Method: get, Path: "/api/v1/my/agency", Access: agency, Tag: tagAdmission,
			Summary: "本机构的入驻资料（完整记录；承诺书未签署时附承诺书全文）", Out: exampleAgency, Handler: h.myAgency},
		{Method: post, Path: "/api/v1/my/agency", Access: agency, Tag: tagAdmission, Action: "agency.apply",
			Summary: "开始入驻申请（以注册信息预填；已有申请时返回该申请）", Out: exampleAgency, Handler: h.startApplication},
		{Method: put, Path: "/api/v1/my/agency", Access: agency, Tag: tagAdmission, Action: "agency.save",
			Summary: "保存入驻资料：机构信息、资质（日期 YYYY-MM-DD，扫描件为本机构上传的文件）、从业人员（身份证号只保存后 4 位）、服务事项；入驻后修改名称、信用代码、法定代表人或资质须重新审核",
			In:      exampleApplication, Out: exampleAgency, Handler: h.saveApplication},
		{Method: post, Path: "/api/v1/my/agency/commitment", Access: agency, Tag: tagAdmission, Action: "agency.commitment",
			Summary: "签署入驻承诺书（记录签署时间、账号和承诺书版本）", Out: exampleAgency, Handler: h.ownMove("签署入驻承诺书", d.Registry.AcceptCommitment)},
		{Method: post, Path: "/api/v1/my/agency/submit", Access: agency, Tag: tagAdmission, Action: "agency.submit",
			Summary: "提交入驻申请审核", Out: exampleAgency, Handler: h.ownMove("提交入驻申请", d.Registry.Submit)},
		{Method: post, Path: "/api/v1/my/agency/withdraw", Access: agency, Tag: tagAdmission, Action: "agency.withdraw",
			Summary: "退出平台（撤回申请或退出已入驻的机构）", Out: exampleAgency, Handler: h.ownMove("退出平台", d.Registry.Withdraw)},

		// Files.
		{Method: post, Path: "/api/v1/files", Access: loggedIn, Tag: tagFiles, Action: "file.upload",
			Summary: "上传文件（multipart：file 字段为文件，purpose 为用途 qualification、contract 或 deliverable）；只接受按内容识别的 PDF、PNG、JPEG，≤10 MB；以会话认证时须带 X-CSRF-Token 头",
			In:      web.File{Field: "file", Fields: []string{"purpose"}}, Out: exampleFile, Handler: h.uploadFile},
		{Method: get, Path: "/api/v1/files/:id", Access: loggedIn, Tag: tagFiles,
			Summary: "下载文件（仅上传单位和监管部门可见，其他人得到 404）", Out: web.File{ContentType: "application/pdf"}, Handler: h.getFile},

		// Regulators: review and supervision.
		{Method: get, Path: "/api/v1/registry/review-queue", Access: supervisors, Tag: tagReview,
			Summary: "待审核队列：待审核的入驻申请和关键信息变更，附数量统计", Out: exampleQueue, Handler: h.reviewQueue},
		{Method: get, Path: "/api/v1/registry/agencies/:id", Access: supervisors, Tag: tagReview,
			Summary: "机构完整资料：历史版本、待审核变更及差异、审计记录", Out: exampleReview, Handler: h.reviewAgency},
		{Method: post, Path: "/api/v1/registry/agencies/:id/review", Access: supervisors, Tag: tagReview, Action: "agency.review",
			Summary: "审核入驻申请：approve 通过、reject 驳回或 return 退回修改（驳回、退回须填写意见）",
			In:      reviewRequest{Decision: "return", Note: "资质证书扫描件不清晰，请重新上传"}, Out: exampleAgency, Handler: h.review},
		{Method: post, Path: "/api/v1/registry/agencies/:id/change-review", Access: supervisors, Tag: tagReview, Action: "agency.change_review",
			Summary: "审核入驻后的关键信息变更（不通过须填写意见）", In: changeReviewRequest{Approve: true}, Out: exampleAgency, Handler: h.reviewChange},
		{Method: post, Path: "/api/v1/registry/agencies/:id/suspend", Access: supervisors, Tag: tagReview, Action: "agency.suspend",
			Summary: "暂停机构（须填写原因）", In: reasonRequest{Reason: "资质证书被注销，核查期间暂停"}, Out: exampleAgency, Handler: h.setSuspended(true)},
		{Method: post, Path: "/api/v1/registry/agencies/:id/restore", Access: supervisors, Tag: tagReview, Action: "agency.restore",
			Summary: "恢复被暂停的机构（须填写原因）", In: reasonRequest{Reason: "核查完毕，恢复"}, Out: exampleAgency, Handler: h.setSuspended(false)},
		{Method: get, Path: "/api/v1/registry/export.xlsx", Access: supervisors, Tag: tagReview,
			Summary: "导出中介机构名录 Excel（筛选条件同名录查询；status 不填时导出全部状态）",
			In:      exportQuery{DirectoryFilter{Region: "6201"}}, Out: xlsx, Handler: h.exportRegistry},

		// Public directory.
		{Method: get, Path: "/api/v1/agencies", Access: public, Tag: tagDirectory,
			Summary: "中介机构名录：按名称或信用代码搜索，按服务事项、审批阶段、地区、资质类型筛选（只列当前有效的服务事项）",
			In:      directoryQuery{DirectoryFilter: DirectoryFilter{Item: "LX-001", Sort: "name"}}, Out: examplePage(exampleDirectoryItem), Handler: h.listAgencies},
		{Method: get, Path: "/api/v1/agencies/:id", Access: public, Tag: tagDirectory,
			Summary: "中介机构公开信息（已入驻机构的已审核版本）", Out: examplePublicAgency, Handler: h.publicAgency},

		// The owner's organisation.
		{Method: get, Path: "/api/v1/my/org", Access: owner, Tag: tagOrg, Summary: "本单位信息（项目业主）", Out: exampleOrg, Handler: h.myOrg},
		{Method: put, Path: "/api/v1/my/org", Access: owner, Tag: tagOrg, Action: "org.update",
			Summary: "修改本单位信息（名称、地区、联系人；信用代码不能修改）",
			In:      orgProfileRequest{Name: "兰州市城市建设投资有限公司", Region: "620102", Contact: "赵敏", Phone: "0931-6666666"},
			Out:     exampleOrg, Handler: h.updateMyOrg},
	} {
		app.Handle(r)
	}
}

type handlers struct {
	Deps
	app *web.App
}

func (h *handlers) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
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
