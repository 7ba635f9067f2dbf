package adminui_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/registry"
)

func TestZZHallShots(t *testing.T) {
	if os.Getenv("HALL_SHOTS") == "" {
		t.Skip()
	}
	e := newHallEnvNamed(t, browserSite, 4)
	ctx0 := context.Background()
	seedOtherProjects(t, e)
	in := hall.ProjectInput{Name: "兰州新区综合管廊一期工程环境影响评价", ItemCode: "HP-001", Region: "620102", Funding: hall.FundingFiscal,
		CeilingFen: 200_000_00, FloorFen: 100_000_00, Method: hall.MethodReasonable, TimeLimitDays: 25, Scope: "编制环境影响报告书",
		SignupDeadline: shanghaiTime(t, "2026-12-03 17:00"), OpeningTime: shanghaiTime(t, "2026-12-03 18:00")}
	p, err := e.Hall.Create(ctx0, e.owner, "兰州新区城市发展投资集团有限公司", in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Hall.Publish(ctx0, e.owner, p.ID); err != nil {
		t.Fatal(err)
	}
	for i, a := range e.agencies {
		who := registry.Actor{UserID: "agency-" + string(rune('0'+i)), OrgID: a, Kind: registry.ActorAgency}
		if _, err := e.Hall.SignUp(ctx0, who, p.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Hall.SubmitQuote(ctx0, who, p.ID, int64(150000_00+i*7777_00)); err != nil {
			t.Fatal(err)
		}
	}
	in.Name, in.Method, in.FloorFen = "安宁区北滨河路改造工程环境影响评价", hall.MethodRandom, 0
	rp, err := e.Hall.Create(ctx0, e.owner, "兰州新区城市发展投资集团有限公司", in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Hall.Publish(ctx0, e.owner, rp.ID); err != nil {
		t.Fatal(err)
	}
	for i, a := range e.agencies {
		who := registry.Actor{UserID: "agency-" + string(rune('0'+i)), OrgID: a, Kind: registry.ActorAgency}
		if _, err := e.Hall.SignUp(ctx0, who, rp.ID); err != nil {
			t.Fatal(err)
		}
	}
	ctx := newBrowserTab(t)
	shot := func(name string) {
		buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join("/tmp/hallshots", name), buf, 0o644)
	}
	browserLogin(t, ctx, e, "agency-0")
	for _, w := range []int64{360, 1280} {
		do(t, ctx, chromedp.EmulateViewport(w, 800))
		sfx := "-" + string(rune('0'+w/1000)) + ".png"
		do(t, ctx, chromedp.Navigate(e.URL+"/hall"))
		shot("hall" + sfx)
		do(t, ctx, chromedp.Navigate(e.URL+"/projects/"+p.ID))
		shot("project-agency" + sfx)
		do(t, ctx, chromedp.Navigate(e.URL+"/my/bids"))
		shot("bids" + sfx)
		do(t, ctx, chromedp.Navigate(e.URL+"/my/opportunities?all=1"))
		shot("opps" + sfx)
		do(t, ctx, chromedp.Navigate(e.URL+"/workspace"))
		shot("ws-agency" + sfx)
	}
	e.Clock.Set(shanghaiTime(t, "2026-12-03 18:01"))
	browserLogin(t, ctx, e, "owner-a")
	for _, w := range []int64{360, 1280} {
		do(t, ctx, chromedp.EmulateViewport(w, 800))
		sfx := "-" + string(rune('0'+w/1000)) + ".png"
		do(t, ctx, chromedp.Navigate(e.URL+"/projects/"+p.ID))
		shot("project-opened" + sfx)
		do(t, ctx, chromedp.Navigate(e.URL+"/projects/"+p.ID+"/verify"))
		shot("verify" + sfx)
		do(t, ctx, chromedp.Navigate(e.URL+"/projects/new"))
		shot("new" + sfx)
		do(t, ctx, chromedp.Navigate(e.URL+"/my/projects"))
		shot("mine" + sfx)
	}
	for _, w := range []int64{360, 1280} {
		do(t, ctx, chromedp.EmulateViewport(w, 800))
		sfx := "-" + string(rune('0'+w/1000)) + ".png"
		do(t, ctx, chromedp.Navigate(e.URL+"/projects/"+rp.ID+"/verify"))
		shot("verify-random" + sfx)
	}
	e.Clock.Set(shanghaiTime(t, "2026-12-04 18:01"))
	do(t, ctx, chromedp.Navigate(e.URL+"/projects/P202611200002"))
	shot("scoring-1.png")
		do(t, ctx, chromedp.EmulateViewport(1280, 800, chromedp.EmulateScale(1)), chromedp.Navigate(e.URL+"/projects/"+p.ID))
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err == nil {
		shot("print.png")
	} else {
		t.Log(err)
	}
}
