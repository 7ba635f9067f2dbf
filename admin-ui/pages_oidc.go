package adminui

import (
	"fmt"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/oidclogin"
	"github.com/agencyhall/agencyhall/web"
)

// 统一身份认证: login through the deployment's unified identity platform
// (OpenID Connect), when --oidc-issuer configures one. oidclogin runs the
// protocol, auth decides what a verified identity may do (auth/identity.go
// explains the rules), and these pages ask the person on a first login:
// nothing is linked or created before they confirm.

// oidcPages are the handlers of the identity platform's login.
type oidcPages struct {
	*ui
	client *oidclogin.Client
	log    *slog.Logger
}

// oidcRoutes declares the identity platform's pages; none without one.
func (u *ui) oidcRoutes(app *web.App) {
	if u.OIDC == nil {
		return
	}
	o := &oidcPages{ui: u, client: u.OIDC, log: app.Logger()}
	for _, r := range []web.Route{
		{Method: http.MethodGet, Path: "/login/oidc", Access: web.Public(), Summary: "统一身份认证登录：转到认证平台", NoCache: true, Handler: o.start},
		// A GET, since the platform sends the browser back with a redirect;
		// the login is audited by the handler (web.AuditRead).
		{Method: http.MethodGet, Path: "/login/oidc/callback", Access: web.Public(), Summary: "统一身份认证登录：认证平台回调", Action: "user.login", NoCache: true, Handler: o.callback},
		{Method: http.MethodGet, Path: "/login/oidc/confirm", Access: web.Public(), Summary: "统一身份认证首次登录确认页", NoCache: true, Handler: o.confirm},
		{Method: http.MethodPost, Path: "/login/oidc/link", Access: web.Public(), Summary: "统一身份认证关联已有账号并登录", Action: "user.oidc_link", Handler: o.link},
		{Method: http.MethodPost, Path: "/login/oidc/register", Access: web.Public(), Summary: "统一身份认证新建单位账号并登录", Action: "user.oidc_register", Handler: o.register},
		{Method: http.MethodPost, Path: "/account/identities/:id/unlink", Access: web.LoggedIn(), Summary: "解除统一身份认证关联", Action: "user.oidc_unlink", Handler: o.unlink},
	} {
		r.Page = true
		r.Tag = "页面"
		app.Handle(r)
	}
}

// fail shows an error of the login as a Chinese page with a way back to
// the login page.
func (o *oidcPages) fail(c *gin.Context, err error) {
	e, ok := apperr.As(err)
	if !ok || e.Kind == apperr.KindInternal {
		web.Fail(c, err)
		return
	}
	if e.Kind == apperr.KindUnavailable {
		o.log.LogAttrs(c.Request.Context(), slog.LevelWarn, "identity platform unreachable",
			slog.String("request_id", web.RequestID(c)), slog.String("issuer", o.client.Issuer()), slog.Any("error", err))
		c.Header("Retry-After", "30")
	} else if e.Err != nil {
		o.log.LogAttrs(c.Request.Context(), slog.LevelInfo, "identity platform login refused",
			slog.String("request_id", web.RequestID(c)), slog.String("code", e.Code), slog.Any("error", e.Err))
	}
	status := web.Status(e.Kind)
	v := errorView(status, e.Message)
	p := v.Data.(errorPage)
	p.Heading, p.Hint, p.Login = "统一身份认证登录未完成", "您可以重新登录；如问题持续，请将下方的请求编号告知平台管理员。", "/login"
	v.Title, v.Data = p.Heading, p
	o.render(c, status, "error", v)
	c.Abort()
}

// start sends the browser to the identity platform.
func (o *oidcPages) start(c *gin.Context) {
	next, ok := localPath(c.Query("next"))
	if !ok {
		next = ""
	}
	if !web.PrincipalOf(c).Anonymous() {
		if next == "" {
			next = afterLogin
		}
		redirect(c, next)
		return
	}
	to, err := o.client.Begin(c.Request.Context(), c.Writer, next)
	if err != nil {
		o.fail(c, err)
		return
	}
	redirect(c, to)
}

