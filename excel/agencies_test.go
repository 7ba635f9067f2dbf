package excel

import (
	"bytes"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/registry"
)

func agencyHeaderRow() []any {
	var r []any
	for _, h := range AgencyHeaders() {
		r = append(r, h)
	}
	return r
}

func testUSCC(head string) string {
	c, _ := registry.USCCCheckChar(head)
	return head + string(c)
}

var (
	usccA = testUSCC("91620102MA7100AA1")
	usccB = testUSCC("91620102MA7100BB2")
)

// agencyRow is a valid row for the credit code.
func agencyRow(uscc, legacy string) []any {
	return []any{"甘肃陇原测绘有限公司", uscc, "620102", "张伟", "李娜", "0931-8123456", "lina@example.cn",
		"兰州市城关区庆阳路 100 号", "ZJ-LX-001、zj-jg-002:15",
		"测绘资质/乙级/GS-CH-001/2027-12-31；工程勘察资质（岩土）//KC-9/2021-01-01至2026-06-30", legacy, "2019-05-20"}
}

func agencyDate(s string) registry.Date {
	v, err := registry.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return v
}

func TestReadAgencyRows(t *testing.T) {
	good := registry.MigrationInput{
		Profile: registry.Profile{USCC: usccA, Name: "甘肃陇原测绘有限公司", LegalRep: "张伟", Region: "620102",
			Address: "兰州市城关区庆阳路 100 号", Contact: "李娜", Phone: "0931-8123456", Email: "lina@example.cn",
			Qualifications: []registry.Qualification{
				{Type: "测绘资质", Level: "乙级", CertNo: "GS-CH-001", ValidTo: agencyDate("2027-12-31")},
				{Type: "工程勘察资质（岩土）", CertNo: "KC-9", ValidFrom: agencyDate("2021-01-01"), ValidTo: agencyDate("2026-06-30")},
			}},
		Listings:   []registry.Listing{{ItemCode: "ZJ-LX-001"}, {ItemCode: "ZJ-JG-002", CommittedDays: 15}},
		LegacyID:   "GS-0001",
		AdmittedOn: agencyDate("2019-05-20"),
	}
	with := func(change func(*registry.MigrationInput)) registry.MigrationInput {
		in := good
		in.Profile.Qualifications = slices.Clone(good.Profile.Qualifications)
		in.Listings = slices.Clone(good.Listings)
		change(&in)
		return in
	}
	row := func() []any { return agencyRow(usccA, "GS-0001") }
	cases := []struct {
		name string
		row  []any
		want registry.MigrationInput // checked when errs is empty
		errs []string                // each must appear in one of the row's errors
	}{
		{name: "good row", row: row(), want: good},
		{name: "lower-case credit code with spaces", row: edit(row(), 1, " "+strings.ToLower(usccA[:9])+" "+strings.ToLower(usccA[9:])+" "), want: good},
		{name: "full-width credit code", row: edit(row(), 1, toFullWidth(usccA)), want: good},
		{name: "region as a number cell", row: edit(row(), 2, 620102), want: good},
		{name: "date cell", row: edit(row(), 11, 43605), want: good}, // 2019-05-20 as an Excel serial
		{name: "date in Chinese", row: edit(row(), 11, "2019年5月20日"), want: good},
		{name: "codes separated by commas and semicolons", row: edit(row(), 8, "ZJ-LX-001，ZJ-JG-002：15;ZJ-LX-001"), want: good},
		{name: "qualifications on two lines, full-width slash", row: edit(row(), 9, "测绘资质／乙级／GS-CH-001／2027/12/31\n工程勘察资质（岩土）//KC-9/2021-01-01～2026-06-30"), want: good},
		{name: "no email, contact or address", row: edit(edit(edit(row(), 6, ""), 4, ""), 7, ""),
			want: with(func(in *registry.MigrationInput) {
				in.Profile.Email, in.Profile.Contact, in.Profile.Address = "", "", ""
			})},

		{name: "missing name", row: edit(row(), 0, " "), errs: []string{"A 列“机构名称”：请填写机构名称"}},
		{name: "name too long", row: edit(row(), 0, strings.Repeat("测", 101)), errs: []string{"A 列“机构名称”：机构名称最长 100 字，填写了 101 字"}},
		{name: "missing credit code", row: edit(row(), 1, ""), errs: []string{"B 列“统一社会信用代码”：请填写统一社会信用代码"}},
		{name: "wrong check character", row: edit(row(), 1, usccA[:17]+map[bool]string{true: "1", false: "0"}[usccA[17] == '0']),
			errs: []string{"B 列“统一社会信用代码”：统一社会信用代码校验位不正确"}},
		{name: "credit code too short", row: edit(row(), 1, "9162"), errs: []string{"统一社会信用代码应为 18 位，填写的是“9162”"}},
		{name: "missing region", row: edit(row(), 2, ""), errs: []string{"C 列“注册地区划代码”：请填写注册地的 6 位行政区划代码"}},
		{name: "unknown province", row: edit(row(), 2, "990102"), errs: []string{"C 列“注册地区划代码”：行政区划代码的省级代码不存在，填写的是“990102”"}},
		{name: "missing legal representative", row: edit(row(), 3, ""), errs: []string{"D 列“法定代表人”：请填写法定代表人"}},
		{name: "phone with letters", row: edit(row(), 5, "call me"), errs: []string{"F 列“联系电话”：联系电话只能含数字"}},
		{name: "phone too long", row: edit(row(), 5, strings.Repeat("1", 31)), errs: []string{"F 列“联系电话”：联系电话最长 30 个字符"}},
		{name: "bad email", row: edit(row(), 6, "lina at example"), errs: []string{"G 列“电子邮箱”：电子邮箱格式不正确"}},
		{name: "email with a display name", row: edit(row(), 6, "李娜 <lina@example.cn>"), errs: []string{"G 列“电子邮箱”"}},
		{name: "no service item", row: edit(row(), 8, " 、 "), errs: []string{"I 列“服务事项编码”：请填写至少一个服务事项编码"}},
		{name: "committed days not a number", row: edit(row(), 8, "ZJ-LX-001:两周"), errs: []string{"I 列“服务事项编码”：服务事项“ZJ-LX-001”的承诺时限须为整数天数"}},
		{name: "committed days out of range", row: edit(row(), 8, "ZJ-LX-001:0"), errs: []string{"承诺时限应为 1–365 天"}},
		{name: "item twice with different days", row: edit(row(), 8, "ZJ-LX-001:10、ZJ-LX-001:20"), errs: []string{"服务事项“ZJ-LX-001”填写了两次，承诺时限不同"}},
		{name: "no qualification", row: edit(row(), 9, ""), errs: []string{"J 列“资质”：请填写至少一项资质"}},
		{name: "qualification with too few parts", row: edit(row(), 9, "测绘资质/乙级/GS-1"), errs: []string{"J 列“资质”：第 1 项资质“测绘资质/乙级/GS-1”应写作“类型/等级/证书编号/有效期至”"}},
		{name: "qualification without certificate", row: edit(row(), 9, "测绘资质/乙级//2027-12-31"), errs: []string{"第 1 项资质“测绘资质”缺少证书编号"}},
		{name: "qualification with a bad date", row: edit(row(), 9, "测绘资质/乙级/GS-1/2027-02-30"), errs: []string{"第 1 项资质“测绘资质”的有效期：日期“2027-02-30”不存在"}},
		{name: "qualification dates reversed", row: edit(row(), 9, "测绘资质/乙级/GS-1/2027-01-01至2026-01-01"), errs: []string{"有效期截止日期 2026-01-01 早于起始日期 2027-01-01"}},
		{name: "missing legacy ID", row: edit(row(), 10, ""), errs: []string{"K 列“原平台机构编号”：请填写原平台机构编号"}},
		{name: "legacy ID too long", row: edit(row(), 10, strings.Repeat("X", 65)), errs: []string{"K 列“原平台机构编号”：原平台机构编号最长 64 字"}},
		{name: "missing admission date", row: edit(row(), 11, ""), errs: []string{"L 列“原平台入驻日期”：请填写原平台入驻日期"}},
		{name: "admission date unreadable", row: edit(row(), 11, "去年"), errs: []string{"L 列“原平台入驻日期”：日期“去年”无法识别"}},
		{name: "admission date too early", row: edit(row(), 11, "1985-01-01"), errs: []string{"原平台入驻日期 1985-01-01 早于 1990 年"}},
		{name: "several errors at once", row: edit(edit(row(), 2, "abc"), 10, ""), errs: []string{"C 列“注册地区划代码”", "K 列“原平台机构编号”"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rows, err := ReadAgencies(bytes.NewReader(buildWorkbook(t, [][]any{agencyHeaderRow(), c.row})))
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != 1 {
				t.Fatalf("rows = %d, want 1", len(rows))
			}
			r := rows[0]
			if r.Line != 2 || len(r.Raw) != len(AgencyHeaders()) {
				t.Errorf("line %d, %d raw cells", r.Line, len(r.Raw))
			}
			if len(c.errs) == 0 {
				if !r.OK() {
					t.Fatalf("errors: %q", r.Errors)
				}
				if !reflect.DeepEqual(r.Input, c.want) {
					t.Fatalf("input\n got %+v\nwant %+v", r.Input, c.want)
				}
				return
			}
			if r.OK() {
				t.Fatalf("no errors, want %q", c.errs)
			}
			if len(r.Errors) != len(c.errs) {
				t.Errorf("errors = %q, want %d", r.Errors, len(c.errs))
			}
			for _, want := range c.errs {
				if !slices.ContainsFunc(r.Errors, func(e string) bool { return strings.Contains(e, want) }) {
					t.Errorf("no error containing %q in %q", want, r.Errors)
				}
			}
			if len(r.BadColumns) != len(r.Errors) {
				t.Errorf("bad columns %v for errors %q", r.BadColumns, r.Errors)
			}
		})
	}
}

