package adminui_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/registry"
)

// hallStems are credit code stems of the hall tests' agencies.
var hallStems = []string{"91620102MA71XK3L0", "91620103MA72PB6R1", "91620105MA74RD8U3", "91620106MA75TE9W4"}

const ownerStem = "91620104MA73QC7T2"

// hallEnv is a site with one service item, an owner, admitted agencies
// agency-0 … and a regulator, its clock set to Thursday 2026-11-26 09:00.
type hallEnv struct {
	*env
	agencies []string // registry IDs
	owner    registry.Actor
}

func newHallEnv(t *testing.T, agencies int) *hallEnv {
	return newHallEnvNamed(t, testSite, agencies)
}

func newHallEnvNamed(t *testing.T, site string, agencies int) *hallEnv {
	e := &hallEnv{env: newEnvNamed(t, site)}
	e.Clock.Set(shanghaiTime(t, "2026-11-26 09:00"))
	e.putItem("HP-001", "环境影响评价", registry.StagePlanning, true)
	e.registerOrg(auth.OrgOwner, "owner-a", "兰州新区城市发展投资集团有限公司", ownerStem)
	e.owner = registry.Actor{UserID: "owner-a", OrgID: auth.OrgID(auth.OrgOwner, uscc(t, ownerStem)), Kind: registry.ActorOwner}
	names := []string{"甘肃陇原环境工程咨询有限公司", "兰州金城生态环境科技有限公司", "甘肃黄河环保技术有限公司", "天水秦州环境评价有限公司"}
	for i := 0; i < agencies; i++ {
		login := "agency-" + string(rune('0'+i))
		e.registerOrg(auth.OrgAgency, login, names[i], hallStems[i])
		e.agencies = append(e.agencies, e.admitViaService(login, hallStems[i], names[i]))
	}
	e.regulator("reg-a")
	return e
}

func shanghaiTime(t testing.TB, s string) time.Time {
	v, err := time.ParseInLocation("2006-01-02 15:04", s, registry.Shanghai)
	if err != nil {
		t.Fatal(err)
	}
	return v.UTC()
}

// projectForm is a complete create form for a lowest-price project.
func projectForm(method string) url.Values {
	return url.Values{"name": {"兰州新区综合管廊工程环境影响评价"}, "investment_code": {"2026-620171-48-01-000123"},
		"item_code": {"HP-001"}, "region": {"620102"}, "scope": {"编制环境影响报告书并配合审批"}, "funding": {"fiscal"},
		"ceiling": {"200,000.00"}, "floor": {"100000"}, "time_limit_days": {"25"}, "method": {method},
		"signup_deadline": {"2026-12-03T17:00"}, "opening_time": {"2026-12-03T18:00"}, "witnesses": {"张三（纪检监察）"},
		"complaint_contact": {"兰州新区政务服务中心 0931-1234567"}}
}

var projectPathRe = regexp.MustCompile(`^/projects/(P\d{12})$`)

// createProject posts the create form and returns the new project's ID.
func createProject(t *testing.T, b *browser, form url.Values) string {
	t.Helper()
	b.get("/projects/new")
	p := b.post("/projects", form)
	wantStatus(t, p, http.StatusSeeOther)
	m := projectPathRe.FindStringSubmatch(p.Header.Get("Location"))
	if m == nil {
		t.Fatalf("create redirected to %q", p.Header.Get("Location"))
	}
	return m[1]
}

func (e *hallEnv) login(login string) *browser {
	b := e.browser()
	b.login(login, testPassword)
	b.get("/workspace") // the session's form token
	return b
}

