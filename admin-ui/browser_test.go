package adminui_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/registry"
)

// These tests drive Debian's Chromium through the real forms: what a person
// does, including the CSP, the static files and the confirmation dialogs.

const chromiumPath = "/usr/bin/chromium"

// screenshotDir is docs/screenshots at the repository root.
var screenshotDir = filepath.Join("..", "docs", "screenshots")

// newBrowserTab starts a fresh headless Chromium with its own profile and
// returns a tab. Without Chromium the test skips, unless CI requires it.
func newBrowserTab(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("AGENCYHALL_REQUIRE_BROWSER") == "1" {
			t.Fatalf("AGENCYHALL_REQUIRE_BROWSER=1 but %s is missing: install it (apt-get install -y chromium)", chromiumPath)
		}
		t.Skipf("browser test skipped: %s not found (install Chromium, or set AGENCYHALL_REQUIRE_BROWSER=1 to make this a failure)", chromiumPath)
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("lang", "zh-CN"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 860),
	)
	ctx, cancelTab := chromedp.NewContext(alloc)
	ctx, cancelTimeout := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancelTab(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("browser: %v", err)
	}
}

// submit clicks a submit button and waits for the page it leads to.
func submit(t *testing.T, ctx context.Context, button string) int64 {
	t.Helper()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(button)))
	if err != nil {
		t.Fatalf("submit %s: %v", button, err)
	}
	return resp.Status
}

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("read %s: %v", sel, err)
	}
	return s
}

func location(t *testing.T, ctx context.Context) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// screenshot saves the page to docs/screenshots when asked to; the files
// document the UI and are refreshed deliberately, not by every test run.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	if os.Getenv("AGENCYHALL_UPDATE_SCREENSHOTS") != "1" {
		return
	}
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // 100: PNG
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.MkdirAll(screenshotDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(screenshotDir, name), buf, 0o644); err != nil {
		t.Fatal(err)
	}
}

