package excel

import (
	"fmt"
	"io"
	"net/mail"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/registry"
)

// The agency migration workbook (中介机构迁移): one row per agency that a
// legacy platform had admitted. Cells are read and checked here; the
// registry then checks each valid row against the catalog and the agencies
// already on the platform (registry.ImportMigrated), and its refusals come
// back to the row through Reject, so one error workbook holds both.

// AgencySheet is the data sheet of the migration template and of its
// error workbooks.
const AgencySheet = "中介机构迁移"

// MaxAgencyRows is the most data rows one migration import accepts: each
// row is a read and a write of one agency, about 5 s per thousand on the
// embedded engine.
const MaxAgencyRows = 5000

// Migration columns, in template order.
const (
	acolName = iota
	acolUSCC
	acolRegion
	acolLegalRep
	acolContact
	acolPhone
	acolEmail
	acolAddress
	acolItems
	acolQuals
	acolLegacyID
	acolAdmittedOn
	agencyColumnCount
)

var agencyColumns = []templateColumn{
	{"机构名称", Column{Header: "机构名称", Width: 30}},
	{"统一社会信用代码", Column{Header: "统一社会信用代码", Width: 22}},
	{"注册地区划代码", Column{Header: "注册地区划代码（6 位）", Width: 14}},
	{"法定代表人", Column{Header: "法定代表人", Width: 12}},
	{"联系人", Column{Header: "联系人", Width: 12}},
	{"联系电话", Column{Header: "联系电话", Width: 16}},
	{"电子邮箱", Column{Header: "电子邮箱", Width: 24}},
	{"办公地址", Column{Header: "办公地址", Width: 30}},
	{"服务事项编码", Column{Header: "服务事项编码（多个用“、”分隔）", Width: 30}},
	{"资质", Column{Header: "资质（类型/等级/证书编号/有效期至，多项用“；”分隔）", Width: 64}},
	{"原平台机构编号", Column{Header: "原平台机构编号", Width: 16}},
	{"原平台入驻日期", Column{Header: "原平台入驻日期（如 2019-05-20）", Width: 16}},
}

// AgencyHeaders returns the template's header row.
func AgencyHeaders() []string { return templateHeaders(agencyColumns) }

// agencyExample is the template's example row. A row identical to it is
// skipped on import, so an unedited example never becomes an agency.
var agencyExample = []string{
	"甘肃示例工程咨询有限公司", exampleUSCC, "620102", "张伟", "李娜", "0931-8123456", "lina@example.cn",
	"兰州市城关区庆阳路 100 号", "ZJ-LX-001、ZJ-LX-002:20",
	"工程咨询单位备案/甲级/GS-ZX-2020-001/2027-12-31；工程造价咨询企业//GS-ZJ-0018/2021-01-01至2026-06-30",
	"GSZJ-000123", "2019-05-20",
}

// exampleUSCC is a credit code with a valid check character for the example.
var exampleUSCC = func() string {
	const head = "91620102MA71EXAM1"
	c, _ := registry.USCCCheckChar(head)
	return head + string(c)
}()

// AgencyRow is one data row of an uploaded migration workbook.
type AgencyRow struct {
	Line  int                     // row number in the worksheet (1-based, as Excel shows it)
	Input registry.MigrationInput // the parsed agency; meaningful only when the row has no reader errors
	Raw   []string                // the cells as uploaded (the date cell as YYYY-MM-DD)
	// Errors are Chinese messages, each naming its column, from the reader
	// and from Reject; empty means valid.
	Errors []string
	// BadColumns are the 0-based template columns the errors refer to.
	BadColumns []int
}

// OK reports whether the row has no errors.
func (r AgencyRow) OK() bool { return len(r.Errors) == 0 }

func (r *AgencyRow) fail(col int, msg string) {
	r.Errors = append(r.Errors, cellError(agencyColumns, col, msg))
	r.BadColumns = append(r.BadColumns, col)
}

