package adminui_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/audit"
	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/web"
)

func (e *env) putItem(code, name string, stage registry.Stage, enabled bool) {
	e.t.Helper()
	_, err := e.Catalog.Put(context.Background(), registry.ServiceItem{Code: code, Name: name, Stage: stage,
		ApprovalMatter: "建设项目环境影响评价审批", Department: "生态环境局", Qualifications: []string{"环评资质"},
		QualMode: registry.QualAnyOf, FeeBasis: registry.FeeMarket, TimeLimitDays: 30, Enabled: enabled})
	if err != nil {
		e.t.Fatalf("put item: %v", err)
	}
	if err := e.Registry.RefreshCatalog(context.Background()); err != nil {
		e.t.Fatal(err)
	}
}

// stat finds the number shown under a label of the home page's figures.
func stat(t *testing.T, p page, label string) string {
	t.Helper()
	re := regexp.MustCompile(`<dt>` + label + `</dt>\s*<dd><span class="stat-value num">([0-9,]+)</span>`)
	m := re.FindStringSubmatch(p.Body)
	if m == nil {
		t.Fatalf("home page has no figure %q\n%s", label, p.Body)
	}
	return m[1]
}

func TestHomeShowsCountsFromTheDatabase(t *testing.T) {
	e := newEnv(t)
	b := e.browser()

	p := b.get("/")
	wantStatus(t, p, http.StatusOK)
	for _, label := range []string{"已入驻中介机构", "服务事项", "正在选取的项目", "已注册项目业主"} {
		if got := stat(t, p, label); got != "0" {
			t.Errorf("empty database: %s = %s, want 0", label, got)
		}
	}

	e.registerOrg(auth.OrgAgency, "agency-a", "甲咨询有限公司", "91620102MA71XK3L0")
	e.registerOrg(auth.OrgAgency, "agency-b", "乙测绘有限公司", "91620103MA72PB6R1")
	e.registerOrg(auth.OrgOwner, "owner-a", "丙投资集团有限公司", "91620104MA73QC7T2")
	e.putItem("HP-001", "环境影响评价", registry.StagePlanning, true)
	e.putItem("HP-002", "水土保持方案编制", registry.StageLandUse, true)
	e.putItem("HP-003", "已停用的事项", registry.StageLandUse, false)

	p = b.get("/")
	wantStatus(t, p, http.StatusOK)
	// Registered agencies are not admitted ones: the figure counts only
	// agencies a regulator has admitted (see TestAdmissionThroughThePages).
	for label, want := range map[string]string{"已入驻中介机构": "0", "服务事项": "2", "正在选取的项目": "0", "已注册项目业主": "1"} {
		if got := stat(t, p, label); got != want {
			t.Errorf("%s = %s, want %s", label, got, want)
		}
	}
	wantContains(t, p, testSite, `href="/hall?status=open"`, `href="/login"`, `href="/register"`)
	wantNotContains(t, p, "退出")
}

func TestCatalogGroupsEnabledItemsByStage(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	wantContains(t, b.get("/catalog"), "服务事项目录还是空的")

	e.putItem("HP-001", "环境影响评价", registry.StagePlanning, true)
	e.putItem("HP-002", "水土保持方案编制", registry.StageLandUse, true)
	e.putItem("HP-003", "已停用的事项", registry.StageLandUse, false)
	p := b.get("/catalog")
	wantStatus(t, p, http.StatusOK)
	wantContains(t, p, "环境影响评价", "水土保持方案编制", ">用地 <", ">规划报建 <")
	wantNotContains(t, p, "已停用的事项")
	if strings.Index(p.Body, "水土保持方案编制") > strings.Index(p.Body, "环境影响评价") {
		t.Error("stages are not in approval order (用地 before 规划报建)")
	}

	p = b.get("/catalog?stage=" + url.QueryEscape("用地"))
	wantContains(t, p, "水土保持方案编制", `<option value="用地" selected>`)
	wantNotContains(t, p, "HP-001")
	wantContains(t, b.get("/catalog?q=nothing-matches"), "没有符合筛选条件的服务事项")
}