func TestCreateFormShowsDomainErrorsAndKeepsInput(t *testing.T) {
	e := newHallEnv(t, 0)
	owner := e.login("owner-a")
	p := owner.get("/projects/new")
	wantStatus(t, p, http.StatusOK)
	// The opening time is prefilled an hour after a sign-up deadline that
	// passes the rules for every method (5 working days).
	wantContains(t, p, `value="2026-12-03T17:00"`, `value="2026-12-03T18:00"`, "环境影响评价（法定时限 30 天）", "随机抽取",
		"最低价", "基准价", `name="criteria[0].name"`)

	bad := projectForm("direct")
	bad.Set("ceiling", "1,000,000.00")
	bad.Set("floor", "2000000.001")
	bad.Set("time_limit_days", "45")
	p = owner.post("/projects", bad)
	wantStatus(t, p, http.StatusBadRequest)
	wantContains(t, p, `id="f-floor-error">最低限价应为金额（元），最多两位小数`, `value="1,000,000.00"`, `value="兰州新区综合管廊工程环境影响评价"`)

	bad.Set("floor", "2000000")
	p = owner.post("/projects", bad)
	wantStatus(t, p, http.StatusBadRequest)
	wantContains(t, p, `id="f-floor-error">最低限价不能高于最高限价`, "不能直接选取", `id="f-direct_agency-error">请选择中介机构`,
		"服务时限应为 1–30 天", `value="2000000"`)

	early := projectForm("lowest")
	early.Set("signup_deadline", "2026-11-27T17:00")
	p = owner.post("/projects", early)
	wantStatus(t, p, http.StatusBadRequest)
	wantContains(t, p, `id="f-signup_deadline-error">报名截止时间应在发布后至少 3 个工作日`)

	scoring := projectForm("scoring")
	scoring.Set("signup_deadline", "2026-12-04T17:00")
	scoring.Set("opening_time", "2026-12-04T18:00")
	scoring.Set("weight_price", "50")
	scoring.Set("weight_credit", "10")
	scoring.Set("criteria[0].name", "技术方案")
	scoring.Set("criteria[0].max", "30")
	p = owner.post("/projects", scoring)
	wantStatus(t, p, http.StatusBadRequest)
	wantContains(t, p, "各项分值合计应为 100 分（现为 90 分）")
	scoring.Set("criteria[1].name", "项目团队")
	scoring.Set("criteria[1].max", "10")
	id := createProject(t, owner, scoring)
	pr, err := e.Hall.Get(context.Background(), e.owner, id)
	if err != nil || pr.CeilingFen != 200_000_00 || pr.FloorFen != 100_000_00 || pr.Weights == nil || len(pr.Weights.Criteria) != 2 {
		t.Fatalf("created project: %+v, %v", pr, err)
	}
	if got := pr.SignupDeadline; !got.Equal(shanghaiTime(t, "2026-12-04 17:00")) {
		t.Errorf("deadline %s", got)
	}

	// The draft's editor shows the saved values; an edit is saved.
	p = owner.get("/projects/" + id + "/edit")
	wantStatus(t, p, http.StatusOK)
	wantContains(t, p, `value="200000.00"`, `value="100000.00"`, `value="2026-12-04T17:00"`, `value="技术方案"`)
	scoring.Set("name", "兰州新区综合管廊工程环评（修改）")
	owner.get("/projects/" + id + "/edit")
	wantStatus(t, owner.post("/projects/"+id, scoring), http.StatusSeeOther)
	wantContains(t, owner.get("/projects/"+id), "兰州新区综合管廊工程环评（修改）", "草稿", "发布公告", "data-confirm=")
}

