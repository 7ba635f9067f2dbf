package adminui

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/notify"
	"github.com/agencyhall/agencyhall/web"
)

// 消息中心 (message centre): every user's notifications and e-mail
// choices; the admins' webhook subscriptions and their deliveries. The
// unread count in the top bar comes from fillView.

// notifyRoutes declares the message centre's pages.
func (u *ui) notifyRoutes(app *web.App) {
	admin := web.Roles(auth.RoleAdmin)
	for _, r := range []web.Route{
		{Method: http.MethodGet, Path: "/notifications", Access: web.LoggedIn(), Summary: "消息中心", Handler: u.notifications},
		{Method: http.MethodPost, Path: "/notifications/read", Access: web.LoggedIn(), Summary: "将消息标为已读", Action: "notification.read", Handler: u.markRead},
		{Method: http.MethodPost, Path: "/notifications/open", Access: web.LoggedIn(), Summary: "查看消息（标为已读并打开相关页面）", Action: "notification.read", Handler: u.openNotification},
		{Method: http.MethodGet, Path: "/notifications/settings", Access: web.LoggedIn(), Summary: "通知设置", Handler: u.notifySettings},
		{Method: http.MethodPost, Path: "/notifications/settings", Access: web.LoggedIn(), Summary: "修改通知设置", Action: "notification.preferences", Handler: u.saveNotifySettings},

		{Method: http.MethodGet, Path: "/admin/webhooks", Access: admin, Summary: "Webhook 推送订阅", Handler: u.webhooks},
		{Method: http.MethodPost, Path: "/admin/webhooks", Access: admin, Summary: "登记 Webhook 订阅", Action: "webhook.create", Handler: u.createWebhook},
		{Method: http.MethodGet, Path: "/admin/webhooks/:id", Access: admin, Summary: "Webhook 订阅与推送记录", Handler: u.webhook},
		{Method: http.MethodPost, Path: "/admin/webhooks/:id", Access: admin, Summary: "修改 Webhook 订阅", Action: "webhook.update", Handler: u.updateWebhook},
		{Method: http.MethodPost, Path: "/admin/webhooks/:id/delete", Access: admin, Summary: "删除 Webhook 订阅", Action: "webhook.delete", Handler: u.deleteWebhook},
		{Method: http.MethodPost, Path: "/admin/webhooks/:id/replay", Access: admin, Summary: "重新推送一条记录", Action: "webhook.replay", Handler: u.replayDelivery},
		{Method: http.MethodPost, Path: "/admin/webhooks/:id/access-token", Access: admin, Summary: "更换订阅访问令牌", Action: "webhook.token", Handler: u.rotateWebhookToken},
	} {
		r.Page = true
		r.Tag = "页面"
		app.Handle(r)
	}
}

// notifyFuncs are the template functions of the message centre's pages.
func notifyFuncs() template.FuncMap {
	return map[string]any{
		"webhookLabel":  notify.WebhookLabel,
		"deliveryBadge": deliveryBadge,
	}
}

// deliveryBadge shows a webhook delivery's state as a badge with its text.
func deliveryBadge(s notify.DeliveryState) template.HTML {
	b := map[notify.DeliveryState][2]string{notify.DeliveryPending: {"待推送", "badge-orange"}, notify.DeliveryDelivering: {"推送中", "badge-blue"},
		notify.DeliveryDelivered: {"已送达", "badge-green"}, notify.DeliveryFailed: {"失败", "badge-red"}}[s]
	return template.HTML(`<span class="badge ` + b[1] + `">` + template.HTMLEscapeString(b[0]) + `</span>`)
}

// notifySidebar are the message centre's sections of a role's workspace.
func notifySidebar(r auth.Role) []navItem {
	items := []navItem{{"notifications", "消息中心", "/notifications"}}
	if r == auth.RoleAdmin {
		items = append(items, navItem{"webhooks", "Webhook 推送", "/admin/webhooks"})
	}
	return items
}

// needNotify answers with 503 when the message centre is not wired.
func (u *ui) needNotify(c *gin.Context) bool {
	if u.Notify == nil {
		web.Fail(c, apperr.Unavailable(errors.New("adminui: Deps.Notify is nil")))
		return false
	}
	return true
}

// unread is the top bar's count for the visitor (0 when anonymous).
func (u *ui) unread(c *gin.Context, p auth.Principal) int {
	if u.Notify == nil || p.Anonymous() {
		return 0
	}
	return u.Notify.Unread(c.Request.Context(), p.UserID)
}

type notificationsPage struct {
	Kind       string
	UnreadOnly bool
	Kinds      []notify.KindInfo
	Rows       []notify.Notification
	Unread     int
	Pager      pager
	Back       string // this page with its filters, for the forms
}

