package adminui

import (
	"context"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/scoring"
	"github.com/agencyhall/agencyhall/web"
)

// creditView is an agency's credit score and why it is what it is: the
// section of its public profile and of its own credit page.
type creditView struct {
	AgencyID string
	Scored   bool
	Score    string // one decimal, e.g. "87.5"
	Grade    string
	AsOf     time.Time
	Items    []lineItemView
	History  chart
	Minus    string // the sum of deductions, e.g. "-5"
	Plus     string
}

// lineItemView is one line item with its rule and where it comes from.
type lineItemView struct {
	scoring.LineItem
	Description string
	Source      string
	Href        string
	// Appeals (the agency's own page only).
	Appeal      *scoring.Appeal
	AppealUntil time.Time
	CanAppeal   bool
}

// creditFor builds an agency's credit view from its latest scorecard and
// its daily history of the last 12 months.
func (u *ui) creditFor(ctx context.Context, agencyID string) (creditView, error) {
	v := creditView{AgencyID: agencyID, Score: scoreText(scoring.BaseScore)}
	card, ok, err := u.Scoring.Scorecard(ctx, agencyID)
	if err != nil {
		return v, err
	}
	rules, err := u.Scoring.Rules(ctx)
	if err != nil {
		return v, err
	}
	desc := map[string]string{}
	for _, r := range rules {
		desc[r.ID] = r.Description
	}
	hist, err := u.Scoring.History(ctx, agencyID)
	if err != nil {
		return v, err
	}
	if ok {
		v.Scored, v.Score, v.Grade, v.AsOf = true, scoreText(card.Score), card.Grade, card.AsOf
	}
	var minus, plus scoring.Points
	for _, it := range card.Items {
		lv := lineItemView{LineItem: it, Description: desc[it.Rule]}
		lv.Source, lv.Href = itemSource(it)
		if !it.Voided {
			if it.Points < 0 {
				minus += it.Points
			} else {
				plus += it.Points
			}
		}
		v.Items = append(v.Items, lv)
	}
	// Newest first: the reason a score just changed is at the top.
	sort.SliceStable(v.Items, func(i, j int) bool { return v.Items[i].Date.After(v.Items[j].Date) })
	v.Minus, v.Plus = minus.String(), plus.String()
	v.History = historyChart(hist, u.Now())
	return v, nil
}

// itemSource names a line item's source event or decision, with a link
// to its project when there is one.
func itemSource(it scoring.LineItem) (string, string) {
	kind, id, _ := strings.Cut(it.Source, ":")
	var label string
	switch kind {
	case "complaint":
		label = "投诉 " + id
	case "decision":
		label = "监管部门决定 " + id
	}
	if it.ProjectID == "" {
		return label, ""
	}
	if label == "" {
		label = "项目 " + it.ProjectID
	} else {
		label += "（项目 " + it.ProjectID + "）"
	}
	return label, "/projects/" + it.ProjectID
}

// historyChart is a step line of the score over the last 12 months: the
// first point, every change, and the latest point, so the chart and its
// table hold exactly the same numbers.
func historyChart(hist []scoring.HistoryPoint, now time.Time) chart {
	since := now.In(registry.Shanghai).AddDate(-1, 0, 0).Format("2006-01-02")
	var labels, values []string
	var last scoring.HistoryPoint
	lowest := scoring.BaseScore
	for i, p := range hist {
		if p.Date < since {
			continue
		}
		if len(labels) == 0 || p.Score != last.Score || i == len(hist)-1 {
			labels, values = append(labels, p.Date), append(values, scoreText(p.Score))
		}
		last, lowest = p, min(lowest, p.Score)
	}
	// The axis starts 10 points below the lowest score (in tens), so a
	// 5-point deduction is visible; the grade bounds in range are marked.
	lo := max(int(lowest)/100*10-10, 0)
	var marks []int
	for _, m := range []int{90, 75, 60} {
		if m > lo {
			marks = append(marks, m)
		}
	}
	return newChart("credit-history", "step", "近 12 个月信用评分", "分", "日期", labels, values, withRange(lo, 110, marks...))
}

// creditPublicPage is 信用公示: grades, recommended agencies, the public
// list of sanctions.
type creditPublicPage struct {
	Grades      chart
	Total       int
	Recommended []recommendedRow
	MoreA       int // A-grade agencies not listed
	Sanctions   []sanctionRow
	Pager       pager
	Status      string // "", active, lifted
	Kind        string
	Kinds       []scoring.SanctionKind
	Filter      bool
}

type recommendedRow struct {
	Agency registry.Agency
	Points scoring.Points
	Score  string
}

// sanctionRow is a sanction with its state in words.
type sanctionRow struct {
	scoring.Sanction
	State, StateClass string
	Repaired          bool // lifted early by credit repair
}

var sanctionKinds = []scoring.SanctionKind{scoring.SanctionWarning, scoring.SanctionSuspension, scoring.SanctionBlacklist}

