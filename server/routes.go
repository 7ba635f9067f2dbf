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
	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/notify"
	"github.com/agencyhall/agencyhall/ocds"
	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/reports"
	"github.com/agencyhall/agencyhall/scoring"
	"github.com/agencyhall/agencyhall/web"
)

// Deps are the services the API calls.
type Deps struct {
	Auth     *auth.Service
	Audit    *audit.Log
	Catalog  *registry.Catalog
	Registry *registry.Registry
	Files    *files.Service
	Hall     *hall.Service
	Scoring  *scoring.Service // 监管: complaints, sanctions, credit, alerts, inspections
	Reports  *reports.Service // Excel exports and the monthly report
	OCDS     *ocds.Feed       // open data: the Open Contracting release feed
	Notify   *notify.Service  // 消息中心: notifications, e-mail choices, webhooks
	// BaseURL is the external address for links in open data (the
	// request's host when empty); SiteName names the publisher.
	BaseURL  string
	SiteName string
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
	tagReports   = "报表与导出"
	tagOpenData  = "开放数据"
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
		{Method: get, Path: "/healthz", Access: public, NoCache: true, Tag: tagOps, Summary: "存活检查：进程在运行",
			Out: statusResponse{Status: "ok", Version: "v1.0.0"}, Handler: h.healthz},
		{Method: get, Path: "/readyz", Access: public, NoCache: true, Tag: tagOps, Summary: "就绪检查：数据库可用（2 秒内无应答返回 503）",
			Out: statusResponse{Status: "ready"}, Handler: h.readyz},
		{Method: get, Path: "/metrics", Access: admin, Tag: tagOps,
			Summary: "Prometheus 指标（仅平台管理员；抓取器以管理员的 API 令牌作 Bearer 认证）",
			Out:     "# HELP agencyhall_http_request_duration_seconds HTTP request duration by route and status.\n", Handler: h.metrics},
		{Method: get, Path: "/debug/pprof/", Access: admin, Tag: tagOps, Summary: "性能剖析索引（Go pprof，仅平台管理员）",
			Out: "Types of profiles available: …", Handler: h.profile},
		{Method: get, Path: "/debug/pprof/:name", Access: admin, Tag: tagOps,
			Summary: "性能剖析数据（仅平台管理员）：profile?seconds=20 为 CPU，heap、allocs、goroutine、block、mutex、trace 等；用 go tool pprof 查看",
			Out:     "（pprof 二进制数据）", Handler: h.profile},
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
		// 历史平台迁移 (agency_migration_handlers.go).
		{Method: get, Path: "/api/v1/registry/migration/template.xlsx", Access: supervisors, Tag: tagReview,
			Summary: "下载中介机构迁移 Excel 导入模板（含填写说明和一行示例）", Out: xlsx, Handler: h.migrationTemplate},
		{Method: post, Path: "/api/v1/registry/migration/import", Access: supervisors, Tag: tagReview, Action: "agency.import",
			Summary: "从 Excel 迁移导入原平台已入驻的中介机构（multipart 的 file 字段，≤10 MB）：按统一社会信用代码新增为“已入驻”机构，记录原平台机构编号和入驻日期；" +
				"校验信用代码、区划、服务事项及其要求的资质类型。以前迁移过的机构按新数据更新，相同内容不变；本平台自行注册的机构和迁移后已在本平台变更过的机构不覆盖，作为错误行返回。" +
				"有误的行不导入，其余照常导入；默认返回 JSON 计数与各行错误，加 ?format=xlsx 且有错误行时直接返回错误工作簿（计数在 X-Import-* 响应头中）",
			In: web.File{Field: "file"}, Out: exampleAgencyImport, MaxBody: agencyImportMaxBody, Handler: h.importAgencies},
		{Method: post, Path: "/api/v1/registry/agencies/:id/account", Access: supervisors, Tag: tagReview, Action: "agency.open_account",
			Summary: "为迁移的机构开通首个登录账号（线下核验营业执照和授权委托书后；密码为临时密码，机构登录后自行修改；已有账号的机构不能再开通）",
			In:      agencyAccountRequest{Login: "lyhj-admin", Name: "孙丽", Phone: "0931-1234567", Password: "至少10个字符的临时密码"},
			Out:     accountResponse{User: exampleUser, Org: exampleOrg}, Handler: h.openAgencyAccount},
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

		// 选取大厅 (selection hall: hall_*.go). Money in fen, times RFC 3339.
		// Public: the hall and each project's page, timeline and draw verification.
		{Method: get, Path: "/api/v1/projects", Access: public, Tag: tagHall,
			Summary: "选取大厅：已发布的项目，可按名称或编号、状态（逗号分隔）、选取方式、服务事项、审批阶段、地区筛选，按最新或报名截止排序",
			In:      projectQuery{State: "open,publicity", Sort: "deadline"}, Out: examplePage(exampleSummary), Handler: h.listProjects},
		{Method: get, Path: "/api/v1/projects/:id", Access: public, Tag: tagHall,
			Summary: "项目详情：公告信息、报名情况、时间线；开启后附开启记录（全部报价及回执、计算过程、抽取）、结果、合同摘要、交付与评价。开启前不含任何报价和抽取密钥",
			Out:     exampleProject, Handler: h.projectDetail},
		{Method: get, Path: "/api/v1/projects/:id/timeline", Access: public, Tag: tagHall,
			Summary: "项目时间线（每个状态变化一条）", Out: exampleTimeline, Handler: h.projectTimeline},
		{Method: get, Path: "/api/v1/projects/:id/verification", Access: public, Tag: tagHall,
			Summary: "抽取验证：承诺值、公布的密钥（开启前为空）和每次抽取的输入与结果，服务器按公开算法重算的结论；agencyhall verify-draw --url 读取此接口",
			Out:     exampleVerification, Handler: h.projectVerification},
		{Method: get, Path: "/api/v1/projects/:id/contract/file", Access: loggedIn, Tag: tagHall,
			Summary: "下载项目的合同扫描件（仅项目业主、中选机构和监管部门，其他人得到 404）", Out: web.File{ContentType: "application/pdf"}, Handler: h.contractFile},
		{Method: get, Path: "/api/v1/projects/:id/deliveries/:n/file", Access: loggedIn, Tag: tagHall,
			Summary: "下载第 n 次提交的服务成果文件（n 从 1 开始；仅项目业主、中选机构和监管部门，其他人得到 404）", Out: web.File{ContentType: "application/pdf"}, Handler: h.deliveryFile},

		// Owners: their projects from draft to evaluation.
		{Method: get, Path: "/api/v1/my/projects", Access: owner, Tag: tagHallOwner,
			Summary: "本单位的选取项目（含草稿），筛选条件同选取大厅", In: projectQuery{Sort: "newest"}, Out: examplePage(exampleSummary), Handler: h.myProjects},
		{Method: post, Path: "/api/v1/projects", Access: owner, Tag: tagHallOwner, Action: "project.create",
			Summary: "新建选取项目草稿（金额单位为分；综合评分须给出 weights，直接选取须给出 direct_agency 和 direct_reason）",
			In:      exampleProjectRequest, Out: exampleProject, Handler: h.createProject},
		{Method: put, Path: "/api/v1/projects/:id", Access: owner, Tag: tagHallOwner, Action: "project.update",
			Summary: "修改选取项目草稿（整份替换）", In: exampleProjectRequest, Out: exampleProject, Handler: h.updateProject},
		{Method: post, Path: "/api/v1/projects/:id/publish", Access: owner, Tag: tagHallOwner, Action: "project.publish",
			Summary: "发布项目：公布抽取密钥的承诺值并开始报名（需审核的地区先提交监管部门审核；直接选取直接进入公示）",
			Out:     exampleProject, Handler: projectMove("发布选取项目", h.Hall.Publish)},
		{Method: post, Path: "/api/v1/projects/:id/cancel", Access: owner, Tag: tagHallOwner, Action: "project.cancel",
			Summary: "终止项目（签约前，须填写原因）", In: hallReasonRequest{Reason: "项目建设方案调整，暂停实施"}, Out: exampleProject,
			Handler: projectReason("终止选取项目", h.Hall.Cancel)},
		{Method: post, Path: "/api/v1/projects/:id/republish", Access: owner, Tag: tagHallOwner, Action: "project.republish",
			Summary: "流标项目重新发布：生成下一轮的草稿（须重新填写报名截止和开启时间）", Out: exampleProject,
			Handler: projectMove("重新发布流标项目", h.Hall.Republish)},
		{Method: post, Path: "/api/v1/projects/:id/criteria-scores", Access: owner, Tag: tagHallOwner, Action: "project.criteria_scores",
			Summary: "综合评分：开启后为每家有效报价的机构录入各评审因素得分（整数，单位为万分之一分，8.5 分填 85000），随即计算总分确定结果",
			In:      scoresRequest{Scores: map[string][]int64{"agency:91620105MA73QW8N26": {85000, 120000}}}, Out: exampleProject, Handler: h.scoreCriteria},
		{Method: post, Path: "/api/v1/projects/:id/contract", Access: owner, Tag: tagHallOwner, Action: "project.contract",
			Summary: "签订合同：金额（分）、签订日期（YYYY-MM-DD）和本单位上传的合同扫描件 id；服务计时开始",
			In:      contractRequest{AmountFen: 400_000_00, SignedOn: "2026-12-09", FileID: "5b1e…（POST /api/v1/files 返回的 id）"},
			Out:     exampleProject, Handler: h.signContract},
		{Method: post, Path: "/api/v1/projects/:id/extend", Access: owner, Tag: tagHallOwner, Action: "project.extend",
			Summary: "批准延长服务时限（天数与原因）", In: extendRequest{Days: 10, Reason: "规划方案调整，需补充调查"}, Out: exampleProject, Handler: h.extendProject},
		{Method: post, Path: "/api/v1/projects/:id/pause", Access: owner, Tag: tagHallOwner, Action: "project.pause",
			Summary: "中止计时：等待业主提供材料期间不计入服务时限", In: hallReasonRequest{Reason: "等待业主提供地形图"}, Out: exampleProject,
			Handler: projectReason("中止服务计时", h.Hall.Pause)},
		{Method: post, Path: "/api/v1/projects/:id/resume", Access: owner, Tag: tagHallOwner, Action: "project.resume",
			Summary: "恢复计时（服务期限顺延中止的时间）", Out: exampleProject, Handler: projectMove("恢复服务计时", h.Hall.Resume)},
		{Method: post, Path: "/api/v1/projects/:id/delivery-decision", Access: owner, Tag: tagHallOwner, Action: "project.delivery_decision",
			Summary: "验收服务成果：accept 为 true 验收通过，false 退回修改（须写明原因）",
			In:      decisionRequest{Accept: new(false), Reason: "第三章监测数据缺失"}, Out: exampleProject, Handler: h.decideDelivery},
		{Method: post, Path: "/api/v1/projects/:id/evaluation", Access: owner, Tag: tagHallOwner, Action: "project.evaluate",
			Summary: "服务评价：质量、时效、态度、收费、规范各 1–5 星，可附评语",
			In:      evaluationRequest{Quality: 5, Timeliness: 4, Attitude: 5, Fees: 5, Conduct: 5, Comment: "报告质量高，沟通及时"},
			Out:     exampleProject, Handler: h.evaluateProject},

		// Agencies: opportunities, sign-ups, sealed quotes and the service.
		{Method: get, Path: "/api/v1/my/opportunities", Access: agency, Tag: tagHallAgency,
			Summary: "可报名的项目：报名中的项目，标明本机构能否报名及不能报名的原因", In: Paging{}, Out: examplePage(exampleOpportunity), Handler: h.myOpportunities},
		{Method: get, Path: "/api/v1/my/signups", Access: agency, Tag: tagHallAgency,
			Summary: "本机构报名或中选的项目，筛选条件同选取大厅", In: projectQuery{}, Out: examplePage(exampleMySignup), Handler: h.mySignups},
		{Method: post, Path: "/api/v1/projects/:id/signup", Access: agency, Tag: tagHallAgency, Action: "project.signup",
			Summary: "报名参加选取（资格不符时说明原因）", Out: exampleProject, Handler: h.signUp},
		{Method: post, Path: "/api/v1/projects/:id/quote", Access: agency, Tag: tagHallAgency, Action: "quote.submit",
			Summary: "提交或替换密封报价（分，须在最低与最高限价之间）；返回回执，金额开启前任何人不可见，也不写入日志和审计记录",
			In:      quoteRequest{AmountFen: 380_000_00}, Out: exampleReceipt, Handler: h.submitQuote},
		{Method: del, Path: "/api/v1/projects/:id/quote", Access: agency, Tag: tagHallAgency, Action: "quote.withdraw",
			Summary: "报名截止前撤回本机构的报价", Handler: h.withdrawQuote},
		{Method: get, Path: "/api/v1/projects/:id/my-quote", Access: agency, Tag: tagHallAgency,
			Summary: "本机构当前有效报价的回执（不含金额；没有有效报价时 404）", Out: exampleReceipt, Handler: h.myQuote},
		{Method: post, Path: "/api/v1/projects/:id/objection", Access: agency, Tag: tagHallAgency, Action: "project.object",
			Summary: "公示期内对选取结果提出质疑（参与机构；10–2000 字），项目暂停至监管部门处理",
			In:      hallReasonRequest{Reason: "中选机构的资质证书在报名截止日已过期"}, Out: exampleProject, Handler: projectReason("提出质疑", h.Hall.Object)},
		{Method: post, Path: "/api/v1/projects/:id/abandon", Access: agency, Tag: tagHallAgency, Action: "project.abandon",
			Summary: "中选机构放弃（弃标，计入信用评分），由下一候选递补或重新抽取", In: hallReasonRequest{Reason: "人员安排冲突，无法按期完成"},
			Out: exampleProject, Handler: projectReason("放弃中选（弃标）", h.Hall.Abandon)},
		{Method: post, Path: "/api/v1/projects/:id/delivery", Access: agency, Tag: tagHallAgency, Action: "project.deliver",
			Summary: "提交服务成果：本机构上传的成果文件 id（POST /api/v1/files，用途 deliverable）",
			In:      deliveryRequest{FileID: "7c2d…（POST /api/v1/files 返回的 id）"}, Out: exampleProject, Handler: h.deliver},
		{Method: post, Path: "/api/v1/projects/:id/evaluation-response", Access: agency, Tag: tagHallAgency, Action: "project.respond",
			Summary: "回复业主的服务评价（评价后 14 天内，一次）", In: responseRequest{Response: "感谢评价，我们将继续提高时效"},
			Out: exampleProject, Handler: h.respondEvaluation},

		// Regulators: announcement review and objections.
		{Method: post, Path: "/api/v1/projects/:id/announcement-review", Access: supervisors, Tag: tagHallReview, Action: "project.announcement_review",
			Summary: "审核选取公告：approve 为 true 通过并开始报名，false 退回业主（须填写意见）",
			In:      announcementReviewRequest{Approve: new(true)}, Out: exampleProject, Handler: h.reviewAnnouncement},
		{Method: post, Path: "/api/v1/projects/:id/objection-decision", Access: supervisors, Tag: tagHallReview, Action: "project.objection_decision",
			Summary: "处理质疑：upheld 为 true 质疑成立（撤销结果，递补或重新抽取），false 不成立（继续公示）；须填写处理意见",
			In:      objectionDecisionRequest{Upheld: new(false), Note: "经核查，中选机构资质在有效期内"}, Out: exampleProject, Handler: h.decideObjection},

		// 节假日安排 (calendar_handlers.go): the holiday calendar of every
		// working-day deadline; public to read, imported by admins a year at a time.
		{Method: get, Path: "/api/v1/calendar", Access: public, Tag: tagCalendar,
			Summary: "节假日安排：已载入的年份（来源、放假日期、调休上班日），以及本年和下一年中尚无安排的年份（missing_years；这些年份只按周末计算工作日）",
			Out:     exampleCalendar, Handler: h.calendar},
		{Method: get, Path: "/api/v1/calendar/template.xlsx", Access: public, Tag: tagCalendar,
			Summary: "下载节假日安排 Excel 导入模板（含填写说明和一个完整年份的示例）", Out: xlsx, Handler: h.calendarTemplate},
		{Method: get, Path: "/api/v1/calendar/export.xlsx", Access: public, Tag: tagCalendar,
			Summary: "导出已载入的节假日安排 Excel（与导入模板同格式，可修改后导入）", Out: xlsx, Handler: h.exportCalendar},
		{Method: post, Path: "/api/v1/admin/calendar/import", Access: admin, Tag: tagCalendar, Action: "calendar.import",
			Summary: "从 Excel 导入节假日安排（multipart 的 file 字段，≤10 MB）。按年份整体替换：文件中每个年份的全部行都无误时导入并立即用于工作日计算，" +
				"有任何一行有误的年份整年不导入；重复导入不改变数据。默认返回 JSON，加 ?format=xlsx 且有错误行时直接返回错误工作簿（含未导入年份的全部行，计数在 X-Import-* 响应头中）",
			In: web.File{Field: "file"}, Out: exampleCalendarImport, MaxBody: calendarImportMaxBody, Handler: h.importCalendar},

		// 监管 (supervision: supervision_*.go). Complaints, sanctions, credit
		// scores with line items and appeals, alerts, random inspections, risks.
		// Public: complaints by anyone, the sanctions list, rules, scorecards, inspections.
		{Method: post, Path: "/api/v1/complaints", Access: public, Tag: tagComplaint, Action: "complaint.file",
			Summary: "提交投诉（项目业主、中介机构或公众；未登录须填写姓名和联系电话，不能附文件；已登录可附本单位上传的证据文件 id）。公众投诉人的身份不向被投诉方公开",
			In:      exampleComplaintRequest, Out: exampleComplaint, Handler: h.fileComplaint},
		{Method: get, Path: "/api/v1/sanctions", Access: public, Tag: tagCredit,
			Summary: "处理公示：警告、暂停、黑名单（机构、事由、依据、起止日期、是否已解除），新的在前", In: sanctionQuery{Active: "true"},
			Out: examplePage(exampleSanction), Handler: h.publicSanctions},
		{Method: get, Path: "/api/v1/credit/rules", Access: public, Tag: tagCredit, Summary: "信用评分规则表（每条规则的说明、分值和上限）",
			Out: exampleRules, Handler: h.creditRules},
		{Method: get, Path: "/api/v1/agencies/:id/credit", Access: public, Tag: tagCredit,
			Summary: "机构信用评分：分数（一位小数）、等级、每一条加减分明细（规则、来源、分值、日期、是否因申诉作废）和近 12 个月的每日评分",
			Out:     exampleCredit, Handler: h.agencyCredit},
		{Method: get, Path: "/api/v1/inspections", Access: public, Tag: tagInspection,
			Summary: "双随机抽查计划与结果公示（抽取前只公布密钥承诺值）", In: Paging{}, Out: examplePage(exampleInspection), Handler: h.listInspections},
		{Method: get, Path: "/api/v1/inspections/:id", Access: public, Tag: tagInspection,
			Summary: "抽查计划详情：范围、抽取记录（抽取后公布密钥，可验证）、检查人员和检查结果", Out: exampleInspection, Handler: h.getInspection},

		// Logged in: the complainant and the complained-about party.
		{Method: get, Path: "/api/v1/my/complaints", Access: loggedIn, Tag: tagComplaint,
			Summary: "我提交的投诉，或（scope=against）针对本单位的投诉", In: myComplaintQuery{Scope: "filed"}, Out: examplePage(exampleComplaint),
			Handler: h.myComplaints},
		{Method: get, Path: "/api/v1/complaints/:id", Access: loggedIn, Tag: tagComplaint,
			Summary: "投诉详情（投诉人和监管部门可见全部；被投诉方看不到公众投诉人的身份；其他人 404）", Out: exampleComplaint, Handler: h.getComplaint},
		{Method: post, Path: "/api/v1/complaints/:id/withdraw", Access: loggedIn, Tag: tagComplaint, Action: "complaint.withdraw",
			Summary: "投诉人在办结前撤回投诉（可附说明）", In: noteRequest{Note: "已与机构协商解决"}, Out: exampleComplaint, Handler: h.withdrawComplaint},
		{Method: post, Path: "/api/v1/complaints/:id/response", Access: loggedIn, Tag: tagComplaint, Action: "complaint.respond",
			Summary: "被投诉方对投诉作出说明（2000 字以内）", In: complaintResponseRequest{Response: "监测数据由业主提供，已在报告中注明来源"},
			Out: exampleComplaint, Handler: h.respondComplaint},

		// Agencies: their own score and appeals.
		{Method: get, Path: "/api/v1/my/credit", Access: agency, Tag: tagAgencyCredit,
			Summary: "本机构的信用评分、加减分明细和近 12 个月的评分（首次评分前为基础分 100）", Out: exampleCredit, Handler: h.myCredit},
		{Method: post, Path: "/api/v1/my/appeals", Access: agency, Tag: tagAgencyCredit, Action: "credit.appeal",
			Summary: "对本机构的一条评分明细提出申诉（明细日期起 14 天内，每条一次；理由 10–2000 字）",
			In:      appealRequest{LineItemID: exampleLineItem.ID, Reason: "监测数据系业主提供，本机构已在报告中注明来源"}, Out: exampleAppeal, Handler: h.fileAppeal},
		{Method: get, Path: "/api/v1/my/appeals", Access: agency, Tag: tagAgencyCredit, Summary: "本机构的申诉及处理结果",
			In: Paging{}, Out: examplePage(exampleAppeal), Handler: h.myAppeals},

		// Regulators: complaints, sanctions, decisions, appeals, alerts, inspections, risks, dashboard.
		{Method: get, Path: "/api/v1/supervision/complaints", Access: supervisors, Tag: tagSupervise,
			Summary: "投诉处理台：全部投诉（含投诉人联系方式），可按状态、被投诉对象筛选", In: complaintQuery{State: "submitted,accepted"},
			Out: examplePage(exampleComplaint), Handler: h.superviseComplaints},
		{Method: post, Path: "/api/v1/supervision/complaints/:id/move", Access: supervisors, Tag: tagSupervise, Action: "complaint.move",
			Summary: "处理投诉：受理、不予受理（须写理由）、开始调查、认定属实（须选情节 minor/general/serious 并写结论，计入下次信用评分）或不属实",
			In:      moveComplaintRequest{To: "substantiated", Severity: "general", Note: "经现场核查，监测数据与原始记录不符"}, Out: exampleComplaint,
			Handler: h.moveComplaint},
		{Method: post, Path: "/api/v1/supervision/sanctions", Access: supervisors, Tag: tagSupervise, Action: "sanction.issue",
			Summary: "作出处理：警告、暂停（须填截止日期）或列入黑名单（须写依据）；暂停和黑名单立即限制报名。日期为 YYYY-MM-DD（截止日含当日）",
			In:      exampleSanctionRequest, Out: exampleSanction, Handler: h.issueSanction},
		{Method: post, Path: "/api/v1/supervision/sanctions/:id/lift", Access: supervisors, Tag: tagSupervise, Action: "sanction.lift",
			Summary: "信用修复：提前解除正在执行的处理（须写理由），立即恢复报名资格", In: liftRequest{Reason: "已完成整改并通过复查"},
			Out: exampleSanction, Handler: h.liftSanction},
		{Method: post, Path: "/api/v1/supervision/decisions", Access: supervisors, Tag: tagSupervise, Action: "credit.decision",
			Summary: "记录通报表扬（commendation）或虚假材料/围标串标（false_materials，同时建议列入黑名单），计入下次信用评分",
			In:      decisionRecordRequest{AgencyID: exampleAgencyID, Kind: "commendation", Note: "在重点项目审批服务中表现突出"}, Out: exampleDecision,
			Handler: h.recordDecision},
		{Method: get, Path: "/api/v1/supervision/appeals", Access: supervisors, Tag: tagSupervise, Summary: "评分申诉列表，可按机构、待处理筛选",
			In: appealQuery{Open: "true"}, Out: examplePage(exampleAppeal), Handler: h.superviseAppeals},
		{Method: post, Path: "/api/v1/supervision/appeals/:id/decision", Access: supervisors, Tag: tagSupervise, Action: "credit.appeal_decision",
			Summary: "处理评分申诉：upheld 为 true 申诉成立（该明细在下次评分时作废），false 驳回；须写处理意见",
			In:      appealDecisionRequest{Upheld: new(true), Note: "经核实，数据来源已注明"}, Out: exampleAppeal, Handler: h.decideAppeal},
		{Method: get, Path: "/api/v1/supervision/alerts", Access: supervisors, Tag: tagWatch,
			Summary: "电子监察预警（黄牌、红牌）：默认未关闭的，status=all 为全部，可按级别筛选", In: alertQuery{Level: "red"},
			Out: examplePage(exampleAlert), Handler: h.listAlerts},
		{Method: post, Path: "/api/v1/supervision/alerts/:id/ack", Access: supervisors, Tag: tagWatch, Action: "alert.ack",
			Summary: "确认预警，或 close 为 true 时写明处理情况后关闭（预警 id 中的 / 写作 ~）", In: alertAckRequest{Close: true, Note: "已督促业主签订合同"},
			Out: exampleAlert, Handler: h.ackAlert},
		{Method: post, Path: "/api/v1/supervision/inspections", Access: supervisors, Tag: tagInspection, Action: "inspection.create",
			Summary: "制定双随机抽查计划（范围、抽查数量、执法检查人员库至少 2 人），公布抽取密钥的承诺值", In: exampleInspectionRequest,
			Out: exampleInspection, Handler: h.createInspection},
		{Method: post, Path: "/api/v1/supervision/inspections/:id/draw", Access: supervisors, Tag: tagInspection, Action: "inspection.draw",
			Summary: "抽取：按信用等级加权（D ×4、C ×2）抽取检查对象，为每家抽取 2 名近一年未检查过该机构的检查人员，并公布密钥",
			Out:     exampleInspection, Handler: h.drawInspection},
		{Method: post, Path: "/api/v1/supervision/inspections/:id/results", Access: supervisors, Tag: tagInspection, Action: "inspection.result",
			Summary: "登记检查结果（合格、基本合格、不合格），结果公开", In: inspectionResultRequest{AgencyID: exampleAgencyID, Result: "合格"},
			Out: exampleInspection, Handler: h.recordInspection},
		{Method: get, Path: "/api/v1/supervision/risks", Access: supervisors, Tag: tagWatch,
			Summary: "围标串标风险信号：报价低于有效报价均值 70%、报价相同、经常共同投标、联系方式相同", In: riskQuery{Kind: "identical_quotes"},
			Out: examplePage(exampleRisk), Handler: h.listRisks},
		{Method: get, Path: "/api/v1/supervision/dashboard", Access: supervisors, Tag: tagWatch,
			Summary: "监管驾驶舱：在册机构信用等级分布、本月各方式选取数、节资率与按期交付率（万分比）、投诉和未关闭预警统计；可按地区、月份筛选",
			In:      dashboardQuery{Region: "6201", Month: "2026-11"}, Out: exampleDashboard, Handler: h.dashboard},

		// Reports: Excel exports (streamed, or a background task over 20,000 rows) and the monthly report.
		{Method: get, Path: "/api/v1/exports/projects.xlsx", Access: supervisors, Tag: tagReports, Action: reports.KindProjects.Action(),
			Summary: "导出选取项目与结果 Excel（筛选条件同项目列表，另有 funding、month）；超过 2 万行时返回 202 和后台导出任务",
			In:      exportFilterQuery{Region: "6201", Month: "2026-11"}, Out: xlsx, Handler: h.export(reports.KindProjects)},
		{Method: get, Path: "/api/v1/exports/scores.xlsx", Access: supervisors, Tag: tagReports, Action: reports.KindScores.Action(),
			Summary: "导出信用评分 Excel：评分汇总表和加减分明细表（region、grade）；超过 2 万家机构时返回 202 和后台导出任务",
			In:      exportFilterQuery{Grade: "D"}, Out: xlsx, Handler: h.export(reports.KindScores)},
		{Method: get, Path: "/api/v1/exports/complaints.xlsx", Access: supervisors, Tag: tagReports, Action: reports.KindComplaints.Action(),
			Summary: "导出投诉办理情况 Excel（state、target、month；不含公众投诉人电话）；超过 2 万行时返回 202 和后台导出任务",
			In:      exportFilterQuery{State: "substantiated"}, Out: xlsx, Handler: h.export(reports.KindComplaints)},
		{Method: get, Path: "/api/v1/exports/alerts.xlsx", Access: supervisors, Tag: tagReports, Action: reports.KindAlerts.Action(),
			Summary: "导出电子监察预警 Excel（status、level）；超过 2 万行时返回 202 和后台导出任务",
			In:      exportFilterQuery{Status: "all", Level: "red"}, Out: xlsx, Handler: h.export(reports.KindAlerts)},
		{Method: get, Path: "/api/v1/exports/sanctions.xlsx", Access: supervisors, Tag: tagReports, Action: reports.KindSanctions.Action(),
			Summary: "导出处理记录 Excel（agency_id、active）；超过 2 万行时返回 202 和后台导出任务",
			In:      exportFilterQuery{Active: "true"}, Out: xlsx, Handler: h.export(reports.KindSanctions)},
		{Method: get, Path: "/api/v1/exports/audit.xlsx", Access: supervisors, Tag: tagReports, Action: reports.KindAudit.Action(),
			Summary: "导出审计日志 Excel（actor、action、from、to），按记录序号排列；超过 2 万行时返回 202 和后台导出任务",
			In:      exportFilterQuery{Actor: "reg1", From: "2026-11-01", To: "2026-11-30"}, Out: xlsx, Handler: h.export(reports.KindAudit)},
		{Method: get, Path: "/api/v1/exports/tasks", Access: supervisors, Tag: tagReports,
			Summary: "本人最近的后台导出任务（保留 24 小时）", Out: []exportTaskDTO{exampleExportTask}, Handler: h.exportTasks},
		{Method: get, Path: "/api/v1/exports/tasks/:id", Access: supervisors, Tag: tagReports,
			Summary: "后台导出任务的状态和进度（仅发起人可见）；完成后给出下载地址", Out: exampleExportTask, Handler: h.exportTask},
		{Method: get, Path: "/api/v1/exports/tasks/:id/file", Access: supervisors, Tag: tagReports, Action: "export.download",
			Summary: "下载后台导出生成的 Excel 文件（仅发起人；生成后保留 24 小时）", Out: xlsx, Handler: h.exportTaskFile},
		{Method: get, Path: "/api/v1/reports/monthly.xlsx", Access: supervisors, Tag: tagReports, Action: reports.MonthlyAction,
			Summary: "月度运行报告 Excel：运行指标（含选取方式柱状图、信用等级饼图、近 12 个月按期率折线图）及按选取方式、服务事项、地区等分表",
			In:      monthlyQuery{Month: "2026-11", Region: "620100"}, Out: xlsx, Handler: h.monthlyReport},

		// Open data: the Open Contracting Data Standard 1.1 feed.
		{Method: get, Path: "/api/v1/ocds/releases", Access: public, Tag: tagOpenData,
			Summary: "OCDS 1.1 发布包：项目公告后每次状态变化一条发布（公告、开启、选取结果、合同、履约），按时间游标分页；报价开启前不公开，最新 1 分钟内的变化稍后出现",
			In:      ocdsQuery{Since: "2026-11-01", Limit: 100}, Out: exampleReleasePackage, Handler: h.ocdsReleases},
		{Method: get, Path: "/api/v1/ocds/releases/:id", Access: public, Tag: tagOpenData, Summary: "单条 OCDS 发布",
			Out: exampleReleasePackage, Handler: h.ocdsRelease},
		{Method: get, Path: "/api/v1/ocds/records/:ocid", Access: public, Tag: tagOpenData,
			Summary: "一个项目的 OCDS 记录：全部发布的链接和合并后的最新状态", Out: exampleRecordPackage, Handler: h.ocdsRecord},

		// Admins: the rule table.
		{Method: put, Path: "/api/v1/admin/credit/rules/:id", Access: admin, Tag: tagAdmin, Action: "credit.rule_update",
			Summary: "修改信用评分规则的分值和上限（十分之一分；cap_tenths 不填时不变，0 为不设上限），下次评分时生效",
			In:      ruleRequest{PointsTenths: new(int64(-40))}, Out: exampleRule, Handler: h.updateRule},
	} {
		app.Handle(r)
	}
	// 消息中心 and webhooks (notify_handlers.go).
	for _, r := range h.notifyRoutes() {
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
	if err := decodeRequest(c, v); err != nil {
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
