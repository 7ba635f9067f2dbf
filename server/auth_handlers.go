package server

import (
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/web"
)

type registerRequest struct {
	Kind     string `json:"kind"` // owner | agency
	OrgName  string `json:"org_name"`
	USCC     string `json:"uscc"`
	Region   string `json:"region"`
	Contact  string `json:"contact,omitempty"`
	Phone    string `json:"phone,omitempty"`
	Email    string `json:"email,omitempty"`
	Login    string `json:"login"`
	Name     string `json:"name"`
	Password string `json:"password"`
}

func (h *handlers) register(c *gin.Context) {
	var in registerRequest
	if !bindJSON(c, &in) {
		return
	}
	u, org, err := h.Auth.Register(c, auth.RegisterInput{Kind: auth.OrgKind(in.Kind), OrgName: in.OrgName, USCC: in.USCC,
		Region: in.Region, Contact: in.Contact, Phone: in.Phone, Email: in.Email, Login: in.Login, Name: in.Name, Password: in.Password})
	if err != nil {
		web.Fail(c, err)
		return
	}
	web.Audit(c, "user:"+u.ID, "注册"+org.Kind.Label()+"「"+org.Name+"」（"+org.USCC+"），账号 "+u.ID)
	c.JSON(http.StatusOK, accountResponse{User: toUser(u), Org: toOrg(org)})
}

type loginRequest struct {
	Login    string `json:"login"`
	Password string `json:"password"`
}

type loginResponse struct {
	User      userDTO   `json:"user"`
	CSRFToken string    `json:"csrf_token"`
	ExpiresAt time.Time `json:"expires_at"`
}

func (h *handlers) login(c *gin.Context) {
	var in loginRequest
	if !bindJSON(c, &in) {
		return
	}
	v := apperr.Invalid()
	if strings.TrimSpace(in.Login) == "" {
		v.Field("login", "请填写登录名")
	} else if len(in.Login) > 64 {
		v.Field("login", "登录名过长")
	}
	if in.Password == "" {
		v.Field("password", "请填写密码")
	}
	if err := v.OrNil(); err != nil {
		web.Fail(c, err)
		return
	}
	tok, sess, u, err := h.Auth.Login(c, in.Login, in.Password, web.ClientIP(c))
	if err != nil {
		web.Fail(c, err)
		return
	}
	p, _, err := h.Auth.SessionPrincipal(c, tok)
	if err != nil {
		web.Fail(c, err)
		return
	}
	web.StartSession(c, tok, sess, p)
	web.Audit(c, "user:"+u.ID, "登录")
	c.JSON(http.StatusOK, loginResponse{User: toUser(u), CSRFToken: sess.CSRF, ExpiresAt: sess.ExpiresAt.UTC()})
}

func (h *handlers) logout(c *gin.Context) {
	if err := web.EndSession(c); err != nil {
		web.Fail(c, err)
		return
	}
	web.Audit(c, "user:"+web.PrincipalOf(c).UserID, "退出登录")
	c.Status(http.StatusNoContent)
}