func toFullWidth(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '!' && r <= '~' {
			return r - '!' + '！'
		}
		return r
	}, s)
}

func TestReadAgenciesFile(t *testing.T) {
	rows, err := ReadAgencies(bytes.NewReader(buildWorkbook(t, [][]any{
		{"中介机构迁移（标题行）"},
		agencyHeaderRow(),
		agencyRow(usccA, "L-1"),                  // line 3
		{},                                       // empty: skipped
		agencyRow(usccB, "L-2"),                  // line 5
		agencyRow(strings.ToLower(usccA), "L-3"), // line 6: credit code repeated
		agencyRow(testUSCC("91620102MA7100CC3"), "L-2"), // line 7: legacy ID repeated
	})))
	if err != nil {
		t.Fatal(err)
	}
	var lines []int
	for _, r := range rows {
		lines = append(lines, r.Line)
	}
	if !slices.Equal(lines, []int{3, 5, 6, 7}) {
		t.Fatalf("lines %v", lines)
	}
	if !rows[0].OK() || !rows[1].OK() {
		t.Fatalf("good rows: %q %q", rows[0].Errors, rows[1].Errors)
	}
	if len(rows[2].Errors) != 1 || !strings.Contains(rows[2].Errors[0], "B 列“统一社会信用代码”：统一社会信用代码“"+usccA+"”与第 3 行重复") {
		t.Errorf("repeated credit code: %q", rows[2].Errors)
	}
	if len(rows[3].Errors) != 1 || rows[3].Errors[0] != "K 列“原平台机构编号”：原平台机构编号“L-2”与第 5 行重复" {
		t.Errorf("repeated legacy ID: %q", rows[3].Errors)
	}

	// Whole-file problems are the shared reader's: a wrong header is one.
	wrong := agencyHeaderRow()
	wrong[9] = "资质证书"
	_, err = ReadAgencies(bytes.NewReader(buildWorkbook(t, [][]any{wrong, agencyRow(usccA, "L-1")})))
	if e, ok := apperr.As(err); !ok || e.Code != "invalid_header" || !strings.Contains(e.Fields["header"], "第 10 列（J 列）应为“资质") {
		t.Fatalf("wrong header: %v", err)
	}
}