const notificationsPageSize = 20

func (u *ui) notifications(c *gin.Context) {
	if !u.needNotify(c) {
		return
	}
	p := web.PrincipalOf(c)
	page := notificationsPage{Kind: c.Query("kind"), UnreadOnly: c.Query("unread") == "1", Kinds: notify.KindsFor(p.Role),
		Back: c.Request.URL.RequestURI()}
	if _, ok := notify.Info(notify.Kind(page.Kind)); !ok {
		page.Kind = ""
	}
	rows, total, unread, err := u.Notify.List(c.Request.Context(), p.UserID, notify.Query{Kind: notify.Kind(page.Kind),
		UnreadOnly: page.UnreadOnly, Page: queryPage(c), PageSize: notificationsPageSize})
	if err != nil {
		web.Fail(c, err)
		return
	}
	page.Rows, page.Unread = rows, unread
	page.Pager = newPager(c, total, queryPage(c), notificationsPageSize)
	u.render(c, http.StatusOK, "notifications", view{Title: "消息中心", Section: "notifications", Data: page})
}

// backTo is a posted "back" path on the message centre, or the centre.
func backTo(f *form, prefix, fallback string) string {
	if back, ok := localPath(f.Get("back")); ok && strings.HasPrefix(back, prefix) {
		return back
	}
	return fallback
}

func (u *ui) markRead(c *gin.Context) {
	if !u.needNotify(c) {
		return
	}
	f := postedForm(c, "id", "all", "back")
	user := web.PrincipalOf(c).UserID
	var ids []string
	if f.Get("id") != "" {
		ids = []string{f.Get("id")}
	}
	changed, _, err := u.Notify.MarkRead(c.Request.Context(), user, ids, f.Get("all") == "1" && len(ids) == 0)
	if err != nil {
		web.Fail(c, err)
		return
	}
	msg := fmt.Sprintf("已将 %d 条消息标为已读", changed)
	if f.Get("all") == "1" {
		msg = fmt.Sprintf("已将全部未读消息（%d 条）标为已读", changed)
	}
	web.Audit(c, "inbox:"+user, msg)
	u.setFlash(c, "ok", msg)
	redirect(c, backTo(f, "/notifications", "/notifications"))
}

// openNotification marks a notification read and goes to what it is about.
func (u *ui) openNotification(c *gin.Context) {
	if !u.needNotify(c) {
		return
	}
	f := postedForm(c, "id")
	user := web.PrincipalOf(c).UserID
	n, err := u.Notify.Open(c.Request.Context(), user, f.Get("id"))
	if err != nil {
		web.Fail(c, err)
		return
	}
	web.Audit(c, "inbox:"+user, "查看消息「"+n.Title+"」")
	to, ok := localPath(n.Link)
	if !ok {
		to = "/notifications"
	}
	redirect(c, to)
}

type settingsRow struct {
	notify.KindInfo
	Mail bool
}

type settingsPage struct {
	MailEnabled bool
	Email       string
	Rows        []settingsRow
}

func (u *ui) notifySettings(c *gin.Context) {
	if !u.needNotify(c) {
		return
	}
	ctx := c.Request.Context()
	p := web.PrincipalOf(c)
	prefs, err := u.Notify.Preferences(ctx, p.UserID)
	if err != nil {
		web.Fail(c, err)
		return
	}
	page := settingsPage{MailEnabled: u.Notify.MailEnabled()}
	if usr, err := u.Auth.GetUser(ctx, p.UserID); err == nil {
		page.Email = usr.Email
	}
	for _, k := range notify.KindsFor(p.Role) {
		page.Rows = append(page.Rows, settingsRow{KindInfo: k, Mail: prefs.WantsMail(k.Kind)})
	}
	u.render(c, http.StatusOK, "notify_settings", view{Title: "通知设置", Section: "notifications", Data: page})
}

func (u *ui) saveNotifySettings(c *gin.Context) {
	if !u.needNotify(c) {
		return
	}
	p := web.PrincipalOf(c)
	mail := map[notify.Kind]bool{}
	var on []string
	for _, k := range notify.KindsFor(p.Role) {
		mail[k.Kind] = c.PostForm("mail_"+string(k.Kind)) == "1"
		if mail[k.Kind] {
			on = append(on, k.Label)
		}
	}
	if _, err := u.Notify.SetPreferences(c.Request.Context(), p.UserID, mail); err != nil {
		web.Fail(c, err)
		return
	}
	summary := "通知设置已保存：只在站内提醒"
	if len(on) > 0 {
		summary = "通知设置已保存，以下消息同时发送邮件：" + strings.Join(on, "、")
	}
	web.Audit(c, "preferences:"+p.UserID, summary)
	u.setFlash(c, "ok", summary)
	redirect(c, "/notifications/settings")
}

