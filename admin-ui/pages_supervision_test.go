package adminui_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/scoring"
)

// A public complaint: the form checks its fields, the agency sees it
// without the complainant's name or phone, the regulator sees everything,
// and after scoring the public profile shows the deduction but none of the
// regulator's findings.
func TestPublicComplaintPrivacyAndScore(t *testing.T) {
	e := newHallEnv(t, 2)
	agencyName := "甘肃陇原环境工程咨询有限公司"
	anon := e.browser()
	p := anon.get("/complaints/new?agency=" + e.agencies[0])
	wantStatus(t, p, http.StatusOK)
	wantContains(t, p, `value="`+agencyName+`"`, `name="name"`, `name="phone"`, "不会告诉被投诉方")
	wantNotContains(t, p, `name="evidence"`) // anonymous complainants upload nothing

	bad := publicComplaint(agencyName)
	bad.Set("name", "")
	bad.Set("phone", "12")
	bad.Set("subject", "差")
	p = anon.post("/complaints", bad)
	wantStatus(t, p, http.StatusBadRequest)
	wantContains(t, p, `id="f-name-error">请填写投诉人姓名`, `id="f-phone-error">请填写可以联系到您的电话`,
		`id="f-subject-error">请填写投诉事项`, `value="`+agencyName+`"`, "报告中的监测数据与现场实际情况明显不符")
	bad = publicComplaint("不存在的机构")
	p = anon.post("/complaints", bad)
	wantStatus(t, p, http.StatusBadRequest)
	wantContains(t, p, `id="f-target-error">没有找到该中介机构`)

	id := fileAnonymously(t, e, publicComplaint(agencyName))

	// The agency: the complaint, never who filed it.
	agency := e.login("agency-0")
	p = agency.get("/workspace")
	wantContains(t, p, "针对本机构的投诉")
	p = agency.get("/my/complaints")
	wantStatus(t, p, http.StatusOK)
	wantContains(t, p, "环评报告数据造假", id)
	wantNotContains(t, p, "王小明", "13800001234")
	p = agency.get("/my/complaints/" + id)
	wantStatus(t, p, http.StatusOK)
	wantContains(t, p, "环评报告数据造假", "公众投诉人（身份不公开）", "作出说明")
	wantNotContains(t, p, "王小明", "13800001234")
	p = agency.post("/my/complaints/"+id+"/response", url.Values{"response": {""}})
	wantStatus(t, p, http.StatusBadRequest)
	wantContains(t, p, `id="f-response-error">请填写说明`)
	p = agency.post("/my/complaints/"+id+"/response", url.Values{"response": {"监测数据由业主委托的第三方提供。"}})
	wantStatus(t, p, http.StatusSeeOther)

	// Other parties see nothing of it.
	other := e.login("agency-1")
	wantStatus(t, other.get("/my/complaints/"+id), http.StatusNotFound)
	owner := e.login("owner-a")
	wantStatus(t, owner.get("/my/complaints/"+id), http.StatusNotFound)
	wantStatus(t, agency.get("/supervise/complaints/"+id), http.StatusForbidden)

	// The regulator sees who complained and handles it through the pages.
	reg := e.login("reg-a")
	p = reg.get("/workspace")
	wantContains(t, p, "待受理投诉")
	p = reg.get("/supervise/complaints?state=submitted")
	wantContains(t, p, id, "公众 · 王小明", "受理期限")
	p = reg.get("/supervise/complaints/" + id)
	wantContains(t, p, "13800001234", "监测数据由业主委托的第三方提供", `value="accept"`)
	base := "/supervise/complaints/" + id
	wantStatus(t, reg.post(base+"/move", url.Values{"to": {"substantiate"}, "severity": {"general"}, "note": {"x"}}), http.StatusConflict)
	wantStatus(t, reg.post(base+"/move", url.Values{"to": {"accept"}}), http.StatusSeeOther)
	wantStatus(t, reg.post(base+"/move", url.Values{"to": {"investigate"}}), http.StatusSeeOther)
	p = reg.post(base+"/move", url.Values{"to": {"substantiate"}, "note": {"经现场核查属实（内部调查记录甲）"}})
	wantStatus(t, p, http.StatusBadRequest)
	wantContains(t, p, "请选择情节", "经现场核查属实（内部调查记录甲）")
	p = reg.post(base+"/move", url.Values{"to": {"substantiate"}, "severity": {"general"}, "note": {"经现场核查属实（内部调查记录甲）"}})
	wantStatus(t, p, http.StatusSeeOther)
	p = reg.get(base)
	wantContains(t, p, "投诉属实", "情节一般")

	// After the scoring run the public profile explains the new score.
	e.scoreNow(t)
	pub := e.browser().get("/agencies/" + e.agencies[0])
	wantStatus(t, pub, http.StatusOK)
	wantContains(t, pub, "信用评价", `<span class="score-value">95.0<small>分</small>`, "为什么是 95.0 分", "投诉属实（一般）",
		"投诉 "+id, ">-5<", `data-chart="`, "查看数据", "vendor/echarts.min.js")
	for _, pg := range []page{pub, e.browser().get("/credit"), e.browser().get("/credit/rules"), e.browser().get("/inspections")} {
		wantNotContains(t, pg, "王小明", "13800001234", "内部调查记录甲", "监测数据由业主委托的第三方提供")
	}
	// The agency's own view still hides the complainant after the decision.
	p = agency.get("/my/complaints/" + id)
	wantContains(t, p, "经现场核查属实")
	wantNotContains(t, p, "王小明", "13800001234")
	p = agency.get("/my/credit")
	wantStatus(t, p, http.StatusOK)
	wantContains(t, p, "95.0", "提出申诉", `name="line_item" value="complaint_general:complaint:`+id+`"`)
}