// callback receives the platform's answer: a linked identity logs in, an
// unknown one is held for the confirmation page.
func (o *oidcPages) callback(c *gin.Context) {
	ctx := c.Request.Context()
	x, next, err := o.client.Finish(ctx, c.Writer, c.Request)
	if err != nil {
		o.fail(c, err)
		return
	}
	tok, _, user, err := o.Auth.ExternalLogin(ctx, x)
	if auth.IsNotLinked(err) {
		if err := o.client.Hold(c.Writer, x, next); err != nil {
			web.Fail(c, err)
			return
		}
		redirect(c, oidclogin.CookiePath+"/confirm")
		return
	}
	if err != nil {
		o.fail(c, err)
		return
	}
	if !o.startSession(c, tok) {
		return
	}
	if err := web.AuditRead(c, "user:"+user.ID, "经统一身份认证（"+o.client.Host()+"）登录"); err != nil {
		o.log.LogAttrs(ctx, slog.LevelError, "audit record not written", slog.String("request_id", web.RequestID(c)),
			slog.String("action", "user.login"), slog.Any("error", err))
	}
	o.done(c, next)
}

func (o *oidcPages) startSession(c *gin.Context, tok string) bool {
	p, sess, err := o.Auth.SessionPrincipal(c.Request.Context(), tok)
	if err != nil {
		web.Fail(c, err)
		return false
	}
	web.StartSession(c, tok, sess, p)
	return true
}

func (o *oidcPages) done(c *gin.Context, next string) {
	if next == "" {
		next = afterLogin
	}
	redirect(c, next)
}

// confirmPage is the first-login page of an identity without an account.
type confirmPage struct {
	Identity auth.ExternalIdentity
	Options  auth.ExternalOptions
	Label    string // the login button's text
	Host     string // the identity platform's host
	Link     *form  // 关联已有账号
	Register *form  // 新建单位账号
	// Open is the choice shown unfolded: "link" or "register".
	Open string
}

// KindAllowed reports whether a new organisation of the kind may be created.
func (p confirmPage) KindAllowed(kind string) bool {
	for _, k := range p.Options.CreateKinds {
		if string(k) == kind {
			return true
		}
	}
	return false
}

func errExpired(label string) error {
	return apperr.InvalidMsg("oidc_expired", "确认页面已过期（15 分钟内有效），请重新点击“"+label+"”")
}

func (o *oidcPages) confirm(c *gin.Context) {
	x, _, ok := o.client.Held(c.Request)
	if !ok {
		o.fail(c, errExpired(o.client.Label()))
		return
	}
	o.showConfirm(c, http.StatusOK, x, confirmPage{})
}

func (o *oidcPages) showConfirm(c *gin.Context, status int, x auth.ExternalIdentity, page confirmPage) {
	ctx := c.Request.Context()
	opts, err := o.Auth.ExternalOptions(ctx, x)
	if err != nil {
		o.fail(c, err)
		return
	}
	page.Identity, page.Options, page.Label, page.Host = x, opts, o.client.Label(), o.client.Host()
	if page.Link == nil {
		page.Link = newForm()
	}
	if page.Register == nil {
		f := newForm()
		f.Values["name"], f.Values["email"], f.Values["region"] = x.Name, x.Email, o.Region
		f.Values["login"] = o.Auth.SuggestLogin(ctx, x)
		if len(opts.CreateKinds) == 1 {
			f.Values["kind"] = string(opts.CreateKinds[0])
		}
		page.Register = f
	}
	if page.Open == "" {
		page.Open = "link"
		if opts.CanCreate() && len(opts.Registered) == 0 {
			page.Open = "register"
		}
	}
	o.render(c, status, "oidc_confirm", view{Title: "确认统一身份认证登录", Nav: "login", Data: page})
}

