package server

import (
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/scoring"
	"github.com/agencyhall/agencyhall/web"
)

// Alerts (电子监察), random inspections (双随机一公开) and risk indicators.

func (h *handlers) listAlerts(c *gin.Context) {
	var in alertQuery
	if !bindQueryOK(c, &in) {
		return
	}
	v := apperr.Invalid()
	if in.Status != "" && in.Status != "open" && in.Status != "all" {
		v.Field("status", "应为 open（未关闭）或 all（全部）")
	}
	if in.Level != "" && in.Level != scoring.Yellow && in.Level != scoring.Red {
		v.Field("level", "应为 yellow（黄牌）或 red（红牌）")
	}
	if err := v.OrNil(); err != nil {
		web.Fail(c, err)
		return
	}
	items, total := h.Scoring.AlertList(in.Status != "all", in.Level, in.Page, in.PageSize)
	c.JSON(http.StatusOK, newPage(items, total, in.Paging, toAlert))
}

func (h *handlers) ackAlert(c *gin.Context) {
	var req alertAckRequest
	if !bindJSON(c, &req) {
		return
	}
	a, err := h.Scoring.AckAlert(c, actorOf(web.PrincipalOf(c)), alertID(c.Param("id")), req.Close, strings.TrimSpace(req.Note))
	if err != nil {
		web.Fail(c, err)
		return
	}
	verb := "确认预警 "
	if req.Close {
		verb = "关闭预警 "
	}
	web.Audit(c, a.ID, verb+a.ID+"（"+a.LevelLabel()+"："+alertKinds[a.Kind]+"）")
	c.JSON(http.StatusOK, toAlert(a))
}

func (h *handlers) listInspections(c *gin.Context) {
	var in Paging
	if !bindQueryOK(c, &in) {
		return
	}
	c.JSON(http.StatusOK, pageSlice(h.Scoring.InspectionList(), in, toInspection))
}

func (h *handlers) getInspection(c *gin.Context) {
	x, err := h.Scoring.Inspection(c.Param("id"))
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toInspection(x))
}

// inspectionReply answers a change of a plan; the body never holds the
// draw secret before the draw (toInspection redacts it).
func inspectionReply(c *gin.Context, summary string, x scoring.Inspection, err error) {
	if err != nil {
		web.Fail(c, err)
		return
	}
	web.Audit(c, x.ID, summary)
	c.JSON(http.StatusOK, toInspection(x))
}

func (h *handlers) createInspection(c *gin.Context) {
	var req inspectionRequest
	if !bindJSON(c, &req) {
		return
	}
	x, err := h.Scoring.CreateInspection(c, actorOf(web.PrincipalOf(c)), scoring.InspectionInput{Name: req.Name,
		ItemCodes: splitList(strings.Join(req.ItemCodes, ",")), Regions: splitList(strings.Join(req.Regions, ",")),
		SampleSize: req.SampleSize, Inspectors: req.Inspectors})
	inspectionReply(c, "制定抽查计划 "+x.ID+"「"+x.Name+"」", x, err)
}

func (h *handlers) drawInspection(c *gin.Context) {
	x, err := h.Scoring.DrawInspection(c, actorOf(web.PrincipalOf(c)), c.Param("id"))
	inspectionReply(c, "抽取抽查计划 "+x.ID+" 的检查对象和检查人员", x, err)
}

func (h *handlers) recordInspection(c *gin.Context) {
	var req inspectionResultRequest
	if !bindJSON(c, &req) {
		return
	}
	if strings.TrimSpace(req.AgencyID) == "" {
		web.Fail(c, apperr.Invalid().Field("agency_id", "请选择被检查的机构"))
		return
	}
	x, err := h.Scoring.RecordInspection(c, actorOf(web.PrincipalOf(c)), c.Param("id"), strings.TrimSpace(req.AgencyID),
		strings.TrimSpace(req.Result), req.Note)
	inspectionReply(c, "登记抽查结果 "+x.ID+"："+req.AgencyID+" "+strings.TrimSpace(req.Result), x, err)
}

func (h *handlers) listRisks(c *gin.Context) {
	var in riskQuery
	if !bindQueryOK(c, &in) {
		return
	}
	if in.Kind != "" && scoring.RiskLabels[in.Kind] == "" {
		web.Fail(c, apperr.Invalid().Field("kind", "应为 low_quote、identical_quotes、co_bidding 或 shared_contact"))
		return
	}
	risks := slices.DeleteFunc(h.Scoring.Risks(c), func(r scoring.Risk) bool {
		return (in.Kind != "" && r.Kind != in.Kind) || (in.ProjectID != "" && r.ProjectID != in.ProjectID) ||
			(in.AgencyID != "" && !slices.Contains(r.Agencies, in.AgencyID))
	})
	c.JSON(http.StatusOK, pageSlice(risks, in.Paging, toRisk))
}
