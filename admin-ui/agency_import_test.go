package adminui_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/agencyhall/agencyhall/audit"
	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/excel"
	"github.com/agencyhall/agencyhall/registry"
)

// migrationWorkbook builds a migration upload with the template's header.
func migrationWorkbook(t *testing.T, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	var header []any
	for _, h := range excel.AgencyHeaders() {
		header = append(header, h)
	}
	for i, r := range append([][]any{header}, rows...) {
		if err := f.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+1), &r); err != nil {
			t.Fatal(err)
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// legacyAgency is a row for an agency holding 环评资质 and listing HP-001.
func legacyAgency(code, name, legacy string) []any {
	return []any{name, code, "620103", "赵强", "钱敏", "0931-2345678", "", "兰州市七里河区", "HP-001",
		"环评资质/甲级/HP-" + legacy + "/2099-12-31", legacy, "2018-09-01"}
}

func TestAgencyMigrationPage(t *testing.T) {
	e := newEnv(t)
	e.putItem("HP-001", "环境影响评价", registry.StagePlanning, true)
	e.regulator("reg-a")
	e.registerOrg(auth.OrgAgency, "native-a", "本地咨询有限公司", stemA)
	nativeID := e.admitViaService("native-a", stemA, "本地咨询有限公司")
	b := e.browser()
	b.login("reg-a", testPassword)

	// Linked from the agency list, with its template.
	wantContains(t, b.get("/registry/agencies"), `href="/registry/import"`)
	tpl := b.get("/registry/import/template.xlsx")
	wantStatus(t, tpl, http.StatusOK)
	if rows := readSheet(t, []byte(tpl.Body), excel.AgencySheet); len(rows) < 3 || rows[1][0] != "机构名称" {
		t.Fatalf("template rows %q", rows)
	}

	form := b.get("/registry/import")
	wantStatus(t, form, http.StatusOK)
	wantContains(t, form, `action="/registry/import"`, `href="/registry/import/template.xlsx"`)
	wantPlainForms(t, form)
	p := b.postMultipart("/registry/import", nil)
	wantStatus(t, p, http.StatusBadRequest)
	wantContains(t, p, `id="f-file-error">请选择要上传的 Excel 文件（.xlsx）</p>`)

	m1, m2 := uscc(t, "91620103MA7MG0011"), uscc(t, "91620103MA7MG0022")
	noQual := legacyAgency(uscc(t, "91620103MA7MG0033"), "缺资质测绘有限公司", "OLD-3")
	noQual[9] = "测绘资质//CH-1/2099-12-31"
	wb := migrationWorkbook(t, [][]any{
		legacyAgency(m1, "迁移一号咨询有限公司", "OLD-1"),
		legacyAgency(m2, "迁移二号咨询有限公司", "OLD-2"),
		legacyAgency(uscc(t, stemA), "本地咨询有限公司", "OLD-9"), // registered here: not overwritten
		noQual,
		legacyAgency("91620103", "信用代码有误有限公司", "OLD-4"),
	})
	p = b.postMultipart("/registry/import", nil, upload{"file", "迁移.xlsx", wb})
	wantStatus(t, p, http.StatusOK)
	wantContains(t, p, "导入结果", `<dt>新增</dt><dd><span class="stat-value num">2</span>`,
		`<dt>有错误未导入</dt><dd><span class="stat-value num">3</span>`, `href="/registry/import/errors.xlsx"`,
		"已在本平台自行注册", "缺少该事项要求的资质：环评资质")
	if a, err := e.Registry.Get(context.Background(), registry.Actor{Kind: registry.ActorRegulator}, "agency:"+m1); err != nil ||
		a.Status != registry.StatusActive || a.Migration == nil {
		t.Fatalf("migrated agency: %+v %v", a, err)
	}
	if a, _ := e.Registry.Get(context.Background(), registry.Actor{Kind: registry.ActorRegulator}, nativeID); a.Migration != nil {
		t.Error("the native agency was overwritten")
	}

	// The error workbook has the bad rows and the 错误原因 column.
	errs := b.get("/registry/import/errors.xlsx")
	wantStatus(t, errs, http.StatusOK)
	rows := readSheet(t, []byte(errs.Body), excel.AgencySheet)
	if len(rows) != 2+3 || rows[1][len(excel.AgencyHeaders())] != "错误原因" {
		t.Fatalf("error workbook %q", rows)
	}
	if got := fmt.Sprint(rows); !strings.Contains(got, "OLD-9") || !strings.Contains(got, "OLD-3") || strings.Contains(got, "OLD-1") {
		t.Errorf("error workbook rows %q", rows)
	}
	// The same file again changes nothing.
	p = b.postMultipart("/registry/import", nil, upload{"file", "迁移.xlsx", wb})
	wantContains(t, p, `<dt>未变化</dt><dd><span class="stat-value num">2</span>`, `<dt>新增</dt><dd><span class="stat-value num">0</span>`)

	// Agencies and owners cannot reach the page.
	e.registerOrg(auth.OrgAgency, "agency-b", "乙咨询有限公司", stemB)
	other := e.browser()
	other.login("agency-b", testPassword)
	wantStatus(t, other.get("/registry/import"), http.StatusForbidden)
	wantStatus(t, other.get("/registry/import/errors.xlsx"), http.StatusForbidden)

	// The import is audited with its counts.
	recs, _, err := e.Audit.List(context.Background(), audit.Filter{Action: "agency.import"})
	if err != nil || len(recs) != 2 || !strings.Contains(recs[1].Summary, "新增 2 家，更新 0 家，未变 0 家，错误 3 行") {
		t.Errorf("audit %+v %v", recs, err)
	}

	// The migrated agency's page offers to open its first account, once.
	detail := b.get("/registry/agencies/agency:" + m1)
	wantContains(t, detail, "从原平台迁移", "OLD-1", "2018-09-01", `action="/registry/agencies/agency:`+m1+`/account"`)
	wantPlainForms(t, detail)
	bad := b.post("/registry/agencies/agency:"+m1+"/account", url.Values{"login": {"mg1"}, "name": {"孙丽"}, "password": {"short"}})
	wantStatus(t, bad, http.StatusBadRequest)
	wantContains(t, bad, "密码至少 10 个字符", `value="mg1"`)
	wantNotContains(t, bad, `value="short"`)
	ok := b.post("/registry/agencies/agency:"+m1+"/account", url.Values{"login": {"mg1"}, "name": {"孙丽"}, "password": {"temporary-pass-1"}})
	wantStatus(t, ok, http.StatusSeeOther)
	detail = b.get("/registry/agencies/agency:" + m1)
	wantContains(t, detail, "机构已有登录账号")
	wantNotContains(t, detail, `/account" novalidate`)
	staff := e.browser()
	staff.login("mg1", "temporary-pass-1")
	wantContains(t, staff.get("/my/agency"), "迁移一号咨询有限公司")
	// A native agency's page has no such form.
	wantNotContains(t, b.get("/registry/agencies/"+nativeID), "从原平台迁移", `/account" novalidate`)
}

// wantPlainForms checks a page has no inline style or script and a CSRF
// field in every post form.
func wantPlainForms(t *testing.T, p page) {
	t.Helper()
	if strings.Contains(p.Body, "style=") || strings.Contains(p.Body, "<script>") {
		t.Error("inline style or script")
	}
	if strings.Count(p.Body, `<form method="post"`) != strings.Count(p.Body, `name="csrf_token"`) {
		t.Error("a post form without its CSRF field")
	}
}