// link links the held identity to an existing account proved by its
// password, and logs in.
func (o *oidcPages) link(c *gin.Context) {
	x, next, ok := o.client.Held(c.Request)
	if !ok {
		o.fail(c, errExpired(o.client.Label()))
		return
	}
	// Named apart from the new account's fields on the same page.
	f := postedForm(c, "link_login")
	password := c.PostForm("link_password")
	if f.Get("link_login") == "" {
		f.Errors["link_login"] = "请填写登录名"
	}
	if password == "" {
		f.Errors["link_password"] = "请填写密码"
	}
	if len(f.Errors) > 0 {
		f.Message = "请填写要关联的本平台账号的登录名和密码"
		o.showConfirm(c, http.StatusBadRequest, x, confirmPage{Link: f, Open: "link"})
		return
	}
	tok, _, user, err := o.Auth.LinkExternal(c.Request.Context(), x, f.Get("link_login"), password, web.ClientIP(c))
	if err != nil {
		if !formFail(f, err) {
			o.fail(c, err)
			return
		}
		o.showConfirm(c, formStatus(err), x, confirmPage{Link: f, Open: "link"})
		return
	}
	o.client.Release(c.Writer)
	if !o.startSession(c, tok) {
		return
	}
	web.Audit(c, "user:"+user.ID, fmt.Sprintf("将统一身份认证（%s）身份「%s」关联到账号 %s 并登录", o.client.Host(), x.Name, user.ID))
	o.done(c, next)
}

// register creates the organisation of the held identity's credit code
// with its first user, and logs in.
func (o *oidcPages) register(c *gin.Context) {
	x, next, ok := o.client.Held(c.Request)
	if !ok {
		o.fail(c, errExpired(o.client.Label()))
		return
	}
	f := postedForm(c, "kind", "org_name", "region", "contact", "phone", "email", "login", "name")
	in := auth.ExternalRegisterInput{Kind: auth.OrgKind(f.Get("kind")), OrgName: f.Get("org_name"), Region: f.Get("region"),
		Contact: f.Get("contact"), Phone: f.Get("phone"), Email: f.Get("email"), Login: f.Get("login"), Name: f.Get("name")}
	tok, _, user, org, err := o.Auth.RegisterExternal(c.Request.Context(), x, in)
	if err != nil {
		if !formFail(f, err) {
			o.fail(c, err)
			return
		}
		o.showConfirm(c, formStatus(err), x, confirmPage{Register: f, Open: "register"})
		return
	}
	o.client.Release(c.Writer)
	if !o.startSession(c, tok) {
		return
	}
	web.Audit(c, "org:"+org.ID, fmt.Sprintf("经统一身份认证（%s）新建%s「%s」（%s），账号 %s，并登录", o.client.Host(), org.Kind.Label(), org.Name, org.USCC, user.ID))
	o.setFlash(c, "ok", fmt.Sprintf("已新建%s「%s」，您今后可直接用“%s”登录", org.Kind.Label(), org.Name, o.client.Label()))
	o.done(c, next)
}

// formFail is form.fail, which also puts a refusal (an account of another
// organisation, a disabled account) on the form instead of an error page.
func formFail(f *form, err error) bool {
	if e, ok := apperr.As(err); ok && e.Kind == apperr.KindForbidden {
		f.Message = e.Message
		return true
	}
	return f.fail(err)
}

// unlink removes one of the caller's linked identities.
func (o *oidcPages) unlink(c *gin.Context) {
	link, err := o.Auth.UnlinkIdentity(c.Request.Context(), web.PrincipalOf(c), c.Param("id"))
	if err != nil {
		if e, ok := apperr.As(err); ok && e.Kind == apperr.KindInvalid {
			o.showAccount(c, http.StatusBadRequest, accountPage{IdentityError: e.Message})
			return
		}
		web.Fail(c, err)
		return
	}
	web.Audit(c, "user:"+link.UserID, fmt.Sprintf("解除统一身份认证身份「%s」的关联", link.Name))
	o.setFlash(c, "ok", "已解除关联：今后用该统一身份认证身份登录时，需要重新确认")
	redirect(c, "/account#identities")
}
