package adminui_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/registry"
)

// acceptDialogs accepts every confirmation dialog of the tab and keeps
// what each one said.
func acceptDialogs(ctx context.Context) func() []string {
	var mu sync.Mutex
	var said []string
	go func() {
		for ev, err := range chromedp.Events(ctx, cdppage.JavascriptDialogOpening) {
			if err != nil {
				return
			}
			mu.Lock()
			said = append(said, ev.Message)
			mu.Unlock()
			go func() {
				_, _ = chromedp.Call(ctx, cdppage.HandleJavaScriptDialog, cdppage.HandleJavaScriptDialogParams{Accept: true})
			}()
		}
	}()
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), said...)
	}
}

// seedOtherProjects publishes two more projects a week earlier, so the
// hall (and its screenshot) shows a sign-up closing within 24 hours and
// another method.
func seedOtherProjects(t *testing.T, e *hallEnv) {
	t.Helper()
	ctx := context.Background()
	now := e.Clock.Now()
	defer e.Clock.Set(now)
	e.Clock.Set(shanghaiTime(t, "2026-11-20 10:00"))
	for _, in := range []hall.ProjectInput{
		{Name: "城关区雁滩污水处理厂扩建工程环境影响评价", Funding: hall.FundingFiscal, CeilingFen: 350_000_00, FloorFen: 200_000_00,
			Method: hall.MethodLowest, SignupDeadline: shanghaiTime(t, "2026-11-26 17:00"), OpeningTime: shanghaiTime(t, "2026-11-26 18:00")},
		{Name: "七里河区黄河风情线景观提升工程环境影响评价", Funding: hall.FundingSocial, CeilingFen: 86_500_00,
			Method: hall.MethodScoring, Weights: &hall.Weights{Price: 40, Credit: 20, Criteria: []hall.Criterion{{Name: "技术方案", Max: 40}}},
			SignupDeadline: shanghaiTime(t, "2026-12-04 17:00"), OpeningTime: shanghaiTime(t, "2026-12-04 18:00")},
	} {
		in.ItemCode, in.Region, in.TimeLimitDays = "HP-001", "620102", 20
		p, err := e.Hall.Create(ctx, e.owner, "兰州新区城市发展投资集团有限公司", in)
		if err == nil {
			_, err = e.Hall.Publish(ctx, e.owner, p.ID)
		}
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Hall.SignUp(ctx, registry.Actor{UserID: "agency-1", OrgID: e.agencies[1], Kind: registry.ActorAgency}, p.ID); err != nil {
			t.Fatal(err)
		}
	}
}