// An agency appeals a deduction; the regulator upholds it; the next run
// voids the item.
func TestAppealUpheldVoidsTheItem(t *testing.T) {
	e := newHallEnv(t, 1)
	id := fileAnonymously(t, e, publicComplaint("甘肃陇原环境工程咨询有限公司"))
	reg := e.login("reg-a")
	substantiate(t, reg, id, "minor")
	e.scoreNow(t)

	agency := e.login("agency-0")
	item := "complaint_minor:complaint:" + id
	p := agency.post("/my/credit/appeals", url.Values{"line_item": {item}, "reason": {"太短"}})
	wantStatus(t, p, http.StatusBadRequest)
	wantContains(t, p, "请写明申诉理由", "太短")
	p = agency.post("/my/credit/appeals", url.Values{"line_item": {item}, "reason": {"监测点位经业主书面确认，非本机构过错，附确认函。"}})
	wantStatus(t, p, http.StatusSeeOther)
	p = agency.get("/my/credit")
	wantContains(t, p, "申诉处理中", "监测点位经业主书面确认")
	wantStatus(t, agency.post("/my/credit/appeals", url.Values{"line_item": {item}, "reason": {"再次申诉同一条明细的理由说明"}}), http.StatusConflict)

	p = reg.get("/workspace")
	wantContains(t, p, "待处理评分申诉")
	p = reg.get("/supervise/appeals")
	wantContains(t, p, "甘肃陇原环境工程咨询有限公司", "投诉属实（轻微）", "监测点位经业主书面确认")
	appeals := e.Scoring.Appeals("", true)
	if len(appeals) != 1 {
		t.Fatalf("appeals: %+v", appeals)
	}
	p = reg.post("/supervise/appeals/"+appeals[0].ID+"/decision", url.Values{"decision": {"upheld"}})
	wantStatus(t, p, http.StatusBadRequest)
	wantContains(t, p, "请填写处理意见")
	p = reg.post("/supervise/appeals/"+appeals[0].ID+"/decision", url.Values{"decision": {"upheld"}, "note": {"经核实，确认函属实"}})
	wantStatus(t, p, http.StatusSeeOther)

	e.scoreNow(t)
	pub := e.browser().get("/agencies/" + e.agencies[0])
	wantContains(t, pub, `<span class="score-value">100.0<small>分</small>`, "申诉成立，已作废")
}

