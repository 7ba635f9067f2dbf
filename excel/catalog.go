package excel

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/registry"
)

// CatalogSheet is the name of the service catalog's data sheet in the
// template, in exports and in error workbooks.
const CatalogSheet = "服务事项"

// MaxCatalogRows is the most data rows one catalog import accepts.
const MaxCatalogRows = 5000

// Catalog columns, in template order.
const (
	colCode = iota
	colName
	colCategory
	colStage
	colMatter
	colDepartment
	colLegalBasis
	colQualifications
	colQualMode
	colFeeBasis
	colTimeLimit
	colEnabled
	colSource
	catalogColumnCount
)

var stageChoices = func() []string {
	s := make([]string, len(registry.Stages))
	for i, st := range registry.Stages {
		s[i] = string(st)
	}
	return s
}()

// catalogColumns are the template's columns.
var catalogColumns = []templateColumn{
	{"事项编码", Column{Header: "事项编码", Width: 16}},
	{"事项名称", Column{Header: "事项名称", Width: 32}},
	{"类别", Column{Header: "类别", Width: 14}},
	{"审批阶段", Column{Header: "审批阶段", Width: 12, Choices: stageChoices}},
	{"服务的审批事项", Column{Header: "服务的审批事项", Width: 30}},
	{"主管部门", Column{Header: "主管部门", Width: 16}},
	{"设定依据", Column{Header: "设定依据", Width: 36}},
	{"资质要求", Column{Header: "资质要求（多个用“；”分隔）", Width: 34}},
	{"资质要求方式", Column{Header: "资质要求方式（任一/全部）", Width: 16, Choices: []string{"任一", "全部"}}},
	{"收费方式", Column{Header: "收费方式（政府定价/市场调节）", Width: 18,
		Choices: []string{string(registry.FeeGovernment), string(registry.FeeMarket)}}},
	{"法定时限", Column{Header: "法定时限（天）", Width: 12, Kind: Int}},
	{"是否启用", Column{Header: "是否启用（是/否）", Width: 12, Kind: Bool, Choices: []string{"是", "否"}}},
	{"来源", Column{Header: "来源", Width: 24}},
}

// CatalogHeaders returns the template's header row.
func CatalogHeaders() []string { return templateHeaders(catalogColumns) }

// catalogExample is the template's example row. A row identical to it is
// skipped on import, so an unedited example never becomes a real item.
var catalogExample = []string{
	"YD-001", "地质灾害危险性评估", "评估评价", "用地", "建设项目用地预审与选址意见书核发",
	"自然资源局", "《地质灾害防治条例》第二十一条",
	"地质灾害危险性评估单位甲级资质；地质灾害危险性评估单位乙级资质", "任一",
	"市场调节", "20", "是", "示例，导入前请替换或删除",
}

// CatalogRow is one data row of an uploaded catalog workbook.
type CatalogRow struct {
	Line   int                  // row number in the worksheet (1-based, as Excel shows it)
	Item   registry.ServiceItem // the parsed item; meaningful only when Errors is empty
	Raw    []string             // the cells as uploaded, one per template column
	Errors []string             // Chinese messages, each naming its column; empty means valid
	// BadColumns are the 0-based template columns the errors refer to.
	BadColumns []int
}

// OK reports whether the row parsed without errors.
func (r CatalogRow) OK() bool { return len(r.Errors) == 0 }

func (r *CatalogRow) fail(col int, msg string) {
	r.Errors = append(r.Errors, cellError(catalogColumns, col, msg))
	r.BadColumns = append(r.BadColumns, col)
}

func (r *CatalogRow) hasError(col int) bool { return slices.Contains(r.BadColumns, col) }

// WriteCatalogTemplate writes the downloadable import template: the data
// sheet with the header row, drop-down lists, one example row, and a 说明
// sheet of instructions.
func WriteCatalogTemplate(w io.Writer) error {
	wb := NewWorkbook()
	defer wb.Close()
	t, err := wb.AddTable(Sheet{
		Name:    CatalogSheet,
		Title:   "中介服务事项清单导入模板（请勿修改第 1、2 行；从第 3 行起每行填写一个事项，第 3 行为示例）",
		Columns: sheetColumns(catalogColumns),
	})
	if err != nil {
		return err
	}
	ex := make([]any, len(catalogExample))
	for i, v := range catalogExample {
		ex[i] = v
	}
	ex[colTimeLimit] = 20
	ex[colEnabled] = true
	if err := t.Row(ex...); err != nil {
		return err
	}
	if err := t.Close(); err != nil {
		return err
	}
	if err := wb.AddNotes("说明", "中介服务事项清单导入说明", catalogInstructions); err != nil {
		return err
	}
	_, err = wb.WriteTo(w)
	return err
}

