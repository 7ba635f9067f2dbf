package adminui

import (
	"fmt"
	"io"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/excel"
	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/web"
)

// 节假日安排: the holiday calendar every working-day deadline of the hall is
// counted with. The public page shows it; admins import a year at a time
// from Excel (the excel package's rules: a year with a bad row is not
// imported at all).

// calendarRoutes declares the calendar pages.
func (u *ui) calendarRoutes(app *web.App) {
	admin := web.Roles(auth.RoleAdmin)
	for _, r := range []web.Route{
		{Method: http.MethodGet, Path: "/calendar", Access: web.Public(), Summary: "节假日安排", Handler: u.publicCalendar},
		{Method: http.MethodGet, Path: "/admin/calendar", Access: admin, Summary: "节假日安排管理", Handler: u.adminCalendar},
		{Method: http.MethodPost, Path: "/admin/calendar/import", Access: admin, Summary: "从 Excel 导入节假日安排", Action: "calendar.import",
			Handler: u.importCalendar, MaxBody: importMaxBody},
		{Method: http.MethodGet, Path: "/admin/calendar/import/errors.xlsx", Access: admin, Summary: "下载节假日安排导入错误行", Handler: u.calendarErrorsDownload},
		{Method: http.MethodGet, Path: "/admin/calendar/template.xlsx", Access: admin, Summary: "下载节假日安排导入模板", Handler: u.calendarTemplate},
		{Method: http.MethodGet, Path: "/admin/calendar/export.xlsx", Access: admin, Summary: "导出节假日安排", Handler: u.exportCalendar},
	} {
		r.Page = true
		r.Tag = "页面"
		app.Handle(r)
	}
}

// calendarYearView is one loaded year as the pages show it.
type calendarYearView struct {
	Year     int
	Current  bool
	Source   []sourcePart
	Holidays []holidayView
	Workdays []dayView
	DaysOff  int
}

type holidayView struct {
	Name     string
	From, To dayView
	Days     int
}

type dayView struct {
	ISO   string // 2026-02-15
	Label string // 2月15日（周日）
}

// sourcePart is a piece of a source: plain text, or a web address.
type sourcePart struct{ Text, URL string }

var sourceURL = regexp.MustCompile(`https?://[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+`)

func sourceParts(s string) []sourcePart {
	var out []sourcePart
	for s != "" {
		loc := sourceURL.FindStringIndex(s)
		if loc == nil {
			out = append(out, sourcePart{Text: s})
			break
		}
		if loc[0] > 0 {
			out = append(out, sourcePart{Text: s[:loc[0]]})
		}
		out = append(out, sourcePart{URL: s[loc[0]:loc[1]]})
		s = s[loc[1]:]
	}
	return out
}

var shortWeekdays = [...]string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}

func dayOf(d registry.Date) dayView {
	return dayView{ISO: d.String(), Label: fmt.Sprintf("%d月%d日（%s）", d.M, d.D, shortWeekdays[d.Start().Weekday()])}
}

// calendarYears lists the loaded years, the latest first.
func calendarYears(cal *hall.Calendar, thisYear int) []calendarYearView {
	years := cal.Years()
	out := make([]calendarYearView, 0, len(years))
	for i := len(years) - 1; i >= 0; i-- {
		y := years[i]
		v := calendarYearView{Year: y.Year, Current: y.Year == thisYear, Source: sourceParts(y.Source)}
		hs := append([]hall.Holiday(nil), y.Holidays...)
		sort.SliceStable(hs, func(i, j int) bool { return hs[i].From.Before(hs[j].From) })
		for _, h := range hs {
			n := h.From.DaysUntil(h.To) + 1
			v.DaysOff += n
			v.Holidays = append(v.Holidays, holidayView{Name: h.Name, From: dayOf(h.From), To: dayOf(h.To), Days: n})
		}
		ws := append([]registry.Date(nil), y.Workdays...)
		sort.Slice(ws, func(i, j int) bool { return ws[i].Before(ws[j]) })
		for _, d := range ws {
			v.Workdays = append(v.Workdays, dayOf(d))
		}
		out = append(out, v)
	}
	return out
}

// calendarPage is the public page.
type calendarPage struct {
	Years   []calendarYearView
	Missing []int
	Manage  bool
}

func (u *ui) thisYear() int { return u.Now().In(shanghai).Year() }

