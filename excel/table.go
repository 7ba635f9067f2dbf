// Package excel writes and reads the platform's Excel workbooks. It is the
// only package that imports excelize.
//
// Exports go through a streamed table writer: rows are encoded as they come
// and spill to a temporary file once the sheet grows past excelize's chunk
// size, and the finished workbook is zipped straight into the destination
// writer, so memory stays flat however many rows are written.
//
//	w := excel.NewWorkbook()
//	defer w.Close()
//	t, err := w.AddTable(excel.Sheet{Name: "项目", Title: "选取项目", Columns: cols})
//	for ... { err = t.Row(v1, v2, ...) }
//	err = t.Close()
//	_, err = w.WriteTo(out)
package excel

import (
	"archive/zip"
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// ColumnKind says how a column's values are written and formatted.
type ColumnKind int

const (
	// Text: any value, written as a string (fmt.Sprint for non-strings).
	Text ColumnKind = iota
	// Int: any integer type, written as a number.
	Int
	// Money: an amount in fen (int64 or any integer type), written as a
	// number of yuan with two decimals and the format "¥#,##0.00".
	Money
	// Date: a time.Time, written as a real Excel date-time in Asia/Shanghai
	// with the format "yyyy-mm-dd hh:mm". The zero time leaves the cell empty.
	Date
	// Bool: a bool, written as 是 or 否.
	Bool
	// Percent: a float64 ratio (0.125 is 12.50%) or BasisPoints, written as
	// a number with the format "0.00%".
	Percent
	// Tenths: an integer number of tenths (a credit score of 95.5 is 955),
	// written as a number with one decimal and the format "0.0".
	Tenths
)

// BasisPoints is a ratio in hundredths of a percent (1234 = 12.34%), the
// exact integer form scoring uses; write it to a Percent column.
type BasisPoints int64

// Number formats used by the writer; tests and readers may compare with them.
const (
	MoneyFormat   = "¥#,##0.00"
	DateFormat    = "yyyy-mm-dd hh:mm"
	PercentFormat = "0.00%"
	TenthsFormat  = "0.0"
)

// MaxRows is the number of rows an Excel worksheet can hold.
const MaxRows = excelize.TotalRows

// Column describes one column of a table.
type Column struct {
	Header string
	// Width in Excel character units. The column is never narrower than its
	// header; 0 picks a default for the kind.
	Width float64
	Kind  ColumnKind
	// Choices, when set, adds a drop-down list (data validation) with these
	// values to every data cell of the column.
	Choices []string
	// Highlight writes every cell of the column in red on a light red fill
	// (error and alert columns). Single cells can use Highlight(v) instead.
	Highlight bool
}

// Sheet describes one table sheet of a workbook.
type Sheet struct {
	Name    string // worksheet tab name, at most 31 characters
	Title   string // what the sheet contains; shown merged in row 1
	Filters string // human-readable filter summary, appended to the title row when set
	// ExportedAt, when not zero, is appended to the title row (Asia/Shanghai).
	ExportedAt time.Time
	Columns    []Column
}

// Shanghai is the time zone dates are shown in. China has kept UTC+8
// without daylight saving since 1991, so a fixed zone is the fallback when
// the system has no zone database.
var Shanghai = loadShanghai()

func loadShanghai() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*3600)
}

type highlighted struct{ v any }

type typed struct {
	kind ColumnKind
	v    any
}

// As writes one value as another kind than its column's, with that kind's
// number format: a column of figures of mixed kinds (a KPI sheet's counts,
// amounts and rates) stays numeric cell by cell.
func As(kind ColumnKind, v any) any { return typed{kind, v} }

// Highlight marks one value to be written in the alert style (red text on a
// light red fill), keeping its column's number format.
func Highlight(v any) any { return highlighted{v} }

// Workbook is an Excel workbook being written. Close it when done, even
// after WriteTo, to remove the temporary files of large sheets. A Workbook
// and its tables are not safe for concurrent use.
type Workbook struct {
	f        *excelize.File
	sheets   int // sheets added so far
	tables   []*Table
	styleIDs map[styleKey]int
}

type styleKey struct {
	role  int // 0 body, 1 title, 2 header, 3 note, 4 note heading
	kind  ColumnKind
	alert bool
}

// NewWorkbook starts an empty workbook.
func NewWorkbook() *Workbook {
	f := excelize.NewFile()
	_ = f.SetDocProps(&excelize.DocProperties{
		Creator:        "AgencyHall 中介服务网上超市",
		LastModifiedBy: "AgencyHall",
		Language:       "zh-CN",
	})
	return &Workbook{f: f, styleIDs: map[styleKey]int{}}
}