var catalogInstructions = []string{
	"1. 在“服务事项”工作表中从第 3 行起填写，每行一个中介服务事项。第 1 行标题、第 2 行表头请勿修改、删除或调整顺序。",
	"2. 导入按“事项编码”识别：编码已存在的事项将被更新，不存在的将新增；同一文件中同一编码只能出现一次。编码不区分大小写，导入时统一转为大写，最长 32 位。",
	"3. 必填列：事项编码、事项名称（100 字以内）、审批阶段、收费方式、法定时限（天）、是否启用；填写了资质要求时，资质要求方式也必填。",
	"4. 审批阶段只能填写：" + strings.Join(stageChoices, "、") + "。",
	"5. 资质要求：填写机构须具备的资质类型，多个用中文分号“；”分隔；资质要求方式填“任一”（具备其中任一资质即可）或“全部”（须同时具备全部资质）。没有资质要求时两列都可留空。",
	"6. 收费方式只能填写：政府定价、市场调节。",
	"7. 法定时限（天）：1–365 的整数天数。",
	"8. 是否启用：填写“是”或“否”。停用的事项不能用于发布新的选取项目。",
	fmt.Sprintf("9. 每次最多导入 %d 行。有错误的行不会导入，其余正确的行照常导入；系统会返回一个只含错误行的文件，“错误原因”列写明原因。在该文件中改正后可直接重新上传。", MaxCatalogRows),
	"10. 第 3 行示例原样保留时导入会自动忽略；也可以直接覆盖或删除。从平台导出的事项清单可以修改后直接导入。",
}

// WriteCatalog exports the items with the template's columns, so the file
// can be edited and imported again unchanged.
func WriteCatalog(w io.Writer, items []registry.ServiceItem, exportedAt time.Time) error {
	wb := NewWorkbook()
	defer wb.Close()
	t, err := wb.AddTable(Sheet{
		Name:       CatalogSheet,
		Title:      fmt.Sprintf("中介服务事项清单（共 %d 项）", len(items)),
		ExportedAt: exportedAt,
		Columns:    sheetColumns(catalogColumns),
	})
	if err != nil {
		return err
	}
	for _, it := range items {
		if err := t.Row(
			it.Code, it.Name, it.Category, string(it.Stage), it.ApprovalMatter, it.Department,
			it.LegalBasis, strings.Join(it.Qualifications, "；"), qualModeText(it.QualMode),
			string(it.FeeBasis), it.TimeLimitDays, it.Enabled, it.Source,
		); err != nil {
			return err
		}
	}
	if err := t.Close(); err != nil {
		return err
	}
	_, err = wb.WriteTo(w)
	return err
}

func qualModeText(m registry.QualMode) string {
	switch m {
	case registry.QualAnyOf:
		return "任一"
	case registry.QualAllOf:
		return "全部"
	}
	return string(m)
}

// WriteCatalogErrors writes the rows that have errors, with their cells as
// uploaded, an error column (错误原因) beside them in red and the original
// row number. The file keeps the template's header, so a corrected copy can
// be uploaded again as it is.
func WriteCatalogErrors(w io.Writer, rows []CatalogRow) error {
	var bad []errorRow
	for _, r := range rows {
		if !r.OK() {
			bad = append(bad, errorRow{line: r.Line, raw: r.Raw, bad: r.BadColumns, reason: strings.Join(r.Errors, "；\n")})
		}
	}
	return writeErrorRows(w, CatalogSheet,
		fmt.Sprintf("中介服务事项导入错误（共 %d 行未导入；按“错误原因”改正后可直接重新上传本文件）", len(bad)),
		uploadedColumns(catalogColumns), bad)
}

// ReadCatalog parses an uploaded catalog workbook. It reads the 服务事项
// sheet (or else the first sheet), whose header must be the template's, in
// row 1 or in row 2 under a title row. Every non-empty data row comes back,
// valid or not; the example row of the template is skipped. An error is
// returned only for the file as a whole: not an xlsx workbook, a wrong
// header, or more than MaxCatalogRows data rows (all apperr Invalid).
func ReadCatalog(r io.Reader) ([]CatalogRow, error) {
	var (
		rows      []CatalogRow
		firstLine = map[string]int{} // code → line of its first occurrence
	)
	err := readRows(r, importSpec{
		sheet:   CatalogSheet,
		columns: catalogColumns,
		maxRows: MaxCatalogRows,
		tooMany: fmt.Sprintf("一次最多导入 %d 行事项，本文件超过了上限，请分批导入", MaxCatalogRows),
		skip:    isExample,
	}, func(in importRow) {
		row := parseCatalogRow(in.line, in.raw)
		if code := row.Item.Code; code != "" {
			if first, dup := firstLine[code]; dup {
				row.fail(colCode, fmt.Sprintf("事项编码“%s”与第 %d 行重复，同一文件中每个编码只能出现一次", code, first))
			} else {
				firstLine[code] = in.line
			}
		}
		rows = append(rows, row)
	})
	if err != nil {
		return nil, err
	}
	return rows, nil
}