// recommendedShown caps the recommended list of the public page.
const recommendedShown = 50

func (u *ui) creditPublic(c *gin.Context) {
	if !u.needScoring(c) {
		return
	}
	p := creditPublicPage{Kinds: sanctionKinds}
	var ids []string
	idx := u.agencyIndex("")
	for id, a := range idx {
		if a.Status == registry.StatusActive {
			ids = append(ids, id)
		}
	}
	p.Grades, p.Total = u.gradeChart(ids)
	for _, id := range ids {
		if pt, ok := u.Scoring.Current(id); ok && pt.Grade == "A" {
			p.Recommended = append(p.Recommended, recommendedRow{Agency: idx[id], Points: pt.Score, Score: scoreText(pt.Score)})
		}
	}
	sort.Slice(p.Recommended, func(i, j int) bool {
		a, b := p.Recommended[i], p.Recommended[j]
		if a.Points != b.Points {
			return a.Points > b.Points
		}
		return a.Agency.Profile.Name < b.Agency.Profile.Name
	})
	if n := len(p.Recommended); n > recommendedShown {
		p.MoreA, p.Recommended = n-recommendedShown, p.Recommended[:recommendedShown]
	}
	switch c.Query("status") {
	case "active", "lifted":
		p.Status = c.Query("status")
	}
	for _, k := range sanctionKinds {
		if string(k) == c.Query("kind") {
			p.Kind = string(k)
		}
	}
	p.Filter = p.Status != "" || p.Kind != ""
	var rows []sanctionRow
	for _, x := range u.allSanctions("") {
		r := sanctionState(x, u.Now())
		if (p.Kind != "" && string(x.Kind) != p.Kind) || (p.Status == "active" && !x.ActiveAt(u.Now())) ||
			(p.Status == "lifted" && x.LiftedAt.IsZero()) {
			continue
		}
		rows = append(rows, r)
	}
	p.Sanctions, p.Pager = pageSlice(c, rows, 20)
	u.render(c, http.StatusOK, "credit_public", view{Title: "信用公示", Nav: "credit", Data: p})
}

// gradeChart counts the given agencies by current grade.
func (u *ui) gradeChart(ids []string) (chart, int) {
	n := map[string]int{}
	for _, id := range ids {
		n[u.Scoring.Grade(id)]++
	}
	grades := []string{"A", "B", "C", "D", ""}
	labels := make([]string, len(grades))
	counts := make([]int, len(grades))
	for i, g := range grades {
		labels[i], counts[i] = gradeLabels[g], n[g]
	}
	labels[0] = "A 级（推荐）"
	return countChart("grades", "bar", "在册中介机构信用等级分布", "家", "信用等级", labels, counts, withColors(gradeColors...)), len(ids)
}

// allSanctions lists every sanction (of one agency when given), newest first.
func (u *ui) allSanctions(agency string) []scoring.Sanction {
	var out []scoring.Sanction
	for page := 1; ; page++ {
		rows, total := u.Scoring.Sanctions(agency, false, page, 100)
		out = append(out, rows...)
		if len(rows) == 0 || page*100 >= total {
			return out
		}
	}
}

// sanctionState says where a sanction stands at now.
func sanctionState(x scoring.Sanction, now time.Time) sanctionRow {
	r := sanctionRow{Sanction: x}
	switch {
	case !x.LiftedAt.IsZero() && x.LiftReason == "期满自动解除":
		r.State, r.StateClass = "期满解除", "badge-grey"
	case !x.LiftedAt.IsZero():
		r.State, r.StateClass, r.Repaired = "已信用修复", "badge-green", true
	case now.Before(x.From):
		r.State, r.StateClass = "尚未生效", "badge-grey"
	case x.ActiveAt(now) && x.Kind == scoring.SanctionWarning:
		r.State, r.StateClass = "公示中", "badge-orange"
	case x.ActiveAt(now):
		r.State, r.StateClass = "执行中", "badge-red"
	default:
		r.State, r.StateClass = "期满解除", "badge-grey"
	}
	return r
}

// rulesPage is the public rule table.
type rulesPage struct {
	Rules []scoring.Rule
}

func (u *ui) creditRules(c *gin.Context) {
	if !u.needScoring(c) {
		return
	}
	rules, err := u.Scoring.Rules(c.Request.Context())
	if err != nil {
		web.Fail(c, err)
		return
	}
	u.render(c, http.StatusOK, "credit_rules", view{Title: "信用评分规则", Nav: "credit", Data: rulesPage{Rules: rules}})
}

// publicCredit is the credit section of an agency's public profile, or
// nil when supervision is not wired.
func (u *ui) publicCredit(ctx context.Context, agencyID string) (*creditView, error) {
	if u.Scoring == nil {
		return nil, nil
	}
	v, err := u.creditFor(ctx, agencyID)
	return &v, err
}
