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
	supervisors := web.Roles(auth.RoleRegulator, auth.RoleAdmin)
	agency := web.Roles(auth.RoleAgency)
	for _, r := range []web.Route{
		{Method: http.MethodGet, Path: "/static/*filepath", Access: web.Public(), Summary: "静态资源", Handler: u.static},

		{Method: http.MethodGet, Path: "/", Access: web.Public(), Summary: "首页", Handler: u.home},
		{Method: http.MethodGet, Path: "/catalog", Access: web.Public(), Summary: "服务事项目录", Handler: u.catalog},
		{Method: http.MethodGet, Path: "/agencies", Access: web.Public(), Summary: "中介机构库", Handler: u.directory},
		{Method: http.MethodGet, Path: "/agencies/:id", Access: web.Public(), Summary: "中介机构公开信息", Handler: u.publicAgency},
		{Method: http.MethodGet, Path: "/files/:id", Access: web.LoggedIn(), Summary: "查看上传的文件", Handler: u.serveFile},

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

		{Method: http.MethodGet, Path: "/my/agency", Access: agency, Summary: "入驻申请与机构资料", Handler: u.myAgency},
		{Method: http.MethodPost, Path: "/my/agency", Access: agency, Summary: "保存入驻申请与机构资料", Action: "agency.save", Handler: u.saveAgency, MaxBody: applicationMaxBody},
		{Method: http.MethodPost, Path: "/my/agency/commitment", Access: agency, Summary: "签署入驻承诺书", Action: "agency.commit", Handler: u.acceptCommitment},
		{Method: http.MethodPost, Path: "/my/agency/submit", Access: agency, Summary: "提交入驻申请", Action: "agency.submit", Handler: u.submitAgency},
		{Method: http.MethodPost, Path: "/my/agency/withdraw", Access: agency, Summary: "退出平台", Action: "agency.withdraw", Handler: u.withdrawAgency},
		{Method: http.MethodGet, Path: "/my/org", Access: web.Roles(auth.RoleOwner), Summary: "单位信息", Handler: u.myOrg},
		{Method: http.MethodPost, Path: "/my/org", Access: web.Roles(auth.RoleOwner), Summary: "修改单位信息", Action: "org.update", Handler: u.updateOrg},

		{Method: http.MethodGet, Path: "/registry/review", Access: supervisors, Summary: "入驻审核队列", Handler: u.reviewQueue},
		{Method: http.MethodGet, Path: "/registry/agencies", Access: supervisors, Summary: "中介机构管理", Handler: u.registryAgencies},
		{Method: http.MethodGet, Path: "/registry/export.xlsx", Access: supervisors, Summary: "导出中介机构名录", Handler: u.exportRegistry},
		{Method: http.MethodGet, Path: "/registry/agencies/:id", Access: supervisors, Summary: "中介机构详情（监管）", Handler: u.registryAgency},
		{Method: http.MethodPost, Path: "/registry/agencies/:id/review", Access: supervisors, Summary: "审核入驻申请", Action: "agency.review", Handler: u.reviewAgency},
		{Method: http.MethodPost, Path: "/registry/agencies/:id/change", Access: supervisors, Summary: "审核信息变更", Action: "agency.change_review", Handler: u.reviewChange},
		{Method: http.MethodPost, Path: "/registry/agencies/:id/suspend", Access: supervisors, Summary: "暂停中介机构", Action: "agency.suspend", Handler: u.setSuspended(true)},
		{Method: http.MethodPost, Path: "/registry/agencies/:id/restore", Access: supervisors, Summary: "恢复中介机构", Action: "agency.restore", Handler: u.setSuspended(false)},
		{Method: http.MethodPost, Path: "/registry/agencies/:id/account", Access: supervisors, Summary: "为迁移机构开通账号", Action: "agency.open_account", Handler: u.openAgencyAccount},
		{Method: http.MethodGet, Path: "/registry/import", Access: supervisors, Summary: "迁移导入中介机构页", Handler: u.agencyImportForm},
		{Method: http.MethodPost, Path: "/registry/import", Access: supervisors, Summary: "从 Excel 迁移导入中介机构", Action: "agency.import", Handler: u.importAgencies, MaxBody: importMaxBody},
		{Method: http.MethodGet, Path: "/registry/import/errors.xlsx", Access: supervisors, Summary: "下载迁移导入错误行", Handler: u.agencyImportErrors},
		{Method: http.MethodGet, Path: "/registry/import/template.xlsx", Access: supervisors, Summary: "下载中介机构迁移导入模板", Handler: u.agencyImportTemplate},

		{Method: http.MethodGet, Path: "/admin/catalog", Access: admin, Summary: "服务事项管理", Handler: u.adminCatalog},
		{Method: http.MethodGet, Path: "/admin/catalog/new", Access: admin, Summary: "新增服务事项页", Handler: u.newItemForm},
		{Method: http.MethodPost, Path: "/admin/catalog", Access: admin, Summary: "新增服务事项", Action: "catalog.create", Handler: u.saveItem},
		{Method: http.MethodGet, Path: "/admin/catalog/:code/edit", Access: admin, Summary: "编辑服务事项页", Handler: u.editItemForm},
		{Method: http.MethodPost, Path: "/admin/catalog/:code", Access: admin, Summary: "修改服务事项", Action: "catalog.update", Handler: u.saveItem},
		{Method: http.MethodPost, Path: "/admin/catalog/:code/enable", Access: admin, Summary: "启用服务事项", Action: "catalog.enable", Handler: u.setItemEnabled(true)},
		{Method: http.MethodPost, Path: "/admin/catalog/:code/disable", Access: admin, Summary: "停用服务事项", Action: "catalog.disable", Handler: u.setItemEnabled(false)},
		{Method: http.MethodGet, Path: "/admin/catalog/import", Access: admin, Summary: "导入服务事项页", Handler: u.importForm},
		{Method: http.MethodPost, Path: "/admin/catalog/import", Access: admin, Summary: "从 Excel 导入服务事项", Action: "catalog.import", Handler: u.importCatalog, MaxBody: importMaxBody},
		{Method: http.MethodGet, Path: "/admin/catalog/import/errors.xlsx", Access: admin, Summary: "下载导入错误行", Handler: u.importErrorsDownload},
		{Method: http.MethodGet, Path: "/admin/catalog/template.xlsx", Access: admin, Summary: "下载服务事项导入模板", Handler: u.catalogTemplate},
		{Method: http.MethodGet, Path: "/admin/catalog/export.xlsx", Access: admin, Summary: "导出服务事项清单", Handler: u.exportCatalog},

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
	u.hallRoutes(app)

	// 监管
	u.supervisionRoutes(app) // pages_supervision.go

	// 节假日安排
	u.calendarRoutes(app) // pages_calendar.go

	// 报表导出
	u.exportRoutes(app) // pages_exports.go

	// 消息中心
	u.notifyRoutes(app) // pages_notify.go

	// 统一身份认证 (only with --oidc-issuer)
	u.oidcRoutes(app) // pages_oidc.go
}

