package web

import (
	"errors"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/audit"
)

// AuditRead records at once a read that must leave a trace, such as an
// Excel export of supervision data: GET routes are not audited around the
// handler like state changes. The action is the route's declared Action.
func AuditRead(c *gin.Context, target, summary string) error {
	a := appFrom(c)
	r, ok := CurrentRoute(c)
	if a == nil || !ok || r.Action == "" {
		return errors.New("web: AuditRead needs a declared route with an action")
	}
	if a.audit == nil {
		return nil
	}
	p := PrincipalOf(c)
	_, err := a.audit.Append(c.Request.Context(), audit.Entry{
		Time: a.now(), ActorID: p.UserID, ActorRole: string(p.Role), OrgID: p.OrgID, Action: r.Action,
		Target: target, RequestID: RequestID(c), IP: c.ClientIP(), Summary: summary,
	})
	return err
}
