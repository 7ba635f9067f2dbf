package server

import (
	"bytes"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/excel"
)

// catalogWorkbook builds an upload with the template's header and rows.
func catalogWorkbook(t *testing.T, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", excel.CatalogSheet); err != nil {
		t.Fatal(err)
	}
	header := make([]any, 0, 13)
	for _, h := range excel.CatalogHeaders() {
		header = append(header, h)
	}
	for i, r := range append([][]any{header}, rows...) {
		if err := f.SetSheetRow(excel.CatalogSheet, "A"+strconv.Itoa(i+1), &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// sheetRows opens a downloaded workbook and returns a sheet's rows.
func sheetRows(t *testing.T, r resp, sheet string) [][]string {
	t.Helper()
	if ct := r.Header().Get("Content-Type"); ct != xlsxType {
		t.Fatalf("content type %q: %s", ct, r.Body)
	}
	f, err := excelize.OpenReader(bytes.NewReader(r.Body.Bytes()))
	if err != nil {
		t.Fatalf("not a workbook: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatalf("sheet %s: %v (sheets %v)", sheet, err, f.GetSheetList())
	}
	return rows
}

func TestCatalogImport(t *testing.T) {
	e := newEnv(t)
	admin := e.loggedIn("admin1", auth.RoleAdmin)
	anon := e.client()
	row := func(code, name, stage, days string) []any {
		return []any{code, name, "工程咨询", stage, "项目审批", "发展改革委", "", "工程咨询单位乙级资信", "任一", "市场调节", days, "是", ""}
	}
	file := catalogWorkbook(t, [][]any{
		row("IM-001", "项目建议书编制", "立项", "20"),
		row("IM-002", "水土保持方案编制", "用地", "30"),
		row("IM-001", "重复的编码", "立项", "20"),   // duplicate code
		row("IM-003", "阶段不对", "审批", "20"),    // unknown stage
		row("IM-004", "", "立项", "20"),        // missing name
		row("IM-005", "时限不是数字", "立项", "二十天"), // time limit not a number
	})
	var out importResponse
	admin.upload("/api/v1/service-items/import", "file", "事项.xlsx", file, nil).want(http.StatusOK).decode(&out)
	if out.Created != 2 || out.Updated != 0 || out.Unchanged != 0 || out.Invalid != 4 || len(out.Errors) != 4 {
		t.Fatalf("import %+v", out)
	}
	wantLines := []int{4, 5, 6, 7}
	for i, re := range out.Errors {
		if re.Line != wantLines[i] || len(re.Messages) == 0 || !hasHan(re.Messages[0]) {
			t.Errorf("row error %+v", re)
		}
	}
	if !strings.Contains(out.Errors[0].Messages[0], "重复") || !strings.Contains(out.Errors[1].Messages[0], "审批阶段") ||
		!strings.Contains(out.Errors[2].Messages[0], "事项名称") || !strings.Contains(out.Errors[3].Messages[0], "法定时限") {
		t.Errorf("messages %+v", out.Errors)
	}
	var items listPage[serviceItemDTO]
	anon.do("GET", "/api/v1/service-items", nil).want(http.StatusOK).decode(&items)
	if items.Total != 2 {
		t.Errorf("%d items after import", items.Total)
	}

	// The same file again changes nothing; with ?format=xlsx the invalid
	// rows come back as a workbook with the error column.
	r := admin.upload("/api/v1/service-items/import?format=xlsx", "file", "事项.xlsx", file, nil).want(http.StatusOK)
	if got := []string{r.Header().Get(headerImportCreated), r.Header().Get(headerImportUpdated),
		r.Header().Get(headerImportUnchanged), r.Header().Get(headerImportInvalid)}; !slices.Equal(got, []string{"0", "0", "2", "4"}) {
		t.Errorf("re-import counts %v", got)
	}
	rows := sheetRows(t, r, excel.CatalogSheet)
	if len(rows) != 6 || !slices.Contains(rows[1], "错误原因") {
		t.Fatalf("error workbook rows %q", rows)
	}
	if rows[2][0] != "IM-001" || rows[3][0] != "IM-003" {
		t.Errorf("error rows %q", rows[2:])
	}

	// A corrected row updates; a non-workbook is refused.
	fixed := catalogWorkbook(t, [][]any{row("IM-001", "项目建议书编制（修订）", "立项", "15")})
	admin.upload("/api/v1/service-items/import", "file", "修订.xlsx", fixed, nil).want(http.StatusOK).decode(&out)
	if out.Updated != 1 || out.Created != 0 || out.Invalid != 0 {
		t.Errorf("update %+v", out)
	}
	if eb := admin.upload("/api/v1/service-items/import", "file", "x.xlsx", samplePDF, nil).want(http.StatusBadRequest).errBody(); !hasHan(eb.Message) {
		t.Errorf("not a workbook: %+v", eb)
	}
	admin.upload("/api/v1/service-items/import?format=csv", "file", "事项.xlsx", file, nil).want(http.StatusBadRequest)

	// Template and export open, and the export can be imported unchanged.
	rows = sheetRows(t, anon.do("GET", "/api/v1/service-items/template.xlsx", nil).want(http.StatusOK), excel.CatalogSheet)
	if !slices.Equal(rows[1], excel.CatalogHeaders()) {
		t.Errorf("template header %q", rows[1])
	}
	exp := anon.do("GET", "/api/v1/service-items/export.xlsx", nil).want(http.StatusOK)
	if rows = sheetRows(t, exp, excel.CatalogSheet); len(rows) != 4 || rows[2][0] != "IM-001" {
		t.Errorf("export rows %q", rows)
	}
	admin.upload("/api/v1/service-items/import", "file", "export.xlsx", exp.Body.Bytes(), nil).want(http.StatusOK).decode(&out)
	if out.Unchanged != 2 || out.Created+out.Updated+out.Invalid != 0 {
		t.Errorf("re-importing the export: %+v", out)
	}
}

func TestServiceItemAdmin(t *testing.T) {
	e := newEnv(t)
	admin := e.loggedIn("admin1", auth.RoleAdmin)
	anon := e.client()
	in := serviceItemRequest{Code: "sa-001", Name: "节能评估", Stage: "立项", QualMode: "any", FeeBasis: "市场调节", TimeLimitDays: 20}
	var it serviceItemDTO
	admin.do("POST", "/api/v1/service-items", in).want(http.StatusOK).decode(&it)
	if it.Code != "SA-001" || !it.Enabled {
		t.Fatalf("created %+v", it)
	}
	off := false
	in.Enabled, in.Code = &off, ""
	admin.do("PUT", "/api/v1/service-items/sa-001", in).want(http.StatusOK).decode(&it)
	if it.Enabled {
		t.Errorf("not disabled: %+v", it)
	}
	in.Enabled, in.Name = nil, "节能评估报告"
	admin.do("PUT", "/api/v1/service-items/SA-001", in).want(http.StatusOK).decode(&it)
	if it.Enabled || it.Name != "节能评估报告" {
		t.Errorf("enabled flag not kept: %+v", it)
	}
	in.Code = "OTHER"
	admin.do("PUT", "/api/v1/service-items/SA-001", in).want(http.StatusBadRequest)
	in.Code = ""
	admin.do("PUT", "/api/v1/service-items/NOPE", in).want(http.StatusNotFound)
	eb := admin.do("POST", "/api/v1/service-items", serviceItemRequest{Code: "X"}).want(http.StatusBadRequest).errBody()
	for _, f := range []string{"name", "stage", "qual_mode", "fee_basis", "time_limit_days"} {
		if !hasHan(eb.Fields[f]) {
			t.Errorf("field %s: %+v", f, eb.Fields)
		}
	}
	// Disabled items are not exported to the public, but are to admins.
	if rows := sheetRows(t, anon.do("GET", "/api/v1/service-items/export.xlsx", nil).want(http.StatusOK), excel.CatalogSheet); len(rows) != 2 {
		t.Errorf("public export rows %q", rows)
	}
	if rows := sheetRows(t, admin.do("GET", "/api/v1/service-items/export.xlsx", nil).want(http.StatusOK), excel.CatalogSheet); len(rows) != 3 {
		t.Errorf("admin export rows %q", rows)
	}
}

func TestRegistryExport(t *testing.T) {
	e := newEnv(t)
	admin := e.loggedIn("admin1", auth.RoleAdmin)
	reg := e.loggedIn("reg1", auth.RoleRegulator)
	addItem(admin)
	a, idA := e.registerAgency("agency-a", "91620105MA73QW8N2", "甘肃甲咨询有限公司")
	b, idB := e.registerAgency("agency-b", "91620105MA74RX9P3", "甘肃乙咨询有限公司")
	applyAndSubmit(t, a, strings.TrimPrefix(idA, "agency:"), "甘肃甲咨询有限公司")
	applyAndSubmit(t, b, strings.TrimPrefix(idB, "agency:"), "甘肃乙咨询有限公司")
	reg.do("POST", "/api/v1/registry/agencies/"+idA+"/review", reviewRequest{Decision: "approve"}).want(http.StatusOK)

	r := reg.do("GET", "/api/v1/registry/export.xlsx", nil).want(http.StatusOK)
	if cd := r.Header().Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, ".xlsx") {
		t.Errorf("Content-Disposition %q", cd)
	}
	rows := sheetRows(t, r, "中介机构")
	var header []string
	for _, c := range registryColumns {
		header = append(header, c.Header)
	}
	if len(rows) != 4 || !slices.Equal(rows[1], header) {
		t.Fatalf("export rows %q", rows)
	}
	got := map[string][]string{}
	for _, row := range rows[2:] {
		got[row[0]] = row
	}
	ra := got[strings.TrimPrefix(idA, "agency:")]
	if ra == nil || ra[1] != "甘肃甲咨询有限公司" || ra[2] != "已入驻" || ra[7] != "工程咨询单位乙级资信" || ra[8] != "2099-02-28" || ra[9] != "1" || ra[10] == "" {
		t.Errorf("row of A %q", ra)
	}
	if rb := got[strings.TrimPrefix(idB, "agency:")]; rb == nil || rb[2] != "待审核" || len(rb) > 10 && rb[10] != "" {
		t.Errorf("row of B %q", rb)
	}
	// Filters apply.
	rows = sheetRows(t, reg.do("GET", "/api/v1/registry/export.xlsx?status=active&item="+testItem, nil).want(http.StatusOK), "中介机构")
	if len(rows) != 3 || !strings.Contains(rows[0][0], "状态：active") {
		t.Errorf("filtered export %q", rows)
	}
	reg.do("GET", "/api/v1/registry/export.xlsx?stage=x", nil).want(http.StatusBadRequest)
	a.do("GET", "/api/v1/registry/export.xlsx", nil).want(http.StatusForbidden)
	e.client().do("GET", "/api/v1/registry/export.xlsx", nil).want(http.StatusUnauthorized)
}
