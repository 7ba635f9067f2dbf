package excel

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"runtime/metrics"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

var testCols = []Column{
	{Header: "编号", Kind: Int},
	{Header: "项目名称", Width: 30},
	{Header: "最高限价", Kind: Money},
	{Header: "开标时间", Kind: Date},
	{Header: "是否按期", Kind: Bool},
	{Header: "节资率", Kind: Percent},
}

func openBytes(t testing.TB, b []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("open produced workbook: %v", err)
	}
	t.Cleanup(func() { _ = f.Close() })
	return f
}

// sheetXML returns the raw XML of the n-th worksheet part.
func sheetXML(t *testing.T, b []byte, n int) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := zr.Open(fmt.Sprintf("xl/worksheets/sheet%d.xml", n))
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	x, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return string(x)
}

func TestTableWriter(t *testing.T) {
	exported := time.Date(2026, 3, 5, 2, 7, 0, 0, time.UTC) // 10:07 in Shanghai
	opened := time.Date(2026, 3, 1, 1, 30, 0, 0, time.UTC)  // 09:30 in Shanghai
	const n = 300

	wb := NewWorkbook()
	defer wb.Close()
	sum, err := wb.AddTable(Sheet{Name: "汇总", Title: "汇总表", Columns: []Column{
		{Header: "指标"}, {Header: "数值", Kind: Int}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := sum.Row("项目数", n); err != nil {
		t.Fatal(err)
	}
	tb, err := wb.AddTable(Sheet{Name: "明细", Title: "选取项目明细", Filters: "区域：南宁市",
		ExportedAt: exported, Columns: testCols})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= n; i++ {
		if err := tb.Row(i, fmt.Sprintf("项目%03d", i), int64(i)*12345+6,
			opened.Add(time.Duration(i)*time.Hour), i%2 == 0, BasisPoints(i)); err != nil {
			t.Fatal(err)
		}
	}
	// Empty values: nil, nil pointer, zero time; and a highlighted cell.
	var nilFen *int64
	if err := tb.Row(nil, Highlight("超期"), nilFen, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if tb.Len() != n+1 {
		t.Fatalf("Len = %d, want %d", tb.Len(), n+1)
	}
	if err := tb.Row(1, "x", "not fen"); err == nil || !strings.Contains(err.Error(), "最高限价") {
		t.Fatalf("string in a money column: err = %v", err)
	}
	if err := tb.Row(1, 2, 3, 4, 5, 6, 7); err == nil {
		t.Fatal("too many values accepted")
	}
	var buf bytes.Buffer
	nw, err := wb.WriteTo(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if nw != int64(buf.Len()) {
		t.Fatalf("WriteTo reported %d bytes, wrote %d", nw, buf.Len())
	}
	if err := tb.Row(1); err == nil {
		t.Fatal("row accepted after close")
	}

	f := openBytes(t, buf.Bytes())
	if got := f.GetSheetList(); strings.Join(got, ",") != "汇总,明细" {
		t.Fatalf("sheets = %v", got)
	}
	const sh = "明细"
	title, _ := f.GetCellValue(sh, "A1")
	for _, want := range []string{"选取项目明细", "筛选条件：区域：南宁市", "导出时间：2026-03-05 10:07"} {
		if !strings.Contains(title, want) {
			t.Errorf("title %q lacks %q", title, want)
		}
	}
	mc, _ := f.GetMergeCells(sh)
	if len(mc) != 1 || mc[0].GetStartAxis() != "A1" || mc[0].GetEndAxis() != "F1" {
		t.Errorf("merged cells = %v, want A1:F1", mc)
	}

	// Header row: values and style.
	rows, err := f.GetRows(sh)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != n+3 {
		t.Fatalf("rows = %d, want %d", len(rows), n+3)
	}
	for i, c := range testCols {
		if rows[1][i] != c.Header {
			t.Errorf("header %d = %q, want %q", i, rows[1][i], c.Header)
		}
	}
	hs, _ := f.GetCellStyle(sh, "C2")
	st, err := f.GetStyle(hs)
	if err != nil {
		t.Fatal(err)
	}
	if st.Font == nil || !st.Font.Bold {
		t.Error("header is not bold")
	}
	if len(st.Fill.Color) != 1 || !strings.EqualFold(st.Fill.Color[0], "#"+colorHeaderFill) && !strings.EqualFold(st.Fill.Color[0], colorHeaderFill) {
		t.Errorf("header fill = %v", st.Fill.Color)
	}
	if len(st.Border) != 4 {
		t.Errorf("header borders = %v", st.Border)
	}

	// Frozen below the header.
	p, err := f.GetPanes(sh)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Freeze || p.YSplit != 2 || p.XSplit != 0 || p.TopLeftCell != "A3" {
		t.Errorf("panes = %+v", p)
	}

	// Autofilter over the header and the rows.
	found := false
	for _, dn := range f.GetDefinedName() {
		if dn.Name == "_xlnm._FilterDatabase" && dn.Scope == sh {
			found = true
			if !strings.Contains(strings.ReplaceAll(dn.RefersTo, "$", ""), fmt.Sprintf("A2:F%d", n+3)) {
				t.Errorf("filter range = %q", dn.RefersTo)
			}
		}
	}
	if !found {
		t.Errorf("no autofilter defined name: %+v", f.GetDefinedName())
	}
	// excelize writes the range with absolute references ($A$2:$F$n).
	if x := strings.ReplaceAll(sheetXML(t, buf.Bytes(), 2), "$", ""); !strings.Contains(x, fmt.Sprintf(`<autoFilter ref="A2:F%d"`, n+3)) {
		t.Error("sheet XML has no autoFilter element")
	}

	// Widths: set, from the header, and from the kind.
	for col, want := range map[string]float64{"B": 30, "A": 8, "D": 18} {
		if w, _ := f.GetColWidth(sh, col); w != want {
			t.Errorf("width of %s = %v, want %v", col, w, want)
		}
	}

	// Numbers with formats.
	check := func(cell, raw, shown, numFmt string) {
		t.Helper()
		typ, _ := f.GetCellType(sh, cell)
		if typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
			t.Errorf("%s type = %v, want a number", cell, typ)
		}
		if got, _ := f.GetCellValue(sh, cell, excelize.Options{RawCellValue: true}); got != raw {
			t.Errorf("%s raw = %q, want %q", cell, got, raw)
		}
		if got, _ := f.GetCellValue(sh, cell); got != shown {
			t.Errorf("%s shown = %q, want %q", cell, got, shown)
		}
		id, _ := f.GetCellStyle(sh, cell)
		st, _ := f.GetStyle(id)
		got := ""
		if st.CustomNumFmt != nil {
			got = *st.CustomNumFmt
		} else if st.NumFmt == 10 {
			got = PercentFormat
		}
		if got != numFmt {
			t.Errorf("%s number format = %q, want %q", cell, got, numFmt)
		}
	}
	check("C3", "123.51", "¥123.51", MoneyFormat)             // 12351 fen
	check("C102", "12345.06", "¥12,345.06", MoneyFormat)      // 100*12345+6 fen
	check("F3", "0.0001", "0.01%", PercentFormat)             // 1 bp
	check("D3", "46082.4375", "2026-03-01 10:30", DateFormat) // 09:30 + 1h
	serial, _ := strconv.ParseFloat("46082.4375", 64)
	if tm, _ := excelize.ExcelDateToTime(serial, false); !tm.Equal(time.Date(2026, 3, 1, 10, 30, 0, 0, time.UTC)) {
		t.Errorf("date serial decodes to %v", tm)
	}
	if v, _ := f.GetCellValue(sh, "E3"); v != "否" {
		t.Errorf("bool = %q", v)
	}
	if v, _ := f.GetCellValue(sh, "E4"); v != "是" {
		t.Errorf("bool = %q", v)
	}
	last := n + 3
	for _, c := range []string{"A", "C", "D"} {
		if v, _ := f.GetCellValue(sh, fmt.Sprintf("%s%d", c, last)); v != "" {
			t.Errorf("%s%d = %q, want empty", c, last, v)
		}
	}
	id, _ := f.GetCellStyle(sh, fmt.Sprintf("B%d", last))
	if st, _ := f.GetStyle(id); len(st.Fill.Color) == 0 || !strings.Contains(strings.ToUpper(st.Fill.Color[0]), colorAlertFill) {
		t.Errorf("highlighted cell fill = %+v", st.Fill)
	}
	if v, _ := f.GetCellValue("汇总", "B3"); v != strconv.Itoa(n) {
		t.Errorf("summary value = %q", v)
	}
}

func TestMoneyCellsAreExact(t *testing.T) {
	cases := []struct {
		fen  int64
		want string
	}{
		{0, "0"}, {1, "0.01"}, {10, "0.1"}, {99, "0.99"}, {-5, "-0.05"},
		{10000000, "100000"}, {123456789, "1234567.89"},
		{29, "0.29"}, {57, "0.57"}, {115, "1.15"}, // classic binary traps
		{900719925474099, "9007199254740.99"},
	}
	wb := NewWorkbook()
	defer wb.Close()
	tb, err := wb.AddTable(Sheet{Name: "金额", Columns: []Column{{Header: "金额", Kind: Money}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		if err := tb.Row(c.fen); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := wb.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	f := openBytes(t, buf.Bytes())
	for i, c := range cases {
		cell := fmt.Sprintf("A%d", i+2) // no title: header in row 1
		got, _ := f.GetCellValue("金额", cell, excelize.Options{RawCellValue: true})
		if got != c.want {
			t.Errorf("%d fen: cell %s = %q, want %q", c.fen, cell, got, c.want)
		}
	}
	if p, _ := f.GetPanes("金额"); p.YSplit != 1 || p.TopLeftCell != "A2" {
		t.Errorf("panes without a title = %+v", p)
	}
}

func TestExcelTime(t *testing.T) {
	cases := []struct {
		in   time.Time
		want float64
	}{
		{time.Date(2026, 1, 1, 0, 0, 0, 0, Shanghai), 46023},
		{time.Date(2025, 12, 31, 16, 0, 0, 0, time.UTC), 46023}, // same instant
		{time.Date(2026, 1, 1, 12, 0, 0, 0, Shanghai), 46023.5},
		{time.Date(2000, 2, 29, 6, 0, 0, 0, Shanghai), 36585.25},
	}
	for _, c := range cases {
		if got := ExcelTime(c.in); got != c.want {
			t.Errorf("ExcelTime(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestStream10kRowsReadBack(t *testing.T) {
	const n = 10000
	var buf bytes.Buffer
	if err := writeStream(&buf, n); err != nil {
		t.Fatal(err)
	}
	f := openBytes(t, buf.Bytes())
	rows, err := f.Rows("数据")
	if err != nil {
		t.Fatal(err)
	}
	count, lastFirst := 0, ""
	for rows.Next() {
		cols, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		count++
		if len(cols) > 0 {
			lastFirst = cols[0]
		}
	}
	_ = rows.Close()
	if count != n+2 || lastFirst != strconv.Itoa(n) {
		t.Fatalf("read %d rows (last id %q), want %d (last id %d)", count, lastFirst, n+2, n)
	}
}

var benchCols = []Column{
	{Header: "序号", Kind: Int},
	{Header: "项目编号"},
	{Header: "项目名称", Width: 40},
	{Header: "服务事项"},
	{Header: "中选机构", Width: 30},
	{Header: "最高限价", Kind: Money},
	{Header: "中选金额", Kind: Money},
	{Header: "节资率", Kind: Percent},
	{Header: "发布时间", Kind: Date},
	{Header: "按期完成", Kind: Bool},
}

// writeStream writes n rows; probe, when set, is called every 10,000 rows.
func writeStream(w io.Writer, n int, probe ...func()) error {
	wb := NewWorkbook()
	defer wb.Close()
	t, err := wb.AddTable(Sheet{Name: "数据", Title: "选取项目及结果", Filters: "全部",
		ExportedAt: time.Now(), Columns: benchCols})
	if err != nil {
		return err
	}
	base := time.Date(2025, 1, 1, 8, 0, 0, 0, time.UTC)
	names := []string{"某市第一中学新建教学楼环境影响评价", "工业园区道路工程地质灾害危险性评估", "安置小区建设项目水土保持方案编制"}
	for i := 1; i <= n; i++ {
		ceiling := int64(100000+i%997*1000) * 100
		award := ceiling - int64(i%13)*5000
		if err := t.Row(i, fmt.Sprintf("XM2025%06d", i), names[i%3], "地质灾害危险性评估",
			"广西某某工程咨询有限公司", ceiling, award, BasisPoints((ceiling-award)*10000/ceiling),
			base.Add(time.Duration(i)*time.Minute), i%5 != 0); err != nil {
			return err
		}
		if i%10000 == 0 {
			for _, p := range probe {
				p()
			}
		}
	}
	_, err = wb.WriteTo(w)
	return err
}

// BenchmarkStream100k writes 100,000 rows of 10 mixed columns.
//
//	go test ./excel/ -run '^$' -bench Stream100k -benchmem
func BenchmarkStream100k(b *testing.B) {
	b.ReportAllocs()
	var size int64
	live := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	peak := uint64(0)
	probe := func() {
		metrics.Read(live)
		peak = max(peak, live[0].Value.Uint64())
	}
	for i := 0; i < b.N; i++ {
		cw := &countWriter{w: io.Discard}
		if err := writeStream(cw, 100000, probe); err != nil {
			b.Fatal(err)
		}
		size = cw.n
	}
	b.ReportMetric(float64(size)/(1<<20), "MiB/file")
	// The live heap after the last GC, sampled every 10,000 rows: it stays
	// flat because rows spill to a temporary file.
	b.ReportMetric(float64(peak)/(1<<20), "peak-live-heap-MiB")
}

// BenchmarkRawStreamWriter100k is the floor for BenchmarkStream100k: the
// same rows written with a bare excelize StreamWriter (no styles, title,
// filter or formats; excelize's own in-memory zip).
//
//	go test ./excel/ -run '^$' -bench 100k -benchmem
func BenchmarkRawStreamWriter100k(b *testing.B) {
	b.ReportAllocs()
	base := time.Date(2025, 1, 1, 8, 0, 0, 0, time.UTC)
	names := []string{"某市第一中学新建教学楼环境影响评价", "工业园区道路工程地质灾害危险性评估", "安置小区建设项目水土保持方案编制"}
	for i := 0; i < b.N; i++ {
		f := excelize.NewFile()
		sw, err := f.NewStreamWriter("Sheet1")
		if err != nil {
			b.Fatal(err)
		}
		hdr := make([]any, len(benchCols))
		for j, c := range benchCols {
			hdr[j] = c.Header
		}
		if err := sw.SetRow("A1", hdr); err != nil {
			b.Fatal(err)
		}
		row := make([]any, len(benchCols))
		for r := 1; r <= 100000; r++ {
			ceiling := int64(100000+r%997*1000) * 100
			award := ceiling - int64(r%13)*5000
			row[0], row[1], row[2], row[3], row[4] = r, fmt.Sprintf("XM2025%06d", r), names[r%3], "地质灾害危险性评估", "广西某某工程咨询有限公司"
			row[5], row[6], row[7] = float64(ceiling)/100, float64(award)/100, float64((ceiling-award)*10000/ceiling)/10000
			row[8], row[9] = ExcelTime(base.Add(time.Duration(r)*time.Minute)), boolText(r%5 != 0)
			if err := sw.SetRow(cellName(1, r+1), row); err != nil {
				b.Fatal(err)
			}
		}
		if err := sw.Flush(); err != nil {
			b.Fatal(err)
		}
		if _, err := f.WriteTo(io.Discard); err != nil {
			b.Fatal(err)
		}
		_ = f.Close()
	}
}

type stage string

type stringer struct{}

func (stringer) String() string { return "来自 Stringer" }

func TestTextCells(t *testing.T) {
	long := strings.Repeat("长", 40000)
	cases := []struct {
		in   any
		want string
	}{
		{"纵向\v制表\x01符", "纵向 制表 符"},
		{"多行\n文本\t制表", "多行\n文本\t制表"},
		{` <a href="x">&amp;</a> `, ` <a href="x">&amp;</a> `},
		{"=1+1", "=1+1"}, // text, never a formula
		{"_x0041_", "_x0041_"},
		{stage("规划报建"), "规划报建"},
		{stringer{}, "来自 Stringer"},
		{true, "是"},
		{42, "42"},
		{long, strings.Repeat("长", 32767)},
	}
	wb := NewWorkbook()
	defer wb.Close()
	tb, err := wb.AddTable(Sheet{Name: "文本", Columns: []Column{{Header: "文本"}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		if err := tb.Row(c.in); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := wb.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	f := openBytes(t, buf.Bytes())
	for i, c := range cases {
		got, err := f.GetCellValue("文本", fmt.Sprintf("A%d", i+2))
		if err != nil || got != c.want {
			t.Errorf("%q: got %q (%v), want %q", c.in, trunc(got), err, trunc(c.want))
		}
		if typ, _ := f.GetCellType("文本", fmt.Sprintf("A%d", i+2)); typ != excelize.CellTypeInlineString {
			t.Errorf("%q: cell type %v, want an inline string", c.in, typ)
		}
	}
}

func trunc(s string) string {
	if r := []rune(s); len(r) > 20 {
		return string(r[:20]) + "…"
	}
	return s
}
