package server

import (
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/excel"
	"github.com/agencyhall/agencyhall/files"
	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/web"
)

// 节假日安排: the holiday calendar every working-day deadline is counted
// with — public to read, imported from Excel by admins, a year at a time.

const tagCalendar = "节假日安排"

// calendarImportMaxBody bounds the import upload: one workbook of at most
// files.MaxSize and the multipart framing.
const calendarImportMaxBody = files.MaxSize + maxFormOverhead

type holidayDTO struct {
	Name string `json:"name"`
	From string `json:"from"` // YYYY-MM-DD
	To   string `json:"to"`   // YYYY-MM-DD, inclusive
	Days int    `json:"days"`
}

type calendarYearDTO struct {
	Year     int          `json:"year"`
	Source   string       `json:"source"`
	Holidays []holidayDTO `json:"holidays"`
	// Workdays are the weekend days that are working days (调休上班).
	Workdays []string `json:"workdays"`
}

type calendarResponse struct {
	Years []calendarYearDTO `json:"years"`
	// MissingYears are this year and next when no arrangement is loaded:
	// only weekends count as days off there until an admin imports one.
	MissingYears []int `json:"missing_years"`
}

func toCalendarYear(y hall.Year) calendarYearDTO {
	out := calendarYearDTO{Year: y.Year, Source: y.Source, Holidays: []holidayDTO{}, Workdays: []string{}}
	for _, h := range y.Holidays {
		out.Holidays = append(out.Holidays, holidayDTO{Name: h.Name, From: h.From.String(), To: h.To.String(), Days: h.From.DaysUntil(h.To) + 1})
	}
	sort.Slice(out.Holidays, func(i, j int) bool { return out.Holidays[i].From < out.Holidays[j].From })
	for _, d := range y.Workdays {
		out.Workdays = append(out.Workdays, d.String())
	}
	sort.Strings(out.Workdays)
	return out
}

var exampleCalendar = calendarResponse{
	Years: []calendarYearDTO{{Year: 2026, Source: "国务院办公厅关于2026年部分节假日安排的通知（国办发明电〔2025〕7号）",
		Holidays: []holidayDTO{{Name: "元旦", From: "2026-01-01", To: "2026-01-03", Days: 3}, {Name: "春节", From: "2026-02-15", To: "2026-02-23", Days: 9}},
		Workdays: []string{"2026-01-04", "2026-02-14", "2026-02-28"}}},
	MissingYears: []int{2027},
}

type calendarRowError struct {
	Line     int      `json:"line"`
	Year     int      `json:"year,omitempty"`
	Messages []string `json:"messages"`
}

type calendarImportResponse struct {
	YearsImported []int `json:"years_imported"`
	// YearsRejected have at least one bad row: none of their rows is imported.
	YearsRejected []int              `json:"years_rejected"`
	Rows          int                `json:"rows"`
	Invalid       int                `json:"invalid"`
	Errors        []calendarRowError `json:"errors"`
}

var exampleCalendarImport = calendarImportResponse{YearsImported: []int{2027}, YearsRejected: []int{2028}, Rows: 14, Invalid: 1,
	Errors: []calendarRowError{{Line: 15, Year: 2028, Messages: []string{"E 列“结束日期”：结束日期 2028-01-19 早于开始日期 2028-01-26"}}}}

// Counts that go out as headers with the error workbook.
const (
	headerImportYears    = "X-Import-Years"
	headerImportRejected = "X-Import-Rejected"
	headerImportRows     = "X-Import-Rows"
)

func (h *handlers) calendar(c *gin.Context) {
	cal := h.Hall.Calendar
	out := calendarResponse{Years: []calendarYearDTO{}, MissingYears: []int{}}
	for _, y := range cal.Years() {
		out.Years = append(out.Years, toCalendarYear(y))
	}
	this := h.now().In(registry.Shanghai).Year()
	out.MissingYears = append(out.MissingYears, cal.MissingYears(this, this+1)...)
	c.JSON(http.StatusOK, out)
}

func (h *handlers) calendarTemplate(c *gin.Context) {
	sendWorkbookBytes(c, "节假日安排导入模板.xlsx", "holiday template", excel.WriteHolidayTemplate)
}

func (h *handlers) exportCalendar(c *gin.Context) {
	sendWorkbookBytes(c, "节假日安排-"+h.now().In(registry.Shanghai).Format("20060102")+".xlsx", "holiday export",
		func(w io.Writer) error { return excel.WriteHolidays(w, h.Hall.Calendar.Years()) })
}

// importCalendar imports the years of an uploaded workbook whose rows are
// all valid (each replaces that year's arrangement) and reports the bad
// rows: in JSON, or with ?format=xlsx as the error workbook when there are
// any (every row of the rejected years, counts in X-Import-* headers).
func (h *handlers) importCalendar(c *gin.Context) {
	name, rows, xlsx, ok := readImport(c, excel.ReadHolidays)
	if !ok {
		return
	}
	years := excel.HolidayYears(rows)
	out := calendarImportResponse{YearsImported: []int{}, YearsRejected: []int{}, Rows: len(rows), Errors: []calendarRowError{}}
	rejected := map[int]bool{}
	for _, r := range rows {
		if !r.Imported() && r.Year != 0 && !rejected[r.Year] {
			rejected[r.Year] = true
			out.YearsRejected = append(out.YearsRejected, r.Year)
		}
		if r.OK() {
			continue
		}
		out.Invalid++
		out.Errors = append(out.Errors, calendarRowError{Line: r.Line, Year: r.Year, Messages: r.Errors})
	}
	sort.Ints(out.YearsRejected)
	errBook, ok := importErrorBook(c, xlsx && out.Invalid > 0, "holiday import errors",
		func(w io.Writer) error { return excel.WriteHolidayErrors(w, rows) })
	if !ok {
		return
	}
	if len(years) > 0 {
		if err := h.Hall.ImportCalendar(c, actorOf(web.PrincipalOf(c)), years); err != nil {
			web.Fail(c, err)
			return
		}
	}
	for _, y := range years {
		out.YearsImported = append(out.YearsImported, y.Year)
	}
	web.Audit(c, "calendar", fmt.Sprintf("导入节假日安排「%s」：导入 %s，未导入 %s，共 %d 行，有误 %d 行",
		name, yearList(out.YearsImported), yearList(out.YearsRejected), out.Rows, out.Invalid))
	answerImport(c, out, errBook, "节假日安排导入错误.xlsx", map[string]string{
		headerImportYears: joinInts(out.YearsImported), headerImportRejected: joinInts(out.YearsRejected),
		headerImportRows: strconv.Itoa(out.Rows), headerImportInvalid: strconv.Itoa(out.Invalid)})
}

// yearList is "2027、2028 年", or "无".
func yearList(ys []int) string {
	if len(ys) == 0 {
		return "无"
	}
	s := make([]string, len(ys))
	for i, y := range ys {
		s[i] = strconv.Itoa(y)
	}
	return strings.Join(s, "、") + " 年"
}

func joinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ",")
}