// wantCleanPage checks what only a browser shows: the scripts loaded under
// the CSP, and nothing injected an inline <style> (which the CSP blocks).
func wantCleanPage(t *testing.T, ctx context.Context) {
	t.Helper()
	ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof htmx === "object" && document.querySelectorAll("style").length === 0`))
	if err != nil || !ok {
		t.Errorf("htmx not loaded or an inline <style> present (CSP): %v", err)
	}
}

func fill(fields map[string]string) chromedp.Action[chromedp.Void] {
	return func(c context.Context, tgt *chromedp.Target) (chromedp.Void, error) {
		for id, v := range fields {
			if _, err := chromedp.SetValue(chromedp.ID(id), v)(c, tgt); err != nil {
				return chromedp.Void{}, err
			}
		}
		return chromedp.Void{}, nil
	}
}

// browserSite is the deployment name in the browser tests, so the
// screenshots in docs/ look like a real deployment.
const browserSite = "兰州市网上中介服务超市"

func TestBrowserRegisterLoginWorkspace(t *testing.T) {
	e := newEnvNamed(t, browserSite)
	for i, it := range []struct {
		name  string
		stage registry.Stage
	}{
		{"节能评估报告编制", registry.StageInitiation}, {"地质灾害危险性评估", registry.StageLandUse},
		{"环境影响评价报告书编制", registry.StagePlanning}, {"施工图设计文件审查", registry.StageConstruction},
		{"防雷装置检测", registry.StageCompletion}, {"竣工测量", registry.StageCompletion},
	} {
		e.putItem(fmt.Sprintf("ZJ-%03d", i+1), it.name, it.stage, true)
	}
	e.registerOrg(auth.OrgOwner, "owner-a", "兰州新区城市发展投资集团有限公司", "91620104MA73QC7T2")
	ctx := newBrowserTab(t)

	do(t, ctx, chromedp.Navigate(e.URL+"/"))
	if got := text(t, ctx, "h1"); got != browserSite {
		t.Errorf("home heading %q", got)
	}
	if got := text(t, ctx, ".stats"); !strings.Contains(got, "已入驻中介机构") || !strings.Contains(got, "进入选取大厅") {
		t.Errorf("home figures: %q", got)
	}
	wantCleanPage(t, ctx)
	screenshot(t, ctx, "home.png")

	// Register an agency through the form.
	do(t, ctx, chromedp.Navigate(e.URL+"/register"))
	code := uscc(t, "91620102MA71XK3L0")
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`input[name=kind][value=agency]`)),
		fill(map[string]string{"f-org_name": "甘肃陇原工程咨询有限公司", "f-uscc": code, "f-region": "620103",
			"f-contact": "李静", "f-phone": "0931-8765432", "f-email": "lijing@example.cn"}),
		chromedp.SendKeys(chromedp.ID("f-login"), "lijing"),
		chromedp.SendKeys(chromedp.ID("f-name"), "李静"),
		chromedp.SendKeys(chromedp.ID("f-password"), testPassword),
	)
	submit(t, ctx, `form[action="/register"] button[type=submit]`)
	if got := text(t, ctx, ".flash"); !strings.Contains(got, "注册成功") {
		t.Fatalf("after registration: flash %q at %s", got, location(t, ctx))
	}
	if n, _ := e.Auth.CountOrgs(context.Background(), auth.OrgAgency); n != 1 {
		t.Fatalf("agencies after registration: %d", n)
	}

	// Log in through the form: the login name is already filled in.
	do(t, ctx, chromedp.SendKeys(chromedp.ID("f-password"), testPassword))
	submit(t, ctx, `form[action="/login"] button[type=submit]`)
	if loc := location(t, ctx); !strings.HasSuffix(loc, "/workspace") {
		t.Fatalf("after login at %s", loc)
	}
	if got := text(t, ctx, "main h1"); got != "工作台" {
		t.Errorf("workspace heading %q", got)
	}
	if got := text(t, ctx, ".lead"); !strings.Contains(got, "李静") || !strings.Contains(got, "中介机构") {
		t.Errorf("workspace greeting %q", got)
	}
	if got := text(t, ctx, ".usernav"); !strings.Contains(got, "李静") || !strings.Contains(got, "退出") {
		t.Errorf("top bar %q", got)
	}
	wantCleanPage(t, ctx)
	screenshot(t, ctx, "workspace.png")

	// Log out, then a wrong password shows the Chinese error.
	submit(t, ctx, `form[action="/logout"] button`)
	if got := text(t, ctx, ".flash"); !strings.Contains(got, "您已安全退出") {
		t.Errorf("after logout: %q", got)
	}
	do(t, ctx, chromedp.Navigate(e.URL+"/login"),
		chromedp.SendKeys(chromedp.ID("f-login"), "lijing"),
		chromedp.SendKeys(chromedp.ID("f-password"), "not-the-password"))
	if status := submit(t, ctx, `form[action="/login"] button[type=submit]`); status != 401 {
		t.Errorf("wrong password: status %d", status)
	}
	if got := text(t, ctx, ".alert-error"); got != "登录名或密码错误" {
		t.Errorf("wrong password: message %q", got)
	}
	if v, _ := chromedp.Run(ctx, chromedp.Value(chromedp.ID("f-login"))); v != "lijing" {
		t.Errorf("login name not kept: %q", v)
	}
	screenshot(t, ctx, "login-error.png")
}

func TestBrowserAdminCreatesRegulator(t *testing.T) {
	e := newEnvNamed(t, browserSite)
	e.admin()
	ctx := newBrowserTab(t)

	do(t, ctx, chromedp.Navigate(e.URL+"/admin/regulators/new"))
	if loc := location(t, ctx); !strings.Contains(loc, "/login?next=") {
		t.Fatalf("anonymous admin page: at %s", loc)
	}
	do(t, ctx, chromedp.SendKeys(chromedp.ID("f-login"), "admin"), chromedp.SendKeys(chromedp.ID("f-password"), testPassword))
	submit(t, ctx, `form[action="/login"] button[type=submit]`)
	if loc := location(t, ctx); !strings.HasSuffix(loc, "/admin/regulators/new") {
		t.Fatalf("login did not return to the page asked for: %s", loc)
	}

	do(t, ctx,
		fill(map[string]string{"f-org_name": "兰州市生态环境局", "f-department": "环评审批科", "f-region": "620100"}),
		chromedp.SendKeys(chromedp.ID("f-login"), "reg-sthj"),
		chromedp.SendKeys(chromedp.ID("f-name"), "赵敏"),
		chromedp.SendKeys(chromedp.ID("f-password"), testPassword),
	)
	submit(t, ctx, `form[action="/admin/regulators"] button[type=submit]`)
	if got := text(t, ctx, ".flash"); !strings.Contains(got, "已为「兰州市生态环境局」创建监管账号 reg-sthj") {
		t.Fatalf("after creating regulator: flash %q", got)
	}
	u, err := e.Auth.GetUser(context.Background(), "reg-sthj")
	if err != nil || u.Role != auth.RoleRegulator {
		t.Fatalf("regulator account: %+v, %v", u, err)
	}

	// Disabling asks for confirmation first (static/app.js); accept it.
	dialogs := chromedp.Events(ctx, cdppage.JavascriptDialogOpening)
	asked := make(chan string, 1)
	go func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			asked <- ev.Message
			_, _ = chromedp.Call(ctx, cdppage.HandleJavaScriptDialog, cdppage.HandleJavaScriptDialogParams{Accept: true})
			return
		}
	}()
	submit(t, ctx, `form[action="/admin/users/reg-sthj/disable"] button`)
	select {
	case msg := <-asked:
		if !strings.Contains(msg, "确定停用账号 reg-sthj") {
			t.Errorf("confirmation said %q", msg)
		}
	default:
		t.Error("no confirmation dialog before disabling")
	}
	if got := text(t, ctx, ".flash"); !strings.Contains(got, "已停用账号 reg-sthj") {
		t.Errorf("after disabling: flash %q", got)
	}
	if u, _ := e.Auth.GetUser(context.Background(), "reg-sthj"); !u.Disabled {
		t.Error("account not disabled")
	}

	// With htmx the filter refreshes only the list, and the address bar
	// keeps the filter so the view can be bookmarked or reloaded.
	do(t, ctx, chromedp.Navigate(e.URL+"/admin/users"),
		chromedp.Evaluate[chromedp.Void](`window.samePage = true`),
		chromedp.SetValue(chromedp.ID("f-q"), "nobody"),
		chromedp.Click(chromedp.CSS(`form.filters button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS("#listing .empty")))
	if got := text(t, ctx, "#listing .empty"); !strings.Contains(got, "没有符合筛选条件的账号") {
		t.Errorf("filtered list: %q", got)
	}
	if loc := location(t, ctx); !strings.Contains(loc, "/admin/users?q=nobody") {
		t.Errorf("filter not in the address: %s", loc)
	}
	if same, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.samePage === true`)); !same {
		t.Error("the filter reloaded the whole page instead of the list")
	}
}
