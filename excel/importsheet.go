package excel

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/agencyhall/agencyhall/apperr"
)

// What the importers (ReadCatalog, ReadHolidays) share: reading the data
// rows of an uploaded template workbook, and writing the error workbook a
// corrected copy of which can be uploaded again.

// maxUploadUnzipped bounds the unzipped size of an uploaded workbook so a
// small zip bomb cannot exhaust memory or disk.
const maxUploadUnzipped = 256 << 20

// Trailing columns an error workbook adds; a re-upload ignores them.
const (
	errorColumnHeader = "错误原因"
	lineColumnHeader  = "原行号"
)

// templateColumn is one column of an import template; short is the name
// used in messages and matched against uploaded headers (the part before
// "（").
type templateColumn struct {
	short string
	col   Column
}

func templateHeaders(cols []templateColumn) []string {
	h := make([]string, len(cols))
	for i, c := range cols {
		h[i] = c.col.Header
	}
	return h
}

func sheetColumns(cols []templateColumn) []Column {
	out := make([]Column, len(cols))
	for i, c := range cols {
		out[i] = c.col
	}
	return out
}

func colLetter(i int) string {
	s, _ := excelize.ColumnNumberToName(i + 1)
	return s
}

// cellError is a row's error message about one cell: it names the column by
// letter and template name, as in "D 列“审批阶段”：…".
func cellError(cols []templateColumn, col int, msg string) string {
	return fmt.Sprintf("%s 列“%s”：%s", colLetter(col), cols[col].short, msg)
}

// importSpec describes the data sheet of an import template.
type importSpec struct {
	sheet   string           // the data sheet; when absent the first sheet is read
	columns []templateColumn // the template's columns, in order
	maxRows int              // the most data rows one import accepts
	tooMany string           // the message when a file has more than maxRows
	// skip, when set, passes over a data row (not counted against maxRows).
	skip func(raw []string) bool
}

// importRow is one non-empty data row of an uploaded sheet.
type importRow struct {
	line     int      // row number in the worksheet (1-based, as Excel shows it)
	raw      []string // the raw cell values, one per template column
	date1904 bool     // the workbook's dates count from 1904
}

func errNotWorkbook(err error) error {
	return apperr.InvalidMsg("invalid_file", "文件不是有效的 Excel 工作簿（.xlsx）").Wrap(err)
}

// oleSignature starts a compound document: an old .xls workbook, or an
// .xlsx encrypted with an open password.
var oleSignature = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

func headerError(detail string) error {
	e := apperr.InvalidMsg("invalid_header", "表头与模板不一致，请下载最新模板")
	e.Fields = map[string]string{"header": detail}
	return e
}

// readRows reads an uploaded workbook: the spec's sheet (or else the first
// sheet), whose header must be the template's, in row 1 or in row 2 under a
// title row. It calls fn with every non-empty data row that skip does not
// pass over, in order. An error is returned only for the file as a whole:
// not an xlsx workbook, a wrong header, or more than spec.maxRows data rows
// (all apperr Invalid), or a failure to read r.
func readRows(r io.Reader, spec importSpec, fn func(importRow)) error {
	data, err := io.ReadAll(r) // excelize reads it all anyway
	if err != nil {
		return err
	}
	if bytes.HasPrefix(data, oleSignature) {
		return apperr.InvalidMsg("invalid_file",
			"文件不是有效的 Excel 工作簿（.xlsx）：它是旧版 .xls 文件或设置了打开密码，请在 Excel 中另存为不加密的 .xlsx 后再上传")
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: maxUploadUnzipped})
	if err != nil {
		return errNotWorkbook(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return errNotWorkbook(errors.New("no sheets"))
	}
	sheet := sheets[0]
	for _, s := range sheets {
		if s == spec.sheet {
			sheet = s
		}
	}
	date1904 := false
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		date1904 = *props.Date1904
	}
	it, err := f.Rows(sheet)
	if err != nil {
		return errNotWorkbook(err)
	}
	defer it.Close()

	var (
		n        int // data rows passed to fn
		line     int
		header   bool
		firstRow []string
	)
	for it.Next() {
		line++
		cells, err := it.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return errNotWorkbook(err)
		}
		if !header {
			switch line {
			case 1:
				if headerMismatch(spec.columns, cells) == "" {
					header = true
				} else {
					firstRow = cells
				}
				continue
			case 2:
				if msg := headerMismatch(spec.columns, cells); msg != "" {
					// Row 1 is the header unless it looks like a one-cell title.
					if nonEmpty(firstRow) > 1 {
						msg = headerMismatch(spec.columns, firstRow)
					}
					return headerError(msg)
				}
				header = true
				continue
			}
		}
		if nonEmpty(cells) == 0 {
			continue
		}
		raw := make([]string, len(spec.columns))
		copy(raw, cells)
		if spec.skip != nil && spec.skip(raw) {
			continue
		}
		if n == spec.maxRows {
			return apperr.InvalidMsg("too_many_rows", spec.tooMany)
		}
		n++
		fn(importRow{line: line, raw: raw, date1904: date1904})
	}
	if err := it.Error(); err != nil {
		return errNotWorkbook(err)
	}
	if !header {
		if line == 0 {
			return headerError("工作表是空的，没有表头")
		}
		return headerError(headerMismatch(spec.columns, firstRow))
	}
	return nil
}