func TestProjectPermissions(t *testing.T) {
	e := newHallEnv(t, 1)
	owner := e.login("owner-a")
	id := createProject(t, owner, projectForm("lowest"))

	// A draft is the owner's (and supervisors') alone.
	anon := e.browser()
	wantStatus(t, anon.get("/projects/"+id), http.StatusNotFound)
	agency := e.login("agency-0")
	wantStatus(t, agency.get("/projects/"+id), http.StatusNotFound)
	wantNotContains(t, anon.get("/hall"), id)
	reg := e.login("reg-a")
	wantContains(t, reg.get("/projects/"+id), "兰州新区综合管廊工程环境影响评价")
	wantContains(t, reg.get("/supervise/projects?state=draft"), id)

	// Another owner can neither see nor change it.
	e.registerOrg(auth.OrgOwner, "owner-b", "兰州市城市建设投资有限公司", "91620107MA76UF1X5")
	other := e.login("owner-b")
	wantStatus(t, other.get("/projects/"+id), http.StatusNotFound)
	wantStatus(t, other.get("/projects/"+id+"/edit"), http.StatusNotFound)
	// Not even a refusal: "forbidden" would confirm that the draft exists.
	wantStatus(t, other.post("/projects/"+id+"/publish", nil), http.StatusNotFound)

	// Roles are checked before any handler runs.
	wantStatus(t, agency.post("/projects/"+id+"/publish", nil), http.StatusForbidden)
	wantStatus(t, owner.post("/projects/"+id+"/signup", nil), http.StatusForbidden)
	wantStatus(t, owner.get("/my/opportunities"), http.StatusForbidden)
	wantStatus(t, agency.get("/my/projects"), http.StatusForbidden)
	wantStatus(t, agency.get("/supervise/projects"), http.StatusForbidden)
	if p := anon.get("/my/projects"); p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Header.Get("Location"), "/login") {
		t.Errorf("anonymous /my/projects: %d %s", p.Status, p.Header.Get("Location"))
	}

	// Published: public, with the owner's next action and the agency's.
	p := owner.post("/projects/"+id+"/publish", nil)
	wantStatus(t, p, http.StatusSeeOther)
	p = anon.get("/projects/" + id)
	wantStatus(t, p, http.StatusOK)
	wantContains(t, p, "报名中", "中介机构登录后报名", "¥200,000.00", "¥100,000.00", "财政资金", "竞价·最低价", `data-deadline="2026-12-03T17:00:00`,
		"剩余 7 天 8 小时", "2026-12-03 17:00")
	wantNotContains(t, p, `action="/projects/`+id+`/cancel"`)
	wantContains(t, agency.get("/projects/"+id), "贵机构符合报名条件", "报名参加")
	wantContains(t, owner.get("/projects/"+id), "报名进行中", "终止项目")
	wantContains(t, anon.get("/hall"), id, "报名中", "20.00 万元", "0 家")
	if got := stat(t, anon.get("/"), "正在选取的项目"); got != "1" {
		t.Errorf("home: open projects %s", got)
	}
}

