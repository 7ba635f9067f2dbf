package adminui

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/oidclogin"
	"github.com/agencyhall/agencyhall/web"
)

// loginPage is the login form; Next is where to go afterwards.
type loginPage struct {
	Form *form
	Next string
	// OIDC is the 统一身份认证 button's text, empty without a platform;
	// OIDCHref starts that login (keeping next).
	OIDC, OIDCHref string
}

// newLoginPage builds the login page's data.
func (u *ui) newLoginPage(f *form, next string) loginPage {
	p := loginPage{Form: f, Next: next}
	if u.OIDC != nil {
		p.OIDC, p.OIDCHref = u.OIDC.Label(), oidclogin.CookiePath
		if next != "" {
			p.OIDCHref += "?next=" + url.QueryEscape(next)
		}
	}
	return p
}

// afterLogin is where a login without a (valid) next parameter lands.
const afterLogin = "/workspace"

func (u *ui) loginForm(c *gin.Context) {
	next, ok := localPath(c.Query("next"))
	if !web.PrincipalOf(c).Anonymous() {
		if !ok {
			next = afterLogin
		}
		c.Redirect(http.StatusSeeOther, next)
		return
	}
	f := newForm()
	f.Values["login"] = c.Query("login")
	u.render(c, http.StatusOK, "login", view{Title: "登录", Nav: "login", Data: u.newLoginPage(f, next)})
}

func (u *ui) login(c *gin.Context) {
	f := postedForm(c, "login")
	password := c.PostForm("password")
	next, ok := localPath(c.PostForm("next"))
	if !ok {
		next = ""
	}
	show := func(status int) {
		u.render(c, status, "login", view{Title: "登录", Nav: "login", Data: u.newLoginPage(f, next)})
	}
	// Empty fields are the visitor's slip, not a failed attempt: they are
	// not sent to the service, so they do not count towards the lock.
	if f.Get("login") == "" {
		f.Errors["login"] = "请填写登录名"
	}
	if password == "" {
		f.Errors["password"] = "请填写密码"
	}
	if len(f.Errors) > 0 {
		show(http.StatusBadRequest)
		return
	}
	ctx := c.Request.Context()
	tok, _, user, err := u.Auth.Login(ctx, f.Get("login"), password, web.ClientIP(c))
	if err != nil {
		if !f.fail(err) {
			web.Fail(c, err)
			return
		}
		show(formStatus(err))
		return
	}
	p, sess, err := u.Auth.SessionPrincipal(ctx, tok)
	if err != nil {
		web.Fail(c, err)
		return
	}
	web.StartSession(c, tok, sess, p)
	web.Audit(c, "user:"+user.ID, "登录成功")
	if next == "" {
		next = afterLogin
	}
	redirect(c, next)
}

func (u *ui) logout(c *gin.Context) {
	p := web.PrincipalOf(c)
	if err := web.EndSession(c); err != nil {
		web.Fail(c, err)
		return
	}
	web.Audit(c, "user:"+p.UserID, "退出登录")
	u.setFlash(c, "ok", "您已安全退出")
	redirect(c, "/")
}

// registerPage is the self-registration form of owners and agencies.
type registerPage struct {
	Form *form
}

// registerFields are the form fields, named as the service names them in
// its field errors so each message lands beside its own input.
var registerFields = []string{"kind", "org_name", "uscc", "region", "contact", "phone", "email", "login", "name"}

func (u *ui) registerForm(c *gin.Context) {
	f := newForm()
	f.Values["kind"] = string(auth.OrgAgency)
	if c.Query("kind") == string(auth.OrgOwner) {
		f.Values["kind"] = string(auth.OrgOwner)
	}
	f.Values["region"] = u.Region
	u.render(c, http.StatusOK, "register", view{Title: "注册", Nav: "register", Data: registerPage{Form: f}})
}

func (u *ui) register(c *gin.Context) {
	f := postedForm(c, registerFields...)
	in := auth.RegisterInput{
		Kind: auth.OrgKind(f.Get("kind")), OrgName: f.Get("org_name"), USCC: f.Get("uscc"), Region: f.Get("region"),
		Contact: f.Get("contact"), Phone: f.Get("phone"), Email: f.Get("email"), Login: f.Get("login"), Name: f.Get("name"),
		Password: c.PostForm("password"),
	}
	user, org, err := u.Auth.Register(c.Request.Context(), in)
	if err != nil {
		if !f.fail(err) {
			web.Fail(c, err)
			return
		}
		u.render(c, formStatus(err), "register", view{Title: "注册", Nav: "register", Data: registerPage{Form: f}})
		return
	}
	web.Audit(c, "org:"+org.ID, fmt.Sprintf("注册%s「%s」（%s），账号 %s", org.Kind.Label(), org.Name, org.USCC, user.ID))
	u.setFlash(c, "ok", "注册成功，请使用新账号登录")
	redirect(c, "/login?login="+url.QueryEscape(user.ID))
}
