package server

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/web"
)

type meResponse struct {
	User userDTO `json:"user"`
	Org  *orgDTO `json:"org,omitempty"`
	// Via is how the caller authenticated: "session" or "token".
	Via string `json:"via"`
	// CSRFToken is the session's token for X-CSRF-Token (sessions only).
	CSRFToken string `json:"csrf_token,omitempty"`
}

func (h *handlers) me(c *gin.Context) {
	p := web.PrincipalOf(c)
	u, err := h.Auth.GetUser(c, p.UserID)
	if err != nil {
		web.Fail(c, err)
		return
	}
	out := meResponse{User: toUser(u), Via: p.Via}
	if org, err := h.Auth.GetOrg(c, u.OrgID); err == nil {
		o := toOrg(org)
		out.Org = &o
	} else if !apperr.Is(err, apperr.KindNotFound) {
		web.Fail(c, err)
		return
	}
	if p.Via == "session" {
		out.CSRFToken = web.CSRFToken(c)
	}
	c.JSON(http.StatusOK, out)
}

type passwordRequest struct {
	OldPassword string `json:"old_password"`
	NewPassword string `json:"new_password"`
}

func (h *handlers) changePassword(c *gin.Context) {
	var in passwordRequest
	if !bindJSON(c, &in) {
		return
	}
	p := web.PrincipalOf(c)
	if err := h.Auth.ChangePassword(c, p, in.OldPassword, in.NewPassword); err != nil {
		web.Fail(c, err)
		return
	}
	if err := web.KeepCurrentSession(c); err != nil {
		web.Fail(c, err)
		return
	}
	web.Audit(c, "user:"+p.UserID, "修改登录密码（其他会话已全部退出）")
	c.Status(http.StatusNoContent)
}

type tokenQuery struct{ Paging }

func (h *handlers) listTokens(c *gin.Context) {
	var q tokenQuery
	if !bindQueryOK(c, &q) {
		return
	}
	all, err := h.Auth.ListTokens(c, web.PrincipalOf(c))
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, pageSlice(all, q.Paging, toToken))
}

type createTokenRequest struct {
	Name string `json:"name"`
}

type createTokenResponse struct {
	Token tokenDTO `json:"token"`
	// Secret is the token itself, shown only in this response.
	Secret string `json:"secret"`
}

func (h *handlers) createToken(c *gin.Context) {
	var in createTokenRequest
	if !bindJSON(c, &in) {
		return
	}
	secret, t, err := h.Auth.CreateToken(c, web.PrincipalOf(c), in.Name)
	if err != nil {
		web.Fail(c, err)
		return
	}
	web.Audit(c, "api_token:"+t.ID, "创建 API 令牌「"+t.Name+"」")
	c.JSON(http.StatusOK, createTokenResponse{Token: toToken(t), Secret: secret})
}

func (h *handlers) revokeToken(c *gin.Context) {
	id := c.Param("id")
	if err := h.Auth.RevokeToken(c, web.PrincipalOf(c), id); err != nil {
		web.Fail(c, err)
		return
	}
	web.Audit(c, "api_token:"+id, "撤销 API 令牌")
	c.Status(http.StatusNoContent)
}
