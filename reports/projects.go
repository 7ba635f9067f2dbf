package reports

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/agencyhall/agencyhall/excel"
	"github.com/agencyhall/agencyhall/hall"
)

// projectColumns are the columns of the projects and results export.
var projectColumns = []excel.Column{
	{Header: "项目编号", Width: 15},
	{Header: "项目名称", Width: 36},
	{Header: "项目业主", Width: 28},
	{Header: "事项编码", Width: 12},
	{Header: "服务事项", Width: 24},
	{Header: "审批阶段", Width: 10},
	{Header: "地区", Width: 9},
	{Header: "资金来源", Width: 10},
	{Header: "选取方式", Width: 12},
	{Header: "状态", Width: 10},
	{Header: "最高限价（元）", Kind: excel.Money},
	{Header: "中选机构", Width: 30},
	{Header: "合同金额（元）", Kind: excel.Money},
	{Header: "节资率", Kind: excel.Percent},
	{Header: "发布时间", Kind: excel.Date},
	{Header: "开启时间", Kind: excel.Date},
	{Header: "签约日期", Kind: excel.Date},
	{Header: "服务期限", Kind: excel.Date},
	{Header: "交付时间", Kind: excel.Date},
	{Header: "是否按期", Kind: excel.Bool},
}

// projectMatcher applies the projects export's filters, like the hall's
// list for supervisors; drafts are left out unless asked for by state.
type projectMatcher struct {
	f        Filters
	states   []hall.State
	from, to time.Time
}

func newProjectMatcher(f Filters) projectMatcher {
	m := projectMatcher{f: f}
	for _, s := range list(f.State) {
		m.states = append(m.states, hall.State(s))
	}
	if f.Month != "" {
		m.from, m.to, _ = MonthRange(f.Month)
	}
	return m
}

func (m projectMatcher) match(p *hall.Project) bool {
	f := m.f
	switch {
	case len(m.states) == 0 && p.State == hall.StateDraft:
		return false
	case len(m.states) > 0 && !slices.Contains(m.states, p.State):
		return false
	case f.Method != "" && string(p.Method) != f.Method:
		return false
	case f.Item != "" && p.ItemCode != f.Item:
		return false
	case f.Stage != "" && p.Stage != f.Stage:
		return false
	case f.Funding != "" && string(p.Funding) != f.Funding:
		return false
	case f.Region != "" && !inRegion(p.Region, f.Region):
		return false
	case f.Q != "" && !strings.Contains(p.Name, f.Q) && !strings.Contains(p.ID, f.Q):
		return false
	case !m.from.IsZero() && (p.PublishedAt.Before(m.from) || !p.PublishedAt.Before(m.to)):
		return false
	}
	return true
}

func (s *Service) countProjects(_ context.Context, f Filters) (int, error) {
	m := newProjectMatcher(f)
	n := 0
	s.Hall.Each(func(p *hall.Project) {
		if m.match(p) {
			n++
		}
	})
	return n, nil
}

// writeProjects streams the matching projects from storage in creation
// order (hall.Service.Stream), so an export of every project holds one
// project at a time, not a copy of the read model.
func (s *Service) writeProjects(ctx context.Context, wb *excel.Workbook, f Filters, now time.Time, progress func(int)) (int, error) {
	t, err := wb.AddTable(excel.Sheet{Name: "选取项目", Title: KindProjects.Label(), Filters: f.Describe(KindProjects),
		ExportedAt: now, Columns: projectColumns})
	if err != nil {
		return 0, err
	}
	m := newProjectMatcher(f)
	row := make([]any, len(projectColumns))
	n := 0
	err = s.Hall.Stream(ctx, func(p *hall.Project) error {
		if !m.match(p) {
			return nil
		}
		projectRow(row, p, now)
		if err := t.Row(row...); err != nil {
			return err
		}
		n++
		progress(n)
		return ctx.Err()
	})
	return n, err
}

