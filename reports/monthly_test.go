package reports

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/hall"
)

// expected computes the monthly figures straight from the test world.
type expected struct {
	published, selected, contracts, accepted, onTime, admitted int
	ceilings, awards                                           int64
	byMethod                                                   map[string]int
}

func expect(w world, region string) expected {
	from, to := bj("2026-11-01 00:00"), bj("2026-12-01 00:00")
	in := func(t time.Time) bool { return !t.Before(from) && t.Before(to) }
	e := expected{byMethod: map[string]int{}}
	for _, p := range w.projects {
		if !strings.HasPrefix(p.Region, region) {
			continue
		}
		if in(p.PublishedAt) {
			e.published++
		}
		for _, st := range p.Timeline {
			if st.Kind == hall.EventSelected && in(st.At) {
				e.selected++
				e.byMethod[p.Method.Label()]++
			}
		}
		if p.Contract != nil && in(p.Contract.SignedOn) {
			e.contracts++
			e.ceilings += p.CeilingFen
			e.awards += p.Contract.AmountFen
		}
		for _, d := range p.Deliveries {
			if d.Decision == "accepted" && in(d.DecidedAt) {
				e.accepted++
				if !d.At.After(p.Contract.DueAt) {
					e.onTime++
				}
			}
		}
	}
	for _, a := range w.agencies {
		if strings.HasPrefix(a.Profile.Region, region) && in(a.AdmittedAt) {
			e.admitted++
		}
	}
	return e
}

func TestMonthlyReport(t *testing.T) {
	w := testWorld(300)
	fx := newFixture(t, w, nil)
	tests := []struct {
		name, region, prefix string
		grades               map[string]int
	}{
		{"whole province", "", "", map[string]int{"A 级（推荐）": 2, "B 级": 1, "D 级": 2}},
		{"Lanzhou", "620100", "6201", map[string]int{"A 级（推荐）": 2, "D 级": 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := fx.svc.WriteMonthlyReport(context.Background(), &buf, "2026-11", tt.region); err != nil {
				t.Fatal(err)
			}
			f := open(t, buf.Bytes())
			want := []string{SheetKPI, SheetMethods, SheetItems, SheetRegions, SheetGrades, SheetTrend}
			if got := f.GetSheetList(); strings.Join(got, ",") != strings.Join(want, ",") {
				t.Fatalf("sheets %v, want %v", got, want)
			}
			e := expect(w, tt.prefix)
			if e.selected == 0 || e.contracts == 0 || e.accepted == 0 || e.onTime == e.accepted {
				t.Fatalf("the test world is too thin: %+v", e)
			}
			kpi := map[string]string{}
			for i, r := range dataRows(t, f, SheetKPI) {
				kpi[r[0]] = raw(t, f, SheetKPI, fmt.Sprint("B", i+3))
			}
			bp, _ := savingsBP(e.ceilings, e.awards)
			rate, _ := rateBP(int64(e.onTime), int64(e.accepted))
			for label, v := range map[string]string{
				"新入驻中介机构（家）": strconv.Itoa(e.admitted), "发布选取项目（个）": strconv.Itoa(e.published),
				"完成选取（个）": strconv.Itoa(e.selected), "签订合同（个）": strconv.Itoa(e.contracts),
				"最高限价合计（元）": yuanText(e.ceilings), "合同金额合计（元）": yuanText(e.awards),
				"节资率": ratio(bp), "验收项目（个）": strconv.Itoa(e.accepted), "按期完成（个）": strconv.Itoa(e.onTime),
				"按期完成率": ratio(rate), "　其中：随机抽取": strconv.Itoa(e.byMethod["随机抽取"]),
				"信用等级 A 级（推荐）（家）": strconv.Itoa(tt.grades["A 级（推荐）"]),
			} {
				if kpi[label] != v {
					t.Errorf("KPI %s = %q, want %q", label, kpi[label], v)
				}
			}
			if avg := kpi["平均选取用时（工作日）"]; avg == "" || numFmt(t, f, SheetKPI, "B"+rowOf(t, f, SheetKPI, "平均选取用时（工作日）")) != "0.0" {
				t.Errorf("average working days %q is not a one-decimal number", avg)
			}
			if got := numFmt(t, f, SheetKPI, "B"+rowOf(t, f, SheetKPI, "合同金额合计（元）")); got != "¥#,##0.00" {
				t.Errorf("award total format %q", got)
			}
			// Breakdowns: rows add up to the totals.
			for _, sh := range []struct {
				name string
				col  int // the 完成选取 column
			}{{SheetMethods, 1}, {SheetItems, 3}, {SheetRegions, 2}} {
				rows := dataRows(t, f, sh.name)
				sum := 0
				for _, r := range rows[:len(rows)-1] {
					n, _ := strconv.Atoi(r[sh.col])
					sum += n
				}
				if last := rows[len(rows)-1]; last[0] != "合计" || last[sh.col] != strconv.Itoa(e.selected) || sum != e.selected {
					t.Errorf("%s: rows add up to %d, total row %q, want %d", sh.name, sum, last, e.selected)
				}
			}
			for _, r := range dataRows(t, f, SheetRegions)[:len(dataRows(t, f, SheetRegions))-1] {
				if !strings.HasPrefix(r[0], tt.prefix) {
					t.Errorf("region %s outside %q", r[0], tt.region)
				}
			}
			for _, r := range dataRows(t, f, SheetGrades) {
				if r[1] != strconv.Itoa(tt.grades[r[0]]) {
					t.Errorf("grade %s: %s agencies, want %d", r[0], r[1], tt.grades[r[0]])
				}
			}
			trend := dataRows(t, f, SheetTrend)
			if len(trend) != 12 || trend[0][0] != "2025-12" || trend[11][0] != "2026-11" || trend[11][1] != strconv.Itoa(e.accepted) {
				t.Errorf("trend %q", trend)
			}
			checkCharts(t, buf.Bytes())
		})
	}
}