func TestAgencyTemplate(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteAgencyTemplate(&buf); err != nil {
		t.Fatal(err)
	}
	f := openBytes(t, buf.Bytes())
	if got := f.GetSheetList(); !reflect.DeepEqual(got, []string{AgencySheet, "说明"}) {
		t.Fatalf("sheets %v", got)
	}
	rows, err := f.GetRows(AgencySheet)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rows[1], AgencyHeaders()) || !slices.Equal(rows[2], agencyExample) {
		t.Fatalf("header %q example %q", rows[1], rows[2])
	}
	for _, h := range []string{"机构名称", "统一社会信用代码", "注册地区划代码（6 位）", "法定代表人", "联系人", "联系电话", "电子邮箱", "办公地址",
		"服务事项编码（多个用“、”分隔）", "资质（类型/等级/证书编号/有效期至，多项用“；”分隔）", "原平台机构编号", "原平台入驻日期（如 2019-05-20）"} {
		if !slices.Contains(rows[1], h) {
			t.Errorf("no header %q", h)
		}
	}
	if notes, _ := f.GetRows("说明"); len(notes) < 8 || !strings.Contains(notes[0][0], "迁移导入说明") {
		t.Errorf("instructions %q", notes)
	}

	// The untouched template imports nothing; the example itself is a
	// valid row once edited.
	got, err := ReadAgencies(bytes.NewReader(buf.Bytes()))
	if err != nil || len(got) != 0 {
		t.Fatalf("template import: %v %+v", err, got)
	}
	if err := f.SetCellValue(AgencySheet, "K3", "GSZJ-000124"); err != nil {
		t.Fatal(err)
	}
	edited, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	got, err = ReadAgencies(edited)
	if err != nil || len(got) != 1 || !got[0].OK() {
		t.Fatalf("edited example: %v %+v", err, got)
	}
	in := got[0].Input
	if in.LegacyID != "GSZJ-000124" || len(in.Listings) != 2 || in.Listings[1] != (registry.Listing{ItemCode: "ZJ-LX-002", CommittedDays: 20}) ||
		len(in.Profile.Qualifications) != 2 || in.Profile.Qualifications[1].ValidFrom != agencyDate("2021-01-01") {
		t.Errorf("edited example input %+v", in)
	}
}