func TestLoginWithWrongPasswordShowsChineseErrorAndKeepsInput(t *testing.T) {
	e := newEnv(t)
	e.registerOrg(auth.OrgAgency, "agency-a", "甲咨询有限公司", "91620102MA71XK3L0")
	b := e.browser()
	b.get("/login")

	p := b.post("/login", url.Values{"login": {"agency-a"}, "password": {"wrong-password-1"}})
	wantStatus(t, p, http.StatusUnauthorized)
	wantContains(t, p, "登录名或密码错误", `value="agency-a"`, `role="alert"`)
	wantNotContains(t, p, "wrong-password-1")

	p = b.post("/login", url.Values{"login": {""}, "password": {""}})
	wantStatus(t, p, http.StatusBadRequest)
	wantContains(t, p, "请填写登录名", "请填写密码")

	// The fifth failure in a row locks the account, and the form says so.
	for i := 0; i < 3; i++ {
		b.post("/login", url.Values{"login": {"agency-a"}, "password": {"wrong-password-1"}})
	}
	p = b.post("/login", url.Values{"login": {"agency-a"}, "password": {"wrong-password-1"}})
	wantStatus(t, p, http.StatusTooManyRequests)
	wantContains(t, p, "账号已锁定，请 15 分钟后再试")
}

func TestLoginRedirectsOnlyToLocalPaths(t *testing.T) {
	e := newEnv(t)
	e.registerOrg(auth.OrgAgency, "agency-a", "甲咨询有限公司", "91620102MA71XK3L0")
	for next, want := range map[string]string{
		"/account":             "/account",
		"/catalog?stage=用地":    "/catalog?stage=%e7%94%a8%e5%9c%b0", // net/http escapes non-ASCII
		"":                     "/workspace",
		"//evil.example/x":     "/workspace",
		"https://evil.example": "/workspace",
		"/\\evil.example":      "/workspace",
		"javascript:alert(1)":  "/workspace",
	} {
		b := e.browser()
		b.get("/login?next=" + url.QueryEscape(next))
		p := b.post("/login", url.Values{"login": {"agency-a"}, "password": {testPassword}, "next": {next}})
		wantStatus(t, p, http.StatusSeeOther)
		if got := p.Header.Get("Location"); got != want {
			t.Errorf("next=%q: redirected to %q, want %q", next, got, want)
		}
	}
}

func TestLoginThenWorkspaceAndLogout(t *testing.T) {
	e := newEnv(t)
	e.registerOrg(auth.OrgAgency, "agency-a", "甲咨询有限公司", "91620102MA71XK3L0")
	b := e.browser()
	b.login("agency-a", testPassword)

	p := b.get("/workspace")
	wantStatus(t, p, http.StatusOK)
	wantContains(t, p, "<h1>工作台</h1>", "测试agency-a", "甲咨询有限公司", "申请入驻", `href="/my/agency"`, "登录成功", `action="/logout"`)

	b.get("/login") // a logged-in visitor is sent on
	p = b.post("/logout", nil)
	wantStatus(t, p, http.StatusSeeOther)
	if loc := p.Header.Get("Location"); loc != "/" {
		t.Errorf("logout redirects to %q", loc)
	}
	p = b.get("/")
	wantContains(t, p, "您已安全退出", `href="/login"`)
	wantNotContains(t, b.get("/"), "您已安全退出") // the flash is shown once
	if p := b.get("/workspace"); p.Status != http.StatusSeeOther {
		t.Errorf("workspace after logout: status %d", p.Status)
	}
}

func TestRegisterWithBadUSCCShowsFieldErrorAndKeepsInput(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	p := b.get("/register")
	wantStatus(t, p, http.StatusOK)
	wantContains(t, p, `value="620100"`) // the deployment's region is the default

	bad := "91620102MA71XK3L0X"
	p = b.post("/register", url.Values{"kind": {"agency"}, "org_name": {"甲咨询有限公司"}, "uscc": {bad}, "region": {"620102"},
		"login": {"agency-a"}, "name": {"张三"}, "password": {testPassword}})
	wantStatus(t, p, http.StatusBadRequest)
	msg := registry.ValidateUSCC(bad)
	if msg == "" {
		t.Fatal("test code unexpectedly valid")
	}
	wantContains(t, p, `<p class="field-error" id="f-uscc-error">`+msg+`</p>`, `aria-invalid="true"`,
		`value="甲咨询有限公司"`, `value="`+bad+`"`, `value="agency-a"`, "提交的内容有误")
	wantNotContains(t, p, testPassword)
	if n, _ := e.Auth.CountOrgs(context.Background(), auth.OrgAgency); n != 0 {
		t.Errorf("an invalid registration created %d organisations", n)
	}

	p = b.post("/register", url.Values{"kind": {"agency"}, "org_name": {""}, "uscc": {uscc(t, "91620102MA71XK3L0")},
		"region": {"62"}, "login": {"A"}, "name": {""}, "password": {"short"}})
	wantStatus(t, p, http.StatusBadRequest)
	wantContains(t, p, "请填写单位名称", "行政区划代码应为 6 位数字", "登录名为 3–32 位", "请填写姓名", "密码至少 10 个字符")
}