// browserLogin logs in through the form, after logging out whoever was in.
func browserLogin(t *testing.T, ctx context.Context, e *hallEnv, login string) {
	t.Helper()
	do(t, ctx, chromedp.Navigate(e.URL+"/"))
	if ok, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('form[action="/logout"]') !== null`)); ok {
		submit(t, ctx, `form[action="/logout"] button`)
	}
	do(t, ctx, chromedp.Navigate(e.URL+"/login"),
		chromedp.SendKeys(chromedp.ID("f-login"), login), chromedp.SendKeys(chromedp.ID("f-password"), testPassword))
	submit(t, ctx, `form[action="/login"] button[type=submit]`)
	if loc := location(t, ctx); !strings.HasSuffix(loc, "/workspace") {
		t.Fatalf("login %s: at %s", login, loc)
	}
}

// TestBrowserRandomDrawToContract: an owner publishes a random-draw project
// through the form, three agencies sign up on its page, the clock passes
// the deadline and the opening time, the draw runs when the page is read,
// the public verification page agrees, and the owner uploads the contract.
func TestBrowserRandomDrawToContract(t *testing.T) {
	e := newHallEnvNamed(t, browserSite, 3)
	ctx := newBrowserTab(t)
	dialogs := acceptDialogs(ctx)

	browserLogin(t, ctx, e, "owner-a")
	do(t, ctx, chromedp.Navigate(e.URL+"/projects/new"),
		fill(map[string]string{"f-name": "兰州新区综合管廊一期工程环境影响评价", "f-investment_code": "2026-620171-48-01-000123",
			"f-item_code": "HP-001", "f-ceiling": "180000.00", "f-time_limit_days": "25",
			"f-scope": "编制环境影响报告书，配合生态环境部门技术评估和审批。"}),
		chromedp.Click(chromedp.CSS(`input[name=method][value=random]`)),
		chromedp.Click(chromedp.CSS(`input[name=funding][value=fiscal]`)))
	submit(t, ctx, `form[action="/projects"] button[type=submit]`)
	if got := text(t, ctx, ".flash"); !strings.Contains(got, "项目草稿已保存") {
		t.Fatalf("after create: %q at %s", got, location(t, ctx))
	}
	projectURL := location(t, ctx)
	id := projectURL[strings.LastIndex(projectURL, "/")+1:]
	submit(t, ctx, `form[action$="/publish"] button`)
	if got := text(t, ctx, ".flash"); !strings.Contains(got, "公告已发布") {
		t.Fatalf("after publish: %q", got)
	}
	if said := dialogs(); len(said) == 0 || !strings.Contains(said[len(said)-1], "发布后公告立即公开") {
		t.Errorf("publish confirmation: %q", said)
	}
	wantCleanPage(t, ctx)

	// Three agencies sign up on the project page.
	for _, login := range []string{"agency-0", "agency-1", "agency-2"} {
		browserLogin(t, ctx, e, login)
		do(t, ctx, chromedp.Navigate(projectURL))
		submit(t, ctx, `form[action$="/signup"] button`)
		if got := text(t, ctx, ".flash"); !strings.Contains(got, "报名成功") {
			t.Fatalf("%s sign-up: %q", login, got)
		}
	}
	seedOtherProjects(t, e)
	do(t, ctx, chromedp.Navigate(e.URL+"/hall"))
	if got := text(t, ctx, ".hall-table tbody"); !strings.Contains(got, "3 家") || !strings.Contains(got, "报名中") {
		t.Errorf("hall row: %q", got)
	}
	// The countdown runs against the server's (injected) clock.
	if got := text(t, ctx, ".hall-table .countdown"); !strings.HasPrefix(got, "剩余 7 天") {
		t.Errorf("countdown %q", got)
	}
	screenshot(t, ctx, "hall.png")

	// Past the deadline and the opening time: reading the page opens it.
	e.Clock.Set(shanghaiTime(t, "2026-12-03 18:00"))
	do(t, ctx, chromedp.Navigate(projectURL))
	if got := text(t, ctx, ".project-meta .badge"); got != "公示中" {
		t.Errorf("badge after the opening: %q", got)
	}
	if got := text(t, ctx, ".result-box"); !strings.Contains(got, "中选机构") {
		t.Errorf("result: %q", got)
	}
	p, err := e.Hall.Get(context.Background(), e.owner, id)
	if err != nil || p.State != hall.StatePublicity || len(p.Opening.Outcome.Draws) != 1 {
		t.Fatalf("after opening: %v %v", p.State, err)
	}

	do(t, ctx, chromedp.Navigate(projectURL+"/verify"))
	if got := text(t, ctx, ".draw h3 .verdict"); got != "✓ 一致" {
		t.Errorf("verification: %q", got)
	}
	if bad, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll(".verdict-bad").length`)); bad != 0 {
		t.Errorf("%d failed checks on the verification page", bad)
	}
	if got := text(t, ctx, ".command"); !strings.Contains(got, "agencyhall verify-draw --url "+e.URL+" --project "+id) {
		t.Errorf("CLI command: %q", got)
	}

	// Publicity ends; the owner uploads the signed contract.
	e.Clock.Set(shanghaiTime(t, "2026-12-09 10:00"))
	if _, err := e.Hall.AdvanceAll(context.Background()); err != nil {
		t.Fatal(err)
	}
	pdf := filepath.Join(t.TempDir(), "服务合同.pdf")
	if err := os.WriteFile(pdf, []byte(testPDF), 0o600); err != nil {
		t.Fatal(err)
	}
	browserLogin(t, ctx, e, "owner-a")
	do(t, ctx, chromedp.Navigate(projectURL),
		fill(map[string]string{"f-amount": "180000.00", "f-signed_on": "2026-12-09"}),
		chromedp.SetUploadFiles(chromedp.ID("f-contract-file"), []string{pdf}))
	submit(t, ctx, `form[action$="/contract"] button[type=submit]`)
	if got := text(t, ctx, ".flash"); !strings.Contains(got, "合同已登记") {
		t.Fatalf("after the contract: %q", got)
	}
	if got := text(t, ctx, "#contract-heading + .facts"); !strings.Contains(got, "服务合同.pdf") || !strings.Contains(got, "¥180,000.00") {
		t.Errorf("contract facts: %q", got)
	}
	if got := text(t, ctx, ".project-meta .badge"); got != "服务中" {
		t.Errorf("badge after the contract: %q", got)
	}
	wantCleanPage(t, ctx)
	screenshot(t, ctx, "project.png")
}
