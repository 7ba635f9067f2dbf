package excel

import (
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/registry"
)

// The holiday calendar (节假日安排) workbook: one row per run of days off
// (放假) or per adjusted working weekend day (调休上班). A year is imported
// as a whole — it replaces that year's arrangement — so a year with any bad
// row is not imported at all, and its error workbook carries every row of
// that year for a complete re-upload.

// HolidaySheet is the data sheet of the holiday template, exports and
// error workbooks.
const HolidaySheet = "节假日安排"

// MaxHolidayRows is the most data rows one holiday import accepts.
const MaxHolidayRows = 2000

// The two row types, as written in the 类型 column.
const (
	HolidayKindOff  = "放假"
	HolidayKindWork = "调休上班"
)

// maxHolidaySpan bounds one run of days off: the longest official run is
// nine days, so a month means a mistyped end date.
const maxHolidaySpan = 31

// Holiday columns, in template order.
const (
	hcolYear = iota
	hcolKind
	hcolName
	hcolFrom
	hcolTo
	hcolSource
	holidayColumnCount
)

var holidayColumns = []templateColumn{
	{"年份", Column{Header: "年份", Width: 8, Kind: Int}},
	{"类型", Column{Header: "类型（放假/调休上班）", Width: 14, Choices: []string{HolidayKindOff, HolidayKindWork}}},
	{"名称", Column{Header: "名称（放假填写节日名称）", Width: 18}},
	{"开始日期", Column{Header: "开始日期（如 2027-01-01）", Width: 16}},
	{"结束日期", Column{Header: "结束日期（调休上班留空）", Width: 16}},
	{"来源", Column{Header: "来源（通知名称、文号或网址）", Width: 48}},
}

// HolidayHeaders returns the template's header row.
func HolidayHeaders() []string { return templateHeaders(holidayColumns) }

// HolidayRow is one data row of an uploaded holiday workbook.
type HolidayRow struct {
	Line int // row number in the worksheet (1-based, as Excel shows it)
	// Year is the row's year: the 年份 cell, or when that does not read,
	// the start date's year; 0 when neither reads.
	Year int
	// Workday marks an adjusted working day (调休上班); otherwise the row
	// is a run of days off (放假).
	Workday bool
	Holiday hall.Holiday  // the days off; meaningful when OK and not Workday
	Date    registry.Date // the working day; meaningful when OK and Workday
	Source  string
	Raw     []string // the cells as uploaded (dates read from date cells as YYYY-MM-DD)
	Errors  []string // Chinese messages, each naming its column; empty means valid
	// BadColumns are the 0-based template columns the errors refer to.
	BadColumns []int
	// Held marks a valid row whose year is not imported because another
	// row of that year has errors.
	Held bool
}

// OK reports whether the row itself parsed without errors.
func (r HolidayRow) OK() bool { return len(r.Errors) == 0 }

// Imported reports whether the row's year is imported (HolidayYears).
func (r HolidayRow) Imported() bool { return r.OK() && !r.Held }

// Kind is the row's type as the template writes it.
func (r HolidayRow) Kind() string {
	if r.Workday {
		return HolidayKindWork
	}
	return HolidayKindOff
}

func (r *HolidayRow) fail(col int, msg string) {
	r.Errors = append(r.Errors, cellError(holidayColumns, col, msg))
	r.BadColumns = append(r.BadColumns, col)
}

func (r *HolidayRow) hasError(col int) bool { return slices.Contains(r.BadColumns, col) }

// WriteHolidayTemplate writes the downloadable import template: the data
// sheet with its header and the 类型 drop-down, and a 说明 sheet with the
// rules and one complete example year (the latest built-in one).
func WriteHolidayTemplate(w io.Writer) error {
	wb := NewWorkbook()
	defer wb.Close()
	t, err := wb.AddTable(Sheet{
		Name:    HolidaySheet,
		Title:   "节假日安排导入模板（请勿修改第 1、2 行；从第 3 行起每行填写一段放假或一个调休上班日，填写示例见“说明”工作表）",
		Columns: sheetColumns(holidayColumns),
	})
	if err != nil {
		return err
	}
	if err := t.Close(); err != nil {
		return err
	}
	if err := wb.AddNotes("说明", "节假日安排导入说明", holidayInstructions()); err != nil {
		return err
	}
	_, err = wb.WriteTo(w)
	return err
}