// webhookForm is the subscription form's input, events included.
type webhookForm struct {
	F      *form
	Events map[string]bool
}

func newWebhookForm() webhookForm { return webhookForm{F: newForm(), Events: map[string]bool{}} }

// webhookFormView is what the "webhook-form" partial renders.
type webhookFormView struct {
	webhookForm
	Types          []notify.WebhookType
	CSRF           string
	Action, Submit string
	New            bool // creating: the secret may be left for the platform to make
}

func postedWebhookForm(c *gin.Context) (webhookForm, notify.SubscriptionInput) {
	f := webhookForm{F: postedForm(c, "name", "url", "active"), Events: map[string]bool{}}
	in := notify.SubscriptionInput{Name: f.F.Get("name"), URL: f.F.Get("url"), Secret: strings.TrimSpace(c.PostForm("secret")),
		Active: f.F.Get("active") == "1"}
	for _, e := range c.PostFormArray("events") {
		f.Events[e] = true
		in.Events = append(in.Events, e)
	}
	return f, in
}

type webhooksPage struct {
	Subs []notify.Subscription
	Form webhookFormView
}

func (u *ui) webhooks(c *gin.Context) {
	f := newWebhookForm()
	f.F.Values["active"] = "1"
	u.showWebhooks(c, http.StatusOK, f)
}

func (u *ui) showWebhooks(c *gin.Context, status int, f webhookForm) {
	if !u.needNotify(c) {
		return
	}
	subs, err := u.Notify.Subscriptions(c.Request.Context())
	if err != nil {
		web.Fail(c, err)
		return
	}
	u.render(c, status, "admin_webhooks", view{Title: "Webhook 推送", Section: "webhooks", Data: webhooksPage{Subs: subs,
		Form: webhookFormView{webhookForm: f, Types: notify.WebhookTypes, CSRF: web.CSRFToken(c), Action: "/admin/webhooks", Submit: "登记订阅", New: true}}})
}

func (u *ui) createWebhook(c *gin.Context) {
	if !u.needNotify(c) {
		return
	}
	f, in := postedWebhookForm(c)
	sub, err := u.Notify.CreateSubscription(c.Request.Context(), web.PrincipalOf(c).UserID, in)
	if err != nil {
		if !f.F.fail(err) {
			web.Fail(c, err)
			return
		}
		u.showWebhooks(c, formStatus(err), f)
		return
	}
	web.Audit(c, "webhook:"+sub.ID, "登记 Webhook 订阅 "+sub.ID+"（"+sub.Name+"）")
	// The subscription stands without its access token: the page then
	// offers to make one, so a failure here does not undo the creation.
	tok, err := u.Auth.IssueCredential(c.Request.Context(), notify.SubscriberHolder(sub.ID), notify.AccessTokenName(sub.ID))
	if err != nil {
		u.log.WarnContext(c.Request.Context(), "webhook access token not issued", "subscription", sub.ID, "error", err)
	}
	// Rendered directly, not redirected: the secret and the token must not
	// travel in a URL or cookie, and this is the only time they are shown.
	u.showWebhook(c, http.StatusCreated, sub.ID, nil, newCredentials{Secret: sub.Secret, Token: tok})
}

// newCredentials are shown once, on the page that made them.
type newCredentials struct {
	Secret string // the signing secret, at creation
	Token  string // the subscriber's access token, at creation or rotation
}

// rotateWebhookToken makes a new access token for the receiving system;
// the old one stops working at once.
func (u *ui) rotateWebhookToken(c *gin.Context) {
	if !u.needNotify(c) {
		return
	}
	ctx := c.Request.Context()
	sub, err := u.Notify.Subscription(ctx, c.Param("id"))
	if err != nil {
		web.Fail(c, err)
		return
	}
	tok, err := u.Auth.IssueCredential(ctx, notify.SubscriberHolder(sub.ID), notify.AccessTokenName(sub.ID))
	if err != nil {
		web.Fail(c, err)
		return
	}
	web.Audit(c, "webhook:"+sub.ID, "更换 Webhook 订阅 "+sub.ID+"（"+sub.Name+"）的订阅访问令牌")
	u.showWebhook(c, http.StatusOK, sub.ID, nil, newCredentials{Token: tok})
}

type deliveryRow struct {
	notify.Delivery
	Label string
}

type webhookPage struct {
	Sub  notify.Subscription
	Form webhookFormView
	New  newCredentials
	// Token is the access token the receiving system holds (its prefix and
	// date only); Issued is false when none was made.
	Token  auth.APIToken
	Issued bool
	Rows   []deliveryRow
	Pager  pager
}