func isExample(raw []string) bool {
	for i, v := range raw {
		if strings.TrimSpace(v) != catalogExample[i] {
			return false
		}
	}
	return true
}

// validateFieldColumns maps ServiceItem.Validate field names to columns.
var validateFieldColumns = []struct {
	field string
	col   int
}{
	{"code", colCode},
	{"name", colName},
	{"stage", colStage},
	{"qual_mode", colQualMode},
	{"fee_basis", colFeeBasis},
	{"time_limit_days", colTimeLimit},
}

func parseCatalogRow(line int, raw []string) CatalogRow {
	row := CatalogRow{Line: line, Raw: raw}
	cell := func(i int) string { return strings.TrimSpace(raw[i]) }
	it := registry.ServiceItem{
		Code:           registry.NormalizeCode(raw[colCode]),
		Name:           cell(colName),
		Category:       cell(colCategory),
		Stage:          registry.Stage(cell(colStage)),
		ApprovalMatter: cell(colMatter),
		Department:     cell(colDepartment),
		LegalBasis:     cell(colLegalBasis),
		Qualifications: splitQualifications(raw[colQualifications]),
		FeeBasis:       registry.FeeBasis(cell(colFeeBasis)),
		Source:         cell(colSource),
	}
	switch m := cell(colQualMode); m {
	case "任一", "any":
		it.QualMode = registry.QualAnyOf
	case "全部", "all":
		it.QualMode = registry.QualAllOf
	case "":
		if len(it.Qualifications) <= 1 { // any-of and all-of mean the same
			it.QualMode = registry.QualAnyOf
		} else {
			row.fail(colQualMode, "填写了多个资质要求时须注明“任一”或“全部”")
		}
	default:
		it.QualMode = registry.QualMode(m)
	}
	if n, msg := parseDays(cell(colTimeLimit)); msg != "" {
		row.fail(colTimeLimit, msg)
	} else {
		it.TimeLimitDays = n
	}
	switch v := cell(colEnabled); v {
	case "是":
		it.Enabled = true
	case "否":
		it.Enabled = false
	case "":
		row.fail(colEnabled, "请填写“是”或“否”")
	default:
		row.fail(colEnabled, fmt.Sprintf("只能填写“是”或“否”，填写的是“%s”", v))
	}
	if err := it.Validate(); err != nil {
		e, ok := apperr.As(err)
		if !ok {
			row.Errors = append(row.Errors, err.Error())
		} else {
			for _, fc := range validateFieldColumns {
				msg, bad := e.Fields[fc.field]
				if !bad || row.hasError(fc.col) {
					continue
				}
				if v := cell(fc.col); v != "" && fc.col != colName {
					msg += fmt.Sprintf("，填写的是“%s”", v)
				}
				row.fail(fc.col, msg)
			}
		}
	}
	row.Item = it
	return row
}

// splitQualifications splits on Chinese or ASCII semicolons and line
// breaks, dropping empty entries and repeats.
func splitQualifications(s string) []string {
	parts := strings.FieldsFunc(s, func(r rune) bool {
		return r == '；' || r == ';' || r == '\n' || r == '\r'
	})
	var out []string
	seen := map[string]bool{}
	for _, p := range parts {
		p = strings.TrimSpace(p)
		if p != "" && !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

// parseDays reads a whole number of days; full-width digits and a
// trailing 天 are accepted. It returns a Chinese message on failure.
func parseDays(s string) (int, string) {
	if s == "" {
		return 0, "请填写法定时限（1–365 的整数天数）"
	}
	norm := strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return '0' + (r - '０')
		case r == '．':
			return '.'
		}
		return r
	}, s)
	norm = strings.TrimSpace(strings.TrimSuffix(norm, "天"))
	if n, err := strconv.Atoi(norm); err == nil {
		return n, ""
	}
	// Excel may store a whole number as 20.0 or 2E1.
	if x, err := strconv.ParseFloat(norm, 64); err == nil {
		if x >= -1e6 && x <= 1e6 && x == float64(int(x)) {
			return int(x), ""
		}
		return 0, fmt.Sprintf("须为整数天数，不能是“%s”", s)
	}
	return 0, fmt.Sprintf("须为整数天数，“%s”不是数字", s)
}
