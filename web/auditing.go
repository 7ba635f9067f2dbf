package web

import (
	"log/slog"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/audit"
)

type auditNote struct {
	target, summary string
	skip            bool
}

// Audit records what a state-changing handler acted on, with a summary of
// the change. The summary must never hold secrets or sealed amounts.
func Audit(c *gin.Context, target, summary string) {
	c.Set(ctxAudit, &auditNote{target: target, summary: summary})
}

// auditChange writes an audit record after every successful state change.
// Doing it here, around every unsafe route, means no handler can forget.
func (a *App) auditChange(r Route) gin.HandlerFunc {
	action := r.Action
	if action == "" {
		action = r.Method + " " + r.Path
	}
	return func(c *gin.Context) {
		c.Next()
		status := c.Writer.Status()
		if status >= 400 || a.audit == nil {
			return
		}
		note := &auditNote{target: c.Request.URL.Path, summary: r.Summary}
		if v, ok := c.Get(ctxAudit); ok {
			note = v.(*auditNote)
		}
		p := PrincipalOf(c)
		_, err := a.audit.Append(c.Request.Context(), audit.Entry{
			Time: a.now(), ActorID: p.UserID, ActorRole: string(p.Role), OrgID: p.OrgID, Action: action,
			Target: note.target, RequestID: RequestID(c), IP: c.ClientIP(), Summary: note.summary,
		})
		if err != nil {
			// The change itself is done; losing its audit record must be loud.
			a.log.LogAttrs(c.Request.Context(), slog.LevelError, "audit record not written",
				slog.String("request_id", RequestID(c)), slog.String("action", action), slog.Any("error", err))
		}
	}
}
