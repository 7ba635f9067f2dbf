package excel

import (
	"archive/zip"
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/registry"
)

// buildWorkbook makes an xlsx in memory with the given rows from A1 on.
func buildWorkbook(t testing.TB, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		if err := f.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+1), &r); err != nil {
			t.Fatal(err)
		}
	}
	b, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encryptedWorkbook(t testing.TB) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	var b bytes.Buffer
	if _, err := f.WriteTo(&b, excelize.Options{Password: "secret"}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func zipOf(t testing.TB, name, content string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, err := zw.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = w.Write([]byte(content))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func headerRow() []any {
	var r []any
	for _, h := range CatalogHeaders() {
		r = append(r, h)
	}
	return r
}

// goodRow is a valid row; edit returns a copy with column i set to v.
func goodRow(code string) []any {
	return []any{code, "建设项目环境影响报告表编制", "评估评价", "立项", "建设项目环境影响评价审批",
		"生态环境局", "《中华人民共和国环境影响评价法》", "环境影响评价编制单位；环境工程设计",
		"全部", "市场调节", 30, "是", "省级清单"}
}

func edit(r []any, i int, v any) []any {
	c := append([]any(nil), r...)
	c[i] = v
	return c
}

func TestReadCatalogRows(t *testing.T) {
	good := registry.ServiceItem{
		Code: "HP-001", Name: "建设项目环境影响报告表编制", Category: "评估评价",
		Stage: registry.StageInitiation, ApprovalMatter: "建设项目环境影响评价审批",
		Department: "生态环境局", LegalBasis: "《中华人民共和国环境影响评价法》",
		Qualifications: []string{"环境影响评价编制单位", "环境工程设计"},
		QualMode:       registry.QualAllOf, FeeBasis: registry.FeeMarket,
		TimeLimitDays: 30, Enabled: true, Source: "省级清单",
	}
	with := func(change func(*registry.ServiceItem)) registry.ServiceItem {
		it := good
		it.Qualifications = append([]string(nil), good.Qualifications...)
		change(&it)
		return it
	}
	cases := []struct {
		name string
		row  []any
		want registry.ServiceItem // checked when errs is empty
		errs []string             // each must appear in one of the row's errors
	}{
		{name: "good row", row: goodRow("HP-001"), want: good},
		{name: "code trimmed and upper-cased, cells trimmed", row: edit(edit(goodRow(" hp-001 "), 1, "  建设项目环境影响报告表编制 "), 3, " 立项 "), want: good},
		{name: "time limit as text", row: edit(goodRow("HP-001"), 10, "30"), want: good},
		{name: "time limit with 天 and full-width digits", row: edit(goodRow("HP-001"), 10, "３０天"), want: good},
		{name: "time limit stored as 30.0", row: edit(goodRow("HP-001"), 10, 30.0), want: good},
		{name: "disabled", row: edit(goodRow("HP-001"), 11, "否"), want: with(func(it *registry.ServiceItem) { it.Enabled = false })},
		{name: "any-of", row: edit(goodRow("HP-001"), 8, "任一"), want: with(func(it *registry.ServiceItem) { it.QualMode = registry.QualAnyOf })},
		{name: "ASCII semicolons and repeats in qualifications", row: edit(goodRow("HP-001"), 7, "环境影响评价编制单位;环境工程设计；环境工程设计；"), want: good},
		{name: "no qualifications, no mode", row: edit(edit(goodRow("HP-001"), 7, ""), 8, ""),
			want: with(func(it *registry.ServiceItem) { it.Qualifications = nil; it.QualMode = registry.QualAnyOf })},
		{name: "government priced", row: edit(goodRow("HP-001"), 9, "政府定价"), want: with(func(it *registry.ServiceItem) { it.FeeBasis = registry.FeeGovernment })},

		{name: "unknown stage", row: edit(goodRow("HP-001"), 3, "审批"),
			errs: []string{"D 列“审批阶段”：审批阶段应为：立项、用地、规划报建、施工许可、竣工验收之一，填写的是“审批”"}},
		{name: "missing name", row: edit(goodRow("HP-001"), 1, "  "),
			errs: []string{"B 列“事项名称”：请填写事项名称"}},
		{name: "missing code", row: edit(goodRow("HP-001"), 0, ""),
			errs: []string{"A 列“事项编码”：请填写事项编码"}},
		{name: "code too long", row: edit(goodRow("HP-001"), 0, strings.Repeat("A", 33)),
			errs: []string{"A 列“事项编码”：请填写事项编码（32 位以内）"}},
		{name: "time limit not a number", row: edit(goodRow("HP-001"), 10, "三十"),
			errs: []string{"K 列“法定时限”：须为整数天数，“三十”不是数字"}},
		{name: "time limit fractional", row: edit(goodRow("HP-001"), 10, "2.5"),
			errs: []string{"K 列“法定时限”：须为整数天数，不能是“2.5”"}},
		{name: "time limit missing", row: edit(goodRow("HP-001"), 10, ""),
			errs: []string{"K 列“法定时限”：请填写法定时限"}},
		{name: "time limit out of range", row: edit(goodRow("HP-001"), 10, 400),
			errs: []string{"K 列“法定时限”：法定时限应为 1–365 天，填写的是“400”"}},
		{name: "bad fee basis", row: edit(goodRow("HP-001"), 9, "协商定价"),
			errs: []string{"J 列“收费方式”：收费方式应为“政府定价”或“市场调节”，填写的是“协商定价”"}},
		{name: "bad qualification mode", row: edit(goodRow("HP-001"), 8, "部分"),
			errs: []string{"I 列“资质要求方式”：资质要求方式应为“任一”或“全部”，填写的是“部分”"}},
		{name: "mode missing with several qualifications", row: edit(goodRow("HP-001"), 8, ""),
			errs: []string{"I 列“资质要求方式”：填写了多个资质要求时须注明“任一”或“全部”"}},
		{name: "bad enabled", row: edit(goodRow("HP-001"), 11, "Y"),
			errs: []string{"L 列“是否启用”：只能填写“是”或“否”，填写的是“Y”"}},
		{name: "several errors at once", row: edit(edit(goodRow("HP-001"), 3, "验收"), 10, "abc"),
			errs: []string{"D 列“审批阶段”", "K 列“法定时限”：须为整数天数，“abc”不是数字"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rows, err := ReadCatalog(bytes.NewReader(buildWorkbook(t, [][]any{headerRow(), c.row})))
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != 1 {
				t.Fatalf("rows = %d, want 1", len(rows))
			}
			r := rows[0]
			if r.Line != 2 {
				t.Errorf("line = %d, want 2", r.Line)
			}
			if len(r.Raw) != len(CatalogHeaders()) {
				t.Errorf("raw has %d cells", len(r.Raw))
			}
			if len(c.errs) == 0 {
				if !r.OK() {
					t.Fatalf("errors: %v", r.Errors)
				}
				if !reflect.DeepEqual(r.Item, c.want) {
					t.Fatalf("item\n got %+v\nwant %+v", r.Item, c.want)
				}
				return
			}
			if r.OK() {
				t.Fatalf("no errors, want %v", c.errs)
			}
			if len(r.Errors) != len(c.errs) {
				t.Errorf("errors = %q, want %d", r.Errors, len(c.errs))
			}
			for _, want := range c.errs {
				found := false
				for _, e := range r.Errors {
					found = found || strings.Contains(e, want)
				}
				if !found {
					t.Errorf("no error containing %q in %q", want, r.Errors)
				}
			}
			if len(r.BadColumns) != len(r.Errors) {
				t.Errorf("bad columns %v for errors %q", r.BadColumns, r.Errors)
			}
		})
	}
}

func TestReadCatalogFile(t *testing.T) {
	rows, err := ReadCatalog(bytes.NewReader(buildWorkbook(t, [][]any{
		{"中介服务事项清单（标题行）"},
		headerRow(),
		goodRow("A-1"),
		{},             // fully empty row: skipped
		{"", " ", ""},  // blank cells only: skipped
		goodRow("A-2"), // line 6
		goodRow("a-1"), // duplicate of line 3 (codes are case-insensitive)
		edit(goodRow("A-3"), 1, ""),
		goodRow("A-1"), // a third occurrence
	})))
	if err != nil {
		t.Fatal(err)
	}
	var lines []int
	for _, r := range rows {
		lines = append(lines, r.Line)
	}
	if !reflect.DeepEqual(lines, []int{3, 6, 7, 8, 9}) {
		t.Fatalf("lines = %v", lines)
	}
	wantOK := []bool{true, true, false, false, false}
	for i, r := range rows {
		if r.OK() != wantOK[i] {
			t.Errorf("line %d OK = %v (%q)", r.Line, r.OK(), r.Errors)
		}
	}
	for _, i := range []int{2, 4} {
		if len(rows[i].Errors) != 1 || rows[i].Errors[0] != "A 列“事项编码”：事项编码“A-1”与第 3 行重复，同一文件中每个编码只能出现一次" {
			t.Errorf("line %d errors = %q", rows[i].Line, rows[i].Errors)
		}
	}
}

func TestReadCatalogWholeFileErrors(t *testing.T) {
	wrongHeader := headerRow()
	wrongHeader[3] = "阶段"
	extraColumn := append(headerRow(), "备注")
	hintless := headerRow() // hints in brackets may be dropped
	for i, h := range hintless {
		hintless[i] = headerKey(h.(string))
	}
	many := [][]any{headerRow()}
	for i := 0; i <= MaxCatalogRows; i++ {
		many = append(many, goodRow(fmt.Sprintf("C-%d", i)))
	}
	cases := []struct {
		name   string
		file   []byte
		code   string
		msg    string
		detail string
	}{
		{"not a zip", []byte("事项编码,事项名称\nA,B\n"), "invalid_file", "文件不是有效的 Excel 工作簿（.xlsx）", ""},
		{"empty file", nil, "invalid_file", "文件不是有效的 Excel 工作簿（.xlsx）", ""},
		{"old xls signature", []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0, 0}, "invalid_file", "旧版 .xls 文件或设置了打开密码", ""},
		{"password protected", encryptedWorkbook(t), "invalid_file", "文件不是有效的 Excel 工作簿（.xlsx）：它是旧版 .xls 文件或设置了打开密码", ""},
		{"a zip that is no workbook", zipOf(t, "readme.txt", "hello"), "invalid_file", "文件不是有效的 Excel 工作簿（.xlsx）", ""},
		{"wrong header", buildWorkbook(t, [][]any{wrongHeader, goodRow("A")}), "invalid_header",
			"表头与模板不一致，请下载最新模板", "第 4 列（D 列）应为“审批阶段”，实际为“阶段”"},
		{"wrong header under a title", buildWorkbook(t, [][]any{{"标题"}, wrongHeader}), "invalid_header",
			"表头与模板不一致，请下载最新模板", "应为“审批阶段”"},
		{"header missing columns", buildWorkbook(t, [][]any{headerRow()[:5]}), "invalid_header", "", "第 6 列（F 列）应为“主管部门”，实际为空"},
		{"extra column", buildWorkbook(t, [][]any{extraColumn}), "invalid_header", "", "第 14 列（N 列）“备注”不是模板中的列"},
		{"data without header", buildWorkbook(t, [][]any{goodRow("A"), goodRow("B")}), "invalid_header", "", "应为“事项编码”，实际为“A”"},
		{"empty sheet", buildWorkbook(t, nil), "invalid_header", "", "工作表是空的"},
		{"too many rows", buildWorkbook(t, many), "too_many_rows", "一次最多导入 5000 行事项", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rows, err := ReadCatalog(bytes.NewReader(c.file))
			if err == nil {
				t.Fatalf("no error; %d rows", len(rows))
			}
			e, ok := apperr.As(err)
			if !ok || e.Kind != apperr.KindInvalid {
				t.Fatalf("err = %v, want an apperr Invalid", err)
			}
			if e.Code != c.code || !strings.Contains(e.Message, c.msg) {
				t.Errorf("code %q message %q, want %q containing %q", e.Code, e.Message, c.code, c.msg)
			}
			if c.detail != "" && !strings.Contains(e.Fields["header"], c.detail) {
				t.Errorf("detail %q, want %q", e.Fields["header"], c.detail)
			}
		})
	}

	// Exactly the limit, and headers without their bracketed hints, are fine.
	rows, err := ReadCatalog(bytes.NewReader(buildWorkbook(t, many[:MaxCatalogRows+1])))
	if err != nil || len(rows) != MaxCatalogRows {
		t.Fatalf("%d rows: %d, %v", MaxCatalogRows, len(rows), err)
	}
	rows, err = ReadCatalog(bytes.NewReader(buildWorkbook(t, [][]any{hintless, goodRow("A")})))
	if err != nil || len(rows) != 1 || !rows[0].OK() {
		t.Fatalf("short headers: %v %+v", err, rows)
	}
}