func TestAgencyErrorWorkbook(t *testing.T) {
	upload := buildWorkbook(t, [][]any{
		agencyHeaderRow(),
		agencyRow(usccA, "L-1"),                         // line 2: valid here, refused by the registry
		edit(agencyRow(usccB, "L-2"), 2, "99"),          // line 3: bad region
		agencyRow(testUSCC("91620102MA7100DD4"), "L-4"), // line 4: valid
	})
	rows, err := ReadAgencies(bytes.NewReader(upload))
	if err != nil {
		t.Fatal(err)
	}
	if !rows[0].OK() || rows[1].OK() || !rows[2].OK() {
		t.Fatalf("rows %+v", rows)
	}
	// What registry.ImportMigrated reports comes back to the columns.
	rows[0].Reject(apperr.Invalid().
		Field("uscc", "该统一社会信用代码的机构已在本平台自行注册").
		Field("listings[1].item_code", "服务事项不存在").
		Field("qualifications[0].valid_to", "有效期截止日期不能早于起始日期"))
	wantErrs := []string{
		"B 列“统一社会信用代码”：该统一社会信用代码的机构已在本平台自行注册",
		"I 列“服务事项编码”：服务事项“ZJ-JG-002”：服务事项不存在",
		"J 列“资质”：第 1 项资质“测绘资质”：有效期截止日期不能早于起始日期",
	}
	if !slices.Equal(rows[0].Errors, wantErrs) || !slices.Equal(rows[0].BadColumns, []int{acolUSCC, acolItems, acolQuals}) {
		t.Fatalf("rejected row: %q %v", rows[0].Errors, rows[0].BadColumns)
	}
	var buf bytes.Buffer
	if err := WriteAgencyErrors(&buf, rows); err != nil {
		t.Fatal(err)
	}
	f := openBytes(t, buf.Bytes())
	got, err := f.GetRows(AgencySheet)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2+2 || !strings.Contains(got[0][0], "共 2 行未导入") {
		t.Fatalf("error workbook %q", got)
	}
	if h := got[1]; len(h) != 14 || h[12] != "错误原因" || h[13] != "原行号" || !slices.Equal(h[:12], AgencyHeaders()) {
		t.Errorf("header %q", h)
	}
	if r := got[2]; r[1] != usccA || !strings.Contains(r[12], "服务事项“ZJ-JG-002”") || r[13] != "2" {
		t.Errorf("first error row %q", r)
	}
	if r := got[3]; r[2] != "99" || !strings.Contains(r[12], "C 列“注册地区划代码”") || r[13] != "3" {
		t.Errorf("second error row %q", r)
	}
	id, _ := f.GetCellStyle(AgencySheet, "C4")
	if st, _ := f.GetStyle(id); len(st.Fill.Color) == 0 || !strings.Contains(strings.ToUpper(st.Fill.Color[0]), colorAlertFill) {
		t.Errorf("the bad region cell is not red")
	}

	// The error workbook, corrected, uploads again as it is.
	_ = f.SetCellValue(AgencySheet, "C4", "620103")
	fixed, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	again, err := ReadAgencies(fixed)
	if err != nil || len(again) != 2 || !again[0].OK() || !again[1].OK() || again[1].Input.Profile.Region != "620103" {
		t.Fatalf("re-upload: %v %+v", err, again)
	}

	// An error without fields goes to the credit code column.
	var r AgencyRow
	r.Reject(apperr.Conflict("x", "机构已存在"))
	if len(r.Errors) != 1 || r.Errors[0] != "B 列“统一社会信用代码”：机构已存在" {
		t.Errorf("plain error: %q", r.Errors)
	}
}

