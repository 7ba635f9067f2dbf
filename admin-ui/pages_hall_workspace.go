package adminui

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/registry"
)

// allProjects lists every project matching q that who may see.
func (u *ui) allProjects(who registry.Actor, q hall.ListQuery) []hall.Project {
	var out []hall.Project
	q.PageSize = 100
	for q.Page = 1; ; q.Page++ {
		rows, total := u.Hall.List(who, q)
		out = append(out, rows...)
		if len(rows) == 0 || len(out) >= total {
			return out
		}
	}
}

// paginate cuts one page out of a list built in memory.
func paginate[T any](c *gin.Context, rows []T) ([]T, pager) {
	page := queryPage(c)
	from := min((page-1)*hallPageSize, len(rows))
	return rows[from:min(from+hallPageSize, len(rows))], newPager(c, len(rows), page, hallPageSize)
}

// stateFilter reads the state filter of the workspace lists.
func stateFilter(c *gin.Context) (string, []hall.State) {
	s := hall.State(c.Query("state"))
	for _, known := range hall.AllStates {
		if s == known {
			return string(s), []hall.State{s}
		}
	}
	return "", nil
}

// ownerStep is the owner's next step on a project, in a few words.
func ownerStep(p hall.Project) string {
	switch p.State {
	case hall.StateDraft:
		return "检查后发布公告"
	case hall.StateOpening:
		if p.Method == hall.MethodScoring && len(p.CriteriaScores) == 0 {
			return "为评审因素打分"
		}
	case hall.StateContracting:
		return "签订合同并上传"
	case hall.StateInService:
		return "等待成果（可延期、中止计时）"
	case hall.StateDelivered:
		return "验收服务成果"
	case hall.StateAccepted:
		return "评价服务"
	case hall.StateFailed:
		return "可重新发布"
	}
	return "无需操作"
}

// projectRow is a project in a workspace list.
type projectRow struct {
	P    hall.Project
	Step string
}

// projectList is a workspace list of projects with a state filter.
type projectList struct {
	State  string
	States []hall.State
	Rows   []projectRow
	Pager  pager
	Query  string
	Action string // where the filter form goes
}

func (u *ui) myProjects(c *gin.Context) {
	who := actor(c)
	state, states := stateFilter(c)
	all := u.allProjects(who, hall.ListQuery{OwnerOrg: who.OrgID, States: states, Text: strings.TrimSpace(c.Query("q"))})
	rows := make([]projectRow, 0, len(all))
	for _, p := range all {
		rows = append(rows, projectRow{P: p, Step: ownerStep(p)})
	}
	pg := projectList{State: state, States: hall.AllStates, Query: strings.TrimSpace(c.Query("q")), Action: "/my/projects"}
	pg.Rows, pg.Pager = paginate(c, rows)
	u.render(c, http.StatusOK, "project_mine", view{Title: "我的选取项目", Section: "projects", Data: pg})
}

func (u *ui) superviseProjects(c *gin.Context) {
	state, states := stateFilter(c)
	q := strings.TrimSpace(c.Query("q"))
	rows, total := u.Hall.List(actor(c), hall.ListQuery{States: states, Text: q, Page: queryPage(c), PageSize: hallPageSize})
	pg := projectList{State: state, States: hall.AllStates, Query: q, Pager: newPager(c, total, queryPage(c), hallPageSize),
		Action: "/supervise/projects"}
	for _, p := range rows {
		pg.Rows = append(pg.Rows, projectRow{P: p})
	}
	u.render(c, http.StatusOK, "hall_supervise", view{Title: "选取项目监管", Section: "supervise", Data: pg})
}

// opportunitiesPage lists the open projects with whether the agency may
// sign up, and why not.
type opportunitiesPage struct {
	Rows     []hall.Opportunity
	Pager    pager
	All      bool // also the ones the agency cannot sign up for
	Eligible int
	Total    int
}

