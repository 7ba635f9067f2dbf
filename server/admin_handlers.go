package server

import (
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/web"
)

type userQuery struct {
	Paging
	Role  string `form:"role" doc:"角色：owner、agency、regulator、admin"`
	OrgID string `form:"org_id" doc:"所属单位 ID"`
	Q     string `form:"q" doc:"登录名或姓名的一部分"`
}

func (h *handlers) listUsers(c *gin.Context) {
	var q userQuery
	if !bindQueryOK(c, &q) {
		return
	}
	if q.Role != "" && !slices.Contains(auth.Roles, auth.Role(q.Role)) {
		web.Fail(c, apperr.Invalid().Field("role", "角色应为 owner、agency、regulator 或 admin"))
		return
	}
	pg, err := h.Auth.ListUsers(c, web.PrincipalOf(c), auth.UserFilter{Role: auth.Role(q.Role), OrgID: q.OrgID, Query: q.Q,
		Page: q.Page, PageSize: q.PageSize})
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, newPage(pg.Items, pg.Total, q.Paging, toUser))
}

// setDisabled answers both /disable and /enable.
func (h *handlers) setDisabled(disabled bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.Param("id")
		u, err := h.Auth.SetUserDisabled(c, web.PrincipalOf(c), id, disabled)
		if err != nil {
			web.Fail(c, err)
			return
		}
		what := "启用账号 "
		if disabled {
			what = "停用账号 "
		}
		web.Audit(c, "user:"+u.ID, what+u.ID)
		c.JSON(http.StatusOK, toUser(u))
	}
}

type orgQuery struct {
	Paging
	Kind string `form:"kind" doc:"单位类型：owner、agency、regulator、platform"`
	Q    string `form:"q" doc:"名称或统一社会信用代码的一部分"`
}

var orgKinds = []auth.OrgKind{auth.OrgOwner, auth.OrgAgency, auth.OrgRegulator, auth.OrgPlatform}

func (h *handlers) listOrgs(c *gin.Context) {
	var q orgQuery
	if !bindQueryOK(c, &q) {
		return
	}
	if q.Kind != "" && !slices.Contains(orgKinds, auth.OrgKind(q.Kind)) {
		web.Fail(c, apperr.Invalid().Field("kind", "单位类型应为 owner、agency、regulator 或 platform"))
		return
	}
	pg, err := h.Auth.ListOrgs(c, web.PrincipalOf(c), auth.OrgFilter{Kind: auth.OrgKind(q.Kind), Query: q.Q, Page: q.Page, PageSize: q.PageSize})
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, newPage(pg.Items, pg.Total, q.Paging, toOrg))
}

type regulatorRequest struct {
	OrgID      string `json:"org_id,omitempty"` // an existing department; empty creates one
	OrgName    string `json:"org_name,omitempty"`
	Department string `json:"department,omitempty"`
	Region     string `json:"region,omitempty"`
	Login      string `json:"login"`
	Name       string `json:"name"`
	Email      string `json:"email,omitempty"`
	Phone      string `json:"phone,omitempty"`
	Password   string `json:"password"`
}

func (h *handlers) createRegulator(c *gin.Context) {
	var in regulatorRequest
	if !bindJSON(c, &in) {
		return
	}
	u, org, err := h.Auth.CreateRegulator(c, web.PrincipalOf(c), auth.CreateRegulatorInput{OrgID: in.OrgID, OrgName: in.OrgName,
		Department: in.Department, Region: in.Region, Login: in.Login, Name: in.Name, Email: in.Email, Phone: in.Phone, Password: in.Password})
	if err != nil {
		web.Fail(c, err)
		return
	}
	web.Audit(c, "user:"+u.ID, "创建监管账号 "+u.ID+"（"+org.Name+"，"+org.Region+"）")
	c.JSON(http.StatusOK, accountResponse{User: toUser(u), Org: toOrg(org)})
}