// agencyFieldColumns maps the fields of registry.MigrationResult.Err (the
// part before any "[") to columns.
var agencyFieldColumns = map[string]int{
	"name": acolName, "uscc": acolUSCC, "region": acolRegion, "legal_rep": acolLegalRep, "contact": acolContact,
	"phone": acolPhone, "email": acolEmail, "address": acolAddress, "listings": acolItems,
	"qualifications": acolQuals, "legacy_id": acolLegacyID, "admitted_on": acolAdmittedOn,
}

// Reject records the registry's refusal of the row (the Err of its
// registry.MigrationResult): each field error goes to its column, naming
// the service item or qualification it is about.
func (r *AgencyRow) Reject(err error) {
	e, ok := apperr.As(err)
	if !ok || len(e.Fields) == 0 {
		msg := err.Error()
		if ok {
			msg = e.Message
		}
		r.fail(acolUSCC, msg)
		return
	}
	type fieldErr struct {
		col      int
		field    string
		msg      string
		base     string
		index    int
		hasIndex bool
	}
	var errs []fieldErr
	for f, msg := range e.Fields {
		base, _, _ := strings.Cut(f, "[")
		col, known := agencyFieldColumns[base]
		if !known {
			col = acolUSCC
		}
		n, _ := fieldIndex(f)
		errs = append(errs, fieldErr{col: col, field: f, msg: msg, base: base, index: n, hasIndex: strings.Contains(f, "[")})
	}
	sort.Slice(errs, func(i, j int) bool {
		if errs[i].col != errs[j].col {
			return errs[i].col < errs[j].col
		}
		return errs[i].field < errs[j].field
	})
	for _, fe := range errs {
		msg := fe.msg
		switch {
		case fe.base == "listings" && fe.hasIndex && fe.index >= 0 && fe.index < len(r.Input.Listings):
			msg = fmt.Sprintf("服务事项“%s”：%s", r.Input.Listings[fe.index].ItemCode, msg)
		case fe.base == "qualifications" && fe.hasIndex && fe.index >= 0 && fe.index < len(r.Input.Profile.Qualifications):
			msg = fmt.Sprintf("第 %d 项资质“%s”：%s", fe.index+1, r.Input.Profile.Qualifications[fe.index].Type, msg)
		}
		r.fail(fe.col, msg)
	}
}

// WriteAgencyTemplate writes the downloadable migration template: the data
// sheet with the header row and one example row, and a 说明 sheet.
func WriteAgencyTemplate(w io.Writer) error {
	wb := NewWorkbook()
	defer wb.Close()
	t, err := wb.AddTable(Sheet{
		Name:    AgencySheet,
		Title:   "中介机构迁移导入模板（请勿修改第 1、2 行；从第 3 行起每行填写一家原平台已入驻的机构，第 3 行为示例）",
		Columns: sheetColumns(agencyColumns),
	})
	if err != nil {
		return err
	}
	ex := make([]any, len(agencyExample))
	for i, v := range agencyExample {
		ex[i] = v
	}
	if err := t.Row(ex...); err != nil {
		return err
	}
	if err := t.Close(); err != nil {
		return err
	}
	if err := wb.AddNotes("说明", "中介机构迁移导入说明", agencyInstructions); err != nil {
		return err
	}
	_, err = wb.WriteTo(w)
	return err
}

