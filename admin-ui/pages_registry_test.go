package adminui_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/agencyhall/agencyhall/audit"
	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/registry"
)

// testPDF is a tiny but real PDF document (sniffed as application/pdf).
const testPDF = "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n" +
	"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 100]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

// upload is one file of a multipart post.
type upload struct {
	field, name string
	data        []byte
}

// postMultipart submits a multipart form with the CSRF token of the last page.
func (b *browser) postMultipart(path string, form url.Values, files ...upload) page {
	b.e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("csrf_token", b.csrf)
	for k, vs := range form {
		for _, v := range vs {
			_ = mw.WriteField(k, v)
		}
	}
	for _, f := range files {
		w, _ := mw.CreateFormFile(f.field, f.name)
		_, _ = w.Write(f.data)
	}
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, b.e.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.do(req)
}

// agencyID is the registry ID of an agency registered with registerOrg.
func agencyID(t testing.TB, stem string) string { return auth.OrgID(auth.OrgAgency, uscc(t, stem)) }

const (
	stemA = "91620102MA71XK3L0"
	stemB = "91620103MA72PB6R1"
	// validID is a resident ID number with a correct check character.
	validID = "11010519491231002X"
)

// application is a complete application form for agency A.
func application(t testing.TB) url.Values {
	return url.Values{
		"name": {"甲咨询有限公司"}, "uscc": {uscc(t, stemA)}, "legal_rep": {"张伟"}, "region": {"620102"},
		"address": {"兰州市城关区庆阳路 1 号"}, "contact": {"李静"}, "phone": {"0931-8765432"}, "email": {"a@example.cn"},
		"q_rows": {"1"}, "qualifications[0].type": {"环评资质"}, "qualifications[0].level": {"甲级"},
		"qualifications[0].cert_no": {"HP-2024-001"}, "qualifications[0].issuer": {"甘肃省生态环境厅"},
		"qualifications[0].valid_from": {"2024-01-01"}, "qualifications[0].valid_to": {"2099-12-31"},
		"p_rows": {"1"}, "practitioners[0].name": {"王芳"}, "practitioners[0].certificate": {"环境影响评价工程师 HP0001"},
		"practitioners[0].id_number": {validID}, "l_rows": {"1"},
		"listings[0].item_code": {"HP-001"}, "listings[0].committed_days": {"20"}, "listings[0].fee_note": {"按市场价下浮 10%"},
	}
}

// admitViaService takes an agency through admission with the services,
// for tests about what happens afterwards.
func (e *env) admitViaService(login, stem, name string) string {
	e.t.Helper()
	ctx := context.Background()
	id := agencyID(e.t, stem)
	who := registry.Actor{UserID: login, OrgID: id, Kind: registry.ActorAgency}
	if _, err := e.Registry.StartApplication(ctx, who, registry.Profile{}); err != nil {
		e.t.Fatal(err)
	}
	m, err := e.Files.Upload(ctx, id, login, "qualification", "证书.pdf", strings.NewReader(testPDF))
	if err != nil {
		e.t.Fatal(err)
	}
	in := registry.ApplicationInput{
		Profile: registry.Profile{USCC: uscc(e.t, stem), Name: name, LegalRep: "赵六", Region: "620103",
			Qualifications: []registry.Qualification{{Type: "环评资质", CertNo: "C-" + login, ValidFrom: registry.Date{Y: 2024, M: 1, D: 1},
				ValidTo: registry.Date{Y: 2099, M: 1, D: 1}, FileID: m.ID}}},
		Practitioners: []registry.PractitionerInput{{Name: "钱七", IDNumber: validID}},
		Listings:      []registry.Listing{{ItemCode: "HP-001", CommittedDays: 10}},
	}
	for _, step := range []func() error{
		func() error { _, err := e.Registry.SaveApplication(ctx, who, id, in); return err },
		func() error { _, err := e.Registry.AcceptCommitment(ctx, who, id); return err },
		func() error { _, err := e.Registry.Submit(ctx, who, id); return err },
		func() error {
			_, err := e.Registry.Review(ctx, registry.Actor{UserID: "reg", Kind: registry.ActorRegulator}, id, registry.MoveApprove, "")
			return err
		},
	} {
		if err := step(); err != nil {
			e.t.Fatalf("admit %s: %v", name, err)
		}
	}
	return id
}

