package adminui_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/scoring"
)

// seedSupervision gives the site a history worth a chart: daily scores of
// the past months, a commendation, two findings of false materials (grade
// D, a red card) and an old unaccepted complaint (a yellow card).
func seedSupervision(t *testing.T, e *hallEnv) {
	t.Helper()
	ctx := context.Background()
	now := e.Clock.Now()
	defer e.Clock.Set(now)
	reg := registry.Actor{UserID: "reg-a", Kind: registry.ActorRegulator}
	steps := []struct {
		at  string
		act func()
	}{
		{"2026-06-01 02:00", nil},
		{"2026-07-15 10:00", func() {
			if err := e.Scoring.RecordDecision(ctx, reg, e.agencies[1], scoring.EventCommendation, "", "防汛抢险中主动提供技术服务"); err != nil {
				t.Fatal(err)
			}
		}},
		{"2026-09-03 10:00", func() {
			for _, note := range []string{"投标文件中业绩合同系伪造", "与其他机构串通报价"} {
				if err := e.Scoring.RecordDecision(ctx, reg, e.agencies[2], scoring.EventFalseMaterials, "", note); err != nil {
					t.Fatal(err)
				}
			}
		}},
		{"2026-10-10 02:00", nil},
		{"2026-11-20 10:00", func() {
			if _, err := e.Scoring.FileComplaint(ctx, registry.Actor{}, scoring.ComplaintInput{Name: "李四", Phone: "13900002222",
				TargetID: e.agencies[1], Subject: "服务超期未交付", Details: "合同约定 20 天交付，至今未交付成果，也未说明原因。"}); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, s := range steps {
		e.Clock.Set(shanghaiTime(t, s.at))
		if s.act != nil {
			s.act()
		}
		if _, err := e.Scoring.RunScoring(ctx, e.Clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	e.Clock.Set(now)
	if _, err := e.Scoring.RunScoring(ctx, now); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Scoring.RunAlerts(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestBrowserPublicComplaintLowersScore: a visitor files a complaint from
// the agency's public page without logging in, a regulator substantiates it
// (severity 一般) through the pages, an admin runs the scoring job from the
// jobs page, and the agency's public profile shows 95.0 with the line item.
func TestBrowserPublicComplaintLowersScore(t *testing.T) {
	e := newHallEnvNamed(t, browserSite, 3)
	seedSupervision(t, e)
	e.admin()
	e.startJobs(t)
	ctx := newBrowserTab(t)
	dialogs := acceptDialogs(ctx)
	profile := e.URL + "/agencies/" + e.agencies[0]

	// The public: from the profile's link, no login.
	do(t, ctx, chromedp.Navigate(profile))
	if got := text(t, ctx, ".score-value"); got != "100.0分" {
		t.Errorf("score before: %q", got)
	}
	do(t, ctx, chromedp.Click(chromedp.ID("complain-link")), chromedp.WaitVisible(chromedp.ID("f-subject")))
	if v, _ := chromedp.Run(ctx, chromedp.Value(chromedp.ID("f-target"))); v != "甘肃陇原环境工程咨询有限公司" {
		t.Errorf("target not prefilled: %q", v)
	}
	do(t, ctx, fill(map[string]string{"f-subject": "环评报告监测数据与现场不符",
		"f-details": "报告所附监测点位照片与项目现场不一致，怀疑数据并非实测。", "f-name": "王小明", "f-phone": "13800001234"}))
	submit(t, ctx, `form[action="/complaints"] button[type=submit]`)
	id := text(t, ctx, "#complaint-no")
	if !strings.HasPrefix(id, "TS2026") {
		t.Fatalf("confirmation: %q at %s", id, location(t, ctx))
	}
	wantCleanPage(t, ctx)

	// The regulator accepts, investigates and substantiates it.
	browserLogin(t, ctx, e, "reg-a")
	do(t, ctx, chromedp.Navigate(e.URL+"/supervise/complaints"),
		chromedp.Click(chromedp.CSS(`a[href="/supervise/complaints/`+id+`"]`)), chromedp.WaitVisible(chromedp.CSS(".identity")))
	if got := text(t, ctx, ".identity"); !strings.Contains(got, "王小明") || !strings.Contains(got, "13800001234") {
		t.Errorf("regulator sees the complainant: %q", got)
	}
	submit(t, ctx, `input[value=accept] ~ button`)
	submit(t, ctx, `input[value=investigate] ~ button`)
	do(t, ctx, chromedp.Click(chromedp.CSS(`#substantiate-form input[name=severity][value=general]`)),
		chromedp.SetValue(chromedp.ID("f-finding-yes"), "经现场核查，监测点位与报告不符。"))
	submit(t, ctx, `#substantiate-form button[type=submit]`)
	if got := text(t, ctx, ".flash"); !strings.Contains(got, "已认定投诉属实") {
		t.Fatalf("after substantiating: %q", got)
	}
	if said := dialogs(); len(said) == 0 || !strings.Contains(said[len(said)-1], "一般 −5") {
		t.Errorf("confirmation before substantiating: %q", said)
	}

	// The dashboard, as the regulator sees it.
	do(t, ctx, chromedp.Navigate(e.URL+"/supervise"), chromedp.WaitVisible(chromedp.CSS(`#grades[data-drawn] canvas`)))
	wantCleanPage(t, ctx)
	screenshot(t, ctx, "dashboard.png")

	// The admin runs the scoring job now from the jobs page.
	browserLogin(t, ctx, e, "admin")
	do(t, ctx, chromedp.Navigate(e.URL+"/admin/jobs"))
	submit(t, ctx, `form[action="/admin/jobs/score/run"] button`)
	if got := text(t, ctx, ".flash"); !strings.Contains(got, "「信用评分」已运行：成功") {
		t.Fatalf("after running the job: %q", got)
	}
	if got := text(t, ctx, "tr.mine-run"); !strings.Contains(got, "成功") || !strings.Contains(got, "手动") {
		t.Errorf("run record: %q", got)
	}
	submit(t, ctx, `form[action="/logout"] button`)

	// The public profile: the lowered score and why.
	do(t, ctx, chromedp.Navigate(profile), chromedp.WaitVisible(chromedp.CSS(`#credit-history[data-drawn] canvas`)))
	if got := text(t, ctx, ".score-value"); got != "95.0分" {
		t.Errorf("score after: %q", got)
	}
	items := text(t, ctx, "#credit-heading ~ .table-wrap tbody")
	for _, want := range []string{"投诉属实（一般）", "投诉 " + id, "-5", "2026-11-26"} {
		if !strings.Contains(items, want) {
			t.Errorf("line items lack %q: %q", want, items)
		}
	}
	if page := text(t, ctx, "main"); strings.Contains(page, "王小明") || strings.Contains(page, "监测点位与报告不符") {
		t.Error("the public profile shows the complainant or the finding")
	}
	wantCleanPage(t, ctx)
	screenshot(t, ctx, "credit.png")

	// Phones: nothing wider than the screen on the supervision pages.
	do(t, ctx, chromedp.EmulateViewport(360, 780))
	for _, path := range []string{"/agencies/" + e.agencies[0], "/credit", "/complaints/new", "/inspections"} {
		do(t, ctx, chromedp.Navigate(e.URL+path), chromedp.Sleep(200*time.Millisecond))
		if w, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); w > 360 {
			t.Errorf("%s is %d px wide at 360 px", path, w)
		}
	}
}