var agencyInstructions = []string{
	"1. 本模板用于把原中介服务平台上已入驻的机构迁移到本平台：导入的机构直接成为“已入驻”机构，保留原平台机构编号和入驻日期，不再逐家审核。请只填写原平台已审核入驻的机构。",
	"2. 在“中介机构迁移”工作表中从第 3 行起填写，每行一家机构。第 1 行标题、第 2 行表头请勿修改、删除或调整顺序。",
	"3. 导入按“统一社会信用代码”识别：本平台没有的机构新增；以前迁移导入过的机构按新数据更新，数据相同的不变；同一文件重复导入不会产生重复数据。同一文件中同一信用代码、同一原平台机构编号只能出现一次。",
	"4. 已在本平台自行注册的机构不会被覆盖，该行作为错误返回；迁移后机构已在本平台修改过资料，或被暂停、列入黑名单等，迁移数据也不再覆盖。",
	"5. 必填列：机构名称、统一社会信用代码（18 位，校验位须正确）、注册地区划代码（6 位）、法定代表人、服务事项编码、资质、原平台机构编号、原平台入驻日期。",
	"6. 服务事项编码：填写本平台服务事项目录中的编码，多个用“、”“，”或“；”分隔。承诺时限默认为该事项的法定时限，也可写作“编码:天数”（如 ZJ-LX-002:20），不能超过法定时限。机构须具备事项要求的资质类型。停用的事项不能填写。",
	"7. 资质：每项写作“类型/等级/证书编号/有效期至”，等级可以留空（如“测绘资质//GS-001/2027-12-31”）；有起始日期时写作“起始日期至截止日期”（如 2021-01-01至2026-06-30），未写起始日期的以原平台入驻日期为起始日期。多项资质用“；”或换行分隔。资质类型须与服务事项目录中的资质要求名称一致。原平台的证书扫描件不迁移，机构登录后可补传。",
	"8. 日期写作 2019-05-20、2019/5/20 或 2019年5月20日，也可以是 Excel 日期单元格。原平台入驻日期不能晚于导入当天。",
	"9. 迁移的机构没有登录账号：机构持营业执照和授权委托书到监管部门核验后，由监管部门在“中介机构管理”中为其开通首个账号；机构用该信用代码自助注册会被提示联系监管部门。",
	fmt.Sprintf("10. 每次最多导入 %d 行。有错误的行不会导入，其余正确的行照常导入；系统会返回一个只含错误行的文件，“错误原因”列写明原因。在该文件中改正后可直接重新上传。", MaxAgencyRows),
	"11. 第 3 行示例原样保留时导入会自动忽略；也可以直接覆盖或删除。",
}

// WriteAgencyErrors writes the rows with errors — the reader's and the
// registry's — with their cells as uploaded and the bad ones in red, an
// error column (错误原因) and the original row number. The header is the
// template's, so a corrected copy can be uploaded again as it is.
func WriteAgencyErrors(w io.Writer, rows []AgencyRow) error {
	var bad []errorRow
	for _, r := range rows {
		if !r.OK() {
			bad = append(bad, errorRow{line: r.Line, raw: r.Raw, bad: r.BadColumns, reason: strings.Join(r.Errors, "；\n")})
		}
	}
	return writeErrorRows(w, AgencySheet,
		fmt.Sprintf("中介机构迁移导入错误（共 %d 行未导入；按“错误原因”改正后可直接重新上传本文件）", len(bad)),
		uploadedColumns(agencyColumns), bad)
}

// ReadAgencies parses an uploaded migration workbook: the 中介机构迁移
// sheet (or else the first sheet), whose header must be the template's, in
// row 1 or in row 2 under a title row. Every non-empty data row comes back,
// valid or not, with a repeated credit code or legacy ID marked on its
// later rows; the template's example row is skipped. An error is returned
// only for the file as a whole: not an xlsx workbook, a wrong header, or
// more than MaxAgencyRows data rows (all apperr Invalid).
func ReadAgencies(r io.Reader) ([]AgencyRow, error) {
	var rows []AgencyRow
	err := readRows(r, importSpec{
		sheet:   AgencySheet,
		columns: agencyColumns,
		maxRows: MaxAgencyRows,
		tooMany: fmt.Sprintf("一次最多导入 %d 家机构，本文件超过了上限，请分批导入", MaxAgencyRows),
		skip:    func(raw []string) bool { return isAgencyExample(raw) },
	}, func(in importRow) {
		rows = append(rows, parseAgencyRow(in.line, in.raw, in.date1904))
	})
	if err != nil {
		return nil, err
	}
	usccLine, legacyLine := map[string]int{}, map[string]int{}
	for i := range rows {
		row := &rows[i]
		if u := row.Input.Profile.USCC; u != "" && !slices.Contains(row.BadColumns, acolUSCC) {
			if first, dup := usccLine[u]; dup {
				row.fail(acolUSCC, fmt.Sprintf("统一社会信用代码“%s”与第 %d 行重复，同一文件中每家机构只能出现一次", u, first))
			} else {
				usccLine[u] = row.Line
			}
		}
		if id := row.Input.LegacyID; id != "" && !slices.Contains(row.BadColumns, acolLegacyID) {
			if first, dup := legacyLine[id]; dup {
				row.fail(acolLegacyID, fmt.Sprintf("原平台机构编号“%s”与第 %d 行重复", id, first))
			} else {
				legacyLine[id] = row.Line
			}
		}
	}
	return rows, nil
}

