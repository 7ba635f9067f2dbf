package adminui_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/oidclogin/oidctest"
)

// TestBrowserOIDCLogin: a person logs in through the unified identity
// platform in Chromium — the button on the login page, the provider's own
// login page, the confirmation of a first login — and lands in the
// workspace; the next login through the platform goes straight in.
func TestBrowserOIDCLogin(t *testing.T) {
	code := uscc(t, "91620103MA72PB6R1")
	e, p := newOIDCEnvNamed(t, browserSite, oidctest.User{Subject: "tyrz-62010001", Username: "wangjg", Password: "idp-pass-2026",
		Name: "王建国", Email: "wangjg@example.cn", USCC: code})
	ctx := newBrowserTab(t)

	// The login page offers the platform beside the password form.
	do(t, ctx, chromedp.Navigate(e.URL+"/login"))
	if got := text(t, ctx, "#oidc-login"); got != "统一身份认证登录" {
		t.Fatalf("login button %q", got)
	}
	wantCleanPage(t, ctx)
	screenshot(t, ctx, "login-oidc.png")

	signIn := func() {
		t.Helper()
		if status := submit(t, ctx, "#oidc-login"); status != 200 {
			t.Fatalf("the provider's login page: status %d at %s", status, location(t, ctx))
		}
		if loc := location(t, ctx); !strings.HasPrefix(loc, p.URL+"/login/username") {
			t.Fatalf("not at the provider: %s", loc)
		}
		do(t, ctx, chromedp.SendKeys(chromedp.ID("username"), "wangjg"), chromedp.SendKeys(chromedp.ID("password"), "idp-pass-2026"))
		submit(t, ctx, "#idp-submit")
	}

	// First login: the provider vouches for 王建国 of a credit code that is
	// new here, so the site asks before it creates anything.
	signIn()
	if loc := location(t, ctx); loc != e.URL+"/login/oidc/confirm" {
		t.Fatalf("after the provider: at %s", loc)
	}
	if got := text(t, ctx, "main h1"); got != "确认统一身份认证登录" {
		t.Errorf("confirmation heading %q", got)
	}
	if got := text(t, ctx, "#oidc-name"); got != "王建国" {
		t.Errorf("name %q", got)
	}
	if got := text(t, ctx, "#oidc-uscc"); got != code {
		t.Errorf("credit code %q", got)
	}
	if n, _ := e.Auth.CountOrgs(context.Background(), ""); n != 0 {
		t.Fatalf("%d organisations before the confirmation", n)
	}
	if v, _ := chromedp.Run(ctx, chromedp.Value(chromedp.ID("f-login"))); v != "wangjg" {
		t.Errorf("suggested login name %q", v)
	}
	wantCleanPage(t, ctx)
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`input[name=kind][value=agency]`)),
		fill(map[string]string{"f-org_name": "甘肃陇原统一认证咨询有限公司", "f-region": "620103", "f-contact": "王建国", "f-phone": "0931-8765432"}),
	)
	screenshot(t, ctx, "oidc-confirm.png")
	submit(t, ctx, "#oidc-register-submit")
	if loc := location(t, ctx); loc != e.URL+"/workspace" {
		t.Fatalf("after the confirmation: at %s (%s)", loc, text(t, ctx, "main"))
	}
	if got := text(t, ctx, ".usernav"); !strings.Contains(got, "王建国") || !strings.Contains(got, "退出") {
		t.Errorf("top bar %q", got)
	}
	if got := text(t, ctx, ".flash"); !strings.Contains(got, "已新建中介机构「甘肃陇原统一认证咨询有限公司」") {
		t.Errorf("flash %q", got)
	}
	u, err := e.Auth.GetUser(context.Background(), "wangjg")
	if err != nil || u.OrgID != auth.OrgID(auth.OrgAgency, code) || u.Role != auth.RoleAgency {
		t.Fatalf("user %+v %v", u, err)
	}

	// Log out; the second login through the platform goes straight in.
	submit(t, ctx, `form[action="/logout"] button`)
	do(t, ctx, chromedp.Navigate(e.URL+"/login?next=/account"))
	signIn()
	if loc := location(t, ctx); loc != e.URL+"/account" {
		t.Fatalf("second login: at %s", loc)
	}
	if got := text(t, ctx, "#identities"); !strings.Contains(got, "王建国") || !strings.Contains(got, "tyrz-62010001") {
		t.Errorf("linked identities %q", got)
	}
}