// newSheet names the default sheet for the first call and adds one after.
func (w *Workbook) newSheet(name string) error {
	if w.sheets == 0 {
		if err := w.f.SetSheetName(w.f.GetSheetName(0), name); err != nil {
			return err
		}
	} else if _, err := w.f.NewSheet(name); err != nil {
		return err
	}
	w.sheets++
	return nil
}

const (
	colorTitle      = "1F3864"
	colorHeaderFill = "DCE6F1" // light government blue
	colorBorder     = "8EA9C8"
	colorAlertFont  = "9C0006"
	colorAlertFill  = "FFC7CE"
)

func (w *Workbook) style(k styleKey) (int, error) {
	if id, ok := w.styleIDs[k]; ok {
		return id, nil
	}
	st := &excelize.Style{Alignment: &excelize.Alignment{Vertical: "center"}}
	switch k.role {
	case 1: // title
		st.Font = &excelize.Font{Bold: true, Size: 13, Color: colorTitle}
		st.Alignment.Horizontal = "left"
	case 2: // header
		st.Font = &excelize.Font{Bold: true, Size: 11}
		st.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{colorHeaderFill}}
		st.Alignment.Horizontal = "center"
		st.Alignment.WrapText = true
		for _, side := range []string{"left", "top", "right", "bottom"} {
			st.Border = append(st.Border, excelize.Border{Type: side, Color: colorBorder, Style: 1})
		}
	case 3: // note line
		st.Alignment.WrapText = true
		st.Alignment.Vertical = "top"
	case 4: // note heading
		st.Font = &excelize.Font{Bold: true, Size: 13, Color: colorTitle}
	default: // body cell
		switch k.kind {
		case Text:
			st.NumFmt = 49 // "@": typed values stay text (codes keep leading zeros)
		case Int:
			st.NumFmt = 1 // "0"
		case Money:
			st.CustomNumFmt = ptr(MoneyFormat)
		case Date:
			st.CustomNumFmt = ptr(DateFormat)
			st.Alignment.Horizontal = "center"
		case Bool:
			st.Alignment.Horizontal = "center"
		case Percent:
			st.NumFmt = 10 // "0.00%"
		case Tenths:
			st.CustomNumFmt = ptr(TenthsFormat)
		}
		if k.alert {
			st.Font = &excelize.Font{Color: colorAlertFont}
			st.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{colorAlertFill}}
			st.Alignment.WrapText = true
		}
	}
	id, err := w.f.NewStyle(st)
	if err != nil {
		return 0, err
	}
	w.styleIDs[k] = id
	return id, nil
}

func ptr[T any](v T) *T { return &v }

// Table is one streamed sheet. Write rows in order with Row, then Close.
type Table struct {
	w         *Workbook
	sw        *excelize.StreamWriter
	sheet     Sheet
	headerRow int
	row       int   // last row number written
	alert     []int // per column: the alert style for highlighted cells
	buf       []any
	closed    bool
}