func holidayInstructions() []string {
	builtin := hall.NewCalendar().Years()
	var names []string
	for _, y := range builtin {
		names = append(names, strconv.Itoa(y.Year))
	}
	lines := []string{
		"1. 在“节假日安排”工作表中从第 3 行起填写。第 1 行标题、第 2 行表头请勿修改、删除或调整顺序。",
		"2. 每行一条：类型为“放假”的行填写一段连续的放假日期——节日名称、开始日期和结束日期（只放一天时结束日期可留空）；" +
			"类型为“调休上班”的行填写一个需要上班的周六或周日，只填开始日期，名称和结束日期留空。",
		"3. 年份填写四位数字，如 2027。每行的日期都须在该年份之内；跨年的放假（如元旦从上一年 12 月 31 日开始）分两行，分别填在两个年份下。",
		"4. 日期可写作 2027-01-01、2027/1/1 或 2027年1月1日，也可以是 Excel 的日期格式单元格。",
		"5. 导入以年份为单位：文件中出现的每个年份，都以本文件的内容整体替换平台中该年份原有的安排，所以请一次填写该年份的全部放假和调休上班安排。文件中没有出现的年份不受影响。同一文件重复导入不会改变任何数据。",
		"6. 同一年份中只要有一行有误，该年份整年不导入（避免只导入一部分安排）；其他年份照常导入。系统会返回错误文件，其中包含未导入年份的全部行，“错误原因”列写明原因；在该文件中改正后可直接重新上传。",
		"7. 来源：填写国务院办公厅通知的名称、文号或网址，会在公开的节假日安排页面上展示。同一年份填写一行即可，各行填写不同来源时合并展示。",
		fmt.Sprintf("8. 平台已内置 %s 年的安排。国务院办公厅通常在每年 11 月前后发布下一年的安排，发布后请及时导入；某年份没有安排时，系统只把周六、周日当作休息日计算工作日，并提醒管理员导入。",
			strings.Join(names, "、")),
		fmt.Sprintf("9. 每次最多导入 %d 行。也可以导出平台现有的安排（与本模板格式相同），修改后直接导入。", MaxHolidayRows),
	}
	if len(builtin) == 0 {
		return lines
	}
	ex := builtin[len(builtin)-1]
	lines = append(lines,
		fmt.Sprintf("示例：%d 年的完整安排（每行依次为 年份｜类型｜名称｜开始日期｜结束日期）：", ex.Year))
	for _, r := range yearRows(ex) {
		lines = append(lines, strings.Join([]string{strconv.Itoa(ex.Year), r.kind, r.name, r.from, r.to}, "｜"))
	}
	if ex.Source != "" {
		lines = append(lines, "来源（填在该年份的任一行）："+ex.Source)
	}
	return lines
}

// yearRow is one row of a year as the template writes it.
type yearRow struct {
	kind, name, from, to string
	at                   registry.Date
}

// yearRows lists a year's days off and working days in date order.
func yearRows(y hall.Year) []yearRow {
	var rows []yearRow
	for _, h := range y.Holidays {
		rows = append(rows, yearRow{kind: HolidayKindOff, name: h.Name, from: h.From.String(), to: h.To.String(), at: h.From})
	}
	for _, d := range y.Workdays {
		rows = append(rows, yearRow{kind: HolidayKindWork, from: d.String(), at: d})
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].at.Before(rows[j].at) })
	return rows
}

// WriteHolidays exports years in the template's layout, each year's days
// off and working days in date order with its source on every row, so the
// file imports again unchanged.
func WriteHolidays(w io.Writer, years []hall.Year) error {
	years = append([]hall.Year(nil), years...)
	sort.Slice(years, func(i, j int) bool { return years[i].Year < years[j].Year })
	title := "节假日安排（没有已载入的年份）"
	if n := len(years); n > 0 {
		title = fmt.Sprintf("节假日安排（%d–%d 年，共 %d 个年份）", years[0].Year, years[n-1].Year, n)
	}
	wb := NewWorkbook()
	defer wb.Close()
	t, err := wb.AddTable(Sheet{Name: HolidaySheet, Title: title, Columns: sheetColumns(holidayColumns)})
	if err != nil {
		return err
	}
	for _, y := range years {
		for _, r := range yearRows(y) {
			var to any
			if r.to != "" {
				to = r.to
			}
			if err := t.Row(y.Year, r.kind, r.name, r.from, to, y.Source); err != nil {
				return err
			}
		}
	}
	if err := t.Close(); err != nil {
		return err
	}
	_, err = wb.WriteTo(w)
	return err
}