var fileLinkRe = regexp.MustCompile(`href="/files/([0-9a-f]+)"`)

func TestAdmissionThroughThePages(t *testing.T) {
	e := newEnv(t)
	e.putItem("HP-001", "环境影响评价", registry.StagePlanning, true)
	e.registerOrg(auth.OrgAgency, "agency-a", "甲咨询有限公司", stemA)
	e.regulator("reg-a")
	id := agencyID(t, stemA)

	ag := e.browser()
	ag.login("agency-a", testPassword)
	p := ag.get("/my/agency")
	wantStatus(t, p, http.StatusOK)
	wantContains(t, p, "尚未提交入驻申请", `value="甲咨询有限公司"`, `value="`+uscc(t, stemA)+`"`, "中介服务机构入驻承诺书",
		`enctype="multipart/form-data"`, `name="qualifications[0].file"`, "保存并增加一行资质")
	wantNotContains(t, p, `action="/my/agency/submit"`) // nothing saved yet

	p = ag.postMultipart("/my/agency", application(t), upload{"qualifications[0].file", "环评资质证书.pdf", []byte(testPDF)})
	wantStatus(t, p, http.StatusSeeOther)
	p = ag.get("/my/agency")
	wantContains(t, p, "已保存", "环评资质证书.pdf", "PDF", `value="张伟"`, "已登记："+registry.MaskID(validID), "可承接",
		`action="/my/agency/submit"`, "承诺书尚未签署")
	wantNotContains(t, p, validID)
	m := fileLinkRe.FindStringSubmatch(p.Body)
	if m == nil {
		t.Fatalf("no link to the uploaded certificate\n%s", p.Body)
	}
	fileID := m[1]

	// Submitting without the commitment names what is missing.
	p = ag.post("/my/agency/submit", nil)
	wantStatus(t, p, http.StatusBadRequest)
	wantContains(t, p, "请先阅读并签署入驻承诺书")
	p = ag.post("/my/agency/commitment", nil)
	wantStatus(t, p, http.StatusBadRequest)
	wantContains(t, p, "请先阅读承诺书，并勾选")
	wantStatus(t, ag.post("/my/agency/commitment", url.Values{"agree": {"1"}}), http.StatusSeeOther)
	p = ag.get("/my/agency")
	wantContains(t, p, "已签署", "测试agency-a（agency-a）")
	wantStatus(t, ag.post("/my/agency/submit", nil), http.StatusSeeOther)
	p = ag.get("/my/agency")
	wantContains(t, p, "入驻申请已提交", "正在等待监管部门审核", "<fieldset class=\"plain\" disabled>")

	// Not admitted yet: the public sees nothing of it.
	anon := e.browser()
	wantNotContains(t, anon.get("/agencies"), "甲咨询有限公司")
	wantStatus(t, anon.get("/agencies/"+id), http.StatusNotFound)
	if got := stat(t, anon.get("/"), "已入驻中介机构"); got != "0" {
		t.Errorf("home before admission: %s", got)
	}

	// The regulator's queue, workspace and detail.
	reg := e.browser()
	reg.login("reg-a", testPassword)
	p = reg.get("/workspace")
	wantContains(t, p, "待审核入驻申请", `<span class="todo-count num">1</span>`)
	p = reg.get("/registry/review")
	wantStatus(t, p, http.StatusOK)
	wantContains(t, p, "甲咨询有限公司", "入驻申请", `href="/registry/agencies/`+id+`"`)
	p = reg.get("/registry/agencies/" + id)
	wantStatus(t, p, http.StatusOK)
	wantContains(t, p, "审核入驻申请", "环评资质证书.pdf", "/files/"+fileID, registry.MaskID(validID), "提交入驻申请", "签署入驻承诺书")
	wantNotContains(t, p, validID)
	f := reg.get("/files/" + fileID)
	wantStatus(t, f, http.StatusOK)
	if f.Header.Get("Content-Type") != "application/pdf" || f.Body != testPDF {
		t.Errorf("file: %q, %d bytes", f.Header.Get("Content-Type"), len(f.Body))
	}

	// A reason is required to reject, and the form says so beside the field.
	p = reg.post("/registry/agencies/"+id+"/review", url.Values{"decision": {"reject"}, "note": {""}})
	wantStatus(t, p, http.StatusBadRequest)
	wantContains(t, p, `id="f-note-error">驳回或退回时请填写原因</p>`)
	p = reg.post("/registry/agencies/"+id+"/review", url.Values{"decision": {"approve"}})
	wantStatus(t, p, http.StatusSeeOther)
	wantContains(t, reg.get("/registry/review"), "已审核通过「甲咨询有限公司」的入驻申请", "目前没有待审核的申请或变更")

	// Admitted: listed under its service item, with no ID numbers or files.
	p = anon.get("/agencies?item=HP-001")
	wantContains(t, p, "甲咨询有限公司", "环境影响评价", "共 <strong class=\"num\">1</strong> 条")
	p = anon.get("/agencies/" + id)
	wantStatus(t, p, http.StatusOK)
	wantContains(t, p, "甲咨询有限公司", "HP-2024-001", "2099-12-31", "环境影响评价", "20</span> 天", "按市场价下浮 10%", "已入驻")
	wantNotContains(t, p, "002X", "/files/", "王芳")
	if got := stat(t, anon.get("/"), "已入驻中介机构"); got != "1" {
		t.Errorf("home after admission: %s", got)
	}
	wantContains(t, ag.get("/my/agency"), "贵机构已于", "查看公开展示的机构信息")

	recs, _, err := e.Audit.List(context.Background(), audit.Filter{Target: id})
	if err != nil || len(recs) < 4 {
		t.Fatalf("audit trail of the agency: %d records, %v", len(recs), err)
	}
}