func TestRegisterAgencyThenLogIn(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.get("/register")
	code := uscc(t, "91620102MA71XK3L0")
	p := b.post("/register", url.Values{"kind": {"agency"}, "org_name": {"甲咨询有限公司"}, "uscc": {strings.ToLower(code)},
		"region": {"620102"}, "contact": {"李静"}, "phone": {"0931-8765432"}, "email": {"a@example.cn"},
		"login": {"agency-a"}, "name": {"李静"}, "password": {testPassword}})
	wantStatus(t, p, http.StatusSeeOther)
	if loc := p.Header.Get("Location"); loc != "/login?login=agency-a" {
		t.Fatalf("redirect to %q", loc)
	}
	p = b.get("/login?login=agency-a")
	wantContains(t, p, "注册成功", `value="agency-a"`)

	org, err := e.Auth.GetOrg(context.Background(), auth.OrgID(auth.OrgAgency, code))
	if err != nil || org.Name != "甲咨询有限公司" {
		t.Fatalf("registered org: %+v, %v", org, err)
	}
	recs, _, err := e.Audit.List(context.Background(), audit.Filter{Action: "user.register"})
	if err != nil || len(recs) != 1 || !strings.Contains(recs[0].Summary, "甲咨询有限公司") {
		t.Fatalf("audit of registration: %+v, %v", recs, err)
	}
	b.login("agency-a", testPassword)

	// The same code cannot register twice.
	b2 := e.browser()
	b2.get("/register")
	p = b2.post("/register", url.Values{"kind": {"agency"}, "org_name": {"甲咨询有限公司"}, "uscc": {code}, "region": {"620102"},
		"login": {"agency-b"}, "name": {"王五"}, "password": {testPassword}})
	wantStatus(t, p, http.StatusBadRequest)
	wantContains(t, p, "该统一社会信用代码已注册")
}

func TestFormPostWithoutCSRFTokenIsForbidden(t *testing.T) {
	e := newEnv(t)
	e.registerOrg(auth.OrgAgency, "agency-a", "甲咨询有限公司", "91620102MA71XK3L0")
	b := e.browser()
	b.get("/login")
	p := b.postRaw("/login", url.Values{"login": {"agency-a"}, "password": {testPassword}})
	wantStatus(t, p, http.StatusForbidden)
	wantContains(t, p, "页面已过期或请求来源不可信", "<h1>无权访问</h1>")

	b.login("agency-a", testPassword)
	p = b.postRaw("/logout", url.Values{"csrf_token": {"forged-token-forged-token"}})
	wantStatus(t, p, http.StatusForbidden)
	wantStatus(t, b.get("/workspace"), http.StatusOK) // still logged in
}

func TestAdminPagesNeedAdmin(t *testing.T) {
	e := newEnv(t)
	e.admin()
	e.regulator("reg-a")
	e.registerOrg(auth.OrgAgency, "agency-a", "甲咨询有限公司", "91620102MA71XK3L0")
	pages := []string{"/admin/users", "/admin/orgs", "/admin/regulators/new"}

	anon := e.browser()
	for _, path := range append(pages, "/audit", "/workspace", "/account") {
		p := anon.get(path)
		wantStatus(t, p, http.StatusSeeOther)
		if want := "/login?next=" + url.QueryEscape(path); p.Header.Get("Location") != want {
			t.Errorf("anonymous %s: redirect to %q, want %q", path, p.Header.Get("Location"), want)
		}
	}

	agency := e.browser()
	agency.login("agency-a", testPassword)
	for _, path := range append(pages, "/audit") {
		p := agency.get(path)
		wantStatus(t, p, http.StatusForbidden)
		wantContains(t, p, "<h1>无权访问</h1>", `lang="zh-CN"`)
	}
	p := agency.post("/admin/users/reg-a/disable", nil)
	wantStatus(t, p, http.StatusForbidden)

	reg := e.browser()
	reg.login("reg-a", testPassword)
	wantStatus(t, reg.get("/admin/users"), http.StatusForbidden)
	wantStatus(t, reg.get("/audit"), http.StatusOK)

	admin := e.browser()
	admin.login("admin", testPassword)
	for _, path := range append(pages, "/audit") {
		wantStatus(t, admin.get(path), http.StatusOK)
	}
}

