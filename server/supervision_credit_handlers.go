package server

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/scoring"
	"github.com/agencyhall/agencyhall/web"
)

// Credit scores (信用评分): the public rule table and scorecards, the
// agency's appeals of line items, regulators' decisions on them, and the
// admin's rule changes (effective at the next scoring run).

const rulesNote = "分值以分为单位（points_tenths 为十分之一分）。基础分 100 分，最高 110 分、最低 0 分，按滚动 12 个月计算；" +
	"A ≥ 90、B ≥ 75、C ≥ 60、D < 60。规则修改在下一次评分时生效"

func (h *handlers) creditRules(c *gin.Context) {
	rules, err := h.Scoring.Rules(c)
	if err != nil {
		web.Fail(c, err)
		return
	}
	out := rulesDTO{Items: make([]ruleDTO, 0, len(rules)), Note: rulesNote}
	for _, r := range rules {
		out.Items = append(out.Items, toRule(r))
	}
	c.JSON(http.StatusOK, out)
}

// agencyCredit is an admitted agency's public scorecard.
func (h *handlers) agencyCredit(c *gin.Context) {
	a, err := h.Registry.Get(c, registry.Actor{}, c.Param("id"))
	if err != nil {
		web.Fail(c, err)
		return
	}
	h.credit(c, a.ID, a.Profile.Name)
}

// myCredit is the caller's own scorecard (the base score before the first
// scoring run).
func (h *handlers) myCredit(c *gin.Context) {
	who := actorOf(web.PrincipalOf(c))
	name := web.PrincipalOf(c).OrgName
	if a, err := h.Registry.Get(c, who, who.OrgID); err == nil {
		name = a.Profile.Name
	}
	h.credit(c, who.OrgID, name)
}

func (h *handlers) credit(c *gin.Context, id, name string) {
	card, scored, err := h.Scoring.Scorecard(c, id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	rules, err := h.Scoring.Rules(c)
	if err != nil {
		web.Fail(c, err)
		return
	}
	hist, err := h.Scoring.History(c, id)
	if err != nil && !apperr.Is(err, apperr.KindNotFound) {
		web.Fail(c, err)
		return
	}
	since := scoring.Today(h.Scoring.Now().AddDate(-1, 0, 0))
	c.JSON(http.StatusOK, toCredit(id, name, card, scored, rules, hist, since))
}

func (h *handlers) fileAppeal(c *gin.Context) {
	var req appealRequest
	if !bindJSON(c, &req) {
		return
	}
	if strings.TrimSpace(req.LineItemID) == "" {
		web.Fail(c, apperr.Invalid().Field("line_item_id", "请选择要申诉的评分明细（GET /api/v1/my/credit 中 items 的 id）"))
		return
	}
	a, err := h.Scoring.FileAppeal(c, actorOf(web.PrincipalOf(c)), strings.TrimSpace(req.LineItemID), req.Reason)
	if err != nil {
		web.Fail(c, renameField(err, "line_item", "line_item_id"))
		return
	}
	web.Audit(c, a.ID, "对评分明细 "+a.LineItemID+"（"+a.Points.String()+" 分）提出申诉 "+a.ID)
	c.JSON(http.StatusOK, toAppeal(a))
}

func (h *handlers) myAppeals(c *gin.Context) {
	var in Paging
	if !bindQueryOK(c, &in) {
		return
	}
	c.JSON(http.StatusOK, pageSlice(h.Scoring.Appeals(web.PrincipalOf(c).OrgID, false), in, toAppeal))
}

func (h *handlers) superviseAppeals(c *gin.Context) {
	var in appealQuery
	if !bindQueryOK(c, &in) {
		return
	}
	c.JSON(http.StatusOK, pageSlice(h.Scoring.Appeals(in.AgencyID, yes(in.Open)), in.Paging, toAppeal))
}

func (h *handlers) decideAppeal(c *gin.Context) {
	var req appealDecisionRequest
	if !bindJSON(c, &req) {
		return
	}
	if err := required(req.Upheld, "upheld", "请选择申诉成立（true，该项作废）或驳回（false）"); err != nil {
		web.Fail(c, err)
		return
	}
	a, err := h.Scoring.DecideAppeal(c, actorOf(web.PrincipalOf(c)), c.Param("id"), *req.Upheld, req.Note)
	if err != nil {
		web.Fail(c, err)
		return
	}
	web.Audit(c, a.ID, "处理申诉 "+a.ID+"（"+a.AgencyID+"）："+appealDecisions[a.Decision])
	c.JSON(http.StatusOK, toAppeal(a))
}

// updateRule changes one rule's points and cap (admins).
func (h *handlers) updateRule(c *gin.Context) {
	var req ruleRequest
	if !bindJSON(c, &req) {
		return
	}
	if req.PointsTenths == nil {
		web.Fail(c, apperr.Invalid().Field("points_tenths", "请填写分值（十分之一分，如扣 4 分填 -40）"))
		return
	}
	if req.CapTenths != nil && (*req.CapTenths < -1000 || *req.CapTenths > 1000) {
		// The rule table checks both under "points"; name the field sent.
		web.Fail(c, apperr.Invalid().Field("cap_tenths", "上限应在 −100 到 100 分之间（十分之一分；0 为不设上限）"))
		return
	}
	id := c.Param("id")
	capPts := scoring.Points(0)
	if req.CapTenths != nil {
		capPts = scoring.Points(*req.CapTenths)
	} else {
		rules, err := h.Scoring.Rules(c)
		if err != nil {
			web.Fail(c, err)
			return
		}
		for _, r := range rules {
			if r.ID == id {
				capPts = r.Cap
			}
		}
	}
	r, err := h.Scoring.UpdateRule(c, actorOf(web.PrincipalOf(c)), id, scoring.Points(*req.PointsTenths), capPts)
	if err != nil {
		web.Fail(c, renameField(err, "points", "points_tenths"))
		return
	}
	capText := "无上限"
	if r.Cap != 0 {
		capText = r.Cap.String() + " 分"
	}
	web.Audit(c, r.ID, "修改评分规则 "+r.ID+"「"+r.Description+"」：每次 "+r.Points.String()+" 分，上限 "+capText+"（下次评分起生效）")
	c.JSON(http.StatusOK, toRule(r))
}
