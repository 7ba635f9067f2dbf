package server

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/notify"
	"github.com/agencyhall/agencyhall/web"
)

// 消息中心 (message centre): the caller's notifications and e-mail
// choices; for admins, webhook subscriptions and their deliveries; for a
// subscriber, its own deliveries (webhook_subscriber_handlers.go).

const (
	tagNotify   = "消息中心"
	tagWebhooks = "Webhook 推送"
)

// notifyRoutes are the message centre's routes (one block of Register).
func (h *handlers) notifyRoutes() []web.Route {
	loggedIn, admin := web.LoggedIn(), web.Roles(auth.RoleAdmin)
	const get, post, put, del = http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete
	return append([]web.Route{
		{Method: get, Path: "/api/v1/my/notifications", Access: loggedIn, Tag: tagNotify,
			Summary: "我的消息（新的在前）：可按类型 kind、只看未读 unread=true 筛选，附未读总数；每人保留最近 300 条",
			In:      notificationQuery{Kind: "result", Unread: "true"}, Out: exampleNotificationPage, Handler: h.listNotifications},
		{Method: get, Path: "/api/v1/my/notifications/unread-count", Access: loggedIn, Tag: tagNotify,
			Summary: "未读消息数（页眉角标）", Out: unreadResponse{Unread: 3}, Handler: h.unreadCount},
		{Method: post, Path: "/api/v1/my/notifications/read", Access: loggedIn, Tag: tagNotify, Action: "notification.read",
			Summary: "标为已读：ids 为消息 id 列表，或 all 为 true 时全部标为已读", In: markReadRequest{IDs: []string{exampleNotification.ID}},
			Out: markReadResponse{Changed: 1, Unread: 2}, Handler: h.markRead},
		{Method: get, Path: "/api/v1/my/notification-preferences", Access: loggedIn, Tag: tagNotify,
			Summary: "通知设置：本人可收到的各类消息及是否同时发送邮件（未设置的按默认）", Out: examplePreferences, Handler: h.getPreferences},
		{Method: put, Path: "/api/v1/my/notification-preferences", Access: loggedIn, Tag: tagNotify, Action: "notification.preferences",
			Summary: "修改通知设置：mail 中各类消息为 true 时同时发送邮件，false 时只在站内提醒；未列出的类型不变",
			In:      preferencesRequest{Mail: map[string]bool{"project_match": true, "evaluation": false}}, Out: examplePreferences,
			Handler: h.setPreferences},

		{Method: get, Path: "/api/v1/admin/webhook-events", Access: admin, Tag: tagWebhooks,
			Summary: "可订阅的事件类型（公开信息：项目公告起的各环节、机构入驻、处理、信用等级变化、投诉办结；开启前的报名和报价不推送）",
			Out:     []webhookTypeDTO{{Type: "project.selected", Label: "确定选取结果"}}, Handler: h.webhookEvents},
		{Method: get, Path: "/api/v1/admin/webhooks", Access: admin, Tag: tagWebhooks, Summary: "Webhook 订阅列表（不含签名密钥）",
			Out: []subscriptionDTO{exampleSubscription}, Handler: h.listWebhooks},
		{Method: post, Path: "/api/v1/admin/webhooks", Access: admin, Tag: tagWebhooks, Action: "webhook.create",
			Summary: "登记 Webhook 订阅：接收地址、事件类型和签名密钥（留空由平台生成）；密钥和订阅访问令牌只在本次响应中返回。" +
				"每次推送为 POST JSON，头 X-AgencyHall-Signature 为 sha256=HMAC-SHA256(密钥, X-AgencyHall-Timestamp + \".\" + 正文) 的十六进制；同一订阅按事件发生顺序推送，失败按指数退避重试",
			In:  subscriptionRequest{Name: "甘肃省公共信用信息平台", URL: "https://xy.example.gov.cn/hooks/zjcs", Events: []string{"project.selected", "sanction.issued"}, Active: new(true)},
			Out: exampleSubscriptionWithSecret, Handler: h.createWebhook},
		{Method: get, Path: "/api/v1/admin/webhooks/:id", Access: admin, Tag: tagWebhooks, Summary: "Webhook 订阅详情（不含签名密钥）",
			Out: exampleSubscription, Handler: h.getWebhook},
		{Method: put, Path: "/api/v1/admin/webhooks/:id", Access: admin, Tag: tagWebhooks, Action: "webhook.update",
			Summary: "修改 Webhook 订阅（secret 留空保持不变；停用后暂停推送，启用后按顺序补推）",
			In:      subscriptionRequest{Name: "甘肃省公共信用信息平台", URL: "https://xy.example.gov.cn/hooks/zjcs", Events: []string{"project.selected"}, Active: new(false)},
			Out:     exampleSubscription, Handler: h.updateWebhook},
		{Method: del, Path: "/api/v1/admin/webhooks/:id", Access: admin, Tag: tagWebhooks, Action: "webhook.delete",
			Summary: "删除 Webhook 订阅及其推送记录", Handler: h.deleteWebhook},
		{Method: get, Path: "/api/v1/admin/webhooks/:id/deliveries", Access: admin, Tag: tagWebhooks,
			Summary: "订阅的推送记录（新的在前，保留 30 天）：状态、每次尝试的时间、响应码和错误", In: Paging{},
			Out: examplePage(exampleHookDelivery), Handler: h.listDeliveries},
		{Method: post, Path: "/api/v1/admin/webhooks/:id/deliveries/:delivery/replay", Access: admin, Tag: tagWebhooks, Action: "webhook.replay",
			Summary: "重新推送一条已完成或已失败的记录（相同正文、新的时间戳和签名，带 X-AgencyHall-Replay 头），排在该订阅待推送队列之后",
			Out:     exampleHookDelivery, Handler: h.replayDelivery},
	}, h.subscriberRoutes()...)
}