func TestSealedQuotesStaySecretUntilOpening(t *testing.T) {
	e := newHallEnv(t, 4)
	ctx := context.Background()
	owner := e.login("owner-a")
	id := createProject(t, owner, projectForm("lowest"))
	wantStatus(t, owner.post("/projects/"+id+"/publish", nil), http.StatusSeeOther)

	quotes := []string{"123456.78", "150000", "187654.32"}
	secrets := []string{"123,456.78", "123456.78", "12345678", "150,000.00", "15000000", "187,654.32", "187654.32", "18765432"}
	agencies := make([]*browser, 4)
	for i := range agencies {
		agencies[i] = e.login("agency-" + string(rune('0'+i)))
		wantStatus(t, agencies[i].post("/projects/"+id+"/signup", nil), http.StatusSeeOther)
	}
	for i, q := range quotes {
		agencies[i].get("/projects/" + id)
		p := agencies[i].post("/projects/"+id+"/quote", url.Values{"amount": {q}})
		wantStatus(t, p, http.StatusSeeOther)
	}
	// A quote out of range is refused without the amount being echoed.
	agencies[3].get("/projects/" + id)
	p := agencies[3].post("/projects/"+id+"/quote", url.Values{"amount": {"987654.31"}})
	wantStatus(t, p, http.StatusBadRequest)
	wantContains(t, p, "报价应在最低限价与最高限价之间")
	wantNotContains(t, p, "987654.31", "987,654.31")

	stored, err := e.Hall.Store.GetProject(ctx, id)
	if err != nil || len(stored.Secret) != 64 {
		t.Fatalf("stored project: %v", err)
	}
	secrets = append(secrets, stored.Secret)
	own := agencies[0].get("/projects/" + id)
	wantContains(t, own, "已提交密封报价", "替换报价", "撤回报价", `class="receipt code"`)
	r, ok, err := e.Hall.MyQuote(ctx, registry.Actor{OrgID: e.agencies[0], Kind: registry.ActorAgency}, id)
	if err != nil || !ok {
		t.Fatalf("my quote: %v %v", ok, err)
	}
	wantContains(t, own, r.Receipt)
	wantContains(t, agencies[0].get("/my/bids"), r.Receipt, "已密封")

	reg := e.login("reg-a")
	anon := e.browser()
	pages := map[string]page{
		"owner project": owner.get("/projects/" + id), "owner list": owner.get("/my/projects"),
		"bidder project": own, "bidder bids": agencies[0].get("/my/bids"), "other bidder": agencies[1].get("/projects/" + id),
		"late agency": agencies[3].get("/projects/" + id), "regulator project": reg.get("/projects/" + id),
		"regulator list": reg.get("/supervise/projects"), "public project": anon.get("/projects/" + id),
		"hall": anon.get("/hall"), "verify": anon.get("/projects/" + id + "/verify"), "workspace": owner.get("/workspace"),
		"opportunities": agencies[3].get("/my/opportunities?all=1"),
	}
	for name, pg := range pages {
		wantStatus(t, pg, http.StatusOK)
		for _, s := range secrets {
			if strings.Contains(pg.Body, s) {
				t.Errorf("%s: before the opening the page contains %q", name, s)
			}
		}
	}
	wantContains(t, pages["public project"], "共 <span class=\"num\">4</span> 家", "报名机构名单在开启时公布")
	wantNotContains(t, pages["public project"], "甘肃陇原环境工程咨询有限公司")
	wantContains(t, pages["verify"], stored.Commitment, "密钥在开启并确定选取结果时公开")

	// The deadline passes: no more quotes, and the opening follows at the
	// opening time when anyone looks at the project.
	e.Clock.Set(shanghaiTime(t, "2026-12-03 17:00"))
	agencies[3].get("/projects/" + id)
	p = agencies[3].post("/projects/"+id+"/quote", url.Values{"amount": {"110000"}})
	wantStatus(t, p, http.StatusConflict)
	wantContains(t, p, "报价已截止，未被接受")
	e.Clock.Set(shanghaiTime(t, "2026-12-03 18:01"))
	p = anon.get("/projects/" + id)
	wantContains(t, p, "公示中", "开启记录", "¥123,456.78", "¥150,000.00", "¥187,654.32", r.Receipt, "中选机构：<strong>甘肃陇原环境工程咨询有限公司</strong>",
		"未提交报价", "甘肃陇原环境工程咨询有限公司")
	v := anon.get("/projects/" + id + "/verify")
	wantContains(t, v, stored.Secret, "✓ 一致", "agencyhall verify-draw --url http://")
	wantContains(t, agencies[0].get("/my/bids"), "¥123,456.78", "中选")
	wantContains(t, agencies[1].get("/my/bids"), "¥150,000.00", "未中选")
	if n := e.Hall.Counts()[hall.StatePublicity]; n != 1 {
		t.Errorf("publicity projects: %d", n)
	}
}