func TestAgencyPagesArePrivate(t *testing.T) {
	e := newEnv(t)
	e.putItem("HP-001", "环境影响评价", registry.StagePlanning, true)
	e.registerOrg(auth.OrgAgency, "agency-a", "甲咨询有限公司", stemA)
	e.registerOrg(auth.OrgAgency, "agency-b", "乙测绘有限公司", stemB)
	e.registerOrg(auth.OrgOwner, "owner-a", "丙投资集团有限公司", "91620104MA73QC7T2")
	idA := e.admitViaService("agency-a", stemA, "甲咨询有限公司")

	reg := e.browser()
	e.regulator("reg-a")
	reg.login("reg-a", testPassword)
	m := fileLinkRe.FindStringSubmatch(reg.get("/registry/agencies/" + idA).Body)
	if m == nil {
		t.Fatal("regulator sees no certificate link")
	}
	file := "/files/" + m[1]

	b := e.browser()
	b.login("agency-b", testPassword)
	wantStatus(t, b.get("/registry/agencies/"+idA), http.StatusForbidden)
	wantStatus(t, b.get("/registry/review"), http.StatusForbidden)
	wantStatus(t, b.get("/registry/export.xlsx"), http.StatusForbidden)
	wantStatus(t, b.get(file), http.StatusNotFound)
	p := b.post("/registry/agencies/"+idA+"/suspend", url.Values{"reason": {"恶意"}})
	wantStatus(t, p, http.StatusForbidden)
	// Its own page is its own application, never agency A's.
	p = b.get("/my/agency")
	wantContains(t, p, `value="乙测绘有限公司"`)
	wantNotContains(t, p, "甲咨询有限公司")

	owner := e.browser()
	owner.login("owner-a", testPassword)
	wantStatus(t, owner.get(file), http.StatusNotFound)
	wantStatus(t, owner.get("/my/agency"), http.StatusForbidden)

	anon := e.browser()
	if p := anon.get(file); p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Header.Get("Location"), "/login") {
		t.Errorf("anonymous file: %d %s", p.Status, p.Header.Get("Location"))
	}
	a := e.browser()
	a.login("agency-a", testPassword)
	wantStatus(t, a.get(file), http.StatusOK)
	// Agency B's draft exists only once it saves; either way it is never public.
	wantStatus(t, anon.get("/agencies/"+agencyID(t, stemB)), http.StatusNotFound)
}

