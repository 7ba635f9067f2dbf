package adminui_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/agencyhall/agencyhall/excel"
	"github.com/agencyhall/agencyhall/registry"
)

func TestAdminCatalogCreateEditDisable(t *testing.T) {
	e := newEnv(t)
	e.admin()
	b := e.browser()
	b.login("admin", testPassword)
	wantContains(t, b.get("/admin/catalog"), "服务事项清单还是空的")
	b.get("/admin/catalog/new")

	bad := url.Values{"code": {"hp-001"}, "name": {""}, "stage": {"规划"}, "qual_mode": {"any"}, "fee_basis": {"市场调节"},
		"time_limit_days": {"三十"}, "department": {"生态环境局"}}
	p := b.post("/admin/catalog", bad)
	wantStatus(t, p, http.StatusBadRequest)
	wantContains(t, p, `id="f-time_limit_days-error">法定时限应为整数天数</p>`, `value="hp-001"`, `value="生态环境局"`)
	bad.Set("time_limit_days", "30")
	p = b.post("/admin/catalog", bad)
	wantStatus(t, p, http.StatusBadRequest)
	wantContains(t, p, `id="f-name-error">请填写事项名称</p>`, `id="f-stage-error">审批阶段应为`)

	good := url.Values{"code": {"hp-001"}, "name": {"环境影响评价"}, "stage": {"规划报建"}, "qual_mode": {"any"},
		"fee_basis": {"市场调节"}, "time_limit_days": {"30"}, "qualifications": {"环评资质\n环境工程设计"}, "enabled": {"1"}}
	wantStatus(t, b.post("/admin/catalog", good), http.StatusSeeOther)
	p = b.get("/admin/catalog")
	wantContains(t, p, "已新增服务事项 HP-001「环境影响评价」", "环评资质、环境工程设计", "启用")
	if _, ok := e.Registry.Directory().Item("HP-001"); !ok {
		t.Error("the directory was not told about the new item")
	}
	// The same code again is refused, not silently replaced.
	p = b.post("/admin/catalog", good)
	wantStatus(t, p, http.StatusBadRequest)
	wantContains(t, p, "该编码已存在")

	p = b.get("/admin/catalog/HP-001/edit")
	wantContains(t, p, `value="环境影响评价"`, "readonly", "环评资质\n环境工程设计")
	edit := good
	edit.Set("name", "建设项目环境影响评价")
	edit.Set("code", "OTHER") // ignored: the code is the identity
	wantStatus(t, b.post("/admin/catalog/HP-001", edit), http.StatusSeeOther)
	it, err := e.Catalog.Get(context.Background(), "HP-001")
	if err != nil || it.Name != "建设项目环境影响评价" || len(it.Qualifications) != 2 {
		t.Fatalf("edited item: %+v, %v", it, err)
	}
	if _, err := e.Catalog.Get(context.Background(), "OTHER"); err == nil {
		t.Error("editing created an item under the posted code")
	}

	p = b.get("/admin/catalog")
	wantContains(t, p, `data-confirm="确定停用服务事项 HP-001`)
	wantStatus(t, b.post("/admin/catalog/HP-001/disable", url.Values{"back": {"/admin/catalog?state=enabled"}}), http.StatusSeeOther)
	wantNotContains(t, e.browser().get("/catalog"), "建设项目环境影响评价")
	if it, _ := e.Registry.Directory().Item("HP-001"); it.Enabled {
		t.Error("the directory still has the item enabled")
	}
	wantContains(t, b.get("/admin/catalog?state=disabled"), "建设项目环境影响评价", "停用")
	wantStatus(t, b.post("/admin/catalog/HP-001/enable", nil), http.StatusSeeOther)
	wantContains(t, e.browser().get("/catalog"), "建设项目环境影响评价")
}