func TestAdminListsAndDisablesUsers(t *testing.T) {
	e := newEnv(t)
	e.admin()
	e.registerOrg(auth.OrgAgency, "agency-a", "甲咨询有限公司", "91620102MA71XK3L0")
	e.registerOrg(auth.OrgOwner, "owner-a", "丙投资集团有限公司", "91620104MA73QC7T2")
	b := e.browser()
	b.login("admin", testPassword)

	p := b.get("/workspace")
	wantContains(t, p, "平台账号", `<span class="todo-count num">3</span>`, "用户管理")

	p = b.get("/admin/users")
	wantContains(t, p, "agency-a", "owner-a", "甲咨询有限公司", "共 <strong class=\"num\">3</strong> 条", "当前账号", `data-confirm="确定停用账号 agency-a`)
	p = b.get("/admin/users?role=owner")
	wantContains(t, p, "owner-a", `<option value="owner" selected>`)
	wantNotContains(t, p, "agency-a")
	wantContains(t, b.get("/admin/users?q=nobody"), "没有符合筛选条件的账号")

	p = b.post("/admin/users/agency-a/disable", url.Values{"back": {"/admin/users?role=agency"}})
	wantStatus(t, p, http.StatusSeeOther)
	if loc := p.Header.Get("Location"); loc != "/admin/users?role=agency" {
		t.Errorf("back to %q", loc)
	}
	p = b.get("/admin/users?role=agency")
	wantContains(t, p, "已停用账号 agency-a", "已停用", `action="/admin/users/agency-a/enable"`)
	if u, _ := e.Auth.GetUser(context.Background(), "agency-a"); !u.Disabled {
		t.Error("user not disabled")
	}
	// A disabled user cannot log in, with the same message as a wrong password.
	other := e.browser()
	other.get("/login")
	wantContains(t, other.post("/login", url.Values{"login": {"agency-a"}, "password": {testPassword}}), "登录名或密码错误")

	// An off-site "back" is ignored.
	p = b.post("/admin/users/agency-a/enable", url.Values{"back": {"https://evil.example/"}})
	if loc := p.Header.Get("Location"); loc != "/admin/users" {
		t.Errorf("back to %q", loc)
	}
	wantStatus(t, b.post("/admin/users/admin/disable", nil), http.StatusBadRequest) // not yourself
	wantStatus(t, b.post("/admin/users/nobody/disable", nil), http.StatusNotFound)

	p = b.get("/admin/orgs?kind=agency")
	wantContains(t, p, "甲咨询有限公司", uscc(t, "91620102MA71XK3L0"), "甘肃省")
	wantNotContains(t, p, "丙投资集团有限公司")
}

func TestAdminCreatesRegulator(t *testing.T) {
	e := newEnv(t)
	e.admin()
	b := e.browser()
	b.login("admin", testPassword)
	p := b.get("/admin/regulators/new")
	wantContains(t, p, "新建监管部门（填写下方信息）", `value="620100"`)

	p = b.post("/admin/regulators", url.Values{"org_name": {""}, "region": {"620100"}, "login": {"reg-a"}, "name": {"赵六"},
		"password": {testPassword}})
	wantStatus(t, p, http.StatusBadRequest)
	wantContains(t, p, "请填写监管部门名称", `value="reg-a"`)

	p = b.post("/admin/regulators", url.Values{"org_name": {"测试市生态环境局"}, "department": {"环评审批科"}, "region": {"620100"},
		"login": {"reg-a"}, "name": {"赵六"}, "password": {testPassword}})
	wantStatus(t, p, http.StatusSeeOther)
	p = b.get("/admin/users?role=regulator")
	wantContains(t, p, "已为「测试市生态环境局」创建监管账号 reg-a", "reg-a", "赵六")
	u, err := e.Auth.GetUser(context.Background(), "reg-a")
	if err != nil || u.Role != auth.RoleRegulator {
		t.Fatalf("regulator user: %+v, %v", u, err)
	}

	// A second account for the same department.
	p = b.get("/admin/regulators/new")
	wantContains(t, p, `<option value="`+u.OrgID+`">测试市生态环境局 · 环评审批科</option>`)
	p = b.post("/admin/regulators", url.Values{"org_id": {u.OrgID}, "login": {"reg-b"}, "name": {"钱七"}, "password": {testPassword}})
	wantStatus(t, p, http.StatusSeeOther)
	if u2, _ := e.Auth.GetUser(context.Background(), "reg-b"); u2.OrgID != u.OrgID {
		t.Errorf("second account in org %q, want %q", u2.OrgID, u.OrgID)
	}
}

