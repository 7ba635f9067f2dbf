package adminui

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/files"
	"github.com/agencyhall/agencyhall/web"
)

// projectFileServe sends a project's contract or deliverable to the two
// parties and supervisors. The file service alone would let only the
// uploading organisation read it; here the project decides: the owner
// reads the agency's deliverable, the agency the owner's contract.
func (u *ui) projectFileServe(c *gin.Context) {
	ctx := c.Request.Context()
	who := actor(c)
	p, err := u.Hall.Get(ctx, who, c.Param("id"))
	if err != nil {
		web.Fail(c, err)
		return
	}
	id := c.Param("file")
	attached := p.Contract != nil && p.Contract.FileID == id
	for _, d := range p.Deliveries {
		attached = attached || d.FileID == id
	}
	party := who.Supervises() || (who.OrgID != "" && (who.OrgID == p.OwnerOrg || who.OrgID == p.Winner))
	if !attached || !party {
		web.Fail(c, apperr.NotFound("文件")) // do not confirm that it exists
		return
	}
	m, rc, err := u.Files.Open(ctx, files.Reader{Supervises: true}, id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	defer rc.Close()
	h := c.Writer.Header()
	h.Set("Content-Disposition", contentDisposition("attachment", m.Name))
	h.Set("Cache-Control", "private, no-store")
	// Shown as a document of its own: nothing in it may run.
	h.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; object-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'")
	h.Set("X-Frame-Options", "SAMEORIGIN")
	h.Set("X-Content-Type-Options", "nosniff")
	c.DataFromReader(http.StatusOK, m.Size, m.ContentType, rc, nil)
}
