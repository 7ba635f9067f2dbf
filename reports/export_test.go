package reports

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/excel"
	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/scoring"
)

// sheetCheck is what one sheet of an export must hold.
type sheetCheck struct {
	name    string
	columns []excel.Column
	rows    int
}

func TestExports(t *testing.T) {
	w := testWorld(70)
	fx := newFixture(t, w, nil)
	countProjects := func(keep func(p hall.Project) bool) int {
		n := 0
		for _, p := range w.projects {
			if keep(p) {
				n++
			}
		}
		return n
	}
	novLanzhou := func(p hall.Project) bool {
		return strings.HasPrefix(p.Region, "6201") && p.PublishedAt.Month() == 11 && p.Method == hall.MethodRandom
	}
	tests := []struct {
		name   string
		kind   Kind
		query  map[string]string
		title  []string // the title row names the filters
		sheets []sheetCheck
		check  func(t *testing.T, f *excelize.File)
	}{
		{name: "all projects", kind: KindProjects,
			sheets: []sheetCheck{{"选取项目", projectColumns, len(w.projects)}},
			check:  func(t *testing.T, f *excelize.File) { checkProjectTotals(t, f, w.projects) }},
		{name: "projects of Lanzhou in November by random draw", kind: KindProjects,
			query:  map[string]string{"region": "620100", "month": "2026-11", "method": "random"},
			title:  []string{"地区：620100（甘肃省）", "选取方式：随机抽取", "发布月份：2026-11"},
			sheets: []sheetCheck{{"选取项目", projectColumns, countProjects(novLanzhou)}},
			check: func(t *testing.T, f *excelize.File) {
				var want []hall.Project
				for _, p := range w.projects {
					if novLanzhou(p) {
						want = append(want, p)
					}
				}
				checkProjectTotals(t, f, want)
			}},
		{name: "projects in service or accepted", kind: KindProjects,
			query: map[string]string{"state": "in_service,accepted"}, title: []string{"状态：服务中、待评价"},
			sheets: []sheetCheck{{"选取项目", projectColumns, countProjects(func(p hall.Project) bool {
				return p.State == hall.StateInService || p.State == hall.StateAccepted
			})}}},
		{name: "scores", kind: KindScores,
			sheets: []sheetCheck{{"信用评分", scoreColumns, 5}, {"评分明细", scoreItemColumns, 1 + 2 + 3 + 4 + 5}},
			check: func(t *testing.T, f *excelize.File) {
				rows := dataRows(t, f, "信用评分")
				if rows[0][0] != "甘肃第0环境咨询有限公司" || raw(t, f, "信用评分", "E3") != "100" || rows[0][5] != "A" {
					t.Errorf("first score row %q", rows[0])
				}
				if got, _ := f.GetCellValue("信用评分", "E4"); got != "94.5" { // 1000 − 55 tenths
					t.Errorf("score shown %q, want 94.5", got)
				}
				voided := 0
				for _, r := range dataRows(t, f, "评分明细") {
					if r[8] == "是" {
						voided++
					}
				}
				if voided != 4 {
					t.Errorf("%d voided items, want 4", voided)
				}
			}},
		{name: "scores of grade B", kind: KindScores, query: map[string]string{"grade": "B"}, title: []string{"信用等级：B"},
			sheets: []sheetCheck{{"信用评分", scoreColumns, 1}, {"评分明细", scoreItemColumns, 3}}},
		{name: "complaints", kind: KindComplaints,
			sheets: []sheetCheck{{"投诉", complaintColumns, len(w.complaints)}},
			check: func(t *testing.T, f *excelize.File) {
				for _, r := range dataRows(t, f, "投诉") {
					for _, c := range r {
						if strings.Contains(c, "13800001234") {
							t.Fatalf("a public complainant's phone is in the export: %q", r)
						}
					}
				}
			}},
		{name: "substantiated complaints of November", kind: KindComplaints,
			query: map[string]string{"state": "substantiated", "month": "2026-11"}, title: []string{"状态：投诉属实", "提交月份：2026-11"},
			sheets: []sheetCheck{{"投诉", complaintColumns, countComplaints(w.complaints, scoring.ComplaintSubstantiated, 11)}}},
		{name: "open alerts", kind: KindAlerts, title: []string{"范围：未关闭"},
			sheets: []sheetCheck{{"预警", alertColumns, 6}}},
		{name: "all red alerts", kind: KindAlerts, query: map[string]string{"status": "all", "level": "red"},
			title: []string{"范围：全部（含已关闭）", "级别：红牌"}, sheets: []sheetCheck{{"预警", alertColumns, 4}}},
		{name: "sanctions", kind: KindSanctions, sheets: []sheetCheck{{"处理记录", sanctionColumns, 4}}},
		{name: "sanctions in force", kind: KindSanctions, query: map[string]string{"active": "true"}, title: []string{"范围：正在执行"},
			sheets: []sheetCheck{{"处理记录", sanctionColumns, 3}}},
		{name: "audit extract of one regulator", kind: KindAudit,
			query:  map[string]string{"actor": "reg1", "from": "2026-11-01", "to": "2026-11-02"},
			title:  []string{"操作人：reg1", "起始：2026-11-01 00:00", "截止（不含）：2026-11-03 00:00"},
			sheets: []sheetCheck{{"审计日志", auditColumns, 19}}, // records 2, 4, … 38 fall before the 3rd
			check: func(t *testing.T, f *excelize.File) {
				rows := dataRows(t, f, "审计日志")
				for i, r := range rows {
					if r[0] != strconv.Itoa(2*(i+1)) || r[2] != "reg1" || r[5] != "处理投诉" {
						t.Fatalf("audit row %d = %q: want records 2, 4, … of reg1 in chain order", i, r)
					}
				}
			}},
	}
	ctx := context.Background()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := ParseFilters(tt.kind, func(k string) string { return tt.query[k] })
			if err != nil {
				t.Fatal(err)
			}
			n, err := fx.svc.Count(ctx, tt.kind, f)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			rows, err := fx.svc.Export(ctx, &buf, tt.kind, f, nil)
			if err != nil {
				t.Fatal(err)
			}
			if rows != n || n != tt.sheets[0].rows {
				t.Errorf("counted %d, exported %d rows, want %d", n, rows, tt.sheets[0].rows)
			}
			book := open(t, buf.Bytes())
			var names []string
			for _, s := range tt.sheets {
				names = append(names, s.name)
				checkSheet(t, book, s)
			}
			if got := book.GetSheetList(); strings.Join(got, ",") != strings.Join(names, ",") {
				t.Errorf("sheets %v, want %v", got, names)
			}
			title, _ := book.GetCellValue(tt.sheets[0].name, "A1")
			for _, want := range append(tt.title, tt.kind.Label(), "导出时间：2026-11-30 10:00") {
				if !strings.Contains(title, want) {
					t.Errorf("title %q lacks %q", title, want)
				}
			}
			if tt.check != nil {
				tt.check(t, book)
			}
		})
	}
}