// needNotify answers 503 when the API runs without the message centre.
func (h *handlers) needNotify(c *gin.Context) bool {
	if h.Notify == nil {
		web.Fail(c, apperr.Unavailable(errors.New("server: Deps.Notify is nil")))
		return false
	}
	return true
}

type notificationQuery struct {
	Paging
	Kind   string `form:"kind" doc:"消息类型，如 project_match、result、complaint（见通知设置）"`
	Unread string `form:"unread" doc:"true：只看未读"`
}

type notificationDTO struct {
	ID        string     `json:"id"`
	Kind      string     `json:"kind"`
	KindLabel string     `json:"kind_label"`
	Event     string     `json:"event"`
	Title     string     `json:"title"`
	Body      string     `json:"body,omitempty"`
	Link      string     `json:"link,omitempty"`
	At        time.Time  `json:"at"`
	ReadAt    *time.Time `json:"read_at,omitempty"`
}

func toNotification(n notify.Notification) notificationDTO {
	return notificationDTO{ID: n.ID, Kind: string(n.Kind), KindLabel: n.Kind.Label(), Event: n.Event, Title: n.Title, Body: n.Body,
		Link: n.Link, At: n.At.UTC(), ReadAt: optTime(n.ReadAt)}
}

type notificationPage struct {
	listPage[notificationDTO]
	Unread int `json:"unread"`
}

func (h *handlers) listNotifications(c *gin.Context) {
	var q notificationQuery
	if !bindQueryOK(c, &q) || !h.needNotify(c) {
		return
	}
	v := apperr.Invalid()
	if _, ok := notify.Info(notify.Kind(q.Kind)); q.Kind != "" && !ok {
		v.Field("kind", "没有这种消息类型")
	}
	if q.Unread != "" && q.Unread != "true" && q.Unread != "false" {
		v.Field("unread", "应为 true 或 false")
	}
	if err := v.OrNil(); err != nil {
		web.Fail(c, err)
		return
	}
	items, total, unread, err := h.Notify.List(c, web.PrincipalOf(c).UserID, notify.Query{Kind: notify.Kind(q.Kind),
		UnreadOnly: q.Unread == "true", Page: q.Page, PageSize: q.PageSize})
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, notificationPage{listPage: newPage(items, total, q.Paging, toNotification), Unread: unread})
}

type unreadResponse struct {
	Unread int `json:"unread"`
}

func (h *handlers) unreadCount(c *gin.Context) {
	if !h.needNotify(c) {
		return
	}
	c.JSON(http.StatusOK, unreadResponse{Unread: h.Notify.Unread(c, web.PrincipalOf(c).UserID)})
}

type markReadRequest struct {
	IDs []string `json:"ids,omitempty"`
	All bool     `json:"all,omitempty"`
}

type markReadResponse struct {
	Changed int `json:"changed"`
	Unread  int `json:"unread"`
}