func TestApplicationFieldErrorsKeepInput(t *testing.T) {
	e := newEnv(t)
	e.putItem("HP-001", "环境影响评价", registry.StagePlanning, true)
	e.registerOrg(auth.OrgAgency, "agency-a", "甲咨询有限公司", stemA)
	b := e.browser()
	b.login("agency-a", testPassword)
	b.get("/my/agency")

	form := application(t)
	form.Set("uscc", "91620102MA71XK3L0X")
	form.Set("legal_rep", "")
	form.Set("listings[0].committed_days", "45")
	form.Set("practitioners[0].id_number", "110105194912310021")
	form.Set("qualifications[0].valid_to", "2099-13-45")
	p := b.postMultipart("/my/agency", form, upload{"qualifications[0].file", "scan.pdf", []byte(testPDF)})
	wantStatus(t, p, http.StatusBadRequest)
	wantContains(t, p, "提交的内容有误", `id="f-practitioners-0-id_number-error">身份证号码校验位不正确，请核对</p>`,
		`id="f-qualifications-0-valid_to-error">日期格式应为 2026-01-31</p>`, `value="HP-2024-001"`, `value="王芳"`,
		"刚才填写的号码不再显示", "scan.pdf") // the upload is kept for the next try
	wantNotContains(t, p, "110105194912310021")

	// The registry's own checks land beside their fields too.
	form.Set("practitioners[0].id_number", validID)
	form.Set("qualifications[0].valid_to", "2099-12-31")
	p = b.postMultipart("/my/agency", form, upload{"qualifications[0].file", "scan.pdf", []byte(testPDF)})
	wantStatus(t, p, http.StatusBadRequest)
	wantContains(t, p, `id="f-uscc-error">`+registry.ValidateUSCC("91620102MA71XK3L0X")+`</p>`,
		`id="f-legal_rep-error">请填写法定代表人（50 字以内）</p>`,
		`id="f-listings-0-committed_days-error">承诺时限应为 1–30 天（不超过法定时限）</p>`,
		`value="91620102MA71XK3L0X"`, `value="45"`)
	wantNotContains(t, p, validID)
}

func TestUploadsAreCheckedByContent(t *testing.T) {
	e := newEnv(t)
	e.putItem("HP-001", "环境影响评价", registry.StagePlanning, true)
	e.registerOrg(auth.OrgAgency, "agency-a", "甲咨询有限公司", stemA)
	b := e.browser()
	b.login("agency-a", testPassword)
	b.get("/my/agency")

	exe := append([]byte("MZ\x90\x00\x03\x00\x00\x00"), bytes.Repeat([]byte{0}, 200)...)
	p := b.postMultipart("/my/agency", application(t), upload{"qualifications[0].file", "证书.pdf", exe})
	wantStatus(t, p, http.StatusBadRequest)
	wantContains(t, p, `id="f-qualifications-0-file-error">只支持 PDF、PNG、JPEG 格式的文件`)

	big := append([]byte(testPDF), bytes.Repeat([]byte(" "), 11<<20)...)
	p = b.postMultipart("/my/agency", application(t), upload{"qualifications[0].file", "big.pdf", big})
	wantStatus(t, p, http.StatusBadRequest)
	wantContains(t, p, `id="f-qualifications-0-file-error">文件不能超过 10 MB</p>`)
	if _, ok, _ := lookup(e, stemA); ok {
		t.Error("a refused upload still saved the application")
	}

	// Submitting needs the scan of every qualification.
	form := application(t)
	p = b.postMultipart("/my/agency", form)
	wantStatus(t, p, http.StatusSeeOther)
	b.get("/my/agency")
	b.post("/my/agency/commitment", url.Values{"agree": {"1"}})
	p = b.post("/my/agency/submit", nil)
	wantStatus(t, p, http.StatusBadRequest)
	wantContains(t, p, `id="f-qualifications-0-file-error">请上传资质证书扫描件</p>`)
}