func TestAccountPasswordAndTokens(t *testing.T) {
	e := newEnv(t)
	e.registerOrg(auth.OrgAgency, "agency-a", "甲咨询有限公司", "91620102MA71XK3L0")
	b := e.browser()
	b.login("agency-a", testPassword)

	p := b.get("/account")
	wantStatus(t, p, http.StatusOK)
	wantContains(t, p, "agency-a", "甲咨询有限公司", "您还没有 API 令牌")

	p = b.post("/account/tokens", url.Values{"name": {"数据对接"}})
	wantStatus(t, p, http.StatusOK)
	secret := regexp.MustCompile(`<code id="new-token" class="secret">(ahk_[A-Za-z0-9_-]+)</code>`).FindStringSubmatch(p.Body)
	if secret == nil {
		t.Fatalf("new token not shown\n%s", p.Body)
	}
	wantContains(t, p, "这是唯一一次显示完整令牌", secret[1][:10]+"…", "从未使用")
	p = b.get("/account")
	wantNotContains(t, p, secret[1])
	wantContains(t, p, "数据对接", secret[1][:10]+"…", `data-confirm="撤销令牌「数据对接」`)

	// The token works as a bearer credential until revoked.
	if _, err := e.Auth.TokenPrincipal(context.Background(), secret[1]); err != nil {
		t.Fatalf("new token rejected: %v", err)
	}
	action := regexp.MustCompile(`action="(/account/tokens/[0-9a-f]+/revoke)"`).FindStringSubmatch(p.Body)
	if action == nil {
		t.Fatal("no revoke form")
	}
	p = b.post(action[1], nil)
	wantStatus(t, p, http.StatusSeeOther)
	wantContains(t, b.get("/account"), "已撤销 API 令牌「数据对接」", "您还没有 API 令牌")
	if _, err := e.Auth.TokenPrincipal(context.Background(), secret[1]); err == nil {
		t.Error("revoked token still accepted")
	}

	wantContains(t, b.post("/account/tokens", url.Values{"name": {""}}), "请填写令牌用途")

	p = b.post("/account/password", url.Values{"old_password": {testPassword}, "new_password": {"new-password-2026"}, "new_password2": {"other"}})
	wantStatus(t, p, http.StatusBadRequest)
	wantContains(t, p, "两次输入的新密码不一致")
	p = b.post("/account/password", url.Values{"old_password": {"not-my-password"}, "new_password": {"new-password-2026"}, "new_password2": {"new-password-2026"}})
	wantStatus(t, p, http.StatusBadRequest)
	wantContains(t, p, "原密码不正确")
	p = b.post("/account/password", url.Values{"old_password": {testPassword}, "new_password": {"new-password-2026"}, "new_password2": {"new-password-2026"}})
	wantStatus(t, p, http.StatusSeeOther)
	wantContains(t, b.get("/account"), "密码已修改")
	e.browser().login("agency-a", "new-password-2026")
}

func TestAuditPageFiltersAndFormats(t *testing.T) {
	e := newEnv(t)
	e.admin()
	e.registerOrg(auth.OrgAgency, "agency-a", "甲咨询有限公司", "91620102MA71XK3L0")
	e.browser().login("agency-a", testPassword)
	b := e.browser()
	b.login("admin", testPassword)

	p := b.get("/audit")
	wantStatus(t, p, http.StatusOK)
	wantContains(t, p, "agency-a", "admin", "user.login", "登录成功", "共 <strong class=\"num\">2</strong> 条")
	if !regexp.MustCompile(`<time datetime="[^"]+(\+|&#43;)08:00">20\d\d-\d\d-\d\d \d\d:\d\d</time>`).MatchString(p.Body) {
		t.Error("audit times are not shown as 2006-01-02 15:04 in UTC+8")
	}

	p = b.get("/audit?actor=agency-a")
	wantContains(t, p, "共 <strong class=\"num\">1</strong> 条")
	p = b.get("/audit?action=token.")
	wantContains(t, p, "没有符合筛选条件的记录")
	p = b.get("/audit?from=2000-01-01&to=2000-01-02")
	wantContains(t, p, "没有符合筛选条件的记录")
	p = b.get("/audit?from=yesterday")
	wantStatus(t, p, http.StatusBadRequest)
	wantContains(t, p, "日期格式应为 2026-11-26", `value="yesterday"`)
}

