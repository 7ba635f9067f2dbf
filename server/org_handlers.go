package server

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/web"
)

// The owner's organisation profile; owners publish without review.

func (h *handlers) myOrg(c *gin.Context) {
	org, err := h.Auth.GetOrg(c, web.PrincipalOf(c).OrgID)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toOrg(org))
}

type orgProfileRequest struct {
	Name    string `json:"name"`
	Region  string `json:"region"`
	Contact string `json:"contact,omitempty"`
	Phone   string `json:"phone,omitempty"`
	Email   string `json:"email,omitempty"`
}

func (h *handlers) updateMyOrg(c *gin.Context) {
	var in orgProfileRequest
	if !bindJSON(c, &in) {
		return
	}
	org, err := h.Auth.UpdateOwnOrg(c, web.PrincipalOf(c), auth.OrgProfileInput{Name: in.Name, Region: in.Region,
		Contact: in.Contact, Phone: in.Phone, Email: in.Email})
	if err != nil {
		web.Fail(c, err)
		return
	}
	web.Audit(c, org.ID, "修改单位信息："+org.Name)
	c.JSON(http.StatusOK, toOrg(org))
}