// hallRoutes declares the selection hall's pages (选取大厅).
func (u *ui) hallRoutes(app *web.App) {
	owner := web.Roles(auth.RoleOwner)
	agency := web.Roles(auth.RoleAgency)
	supervisors := web.Roles(auth.RoleRegulator, auth.RoleAdmin)
	act := u.projectAction
	for _, r := range []web.Route{
		// 选取大厅
		{Method: http.MethodGet, Path: "/hall", Access: web.Public(), Summary: "选取大厅", Handler: u.hallList},
		{Method: http.MethodGet, Path: "/projects/:id", Access: web.Public(), Summary: "选取项目详情", Handler: u.projectShow},
		{Method: http.MethodGet, Path: "/projects/:id/verify", Access: web.Public(), Summary: "抽取验证", Handler: u.verifyDraws},
		{Method: http.MethodGet, Path: "/projects/:id/files/:file", Access: web.LoggedIn(), Summary: "查看项目合同或成果文件", Handler: u.projectFileServe},

		{Method: http.MethodGet, Path: "/my/projects", Access: owner, Summary: "我的选取项目", Handler: u.myProjects},
		{Method: http.MethodGet, Path: "/projects/new", Access: owner, Summary: "发布选取项目页", Handler: u.newProjectForm},
		{Method: http.MethodPost, Path: "/projects", Access: owner, Summary: "创建选取项目草稿", Action: "project.create", Handler: u.createProject},
		{Method: http.MethodGet, Path: "/projects/:id/edit", Access: owner, Summary: "修改项目草稿页", Handler: u.editProjectForm},
		{Method: http.MethodPost, Path: "/projects/:id", Access: owner, Summary: "修改项目草稿", Action: "project.update", Handler: u.updateProject},
		{Method: http.MethodPost, Path: "/projects/:id/publish", Access: owner, Summary: "发布选取公告", Action: "project.publish", Handler: act("publish", nil, u.publishProject)},
		{Method: http.MethodPost, Path: "/projects/:id/republish", Access: owner, Summary: "重新发布流标项目", Action: "project.republish", Handler: u.republish},
		{Method: http.MethodPost, Path: "/projects/:id/scores", Access: owner, Summary: "评审因素打分", Action: "project.score", Handler: act("scores", nil, u.scoreCriteria)},
		{Method: http.MethodPost, Path: "/projects/:id/contract", Access: owner, Summary: "登记合同", Action: "project.contract", Handler: act("contract", []string{"amount", "signed_on"}, u.signContract), MaxBody: uploadMaxBody},
		{Method: http.MethodPost, Path: "/projects/:id/extend", Access: owner, Summary: "延长服务时限", Action: "project.extend", Handler: act("extend", []string{"days", "reason"}, u.extendService)},
		{Method: http.MethodPost, Path: "/projects/:id/pause", Access: owner, Summary: "中止服务计时", Action: "project.pause", Handler: act("pause", []string{"reason"}, u.pauseService)},
		{Method: http.MethodPost, Path: "/projects/:id/resume", Access: owner, Summary: "恢复服务计时", Action: "project.resume", Handler: act("resume", nil, u.resumeService)},
		{Method: http.MethodPost, Path: "/projects/:id/delivery", Access: owner, Summary: "验收或退回服务成果", Action: "project.delivery_decide", Handler: act("delivery", []string{"decision", "reason"}, u.decideDelivery)},
		{Method: http.MethodPost, Path: "/projects/:id/evaluation", Access: owner, Summary: "评价服务", Action: "project.evaluate", Handler: act("evaluate", []string{"quality", "timeliness", "attitude", "fees", "conduct", "comment"}, u.evaluate)},
		{Method: http.MethodPost, Path: "/projects/:id/cancel", Access: web.Roles(auth.RoleOwner, auth.RoleRegulator, auth.RoleAdmin), Summary: "终止选取项目", Action: "project.cancel", Handler: act("cancel", []string{"reason"}, u.cancelProject)},

		{Method: http.MethodGet, Path: "/my/opportunities", Access: agency, Summary: "可报名项目", Handler: u.myOpportunities},
		{Method: http.MethodGet, Path: "/my/bids", Access: agency, Summary: "我的报名与报价", Handler: u.myBids},
		{Method: http.MethodGet, Path: "/my/contracts", Access: agency, Summary: "我的合同", Handler: u.myContracts},
		{Method: http.MethodPost, Path: "/projects/:id/signup", Access: agency, Summary: "报名参加选取", Action: "project.signup", Handler: act("signup", nil, u.signUp)},
		{Method: http.MethodPost, Path: "/projects/:id/quote", Access: agency, Summary: "提交或替换密封报价", Action: "project.quote", Handler: act("quote", []string{"amount"}, u.submitQuote)},
		{Method: http.MethodPost, Path: "/projects/:id/quote/withdraw", Access: agency, Summary: "撤回密封报价", Action: "project.quote_withdraw", Handler: act("withdraw", nil, u.withdrawQuote)},
		{Method: http.MethodPost, Path: "/projects/:id/objection", Access: agency, Summary: "对选取结果提出质疑", Action: "project.object", Handler: act("object", []string{"reason"}, u.objectResult)},
		{Method: http.MethodPost, Path: "/projects/:id/abandon", Access: agency, Summary: "放弃中选", Action: "project.abandon", Handler: act("abandon", []string{"reason"}, u.abandonProject)},
		{Method: http.MethodPost, Path: "/projects/:id/deliver", Access: agency, Summary: "提交服务成果", Action: "project.deliver", Handler: act("deliver", nil, u.deliver), MaxBody: uploadMaxBody},
		{Method: http.MethodPost, Path: "/projects/:id/response", Access: agency, Summary: "回复服务评价", Action: "project.respond", Handler: act("respond", []string{"response"}, u.respond)},

		{Method: http.MethodGet, Path: "/supervise/projects", Access: supervisors, Summary: "选取项目监管", Handler: u.superviseProjects},
		{Method: http.MethodPost, Path: "/projects/:id/review", Access: supervisors, Summary: "审核选取公告", Action: "project.review", Handler: act("review", []string{"decision", "note"}, u.reviewAnnouncement)},
		{Method: http.MethodPost, Path: "/projects/:id/objection/decision", Access: supervisors, Summary: "处理质疑", Action: "project.objection_decide", Handler: act("objection-decision", []string{"decision", "note"}, u.decideObjection)},
	} {
		r.Page = true
		r.Tag = "页面"
		app.Handle(r)
	}
}
