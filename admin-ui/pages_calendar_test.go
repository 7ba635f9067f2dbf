package adminui_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/agencyhall/agencyhall/excel"
	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/registry"
)

// holidayWorkbook builds an upload in the holiday template's layout.
func holidayWorkbook(t *testing.T, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	var header []any
	for _, h := range excel.HolidayHeaders() {
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

// A made-up 2027 (not published when this test was written).
var calendar2027 = [][]any{
	{2027, "放假", "元旦", "2027-01-01", "2027-01-03", "测试用 2027 年安排 https://www.gov.cn/example"},
	{2027, "放假", "春节", "2027-02-06", "2027-02-14"},
	{2027, "调休上班", "", "2027-02-20"},
	{2027, "放假", "国庆节", "2027-10-01", "2027-10-07"},
	{2027, "调休上班", "", "2027-10-09"},
}

func TestCalendarPages(t *testing.T) {
	e := newEnv(t)
	e.Hall.Calendars = e.Hall.Store.(hall.CalendarStore)
	e.Clock.Set(time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC))
	e.admin()
	e.regulator("reg")

	// The public page: the built-in years, and the warning about 2027.
	p := e.browser().get("/calendar")
	wantStatus(t, p, http.StatusOK)
	wantContains(t, p, "<h1>节假日安排</h1>", "2026 年", "本年", "春节", `<time datetime="2026-02-15">2月15日（周日）</time> 至 <time datetime="2026-02-23">2月23日（周一）</time>`,
		`<time datetime="2026-02-14">2月14日（周六）</time>`, "2027 年的节假日安排尚未载入", "2025 年",
		`<a href="https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm" rel="noopener noreferrer">`)
	wantNotContains(t, p, "管理节假日安排", "csrf_token\" value=\"\"")

	reg := e.browser()
	reg.login("reg", testPassword)
	wantStatus(t, reg.get("/admin/calendar"), http.StatusForbidden)
	wantNotContains(t, reg.get("/workspace"), `href="/admin/calendar"`)

	b := e.browser()
	b.login("admin", testPassword)
	p = b.get("/admin/calendar")
	wantStatus(t, p, http.StatusOK)
	wantContains(t, p, `<a href="/admin/calendar" aria-current="page">节假日安排</a>`, "2027 年的节假日安排尚未载入",
		`action="/admin/calendar/import"`, "2026 年")
	wantContains(t, b.get("/calendar"), "管理节假日安排")

	tpl := b.get("/admin/calendar/template.xlsx")
	wantStatus(t, tpl, http.StatusOK)
	if rows := readSheet(t, []byte(tpl.Body), excel.HolidaySheet); len(rows) != 2 {
		t.Errorf("template rows %q", rows)
	}

	// No file, then a file that is not a workbook.
	p = b.postMultipart("/admin/calendar/import", nil)
	wantStatus(t, p, http.StatusBadRequest)
	wantContains(t, p, `id="f-file-error">请选择要上传的 Excel 文件（.xlsx）</p>`)
	p = b.postMultipart("/admin/calendar/import", nil, upload{"file", "x.xlsx", []byte(testPDF)})
	wantStatus(t, p, http.StatusBadRequest)
	wantContains(t, p, "文件不是有效的 Excel 工作簿")

	// 2027 imports and applies at once; a bad 2028 does not.
	rows := append(append([][]any(nil), calendar2027...),
		[]any{2028, "放假", "元旦", "2028-01-01", "2028-01-03"},
		[]any{2028, "放假", "春节", "2028-01-26", "2028-01-19"},
	)
	p = b.postMultipart("/admin/calendar/import", nil, upload{"file", "两年.xlsx", holidayWorkbook(t, rows)})
	wantStatus(t, p, http.StatusOK)
	wantContains(t, p, "导入结果：两年.xlsx", `<span class="stat-value num">2027</span>`, `<span class="stat-value num">2028</span>`,
		"E 列“结束日期”：结束日期 2028-01-19 早于开始日期 2028-01-26", `href="/admin/calendar/import/errors.xlsx"`,
		`<time datetime="2027-02-06">2月6日（周六）</time>`)
	wantNotContains(t, p, "2027 年的节假日安排尚未载入")
	cal := e.Hall.Calendar
	if cal.IsWorkday(registry.Date{Y: 2027, M: 2, D: 8}) || !cal.IsWorkday(registry.Date{Y: 2027, M: 2, D: 20}) || cal.Known(2028) {
		t.Error("2027 not applied, or 2028 applied")
	}
	errs := b.get("/admin/calendar/import/errors.xlsx")
	wantStatus(t, errs, http.StatusOK)
	if got := readSheet(t, []byte(errs.Body), excel.HolidaySheet); len(got) != 4 || !strings.Contains(got[3][6], "早于开始日期") {
		t.Errorf("error workbook %q", got)
	}
	// The catalog's error download is a separate one.
	wantStatus(t, b.get("/admin/catalog/import/errors.xlsx"), http.StatusNotFound)

	p = e.browser().get("/calendar")
	wantContains(t, p, "2027 年", "测试用 2027 年安排 ", `<a href="https://www.gov.cn/example"`, "国庆节")
	wantNotContains(t, p, "尚未载入")

	exp := b.get("/admin/calendar/export.xlsx")
	wantStatus(t, exp, http.StatusOK)
	if got := readSheet(t, []byte(exp.Body), excel.HolidaySheet); !strings.Contains(fmt.Sprint(got), "2027 调休上班  2027-10-09") {
		t.Errorf("export %q", got)
	}
	// Re-importing the export changes nothing.
	before := cal.Years()
	p = b.postMultipart("/admin/calendar/import", nil, upload{"file", "导出.xlsx", []byte(exp.Body)})
	wantContains(t, p, "全部年份均已导入")
	if after := cal.Years(); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("re-import changed the calendar:\n%v\n%v", before, after)
	}
}