func (u *ui) myOpportunities(c *gin.Context) {
	all := u.Hall.Opportunities(c.Request.Context(), actor(c).OrgID)
	pg := opportunitiesPage{All: c.Query("all") == "1", Total: len(all)}
	var rows []hall.Opportunity
	for _, o := range all {
		if o.Eligible {
			pg.Eligible++
		}
		if o.Eligible || pg.All {
			rows = append(rows, o)
		}
	}
	pg.Rows, pg.Pager = paginate(c, rows)
	u.render(c, http.StatusOK, "hall_opportunities", view{Title: "可报名项目", Section: "opportunities", Data: pg})
}

// bidRow is one of the agency's sign-ups: its quote receipt before the
// opening, its quote (now public) and the result after.
type bidRow struct {
	P        hall.Project
	Receipt  *hall.QuoteReceipt
	Amount   int64 // only from the opening record
	Opened   bool
	Result   string
	Awaiting bool // a quote is still expected
}

func (u *ui) myBids(c *gin.Context) {
	ctx := c.Request.Context()
	who := actor(c)
	var rows []bidRow
	for _, p := range u.allProjects(who, hall.ListQuery{AgencyID: who.OrgID, Sort: "deadline"}) {
		if _, ok := p.SignupOf(who.OrgID); !ok {
			continue
		}
		r := bidRow{P: p, Opened: p.Opening != nil}
		if p.Method.Quoted() {
			if q, ok, err := u.Hall.MyQuote(ctx, who, p.ID); err == nil && ok {
				r.Receipt = &q
			}
		}
		r.Awaiting = p.Method.Quoted() && r.Receipt == nil && p.State == hall.StateOpen && u.Hall.Now().Before(p.SignupDeadline)
		if r.Opened {
			for _, b := range p.Opening.Bids {
				if b.AgencyID == who.OrgID {
					r.Amount = b.Amount
				}
			}
		}
		r.Result = bidResult(p, who.OrgID)
		rows = append(rows, r)
	}
	pg := struct {
		Rows  []bidRow
		Pager pager
	}{}
	pg.Rows, pg.Pager = paginate(c, rows)
	u.render(c, http.StatusOK, "hall_bids", view{Title: "我的报名与报价", Section: "bids", Data: pg})
}

func bidResult(p hall.Project, me string) string {
	switch {
	case p.Opening == nil:
		return "尚未开启"
	case p.State == hall.StateFailed:
		return "流标"
	case p.State == hall.StateCancelled:
		return "项目已终止"
	case p.Opening.Outcome.Method == "":
		return "等待评分"
	case p.Winner == me:
		return "中选"
	case p.Opening.Refused[me] != "":
		return "未进入选取：" + p.Opening.Refused[me]
	}
	return "未中选"
}

// contractRow is a project the agency won.
type contractRow struct {
	P       hall.Project
	Due     deadline
	Overdue bool
	Respond bool // an evaluation waits for the agency's response
}

func (u *ui) myContracts(c *gin.Context) {
	who := actor(c)
	now := u.Hall.Now()
	var rows []contractRow
	for _, p := range u.allProjects(who, hall.ListQuery{AgencyID: who.OrgID}) {
		if p.Winner != who.OrgID || p.State == hall.StateFailed || p.State == hall.StateCancelled {
			continue
		}
		r := contractRow{P: p, Overdue: overdue(p, now)}
		if p.Contract != nil {
			r.Due = u.countdown(p.Contract.DueAt, "")
		}
		r.Respond = p.Evaluation != nil && p.Evaluation.Response == "" && now.Before(p.Evaluation.At.AddDate(0, 0, u.Hall.Rules.ResponseDays))
		rows = append(rows, r)
	}
	pg := struct {
		Rows  []contractRow
		Pager pager
	}{}
	pg.Rows, pg.Pager = paginate(c, rows)
	u.render(c, http.StatusOK, "hall_contracts", view{Title: "我的合同", Section: "contracts", Data: pg})
}