// AddTable adds a sheet with a title row (when Sheet.Title is set), a styled
// header row, frozen panes below the header, an autofilter over the header,
// column widths and number formats, and returns a writer for its data rows.
func (w *Workbook) AddTable(s Sheet) (*Table, error) {
	if len(s.Columns) == 0 {
		return nil, errors.New("excel: a table needs at least one column")
	}
	if err := w.newSheet(s.Name); err != nil {
		return nil, fmt.Errorf("excel: sheet %q: %w", s.Name, err)
	}
	// Print on A4 landscape, one page wide, repeating the title and header.
	// Sheet properties go out when the stream starts, so set them first.
	if err := w.f.SetSheetProps(s.Name, &excelize.SheetPropsOptions{FitToPage: ptr(true)}); err != nil {
		return nil, err
	}
	if err := w.f.SetPageLayout(s.Name, &excelize.PageLayoutOptions{
		Size: ptr(9), Orientation: ptr("landscape"), FitToWidth: ptr(1), FitToHeight: ptr(0),
	}); err != nil {
		return nil, err
	}
	sw, err := w.f.NewStreamWriter(s.Name)
	if err != nil {
		return nil, err
	}
	t := &Table{w: w, sw: sw, sheet: s, buf: make([]any, len(s.Columns)), alert: make([]int, len(s.Columns))}
	ncol := len(s.Columns)
	lastCol, _ := excelize.ColumnNumberToName(ncol)
	t.headerRow = 1
	if s.Title != "" {
		t.headerRow = 2
	}
	for i, c := range s.Columns {
		// Data cells take the column's style (number format), so rows need
		// no per-cell style; highlighted cells carry their own.
		body, err := w.style(styleKey{kind: c.Kind})
		if err != nil {
			return nil, err
		}
		if t.alert[i], err = w.style(styleKey{kind: c.Kind, alert: true}); err != nil {
			return nil, err
		}
		if !c.Highlight { // a filled column style would paint the empty rows too
			if err := sw.SetColStyle(i+1, i+1, body); err != nil {
				return nil, err
			}
		}
		if err := sw.SetColWidth(i+1, i+1, columnWidth(c)); err != nil {
			return nil, err
		}
	}
	first := fmt.Sprintf("A%d", t.headerRow+1)
	if err := sw.SetPanes(&excelize.Panes{
		Freeze: true, YSplit: t.headerRow, TopLeftCell: first, ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: first, ActiveCell: first, Pane: "bottomLeft"}},
	}); err != nil {
		return nil, err
	}
	for i, c := range s.Columns {
		if len(c.Choices) == 0 {
			continue
		}
		col, _ := excelize.ColumnNumberToName(i + 1)
		dv := excelize.NewDataValidation(true)
		dv.SetSqref(fmt.Sprintf("%s%d:%s%d", col, t.headerRow+1, col, MaxRows))
		if err := dv.SetDropList(c.Choices); err != nil {
			return nil, fmt.Errorf("excel: choices of %q: %w", c.Header, err)
		}
		dv.SetError(excelize.DataValidationErrorStyleStop, "输入有误",
			"“"+c.Header+"”只能填写："+strings.Join(c.Choices, "、"))
		if err := w.f.AddDataValidation(s.Name, dv); err != nil {
			return nil, err
		}
	}
	if s.Title != "" {
		titleStyle, err := w.style(styleKey{role: 1})
		if err != nil {
			return nil, err
		}
		if err := sw.SetRow("A1", []any{excelize.Cell{StyleID: titleStyle, Value: titleText(s)}},
			excelize.RowOpts{Height: 28}); err != nil {
			return nil, err
		}
		if ncol > 1 {
			if err := sw.MergeCell("A1", lastCol+"1"); err != nil {
				return nil, err
			}
		}
	}
	headerStyle, err := w.style(styleKey{role: 2})
	if err != nil {
		return nil, err
	}
	hdr := make([]any, ncol)
	for i, c := range s.Columns {
		hdr[i] = excelize.Cell{StyleID: headerStyle, Value: c.Header}
	}
	if err := sw.SetRow(fmt.Sprintf("A%d", t.headerRow), hdr, excelize.RowOpts{Height: 24}); err != nil {
		return nil, err
	}
	if err := w.f.SetDefinedName(&excelize.DefinedName{
		Name: "_xlnm.Print_Titles", Scope: s.Name,
		RefersTo: fmt.Sprintf("'%s'!$1:$%d", strings.ReplaceAll(s.Name, "'", "''"), t.headerRow),
	}); err != nil {
		return nil, err
	}
	t.row = t.headerRow
	w.tables = append(w.tables, t)
	return t, nil
}

func titleText(s Sheet) string {
	parts := []string{s.Title}
	if s.Filters != "" {
		parts = append(parts, "筛选条件："+s.Filters)
	}
	if !s.ExportedAt.IsZero() {
		parts = append(parts, "导出时间："+s.ExportedAt.In(Shanghai).Format("2006-01-02 15:04")+"（北京时间）")
	}
	return strings.Join(parts, "　　")
}

// columnWidth is wide enough for the header on one line (CJK characters
// count double, plus room for the filter button) and at least the set
// width, or, when none is set, a default for the kind.
func columnWidth(c Column) float64 {
	w := math.Min(float64(displayWidth(c.Header))+4, 40)
	min := c.Width
	if min <= 0 {
		min = map[ColumnKind]float64{Text: 14, Int: 8, Money: 16, Date: 18, Bool: 8, Percent: 10, Tenths: 8}[c.Kind]
	}
	return math.Max(w, min)
}

func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x2E80 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// Len is the number of data rows written so far.
func (t *Table) Len() int { return t.row - t.headerRow }