func TestCatalogTemplate(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteCatalogTemplate(&buf); err != nil {
		t.Fatal(err)
	}
	f := openBytes(t, buf.Bytes())
	if got := f.GetSheetList(); !reflect.DeepEqual(got, []string{CatalogSheet, "说明"}) {
		t.Fatalf("sheets = %v", got)
	}
	rows, err := f.GetRows(CatalogSheet)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rows[1], CatalogHeaders()) {
		t.Errorf("header = %q", rows[1])
	}
	want := CatalogHeaders()
	if want[7] != "资质要求（多个用“；”分隔）" || want[8] != "资质要求方式（任一/全部）" || want[11] != "是否启用（是/否）" {
		t.Errorf("headers = %q", want)
	}
	if !reflect.DeepEqual(rows[2], catalogExample) {
		t.Errorf("example = %q", rows[2])
	}
	dvs, err := f.GetDataValidations(CatalogSheet)
	if err != nil {
		t.Fatal(err)
	}
	lists := map[string]string{}
	for _, dv := range dvs {
		if dv.Type == "list" {
			lists[dv.Sqref] = dv.Formula1
		}
	}
	for sqref, values := range map[string]string{
		"D3:D1048576": "立项,用地,规划报建,施工许可,竣工验收",
		"I3:I1048576": "任一,全部",
		"J3:J1048576": "政府定价,市场调节",
		"L3:L1048576": "是,否",
	} {
		if got := lists[sqref]; !strings.Contains(got, values) {
			t.Errorf("drop-down %s = %q, want %q (all: %v)", sqref, got, values, lists)
		}
	}
	notes, _ := f.GetRows("说明")
	if len(notes) < 5 || !strings.Contains(notes[0][0], "导入说明") {
		t.Errorf("instructions = %q", notes)
	}

	// The untouched template imports nothing and no errors; an edited
	// example row is a real item.
	got, err := ReadCatalog(bytes.NewReader(buf.Bytes()))
	if err != nil || len(got) != 0 {
		t.Fatalf("template import: %v, %+v", err, got)
	}
	if err := f.SetCellValue(CatalogSheet, "A3", "YD-002"); err != nil {
		t.Fatal(err)
	}
	edited, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	got, err = ReadCatalog(edited)
	if err != nil || len(got) != 1 || !got[0].OK() || got[0].Item.Code != "YD-002" ||
		got[0].Item.TimeLimitDays != 20 || !got[0].Item.Enabled || got[0].Item.QualMode != registry.QualAnyOf {
		t.Fatalf("edited example: %v, %+v", err, got)
	}
}