func (h *handlers) markRead(c *gin.Context) {
	var in markReadRequest
	if !bindJSON(c, &in) || !h.needNotify(c) {
		return
	}
	if len(in.IDs) > 100 {
		web.Fail(c, apperr.Invalid().Field("ids", "一次最多 100 条"))
		return
	}
	user := web.PrincipalOf(c).UserID
	changed, unread, err := h.Notify.MarkRead(c, user, in.IDs, in.All && len(in.IDs) == 0)
	if err != nil {
		web.Fail(c, err)
		return
	}
	what := "将 " + strconv.Itoa(changed) + " 条消息标为已读"
	if in.All {
		what = "将全部消息标为已读（" + strconv.Itoa(changed) + " 条）"
	}
	web.Audit(c, "inbox:"+user, what)
	c.JSON(http.StatusOK, markReadResponse{Changed: changed, Unread: unread})
}

type preferenceKindDTO struct {
	Kind  string `json:"kind"`
	Label string `json:"label"`
	Note  string `json:"note"`
	Mail  bool   `json:"mail"`
	// Default is the choice while the user has made none.
	Default bool `json:"default"`
}

type preferencesDTO struct {
	// MailEnabled is false when the platform sends no e-mail at all.
	MailEnabled bool                `json:"mail_enabled"`
	Email       string              `json:"email,omitempty"` // where the mail goes (the account's address)
	Kinds       []preferenceKindDTO `json:"kinds"`
}

func (h *handlers) preferencesOf(c *gin.Context) (preferencesDTO, error) {
	p := web.PrincipalOf(c)
	prefs, err := h.Notify.Preferences(c, p.UserID)
	if err != nil {
		return preferencesDTO{}, err
	}
	out := preferencesDTO{MailEnabled: h.Notify.MailEnabled(), Kinds: []preferenceKindDTO{}}
	if u, err := h.Auth.GetUser(c, p.UserID); err == nil {
		out.Email = u.Email
	}
	for _, k := range notify.KindsFor(p.Role) {
		out.Kinds = append(out.Kinds, preferenceKindDTO{Kind: string(k.Kind), Label: k.Label, Note: k.Note, Mail: prefs.WantsMail(k.Kind), Default: k.Mail})
	}
	return out, nil
}

func (h *handlers) getPreferences(c *gin.Context) {
	if !h.needNotify(c) {
		return
	}
	out, err := h.preferencesOf(c)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}

type preferencesRequest struct {
	Mail map[string]bool `json:"mail"`
}

func (h *handlers) setPreferences(c *gin.Context) {
	var in preferencesRequest
	if !bindJSON(c, &in) || !h.needNotify(c) {
		return
	}
	mail := map[notify.Kind]bool{}
	for k, v := range in.Mail {
		mail[notify.Kind(k)] = v
	}
	p := web.PrincipalOf(c)
	if _, err := h.Notify.SetPreferences(c, p.UserID, mail); err != nil {
		web.Fail(c, err)
		return
	}
	var on []string
	for _, k := range notify.KindsFor(p.Role) {
		if v, ok := mail[k.Kind]; ok && v {
			on = append(on, k.Label)
		}
	}
	web.Audit(c, "preferences:"+p.UserID, "修改通知设置（邮件："+strings.Join(on, "、")+"）")
	out, err := h.preferencesOf(c)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}

type webhookTypeDTO struct {
	Type  string `json:"type"`
	Label string `json:"label"`
}

func (h *handlers) webhookEvents(c *gin.Context) {
	out := make([]webhookTypeDTO, 0, len(notify.WebhookTypes))
	for _, w := range notify.WebhookTypes {
		out = append(out, webhookTypeDTO{Type: w.Type, Label: w.Label})
	}
	c.JSON(http.StatusOK, out)
}

type subscriptionDTO struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	URL       string    `json:"url"`
	Events    []string  `json:"events"`
	Active    bool      `json:"active"`
	Queued    int       `json:"queued"` // deliveries waiting
	CreatedAt time.Time `json:"created_at"`
	CreatedBy string    `json:"created_by"`
	UpdatedAt time.Time `json:"updated_at"`
	// Secret is returned once, when the subscription is created.
	Secret string `json:"secret,omitempty"`
	// AccessToken is the receiving system's token for its own delivery
	// log and replays, returned once, when the subscription is created
	// (POST …/access-token makes a new one).
	AccessToken string `json:"access_token,omitempty"`
	// AccessTokenPrefix tells admins which token the receiving system
	// holds (detail view; "" when none was issued).
	AccessTokenPrefix string `json:"access_token_prefix,omitempty"`
}