func lookup(e *env, stem string) (registry.Agency, bool, error) {
	a, err := e.Registry.Get(context.Background(), registry.Actor{Kind: registry.ActorAdmin}, agencyID(e.t, stem))
	return a, err == nil, err
}

func TestAddRowsWithoutJavaScript(t *testing.T) {
	e := newEnv(t)
	e.putItem("HP-001", "环境影响评价", registry.StagePlanning, true)
	e.registerOrg(auth.OrgAgency, "agency-a", "甲咨询有限公司", stemA)
	b := e.browser()
	b.login("agency-a", testPassword)
	b.get("/my/agency")
	form := application(t)
	form.Set("op", "add_prac")
	p := b.postMultipart("/my/agency", form, upload{"qualifications[0].file", "a.pdf", []byte(testPDF)})
	wantStatus(t, p, http.StatusSeeOther)
	if loc := p.Header.Get("Location"); loc != "/my/agency?bq=1&bp=2&bl=1#pracs" {
		t.Fatalf("redirect %q", loc)
	}
	p = b.get("/my/agency?bq=1&bp=2&bl=1")
	for _, want := range []string{"人员 1", "人员 2", "人员 3", `name="p_rows" value="3"`, `name="bp" value="2"`} {
		wantContains(t, p, want)
	}
	wantNotContains(t, p, "人员 4")

	// A blank row is dropped, a removed one deleted; the kept scan stays.
	a, _, _ := lookup(e, stemA)
	form = application(t)
	form.Set("qualifications[0].id", a.Profile.Qualifications[0].ID)
	form.Set("qualifications[0].file_id", a.Profile.Qualifications[0].FileID)
	form.Set("p_rows", "2")
	form.Set("practitioners[0].remove", "1")
	form.Set("practitioners[1].name", "赵云")
	wantStatus(t, b.postMultipart("/my/agency", form), http.StatusSeeOther)
	a, _, _ = lookup(e, stemA)
	if len(a.Practitioners) != 1 || a.Practitioners[0].Name != "赵云" {
		t.Errorf("practitioners after removing one: %+v", a.Practitioners)
	}
	if len(a.Profile.Qualifications) != 1 || a.Profile.Qualifications[0].FileID == "" {
		t.Errorf("the kept file was lost: %+v", a.Profile.Qualifications)
	}
}

func TestKeyChangeAfterAdmissionGoesToReview(t *testing.T) {
	e := newEnv(t)
	e.putItem("HP-001", "环境影响评价", registry.StagePlanning, true)
	e.registerOrg(auth.OrgAgency, "agency-a", "甲咨询有限公司", stemA)
	e.regulator("reg-a")
	id := e.admitViaService("agency-a", stemA, "甲咨询有限公司")

	b := e.browser()
	b.login("agency-a", testPassword)
	p := b.get("/my/agency")
	wantContains(t, p, "保存修改", `value="甲咨询有限公司"`)
	// Post the page's own form back with a new name.
	form := url.Values{}
	for _, m := range regexp.MustCompile(`name="([^"]+)"[^>]*value="([^"]*)"`).FindAllStringSubmatch(p.Body, -1) {
		if m[1] != "csrf_token" && m[1] != "op" && m[1] != "agree" && !strings.HasSuffix(m[1], ".remove") {
			form.Set(m[1], m[2])
		}
	}
	form.Set("listings[0].item_code", "HP-001") // a select, which the pattern above does not read
	form.Set("name", "甲工程咨询集团有限公司")
	form.Set("practitioners[0].name", "钱七")
	wantStatus(t, b.postMultipart("/my/agency", form), http.StatusSeeOther)
	p = b.get("/my/agency")
	wantContains(t, p, "变更待审核", "甲咨询有限公司", "甲工程咨询集团有限公司", "审核通过前公众看到的仍是原信息")

	anon := e.browser()
	p = anon.get("/agencies/" + id)
	wantContains(t, p, "<h1>甲咨询有限公司</h1>")
	wantNotContains(t, p, "甲工程咨询集团有限公司")

	reg := e.browser()
	reg.login("reg-a", testPassword)
	wantContains(t, reg.get("/registry/review"), "信息变更", "甲工程咨询集团有限公司", "原名：甲咨询有限公司")
	p = reg.get("/registry/agencies/" + id)
	wantContains(t, p, "审核信息变更", "<th scope=\"col\">字段</th><th scope=\"col\">原值</th><th scope=\"col\">新值</th>",
		"<th scope=\"row\">机构名称</th><td>甲咨询有限公司</td><td>甲工程咨询集团有限公司</td>")
	p = reg.post("/registry/agencies/"+id+"/change", url.Values{"decision": {"refuse"}})
	wantStatus(t, p, http.StatusBadRequest)
	wantContains(t, p, "不通过时请填写原因")
	wantStatus(t, reg.post("/registry/agencies/"+id+"/change", url.Values{"decision": {"approve"}}), http.StatusSeeOther)
	wantContains(t, anon.get("/agencies/"+id), "<h1>甲工程咨询集团有限公司</h1>")
	wantContains(t, reg.get("/registry/agencies/"+id), "第 2 版", "机构名称：甲咨询有限公司 → 甲工程咨询集团有限公司")
}