func isAgencyExample(raw []string) bool {
	for i, v := range agencyExample {
		if strings.TrimSpace(raw[i]) != v {
			return false
		}
	}
	return true
}

// Limits of the cells, as the registry and the account forms apply them.
const (
	maxAgencyName    = 100
	maxLegalRep      = 50
	maxContact       = 50
	maxPhone         = 30
	maxEmail         = 200
	maxAddress       = 200
	maxLegacyID      = 64
	maxQualsPerRow   = 50
	maxItemsPerRow   = 200
	earliestAdmitted = 1990 // no online supermarket admitted agencies before
)

var phonePattern = regexp.MustCompile(`^[0-9+()\-\s、,/转]+$`)

func parseAgencyRow(line int, raw []string, date1904 bool) AgencyRow {
	row := AgencyRow{Line: line, Raw: raw}
	cell := func(i int) string { return strings.TrimSpace(raw[i]) }
	narrow := func(i int) string { return strings.TrimSpace(halfWidth(raw[i])) }
	text := func(col int, what string, max int, required bool) string {
		v := cell(col)
		switch n := utf8.RuneCountInString(v); {
		case n == 0 && required:
			row.fail(col, "请填写"+what)
		case n > max:
			row.fail(col, fmt.Sprintf("%s最长 %d 字，填写了 %d 字", what, max, n))
		}
		return v
	}
	var in registry.MigrationInput
	p := &in.Profile

	p.Name = text(acolName, "机构名称", maxAgencyName, true)
	p.USCC = registry.NormalizeUSCC(strings.Join(strings.Fields(narrow(acolUSCC)), ""))
	if p.USCC == "" {
		row.fail(acolUSCC, "请填写统一社会信用代码（18 位）")
	} else if msg := registry.ValidateUSCC(p.USCC); msg != "" {
		row.fail(acolUSCC, fmt.Sprintf("%s，填写的是“%s”", msg, cell(acolUSCC)))
	}
	p.Region = wholeNumberText(narrow(acolRegion))
	if p.Region == "" {
		row.fail(acolRegion, "请填写注册地的 6 位行政区划代码，如 620102")
	} else if msg := registry.ValidateRegion(p.Region); msg != "" {
		row.fail(acolRegion, fmt.Sprintf("%s，填写的是“%s”", msg, cell(acolRegion)))
	}
	p.LegalRep = text(acolLegalRep, "法定代表人", maxLegalRep, true)
	p.Contact = text(acolContact, "联系人", maxContact, false)
	p.Phone = wholeNumberText(narrow(acolPhone))
	switch n := utf8.RuneCountInString(p.Phone); {
	case n > maxPhone:
		row.fail(acolPhone, fmt.Sprintf("联系电话最长 %d 个字符，填写了 %d 个", maxPhone, n))
	case n > 0 && !phonePattern.MatchString(p.Phone):
		row.fail(acolPhone, fmt.Sprintf("联系电话只能含数字、“-”、“+”、括号和分隔符，填写的是“%s”", cell(acolPhone)))
	}
	p.Email = narrow(acolEmail)
	if p.Email != "" {
		if a, err := mail.ParseAddress(p.Email); err != nil || a.Address != p.Email || len(p.Email) > maxEmail {
			row.fail(acolEmail, fmt.Sprintf("电子邮箱格式不正确，填写的是“%s”", cell(acolEmail)))
		}
	}
	p.Address = text(acolAddress, "办公地址", maxAddress, false)

	listings, msgs := parseListingCodes(narrow(acolItems))
	for _, m := range msgs {
		row.fail(acolItems, m)
	}
	in.Listings = listings
	quals, msgs := parseQualificationList(cell(acolQuals))
	for _, m := range msgs {
		row.fail(acolQuals, m)
	}
	p.Qualifications = quals

	in.LegacyID = text(acolLegacyID, "原平台机构编号", maxLegacyID, true)
	if v := cell(acolAdmittedOn); v == "" {
		row.fail(acolAdmittedOn, "请填写原平台入驻日期（如 2019-05-20）")
	} else {
		d, fromSerial, msg := parseCellDate(v, date1904)
		switch {
		case msg != "":
			row.fail(acolAdmittedOn, msg)
		case d.Y < earliestAdmitted:
			row.fail(acolAdmittedOn, fmt.Sprintf("原平台入驻日期 %s 早于 %d 年，请检查", d, earliestAdmitted))
		default:
			in.AdmittedOn = d
		}
		if fromSerial && msg == "" {
			raw[acolAdmittedOn] = d.String() // a date cell reads as a serial number; show the date
		}
	}
	row.Input = in
	return row
}

