package excel

import (
	"bytes"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/registry"
)

func holidayHeaderRow() []any {
	var r []any
	for _, h := range HolidayHeaders() {
		r = append(r, h)
	}
	return r
}

func day(s string) registry.Date {
	d, err := registry.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

const testSource = "测试用 2027 年安排"

// year2027 is a complete (made-up) year: the State Council had not
// published 2027 when these tests were written.
func year2027Rows() [][]any {
	return [][]any{
		{2027, "放假", "元旦", "2027-01-01", "2027-01-03", testSource},
		{2027, "放假", "春节", "2027-02-06", "2027-02-14", ""},
		{2027, "调休上班", "", "2027-02-20", "", ""},
		{2027, "放假", "清明节", "2027-04-03", "2027-04-05", ""},
		{2027, "调休上班", "", "2027-04-25", "", ""},
		{2027, "放假", "劳动节", "2027-05-01", "2027-05-05", ""},
		{2027, "调休上班", "", "2027-05-08", "", ""},
		{2027, "放假", "端午节", "2027-06-09", "", ""},
		{2027, "调休上班", "", "2027-09-26", "", ""},
		{2027, "放假", "国庆节、中秋节", "2027-10-01", "2027-10-07", ""},
		{2027, "调休上班", "", "2027-10-09", "", ""},
	}
}

var want2027 = hall.Year{Year: 2027, Source: testSource,
	Holidays: []hall.Holiday{
		{Name: "元旦", From: day("2027-01-01"), To: day("2027-01-03")},
		{Name: "春节", From: day("2027-02-06"), To: day("2027-02-14")},
		{Name: "清明节", From: day("2027-04-03"), To: day("2027-04-05")},
		{Name: "劳动节", From: day("2027-05-01"), To: day("2027-05-05")},
		{Name: "端午节", From: day("2027-06-09"), To: day("2027-06-09")},
		{Name: "国庆节、中秋节", From: day("2027-10-01"), To: day("2027-10-07")},
	},
	Workdays: []registry.Date{day("2027-02-20"), day("2027-04-25"), day("2027-05-08"), day("2027-09-26"), day("2027-10-09")},
}

func readHolidayRows(t *testing.T, rows ...[]any) []HolidayRow {
	t.Helper()
	got, err := ReadHolidays(bytes.NewReader(buildWorkbook(t, append([][]any{holidayHeaderRow()}, rows...))))
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestReadHolidayRow(t *testing.T) {
	excelDay := func(s string) time.Time { // what a real date cell holds
		return day(s).Start().In(time.UTC).Add(8 * time.Hour)
	}
	cases := []struct {
		name    string
		row     []any
		holiday *hall.Holiday
		workday string
		errs    []string // each must appear in one of the row's errors
	}{
		{name: "ISO dates", row: []any{2027, "放假", "春节", "2027-02-06", "2027-02-14"},
			holiday: &hall.Holiday{Name: "春节", From: day("2027-02-06"), To: day("2027-02-14")}},
		{name: "slashes, text year, padded cells", row: []any{" 2027 ", " 放假 ", " 春节 ", "2027/2/6", "2027/02/14"},
			holiday: &hall.Holiday{Name: "春节", From: day("2027-02-06"), To: day("2027-02-14")}},
		{name: "Chinese dates and 年 in the year", row: []any{"2027年", "放假", "春节", "2027年2月6日", "２０２７年２月１４日"},
			holiday: &hall.Holiday{Name: "春节", From: day("2027-02-06"), To: day("2027-02-14")}},
		{name: "Excel date cells", row: []any{2027.0, "放假", "春节", excelDay("2027-02-06"), excelDay("2027-02-14")},
			holiday: &hall.Holiday{Name: "春节", From: day("2027-02-06"), To: day("2027-02-14")}},
		{name: "one day without an end", row: []any{2027, "放假", "端午节", "2027-06-09"},
			holiday: &hall.Holiday{Name: "端午节", From: day("2027-06-09"), To: day("2027-06-09")}},
		{name: "workday", row: []any{2027, "调休上班", "", "2027-02-20"}, workday: "2027-02-20"},
		{name: "workday as a date cell, end equal to start", row: []any{2027, "调休上班", "春节", excelDay("2027-02-20"), "2027-02-20"}, workday: "2027-02-20"},
		{name: "workday as 补班", row: []any{2027, "补班", "", "2027/2/20"}, workday: "2027-02-20"},

		{name: "bad date", row: []any{2027, "放假", "春节", "二月六日", "2027-02-14"},
			errs: []string{"D 列“开始日期”：日期“二月六日”无法识别，请写作 2027-01-01 或 2027/1/1"}},
		{name: "no such day", row: []any{2027, "放假", "春节", "2027-02-06", "2027-02-30"},
			errs: []string{"E 列“结束日期”：日期“2027-02-30”不存在"}},
		{name: "unknown type", row: []any{2027, "休息", "春节", "2027-02-06", "2027-02-14"},
			errs: []string{"B 列“类型”：类型只能填写“放假”或“调休上班”，填写的是“休息”"}},
		{name: "missing type", row: []any{2027, "", "春节", "2027-02-06", "2027-02-14"},
			errs: []string{"B 列“类型”：请填写类型"}},
		{name: "end before start", row: []any{2027, "放假", "春节", "2027-02-14", "2027-02-06"},
			errs: []string{"E 列“结束日期”：结束日期 2027-02-06 早于开始日期 2027-02-14"}},
		{name: "start outside the year", row: []any{2027, "放假", "元旦", "2026-12-31", "2027-01-01"},
			errs: []string{"D 列“开始日期”：日期 2026-12-31 不在 2027 年内"}},
		{name: "end outside the year", row: []any{2027, "放假", "元旦", "2027-12-31", "2028-01-01"},
			errs: []string{"E 列“结束日期”：日期 2028-01-01 不在 2027 年内"}},
		{name: "missing name", row: []any{2027, "放假", " ", "2027-02-06", "2027-02-14"},
			errs: []string{"C 列“名称”：请填写节日名称"}},
		{name: "too long a run", row: []any{2027, "放假", "国庆节", "2027-10-01", "2027-11-07"},
			errs: []string{"E 列“结束日期”：从 2027-10-01 到 2027-11-07 共 38 天"}},
		{name: "missing start", row: []any{2027, "放假", "春节", "", "2027-02-14"},
			errs: []string{"D 列“开始日期”：请填写开始日期"}},
		{name: "missing year", row: []any{"", "放假", "春节", "2027-02-06", "2027-02-14"},
			errs: []string{"A 列“年份”：请填写年份"}},
		{name: "year not a number", row: []any{"二〇二七", "放假", "春节", "2027-02-06", "2027-02-14"},
			errs: []string{"A 列“年份”：年份应为四位数字，填写的是“二〇二七”"}},
		{name: "year out of range", row: []any{1999, "放假", "春节", "2027-02-06", "2027-02-14"},
			errs: []string{"A 列“年份”：年份应在 2000–2100 之间，填写的是“1999”"}},
		{name: "workday on a weekday", row: []any{2027, "调休上班", "", "2027-05-05"},
			errs: []string{"D 列“开始日期”：2027-05-05 是星期三，本来就是工作日"}},
		{name: "workday with a range", row: []any{2027, "调休上班", "", "2027-02-20", "2027-02-21"},
			errs: []string{"E 列“结束日期”：调休上班每行只填一天"}},
		{name: "several errors", row: []any{2027, "放假", "", "2027-13-01", "2027-02-14"},
			errs: []string{"C 列“名称”", "D 列“开始日期”：日期“2027-13-01”不存在"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// A second, valid row of days off keeps workday rows from being
			// the year's only rows.
			rows := readHolidayRows(t, c.row, []any{2027, "放假", "元旦", "2027-01-01", "2027-01-03"})
			if len(rows) != 2 {
				t.Fatalf("rows = %d", len(rows))
			}
			r := rows[0]
			if r.Line != 2 || len(r.Raw) != len(HolidayHeaders()) {
				t.Errorf("line %d, raw %q", r.Line, r.Raw)
			}
			if len(c.errs) == 0 {
				if !r.OK() || !r.Imported() {
					t.Fatalf("errors: %q (held %v)", r.Errors, r.Held)
				}
				if r.Year != 2027 {
					t.Errorf("year %d", r.Year)
				}
				if c.holiday != nil && (r.Workday || r.Holiday != *c.holiday) {
					t.Errorf("holiday %+v (workday %v), want %+v", r.Holiday, r.Workday, *c.holiday)
				}
				if c.workday != "" && (!r.Workday || r.Date != day(c.workday)) {
					t.Errorf("workday %v %v, want %s", r.Workday, r.Date, c.workday)
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
			if !rows[1].Held || rows[1].Imported() {
				t.Errorf("the valid row of a year with errors is not held: %+v", rows[1])
			}
			if ys := HolidayYears(rows); len(ys) != 0 {
				t.Errorf("years imported despite errors: %+v", ys)
			}
		})
	}
}

func TestReadHolidaysYears(t *testing.T) {
	rows := readHolidayRows(t, year2027Rows()...)
	for _, r := range rows {
		if !r.Imported() {
			t.Fatalf("line %d: %q", r.Line, r.Errors)
		}
	}
	if got := HolidayYears(rows); !reflect.DeepEqual(got, []hall.Year{want2027}) {
		t.Fatalf("years\n got %+v\nwant %+v", got, want2027)
	}

	// Row order does not matter; distinct sources are joined.
	shuffled := year2027Rows()
	shuffled[0], shuffled[10] = shuffled[10], shuffled[0]
	shuffled[3][5] = "国务院办公厅通知"
	shuffled[5][5] = testSource
	got := HolidayYears(readHolidayRows(t, shuffled...))
	want := want2027
	want.Source = "国务院办公厅通知；" + testSource
	if len(got) != 1 || !reflect.DeepEqual(got[0], want) {
		t.Fatalf("shuffled\n got %+v\nwant %+v", got, want)
	}

	// One bad row holds back its whole year, not the others.
	with2028 := append(year2027Rows(),
		[]any{2028, "放假", "元旦", "2028-01-01", "2028-01-03", "测试 2028"},
		[]any{2028, "放假", "春节", "2028-01-26", "2028-01-19", ""}, // end before start
		[]any{2028, "调休上班", "", "2028-01-29", "", ""},
	)
	rows = readHolidayRows(t, with2028...)
	if ys := HolidayYears(rows); len(ys) != 1 || ys[0].Year != 2027 {
		t.Fatalf("years %+v, want 2027 only", ys)
	}
	var held []int
	for _, r := range rows {
		if r.Held {
			held = append(held, r.Line)
		}
	}
	if !reflect.DeepEqual(held, []int{13, 15}) || rows[12].OK() {
		t.Errorf("held lines %v; line 14 errors %q", held, rows[12].Errors)
	}
}

func TestReadHolidaysYearChecks(t *testing.T) {
	base := [][]any{
		{2027, "放假", "元旦", "2027-01-01", "2027-01-03"},
		{2027, "放假", "春节", "2027-02-06", "2027-02-14"},
		{2027, "调休上班", "", "2027-02-20"},
	}
	cases := []struct {
		name string
		add  []any
		line int
		err  string
	}{
		{"overlapping days off", []any{2027, "放假", "元宵", "2027-02-14", "2027-02-15"}, 5,
			"D 列“开始日期”：放假日期与第 3 行的“春节”（2027-02-06 至 2027-02-14）重叠"},
		{"repeated workday", []any{2027, "调休上班", "", "2027/2/20"}, 5, "调休上班日 2027-02-20 与第 4 行重复"},
		{"workday inside days off", []any{2027, "调休上班", "", "2027-02-13"}, 5,
			"调休上班日 2027-02-13 在第 3 行“春节”的放假期间（2027-02-06 至 2027-02-14）内"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rows := readHolidayRows(t, append(append([][]any(nil), base...), c.add)...)
			r := rows[len(rows)-1]
			if r.Line != c.line || len(r.Errors) != 1 || !strings.Contains(r.Errors[0], c.err) {
				t.Fatalf("line %d errors %q, want %q", r.Line, r.Errors, c.err)
			}
			for _, o := range rows[:len(rows)-1] {
				if !o.OK() || !o.Held {
					t.Errorf("line %d: errors %q held %v", o.Line, o.Errors, o.Held)
				}
			}
			if ys := HolidayYears(rows); len(ys) != 0 {
				t.Errorf("imported %+v", ys)
			}
		})
	}

	// A year of working days only is a mistake: its days off are missing.
	rows := readHolidayRows(t, []any{2027, "调休上班", "", "2027-02-20"}, []any{2027, "调休上班", "", "2027-02-21"})
	if rows[0].OK() || !strings.Contains(rows[0].Errors[0], "2027 年只有调休上班、没有放假的行") || !rows[1].Held {
		t.Errorf("workdays only: %+v", rows)
	}
	// A bad row whose year cannot be told holds back every year.
	rows = readHolidayRows(t, append(year2027Rows(), []any{"明年", "放假", "元旦", "下个月"})...)
	if ys := HolidayYears(rows); len(ys) != 0 || !rows[0].Held {
		t.Errorf("a row of unknown year: %+v", ys)
	}
	// A bad 年份 with a readable date belongs to the date's year.
	rows = readHolidayRows(t, append(year2027Rows(), []any{"2O28", "放假", "元旦", "2028-01-01"})...)
	if ys := HolidayYears(rows); len(ys) != 1 || ys[0].Year != 2027 || rows[11].Year != 2028 {
		t.Errorf("bad year cell: %+v, row year %d", ys, rows[11].Year)
	}
}

func TestReadHolidaysWholeFileErrors(t *testing.T) {
	wrong := holidayHeaderRow()
	wrong[1] = "种类"
	many := [][]any{holidayHeaderRow()}
	for i := 0; i <= MaxHolidayRows; i++ {
		many = append(many, []any{2027, "放假", "元旦", "2027-01-01"})
	}
	cases := []struct {
		name, code, msg, detail string
		file                    []byte
	}{
		{"not a zip", "invalid_file", "文件不是有效的 Excel 工作簿", "", []byte("年份,类型\n")},
		{"old xls", "invalid_file", "旧版 .xls 文件", "", encryptedWorkbook(t)},
		{"wrong header", "invalid_header", "表头与模板不一致", "第 2 列（B 列）应为“类型（放假/调休上班）”，实际为“种类”",
			buildWorkbook(t, [][]any{wrong})},
		{"catalog file", "invalid_header", "表头与模板不一致", "应为“年份”，实际为“事项编码”", buildWorkbook(t, [][]any{headerRow(), goodRow("A")})},
		{"empty sheet", "invalid_header", "", "工作表是空的", buildWorkbook(t, nil)},
		{"header only", "no_rows", "文件中没有节假日安排", "", buildWorkbook(t, [][]any{{"标题"}, holidayHeaderRow(), {}})},
		{"too many rows", "too_many_rows", "一次最多导入 2000 行", "", buildWorkbook(t, many)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rows, err := ReadHolidays(bytes.NewReader(c.file))
			e, ok := apperr.As(err)
			if !ok || e.Kind != apperr.KindInvalid {
				t.Fatalf("err = %v (%d rows), want apperr Invalid", err, len(rows))
			}
			if e.Code != c.code || !strings.Contains(e.Message, c.msg) || !strings.Contains(e.Fields["header"], c.detail) {
				t.Errorf("code %q message %q detail %q", e.Code, e.Message, e.Fields["header"])
			}
		})
	}
}

func TestHolidayTemplate(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteHolidayTemplate(&buf); err != nil {
		t.Fatal(err)
	}
	f := openBytes(t, buf.Bytes())
	if got := f.GetSheetList(); !reflect.DeepEqual(got, []string{HolidaySheet, "说明"}) {
		t.Fatalf("sheets = %v", got)
	}
	rows, _ := f.GetRows(HolidaySheet)
	if len(rows) != 2 || !reflect.DeepEqual(rows[1], HolidayHeaders()) {
		t.Fatalf("template rows = %q", rows)
	}
	dvs, _ := f.GetDataValidations(HolidaySheet)
	if len(dvs) != 1 || dvs[0].Sqref != "B3:B1048576" || !strings.Contains(dvs[0].Formula1, "放假,调休上班") {
		t.Errorf("drop-downs %+v", dvs)
	}
	notes, _ := f.GetRows("说明")
	text := fmt.Sprint(notes)
	for _, want := range []string{"节假日安排导入说明", "平台已内置 2025、2026 年的安排", "示例：2026 年的完整安排",
		"2026｜放假｜春节｜2026-02-15｜2026-02-23", "2026｜调休上班｜｜2026-02-14｜", "国办发明电〔2025〕7号"} {
		if !strings.Contains(text, want) {
			t.Errorf("instructions lack %q", want)
		}
	}
	if _, err := ReadHolidays(bytes.NewReader(buf.Bytes())); apperr.KindOf(err) != apperr.KindInvalid {
		t.Errorf("the empty template imports: %v", err)
	}
	// Filled in, the template imports.
	for i, r := range year2027Rows() {
		if err := f.SetSheetRow(HolidaySheet, fmt.Sprintf("A%d", i+3), &r); err != nil {
			t.Fatal(err)
		}
	}
	filled, _ := f.WriteToBuffer()
	got, err := ReadHolidays(filled)
	if err != nil || !reflect.DeepEqual(HolidayYears(got), []hall.Year{want2027}) {
		t.Fatalf("filled template: %v %+v", err, HolidayYears(got))
	}
}

func TestHolidayExportRoundTrip(t *testing.T) {
	years := append(hall.NewCalendar().Years(), want2027)
	if len(years) != 3 {
		t.Fatalf("built-in years: %d", len(years))
	}
	var buf bytes.Buffer
	if err := WriteHolidays(&buf, years); err != nil {
		t.Fatal(err)
	}
	f := openBytes(t, buf.Bytes())
	sheet, _ := f.GetRows(HolidaySheet)
	if !strings.Contains(sheet[0][0], "2025–2027 年，共 3 个年份") || !reflect.DeepEqual(sheet[1], HolidayHeaders()) {
		t.Errorf("title %q header %q", sheet[0], sheet[1])
	}
	// Date order within a year: 元旦, then the working Sunday before 春节.
	if got := sheet[2][:5]; !reflect.DeepEqual(got, []string{"2025", "放假", "元旦", "2025-01-01", "2025-01-01"}) {
		t.Errorf("first row %q", got)
	}
	if got := sheet[3]; got[1] != "调休上班" || got[3] != "2025-01-26" || got[4] != "" {
		t.Errorf("second row %q", got)
	}
	rows, err := ReadHolidays(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if !r.Imported() {
			t.Fatalf("line %d: %q", r.Line, r.Errors)
		}
	}
	if got := HolidayYears(rows); !reflect.DeepEqual(got, years) {
		t.Fatalf("round trip\n got %+v\nwant %+v", got, years)
	}

	buf.Reset()
	if err := WriteHolidays(&buf, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadHolidays(&buf); apperr.KindOf(err) != apperr.KindInvalid {
		t.Errorf("empty export: %v", err)
	}
}

func TestHolidayErrorWorkbook(t *testing.T) {
	in := append(year2027Rows(), // lines 2–12
		[]any{2028, "放假", "元旦", "2028-01-01", "2028-01-03", "测试 2028"}, // 13
		[]any{2028, "放假", "春节", "2028-01-26", "2028-01-19", ""},        // 14: end before start
		[]any{2028, "调休上班", "", "2028-01-26", "", ""},                  // 15: a Wednesday
	)
	rows := readHolidayRows(t, in...)
	var buf bytes.Buffer
	if err := WriteHolidayErrors(&buf, rows); err != nil {
		t.Fatal(err)
	}
	f := openBytes(t, buf.Bytes())
	got, _ := f.GetRows(HolidaySheet)
	if len(got) != 2+3 {
		t.Fatalf("%d rows, want title + header + the 3 rows of 2028: %q", len(got), got)
	}
	if !strings.Contains(got[0][0], "2 行有误") {
		t.Errorf("title %q", got[0][0])
	}
	if h := got[1]; len(h) != 8 || h[6] != "错误原因" || h[7] != "原行号" {
		t.Errorf("header %q", h)
	}
	if r := got[2]; r[2] != "元旦" || !strings.Contains(r[6], "本行无误") || r[7] != "13" {
		t.Errorf("held row %q", r)
	}
	if r := got[3]; !strings.Contains(r[6], "E 列“结束日期”：结束日期 2028-01-19 早于开始日期 2028-01-26") || r[7] != "14" {
		t.Errorf("bad row %q", r)
	}
	if r := got[4]; !strings.Contains(r[6], "星期三") || r[7] != "15" {
		t.Errorf("bad row %q", r)
	}
	for _, cell := range []string{"E4", "D5", "G4"} {
		id, _ := f.GetCellStyle(HolidaySheet, cell)
		st, _ := f.GetStyle(id)
		if len(st.Fill.Color) == 0 || !strings.Contains(strings.ToUpper(st.Fill.Color[0]), colorAlertFill) {
			t.Errorf("%s is not red", cell)
		}
	}

	// Corrected in place, the error workbook imports 2028 whole.
	_ = f.SetCellValue(HolidaySheet, "E4", "2028-02-02")
	_ = f.SetCellValue(HolidaySheet, "D5", "2028-02-05")
	fixed, _ := f.WriteToBuffer()
	again, err := ReadHolidays(fixed)
	if err != nil {
		t.Fatal(err)
	}
	ys := HolidayYears(again)
	if len(ys) != 1 || ys[0].Year != 2028 || len(ys[0].Holidays) != 2 || len(ys[0].Workdays) != 1 || ys[0].Source != "测试 2028" {
		t.Fatalf("re-upload: %+v (rows %+v)", ys, again)
	}
}

// hall.ValidateYear's field errors land on the rows and columns concerned.
func TestApplyYearErrors(t *testing.T) {
	rows := make([]HolidayRow, 4)
	for i := range rows {
		rows[i].Line = i + 2
		rows[i].Raw = make([]string, holidayColumnCount)
	}
	err := apperr.Invalid().
		Field("holidays[1].name", "请填写节日名称").
		Field("holidays[0].to", "放假结束日期不能早于开始日期").
		Field("workdays[0]", "2027-02-13 同时是放假日").
		Field("year", "年份应在 2000–2100 之间")
	// Rows 0 and 2 are days off, row 3 a working day, row 1 held elsewhere.
	applyYearErrors(rows, []int{0, 2, 3}, []int{0, 2}, []int{3}, err)
	want := map[int][]string{
		0: {"A 列“年份”：年份应在 2000–2100 之间", "E 列“结束日期”：放假结束日期不能早于开始日期"},
		2: {"A 列“年份”：年份应在 2000–2100 之间", "C 列“名称”：请填写节日名称"},
		3: {"A 列“年份”：年份应在 2000–2100 之间", "D 列“开始日期”：2027-02-13 同时是放假日"},
	}
	for i, r := range rows {
		got := append([]string(nil), r.Errors...)
		sort.Strings(got)
		if !reflect.DeepEqual(got, want[i]) && !(len(got) == 0 && want[i] == nil) {
			t.Errorf("row %d errors %q, want %q", i, got, want[i])
		}
		if len(r.BadColumns) != len(r.Errors) {
			t.Errorf("row %d: columns %v", i, r.BadColumns)
		}
	}
	applyYearErrors(rows, []int{1}, nil, nil, fmt.Errorf("boom"))
	if rows[1].OK() {
		t.Error("a plain error was dropped")
	}
}