func TestSuspendAndRestore(t *testing.T) {
	e := newEnv(t)
	e.putItem("HP-001", "环境影响评价", registry.StagePlanning, true)
	e.registerOrg(auth.OrgAgency, "agency-a", "甲咨询有限公司", stemA)
	e.regulator("reg-a")
	id := e.admitViaService("agency-a", stemA, "甲咨询有限公司")
	reg := e.browser()
	reg.login("reg-a", testPassword)
	p := reg.get("/registry/agencies/" + id)
	wantContains(t, p, `action="/registry/agencies/`+id+`/suspend"`, `data-confirm="确定暂停「甲咨询有限公司」吗？`)

	p = reg.post("/registry/agencies/"+id+"/suspend", url.Values{"reason": {" "}})
	wantStatus(t, p, http.StatusBadRequest)
	wantContains(t, p, `id="f-reason-error">请填写原因</p>`)
	wantStatus(t, reg.post("/registry/agencies/"+id+"/suspend", url.Values{"reason": {"资质造假待查"}}), http.StatusSeeOther)
	anon := e.browser()
	wantNotContains(t, anon.get("/agencies"), "甲咨询有限公司")
	wantContains(t, anon.get("/agencies/"+id), "暂停")
	p = reg.get("/registry/agencies?status=suspended")
	wantContains(t, p, "甲咨询有限公司", `<option value="suspended" selected>`)
	wantNotContains(t, reg.get("/registry/agencies?status=active"), "甲咨询有限公司</a>")
	a := e.browser()
	a.login("agency-a", testPassword)
	wantContains(t, a.get("/my/agency"), "贵机构已被监管部门暂停", "资质造假待查")

	wantStatus(t, reg.post("/registry/agencies/"+id+"/restore", url.Values{"reason": {"核查无误"}}), http.StatusSeeOther)
	wantContains(t, anon.get("/agencies"), "甲咨询有限公司")
	wantContains(t, reg.get("/registry/agencies/"+id), "恢复机构「甲咨询有限公司」，原因：核查无误")
}

func TestDirectoryFilters(t *testing.T) {
	e := newEnv(t)
	e.putItem("HP-001", "环境影响评价", registry.StagePlanning, true)
	e.putItem("YD-001", "地质灾害危险性评估", registry.StageLandUse, true)
	e.registerOrg(auth.OrgAgency, "agency-a", "甲咨询有限公司", stemA)
	e.registerOrg(auth.OrgAgency, "agency-b", "乙测绘有限公司", stemB)
	e.admitViaService("agency-a", stemA, "甲咨询有限公司")
	e.admitViaService("agency-b", stemB, "乙测绘有限公司")
	anon := e.browser()

	p := anon.get("/agencies")
	wantContains(t, p, "甲咨询有限公司", "乙测绘有限公司", `aria-current="page">中介机构库`, "共 <strong class=\"num\">2</strong> 条")
	wantContains(t, anon.get("/agencies?q="+url.QueryEscape("乙测绘")), "乙测绘有限公司")
	wantNotContains(t, anon.get("/agencies?q="+url.QueryEscape("乙测绘")), "甲咨询有限公司")
	wantContains(t, anon.get("/agencies?q="+uscc(t, stemA)[:10]), "甲咨询有限公司")
	p = anon.get("/agencies?item=YD-001")
	wantContains(t, p, "没有符合条件的中介机构", "地质灾害危险性评估")
	p = anon.get("/agencies?stage=" + url.QueryEscape("规划报建") + "&qual=" + url.QueryEscape("环评资质") + "&region=6201&sort=newest")
	wantContains(t, p, "甲咨询有限公司", "乙测绘有限公司", `<option value="newest" selected>`)
	wantContains(t, anon.get("/agencies?region=6202"), "没有符合条件的中介机构")
	wantContains(t, anon.get("/catalog"), `href="/agencies?item=HP-001"`)
	wantNotContains(t, anon.get("/catalog"), "/admin/catalog")
}