// Sanctions: the form's rules, immediate effect, the public list, and
// credit repair.
func TestSanctionsAndCreditRepair(t *testing.T) {
	e := newHallEnv(t, 2)
	name := "兰州金城生态环境科技有限公司"
	agency := e.login("agency-0")
	wantStatus(t, agency.get("/supervise/sanctions"), http.StatusForbidden)
	wantStatus(t, agency.post("/supervise/sanctions", url.Values{"target": {name}, "kind": {"warning"}, "cause": {"违规收费四项"}}), http.StatusForbidden)

	reg := e.login("reg-a")
	p := reg.get("/supervise/sanctions?agency=" + e.agencies[1])
	wantStatus(t, p, http.StatusOK)
	wantContains(t, p, `value="`+name+`"`, `data-confirm="处理决定立即生效`)
	p = reg.post("/supervise/sanctions", url.Values{"target": {name}, "kind": {"suspension"}, "cause": {"超期未交付成果三次"}})
	wantStatus(t, p, http.StatusBadRequest)
	wantContains(t, p, `id="f-to-error">请填写暂停截止日期`, "超期未交付成果三次")
	p = reg.post("/supervise/sanctions", url.Values{"target": {name}, "kind": {"blacklist"}, "cause": {"提供虚假业绩材料"}})
	wantStatus(t, p, http.StatusBadRequest)
	wantContains(t, p, `id="f-legal_basis-error">列入黑名单须写明依据`)
	p = reg.post("/supervise/sanctions", url.Values{"target": {name}, "kind": {"suspension"}, "cause": {"超期未交付成果三次"},
		"legal_basis": {"《中介服务管理办法》第二十条"}, "to": {"2026-12-31"}})
	wantStatus(t, p, http.StatusSeeOther)
	a, err := e.Registry.Get(context.Background(), registry.Actor{Kind: registry.ActorAdmin}, e.agencies[1])
	if err != nil || a.Status != registry.StatusSuspended {
		t.Fatalf("agency after suspension: %v %v", a.Status, err)
	}
	pub := e.browser().get("/credit")
	wantContains(t, pub, name, "暂停承接业务", "超期未交付成果三次", "2026-11-26", "2026-12-31", "执行中")

	xs, _ := e.Scoring.Sanctions("", false, 1, 10)
	p = reg.post("/supervise/sanctions/"+xs[0].ID+"/lift", url.Values{"reason": {""}})
	wantStatus(t, p, http.StatusBadRequest)
	wantContains(t, p, "请写明信用修复的理由")
	p = reg.post("/supervise/sanctions/"+xs[0].ID+"/lift", url.Values{"reason": {"已整改到位并提交整改报告"}})
	wantStatus(t, p, http.StatusSeeOther)
	a, _ = e.Registry.Get(context.Background(), registry.Actor{Kind: registry.ActorAdmin}, e.agencies[1])
	if a.Status != registry.StatusActive {
		t.Errorf("agency after credit repair: %v", a.Status)
	}
	pub = e.browser().get("/credit?status=lifted")
	wantContains(t, pub, "已信用修复", "已整改到位并提交整改报告")

	// Decisions: false materials lead to the blacklist form.
	p = reg.post("/supervise/decisions", url.Values{"target": {name}, "kind": {scoring.EventFalseMaterials}, "note": {""}})
	wantStatus(t, p, http.StatusBadRequest)
	wantContains(t, p, "请写明事由")
	p = reg.post("/supervise/decisions", url.Values{"target": {name}, "kind": {scoring.EventFalseMaterials}, "note": {"投标文件中业绩合同系伪造"}})
	wantStatus(t, p, http.StatusSeeOther)
	if loc := p.Header.Get("Location"); loc != "/supervise/sanctions?kind=blacklist&agency="+e.agencies[1] {
		t.Errorf("after false materials: %q", loc)
	}
	e.scoreNow(t)
	wantContains(t, e.browser().get("/agencies/"+e.agencies[1]), "70.0", "虚假材料或围标串标", "投标文件中业绩合同系伪造")
}

// The admins' jobs page runs a job now and shows its record; the rule
// table is edited with field errors and audited.
func TestAdminJobsAndRules(t *testing.T) {
	e := newHallEnv(t, 1)
	e.admin()
	reg := e.login("reg-a")
	wantStatus(t, reg.get("/admin/jobs"), http.StatusForbidden)
	wantStatus(t, reg.get("/admin/credit/rules"), http.StatusForbidden)

	admin := e.login("admin")
	p := admin.get("/admin/jobs")
	wantStatus(t, p, http.StatusOK)
	wantContains(t, p, "本进程没有运行定时任务调度器")
	e.startJobs(t)
	p = admin.get("/admin/jobs")
	wantContains(t, p, "信用评分", "每天 02:00", "每 5 分钟", `action="/admin/jobs/score/run"`, `data-confirm="立即运行「信用评分」`)
	p = admin.post("/admin/jobs/score/run", nil)
	wantStatus(t, p, http.StatusSeeOther)
	loc := p.Header.Get("Location")
	if !strings.HasPrefix(loc, "/admin/jobs?run=score") {
		t.Fatalf("after run: %q", loc)
	}
	p = admin.get(loc)
	wantContains(t, p, "「信用评分」已运行：成功，处理 1 项", `class="mine-run"`, "手动 · admin")
	wantStatus(t, admin.post("/admin/jobs/nope/run", nil), http.StatusNotFound)
	if _, ok := e.Scoring.Current(e.agencies[0]); !ok {
		t.Error("the run did not score the agency")
	}

	p = admin.get("/admin/credit/rules")
	wantContains(t, p, "投诉属实（一般）", `value="-5"`)
	p = admin.post("/admin/credit/rules/complaint_general", url.Values{"points": {"五分"}, "cap": {"0"}})
	wantStatus(t, p, http.StatusBadRequest)
	wantContains(t, p, "请填写分值，如 -5", `value="五分"`)
	p = admin.post("/admin/credit/rules/complaint_general", url.Values{"points": {"−6"}, "cap": {"0"}})
	wantStatus(t, p, http.StatusSeeOther)
	wantContains(t, e.browser().get("/credit/rules"), ">-6<")
	p = admin.get("/audit")
	wantContains(t, p, "修改评分规则", "分值 -5 → -6", "立即运行任务")
}