// parseListingCodes reads the 服务事项编码 cell (already half-width):
// codes separated by 、 , ; or white space, each optionally followed by
// ":days", the committed time limit.
func parseListingCodes(s string) ([]registry.Listing, []string) {
	parts := strings.FieldsFunc(s, func(r rune) bool {
		return r == '、' || r == ',' || r == ';' || r == ' ' || r == '\n' || r == '\r' || r == '\t'
	})
	if len(parts) == 0 {
		return nil, []string{"请填写至少一个服务事项编码，多个用“、”分隔"}
	}
	var (
		out  []registry.Listing
		msgs []string
	)
	seen := map[string]int{} // code → committed days
	for _, part := range parts {
		code, days, hasDays := strings.Cut(part, ":")
		code = registry.NormalizeCode(code)
		l := registry.Listing{ItemCode: code}
		switch {
		case code == "":
			msgs = append(msgs, fmt.Sprintf("“%s”缺少事项编码", part))
			continue
		case len(code) > 32:
			msgs = append(msgs, fmt.Sprintf("事项编码“%s”超过 32 位", code))
			continue
		}
		if hasDays {
			n, msg := parseDays(strings.TrimSpace(days))
			switch {
			case strings.TrimSpace(days) == "":
				msgs = append(msgs, fmt.Sprintf("“%s”的承诺时限为空：写作“编码:天数”，或只写编码", part))
				continue
			case msg != "":
				msgs = append(msgs, fmt.Sprintf("服务事项“%s”的承诺时限%s", code, msg))
				continue
			case n < 1 || n > 365:
				msgs = append(msgs, fmt.Sprintf("服务事项“%s”的承诺时限应为 1–365 天，填写的是 %d", code, n))
				continue
			}
			l.CommittedDays = n
		}
		if prev, dup := seen[code]; dup {
			if prev != l.CommittedDays {
				msgs = append(msgs, fmt.Sprintf("服务事项“%s”填写了两次，承诺时限不同", code))
			}
			continue
		}
		seen[code] = l.CommittedDays
		out = append(out, l)
	}
	if len(out) > maxItemsPerRow {
		msgs = append(msgs, fmt.Sprintf("服务事项最多 %d 项，填写了 %d 项", maxItemsPerRow, len(out)))
	}
	return out, msgs
}