const deliveriesPageSize = 20

func (u *ui) webhook(c *gin.Context) {
	u.showWebhook(c, http.StatusOK, c.Param("id"), nil, newCredentials{})
}

func (u *ui) showWebhook(c *gin.Context, status int, id string, f *webhookForm, fresh newCredentials) {
	if !u.needNotify(c) {
		return
	}
	ctx := c.Request.Context()
	sub, err := u.Notify.Subscription(ctx, id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	page := webhookPage{Sub: sub, New: fresh, Form: webhookFormView{Types: notify.WebhookTypes, CSRF: web.CSRFToken(c),
		Action: "/admin/webhooks/" + url.PathEscape(sub.ID), Submit: "保存修改"}}
	if f != nil {
		page.Form.webhookForm = *f
	} else {
		page.Form.webhookForm = newWebhookForm()
		page.Form.F.Values["name"], page.Form.F.Values["url"] = sub.Name, sub.URL
		if sub.Active {
			page.Form.F.Values["active"] = "1"
		}
		for _, e := range sub.Events {
			page.Form.Events[e] = true
		}
	}
	if page.Token, page.Issued, err = u.Auth.CredentialIssued(ctx, notify.SubscriberHolder(sub.ID)); err != nil {
		web.Fail(c, err)
		return
	}
	pg := queryPage(c)
	items, total, err := u.Notify.Deliveries(ctx, id, pg, deliveriesPageSize)
	if err != nil {
		web.Fail(c, err)
		return
	}
	for _, d := range items {
		page.Rows = append(page.Rows, deliveryRow{Delivery: d, Label: notify.WebhookLabel(d.EventType)})
	}
	page.Pager = newPager(c, total, pg, deliveriesPageSize)
	u.render(c, status, "admin_webhook", view{Title: "Webhook 订阅 " + sub.Name, Section: "webhooks", Data: page})
}

func (u *ui) updateWebhook(c *gin.Context) {
	if !u.needNotify(c) {
		return
	}
	f, in := postedWebhookForm(c)
	sub, err := u.Notify.UpdateSubscription(c.Request.Context(), c.Param("id"), in)
	if err != nil {
		if apperr.Is(err, apperr.KindNotFound) || !f.F.fail(err) {
			web.Fail(c, err)
			return
		}
		u.showWebhook(c, formStatus(err), c.Param("id"), &f, newCredentials{})
		return
	}
	web.Audit(c, "webhook:"+sub.ID, "修改 Webhook 订阅 "+sub.ID+"（"+sub.Name+"）")
	u.setFlash(c, "ok", "已保存订阅「"+sub.Name+"」")
	redirect(c, "/admin/webhooks/"+url.PathEscape(sub.ID))
}

func (u *ui) deleteWebhook(c *gin.Context) {
	if !u.needNotify(c) {
		return
	}
	id := c.Param("id")
	// The token goes first: a deletion that fails half-way leaves a
	// subscription nobody outside can read, never a token that outlives it.
	if err := u.Auth.RevokeCredentials(c.Request.Context(), notify.SubscriberHolder(id)); err != nil {
		web.Fail(c, err)
		return
	}
	if err := u.Notify.DeleteSubscription(c.Request.Context(), id); err != nil {
		web.Fail(c, err)
		return
	}
	web.Audit(c, "webhook:"+id, "删除 Webhook 订阅 "+id+"（订阅访问令牌同时作废）")
	u.setFlash(c, "ok", "已删除订阅 "+id+" 及其推送记录")
	redirect(c, "/admin/webhooks")
}

func (u *ui) replayDelivery(c *gin.Context) {
	if !u.needNotify(c) {
		return
	}
	id := c.Param("id")
	f := postedForm(c, "delivery", "page")
	d, err := u.Notify.Replay(c.Request.Context(), id, f.Get("delivery"))
	if err != nil {
		if e, ok := apperr.As(err); ok && e.Kind == apperr.KindConflict {
			u.setFlash(c, "error", e.Message)
			redirect(c, "/admin/webhooks/"+url.PathEscape(id))
			return
		}
		web.Fail(c, err)
		return
	}
	web.Audit(c, "webhook:"+id, "重新推送 "+d.ID)
	u.setFlash(c, "ok", "已加入推送队列："+notify.WebhookLabel(d.EventType)+"（"+d.EventID+"）")
	back := "/admin/webhooks/" + url.PathEscape(id)
	if n, err := strconv.Atoi(f.Get("page")); err == nil && n > 1 {
		back += "?page=" + strconv.Itoa(n)
	}
	redirect(c, back)
}