func TestErrorPagesAreChinese(t *testing.T) {
	e := newEnv(t)
	e.App.Handle(web.Route{Method: http.MethodGet, Path: "/test-panic", Access: web.Public(), Page: true,
		Handler: func(*gin.Context) { panic("boom") }})
	b := e.browser()
	p := b.get("/test-panic")
	wantStatus(t, p, http.StatusInternalServerError)
	wantContains(t, p, "<h1>服务器内部错误</h1>", "请求编号", p.Header.Get("X-Request-ID"))
	wantNotContains(t, p, "boom")

	p = b.postRaw("/logout", url.Values{})
	wantStatus(t, p, http.StatusUnauthorized)
	wantContains(t, p, "<h1>请先登录</h1>", `href="/login"`)

	p = b.get("/no-such-page")
	wantStatus(t, p, http.StatusNotFound)
	wantContains(t, p, "<h1>页面不存在</h1>", "请求编号", testSite)
	p = b.get("/static/no-such-file.js")
	wantStatus(t, p, http.StatusNotFound)
	wantContains(t, p, "<h1>页面不存在</h1>")
}

var (
	assetRe       = regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`)
	inlineScript  = regexp.MustCompile(`<script(?:\s[^>]*)?>`)
	inlineHandler = regexp.MustCompile(`\son[a-z]+=`)
)

// The CSP allows only this origin's scripts and styles, with no inline
// code: every page must do without inline scripts, styles and handlers.
func TestPagesNeedNoInlineScriptOrStyle(t *testing.T) {
	e := newEnv(t)
	e.admin()
	e.putItem("HP-001", "环境影响评价", registry.StagePlanning, true)
	b := e.browser()
	var pages []page
	for _, path := range []string{"/", "/catalog", "/login", "/register", "/no-such-page"} {
		pages = append(pages, b.get(path))
	}
	b.login("admin", testPassword)
	for _, path := range []string{"/workspace", "/account", "/admin/users", "/admin/orgs", "/admin/regulators/new", "/audit"} {
		pages = append(pages, b.get(path))
	}
	for _, p := range pages {
		if strings.Contains(p.Body, "ZgotmplZ") {
			t.Errorf("html/template rejected a value in an attribute:\n%s", p.Body)
		}
		if strings.Contains(p.Body, "style=") || strings.Contains(p.Body, "<style") {
			t.Errorf("inline style in page:\n%s", p.Body)
		}
		if inlineHandler.MatchString(p.Body) {
			t.Errorf("inline event handler in page:\n%s", p.Body)
		}
		for _, tag := range inlineScript.FindAllString(p.Body, -1) {
			if !strings.Contains(tag, `src="/static/`) {
				t.Errorf("inline script %s", tag)
			}
		}
	}

	assets := assetRe.FindAllStringSubmatch(pages[0].Body, -1)
	if len(assets) < 4 {
		t.Fatalf("layout links %d static files, want css, js, htmx and icon", len(assets))
	}
	for _, m := range assets {
		ref := strings.ReplaceAll(m[1], "&amp;", "&")
		p := b.get(ref)
		wantStatus(t, p, http.StatusOK)
		if cc := p.Header.Get("Cache-Control"); !strings.Contains(cc, "max-age=31536000") {
			t.Errorf("%s: Cache-Control %q", ref, cc)
		}
		if ct := p.Header.Get("Content-Type"); ct == "" || strings.HasPrefix(ct, "text/html") {
			t.Errorf("%s: Content-Type %q", ref, ct)
		}
		req, _ := http.NewRequest(http.MethodGet, e.URL+ref, nil)
		req.Header.Set("If-None-Match", p.Header.Get("ETag"))
		if got := b.do(req); got.Status != http.StatusNotModified {
			t.Errorf("%s: conditional request status %d, want 304", ref, got.Status)
		}
	}
}