// parseQualificationList reads the 资质 cell: entries separated by ； ; or
// line breaks, each 类型/等级/证书编号/有效期, the validity either the end
// date or "start至end".
func parseQualificationList(s string) ([]registry.Qualification, []string) {
	entries := strings.FieldsFunc(s, func(r rune) bool { return r == '；' || r == ';' || r == '\n' || r == '\r' })
	var (
		out  []registry.Qualification
		msgs []string
		seen = map[string]bool{}
		n    int
	)
	for _, e := range entries {
		e = strings.TrimSpace(e)
		if e == "" {
			continue
		}
		n++
		parts := strings.SplitN(strings.ReplaceAll(e, "／", "/"), "/", 4)
		if len(parts) < 4 {
			msgs = append(msgs, fmt.Sprintf("第 %d 项资质“%s”应写作“类型/等级/证书编号/有效期至”（等级可空，如“测绘资质//GS-001/2027-12-31”）", n, e))
			continue
		}
		q := registry.Qualification{Type: strings.TrimSpace(parts[0]), Level: strings.TrimSpace(parts[1]), CertNo: strings.TrimSpace(parts[2])}
		bad := false
		if q.Type == "" {
			msgs, bad = append(msgs, fmt.Sprintf("第 %d 项资质缺少类型", n)), true
		}
		if q.CertNo == "" {
			msgs, bad = append(msgs, fmt.Sprintf("第 %d 项资质“%s”缺少证书编号", n, q.Type)), true
		}
		validity := strings.TrimSpace(halfWidth(parts[3]))
		from, to, hasFrom := "", validity, false
		for _, sep := range []string{"至", "~"} {
			if a, b, ok := strings.Cut(validity, sep); ok {
				from, to, hasFrom = strings.TrimSpace(a), strings.TrimSpace(b), true
				break
			}
		}
		if to == "" {
			msgs, bad = append(msgs, fmt.Sprintf("第 %d 项资质“%s”缺少有效期截止日期", n, q.Type)), true
		} else if d, _, msg := parseCellDate(to, false); msg != "" {
			msgs, bad = append(msgs, fmt.Sprintf("第 %d 项资质“%s”的有效期：%s", n, q.Type, msg)), true
		} else {
			q.ValidTo = d
		}
		if hasFrom {
			if d, _, msg := parseCellDate(from, false); msg != "" {
				msgs, bad = append(msgs, fmt.Sprintf("第 %d 项资质“%s”的有效期起始：%s", n, q.Type, msg)), true
			} else {
				q.ValidFrom = d
			}
		}
		if !bad && !q.ValidFrom.IsZero() && q.ValidTo.Before(q.ValidFrom) {
			msgs, bad = append(msgs, fmt.Sprintf("第 %d 项资质“%s”的有效期截止日期 %s 早于起始日期 %s", n, q.Type, q.ValidTo, q.ValidFrom)), true
		}
		if bad {
			continue
		}
		key := q.Type + "\x00" + q.CertNo
		if seen[key] {
			continue // the same certificate written twice
		}
		seen[key] = true
		out = append(out, q)
	}
	switch {
	case n == 0:
		msgs = append(msgs, "请填写至少一项资质：类型/等级/证书编号/有效期至")
	case len(out) > maxQualsPerRow:
		msgs = append(msgs, fmt.Sprintf("资质最多 %d 项，填写了 %d 项", maxQualsPerRow, len(out)))
	}
	return out, msgs
}

// halfWidth turns full-width ASCII (ＺＪ－００１, ：, ；, ，) and the
// ideographic space into their ASCII forms, for codes, numbers and dates
// typed with a Chinese input method; 、 and other CJK punctuation stay.
// Names and qualification types are never narrowed: the catalog spells
// them with full-width brackets.
func halfWidth(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '！' && r <= '～':
			return r - '！' + '!'
		case r == '\u3000':
			return ' '
		}
		return r
	}, s)
}

// wholeNumberText reads a code stored as a number cell: 620102.0 is 620102.
func wholeNumberText(s string) string {
	if strings.HasSuffix(s, ".0") && strings.Trim(strings.TrimSuffix(s, ".0"), "0123456789") == "" {
		return strings.TrimSuffix(s, ".0")
	}
	return s
}

// ImportRows runs importFn on the inputs of the rows that read cleanly, in
// order, and marks on each such row the rejection importFn returned for it.
// The results come back as importFn gave them, also on error (the rows
// before the failure are imported).
func ImportRows(rows []AgencyRow, importFn func([]registry.MigrationInput) ([]registry.MigrationResult, error)) ([]registry.MigrationResult, error) {
	var (
		inputs []registry.MigrationInput
		at     []int // the row of each input
	)
	for i, r := range rows {
		if r.OK() {
			inputs = append(inputs, r.Input)
			at = append(at, i)
		}
	}
	results, err := importFn(inputs)
	if err != nil {
		return results, err
	}
	for k, res := range results {
		if res.Outcome == registry.MigrationRejected {
			rows[at[k]].Reject(res.Err)
		}
	}
	return results, nil
}