// HolidayYears groups the imported rows into years: the years none of
// whose rows has an error, each with its days off and working days in date
// order and the distinct sources of its rows joined by "；".
func HolidayYears(rows []HolidayRow) []hall.Year {
	byYear := map[int]*hall.Year{}
	for _, r := range rows {
		if !r.Imported() {
			continue
		}
		y := byYear[r.Year]
		if y == nil {
			y = &hall.Year{Year: r.Year}
			byYear[r.Year] = y
		}
		if r.Workday {
			y.Workdays = append(y.Workdays, r.Date)
		} else {
			y.Holidays = append(y.Holidays, r.Holiday)
		}
		if r.Source != "" && !containsSource(y.Source, r.Source) {
			if y.Source != "" {
				y.Source += "；"
			}
			y.Source += r.Source
		}
	}
	out := make([]hall.Year, 0, len(byYear))
	for _, y := range byYear {
		sort.SliceStable(y.Holidays, func(i, j int) bool { return y.Holidays[i].From.Before(y.Holidays[j].From) })
		sort.Slice(y.Workdays, func(i, j int) bool { return y.Workdays[i].Before(y.Workdays[j]) })
		out = append(out, *y)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Year < out[j].Year })
	return out
}

func containsSource(joined, s string) bool {
	for _, p := range strings.Split(joined, "；") {
		if p == s {
			return true
		}
	}
	return joined == s
}

// WriteHolidayErrors writes the rows of the years that were not imported:
// the rows with errors, their cells as uploaded and the bad cells in red,
// and the valid rows of the same years, so that the corrected file holds
// whole years and can be uploaded again as it is. An error column (错误原因)
// and the original row number follow the template's columns.
func WriteHolidayErrors(w io.Writer, rows []HolidayRow) error {
	bad := 0
	var held []errorRow
	for _, r := range rows {
		if r.Imported() {
			continue
		}
		reason := "（本行无误；同一年份有错误的行，整年未导入）"
		if !r.OK() {
			bad++
			reason = strings.Join(r.Errors, "；\n")
		}
		held = append(held, errorRow{line: r.Line, raw: r.Raw, bad: r.BadColumns, reason: reason})
	}
	cols := uploadedColumns(holidayColumns)
	cols[hcolKind].Choices = []string{HolidayKindOff, HolidayKindWork}
	return writeErrorRows(w, HolidaySheet,
		fmt.Sprintf("节假日安排导入错误（%d 行有误，所在年份整年未导入；本文件含这些年份的全部行，按“错误原因”改正后可直接重新上传）",
			bad),
		cols, held)
}

// ReadHolidays parses an uploaded holiday workbook: the 节假日安排 sheet
// (or else the first), whose header must be the template's, in row 1 or in
// row 2 under a title row. Every non-empty data row comes back, valid or
// not; rows are then checked year by year (no overlapping days off, no
// repeated working day, hall.ValidateYear), and the valid rows of a year
// with errors are marked Held. HolidayYears collects what may be imported.
// An error is returned only for the file as a whole: not an xlsx workbook,
// a wrong header, no data rows, or more than MaxHolidayRows (apperr Invalid).
func ReadHolidays(r io.Reader) ([]HolidayRow, error) {
	var rows []HolidayRow
	err := readRows(r, importSpec{
		sheet:   HolidaySheet,
		columns: holidayColumns,
		maxRows: MaxHolidayRows,
		tooMany: fmt.Sprintf("一次最多导入 %d 行节假日安排，本文件超过了上限，请分批导入", MaxHolidayRows),
	}, func(in importRow) {
		rows = append(rows, parseHolidayRow(in.line, in.raw, in.date1904))
	})
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, apperr.InvalidMsg("no_rows", "文件中没有节假日安排：请从第 3 行起填写，每行一段放假或一个调休上班日")
	}
	checkHolidayYears(rows)
	return rows, nil
}