// Row writes the next data row: one value per column in order (fewer leave
// the remaining cells empty). nil, a nil pointer and the zero time.Time
// leave a cell empty. A value of the wrong type for its column is an error.
func (t *Table) Row(values ...any) error {
	if t.closed {
		return errors.New("excel: row written to a closed table")
	}
	if len(values) > len(t.sheet.Columns) {
		return fmt.Errorf("excel: %d values for %d columns", len(values), len(t.sheet.Columns))
	}
	if t.row >= MaxRows {
		return fmt.Errorf("excel: a worksheet holds at most %d rows", MaxRows)
	}
	buf := t.buf[:len(t.sheet.Columns)]
	clear(buf)
	for i, v := range values {
		col := t.sheet.Columns[i]
		alert, kind, own := col.Highlight, col.Kind, false
		if h, ok := v.(highlighted); ok {
			v, alert = h.v, true
		}
		if x, ok := v.(typed); ok {
			v, kind, own = x.v, x.kind, x.kind != col.Kind
		}
		cv, err := cellValue(kind, v)
		if err != nil {
			return fmt.Errorf("excel: row %d, column %q: %w", t.Len()+1, col.Header, err)
		}
		switch {
		case own:
			id, err := t.w.style(styleKey{kind: kind, alert: alert})
			if err != nil {
				return err
			}
			buf[i] = excelize.Cell{StyleID: id, Value: cv}
		case alert:
			buf[i] = excelize.Cell{StyleID: t.alert[i], Value: cv}
		default:
			buf[i] = cv // the column style formats it
		}
	}
	t.row++
	return t.sw.SetRow(cellName(1, t.row), buf)
}

func cellName(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col, row)
	return name
}

// Close finishes the sheet: sets the autofilter over the header and the
// written rows and flushes the stream. Closing twice is harmless.
func (t *Table) Close() error {
	if t.closed {
		return nil
	}
	t.closed = true
	lastCol, _ := excelize.ColumnNumberToName(len(t.sheet.Columns))
	ref := fmt.Sprintf("A%d:%s%d", t.headerRow, lastCol, t.row)
	if err := t.w.f.AutoFilter(t.sheet.Name, ref, nil); err != nil {
		return err
	}
	return t.sw.Flush()
}

// cellValue converts v for a column of kind k to what excelize writes.
func cellValue(k ColumnKind, v any) (any, error) {
	v = deref(v)
	if v == nil {
		return nil, nil
	}
	switch k {
	case Text:
		switch x := v.(type) {
		case string:
			return cleanText(x), nil
		case fmt.Stringer:
			return cleanText(x.String()), nil
		case bool:
			return boolText(x), nil
		case time.Time:
			if x.IsZero() {
				return nil, nil
			}
			return x.In(Shanghai).Format("2006-01-02 15:04"), nil
		}
		return cleanText(fmt.Sprint(v)), nil
	case Int:
		if n, ok := asInt(v); ok {
			return n, nil
		}
	case Money:
		if n, ok := asInt(v); ok {
			// The only float step: the nearest double to the exact yuan
			// amount, which Excel shows exactly with two decimals.
			return float64(n) / 100, nil
		}
	case Date:
		if x, ok := v.(time.Time); ok {
			if x.IsZero() {
				return nil, nil
			}
			return ExcelTime(x), nil
		}
	case Bool:
		if x, ok := v.(bool); ok {
			return boolText(x), nil
		}
	case Tenths:
		if n, ok := asInt(v); ok {
			return float64(n) / 10, nil
		}
	case Percent:
		switch x := v.(type) {
		case BasisPoints:
			return float64(x) / 10000, nil
		case float64:
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return nil, nil
			}
			return x, nil
		case float32:
			return float64(x), nil
		}
	}
	return nil, fmt.Errorf("value %v of type %T does not fit a %s column", v, v, k)
}

func (k ColumnKind) String() string {
	switch k {
	case Text:
		return "text"
	case Int:
		return "int"
	case Money:
		return "money (int64 fen)"
	case Date:
		return "date (time.Time)"
	case Bool:
		return "bool"
	case Percent:
		return "percent (float64 ratio or BasisPoints)"
	case Tenths:
		return "tenths (integer)"
	}
	return fmt.Sprintf("ColumnKind(%d)", int(k))
}

// cleanText replaces control characters that XML cannot carry (pasted
// text often holds vertical tabs) with spaces; tabs and line breaks stay.
func cleanText(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			return strings.Map(func(r rune) rune {
				if r < 0x20 && r != '\t' && r != '\n' && r != '\r' {
					return ' '
				}
				return r
			}, s)
		}
	}
	return s
}

func boolText(b bool) string {
	if b {
		return "是"
	}
	return "否"
}