func sampleItems() []registry.ServiceItem {
	return []registry.ServiceItem{
		{Code: "001", Name: "项目可行性研究报告编制", Category: "咨询", Stage: registry.StageInitiation,
			ApprovalMatter: "企业投资项目核准", Department: "发展和改革委员会", LegalBasis: "《企业投资项目核准和备案管理条例》",
			Qualifications: []string{"工程咨询单位甲级资信", "工程咨询单位乙级资信"}, QualMode: registry.QualAnyOf,
			FeeBasis: registry.FeeMarket, TimeLimitDays: 30, Enabled: true, Source: "省发改委"},
		{Code: "YD-007", Name: "土地勘测定界", Category: "测绘", Stage: registry.StageLandUse,
			ApprovalMatter: "建设用地审批", Department: "自然资源局", LegalBasis: "《土地管理法实施条例》第 23 条",
			Qualifications: []string{"测绘资质（不动产测绘）"}, QualMode: registry.QualAllOf,
			FeeBasis: registry.FeeGovernment, TimeLimitDays: 15, Enabled: false, Source: ""},
		{Code: "GH-3", Name: "建设工程规划放线测量 \"A\" & <B>", Stage: registry.StagePlanning,
			QualMode: registry.QualAnyOf, FeeBasis: registry.FeeMarket, TimeLimitDays: 5, Enabled: true},
		{Code: "SG-10", Name: "施工图设计文件审查", Category: "审查", Stage: registry.StageConstruction,
			ApprovalMatter: "建筑工程施工许可证核发", Department: "住房和城乡建设局", LegalBasis: "《建设工程勘察设计管理条例》；《建设工程质量管理条例》",
			Qualifications: []string{"施工图审查机构一类", "施工图审查机构二类", "消防设计审查"}, QualMode: registry.QualAllOf,
			FeeBasis: registry.FeeMarket, TimeLimitDays: 365, Enabled: true, Source: "住建部门"},
		{Code: "JG-1", Name: "建设工程竣工规划核实测量", Category: "测绘", Stage: registry.StageCompletion,
			QualMode: registry.QualAnyOf, FeeBasis: registry.FeeMarket, TimeLimitDays: 1, Enabled: true},
	}
}