func toSubscription(s notify.Subscription) subscriptionDTO {
	return subscriptionDTO{ID: s.ID, Name: s.Name, URL: s.URL, Events: append([]string{}, s.Events...), Active: s.Active, Queued: len(s.Queue),
		CreatedAt: s.CreatedAt.UTC(), CreatedBy: s.CreatedBy, UpdatedAt: s.UpdatedAt.UTC()}
}

type subscriptionRequest struct {
	Name   string   `json:"name"`
	URL    string   `json:"url"`
	Events []string `json:"events"`
	Secret string   `json:"secret,omitempty"`
	Active *bool    `json:"active,omitempty"` // default true
}

func (r subscriptionRequest) input() notify.SubscriptionInput {
	active := r.Active == nil || *r.Active
	return notify.SubscriptionInput{Name: r.Name, URL: r.URL, Events: r.Events, Secret: r.Secret, Active: active}
}

func (h *handlers) listWebhooks(c *gin.Context) {
	if !h.needNotify(c) {
		return
	}
	subs, err := h.Notify.Subscriptions(c)
	if err != nil {
		web.Fail(c, err)
		return
	}
	out := make([]subscriptionDTO, 0, len(subs))
	for _, s := range subs {
		out = append(out, toSubscription(s))
	}
	c.JSON(http.StatusOK, out)
}

func (h *handlers) createWebhook(c *gin.Context) {
	var in subscriptionRequest
	if !bindJSON(c, &in) || !h.needNotify(c) {
		return
	}
	s, err := h.Notify.CreateSubscription(c, web.PrincipalOf(c).UserID, in.input())
	if err != nil {
		web.Fail(c, err)
		return
	}
	web.Audit(c, "webhook:"+s.ID, "登记 Webhook 订阅 "+s.ID+"（"+s.Name+"）")
	out := toSubscription(s)
	out.Secret = s.Secret
	// The subscription stands without the token; an admin can make one
	// later (POST …/access-token), so a failure here does not undo it.
	if tok, err := h.issueSubscriberToken(c, s.ID); err != nil {
		h.app.Logger().WarnContext(c, "webhook access token not issued", "subscription", s.ID, "error", err)
	} else {
		out.AccessToken, out.AccessTokenPrefix = tok, tokenPrefix(tok)
	}
	c.JSON(http.StatusCreated, out)
}

func (h *handlers) getWebhook(c *gin.Context) {
	s, ok := h.subscriptionParam(c)
	if !ok {
		return
	}
	out := toSubscription(s)
	t, ok, err := h.Auth.CredentialIssued(c, notify.SubscriberHolder(s.ID))
	if err != nil {
		web.Fail(c, err)
		return
	}
	if ok {
		out.AccessTokenPrefix = t.Prefix
	}
	c.JSON(http.StatusOK, out)
}

func (h *handlers) updateWebhook(c *gin.Context) {
	var in subscriptionRequest
	if !bindJSON(c, &in) || !h.needNotify(c) {
		return
	}
	s, err := h.Notify.UpdateSubscription(c, c.Param("id"), in.input())
	if err != nil {
		web.Fail(c, err)
		return
	}
	web.Audit(c, "webhook:"+s.ID, "修改 Webhook 订阅 "+s.ID+"（"+s.Name+"）")
	c.JSON(http.StatusOK, toSubscription(s))
}

func (h *handlers) deleteWebhook(c *gin.Context) {
	if !h.needNotify(c) {
		return
	}
	id := c.Param("id")
	// The token goes first: a deletion that fails half-way leaves a
	// subscription nobody outside can read, never a token that outlives it.
	if err := h.Auth.RevokeCredentials(c, notify.SubscriberHolder(id)); err != nil {
		web.Fail(c, err)
		return
	}
	if err := h.Notify.DeleteSubscription(c, id); err != nil {
		web.Fail(c, err)
		return
	}
	web.Audit(c, "webhook:"+id, "删除 Webhook 订阅 "+id+"（订阅访问令牌同时作废）")
	c.Status(http.StatusNoContent)
}

type attemptDTO struct {
	At         time.Time `json:"at"`
	StatusCode int       `json:"status_code,omitempty"`
	Error      string    `json:"error,omitempty"`
	DurationMS int64     `json:"duration_ms"`
	Replay     bool      `json:"replay,omitempty"`
}