func rowOf(t *testing.T, f *excelize.File, sheet, label string) string {
	t.Helper()
	for i, r := range dataRows(t, f, sheet) {
		if r[0] == label {
			return strconv.Itoa(i + 3)
		}
	}
	t.Fatalf("%s: no row %q", sheet, label)
	return ""
}

func yuanText(fen int64) string { return strconv.FormatFloat(float64(fen)/100, 'f', -1, 64) }
func ratio(bp int64) string     { return strconv.FormatFloat(float64(bp)/10000, 'f', -1, 64) }

// checkCharts finds the three native charts in the package: a clustered
// column chart, a pie and a line, drawn on the KPI sheet from cell ranges.
func checkCharts(t *testing.T, b []byte) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	read := func(name string) string {
		rc, err := zr.Open(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		defer rc.Close()
		x, _ := io.ReadAll(rc)
		return string(x)
	}
	var charts []string
	for _, zf := range zr.File {
		if strings.HasPrefix(zf.Name, "xl/charts/chart") && strings.HasSuffix(zf.Name, ".xml") {
			charts = append(charts, read(zf.Name))
		}
	}
	if len(charts) != 3 {
		t.Fatalf("%d chart parts, want 3", len(charts))
	}
	all := strings.Join(charts, "")
	for _, want := range []string{`<barDir val="col">`, "<pieChart>", "<lineChart>", SheetMethods, SheetGrades, SheetTrend} {
		if !strings.Contains(all, want) {
			t.Errorf("charts lack %s", want)
		}
	}
	if !strings.Contains(read("xl/worksheets/sheet1.xml"), "<drawing") {
		t.Error("the KPI sheet has no drawing")
	}
}

func TestMonthlyReportChecksItsInput(t *testing.T) {
	fx := newFixture(t, testWorld(7), nil)
	for _, tt := range []struct{ month, region, field string }{
		{"2026-13", "", "month"}, {"", "", "month"}, {"2026-11", "62-1", "region"},
	} {
		err := fx.svc.WriteMonthlyReport(context.Background(), io.Discard, tt.month, tt.region)
		if e, ok := apperr.As(err); !ok || e.Fields[tt.field] == "" {
			t.Errorf("%q %q: %v, want an error on %s", tt.month, tt.region, err, tt.field)
		}
	}
	// An empty month still makes a valid workbook with its charts.
	var buf bytes.Buffer
	if err := fx.svc.WriteMonthlyReport(context.Background(), &buf, "2020-01", ""); err != nil {
		t.Fatal(err)
	}
	checkCharts(t, buf.Bytes())

}
