package server

import (
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/files"
	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/web"
)

// A project's contract and deliverables are files of the organisation that
// uploaded them; the other party needs them too (the owner accepts the
// deliverable, the agency keeps the contract). These routes serve them to
// the parties — the owner's organisation, the selected agency — and to
// supervisors, by position on the project, so file IDs are never
// published. To anybody else they do not exist.

func (h *handlers) contractFile(c *gin.Context) {
	h.projectFile(c, func(p hall.Project) string {
		if p.Contract == nil {
			return ""
		}
		return p.Contract.FileID
	})
}

func (h *handlers) deliveryFile(c *gin.Context) {
	n, err := strconv.Atoi(c.Param("n"))
	h.projectFile(c, func(p hall.Project) string {
		if err != nil || n < 1 || n > len(p.Deliveries) {
			return ""
		}
		return p.Deliveries[n-1].FileID
	})
}

func (h *handlers) projectFile(c *gin.Context, pick func(hall.Project) string) {
	p, ok := h.getProject(c)
	if !ok {
		return
	}
	who := hallActor(c)
	party := who.Supervises() || (who.Kind == registry.ActorOwner && who.OrgID == p.OwnerOrg) ||
		(who.Kind == registry.ActorAgency && (who.OrgID == p.Winner || (p.Contract != nil && who.OrgID == p.Contract.AgencyID)))
	id := pick(p)
	if !party || id == "" {
		web.Fail(c, apperr.NotFound("文件"))
		return
	}
	m, rc, err := h.Files.Open(c, files.Reader{Supervises: true}, id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	defer rc.Close()
	sendFile(c, m, rc)
}