var weekdayNames = [...]string{"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"}

// WeekdayName is the Chinese name of a date's day of the week.
func WeekdayName(d registry.Date) string { return weekdayNames[d.Start().Weekday()] }

func parseHolidayRow(line int, raw []string, date1904 bool) HolidayRow {
	row := HolidayRow{Line: line, Raw: raw}
	cell := func(i int) string { return strings.TrimSpace(raw[i]) }

	year, yearOK := 0, false
	switch v := cell(hcolYear); {
	case v == "":
		row.fail(hcolYear, "请填写年份（四位数字，如 2027）")
	default:
		n, ok := parseYear(v)
		switch {
		case !ok:
			row.fail(hcolYear, fmt.Sprintf("年份应为四位数字，填写的是“%s”", v))
		case n < 2000 || n > 2100:
			row.fail(hcolYear, fmt.Sprintf("年份应在 2000–2100 之间，填写的是“%s”", v))
		default:
			year, yearOK = n, true
		}
	}
	row.Year = year

	kindOK := true
	switch v := cell(hcolKind); v {
	case HolidayKindOff, "休假", "假日", "节假日":
	case HolidayKindWork, "上班", "补班", "调休补班":
		row.Workday = true
	case "":
		kindOK = false
		row.fail(hcolKind, "请填写类型：“放假”或“调休上班”")
	default:
		kindOK = false
		row.fail(hcolKind, fmt.Sprintf("类型只能填写“放假”或“调休上班”，填写的是“%s”", v))
	}

	inYear := func(col int, d registry.Date) bool {
		if yearOK && d.Y != year {
			row.fail(col, fmt.Sprintf("日期 %s 不在 %d 年内（跨年的放假请分两行，分别填在两个年份下）", d, year))
			return false
		}
		return true
	}
	readDate := func(col int) (registry.Date, bool) {
		d, fromSerial, msg := parseCellDate(cell(col), date1904)
		if msg != "" {
			row.fail(col, msg)
			return registry.Date{}, false
		}
		if fromSerial {
			raw[col] = d.String() // a date cell reads as a serial number; show the date
		}
		return d, true
	}

	var from registry.Date
	fromOK := false
	if cell(hcolFrom) == "" {
		row.fail(hcolFrom, "请填写开始日期（如 2027-01-01）")
	} else if d, ok := readDate(hcolFrom); ok {
		from, fromOK = d, true
		if row.Year == 0 {
			row.Year = d.Y // a bad 年份 cell: the row still belongs to a year
		}
		fromOK = inYear(hcolFrom, d)
	}
	row.Source = cell(hcolSource)
	if n := utf8.RuneCountInString(row.Source); n > 500 {
		row.fail(hcolSource, fmt.Sprintf("来源最长 500 字，填写了 %d 字", n))
	}
	if !kindOK {
		return row
	}

	if row.Workday {
		if to := cell(hcolTo); to != "" {
			d, fromSerial, msg := parseCellDate(to, date1904)
			if fromSerial && msg == "" {
				raw[hcolTo] = d.String()
			}
			if msg != "" || !fromOK || d != from {
				row.fail(hcolTo, "调休上班每行只填一天：结束日期请留空（多个调休上班日分多行填写）")
			}
		}
		if fromOK {
			if wd := from.Start().Weekday(); wd != time.Saturday && wd != time.Sunday {
				row.fail(hcolFrom, fmt.Sprintf("%s 是%s，本来就是工作日；调休上班只填需要上班的周六或周日", from, WeekdayName(from)))
			} else {
				row.Date = from
			}
		}
		return row
	}

	name := cell(hcolName)
	switch n := utf8.RuneCountInString(name); {
	case n == 0:
		row.fail(hcolName, "请填写节日名称，如“春节”")
	case n > 50:
		row.fail(hcolName, fmt.Sprintf("节日名称最长 50 字，填写了 %d 字", n))
	}
	to, toOK := from, fromOK
	if cell(hcolTo) != "" {
		if d, ok := readDate(hcolTo); ok {
			to, toOK = d, inYear(hcolTo, d)
		} else {
			toOK = false
		}
	}
	if fromOK && toOK {
		switch days := from.DaysUntil(to) + 1; {
		case to.Before(from):
			row.fail(hcolTo, fmt.Sprintf("结束日期 %s 早于开始日期 %s", to, from))
		case days > maxHolidaySpan:
			row.fail(hcolTo, fmt.Sprintf("从 %s 到 %s 共 %d 天，一段放假不会超过 %d 天，请检查结束日期", from, to, days, maxHolidaySpan))
		}
	}
	row.Holiday = hall.Holiday{Name: name, From: from, To: to}
	return row
}

