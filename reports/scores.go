package reports

import (
	"context"
	"time"

	"github.com/agencyhall/agencyhall/excel"
	"github.com/agencyhall/agencyhall/registry"
)

// agencies lists every agency of a region (all when empty) in any status,
// in name order, from the directory's read model.
func (s *Service) agencies(region string) []registry.Agency {
	var out []registry.Agency
	q := registry.DirectoryQuery{Region: region, Statuses: registry.AllStatuses, PageSize: 100, Now: s.Now()}
	for q.Page = 1; ; q.Page++ {
		rows, total := s.Registry.Directory().Search(q)
		for _, e := range rows {
			out = append(out, e.Agency)
		}
		if len(rows) == 0 || q.Page*q.PageSize >= total {
			return out
		}
	}
}

// agencyNames maps agency IDs to names.
func (s *Service) agencyNames() map[string]string {
	m := map[string]string{}
	for _, a := range s.agencies("") {
		m[a.ID] = a.Profile.Name
	}
	return m
}

func nameOr(names map[string]string, id string) string {
	if n, ok := names[id]; ok && n != "" {
		return n
	}
	return id
}

var scoreColumns = []excel.Column{
	{Header: "机构名称", Width: 34},
	{Header: "统一社会信用代码", Width: 22},
	{Header: "所在地区", Width: 10},
	{Header: "状态", Width: 10},
	{Header: "信用分", Kind: excel.Tenths},
	{Header: "信用等级", Width: 10},
	{Header: "评分日期", Kind: excel.Date},
	{Header: "明细条数", Kind: excel.Int},
}

var scoreItemColumns = []excel.Column{
	{Header: "机构名称", Width: 34},
	{Header: "统一社会信用代码", Width: 22},
	{Header: "规则", Width: 30},
	{Header: "来源", Width: 22},
	{Header: "项目编号", Width: 15},
	{Header: "分值", Kind: excel.Tenths},
	{Header: "日期", Kind: excel.Date},
	{Header: "说明", Width: 40},
	{Header: "已撤销", Kind: excel.Bool},
}

// scored lists the agencies with a current score that match the filters.
func (s *Service) scored(f Filters) []registry.Agency {
	var out []registry.Agency
	for _, a := range s.agencies(f.Region) {
		cur, ok := s.Scoring.Current(a.ID)
		if ok && (f.Grade == "" || cur.Grade == f.Grade) {
			out = append(out, a)
		}
	}
	return out
}

func (s *Service) countScores(_ context.Context, f Filters) (int, error) {
	return len(s.scored(f)), nil
}

// writeScores writes a summary sheet (one row per agency) and an items
// sheet (every line item of those agencies' latest scorecards).
func (s *Service) writeScores(ctx context.Context, wb *excel.Workbook, f Filters, now time.Time, progress func(int)) (int, error) {
	rules, err := s.Scoring.Rules(ctx)
	if err != nil {
		return 0, err
	}
	desc := map[string]string{}
	for _, r := range rules {
		desc[r.ID] = r.Description
	}
	filters := f.Describe(KindScores)
	sum, err := wb.AddTable(excel.Sheet{Name: "信用评分", Title: "中介机构" + KindScores.Label(), Filters: filters, ExportedAt: now, Columns: scoreColumns})
	if err != nil {
		return 0, err
	}
	items, err := wb.AddTable(excel.Sheet{Name: "评分明细", Title: "信用评分明细（加减分项）", Filters: filters, ExportedAt: now,
		Columns: scoreItemColumns})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, a := range s.scored(f) {
		cur, _ := s.Scoring.Current(a.ID)
		card, _, err := s.Scoring.Scorecard(ctx, a.ID)
		if err != nil {
			return n, err
		}
		p := a.Profile
		if err := sum.Row(p.Name, p.USCC, p.Region, a.Status.Label(), int64(cur.Score), cur.Grade, day(cur.Date),
			len(card.Items)); err != nil {
			return n, err
		}
		for _, it := range card.Items {
			rule := desc[it.Rule]
			if rule == "" {
				rule = it.Rule
			}
			if err := items.Row(p.Name, p.USCC, rule, it.Source, it.ProjectID, int64(it.Points), it.Date, it.Note,
				it.Voided); err != nil {
				return n, err
			}
		}
		n++
		progress(n)
	}
	return n, nil
}

// day reads 2006-01-02 as the start of that day in Beijing time.
func day(s string) time.Time {
	d, err := registry.ParseDate(s)
	if err != nil {
		return time.Time{}
	}
	return d.Start()
}
