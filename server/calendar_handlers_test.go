package server

import (
	"bytes"
	"context"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/excel"
	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/registry"
)

// newCalendarEnv is the hall's API with imported years stored in the
// database and the API on the hall's clock (2026-11-26).
func newCalendarEnv(t *testing.T) *hallEnv {
	t.Helper()
	h := newHallEnv(t)
	h.hall.Calendars = h.store.Hall()
	h.app = newTestWeb(h.env, h.clk.now, h.hall.PublicGeneration)
	Register(h.app, Deps{Auth: h.auth, Audit: h.audit, Catalog: h.catalog, Registry: h.registry, Files: h.files, Hall: h.hall,
		Version: "test", Ping: h.store.Ping, Now: h.clk.now})
	return h
}

// holidayWorkbook builds an upload with the holiday template's header.
func holidayWorkbook(t *testing.T, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", excel.HolidaySheet); err != nil {
		t.Fatal(err)
	}
	var header []any
	for _, h := range excel.HolidayHeaders() {
		header = append(header, h)
	}
	for i, r := range append([][]any{header}, rows...) {
		if err := f.SetSheetRow(excel.HolidaySheet, "A"+strconv.Itoa(i+1), &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// rows2027 is a complete, made-up 2027 (the State Council had not
// published it when this was written).
var rows2027 = [][]any{
	{2027, "放假", "元旦", "2027-01-01", "2027-01-03", "测试用 2027 年安排"},
	{2027, "放假", "春节", "2027/2/6", "2027/2/14", ""},
	{2027, "调休上班", "", "2027-02-20", "", ""},
	{2027, "放假", "清明节", "2027-04-03", "2027-04-05", ""},
	{2027, "放假", "劳动节", "2027-05-01", "2027-05-05", ""},
	{2027, "调休上班", "", "2027-04-25", "", ""},
	{2027, "调休上班", "", "2027-05-08", "", ""},
	{2027, "放假", "端午节", "2027-06-09", "", ""},
	{2027, "放假", "国庆节、中秋节", "2027-10-01", "2027-10-07", ""},
	{2027, "调休上班", "", "2027-09-26", "", ""},
	{2027, "调休上班", "", "2027-10-09", "", ""},
}

func calDay(s string) registry.Date {
	d, err := registry.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestCalendarImport(t *testing.T) {
	h := newCalendarEnv(t)
	admin := h.loggedIn("admin1", auth.RoleAdmin)
	anon := h.client()

	var before calendarResponse
	anon.do("GET", "/api/v1/calendar", nil).want(http.StatusOK).decode(&before)
	if len(before.Years) != 2 || before.Years[0].Year != 2025 || before.Years[1].Year != 2026 ||
		!reflect.DeepEqual(before.MissingYears, []int{2027}) {
		t.Fatalf("built-in calendar: %+v", before)
	}
	if y := before.Years[1]; !strings.Contains(y.Source, "国办发明电〔2025〕7号") || len(y.Holidays) != 7 ||
		y.Holidays[1] != (holidayDTO{Name: "春节", From: "2026-02-15", To: "2026-02-23", Days: 9}) || y.Workdays[0] != "2026-01-04" {
		t.Errorf("2026: %+v", y)
	}
	if rows := sheetRows(t, anon.do("GET", "/api/v1/calendar/template.xlsx", nil).want(http.StatusOK), excel.HolidaySheet); len(rows) != 2 {
		t.Errorf("template rows %q", rows)
	}
	// Before the import a day of the 2027 spring festival is a working day.
	cal := h.hall.Calendar
	if !cal.IsWorkday(calDay("2027-02-08")) || cal.IsWorkday(calDay("2027-02-20")) {
		t.Fatal("2027 is not counted by weekends only before the import")
	}

	file := holidayWorkbook(t, rows2027)
	var out calendarImportResponse
	admin.upload("/api/v1/admin/calendar/import", "file", "2027年节假日.xlsx", file, nil).want(http.StatusOK).decode(&out)
	if !reflect.DeepEqual(out.YearsImported, []int{2027}) || len(out.YearsRejected) != 0 || out.Rows != 11 || out.Invalid != 0 || len(out.Errors) != 0 {
		t.Fatalf("import %+v", out)
	}

	var after calendarResponse
	anon.do("GET", "/api/v1/calendar", nil).want(http.StatusOK).decode(&after)
	if len(after.Years) != 3 || len(after.MissingYears) != 0 {
		t.Fatalf("after import: %+v", after)
	}
	y := after.Years[2]
	if y.Year != 2027 || y.Source != "测试用 2027 年安排" || len(y.Holidays) != 6 ||
		y.Holidays[1] != (holidayDTO{Name: "春节", From: "2027-02-06", To: "2027-02-14", Days: 9}) ||
		!reflect.DeepEqual(y.Workdays, []string{"2027-02-20", "2027-04-25", "2027-05-08", "2027-09-26", "2027-10-09"}) {
		t.Errorf("2027: %+v", y)
	}
	// The hall's working-day arithmetic uses it at once.
	if cal.IsWorkday(calDay("2027-02-08")) || !cal.IsWorkday(calDay("2027-02-20")) || !cal.IsWorkday(calDay("2027-02-15")) {
		t.Error("the imported 2027 is not applied")
	}
	if got := cal.AddWorkdays(calDay("2027-02-05"), 1); got != calDay("2027-02-15") {
		t.Errorf("one working day after 2027-02-05 is %v, want 2027-02-15", got)
	}
	// It is stored: a restarted hall loads it.
	restarted := hall.NewService(hall.Config{Store: h.store.Hall(), Calendars: h.store.Hall()})
	if err := restarted.LoadCalendar(context.Background()); err != nil || !restarted.Calendar.Known(2027) ||
		restarted.Calendar.IsWorkday(calDay("2027-10-04")) {
		t.Fatalf("after a restart: known %v, err %v", restarted.Calendar.Known(2027), err)
	}

	// Importing the same file again, or the export, changes nothing.
	admin.upload("/api/v1/admin/calendar/import", "file", "2027年节假日.xlsx", file, nil).want(http.StatusOK).decode(&out)
	export := anon.do("GET", "/api/v1/calendar/export.xlsx", nil).want(http.StatusOK)
	if rows := sheetRows(t, export, excel.HolidaySheet); len(rows) < 3 || !strings.Contains(rows[0][0], "2025–2027 年") {
		t.Errorf("export rows %q", rows)
	}
	admin.upload("/api/v1/admin/calendar/import", "file", "导出.xlsx", export.Body.Bytes(), nil).want(http.StatusOK).decode(&out)
	if !reflect.DeepEqual(out.YearsImported, []int{2025, 2026, 2027}) || out.Invalid != 0 {
		t.Errorf("re-import of the export: %+v", out)
	}
	var again calendarResponse
	anon.do("GET", "/api/v1/calendar", nil).want(http.StatusOK).decode(&again)
	if !reflect.DeepEqual(again, after) {
		t.Errorf("re-import changed the calendar\n got %+v\nwant %+v", again, after)
	}

	// Only admins import.
	owner := h.loggedIn("owner1", auth.RoleOwner)
	owner.upload("/api/v1/admin/calendar/import", "file", "x.xlsx", file, nil).want(http.StatusForbidden)
	reg := h.loggedIn("reg1", auth.RoleRegulator)
	reg.upload("/api/v1/admin/calendar/import", "file", "x.xlsx", file, nil).want(http.StatusForbidden)
	anon.upload("/api/v1/admin/calendar/import", "file", "x.xlsx", file, nil).want(http.StatusUnauthorized)
}

func TestCalendarImportErrors(t *testing.T) {
	h := newCalendarEnv(t)
	admin := h.loggedIn("admin1", auth.RoleAdmin)

	rows := append([][]any(nil), rows2027...)
	rows = append(rows,
		[]any{2028, "放假", "元旦", "2028-01-01", "2028-01-03", "测试 2028"}, // line 13
		[]any{2028, "放假", "春节", "2028-01-26", "2028-01-19", ""},        // line 14: end before start
		[]any{2028, "调休上班", "", "2028-01-26", "", ""},                  // line 15: a Wednesday
		[]any{2028, "假期", "清明节", "2028-04-02", "2028-04-04", ""},       // line 16: unknown type
	)
	file := holidayWorkbook(t, rows)
	var out calendarImportResponse
	admin.upload("/api/v1/admin/calendar/import", "file", "两年.xlsx", file, nil).want(http.StatusOK).decode(&out)
	if !reflect.DeepEqual(out.YearsImported, []int{2027}) || !reflect.DeepEqual(out.YearsRejected, []int{2028}) ||
		out.Rows != 15 || out.Invalid != 3 || len(out.Errors) != 3 {
		t.Fatalf("import %+v", out)
	}
	want := []struct {
		line int
		msg  string
	}{
		{14, "E 列“结束日期”：结束日期 2028-01-19 早于开始日期 2028-01-26"},
		{15, "D 列“开始日期”：2028-01-26 是星期三"},
		{16, "B 列“类型”：类型只能填写“放假”或“调休上班”，填写的是“假期”"},
	}
	for i, w := range want {
		e := out.Errors[i]
		if e.Line != w.line || e.Year != 2028 || len(e.Messages) != 1 || !strings.Contains(e.Messages[0], w.msg) {
			t.Errorf("error %d = %+v, want line %d %q", i, e, w.line, w.msg)
		}
	}
	cal := h.hall.Calendar
	if !cal.Known(2027) || cal.Known(2028) || cal.IsWorkday(calDay("2027-02-08")) {
		t.Fatal("2027 should be imported and nothing of 2028")
	}
	if !cal.IsWorkday(calDay("2028-01-03")) { // a Monday: 元旦 of 2028 was on a valid row of a rejected year
		t.Error("a valid row of a rejected year was applied")
	}
	var got []int
	if err := h.store.Hall().EachCalendarYear(context.Background(), func(y hall.Year) error { got = append(got, y.Year); return nil }); err != nil ||
		!reflect.DeepEqual(got, []int{2027}) {
		t.Errorf("stored years %v, %v", got, err)
	}

	// As a workbook: every row of 2028, the counts in headers.
	r := admin.upload("/api/v1/admin/calendar/import?format=xlsx", "file", "两年.xlsx", file, nil).want(http.StatusOK)
	if r.Header().Get(headerImportYears) != "2027" || r.Header().Get(headerImportRejected) != "2028" ||
		r.Header().Get(headerImportInvalid) != "3" || r.Header().Get(headerImportRows) != "15" {
		t.Errorf("headers %v", r.Header())
	}
	sheet := sheetRows(t, r, excel.HolidaySheet)
	if len(sheet) != 2+4 || sheet[2][7] != "13" || !strings.Contains(sheet[2][6], "本行无误") || sheet[5][7] != "16" {
		t.Errorf("error workbook %q", sheet)
	}
	// Without errors, ?format=xlsx answers JSON.
	admin.upload("/api/v1/admin/calendar/import?format=xlsx", "file", "2027.xlsx", holidayWorkbook(t, rows2027), nil).
		want(http.StatusOK).decode(&out)
	if out.Invalid != 0 || !reflect.DeepEqual(out.YearsImported, []int{2027}) {
		t.Errorf("clean import as xlsx: %+v", out)
	}

	// Whole-file errors.
	e := admin.upload("/api/v1/admin/calendar/import", "file", "a.pdf", samplePDF, nil).want(http.StatusBadRequest).errBody()
	if e.Code != "invalid_file" {
		t.Errorf("a PDF: %+v", e)
	}
	e = admin.upload("/api/v1/admin/calendar/import", "file", "catalog.xlsx", catalogWorkbook(t, nil), nil).want(http.StatusBadRequest).errBody()
	if e.Code != "invalid_header" || !strings.Contains(e.Fields["header"], "应为“年份”") {
		t.Errorf("a catalog file: %+v", e)
	}
	e = admin.upload("/api/v1/admin/calendar/import", "file", "empty.xlsx", holidayWorkbook(t, nil), nil).want(http.StatusBadRequest).errBody()
	if e.Code != "no_rows" {
		t.Errorf("no rows: %+v", e)
	}
	admin.upload("/api/v1/admin/calendar/import?format=csv", "file", "2027.xlsx", file, nil).want(http.StatusBadRequest)
	big := bytes.Repeat([]byte{'x'}, 10<<20+1)
	admin.upload("/api/v1/admin/calendar/import", "file", "big.xlsx", big, nil).want(http.StatusBadRequest)
	if cal.Known(2028) {
		t.Error("2028 appeared")
	}
}