func TestRegistryExport(t *testing.T) {
	e := newEnv(t)
	e.putItem("HP-001", "环境影响评价", registry.StagePlanning, true)
	e.registerOrg(auth.OrgAgency, "agency-a", "甲咨询有限公司", stemA)
	e.regulator("reg-a")
	e.admitViaService("agency-a", stemA, "甲咨询有限公司")
	reg := e.browser()
	reg.login("reg-a", testPassword)
	wantContains(t, reg.get("/registry/agencies?status=active"), `href="/registry/export.xlsx?status=active"`)
	p := reg.get("/registry/export.xlsx?status=active")
	wantStatus(t, p, http.StatusOK)
	if ct := p.Header.Get("Content-Type"); !strings.Contains(ct, "spreadsheetml") {
		t.Fatalf("content type %q", ct)
	}
	if cd := p.Header.Get("Content-Disposition"); !strings.Contains(cd, "attachment") || !strings.Contains(cd, ".xlsx") {
		t.Errorf("disposition %q", cd)
	}
	rows := readSheet(t, []byte(p.Body), "中介机构")
	if len(rows) < 3 || rows[1][0] != "统一社会信用代码" || rows[2][1] != "甲咨询有限公司" || rows[2][2] != "已入驻" || rows[2][8] != "2099-01-01" {
		t.Errorf("export rows: %q", rows)
	}
}

func TestOwnerEditsOrgProfile(t *testing.T) {
	e := newEnv(t)
	e.registerOrg(auth.OrgOwner, "owner-a", "丙投资集团有限公司", "91620104MA73QC7T2")
	e.registerOrg(auth.OrgAgency, "agency-a", "甲咨询有限公司", stemA)
	b := e.browser()
	b.login("owner-a", testPassword)
	p := b.get("/my/org")
	wantStatus(t, p, http.StatusOK)
	wantContains(t, p, uscc(t, "91620104MA73QC7T2"), `value="丙投资集团有限公司"`, `href="/my/org" aria-current="page"`)
	p = b.post("/my/org", url.Values{"name": {"丙投资集团"}, "region": {"62"}, "email": {"bad"}})
	wantStatus(t, p, http.StatusBadRequest)
	wantContains(t, p, "行政区划代码应为 6 位数字", "电子邮箱格式不正确", `value="丙投资集团"`)
	wantStatus(t, b.post("/my/org", url.Values{"name": {"丙投资集团"}, "region": {"620105"}, "contact": {"周八"}}), http.StatusSeeOther)
	wantContains(t, b.get("/my/org"), "单位信息已保存", `value="丙投资集团"`, `value="620105"`)

	a := e.browser()
	a.login("agency-a", testPassword)
	wantStatus(t, a.get("/my/org"), http.StatusForbidden)
}

