package adminui_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/agencyhall/agencyhall/audit"
	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/oidclogin"
	"github.com/agencyhall/agencyhall/oidclogin/oidctest"
)

// Login through a unified identity platform (统一身份认证) over HTTP: a
// real OpenID provider runs in-process (oidctest), the site verifies its
// tokens with go-oidc, and these tests walk the pages as a browser would.

// newOIDCEnv runs a site whose login goes through a fresh provider with
// the given accounts.
func newOIDCEnv(t *testing.T, users ...oidctest.User) (*env, *oidctest.Provider) {
	t.Helper()
	return newOIDCEnvNamed(t, testSite, users...)
}

func newOIDCEnvNamed(t *testing.T, siteName string, users ...oidctest.User) (*env, *oidctest.Provider) {
	t.Helper()
	var p *oidctest.Provider
	testOIDC = func(site string) *oidclogin.Client {
		callback := site + oidclogin.CookiePath + "/callback"
		p = oidctest.New(t, callback, users...)
		c, err := oidclogin.New(oidclogin.Config{Issuer: p.URL, ClientID: p.ClientID, ClientSecret: p.ClientSecret, RedirectURL: callback})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	defer func() { testOIDC = nil }()
	return newEnvNamed(t, siteName), p
}

// oidcLogin clicks the button on the login page, signs in at the provider
// and follows it back to the site's callback, returning the callback's
// answer.
func (b *browser) oidcLogin(p *oidctest.Provider, username, password, next string) page {
	b.e.t.Helper()
	login := b.get("/login?next=" + url.QueryEscape(next))
	href := "/login/oidc"
	if next != "" {
		href += "?next=" + url.QueryEscape(next)
	}
	wantContains(b.e.t, login, `id="oidc-login" href="`+strings.ReplaceAll(href, "&", "&amp;")+`"`, "统一身份认证登录")
	start := b.get(href)
	wantStatus(b.e.t, start, http.StatusSeeOther)
	back, err := p.Login(context.Background(), start.Header.Get("Location"), username, password)
	if err != nil {
		b.e.t.Fatal(err)
	}
	if !strings.HasPrefix(back, b.e.URL+"/login/oidc/callback?") {
		b.e.t.Fatalf("the provider sent the browser to %s", back)
	}
	return b.get(strings.TrimPrefix(back, b.e.URL))
}

func wantRedirect(t *testing.T, p page, to string) {
	t.Helper()
	if p.Status != http.StatusSeeOther || p.Header.Get("Location") != to {
		t.Fatalf("status %d to %q, want 303 to %q\n%s", p.Status, p.Header.Get("Location"), to, p.Body)
	}
}

func (e *env) auditActions(action string) []audit.Record {
	e.t.Helper()
	recs, _, err := e.Audit.List(context.Background(), audit.Filter{Action: action})
	if err != nil {
		e.t.Fatal(err)
	}
	return recs
}

func TestOIDCOffByDefault(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	wantNotContains(t, b.get("/login"), "统一身份认证", "oidc-login")
	wantStatus(t, b.get("/login/oidc"), http.StatusNotFound)
	wantStatus(t, b.get("/login/oidc/callback?code=x&state=y"), http.StatusNotFound)
}

// TestOIDCFirstLoginCreatesOrganisation: an identity whose credit code is
// new here sees the confirmation page — nothing exists yet — creates its
// organisation and account there, and from then on logs straight in.
func TestOIDCFirstLoginCreatesOrganisation(t *testing.T) {
	code := uscc(t, "91620102MA7QWE3R1")
	e, p := newOIDCEnv(t, oidctest.User{Subject: "tyrz-5001", Username: "zhaomin", Password: "idp-secret-1", Name: "赵敏",
		Email: "zhaomin@example.cn", USCC: code})
	b := e.browser()
	ctx := context.Background()

	back := b.oidcLogin(p, "zhaomin", "idp-secret-1", "/my/projects")
	wantRedirect(t, back, "/login/oidc/confirm")
	confirm := b.get("/login/oidc/confirm")
	wantStatus(t, confirm, http.StatusOK)
	wantContains(t, confirm, "确认统一身份认证登录", "赵敏", code, "新建单位账号", "关联本平台已有账号", `value="zhaomin"`, `value="620100"`)
	if n, _ := e.Auth.CountOrgs(ctx, ""); n != 0 {
		t.Fatalf("%d organisations before the confirmation", n)
	}

	// A form error keeps the input and shows it beside the field.
	bad := b.post("/login/oidc/register", url.Values{"kind": {"owner"}, "org_name": {""}, "region": {"620102"}, "login": {"zhaomin"}, "name": {"赵敏"}})
	wantStatus(t, bad, http.StatusBadRequest)
	wantContains(t, bad, "请填写单位名称", `value="620102"`)

	done := b.post("/login/oidc/register", url.Values{"kind": {"owner"}, "org_name": {"兰州新区统一认证建设有限公司"}, "region": {"620102"},
		"contact": {"赵敏"}, "phone": {"0931-7654321"}, "email": {"zhaomin@example.cn"}, "login": {"zhaomin"}, "name": {"赵敏"},
		// A credit code typed into the form is ignored: only the platform's counts.
		"uscc": {uscc(t, "91620102MA7QWE3R2")}})
	wantRedirect(t, done, "/my/projects")
	org, err := e.Auth.GetOrg(ctx, auth.OrgID(auth.OrgOwner, code))
	if err != nil || org.Name != "兰州新区统一认证建设有限公司" || org.Region != "620102" {
		t.Fatalf("organisation %+v %v", org, err)
	}
	if n, _ := e.Auth.CountOrgs(ctx, ""); n != 1 {
		t.Fatalf("%d organisations", n)
	}
	ws := b.get("/workspace")
	wantStatus(t, ws, http.StatusOK)
	wantContains(t, ws, "赵敏", "已新建项目业主「兰州新区统一认证建设有限公司」")
	acct := b.get("/account")
	wantContains(t, acct, "没有设置密码", "tyrz-5001", "解除关联")
	if recs := e.auditActions("user.oidc_register"); len(recs) != 1 || recs[0].ActorID != "zhaomin" || !strings.Contains(recs[0].Summary, code) {
		t.Fatalf("audit: %+v", recs)
	}
	// The held identity is gone: the confirmation cannot be replayed.
	wantStatus(t, b.get("/login/oidc/confirm"), http.StatusBadRequest)

	// Log out; the next login through the platform goes straight in.
	b.post("/logout", nil)
	again := b.oidcLogin(p, "zhaomin", "idp-secret-1", "")
	wantRedirect(t, again, "/workspace")
	wantContains(t, b.get("/workspace"), "赵敏")
	logins := e.auditActions("user.login")
	if len(logins) != 1 || logins[0].ActorID != "zhaomin" || !strings.Contains(logins[0].Summary, "统一身份认证") {
		t.Fatalf("login audit: %+v", logins)
	}
	// The password form knows no password for this account.
	b2 := e.browser()
	b2.get("/login")
	wantStatus(t, b2.post("/login", url.Values{"login": {"zhaomin"}, "password": {"idp-secret-1"}}), http.StatusUnauthorized)
}

// TestOIDCLinkExistingAccount: the credit code belongs to a registered
// agency, so the platform's word does not make a new user of it; the
// person links the agency's existing account by its password.
func TestOIDCLinkExistingAccount(t *testing.T) {
	stem := "91620102MA71XK3L0"
	e, p := newOIDCEnv(t,
		oidctest.User{Subject: "tyrz-7001", Username: "lijing", Password: "idp-secret-2", Name: "李静", USCC: uscc(t, stem)},
		oidctest.User{Subject: "tyrz-7002", Username: "outsider", Password: "idp-secret-3", Name: "冒名者", USCC: uscc(t, stem)})
	e.registerOrg(auth.OrgAgency, "agency-a", "甘肃陇原工程咨询有限公司", stem)
	e.registerOrg(auth.OrgOwner, "owner-b", "兰州城市建设投资有限公司", "91620104MA73QC7T2")
	ctx := context.Background()

	b := e.browser()
	wantRedirect(t, b.oidcLogin(p, "lijing", "idp-secret-2", ""), "/login/oidc/confirm")
	confirm := b.get("/login/oidc/confirm")
	wantContains(t, confirm, "已在本平台注册", "中介机构「甘肃陇原工程咨询有限公司」", "为防止他人冒用单位身份")
	// Only an owner of that code could still be created; the agency could not.
	wantContains(t, confirm, `name="kind" value="owner"`)
	wantNotContains(t, confirm, `name="kind" value="agency"`)

	// The platform's code decides which organisation's accounts qualify.
	other := b.post("/login/oidc/link", url.Values{"link_login": {"owner-b"}, "link_password": {testPassword}})
	wantStatus(t, other, http.StatusForbidden)
	wantContains(t, other, "与该账号所属单位不一致")
	wrong := b.post("/login/oidc/link", url.Values{"link_login": {"agency-a"}, "link_password": {"not-the-password"}})
	wantStatus(t, wrong, http.StatusUnauthorized)
	wantContains(t, wrong, "登录名或密码错误", `value="agency-a"`)
	wantNotContains(t, wrong, "not-the-password")
	// Neither attempt left a session.
	if got := b.get("/workspace"); got.Status != http.StatusSeeOther {
		t.Fatalf("logged in after refused links: %d", got.Status)
	}

	ok := b.post("/login/oidc/link", url.Values{"link_login": {"agency-a"}, "link_password": {testPassword}})
	wantRedirect(t, ok, "/workspace")
	wantContains(t, b.get("/workspace"), "测试agency-a")
	if recs := e.auditActions("user.oidc_link"); len(recs) != 1 || recs[0].ActorID != "agency-a" {
		t.Fatalf("audit: %+v", recs)
	}
	b.post("/logout", nil)
	wantRedirect(t, b.oidcLogin(p, "lijing", "idp-secret-2", ""), "/workspace")

	// Someone else at the platform with the same credit code gets nothing
	// without the password: no organisation, no user.
	o := e.browser()
	wantRedirect(t, o.oidcLogin(p, "outsider", "idp-secret-3", ""), "/login/oidc/confirm")
	if n, _ := e.Auth.CountOrgs(ctx, ""); n != 2 {
		t.Fatalf("%d organisations", n)
	}
	if got := o.get("/workspace"); got.Status != http.StatusSeeOther {
		t.Fatalf("the outsider is logged in: %d", got.Status)
	}

	// A disabled account cannot log in through the platform either.
	e.admin()
	a := e.browser()
	a.login("admin", testPassword)
	a.get("/admin/users")
	wantStatus(t, a.post("/admin/users/agency-a/disable", nil), http.StatusSeeOther)
	refused := e.browser().oidcLogin(p, "lijing", "idp-secret-2", "")
	wantStatus(t, refused, http.StatusForbidden)
	wantContains(t, refused, "账号已停用", `href="/login"`)
}

// TestOIDCRefusals: every way the callback, the confirmation and the
// provider can go wrong ends on a Chinese page that leads back to the
// login, and logs nobody in.
func TestOIDCRefusals(t *testing.T) {
	e, p := newOIDCEnv(t, oidctest.User{Subject: "tyrz-8001", Username: "wang", Password: "idp-secret-4", Name: "王建国"})
	b := e.browser()

	for _, tc := range []struct{ name, path, want string }{
		{"a callback nobody started", "/login/oidc/callback?code=abc&state=def", "登录请求已过期"},
		{"the person cancelled at the provider", "/login/oidc/callback?error=access_denied&state=x", "取消了登录"},
		{"a confirmation without an identity", "/login/oidc/confirm", "确认页面已过期"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := b.get(tc.path)
			wantStatus(t, got, http.StatusBadRequest)
			wantContains(t, got, tc.want, "统一身份认证登录未完成", `href="/login"`)
		})
	}
	b.get("/login")
	wantStatus(t, b.post("/login/oidc/link", url.Values{"link_login": {"x"}, "link_password": {"y"}}), http.StatusBadRequest)
	wantStatus(t, b.post("/login/oidc/register", url.Values{"kind": {"owner"}}), http.StatusBadRequest)

	// A state from somewhere else: the browser's own login is refused.
	start := b.get("/login/oidc")
	back, err := p.Login(context.Background(), start.Header.Get("Location"), "wang", "idp-secret-4")
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(back)
	q := u.Query()
	q.Set("state", "forged")
	u.RawQuery = q.Encode()
	forged := b.get(u.RequestURI())
	wantStatus(t, forged, http.StatusBadRequest)
	wantContains(t, forged, "不一致")

	// Without a credit code the identity can only link an account.
	wantRedirect(t, b.oidcLogin(p, "wang", "idp-secret-4", ""), "/login/oidc/confirm")
	confirm := b.get("/login/oidc/confirm")
	wantContains(t, confirm, "未提供单位的统一社会信用代码", "关联本平台已有账号")
	wantNotContains(t, confirm, `action="/login/oidc/register"`)
	wantStatus(t, b.post("/login/oidc/register", url.Values{"kind": {"owner"}, "org_name": {"某公司"}, "region": {"620100"},
		"login": {"wang"}, "name": {"王建国"}}), http.StatusBadRequest)
	if n, _ := e.Auth.CountOrgs(context.Background(), ""); n != 0 {
		t.Fatalf("%d organisations", n)
	}
	if len(e.auditActions("user.login"))+len(e.auditActions("user.oidc_register")) != 0 {
		t.Fatal("a refused login was audited as a success")
	}
}