// Dashboard, alerts, inspections and risks for regulators; the public
// inspection page with the draw's verification.
func TestDashboardAlertsInspections(t *testing.T) {
	e := newHallEnv(t, 3)
	reg := e.login("reg-a")
	p := reg.get("/supervise")
	wantStatus(t, p, http.StatusOK)
	wantContains(t, p, "监管看板", "在册中介机构信用等级分布", "本月选取项目（按选取方式）", "未关闭的电子监察预警", "查看数据", "节支率", "2026 年 11 月")
	p = reg.get("/supervise?month=2026-13&region=abc")
	wantContains(t, p, `id="f-month-error">月份格式应为 YYYY-MM`, `id="f-region-error">`)
	wantStatus(t, e.login("agency-0").get("/supervise"), http.StatusForbidden)

	// A complaint left unaccepted for two working days raises a yellow card.
	id := fileAnonymously(t, e, publicComplaint("甘肃陇原环境工程咨询有限公司"))
	e.Clock.Add(6 * 24 * time.Hour) // Thursday + 2 working days ends on Monday night
	if _, err := e.Scoring.RunAlerts(context.Background()); err != nil {
		t.Fatal(err)
	}
	p = reg.get("/supervise/alerts")
	wantContains(t, p, "黄牌", "投诉超期未受理", `href="/supervise/complaints/`+id+`"`)
	alerts, _ := e.Scoring.AlertList(true, "", 1, 10)
	var alertID string
	for _, a := range alerts {
		if a.ObjectID == id {
			alertID = a.ID
		}
	}
	p = reg.post("/supervise/alerts/ack", url.Values{"id": {alertID}, "op": {"close"}, "note": {""}})
	wantStatus(t, p, http.StatusBadRequest)
	wantContains(t, p, "关闭预警请填写处理情况")
	p = reg.post("/supervise/alerts/ack", url.Values{"id": {alertID}, "op": {"close"}, "note": {"已电话督办"}, "back": {"https://evil.example/"}})
	wantStatus(t, p, http.StatusSeeOther)
	if loc := p.Header.Get("Location"); loc != "/supervise/alerts" {
		t.Errorf("redirect after closing: %q", loc)
	}

	// An inspection plan: the pool needs two people; the draw is verifiable.
	p = reg.post("/supervise/inspections", url.Values{"name": {"2026 年第四季度环评机构抽查"}, "sample_size": {"2"}, "inspectors": {"张伟"}})
	wantStatus(t, p, http.StatusBadRequest)
	wantContains(t, p, "执法检查人员库至少 2 人", "2026 年第四季度环评机构抽查")
	p = reg.post("/supervise/inspections", url.Values{"name": {"2026 年第四季度环评机构抽查"}, "sample_size": {"2"},
		"inspectors": {"张伟\n李娜\r\n王强\n"}, "items": {"HP-001"}})
	wantStatus(t, p, http.StatusSeeOther)
	plan := p.Header.Get("Location")
	planID := plan[strings.LastIndex(plan, "/")+1:]
	wantContains(t, e.browser().get("/inspections/"+planID), "尚未抽取", "环境影响评价")
	wantStatus(t, reg.post(plan+"/draw", nil), http.StatusSeeOther)
	x, err := e.Scoring.Inspection(planID)
	if err != nil || len(x.Assignments) != 2 {
		t.Fatalf("after draw: %+v %v", x, err)
	}
	p = reg.post(plan+"/results", url.Values{"agency": {x.Assignments[0].AgencyID}, "result": {"优秀"}})
	wantStatus(t, p, http.StatusBadRequest)
	wantContains(t, p, "检查结果应为合格、基本合格或不合格")
	wantStatus(t, reg.post(plan+"/results", url.Values{"agency": {x.Assignments[0].AgencyID}, "result": {"基本合格"}, "note": {"档案不全，已责令整改"}}), http.StatusSeeOther)
	pub := e.browser().get("/inspections/" + planID)
	wantContains(t, pub, x.Assignments[0].AgencyName, "基本合格", "档案不全，已责令整改", "✓ 与承诺值一致", "✓ 一致")
	wantNotContains(t, pub, "verdict-bad")
	wantContains(t, e.browser().get("/inspections"), "2026 年第四季度环评机构抽查", "已公布 <span class=\"num\">1</span>")

	p = reg.get("/supervise/risks")
	wantStatus(t, p, http.StatusOK)
	wantContains(t, p, "风险线索")
}