// parseYear reads a year: 2027, ２０２７, 2027年 or 2027.0.
func parseYear(s string) (int, bool) {
	s = strings.TrimSpace(strings.TrimSuffix(fullWidthDigits(s), "年"))
	if n, err := strconv.Atoi(s); err == nil {
		return n, true
	}
	if x, err := strconv.ParseFloat(s, 64); err == nil && x == math.Trunc(x) && x > 0 && x < 10000 {
		return int(x), true
	}
	return 0, false
}

func fullWidthDigits(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return '0' + (r - '０')
		case r == '．':
			return '.'
		case r == '／':
			return '/'
		case r == '－':
			return '-'
		}
		return r
	}, s)
}

var datePattern = regexp.MustCompile(`^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$`)

// parseCellDate reads a date cell: text such as 2027-01-01, 2027/1/1 or
// 2027年1月1日, or the serial number of an Excel date cell (fromSerial).
// msg is a Chinese message when it does not read.
func parseCellDate(s string, date1904 bool) (d registry.Date, fromSerial bool, msg string) {
	bad := fmt.Sprintf("日期“%s”无法识别，请写作 2027-01-01 或 2027/1/1", s)
	norm := strings.TrimSpace(fullWidthDigits(s))
	if m := datePattern.FindStringSubmatch(norm); m != nil {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		day, _ := strconv.Atoi(m[3])
		t := time.Date(y, time.Month(mo), day, 12, 0, 0, 0, time.UTC)
		if mo < 1 || mo > 12 || t.Day() != day {
			return registry.Date{}, false, fmt.Sprintf("日期“%s”不存在", s)
		}
		return registry.Date{Y: y, M: time.Month(mo), D: day}, false, ""
	}
	if x, err := strconv.ParseFloat(norm, 64); err == nil {
		// Serial 1 is 1900-01-01; 2958465 is 9999-12-31.
		if x < 1 || x > 2958465 || math.IsNaN(x) {
			return registry.Date{}, false, bad
		}
		t, err := excelize.ExcelDateToTime(math.Floor(x), date1904)
		if err != nil {
			return registry.Date{}, false, bad
		}
		y, m, day := t.Date()
		return registry.Date{Y: y, M: m, D: day}, true, ""
	}
	return registry.Date{}, false, bad
}