func nonEmpty(cells []string) int {
	n := 0
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			n++
		}
	}
	return n
}

// headerKey reduces a header cell to the name before any bracketed hint.
func headerKey(s string) string {
	s = strings.Join(strings.Fields(s), "")
	if i := strings.IndexAny(s, "（("); i >= 0 {
		s = s[:i]
	}
	return s
}

// headerMismatch describes how cells differ from the template header cols,
// or returns "" when they match. Trailing columns of an error workbook and
// empty trailing cells are allowed.
func headerMismatch(cols []templateColumn, cells []string) string {
	for i, c := range cols {
		got := ""
		if i < len(cells) {
			got = strings.TrimSpace(cells[i])
		}
		if headerKey(got) != c.short {
			if got == "" {
				return fmt.Sprintf("第 %d 列（%s 列）应为“%s”，实际为空", i+1, colLetter(i), c.col.Header)
			}
			return fmt.Sprintf("第 %d 列（%s 列）应为“%s”，实际为“%s”", i+1, colLetter(i), c.col.Header, got)
		}
	}
	for i := len(cols); i < len(cells); i++ {
		switch got := strings.TrimSpace(cells[i]); got {
		case "", errorColumnHeader, lineColumnHeader:
		default:
			return fmt.Sprintf("第 %d 列（%s 列）“%s”不是模板中的列", i+1, colLetter(i), got)
		}
	}
	return ""
}

// uploadedColumns are the template's columns for cells as uploaded: text,
// without drop-down lists.
func uploadedColumns(cols []templateColumn) []Column {
	out := sheetColumns(cols)
	for i := range out {
		out[i].Kind = Text
		out[i].Choices = nil
	}
	return out
}

// errorRow is one row of an error workbook.
type errorRow struct {
	line   int      // the row's number in the uploaded sheet
	raw    []string // the cells as uploaded
	bad    []int    // the 0-based columns to write in red
	reason string   // the 错误原因 cell
}

// writeErrorRows writes an error workbook: one sheet with the template's
// columns (cols, one per cell of raw), the cells as uploaded and the bad
// ones in red, then an error column (错误原因) in red and the original row
// number (原行号). The header is the template's, so a corrected copy can be
// uploaded again as it is.
func writeErrorRows(w io.Writer, sheet, title string, cols []Column, rows []errorRow) error {
	n := len(cols)
	cols = append(cols[:n:n],
		Column{Header: errorColumnHeader, Width: 60, Highlight: true},
		Column{Header: lineColumnHeader, Width: 10, Kind: Int})
	wb := NewWorkbook()
	defer wb.Close()
	t, err := wb.AddTable(Sheet{Name: sheet, Title: title, Columns: cols})
	if err != nil {
		return err
	}
	vals := make([]any, len(cols))
	for _, r := range rows {
		for i := 0; i < n; i++ {
			var v any
			if i < len(r.raw) && r.raw[i] != "" {
				v = r.raw[i]
			}
			if slices.Contains(r.bad, i) {
				if v == nil {
					v = ""
				}
				v = Highlight(v)
			}
			vals[i] = v
		}
		vals[n] = r.reason
		vals[n+1] = r.line
		if err := t.Row(vals...); err != nil {
			return err
		}
	}
	if err := t.Close(); err != nil {
		return err
	}
	_, err = wb.WriteTo(w)
	return err
}