func TestServiceLifecycleThroughThePages(t *testing.T) {
	e := newHallEnv(t, 3)
	owner := e.login("owner-a")
	form := projectForm("random")
	form.Del("floor")
	id := createProject(t, owner, form)
	wantStatus(t, owner.post("/projects/"+id+"/publish", nil), http.StatusSeeOther)
	ags := make([]*browser, 3)
	for i := range ags {
		ags[i] = e.login("agency-" + string(rune('0'+i)))
		wantStatus(t, ags[i].post("/projects/"+id+"/signup", nil), http.StatusSeeOther)
	}
	e.Clock.Set(shanghaiTime(t, "2026-12-03 18:05"))
	p, err := e.Hall.Get(context.Background(), e.owner, id)
	if err != nil || p.State != hall.StatePublicity {
		t.Fatalf("after the opening: %s, %v", p.State, err)
	}
	win, loser := -1, -1
	for i, a := range e.agencies {
		if a == p.Winner {
			win = i
		} else if loser < 0 {
			loser = i
		}
	}
	// A participant objects; the regulator dismisses it; publicity goes on.
	ags[loser].get("/projects/" + id)
	wantStatus(t, ags[loser].post("/projects/"+id+"/objection", url.Values{"reason": {"短"}}), http.StatusBadRequest)
	wantStatus(t, ags[loser].post("/projects/"+id+"/objection", url.Values{"reason": {"抽取过程未见见证人到场，请核查抽取是否合规。"}}), http.StatusSeeOther)
	reg := e.login("reg-a")
	wantContains(t, reg.get("/workspace"), "待处理质疑")
	wantContains(t, reg.get("/projects/"+id), "处理质疑", "质疑成立")
	wantStatus(t, reg.post("/projects/"+id+"/objection/decision", url.Values{"decision": {"dismissed"}, "note": {"抽取过程有录像，见证人在线见证"}}), http.StatusSeeOther)

	// Publicity ends (3 working days): the owner signs the contract.
	e.Clock.Set(shanghaiTime(t, "2026-12-09 09:00"))
	if _, err := e.Hall.AdvanceAll(context.Background()); err != nil { // the every-minute job
		t.Fatal(err)
	}
	wantContains(t, owner.get("/workspace"), "待签订合同")
	page := owner.get("/projects/" + id)
	wantContains(t, page, "签订合同", "签约期限")
	p2 := owner.postMultipart("/projects/"+id+"/contract", url.Values{"amount": {"250000"}, "signed_on": {"2026-12-09"}},
		upload{"file", "合同.pdf", []byte(testPDF)})
	wantStatus(t, p2, http.StatusBadRequest)
	wantContains(t, p2, "合同金额不能高于最高限价", `value="250000"`)
	p2 = owner.postMultipart("/projects/"+id+"/contract", url.Values{"amount": {"200000"}, "signed_on": {"2026-12-09"}},
		upload{"file", "合同.pdf", []byte(testPDF)})
	wantStatus(t, p2, http.StatusSeeOther)
	page = owner.get("/projects/" + id)
	m := regexp.MustCompile(`href="(/projects/` + id + `/files/[0-9a-f]+)"`).FindStringSubmatch(page.Body)
	if m == nil {
		t.Fatalf("no contract link\n%s", page.Body)
	}
	wantStatus(t, ags[win].get(m[1]), http.StatusOK)
	wantStatus(t, ags[loser].get(m[1]), http.StatusNotFound)
	wantContains(t, ags[win].get("/my/contracts"), "服务中", "¥200,000.00", "提交成果")

	// The owner extends the time limit and stops the clock for a while.
	owner.get("/projects/" + id)
	wantStatus(t, owner.post("/projects/"+id+"/extend", url.Values{"days": {"abc"}}), http.StatusBadRequest)
	wantStatus(t, owner.post("/projects/"+id+"/extend", url.Values{"days": {"5"}, "reason": {"增加一处敏感点调查"}}), http.StatusSeeOther)
	wantStatus(t, owner.post("/projects/"+id+"/pause", url.Values{"reason": {"等待业主补充地勘资料"}}), http.StatusSeeOther)
	wantContains(t, owner.get("/projects/"+id), "恢复计时", "计时中止中", "延期 <span class=\"num\">5</span> 天")
	e.Clock.Add(48 * time.Hour)
	wantStatus(t, owner.post("/projects/"+id+"/resume", nil), http.StatusSeeOther)
	due := shanghaiTime(t, "2026-12-09 00:00").AddDate(0, 0, 25+1+5).Add(48 * time.Hour)
	if p, _ := e.Hall.Get(context.Background(), e.owner, id); !p.Contract.DueAt.Equal(due) {
		t.Errorf("due after extension and pause: %s, want %s", p.Contract.DueAt, due)
	}

	// Delivery, return, delivery, acceptance, evaluation and response.
	ags[win].get("/projects/" + id)
	wantStatus(t, ags[win].postMultipart("/projects/"+id+"/deliver", nil, upload{"file", "报告书.pdf", []byte(testPDF)}), http.StatusSeeOther)
	owner.get("/projects/" + id)
	wantStatus(t, owner.post("/projects/"+id+"/delivery", url.Values{"decision": {"return"}}), http.StatusBadRequest)
	wantStatus(t, owner.post("/projects/"+id+"/delivery", url.Values{"decision": {"return"}, "reason": {"补充噪声监测数据"}}), http.StatusSeeOther)
	wantStatus(t, ags[win].postMultipart("/projects/"+id+"/deliver", nil, upload{"file", "报告书（修改）.pdf", []byte(testPDF)}), http.StatusSeeOther)
	wantContains(t, owner.get("/projects/"+id), "报告书（修改）.pdf", "退回修改", "补充噪声监测数据")
	wantStatus(t, owner.post("/projects/"+id+"/delivery", url.Values{"decision": {"accept"}}), http.StatusSeeOther)
	wantStatus(t, owner.post("/projects/"+id+"/evaluation", url.Values{"quality": {"5"}, "timeliness": {"4"}}), http.StatusBadRequest)
	wantStatus(t, owner.post("/projects/"+id+"/evaluation", url.Values{"quality": {"5"}, "timeliness": {"4"}, "attitude": {"5"},
		"fees": {"4"}, "conduct": {"5"}, "comment": {"报告质量高，沟通及时"}}), http.StatusSeeOther)
	ags[win].get("/projects/" + id)
	wantStatus(t, ags[win].post("/projects/"+id+"/response", url.Values{"response": {"感谢业主的肯定"}}), http.StatusSeeOther)
	page = e.browser().get("/projects/" + id)
	wantContains(t, page, "已完成", "★★★★☆", "报告质量高，沟通及时", "感谢业主的肯定", "签订合同", "提交服务成果", "成果退回修改",
		"验收通过", "服务评价", "质疑处理完毕", "系统（自动）", "兰州新区城市发展投资集团有限公司（项目业主）")
	wantNotContains(t, page, "/files/") // the public sees no contract or deliverable
}

