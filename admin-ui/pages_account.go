package adminui

import (
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/web"
)

// accountPage shows the profile, the password form and the API tokens.
type accountPage struct {
	User      auth.User
	Org       auth.Org
	Tokens    []auth.APIToken
	Password  *form
	TokenForm *form
	// NewSecret is a token just created. It is shown in this one response
	// and never again: it is not stored, redirected through or flashed.
	NewSecret string
	NewToken  auth.APIToken
	// 统一身份认证 (pages_oidc.go): the identities linked to the account,
	// shown when a platform is configured or links exist.
	OIDCLabel     string
	Identities    []auth.IdentityLink
	IdentityError string
	HasPassword   bool // accounts made through the identity platform have none
}

func (u *ui) loadAccount(c *gin.Context, page *accountPage) error {
	ctx := c.Request.Context()
	p := web.PrincipalOf(c)
	user, err := u.Auth.GetUser(ctx, p.UserID)
	if err != nil {
		return err
	}
	page.User = user
	if org, err := u.Auth.GetOrg(ctx, user.OrgID); err == nil {
		page.Org = org
	} else if !apperr.Is(err, apperr.KindNotFound) {
		return err
	}
	page.HasPassword = user.PasswordHash != ""
	if u.OIDC != nil {
		page.OIDCLabel = u.OIDC.Label()
		if page.Identities, err = u.Auth.IdentityLinks(ctx, p); err != nil {
			return err
		}
	}
	page.Tokens, err = u.Auth.ListTokens(ctx, p)
	if page.Password == nil {
		page.Password = newForm()
	}
	if page.TokenForm == nil {
		page.TokenForm = newForm()
	}
	return err
}

func (u *ui) showAccount(c *gin.Context, status int, page accountPage) {
	if err := u.loadAccount(c, &page); err != nil {
		web.Fail(c, err)
		return
	}
	u.render(c, status, "account", view{Title: "账号与 API 令牌", Section: "account", Data: page})
}

func (u *ui) account(c *gin.Context) { u.showAccount(c, http.StatusOK, accountPage{}) }

func (u *ui) changePassword(c *gin.Context) {
	f := newForm()
	oldPw, newPw := c.PostForm("old_password"), c.PostForm("new_password")
	if newPw != c.PostForm("new_password2") {
		f.Errors["new_password2"] = "两次输入的新密码不一致"
		f.Message = "提交的内容有误，请检查标出的字段"
		u.showAccount(c, http.StatusBadRequest, accountPage{Password: f})
		return
	}
	if err := u.Auth.ChangePassword(c.Request.Context(), web.PrincipalOf(c), oldPw, newPw); err != nil {
		if !f.fail(err) {
			web.Fail(c, err)
			return
		}
		u.showAccount(c, formStatus(err), accountPage{Password: f})
		return
	}
	if err := web.KeepCurrentSession(c); err != nil { // the other browsers are logged out
		web.Fail(c, err)
		return
	}
	web.Audit(c, "user:"+web.PrincipalOf(c).UserID, "修改登录密码（其他会话已全部退出）")
	u.setFlash(c, "ok", "密码已修改，下次登录请使用新密码")
	redirect(c, "/account")
}

func (u *ui) createToken(c *gin.Context) {
	f := postedForm(c, "name")
	secret, tok, err := u.Auth.CreateToken(c.Request.Context(), web.PrincipalOf(c), f.Get("name"))
	if err != nil {
		if !f.fail(err) {
			web.Fail(c, err)
			return
		}
		u.showAccount(c, formStatus(err), accountPage{TokenForm: f})
		return
	}
	web.Audit(c, "token:"+tok.Prefix, fmt.Sprintf("创建 API 令牌「%s」", tok.Name))
	// Rendered directly, not redirected: the secret must not travel in a
	// URL or cookie, and this is the only time it can be shown.
	u.showAccount(c, http.StatusOK, accountPage{NewSecret: secret, NewToken: tok})
}

func (u *ui) revokeToken(c *gin.Context) {
	ctx := c.Request.Context()
	p := web.PrincipalOf(c)
	id := c.Param("id")
	tokens, err := u.Auth.ListTokens(ctx, p)
	if err != nil {
		web.Fail(c, err)
		return
	}
	var name, prefix string
	for _, t := range tokens {
		if t.ID == id {
			name, prefix = t.Name, t.Prefix
		}
	}
	if err := u.Auth.RevokeToken(ctx, p, id); err != nil {
		web.Fail(c, err)
		return
	}
	web.Audit(c, "token:"+prefix, fmt.Sprintf("撤销 API 令牌「%s」", name))
	u.setFlash(c, "ok", fmt.Sprintf("已撤销 API 令牌「%s」，使用它的程序将无法再访问", name))
	redirect(c, "/account#tokens")
}
