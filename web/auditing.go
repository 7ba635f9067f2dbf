package web

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/apperr"
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

// DeniedAction is the audit action of a refused attempt (越权尝试被拒绝).
const DeniedAction = "access.denied"

// auditRefusal records refused attempts of logged-in users, around every
// route, so that no access rule and no handler can forget:
//   - a 403 from the route's declaration or from a domain rule (another
//     party's object, a regulator outside its region);
//   - a 404 on a state change, or on a non-public read of a named object
//     (another organisation's file, complaint, export), since such objects
//     answer 404 to whoever may not see them;
//   - a concealed 404 on any route (apperr.Hidden: another owner's draft
//     on the public project page).
//
// Anonymous callers (401) and refusals by the CSRF check (whose victim is
// the logged-in user, not the author) are not recorded as attempts. The
// record goes through the same hash chain as every change; its summary
// names the route and the refusal, never the request body.
func (a *App) auditRefusal(r Route) gin.HandlerFunc {
	namedRead := !r.Access.IsPublic() && strings.Contains(r.Path, "/:")
	return func(c *gin.Context) {
		c.Next()
		if a.audit == nil {
			return
		}
		p := PrincipalOf(c)
		if p.Anonymous() || c.GetBool(ctxCSRFFail) {
			return
		}
		status := c.Writer.Status()
		why, concealed := http.StatusText(status), false
		if v, ok := c.Get(ctxFailure); ok {
			e := v.(*apperr.Error)
			why, concealed = e.Message, errors.Is(e, apperr.Concealed)
		}
		switch {
		case status == http.StatusForbidden:
		case status == http.StatusNotFound && (unsafe(r.Method) || namedRead || concealed):
		default:
			return
		}
		path := c.Request.URL.Path
		summary := fmt.Sprintf("越权尝试被拒绝：%s（%s %s，%d %s）", r.Summary, r.Method, path, status, why)
		if _, err := a.audit.Append(c.Request.Context(), audit.Entry{
			Time: a.now(), ActorID: p.UserID, ActorRole: string(p.Role), OrgID: p.OrgID, Action: DeniedAction,
			Target: path, RequestID: RequestID(c), IP: c.ClientIP(), Summary: summary,
		}); err != nil {
			a.log.LogAttrs(c.Request.Context(), slog.LevelError, "audit record of a refusal not written",
				slog.String("request_id", RequestID(c)), slog.String("path", path), slog.Any("error", err))
		}
	}
}
