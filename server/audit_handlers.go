package server

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/audit"
	"github.com/agencyhall/agencyhall/web"
)

type auditQuery struct {
	Paging
	Actor  string    `form:"actor" doc:"操作人登录名"`
	Action string    `form:"action" doc:"动作名前缀，如 user."`
	Target string    `form:"target" doc:"操作对象的一部分"`
	From   time.Time `form:"from" doc:"起始时间（含），RFC 3339 或日期（北京时间）"`
	To     time.Time `form:"to,end" doc:"截止时间（不含）；只写日期时含当天"`
}

func (h *handlers) listAudit(c *gin.Context) {
	var q auditQuery
	if !bindQueryOK(c, &q) {
		return
	}
	if !q.From.IsZero() && !q.To.IsZero() && !q.From.Before(q.To) {
		web.Fail(c, apperr.Invalid().Field("to", "截止时间应晚于起始时间"))
		return
	}
	recs, total, err := h.Audit.List(c, audit.Filter{Actor: q.Actor, Action: q.Action, Target: q.Target, From: q.From, To: q.To,
		Page: q.Page, PageSize: q.PageSize})
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, newPage(recs, total, q.Paging, toAudit))
}