func countComplaints(list []scoring.Complaint, st scoring.ComplaintState, month int) int {
	n := 0
	for _, c := range list {
		if c.State == st && int(c.SubmittedAt.In(excel.Shanghai).Month()) == month {
			n++
		}
	}
	return n
}

// checkSheet checks the header row, the row count and that every cell of a
// number column is a number with the column's format.
func checkSheet(t *testing.T, f *excelize.File, s sheetCheck) {
	t.Helper()
	all, err := f.GetRows(s.name)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) < 2 {
		t.Fatalf("%s: %d rows", s.name, len(all))
	}
	for i, c := range s.columns {
		if i >= len(all[1]) || all[1][i] != c.Header {
			t.Fatalf("%s: header %d = %q, want %q", s.name, i, all[1], c.Header)
		}
	}
	if got := len(all) - 2; got != s.rows {
		t.Errorf("%s: %d data rows, want %d", s.name, got, s.rows)
	}
	formats := map[excel.ColumnKind]string{excel.Money: excel.MoneyFormat, excel.Date: excel.DateFormat,
		excel.Percent: excel.PercentFormat, excel.Tenths: excel.TenthsFormat, excel.Int: "0"}
	for r := 3; r < len(all)+1; r++ {
		for i, c := range s.columns {
			want, numeric := formats[c.Kind]
			if !numeric {
				continue
			}
			cell, _ := excelize.CoordinatesToCellName(i+1, r)
			v := raw(t, f, s.name, cell)
			if v == "" {
				continue
			}
			if _, err := strconv.ParseFloat(v, 64); err != nil {
				t.Fatalf("%s!%s (%s) = %q, not a number", s.name, cell, c.Header, v)
			}
			if got := numFmt(t, f, s.name, cell); got != want {
				t.Fatalf("%s!%s (%s) format %q, want %q", s.name, cell, c.Header, got, want)
			}
		}
	}
}

func raw(t *testing.T, f *excelize.File, sheet, cell string) string {
	t.Helper()
	v, err := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func numFmt(t *testing.T, f *excelize.File, sheet, cell string) string {
	t.Helper()
	id, _ := f.GetCellStyle(sheet, cell)
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case st.CustomNumFmt != nil:
		return *st.CustomNumFmt
	case st.NumFmt == 10:
		return excel.PercentFormat
	case st.NumFmt == 1:
		return "0"
	}
	return fmt.Sprint("numFmt ", st.NumFmt)
}

func dataRows(t *testing.T, f *excelize.File, sheet string) [][]string {
	t.Helper()
	all, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	return all[2:]
}

// fen reads a money cell back as fen.
func fen(t *testing.T, v string) int64 {
	t.Helper()
	if v == "" {
		return 0
	}
	x, err := strconv.ParseFloat(v, 64)
	if err != nil {
		t.Fatal(err)
	}
	return int64(math.Round(x * 100))
}