// checkHolidayYears checks the valid rows of each year together: no two
// runs of days off overlap, no working day repeats, every year has days
// off, and hall.ValidateYear passes (its field errors go to the rows and
// columns concerned). Then the valid rows of years with errors are Held.
func checkHolidayYears(rows []HolidayRow) {
	byYear := map[int][]int{} // year → indexes of valid rows
	var years []int
	onlyWork := map[int]bool{} // every row of the year, valid or not, is a working day
	for i := range rows {
		y := rows[i].Year
		if w, seen := onlyWork[y]; !seen || w {
			onlyWork[y] = rows[i].Workday
		}
		if !rows[i].OK() {
			continue
		}
		if _, seen := byYear[y]; !seen {
			years = append(years, y)
		}
		byYear[y] = append(byYear[y], i)
	}
	for _, y := range years {
		idx := byYear[y]
		var year hall.Year
		year.Year = y
		var holRows, dayRows []int
		workdayLine := map[registry.Date]int{}
		for _, i := range idx {
			r := &rows[i]
			if r.Workday {
				if first, dup := workdayLine[r.Date]; dup {
					r.fail(hcolFrom, fmt.Sprintf("调休上班日 %s 与第 %d 行重复", r.Date, first))
					continue
				}
				workdayLine[r.Date] = r.Line
				year.Workdays = append(year.Workdays, r.Date)
				dayRows = append(dayRows, i)
				continue
			}
			clash := -1
			for k, h := range year.Holidays {
				if !r.Holiday.To.Before(h.From) && !h.To.Before(r.Holiday.From) {
					clash = k
					break
				}
			}
			if clash >= 0 {
				h, other := year.Holidays[clash], rows[holRows[clash]]
				r.fail(hcolFrom, fmt.Sprintf("放假日期与第 %d 行的“%s”（%s 至 %s）重叠", other.Line, h.Name, h.From, h.To))
				continue
			}
			year.Holidays = append(year.Holidays, r.Holiday)
			holRows = append(holRows, i)
		}
		// A working day inside days off: say which run (ValidateYear only
		// says that it is one).
		kept, keptDays := dayRows[:0:0], year.Workdays[:0:0]
		for k, i := range dayRows {
			r := &rows[i]
			for hk, h := range year.Holidays {
				if !r.Date.Before(h.From) && !h.To.Before(r.Date) {
					r.fail(hcolFrom, fmt.Sprintf("调休上班日 %s 在第 %d 行“%s”的放假期间（%s 至 %s）内",
						r.Date, rows[holRows[hk]].Line, h.Name, h.From, h.To))
					break
				}
			}
			if r.OK() {
				kept, keptDays = append(kept, i), append(keptDays, year.Workdays[k])
			}
		}
		dayRows, year.Workdays = kept, keptDays
		if onlyWork[y] && len(dayRows) > 0 {
			r := &rows[dayRows[0]]
			r.fail(hcolKind, fmt.Sprintf("%d 年只有调休上班、没有放假的行；请填写该年份的全部放假安排", y))
		}
		applyYearErrors(rows, idx, holRows, dayRows, hall.ValidateYear(year))
	}
	// Whole years only: a year with any bad row is held back; a bad row of
	// unknown year holds back every year.
	blocked := map[int]bool{}
	all := false
	for _, r := range rows {
		if !r.OK() {
			blocked[r.Year] = true
			all = all || r.Year == 0
		}
	}
	for i := range rows {
		if rows[i].OK() && (all || blocked[rows[i].Year]) {
			rows[i].Held = true
		}
	}
}

// applyYearErrors turns hall.ValidateYear's field errors into row errors:
// holidays[k] is the row holRows[k], workdays[k] the row dayRows[k], and
// "year" every row of the year (idx); anything else goes to the year's
// first row.
func applyYearErrors(rows []HolidayRow, idx, holRows, dayRows []int, err error) {
	if err == nil {
		return
	}
	e, ok := apperr.As(err)
	if !ok {
		rows[idx[0]].fail(hcolYear, err.Error())
		return
	}
	fields := make([]string, 0, len(e.Fields))
	for f := range e.Fields {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	for _, field := range fields {
		msg := e.Fields[field]
		targets, col := idx[:1], hcolFrom
		switch k, rest := fieldIndex(field); {
		case field == "year":
			targets, col = idx, hcolYear
		case strings.HasPrefix(field, "holidays["):
			if k >= 0 && k < len(holRows) {
				targets = []int{holRows[k]}
			}
			switch rest {
			case ".name":
				col = hcolName
			case ".to":
				col = hcolTo
			}
		case strings.HasPrefix(field, "workdays["):
			if k >= 0 && k < len(dayRows) {
				targets = []int{dayRows[k]}
			}
		}
		for _, i := range targets {
			if !rows[i].hasError(col) {
				rows[i].fail(col, msg)
			}
		}
	}
}

// fieldIndex splits "holidays[3].name" into 3 and ".name".
func fieldIndex(field string) (int, string) {
	open, close := strings.IndexByte(field, '['), strings.IndexByte(field, ']')
	if open < 0 || close < open {
		return -1, ""
	}
	n, err := strconv.Atoi(field[open+1 : close])
	if err != nil {
		return -1, ""
	}
	return n, field[close+1:]
}