func (u *ui) publicCalendar(c *gin.Context) {
	cal := u.Hall.Calendar
	y := u.thisYear()
	p := calendarPage{Years: calendarYears(cal, y), Missing: cal.MissingYears(y, y+1),
		Manage: web.PrincipalOf(c).Role == auth.RoleAdmin}
	u.render(c, http.StatusOK, "calendar", view{Title: "节假日安排", Data: p})
}

// adminCalendarPage is the admins' page: the loaded years, the import form
// and, after an upload, its result.
type adminCalendarPage struct {
	Years   []calendarYearView
	Missing []int
	Form    *form
	Result  *calendarImportResult
	MaxRows int
}

// calendarImportResult is what one upload did.
type calendarImportResult struct {
	File               string
	Imported, Rejected []int
	Rows, Invalid      int
	Errors             []excel.HolidayRow // the first bad rows, shown on the page
}

func (r *calendarImportResult) YearList(ys []int) string {
	s := make([]string, len(ys))
	for i, y := range ys {
		s[i] = strconv.Itoa(y)
	}
	return strings.Join(s, "、")
}

func (u *ui) showAdminCalendar(c *gin.Context, status int, p adminCalendarPage) {
	if p.Form == nil {
		p.Form = newForm()
	}
	y := u.thisYear()
	p.Years = calendarYears(u.Hall.Calendar, y)
	p.Missing = u.Hall.Calendar.MissingYears(y, y+1)
	p.MaxRows = excel.MaxHolidayRows
	u.render(c, status, "admin_calendar", view{Title: "节假日安排", Section: "calendar", Data: p})
}

func (u *ui) adminCalendar(c *gin.Context) {
	u.showAdminCalendar(c, http.StatusOK, adminCalendarPage{})
}

// calendarErrorKey keeps the calendar's error workbook apart from the
// catalog's in the per-user store.
func calendarErrorKey(c *gin.Context) string { return "calendar:" + web.PrincipalOf(c).UserID }

func (u *ui) importCalendar(c *gin.Context) {
	name, rows, problem, err := readImport(c, excel.ReadHolidays)
	if err != nil {
		web.Fail(c, err)
		return
	}
	if problem != "" {
		u.showAdminCalendar(c, http.StatusBadRequest, adminCalendarPage{Form: uploadProblemForm(problem)})
		return
	}
	years := excel.HolidayYears(rows)
	res := &calendarImportResult{File: name, Rows: len(rows)}
	rejected := map[int]bool{}
	for _, row := range rows {
		if !row.Imported() && row.Year != 0 && !rejected[row.Year] {
			rejected[row.Year] = true
			res.Rejected = append(res.Rejected, row.Year)
		}
		if !row.OK() {
			res.Invalid++
			if len(res.Errors) < maxShownErrors {
				res.Errors = append(res.Errors, row)
			}
		}
	}
	sort.Ints(res.Rejected)
	if res.Invalid > 0 {
		err := u.keepErrorBook(calendarErrorKey(c), func(w io.Writer) error { return excel.WriteHolidayErrors(w, rows) })
		if err != nil {
			web.Fail(c, err)
			return
		}
	}
	if len(years) > 0 {
		if err := u.Hall.ImportCalendar(c.Request.Context(), actor(c), years); err != nil {
			web.Fail(c, err)
			return
		}
	}
	for _, y := range years {
		res.Imported = append(res.Imported, y.Year)
	}
	list := func(ys []int) string {
		if len(ys) == 0 {
			return "无"
		}
		return res.YearList(ys) + " 年"
	}
	web.Audit(c, "calendar", fmt.Sprintf("导入节假日安排「%s」：导入 %s，未导入 %s，共 %d 行，错误 %d 行",
		name, list(res.Imported), list(res.Rejected), res.Rows, res.Invalid))
	// Shown directly rather than redirected: the result belongs to this upload.
	u.showAdminCalendar(c, http.StatusOK, adminCalendarPage{Result: res})
}

func (u *ui) calendarErrorsDownload(c *gin.Context) {
	u.sendErrorBook(c, calendarErrorKey(c), "节假日安排导入错误")
}

func (u *ui) calendarTemplate(c *gin.Context) {
	sendWorkbookBytes(c, "节假日安排导入模板.xlsx", excel.WriteHolidayTemplate)
}

func (u *ui) exportCalendar(c *gin.Context) {
	sendWorkbookBytes(c, "节假日安排-"+stamp(u.Now())+".xlsx", func(w io.Writer) error {
		return excel.WriteHolidays(w, u.Hall.Calendar.Years())
	})
}