// checkProjectTotals compares the ceilings, awards and savings rates of an
// export with the domain's.
func checkProjectTotals(t *testing.T, f *excelize.File, want []hall.Project) {
	t.Helper()
	var ceilings, awards int64
	byID := map[string]hall.Project{}
	for _, p := range want {
		byID[p.ID] = p
		ceilings += p.CeilingFen
		if p.Contract != nil {
			awards += p.Contract.AmountFen
		}
	}
	var gotCeilings, gotAwards int64
	rows := dataRows(t, f, "选取项目")
	for i, r := range rows {
		row := i + 3
		p, ok := byID[r[0]]
		if !ok {
			t.Fatalf("row %d: unexpected project %q", row, r[0])
		}
		gotCeilings += fen(t, raw(t, f, "选取项目", fmt.Sprint("K", row)))
		gotAwards += fen(t, raw(t, f, "选取项目", fmt.Sprint("M", row)))
		if p.Contract != nil {
			bp, _ := savingsBP(p.CeilingFen, p.Contract.AmountFen)
			if got := raw(t, f, "选取项目", fmt.Sprint("N", row)); got != strconv.FormatFloat(float64(bp)/10000, 'f', -1, 64) {
				t.Errorf("row %d savings %q, want %d bp", row, got, bp)
			}
		}
		if i > 0 && rows[i-1][0] >= r[0] {
			t.Errorf("rows out of order at %d", row)
		}
	}
	if gotCeilings != ceilings || gotAwards != awards {
		t.Errorf("ceilings %d, awards %d fen; the domain says %d and %d", gotCeilings, gotAwards, ceilings, awards)
	}
}

func TestProjectRowDeliveryFacts(t *testing.T) {
	tests := []struct {
		stage        int // testProject's stage: i%7
		onTime, late bool
		delivered    bool
	}{
		{stage: 1}, {stage: 2}, {stage: 3, onTime: true, delivered: true}, {stage: 4, onTime: true, delivered: true},
		{stage: 5, late: true, delivered: true}, {stage: 6},
	}
	row := make([]any, len(projectColumns))
	for _, tt := range tests {
		i := tt.stage
		for i%3 == 0 { // a project of November
			i += 7
		}
		p := testProject(i)
		projectRow(row, &p, testNow)
		if got := row[18] != nil; got != tt.delivered {
			t.Errorf("stage %d: delivered cell %v", tt.stage, row[18])
		}
		switch {
		case tt.onTime && row[19] != true, tt.late && row[19] != excel.Highlight(false), !tt.onTime && !tt.late && row[19] != nil:
			t.Errorf("stage %d: on-time cell %#v", tt.stage, row[19])
		}
	}
}

func TestSavingsAndRates(t *testing.T) {
	tests := []struct {
		ceiling, award, want int64
	}{
		{100_000_00, 100_000_00, 0}, {100_000_00, 90_000_00, 1000}, {3, 2, 3333}, {3, 1, 6667}, {200, 199, 50}, {10000_37, 9987_03, 13},
	}
	for _, tt := range tests {
		if got, ok := savingsBP(tt.ceiling, tt.award); !ok || got != tt.want {
			t.Errorf("savings(%d, %d) = %d, want %d", tt.ceiling, tt.award, got, tt.want)
		}
	}
	if _, ok := savingsBP(0, 0); ok {
		t.Error("savings of a zero ceiling")
	}
	if got, _ := rateBP(2, 3); got != 6667 {
		t.Errorf("rate 2/3 = %d", got)
	}
}

func TestParseFilters(t *testing.T) {
	tests := []struct {
		kind  Kind
		query map[string]string
		field string // "" when valid
	}{
		{KindProjects, map[string]string{"region": "6201", "state": "open,in_service", "method": "lowest", "funding": "fiscal"}, ""},
		{KindProjects, map[string]string{"region": "62x1"}, "region"},
		{KindProjects, map[string]string{"state": "open,nope"}, "state"},
		{KindProjects, map[string]string{"method": "auction"}, "method"},
		{KindProjects, map[string]string{"month": "2026-13"}, "month"},
		{KindProjects, map[string]string{"stage": "设计"}, "stage"},
		{KindScores, map[string]string{"grade": "E"}, "grade"},
		{KindComplaints, map[string]string{"state": "open"}, "state"},
		{KindAlerts, map[string]string{"level": "orange"}, "level"},
		{KindSanctions, map[string]string{"active": "maybe"}, "active"},
		{KindAudit, map[string]string{"from": "2026-11-02", "to": "2026-11-01"}, "to"},
		{KindAudit, map[string]string{"from": "yesterday"}, "from"},
		{KindAudit, map[string]string{"region": "62x1"}, ""}, // not a filter of the audit extract
	}
	for _, tt := range tests {
		_, err := ParseFilters(tt.kind, func(k string) string { return tt.query[k] })
		switch {
		case tt.field == "" && err != nil:
			t.Errorf("%s %v: %v", tt.kind, tt.query, err)
		case tt.field != "":
			if ae, ok := apperrAs(err); !ok || ae[tt.field] == "" {
				t.Errorf("%s %v: error %v, want one on %s", tt.kind, tt.query, err, tt.field)
			}
		}
	}
}

func apperrAs(err error) (map[string]string, bool) {
	e, ok := apperr.As(err)
	if !ok {
		return nil, false
	}
	return e.Fields, true
}
