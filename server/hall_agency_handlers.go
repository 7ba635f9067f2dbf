package server

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/web"
)

// The hall for agencies (opportunities, sign-ups, sealed quotes, objection,
// abandonment, delivery, response), for regulators (announcement review,
// objection decisions), and the owner's contract with its file.

func (h *handlers) myOpportunities(c *gin.Context) {
	var pg Paging
	if !bindQueryOK(c, &pg) {
		return
	}
	ops := h.Hall.Opportunities(c, web.PrincipalOf(c).OrgID)
	c.JSON(http.StatusOK, pageSlice(ops, pg, func(o hall.Opportunity) opportunityDTO {
		return opportunityDTO{projectSummaryDTO: toProjectSummary(o.Project), Eligible: o.Eligible, Reason: o.Reason}
	}))
}

func (h *handlers) mySignups(c *gin.Context) {
	var in projectQuery
	if !bindQueryOK(c, &in) {
		return
	}
	q, err := in.listQuery()
	if err != nil {
		web.Fail(c, err)
		return
	}
	org := web.PrincipalOf(c).OrgID
	q.AgencyID = org
	items, total := h.Hall.List(hallActor(c), q)
	c.JSON(http.StatusOK, newPage(items, total, in.Paging, func(p hall.Project) mySignupDTO {
		d := mySignupDTO{projectSummaryDTO: toProjectSummary(p), Won: p.Winner == org}
		if su, ok := p.SignupOf(org); ok {
			d.SignedUpAt = optTime(su.At)
		}
		return d
	}))
}

func (h *handlers) signUp(c *gin.Context) {
	p, err := h.Hall.SignUp(c, hallActor(c), c.Param("id"))
	hallReply(c, "报名参加选取", p, err)
}

// submitQuote seals a quote. Neither the audit record nor the response
// carries the amount: the receipt is the agency's proof.
func (h *handlers) submitQuote(c *gin.Context) {
	var req quoteRequest
	if !bindJSON(c, &req) {
		return
	}
	r, err := h.Hall.SubmitQuote(c, hallActor(c), c.Param("id"), req.AmountFen)
	if err != nil {
		web.Fail(c, err)
		return
	}
	web.Audit(c, r.ProjectID, "提交密封报价："+r.ProjectID+"，回执 "+r.Receipt[:16]+"…（金额密封，开启前任何人不可见）")
	c.JSON(http.StatusOK, toReceipt(r))
}

func toReceipt(r hall.QuoteReceipt) receiptDTO {
	return receiptDTO{ProjectID: r.ProjectID, Receipt: r.Receipt, Nonce: r.Nonce, At: r.At.UTC()}
}

func (h *handlers) withdrawQuote(c *gin.Context) {
	id := c.Param("id")
	if err := h.Hall.WithdrawQuote(c, hallActor(c), id); err != nil {
		web.Fail(c, err)
		return
	}
	web.Audit(c, id, "撤回密封报价："+id)
	c.Status(http.StatusNoContent)
}

// myQuote is the caller's own committed receipt: there is no way to name
// another agency.
func (h *handlers) myQuote(c *gin.Context) {
	p, ok := h.getProject(c)
	if !ok {
		return
	}
	r, found, err := h.Hall.MyQuote(c, hallActor(c), p.ID)
	switch {
	case err != nil:
		web.Fail(c, err)
	case !found:
		web.Fail(c, apperr.NotFound("本机构在该项目的有效报价"))
	default:
		c.JSON(http.StatusOK, toReceipt(r))
	}
}

func (h *handlers) deliver(c *gin.Context) {
	var req deliveryRequest
	if !bindJSON(c, &req) {
		return
	}
	if err := h.ownFile(c, "file_id", req.FileID, "服务成果", "deliverable"); err != nil {
		web.Fail(c, err)
		return
	}
	p, err := h.Hall.Deliver(c, hallActor(c), c.Param("id"), strings.TrimSpace(req.FileID))
	hallReply(c, "提交服务成果", p, err)
}

func (h *handlers) respondEvaluation(c *gin.Context) {
	var req responseRequest
	if !bindJSON(c, &req) {
		return
	}
	p, err := h.Hall.Respond(c, hallActor(c), c.Param("id"), req.Response)
	hallReply(c, "回复服务评价", p, err)
}

func (h *handlers) reviewAnnouncement(c *gin.Context) {
	var req announcementReviewRequest
	if !bindJSON(c, &req) {
		return
	}
	projectDecision(c, yesNo{"approve", "请选择通过（true）或退回（false）", "审核通过选取公告", "退回选取公告"}, req.Approve,
		func(approve bool) (hall.Project, error) {
			return h.Hall.ReviewAnnouncement(c, hallActor(c), c.Param("id"), approve, req.Note)
		})
}

func (h *handlers) decideObjection(c *gin.Context) {
	var req objectionDecisionRequest
	if !bindJSON(c, &req) {
		return
	}
	projectDecision(c, yesNo{"upheld", "请选择质疑成立（true）或不成立（false）", "处理质疑：成立", "处理质疑：不成立"}, req.Upheld,
		func(upheld bool) (hall.Project, error) {
			return h.Hall.DecideObjection(c, hallActor(c), c.Param("id"), upheld, req.Note)
		})
}

// signContract records the owner's contract; its scan is a file the
// owner's organisation uploaded.
func (h *handlers) signContract(c *gin.Context) {
	var req contractRequest
	if !bindJSON(c, &req) {
		return
	}
	v := apperr.Invalid()
	signed := req.parse(v)
	if err := h.ownFile(c, "file_id", req.FileID, "合同扫描件", "contract"); err != nil {
		if e, ok := apperr.As(err); ok && e.Fields["file_id"] != "" {
			v.Field("file_id", e.Fields["file_id"])
		} else {
			web.Fail(c, err)
			return
		}
	}
	if err := v.OrNil(); err != nil {
		web.Fail(c, err)
		return
	}
	p, err := h.Hall.SignContract(c, hallActor(c), c.Param("id"), req.AmountFen, signed, strings.TrimSpace(req.FileID))
	hallReply(c, "签订服务合同", p, err)
}

// ownFile checks that a file ID names a file the caller's organisation
// uploaded.
func (h *handlers) ownFile(c *gin.Context, field, id, what, purpose string) error {
	id = strings.TrimSpace(id)
	if id == "" {
		return apperr.Invalid().Field(field, "请先上传"+what+"（POST /api/v1/files，用途 "+purpose+"），再填写返回的文件 id")
	}
	if !h.Files.Owned(c, web.PrincipalOf(c).OrgID, id) {
		return apperr.Invalid().Field(field, what+"不存在或不是本单位上传的文件")
	}
	return nil
}