func deref(v any) any {
	switch x := v.(type) {
	case nil:
		return nil
	case string, int, int64, bool, float64, time.Time, BasisPoints:
		return v
	case *string:
		if x == nil {
			return nil
		}
		return *x
	case *int64:
		if x == nil {
			return nil
		}
		return *x
	case *int:
		if x == nil {
			return nil
		}
		return *x
	case *time.Time:
		if x == nil {
			return nil
		}
		return *x
	case *bool:
		if x == nil {
			return nil
		}
		return *x
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return nil
		}
		return rv.Elem().Interface()
	}
	return v
}

func asInt(v any) (int64, bool) {
	switch x := v.(type) {
	case int64:
		return x, true
	case int:
		return int64(x), true
	case int32:
		return int64(x), true
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int(), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if u := rv.Uint(); u <= math.MaxInt64 {
			return int64(u), true
		}
	}
	return 0, false
}

var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// ExcelTime is t's Asia/Shanghai wall-clock time as an Excel serial date
// (days since 1899-12-30, the fraction being the time of day), to the second.
func ExcelTime(t time.Time) float64 {
	wall := t.In(Shanghai).Round(time.Second)
	y, m, d := wall.Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	days := math.Round(day.Sub(excelEpoch).Hours() / 24)
	secs := wall.Hour()*3600 + wall.Minute()*60 + wall.Second()
	// The serial is n/86400 for a whole number of seconds n. When that is
	// not exact in binary, LibreOffice's own arithmetic on the nearest
	// double can land below the second and it truncates to the minute
	// before (10:00 shown as 09:59 for a third of all minutes); 1e-9 of a
	// day (86 µs) above keeps every reader on the right second.
	n := days*86400 + float64(secs)
	x := n / 86400
	if math.FMA(x, 86400, -n) != 0 {
		x += 1e-9
	}
	return x
}

// AddNotes adds a plain sheet of explanatory text: a bold heading and one
// wrapped paragraph per line (for instructions such as a template's 说明).
func (w *Workbook) AddNotes(name, heading string, lines []string) error {
	if err := w.newSheet(name); err != nil {
		return fmt.Errorf("excel: sheet %q: %w", name, err)
	}
	f := w.f
	hs, err := w.style(styleKey{role: 4})
	if err != nil {
		return err
	}
	ls, err := w.style(styleKey{role: 3})
	if err != nil {
		return err
	}
	if err := f.SetColWidth(name, "A", "A", 72); err != nil {
		return err
	}
	if err := f.SetSheetProps(name, &excelize.SheetPropsOptions{FitToPage: ptr(true)}); err != nil {
		return err
	}
	if err := f.SetPageLayout(name, &excelize.PageLayoutOptions{Size: ptr(9), FitToWidth: ptr(1), FitToHeight: ptr(0)}); err != nil {
		return err
	}
	if err := f.SetCellValue(name, "A1", heading); err != nil {
		return err
	}
	if err := f.SetCellStyle(name, "A1", "A1", hs); err != nil {
		return err
	}
	_ = f.SetRowHeight(name, 1, 26)
	for i, l := range lines {
		cell := cellName(1, i+2)
		if err := f.SetCellValue(name, cell, l); err != nil {
			return err
		}
		if err := f.SetCellStyle(name, cell, cell, ls); err != nil {
			return err
		}
		// Grow the row for the wrapped lines (width 72 holds about 34 CJK
		// characters with some slack for proportional fonts).
		_ = f.SetRowHeight(name, i+2, float64(18*((displayWidth(l)-1)/68+1)))
	}
	return nil
}

// WriteTo closes any open tables and writes the workbook to out. The zip
// archive is written straight into out, not assembled in memory first.
func (w *Workbook) WriteTo(out io.Writer) (int64, error) {
	for _, t := range w.tables {
		if err := t.Close(); err != nil {
			return 0, err
		}
	}
	if w.sheets == 0 {
		return 0, errors.New("excel: the workbook has no sheets")
	}
	// The first sheet is the active one already. (SetActiveSheet would
	// parse every finished stream back into memory.)
	cw := &countWriter{w: out}
	// excelize writes the archive to the writer its ZipWriter hook is given
	// (an in-memory buffer); handing it one bound to out streams instead.
	w.f.SetZipWriter(func(io.Writer) excelize.ZipWriter {
		zw := zip.NewWriter(cw)
		zw.RegisterCompressor(zip.Deflate, func(dst io.Writer) (io.WriteCloser, error) {
			return flate.NewWriter(dst, flate.BestSpeed)
		})
		return zw
	})
	_, err := w.f.WriteToBuffer()
	return cw.n, err
}

// Close releases the workbook's temporary files.
func (w *Workbook) Close() error { return w.f.Close() }

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