func TestCatalogExportRoundTrip(t *testing.T) {
	items := sampleItems()
	exported := time.Date(2026, 4, 1, 8, 0, 0, 0, time.UTC)
	var buf bytes.Buffer
	if err := WriteCatalog(&buf, items, exported); err != nil {
		t.Fatal(err)
	}
	f := openBytes(t, buf.Bytes())
	title, _ := f.GetCellValue(CatalogSheet, "A1")
	if !strings.Contains(title, "共 5 项") || !strings.Contains(title, "导出时间：2026-04-01 16:00") {
		t.Errorf("title = %q", title)
	}
	if v, _ := f.GetCellValue(CatalogSheet, "K3"); v != "30" {
		t.Errorf("time limit cell = %q", v)
	}
	if typ, _ := f.GetCellType(CatalogSheet, "K3"); typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
		t.Errorf("time limit is not a number: %v", typ)
	}
	if v, _ := f.GetCellValue(CatalogSheet, "L4"); v != "否" {
		t.Errorf("enabled cell = %q", v)
	}
	if p, _ := f.GetPanes(CatalogSheet); !p.Freeze || p.YSplit != 2 {
		t.Errorf("panes = %+v", p)
	}

	rows, err := ReadCatalog(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(items) {
		t.Fatalf("read %d rows, want %d", len(rows), len(items))
	}
	for i, r := range rows {
		if !r.OK() {
			t.Fatalf("line %d: %q", r.Line, r.Errors)
		}
		if !reflect.DeepEqual(r.Item, items[i]) {
			t.Errorf("item %d\n got %+v\nwant %+v", i, r.Item, items[i])
		}
	}

	// An empty catalog exports a header-only file that imports as nothing.
	buf.Reset()
	if err := WriteCatalog(&buf, nil, exported); err != nil {
		t.Fatal(err)
	}
	if rows, err := ReadCatalog(&buf); err != nil || len(rows) != 0 {
		t.Fatalf("empty export: %v %+v", err, rows)
	}
}