// TestOIDCProviderDown: a provider that cannot be reached shows a page
// that says so; the password login still works.
func TestOIDCProviderDown(t *testing.T) {
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	testOIDC = func(site string) *oidclogin.Client {
		c, err := oidclogin.New(oidclogin.Config{Issuer: dead.URL, ClientID: "x", ClientSecret: "y", RedirectURL: site + "/login/oidc/callback"})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	e := newEnv(t)
	testOIDC = nil
	e.registerOrg(auth.OrgOwner, "owner-a", "兰州新区城市发展投资集团有限公司", "91620104MA73QC7T2")
	b := e.browser()
	down := b.get("/login/oidc")
	wantStatus(t, down, http.StatusServiceUnavailable)
	wantContains(t, down, "统一身份认证平台暂时无法访问", "使用账号密码登录")
	b.login("owner-a", testPassword)
}

// TestOIDCUnlink: a user removes a linked identity on the account page; an
// account made through the platform keeps its only way in.
func TestOIDCUnlink(t *testing.T) {
	stem := "91620102MA71XK3L0"
	e, p := newOIDCEnv(t, oidctest.User{Subject: "tyrz-9001", Username: "lijing", Password: "idp-secret-5", Name: "李静", USCC: uscc(t, stem)})
	e.registerOrg(auth.OrgAgency, "agency-a", "甘肃陇原工程咨询有限公司", stem)
	b := e.browser()
	wantRedirect(t, b.oidcLogin(p, "lijing", "idp-secret-5", ""), "/login/oidc/confirm")
	b.get("/login/oidc/confirm")
	wantRedirect(t, b.post("/login/oidc/link", url.Values{"link_login": {"agency-a"}, "link_password": {testPassword}}), "/workspace")
	acct := b.get("/account")
	wantContains(t, acct, "李静", "tyrz-9001", "解除关联")
	id := auth.IdentityLinkID(p.URL, "tyrz-9001")
	wantRedirect(t, b.post("/account/identities/"+id+"/unlink", nil), "/account#identities")
	wantContains(t, b.get("/account"), "已解除关联", "尚未关联统一身份认证身份")
	if recs := e.auditActions("user.oidc_unlink"); len(recs) != 1 {
		t.Fatalf("audit: %+v", recs)
	}
	b.post("/logout", nil)
	wantRedirect(t, b.oidcLogin(p, "lijing", "idp-secret-5", ""), "/login/oidc/confirm")
}
