package server

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/web"
)

// The selection hall (选取大厅): the public hall and project pages, and the
// owners' projects. Agencies' and regulators' handlers are in
// hall_agency_handlers.go; every rule is the hall package's.

// Tags of the hall's operations.
const (
	tagHall       = "选取大厅"
	tagHallOwner  = "项目业主·选取项目"
	tagHallAgency = "中介机构·报名与报价"
	tagHallReview = "选取监管"
)

// hallActor is the caller as the hall sees it.
func hallActor(c *gin.Context) registry.Actor { return actorOf(web.PrincipalOf(c)) }

// hallReply answers a state change with the project and records the
// audit summary: what was done to which project — never an amount.
func hallReply(c *gin.Context, verb string, p hall.Project, err error) {
	if err != nil {
		web.Fail(c, err)
		return
	}
	web.Audit(c, p.ID, verb+"："+p.ID+"「"+p.Name+"」")
	c.JSON(http.StatusOK, toProject(p))
}

// listProjects is the public hall.
func (h *handlers) listProjects(c *gin.Context) {
	h.projectList(c, func(*hall.ListQuery) {})
}

// myProjects are the owner's own projects, drafts included.
func (h *handlers) myProjects(c *gin.Context) {
	org := web.PrincipalOf(c).OrgID
	h.projectList(c, func(q *hall.ListQuery) { q.OwnerOrg = org })
}

func (h *handlers) projectList(c *gin.Context, scope func(*hall.ListQuery)) {
	var in projectQuery
	if !bindQueryOK(c, &in) {
		return
	}
	q, err := in.listQuery()
	if err != nil {
		web.Fail(c, err)
		return
	}
	scope(&q)
	items, total := h.Hall.List(hallActor(c), q)
	c.JSON(http.StatusOK, newPage(items, total, in.Paging, toProjectSummary))
}

// getProject reads a project as the caller may see it; reading a project
// whose time has come moves it on (lazy opening).
func (h *handlers) getProject(c *gin.Context) (hall.Project, bool) {
	p, err := h.Hall.Get(c, hallActor(c), c.Param("id"))
	if err != nil {
		web.Fail(c, err)
		return p, false
	}
	return p, true
}

func (h *handlers) projectDetail(c *gin.Context) {
	if p, ok := h.getProject(c); ok {
		c.JSON(http.StatusOK, toProject(p))
	}
}

func (h *handlers) projectTimeline(c *gin.Context) {
	if p, ok := h.getProject(c); ok {
		c.JSON(http.StatusOK, timelineDTO{ProjectID: p.ID, State: string(p.State), StateLabel: p.State.Label(), Steps: toSteps(p)})
	}
}

func (h *handlers) projectVerification(c *gin.Context) {
	if p, ok := h.getProject(c); ok {
		c.JSON(http.StatusOK, toVerification(p))
	}
}

// bindProjectInput reads a project draft from the body; false when the
// answer has been sent.
func bindProjectInput(c *gin.Context) (hall.ProjectInput, bool) {
	var req projectRequest
	if !bindJSON(c, &req) {
		return hall.ProjectInput{}, false
	}
	in, err := req.input()
	if err != nil {
		web.Fail(c, err)
		return hall.ProjectInput{}, false
	}
	return in, true
}

func (h *handlers) createProject(c *gin.Context) {
	in, ok := bindProjectInput(c)
	if !ok {
		return
	}
	pr := web.PrincipalOf(c)
	p, err := h.Hall.Create(c, actorOf(pr), pr.OrgName, in)
	hallReply(c, "创建选取项目草稿", p, err)
}

func (h *handlers) updateProject(c *gin.Context) {
	in, ok := bindProjectInput(c)
	if !ok {
		return
	}
	p, err := h.Hall.Update(c, hallActor(c), c.Param("id"), in)
	hallReply(c, "修改选取项目草稿", p, err)
}

// projectMove is a state change without a body.
func projectMove(verb string, move func(context.Context, registry.Actor, string) (hall.Project, error)) gin.HandlerFunc {
	return func(c *gin.Context) {
		p, err := move(c, hallActor(c), c.Param("id"))
		hallReply(c, verb, p, err)
	}
}

// yesNo names a yes-or-no decision on a project: the request field that
// carries it, the message when it is missing, and the audit verbs.
type yesNo struct{ field, missing, yes, no string }

// projectDecision is a yes-or-no decision on a project: choice (the
// request's d.field) must be given, and decide makes it.
func projectDecision(c *gin.Context, d yesNo, choice *bool, decide func(bool) (hall.Project, error)) {
	if err := required(choice, d.field, d.missing); err != nil {
		web.Fail(c, err)
		return
	}
	verb := d.no
	if *choice {
		verb = d.yes
	}
	p, err := decide(*choice)
	hallReply(c, verb, p, err)
}

// projectReason is a state change with a reason (kept on the timeline).
func projectReason(verb string, move func(context.Context, registry.Actor, string, string) (hall.Project, error)) gin.HandlerFunc {
	return func(c *gin.Context) {
		var req hallReasonRequest
		if !bindJSON(c, &req) {
			return
		}
		p, err := move(c, hallActor(c), c.Param("id"), req.Reason)
		hallReply(c, verb, p, err)
	}
}

func (h *handlers) scoreCriteria(c *gin.Context) {
	var req scoresRequest
	if !bindJSON(c, &req) {
		return
	}
	p, err := h.Hall.ScoreCriteria(c, hallActor(c), c.Param("id"), req.Scores)
	hallReply(c, "录入评审因素得分", p, err)
}

func (h *handlers) extendProject(c *gin.Context) {
	var req extendRequest
	if !bindJSON(c, &req) {
		return
	}
	p, err := h.Hall.Extend(c, hallActor(c), c.Param("id"), req.Days, req.Reason)
	hallReply(c, "批准延长服务时限", p, err)
}

func (h *handlers) decideDelivery(c *gin.Context) {
	var req decisionRequest
	if !bindJSON(c, &req) {
		return
	}
	projectDecision(c, yesNo{"accept", "请选择验收通过（true）或退回修改（false）", "验收通过服务成果", "退回服务成果"}, req.Accept,
		func(accept bool) (hall.Project, error) {
			return h.Hall.DecideDelivery(c, hallActor(c), c.Param("id"), accept, req.Reason)
		})
}

func (h *handlers) evaluateProject(c *gin.Context) {
	var req evaluationRequest
	if !bindJSON(c, &req) {
		return
	}
	p, err := h.Hall.Evaluate(c, hallActor(c), c.Param("id"), hall.Evaluation{Quality: req.Quality, Timeliness: req.Timeliness,
		Attitude: req.Attitude, Fees: req.Fees, Conduct: req.Conduct, Comment: req.Comment})
	hallReply(c, "评价中介服务", p, err)
}
