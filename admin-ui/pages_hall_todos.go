package adminui

import (
	"time"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/web"
)

// dueSoon is how close a contract's due date must be to be a to-do.
const dueSoon = 7 * 24 * time.Hour

// hallTodos are the selection hall's lines of the workspace 待办, with
// real counts; lines with nothing waiting are left out.
func (u *ui) hallTodos(c *gin.Context) []todo {
	p := web.PrincipalOf(c)
	who := actor(c)
	var out []todo
	add := func(n int, t todo) {
		if n > 0 {
			t.Count = n
			out = append(out, t)
		}
	}
	switch p.Role {
	case auth.RoleOwner:
		n := map[string]int{}
		for _, pr := range u.allProjects(who, hall.ListQuery{OwnerOrg: who.OrgID}) {
			switch {
			case pr.State == hall.StateOpening && pr.Method == hall.MethodScoring && len(pr.CriteriaScores) == 0:
				n["score"]++
			default:
				n[string(pr.State)]++
			}
		}
		add(n["draft"], todo{Label: "未发布的草稿", Href: "/my/projects?state=draft", Note: "检查后发布公告，中介机构才能报名"})
		add(n["score"], todo{Label: "待评审打分", Href: "/my/projects?state=opening", Note: "综合评分项目已开启，请为评审因素打分"})
		add(n["contracting"], todo{Label: "待签订合同", Href: "/my/projects?state=contracting", Note: "公示期满，请在 5 个工作日内签订合同并上传"})
		add(n["delivered"], todo{Label: "待验收成果", Href: "/my/projects?state=delivered", Note: "中介机构已提交成果，请验收或退回"})
		add(n["accepted"], todo{Label: "待评价服务", Href: "/my/projects?state=accepted", Note: "验收通过后请评价服务，逾期默认五星"})
	case auth.RoleAgency:
		open := 0
		for _, o := range u.Hall.Opportunities(c.Request.Context(), who.OrgID) {
			if o.Eligible {
				open++
			}
		}
		add(open, todo{Label: "可报名项目", Href: "/my/opportunities", Note: "贵机构符合条件、正在报名的项目"})
		now, due := u.Hall.Now(), 0
		for _, pr := range u.allProjects(who, hall.ListQuery{AgencyID: who.OrgID, States: []hall.State{hall.StateInService}}) {
			if pr.Winner == who.OrgID && pr.Contract != nil && pr.Contract.DueAt.Sub(now) < dueSoon {
				due++
			}
		}
		add(due, todo{Label: "7 天内到期的合同", Href: "/my/contracts", Note: "服务期限将到或已超期，请按时提交成果"})
	case auth.RoleRegulator, auth.RoleAdmin:
		counts := u.Hall.Counts()
		add(counts[hall.StateObjection], todo{Label: "待处理质疑", Href: "/supervise/projects?state=objection", Note: "公示期内的质疑，处理前项目暂停"})
		add(counts[hall.StateReview], todo{Label: "待审核公告", Href: "/supervise/projects?state=review", Note: "需要监管部门审核后才能公开的公告"})
	}
	return out
}

// hallSidebar are the selection hall's workspace sections of a role.
func hallSidebar(r auth.Role) []navItem {
	switch r {
	case auth.RoleOwner:
		return []navItem{{"projects", "我的选取项目", "/my/projects"}, {"new-project", "发布选取项目", "/projects/new"}}
	case auth.RoleAgency:
		return []navItem{{"opportunities", "可报名项目", "/my/opportunities"}, {"bids", "我的报名与报价", "/my/bids"},
			{"contracts", "我的合同", "/my/contracts"}}
	case auth.RoleRegulator, auth.RoleAdmin:
		return []navItem{{"supervise", "选取项目监管", "/supervise/projects"}}
	}
	return nil
}