func TestAnnouncementReviewAndTodos(t *testing.T) {
	e := newHallEnv(t, 1)
	e.Hall.ReviewRegions = map[string]bool{"620102": true}
	owner := e.login("owner-a")
	id := createProject(t, owner, projectForm("random"))
	wantContains(t, owner.get("/workspace"), "未发布的草稿", `href="/my/projects?state=draft"`)
	wantContains(t, owner.get("/my/projects"), id, "检查后发布公告")
	owner.get("/projects/" + id)
	wantStatus(t, owner.post("/projects/"+id+"/publish", nil), http.StatusSeeOther)
	wantContains(t, owner.get("/projects/"+id), "待审核", "公告已提交，等待监管部门审核")

	reg := e.login("reg-a")
	wantContains(t, reg.get("/workspace"), "待审核公告")
	p := reg.get("/projects/" + id)
	wantContains(t, p, "公告审核", "审核通过，公开公告")
	p = reg.post("/projects/"+id+"/review", url.Values{"decision": {"return"}})
	wantStatus(t, p, http.StatusBadRequest)
	wantContains(t, p, "退回时请填写原因")
	wantStatus(t, reg.post("/projects/"+id+"/review", url.Values{"decision": {"return"}, "note": {"服务范围表述不清"}}), http.StatusSeeOther)
	wantContains(t, owner.get("/projects/"+id), "公告被监管部门退回：服务范围表述不清")

	owner.get("/projects/" + id)
	wantStatus(t, owner.post("/projects/"+id+"/publish", nil), http.StatusSeeOther)
	reg.get("/projects/" + id)
	wantStatus(t, reg.post("/projects/"+id+"/review", url.Values{"decision": {"approve"}}), http.StatusSeeOther)
	wantContains(t, e.browser().get("/projects/"+id), "报名中", "公告审核通过")

	// The agency's to-dos and opportunities.
	ag := e.login("agency-0")
	wantContains(t, ag.get("/workspace"), "可报名项目", `href="/my/opportunities"`)
	wantContains(t, ag.get("/my/opportunities"), id, "可报名")
	ag.get("/projects/" + id)
	wantStatus(t, ag.post("/projects/"+id+"/signup", nil), http.StatusSeeOther)
	p = ag.post("/projects/"+id+"/signup", nil)
	wantStatus(t, p, http.StatusConflict)
	wantContains(t, p, `<div class="alert alert-error" role="alert">已报名，无需重复报名</div>`)
	wantContains(t, ag.get("/my/opportunities?all=1"), "已报名")

	// A regulator may also end a project, with the reason made public.
	reg.get("/projects/" + id)
	wantStatus(t, reg.post("/projects/"+id+"/cancel", url.Values{"reason": {"项目规划调整，暂停实施"}}), http.StatusSeeOther)
	wantContains(t, e.browser().get("/projects/"+id), "已终止", "项目规划调整，暂停实施")
}