type hookDeliveryDTO struct {
	ID            string       `json:"id"`
	EventID       string       `json:"event_id"`
	EventType     string       `json:"event_type"`
	State         string       `json:"state"`
	CreatedAt     time.Time    `json:"created_at"`
	NextAttemptAt *time.Time   `json:"next_attempt_at,omitempty"`
	DeliveredAt   *time.Time   `json:"delivered_at,omitempty"`
	Attempts      []attemptDTO `json:"attempts"`
	// Payload is the JSON body sent.
	Payload string `json:"payload"`
}

func toHookDelivery(d notify.Delivery) hookDeliveryDTO {
	out := hookDeliveryDTO{ID: d.ID, EventID: d.EventID, EventType: d.EventType, State: string(d.State), CreatedAt: d.CreatedAt.UTC(),
		DeliveredAt: optTime(d.DeliveredAt), Attempts: []attemptDTO{}, Payload: string(d.Payload)}
	if d.State == notify.DeliveryPending {
		out.NextAttemptAt = optTime(d.NextAttemptAt)
	}
	for _, a := range d.Attempts {
		out.Attempts = append(out.Attempts, attemptDTO{At: a.At.UTC(), StatusCode: a.StatusCode, Error: a.Error, DurationMS: a.DurationMS, Replay: a.Replay})
	}
	return out
}

func (h *handlers) listDeliveries(c *gin.Context) {
	var q Paging
	if !bindQueryOK(c, &q) || !h.needNotify(c) {
		return
	}
	items, total, err := h.Notify.Deliveries(c, c.Param("id"), q.Page, q.PageSize)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, newPage(items, total, q, toHookDelivery))
}

func (h *handlers) replayDelivery(c *gin.Context) {
	if !h.needNotify(c) {
		return
	}
	d, err := h.Notify.Replay(c, c.Param("id"), c.Param("delivery"))
	if err != nil {
		web.Fail(c, err)
		return
	}
	what := "重新推送 " + d.ID
	if web.PrincipalOf(c).Role == auth.RoleSubscriber {
		what = "订阅方申请重新推送 " + d.ID
	}
	web.Audit(c, "webhook:"+d.SubscriptionID, what)
	c.JSON(http.StatusOK, toHookDelivery(d))
}

var (
	exampleNotification = notificationDTO{ID: "P202611260001:0004@lyzx", Kind: "result", KindLabel: "开启与选取结果", Event: "project.selected",
		Title: "中选通知：兰州新区综合管廊一期工程环境影响评价", Body: "贵机构为本项目的中选机构，结果公示至 2026-12-08 17:30；公示期满无异议后请与业主签订合同。",
		Link: "/projects/P202611260001", At: exampleTime}
	exampleNotificationPage = notificationPage{listPage: examplePage(exampleNotification), Unread: 3}
	examplePreferences      = preferencesDTO{MailEnabled: true, Email: "zhangwei@example.cn", Kinds: []preferenceKindDTO{
		{Kind: "project_match", Label: "新项目推送", Note: "发布了与本机构服务清单、所在省份相符且可报名的项目", Mail: true},
		{Kind: "result", Label: "开启与选取结果", Note: "项目开启、选取结果（报价无效时附原因）、流标和终止", Mail: true, Default: true}}}
	exampleSubscription = subscriptionDTO{ID: "WH0001", Name: "甘肃省公共信用信息平台", URL: "https://xy.example.gov.cn/hooks/zjcs",
		Events: []string{"project.selected", "sanction.issued"}, Active: true, CreatedAt: exampleTime, CreatedBy: "admin", UpdatedAt: exampleTime}
	exampleSubscriptionWithSecret = func() subscriptionDTO {
		s := exampleSubscription
		s.Secret = "whsec_4f1c…（只显示这一次）"
		s.AccessToken, s.AccessTokenPrefix = "ahw_Q2x1c3Rlcg…（只显示这一次）", "ahw_Q2x1c3"
		return s
	}()
	exampleHookDelivery = hookDeliveryDTO{ID: "P202611260001:0004@WH0001", EventID: "P202611260001:0004", EventType: "project.selected",
		State: "delivered", CreatedAt: exampleTime, DeliveredAt: &exampleTime,
		Attempts: []attemptDTO{{At: exampleTime, StatusCode: 503, Error: "HTTP 503", DurationMS: 41}, {At: exampleTime, StatusCode: 200, DurationMS: 12}},
		Payload:  `{"id":"P202611260001:0004","type":"project.selected","occurred_at":"2026-11-26T09:30:00Z","project":{"id":"P202611260001"}}`}
)
