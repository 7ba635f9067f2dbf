package reports

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/excel"
	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/scoring"
)

// Sheet names of the monthly operations report.
const (
	SheetKPI     = "运行指标"
	SheetMethods = "按选取方式"
	SheetItems   = "按服务事项"
	SheetRegions = "按地区"
	SheetGrades  = "信用等级分布"
	SheetTrend   = "按期率趋势"
)

// MonthlyFileName is the download name of a monthly report.
func MonthlyFileName(month, region string) string {
	if region == "" {
		region = "全部地区"
	}
	return "月度运行报告-" + month + "-" + region + ".xlsx"
}

// CheckMonthly checks the monthly report's parameters.
func CheckMonthly(month, region string) error {
	v := apperr.Invalid()
	if _, _, err := MonthRange(month); err != nil {
		v.Field("month", "月份格式应为 YYYY-MM，如 2026-11")
	}
	if region != "" && (strings.Trim(region, "0123456789") != "" || len(region) > 6) {
		v.Field("region", "行政区划代码应为数字")
	}
	return v.OrNil()
}

var gradeLabels = map[string]string{"A": "A 级（推荐）", "B": "B 级", "C": "C 级", "D": "D 级", "": "未评分"}

// WriteMonthlyReport writes the monthly operations report (月度运行报告) of
// a month (YYYY-MM, Beijing time) and a region (a code or its prefix; all
// when empty): a KPI sheet with three native charts — selections by method
// (columns), the grade distribution (pie) and the on-time rate over the
// last 12 months (line) — and breakdowns by method, service item, region,
// grade and month.
func (s *Service) WriteMonthlyReport(ctx context.Context, w io.Writer, month, region string) error {
	if err := CheckMonthly(month, region); err != nil {
		return err
	}
	m, err := s.monthly(month, region)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	wb := excel.NewWorkbook()
	defer wb.Close()
	now := s.Now()
	scope := "全部地区"
	if region != "" {
		scope = "地区：" + regionText(region)
	}
	title := func(what string) excel.Sheet {
		return excel.Sheet{Title: fmt.Sprintf("%s年%s月 %s", month[:4], strings.TrimPrefix(month[5:], "0"), what), Filters: scope, ExportedAt: now}
	}
	sheet := func(name, what string, cols []excel.Column) (*excel.Table, error) {
		sh := title(what)
		sh.Name, sh.Columns = name, cols
		return wb.AddTable(sh)
	}
	kpi, err := sheet(SheetKPI, "中介服务网上超市运行报告", []excel.Column{
		{Header: "指标", Width: 30}, {Header: "数值", Kind: excel.Int, Width: 18}, {Header: "说明", Width: 46}})
	if err != nil {
		return err
	}
	if err := writeKPIs(kpi, m); err != nil {
		return err
	}
	methods, err := sheet(SheetMethods, "按选取方式统计", tallyColumns("选取方式"))
	if err != nil {
		return err
	}
	for _, me := range hall.Methods {
		if err := methods.Row(append([]any{me.Label()}, tallyRow(m.ByMethod[me])...)...); err != nil {
			return err
		}
	}
	byMethod, methodNames := methods.Column(1), methods.Column(0)
	if err := methods.Row(append([]any{"合计"}, tallyRow(&m.Total)...)...); err != nil {
		return err
	}
	items, err := sheet(SheetItems, "按服务事项统计", append([]excel.Column{{Header: "事项编码", Width: 12}, {Header: "服务事项", Width: 26},
		{Header: "审批阶段", Width: 10}}, tallyColumns("")[1:]...))
	if err != nil {
		return err
	}
	for _, code := range sortedKeys(m.ByItem) {
		n := m.ItemNames[code]
		if err := items.Row(append([]any{code, n[0], n[1]}, tallyRow(m.ByItem[code])...)...); err != nil {
			return err
		}
	}
	if err := items.Row(append([]any{"合计", nil, nil}, tallyRow(&m.Total)...)...); err != nil {
		return err
	}
	regions, err := sheet(SheetRegions, "按地区统计", append([]excel.Column{{Header: "行政区划代码", Width: 12}, {Header: "省级", Width: 10}},
		tallyColumns("")[1:]...))
	if err != nil {
		return err
	}
	for _, code := range sortedKeys(m.ByRegion) {
		if err := regions.Row(append([]any{code, registry.ProvinceName(code)}, tallyRow(m.ByRegion[code])...)...); err != nil {
			return err
		}
	}
	if err := regions.Row(append([]any{"合计", nil}, tallyRow(&m.Total)...)...); err != nil {
		return err
	}
	grades, err := sheet(SheetGrades, "已入驻机构信用等级分布（报表生成时）", []excel.Column{{Header: "信用等级", Width: 14},
		{Header: "机构数", Kind: excel.Int}, {Header: "占比", Kind: excel.Percent}})
	if err != nil {
		return err
	}
	active := 0
	for _, n := range m.Grades {
		active += n
	}
	for _, g := range []string{"A", "B", "C", "D", ""} {
		if err := grades.Row(gradeLabels[g], m.Grades[g], bp(rateBP(int64(m.Grades[g]), int64(active)))); err != nil {
			return err
		}
	}
	trend, err := sheet(SheetTrend, "近 12 个月按期完成率", []excel.Column{{Header: "月份", Width: 10},
		{Header: "验收项目", Kind: excel.Int}, {Header: "按期完成", Kind: excel.Int}, {Header: "按期完成率", Kind: excel.Percent}})
	if err != nil {
		return err
	}
	for _, p := range m.Trend {
		if err := trend.Row(p.Month, p.Accepted, p.OnTime, bp(rateBP(int64(p.OnTime), int64(p.Accepted)))); err != nil {
			return err
		}
	}
	for _, c := range []struct {
		cell  string
		chart excel.Chart
	}{
		{"E2", excel.Chart{Kind: excel.ColumnChart, Title: "本月完成选取（按选取方式）",
			Series: []excel.Series{{Categories: methodNames, Values: byMethod}}}},
		{"E19", excel.Chart{Kind: excel.PieChart, Title: "已入驻机构信用等级分布",
			Series: []excel.Series{{Categories: grades.Column(0), Values: grades.Column(1)}}}},
		{"E36", excel.Chart{Kind: excel.LineChart, Title: "近 12 个月按期完成率", Percent: true,
			Series: []excel.Series{{Categories: trend.Column(0), Values: trend.Column(3)}}}},
	} {
		if err := kpi.AddChart(c.cell, c.chart); err != nil {
			return err
		}
	}
	_, err = wb.WriteTo(w)
	return err
}