func TestFailedProjectIsRepublished(t *testing.T) {
	e := newHallEnv(t, 1)
	owner := e.login("owner-a")
	id := createProject(t, owner, projectForm("random"))
	wantStatus(t, owner.post("/projects/"+id+"/publish", nil), http.StatusSeeOther)
	ag := e.login("agency-0")
	wantStatus(t, ag.post("/projects/"+id+"/signup", nil), http.StatusSeeOther)
	e.Clock.Set(shanghaiTime(t, "2026-12-03 18:00"))
	p := owner.get("/projects/" + id)
	wantContains(t, p, "流标", "有效报名 1 家，少于财政资金项目要求的 3 家", "重新发布")
	wantContains(t, e.browser().get("/hall?status=failed"), id)
	wantContains(t, ag.get("/my/bids"), "流标")
	p = owner.post("/projects/"+id+"/republish", nil)
	wantStatus(t, p, http.StatusSeeOther)
	loc := p.Header.Get("Location")
	if !strings.HasSuffix(loc, "/edit") || strings.Contains(loc, id) {
		t.Fatalf("republish went to %q", loc)
	}
	p = owner.get(loc)
	wantContains(t, p, "第 2 轮草稿", `value="兰州新区综合管廊工程环境影响评价"`, `value="200000.00"`)
}

func TestCriteriaScoringAfterOpening(t *testing.T) {
	e := newHallEnv(t, 2)
	owner := e.login("owner-a")
	form := projectForm("scoring")
	form.Set("funding", "social")
	form.Set("signup_deadline", "2026-12-04T17:00")
	form.Set("opening_time", "2026-12-04T18:00")
	form.Set("weight_price", "50")
	form.Set("weight_credit", "20")
	form.Set("criteria[0].name", "技术方案")
	form.Set("criteria[0].max", "30")
	id := createProject(t, owner, form)
	wantStatus(t, owner.post("/projects/"+id+"/publish", nil), http.StatusSeeOther)
	for i, amount := range []string{"120000", "150000"} {
		ag := e.login("agency-" + string(rune('0'+i)))
		wantStatus(t, ag.post("/projects/"+id+"/signup", nil), http.StatusSeeOther)
		ag.get("/projects/" + id)
		wantStatus(t, ag.post("/projects/"+id+"/quote", url.Values{"amount": {amount}}), http.StatusSeeOther)
	}
	e.Clock.Set(shanghaiTime(t, "2026-12-04 18:30"))
	p := owner.get("/projects/" + id)
	wantContains(t, p, "评审因素打分", "¥120,000.00", "¥150,000.00", "等待业主为评审因素打分")
	wantNotContains(t, e.browser().get("/projects/"+id+"/verify"), "公开的密钥") // not before the outcome
	a, b := "scores."+e.agencies[0]+"[0]", "scores."+e.agencies[1]+"[0]"
	p = owner.post("/projects/"+id+"/scores", url.Values{a: {"31"}, b: {"25"}})
	wantStatus(t, p, http.StatusBadRequest)
	wantContains(t, p, "“技术方案”的得分应为 0–30 分", `value="31"`, `value="25"`)
	p = owner.post("/projects/"+id+"/scores", url.Values{a: {"20"}, b: {"abc"}})
	wantStatus(t, p, http.StatusBadRequest)
	wantContains(t, p, "请填写“技术方案”的得分", `value="abc"`)
	p = owner.post("/projects/"+id+"/scores", url.Values{a: {"20"}, b: {"28.5"}})
	wantStatus(t, p, http.StatusSeeOther)
	p = e.browser().get("/projects/" + id)
	// 1: 50 + 20 + 20 = 90; 2: 50·120000/150000 = 40, + 20 + 28.5 = 88.5.
	wantContains(t, p, "公示中", "90.0000", "88.5000", "40.0000", "中选机构：<strong>甘肃陇原环境工程咨询有限公司</strong>")
}