// stateLabels caches hall.State.Label, which builds a map on every call.
var stateLabels = func() map[hall.State]string {
	m := map[hall.State]string{}
	for _, s := range hall.AllStates {
		m[s] = s.Label()
	}
	return m
}()

// projectRow fills row with one project's cells.
func projectRow(row []any, p *hall.Project, now time.Time) {
	clear(row)
	row[0], row[1], row[2], row[3], row[4] = p.ID, p.Name, p.OwnerName, p.ItemCode, p.ItemName
	row[5], row[6], row[7], row[8], row[9] = p.Stage, p.Region, p.Funding.Label(), p.Method.Label(), stateLabels[p.State]
	row[10] = p.CeilingFen
	if p.Winner != "" {
		row[11] = winnerName(p)
	}
	if c := p.Contract; c != nil {
		row[12] = c.AmountFen
		if bp, ok := savingsBP(p.CeilingFen, c.AmountFen); ok {
			row[13] = excel.BasisPoints(bp)
		}
		row[16] = c.SignedOn
		row[17] = dueDay(c.DueAt)
	}
	row[14] = p.PublishedAt
	if p.Opening != nil {
		row[15] = p.Opening.At
	}
	if d, ok := lastDelivery(p); ok {
		row[18] = d.At
	}
	if known, ok := onTime(p, now); known {
		if ok {
			row[19] = true
		} else {
			row[19] = excel.Highlight(false)
		}
	}
}

// winnerName is the selected agency's name as it signed up.
func winnerName(p *hall.Project) string {
	if su, ok := p.SignupOf(p.Winner); ok && su.AgencyName != "" {
		return su.AgencyName
	}
	return p.Winner
}

// savingsBP is 1 − award/ceiling in basis points, rounded half up, in
// integers.
func savingsBP(ceiling, award int64) (int64, bool) {
	if ceiling <= 0 {
		return 0, false
	}
	num := (ceiling - award) * 10000
	if num >= 0 {
		return (num + ceiling/2) / ceiling, true
	}
	return -((-num + ceiling/2) / ceiling), true
}

// rateBP is num/den in basis points, rounded half up.
func rateBP(num, den int64) (int64, bool) {
	if den <= 0 {
		return 0, false
	}
	return (num*10000 + den/2) / den, true
}

// dueDay is the last instant of the service period: the due time is the
// start of the day after the last day.
func dueDay(due time.Time) time.Time {
	if due.IsZero() {
		return due
	}
	return due.Add(-time.Second)
}

// lastDelivery is the latest upload of the result.
func lastDelivery(p *hall.Project) (hall.Delivery, bool) {
	if len(p.Deliveries) == 0 {
		return hall.Delivery{}, false
	}
	return p.Deliveries[len(p.Deliveries)-1], true
}

// onTime reports whether the service was delivered on time: known once a
// delivery stands (accepted or awaiting acceptance), or once the due date
// has passed without one.
func onTime(p *hall.Project, now time.Time) (known, ok bool) {
	c := p.Contract
	if c == nil {
		return false, false
	}
	if d, has := lastDelivery(p); has && d.Decision != "returned" {
		return true, !d.At.After(c.DueAt)
	}
	if p.State == hall.StateInService && now.After(c.DueAt) {
		return true, false
	}
	return false, false
}

// acceptedDelivery is the delivery the owner accepted, if any.
func acceptedDelivery(p *hall.Project) (hall.Delivery, bool) {
	for i := len(p.Deliveries) - 1; i >= 0; i-- {
		if p.Deliveries[i].Decision == "accepted" {
			return p.Deliveries[i], true
		}
	}
	return hall.Delivery{}, false
}

// firstStep is when a project first took a step of a kind.
func firstStep(p *hall.Project, kind string) (time.Time, bool) {
	for _, st := range p.Timeline {
		if st.Kind == kind {
			return st.At, true
		}
	}
	return time.Time{}, false
}