// A logged-in owner files with evidence files; only the owner and the
// regulators see them, and an anonymous visitor cannot upload.
func TestComplaintWithEvidence(t *testing.T) {
	e := newHallEnv(t, 1)
	form := publicComplaint("甘肃陇原环境工程咨询有限公司")
	form.Del("name")
	form.Del("phone")

	anon := e.browser()
	anon.get("/complaints/new")
	p := anon.postMultipart("/complaints", publicComplaint("甘肃陇原环境工程咨询有限公司"), upload{"evidence", "照片.pdf", []byte(testPDF)})
	wantStatus(t, p, http.StatusBadRequest)
	wantContains(t, p, `id="f-evidence-error">匿名投诉不能上传文件`)

	owner := e.login("owner-a")
	p = owner.get("/complaints/new")
	wantContains(t, p, `name="evidence"`, "兰州新区城市发展投资集团有限公司")
	wantNotContains(t, p, `name="phone"`)
	p = owner.postMultipart("/complaints", form, upload{"evidence", "现场照片.png", []byte("not an image")})
	wantStatus(t, p, http.StatusBadRequest)
	wantContains(t, p, "现场照片.png：只支持 PDF、PNG、JPEG")
	p = owner.postMultipart("/complaints", form, upload{"evidence", "监测报告比对.pdf", []byte(testPDF)})
	wantStatus(t, p, http.StatusSeeOther)
	p = owner.get("/complaints/filed")
	m := complaintNoRe.FindStringSubmatch(p.Body)
	if m == nil {
		t.Fatalf("no number:\n%s", p.Body)
	}
	wantContains(t, p, `href="/my/complaints/`+m[1]+`"`)
	p = owner.get("/my/complaints/" + m[1])
	wantContains(t, p, "监测报告比对.pdf", "撤回投诉")
	wantContains(t, e.login("reg-a").get("/supervise/complaints/"+m[1]), "监测报告比对.pdf", "项目业主")
	p = e.login("agency-0").get("/my/complaints/" + m[1])
	wantContains(t, p, "不向被投诉方提供")
	wantNotContains(t, p, "监测报告比对.pdf", "owner-a")

	// The complainant withdraws it.
	wantStatus(t, owner.post("/my/complaints/"+m[1]+"/withdraw", url.Values{"note": {"已与机构协商解决"}}), http.StatusSeeOther)
	wantContains(t, owner.get("/my/complaints/"+m[1]), "已撤回")
}

// A complaint against a project's owner names the owner from the project.
func TestComplaintAgainstOwner(t *testing.T) {
	e := newHallEnv(t, 1)
	owner := e.login("owner-a")
	id := createProject(t, owner, projectForm("random"))
	wantStatus(t, owner.post("/projects/"+id+"/publish", nil), http.StatusSeeOther)

	agency := e.login("agency-0")
	form := url.Values{"target_kind": {"owner"}, "project_id": {"P000000000000"}, "subject": {"业主拖延签订合同"},
		"details": {"公示期满已超过十个工作日，业主仍不签订合同。"}}
	agency.get("/complaints/new")
	p := agency.post("/complaints", form)
	wantStatus(t, p, http.StatusBadRequest)
	wantContains(t, p, `id="f-project_id-error">没有找到该项目`)
	form.Set("project_id", id)
	wantStatus(t, agency.post("/complaints", form), http.StatusSeeOther)
	p = owner.get("/my/complaints?scope=against")
	wantContains(t, p, "业主拖延签订合同")
	xs, _ := e.Scoring.Complaints(registry.Actor{Kind: registry.ActorRegulator}, scoring.ComplaintQuery{})
	if len(xs) != 1 || xs[0].TargetKind != "owner" || xs[0].TargetName != "兰州新区城市发展投资集团有限公司" {
		t.Fatalf("complaint: %+v", xs)
	}
	p = owner.get("/my/complaints/" + xs[0].ID)
	wantContains(t, p, "不向被投诉方提供", "作出说明")
	wantNotContains(t, p, "agency-0")
}