// catalogWorkbook builds an upload in the template's layout.
func catalogWorkbook(t *testing.T, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	var header []any
	for _, h := range excel.CatalogHeaders() {
		header = append(header, h)
	}
	rows = append([][]any{header}, rows...)
	for i, r := range rows {
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

func TestAdminCatalogImport(t *testing.T) {
	e := newEnv(t)
	e.admin()
	e.putItem("HP-001", "环境影响评价", registry.StagePlanning, true)
	b := e.browser()
	b.login("admin", testPassword)

	tpl := b.get("/admin/catalog/template.xlsx")
	wantStatus(t, tpl, http.StatusOK)
	if rows := readSheet(t, []byte(tpl.Body), excel.CatalogSheet); len(rows) < 2 {
		t.Fatalf("template rows: %q", rows)
	}
	exp := b.get("/admin/catalog/export.xlsx")
	wantStatus(t, exp, http.StatusOK)
	if !strings.Contains(exp.Body[:0]+fmt.Sprint(readSheet(t, []byte(exp.Body), excel.CatalogSheet)), "HP-001") {
		t.Error("export lacks the item")
	}

	b.get("/admin/catalog/import")
	p := b.postMultipart("/admin/catalog/import", nil)
	wantStatus(t, p, http.StatusBadRequest)
	wantContains(t, p, `id="f-file-error">请选择要上传的 Excel 文件（.xlsx）</p>`)
	p = b.postMultipart("/admin/catalog/import", nil, upload{"file", "清单.xlsx", []byte(testPDF)})
	wantStatus(t, p, http.StatusBadRequest)
	wantContains(t, p, "文件不是有效的 Excel 工作簿")

	row := func(code, name, stage string, days any) []any {
		return []any{code, name, "评估评价", stage, "审批", "自然资源局", "依据", "地灾资质", "任一", "市场调节", days, "是", "测试"}
	}
	wb := catalogWorkbook(t, [][]any{
		row("YD-001", "地质灾害危险性评估", "用地", 20),
		row("HP-001", "环境影响评价（修订）", "规划报建", 30),
		row("YD-002", "", "用地", 20),
		row("YD-003", "压覆矿产评估", "不存在的阶段", 20),
		row("YD-004", "土地复垦方案", "用地", "二十"),
	})
	p = b.postMultipart("/admin/catalog/import", nil, upload{"file", "清单.xlsx", wb})
	wantStatus(t, p, http.StatusOK)
	for _, want := range []string{"导入结果", `<dt>新增</dt><dd><span class="stat-value num">1</span>`,
		`<dt>更新</dt><dd><span class="stat-value num">1</span>`, `<dt>有错误未导入</dt><dd><span class="stat-value num">3</span>`,
		`href="/admin/catalog/import/errors.xlsx"`} {
		wantContains(t, p, want)
	}
	if _, ok := e.Registry.Directory().Item("YD-001"); !ok {
		t.Error("the directory was not refreshed after the import")
	}
	errs := b.get("/admin/catalog/import/errors.xlsx")
	wantStatus(t, errs, http.StatusOK)
	rows := readSheet(t, []byte(errs.Body), excel.CatalogSheet)
	if got := fmt.Sprint(rows); !strings.Contains(got, "YD-002") || !strings.Contains(got, "YD-004") || strings.Contains(got, "YD-001") {
		t.Errorf("error workbook: %q", rows)
	}
	// The error workbook is the importer's own.
	e.regulator("reg-a")
	other := e.browser()
	other.login("reg-a", testPassword)
	wantStatus(t, other.get("/admin/catalog/import/errors.xlsx"), http.StatusForbidden)

	// Importing the same file again changes nothing.
	p = b.postMultipart("/admin/catalog/import", nil, upload{"file", "清单.xlsx", wb})
	wantContains(t, p, `<dt>未变化</dt><dd><span class="stat-value num">2</span>`)

	// A body over the route's limit is refused before it is read.
	huge := bytes.Repeat([]byte("x"), 12<<20)
	p = b.postMultipart("/admin/catalog/import", nil, upload{"file", "huge.xlsx", huge})
	wantStatus(t, p, http.StatusBadRequest)
	wantContains(t, p, "上传的内容超过 11 MB 的上限")
}
