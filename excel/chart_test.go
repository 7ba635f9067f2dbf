package excel

import (
	"archive/zip"
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

func TestChartsAndMixedKinds(t *testing.T) {
	wb := NewWorkbook()
	defer wb.Close()
	kpi, err := wb.AddTable(Sheet{Name: "指标", Title: "运行指标", Columns: []Column{{Header: "指标"}, {Header: "数值", Kind: Int}}})
	if err != nil {
		t.Fatal(err)
	}
	rows := [][]any{{"项目数", 12}, {"合同金额", As(Money, int64(1234567))}, {"节资率", As(Percent, BasisPoints(1250))},
		{"平均用时", As(Tenths, 45)}, {"空", As(Money, nil)}, {"超期", Highlight(As(Percent, BasisPoints(-5)))}}
	for _, r := range rows {
		if err := kpi.Row(r...); err != nil {
			t.Fatal(err)
		}
	}
	data, err := wb.AddTable(Sheet{Name: "按方式", Columns: []Column{{Header: "方式"}, {Header: "选取数", Kind: Int},
		{Header: "信用分", Kind: Tenths}}})
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range []string{"直接选取", "随机抽取", "竞价"} {
		if err := data.Row(m, i+1, int64(955+i)); err != nil {
			t.Fatal(err)
		}
	}
	if got := data.Column(1).String(); got != "'按方式'!$B$2:$B$4" {
		t.Errorf("ref = %q", got)
	}
	for i, k := range []ChartKind{ColumnChart, PieChart, LineChart} {
		c := Chart{Kind: k, Title: "图", Series: []Series{{Categories: data.Column(0), Values: data.Column(1)}}, Percent: k == LineChart}
		if err := kpi.AddChart([]string{"D2", "D20", "D38"}[i], c); err != nil {
			t.Fatal(err)
		}
	}
	if err := kpi.AddChart("D50", Chart{Kind: PieChart}); err == nil {
		t.Error("a chart without series was accepted")
	}
	var buf bytes.Buffer
	if _, err := wb.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	if err := kpi.AddChart("D2", Chart{Kind: PieChart, Series: []Series{{Values: data.Column(1)}}}); err == nil {
		t.Error("a chart was added to a closed table")
	}

	f := openBytes(t, buf.Bytes())
	for cell, want := range map[string][2]string{
		"B3": {"12", ""}, "B4": {"12345.67", MoneyFormat}, "B5": {"0.125", PercentFormat}, "B6": {"4.5", TenthsFormat}, "B7": {"", MoneyFormat},
	} {
		got, _ := f.GetCellValue("指标", cell, excelizeRaw)
		if got != want[0] {
			t.Errorf("%s = %q, want %q", cell, got, want[0])
		}
		if want[1] == "" {
			continue
		}
		id, _ := f.GetCellStyle("指标", cell)
		st, _ := f.GetStyle(id)
		fmtGot := ""
		if st.CustomNumFmt != nil {
			fmtGot = *st.CustomNumFmt
		} else if st.NumFmt == 10 {
			fmtGot = PercentFormat
		}
		if fmtGot != want[1] {
			t.Errorf("%s format %q, want %q", cell, fmtGot, want[1])
		}
	}
	if v, _ := f.GetCellValue("按方式", "C3"); v != "95.6" {
		t.Errorf("tenths shown as %q", v)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var charts []string
	for _, zf := range zr.File {
		if strings.HasPrefix(zf.Name, "xl/charts/chart") {
			rc, _ := zf.Open()
			x, _ := io.ReadAll(rc)
			rc.Close()
			charts = append(charts, string(x))
		}
	}
	all := strings.Join(charts, "")
	if len(charts) != 3 || !strings.Contains(all, `<barDir val="col">`) || !strings.Contains(all, "<pieChart>") ||
		!strings.Contains(all, "<lineChart>") || !strings.Contains(all, "$B$2:$B$4") {
		t.Errorf("%d charts: %.300s", len(charts), all)
	}
	if x := sheetXML(t, buf.Bytes(), 1); !strings.Contains(x, "<drawing") {
		t.Error("the streamed sheet does not name its drawing")
	}
}

var excelizeRaw = excelize.Options{RawCellValue: true}

// TestExcelTimeNeverBelowTheSecond: a serial just below a whole minute is
// shown as the minute before by LibreOffice, which truncates.
func TestExcelTimeNeverBelowTheSecond(t *testing.T) {
	base := time.Date(2026, 12, 1, 0, 0, 0, 0, Shanghai)
	for s := 0; s < 86400; s += 7 {
		tm := base.Add(time.Duration(s) * time.Second)
		x := ExcelTime(tm)
		n := 46357*86400 + float64(s) // 2026-12-01 is serial 46357
		if d := x - n/86400; d < 0 || d > 2e-9 || (s%3600 == 0 && s%(86400/16) == 0 && d != 0) {
			t.Fatalf("%s: serial %v is %g days off %v/86400", tm, x, d, n)
		}
	}
}