// bp turns a rate into a Percent cell, empty when undefined.
func bp(v int64, ok bool) any {
	if !ok {
		return nil
	}
	return excel.BasisPoints(v)
}

func writeKPIs(t *excel.Table, m *monthly) error {
	money := func(v int64) any { return excel.As(excel.Money, v) }
	pct := func(v int64, ok bool) any {
		if !ok {
			return nil
		}
		return excel.As(excel.Percent, excel.BasisPoints(v))
	}
	avg, avgOK := m.Total.avgWorkdays()
	var avgCell any
	if avgOK {
		avgCell = excel.As(excel.Tenths, avg)
	}
	rows := [][]any{
		{"新入驻中介机构（家）", m.Admitted, "本月审核通过入驻的机构（含之后被暂停的）"},
		{"发布选取项目（个）", m.Total.Published, "本月发布公告的项目（含直接选取）"},
		{"完成选取（个）", m.Total.Selected, "本月确定选取结果的项目，按选取方式见下列各行"},
	}
	for _, me := range hall.Methods {
		n := 0
		if t := m.ByMethod[me]; t != nil {
			n = t.Selected
		}
		rows = append(rows, []any{"　其中：" + me.Label(), n, ""})
	}
	sv, svOK := m.Total.savings()
	ot, otOK := m.Total.onTimeRate()
	rows = append(rows,
		[]any{"流标（个）", m.Total.Failed, "本月因有效报名或报价不足而流标的项目"},
		[]any{"签订合同（个）", m.Total.Contracts, ""},
		[]any{"最高限价合计（元）", money(m.Total.CeilingFen), "本月签订合同的项目的最高限价之和"},
		[]any{"合同金额合计（元）", money(m.Total.AwardFen), "本月签订合同的合同金额之和"},
		[]any{"节资率", pct(sv, svOK), "1 − 合同金额合计 ÷ 最高限价合计"},
		[]any{"平均选取用时（工作日）", avgCell, "从发布公告到确定选取结果的工作日数（按节假日和调休安排）的平均值"},
		[]any{"验收项目（个）", m.Total.Accepted, "本月验收通过的项目"},
		[]any{"按期完成（个）", m.Total.OnTime, "交付时间不晚于服务期限（含批准的延期和中止计时）"},
		[]any{"按期完成率", pct(ot, otOK), "按期完成 ÷ 验收项目"},
		[]any{"收到投诉（件）", m.Received, "有地区筛选时按项目或被投诉机构所在地区统计"},
		[]any{"办结投诉（件）", m.Decided, "本月作出认定或不予受理的投诉"},
		[]any{"作出处理（项）", m.Sanctions, sanctionNote(m)},
	)
	for _, g := range []string{"A", "B", "C", "D", ""} {
		rows = append(rows, []any{"信用等级 " + gradeLabels[g] + "（家）", m.Grades[g], "已入驻机构报表生成时的等级"})
	}
	for _, r := range rows {
		if err := t.Row(r...); err != nil {
			return err
		}
	}
	return nil
}

func sanctionNote(m *monthly) string {
	var parts []string
	for _, k := range []scoring.SanctionKind{scoring.SanctionWarning, scoring.SanctionSuspension, scoring.SanctionBlacklist} {
		if n := m.SanctionsByKind[k]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d 项", k.Label(), n))
		}
	}
	return strings.Join(parts, "，")
}

// tallyColumns are a breakdown's columns after its first (named) one.
func tallyColumns(first string) []excel.Column {
	return []excel.Column{
		{Header: first, Width: 14},
		{Header: "完成选取", Kind: excel.Int}, {Header: "发布项目", Kind: excel.Int}, {Header: "流标", Kind: excel.Int},
		{Header: "签订合同", Kind: excel.Int}, {Header: "最高限价合计（元）", Kind: excel.Money}, {Header: "合同金额合计（元）", Kind: excel.Money},
		{Header: "节资率", Kind: excel.Percent}, {Header: "平均选取用时（工作日）", Kind: excel.Tenths},
		{Header: "验收项目", Kind: excel.Int}, {Header: "按期完成", Kind: excel.Int}, {Header: "按期完成率", Kind: excel.Percent},
	}
}

func tallyRow(t *tally) []any {
	if t == nil {
		t = &tally{}
	}
	avg, ok := t.avgWorkdays()
	var avgCell any
	if ok {
		avgCell = avg
	}
	return []any{t.Selected, t.Published, t.Failed, t.Contracts, t.CeilingFen, t.AwardFen, bp(t.savings()), avgCell,
		t.Accepted, t.OnTime, bp(t.onTimeRate())}
}

func sortedKeys(m map[string]*tally) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