func TestCatalogErrorWorkbook(t *testing.T) {
	upload := buildWorkbook(t, [][]any{
		headerRow(),
		goodRow("OK-1"),
		edit(goodRow("BAD-1"), 3, "审批"), // line 3
		goodRow("OK-2"),
		edit(goodRow("BAD-2"), 10, "两周"), // line 5
		goodRow("ok-1"),                  // line 6, duplicate
	})
	rows, err := ReadCatalog(bytes.NewReader(upload))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteCatalogErrors(&buf, rows); err != nil {
		t.Fatal(err)
	}
	f := openBytes(t, buf.Bytes())
	got, err := f.GetRows(CatalogSheet)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2+3 {
		t.Fatalf("%d rows, want title + header + 3 bad rows: %q", len(got), got)
	}
	if !strings.Contains(got[0][0], "共 3 行未导入") {
		t.Errorf("title = %q", got[0][0])
	}
	if h := got[1]; len(h) != 15 || h[13] != "错误原因" || h[14] != "原行号" {
		t.Errorf("header = %q", h)
	}
	want := []struct {
		code, stage, limit, err, line string
	}{
		{"BAD-1", "审批", "30", "D 列“审批阶段”", "3"},
		{"BAD-2", "立项", "两周", "K 列“法定时限”：须为整数天数，“两周”不是数字", "5"},
		{"ok-1", "立项", "30", "与第 2 行重复", "6"}, // the cell as uploaded
	}
	for i, w := range want {
		r := got[2+i]
		if r[0] != w.code || r[3] != w.stage || r[10] != w.limit || !strings.Contains(r[13], w.err) || r[14] != w.line {
			t.Errorf("error row %d = %q, want %+v", i, r, w)
		}
	}
	style := func(cell string) *excelize.Style {
		id, _ := f.GetCellStyle(CatalogSheet, cell)
		st, _ := f.GetStyle(id)
		return st
	}
	for _, cell := range []string{"N3", "N4", "N5", "D3", "K4", "A5"} {
		st := style(cell)
		if len(st.Fill.Color) == 0 || !strings.Contains(strings.ToUpper(st.Fill.Color[0]), colorAlertFill) ||
			st.Font == nil || !strings.Contains(strings.ToUpper(st.Font.Color), colorAlertFont) {
			t.Errorf("%s is not red: fill %v font %+v", cell, st.Fill.Color, st.Font)
		}
	}
	if st := style("B3"); len(st.Fill.Color) != 0 {
		t.Errorf("B3, which had no error, is filled: %v", st.Fill.Color)
	}

	// Correct the cells in the error workbook and upload it again.
	_ = f.SetCellValue(CatalogSheet, "D3", "用地")
	_ = f.SetCellValue(CatalogSheet, "K4", 14)
	_ = f.SetCellValue(CatalogSheet, "A5", "OK-3")
	fixed, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	again, err := ReadCatalog(fixed)
	if err != nil {
		t.Fatal(err)
	}
	if len(again) != 3 {
		t.Fatalf("re-upload: %d rows", len(again))
	}
	for _, r := range again {
		if !r.OK() {
			t.Errorf("re-upload line %d: %q", r.Line, r.Errors)
		}
	}
	if again[0].Item.Stage != registry.StageLandUse || again[1].Item.TimeLimitDays != 14 || again[2].Item.Code != "OK-3" {
		t.Errorf("re-upload items: %+v", again)
	}
}