// TestImportRowsMarksTheRejectedRows: only rows that read cleanly reach the
// import, in order, and a rejection lands on the row it belongs to.
func TestImportRowsMarksTheRejectedRows(t *testing.T) {
	rows := []AgencyRow{
		{Line: 2, Input: registry.MigrationInput{LegacyID: "a"}},
		{Line: 3, Errors: []string{"统一社会信用代码：格式不对"}},
		{Line: 4, Input: registry.MigrationInput{LegacyID: "c"}},
		{Line: 5, Input: registry.MigrationInput{LegacyID: "d"}},
	}
	var seen []string
	results, err := ImportRows(rows, func(in []registry.MigrationInput) ([]registry.MigrationResult, error) {
		out := make([]registry.MigrationResult, len(in))
		for i, m := range in {
			seen = append(seen, m.LegacyID)
			out[i] = registry.MigrationResult{Outcome: registry.MigrationCreated}
			if m.LegacyID == "c" {
				out[i] = registry.MigrationResult{Outcome: registry.MigrationRejected, Err: apperr.Invalid().Field("name", "名称已被占用").OrNil()}
			}
		}
		return out, nil
	})
	if err != nil || len(results) != 3 {
		t.Fatalf("%d results, %v", len(results), err)
	}
	if !slices.Equal(seen, []string{"a", "c", "d"}) {
		t.Fatalf("imported %v, want a, c, d", seen)
	}
	for _, r := range rows {
		if failed := !r.OK(); failed != (r.Line == 3 || r.Line == 4) {
			t.Errorf("row %d: errors %v", r.Line, r.Errors)
		}
	}
}