func TestExpiryWarningsOnTheAgencyDashboard(t *testing.T) {
	e := newEnv(t)
	e.putItem("HP-001", "环境影响评价", registry.StagePlanning, true)
	e.registerOrg(auth.OrgAgency, "agency-a", "甲咨询有限公司", stemA)
	id := e.admitViaService("agency-a", stemA, "甲咨询有限公司")
	// Replace the qualification with one expiring in 20 days and one expired.
	ctx := context.Background()
	who := registry.Actor{UserID: "agency-a", OrgID: id, Kind: registry.ActorAgency}
	a, _ := e.Registry.Get(ctx, who, id)
	today := registry.DateOf(time.Now())
	soon, past := today.Start().AddDate(0, 0, 20), today.Start().AddDate(0, 0, -1)
	q := a.Profile.Qualifications[0]
	q2 := q
	q2.ID, q2.Type, q2.CertNo = "", "测绘资质", "CH-1"
	q.ValidTo, q2.ValidTo = registry.DateOf(soon), registry.DateOf(past)
	in := registry.ApplicationInput{Profile: a.Profile, Listings: a.Listings}
	in.Profile.Qualifications = []registry.Qualification{q, q2}
	if _, err := e.Registry.SaveApplication(ctx, who, id, in); err != nil {
		t.Fatal(err)
	}
	// Approve the change so the admitted version carries the dates.
	if _, err := e.Registry.ReviewChange(ctx, registry.Actor{UserID: "reg", Kind: registry.ActorRegulator}, id, true, ""); err != nil {
		t.Fatal(err)
	}
	b := e.browser()
	b.login("agency-a", testPassword)
	p := b.get("/workspace")
	wantContains(t, p, "资质有效期提醒", "30 天内到期", "已过期", "资质到期提醒", `<span class="todo-count num">2</span>`)
	p = b.get("/my/agency")
	wantContains(t, p, "资质有效期提醒", "30 天内到期", "已过期")
	wantContains(t, e.browser().get("/agencies/"+id), "30 天内到期")
}

func TestEveryNewPageRenders(t *testing.T) {
	e := newEnv(t)
	e.admin()
	e.putItem("HP-001", "环境影响评价", registry.StagePlanning, true)
	b := e.browser()
	b.login("admin", testPassword)
	for _, path := range []string{"/registry/review", "/registry/agencies", "/admin/catalog", "/admin/catalog/new",
		"/admin/catalog/HP-001/edit", "/admin/catalog/import", "/agencies", "/catalog", "/workspace"} {
		p := b.get(path)
		wantStatus(t, p, http.StatusOK)
		if strings.Contains(p.Body, "style=") || strings.Contains(p.Body, "<script>") {
			t.Errorf("%s has inline style or script", path)
		}
		if strings.Count(p.Body, "<form method=\"post\"") != strings.Count(p.Body, `name="csrf_token"`) {
			t.Errorf("%s: a post form without its CSRF field", path)
		}
	}
	wantContains(t, b.get("/catalog"), `href="/admin/catalog"`, `href="/admin/catalog/HP-001/edit"`)
	wantContains(t, b.get("/workspace"), `href="/admin/catalog"`, "服务事项管理", "入驻审核")
	wantStatus(t, b.get("/admin/catalog/NOPE/edit"), http.StatusNotFound)
}

// readSheet reads every row of one sheet of a workbook.
func readSheet(t *testing.T, data []byte, sheet string) [][]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("not a workbook: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatalf("sheet %s: %v", sheet, err)
	}
	return rows
}

func TestDirectoryShowsGradesAndRecommends(t *testing.T) {
	e := newEnv(t)
	e.putItem("HP-001", "环境影响评价", registry.StagePlanning, true)
	e.admitViaService("agency-a", stemA, "甲咨询有限公司")
	e.Registry.Directory().SetGrades(func(string) string { return "A" })
	anon := e.browser()
	body := anon.get("/agencies?sort=grade&grade=A").Body
	if !strings.Contains(body, "信用 A 级") || !strings.Contains(body, "推荐") {
		t.Fatalf("grade A agencies are shown as recommended:\n%s", body)
	}
	if strings.Contains(anon.get("/agencies?grade=D").Body, "信用 A 级") {
		t.Fatal("the grade filter must hide other grades")
	}
	kept := anon.get("/agencies?item=HP-001&stage=" + url.QueryEscape("规划报建")).Body
	if !strings.Contains(kept, `value="HP-001" selected`) || !strings.Contains(kept, `value="规划报建" selected`) {
		t.Fatal("the item and stage filters keep the chosen values")
	}
}
