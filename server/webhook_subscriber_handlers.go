package server

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/notify"
	"github.com/agencyhall/agencyhall/web"
)

// The receiving system of a webhook subscription reads its own delivery
// log and asks for replays without an account on the platform: it sends
// the subscription's access token (Authorization: Bearer ahw_…), which an
// admin hands over when registering the subscription or after rotating
// it. The token opens these routes for its own subscription only.

// subscriberRoutes are the subscriber's routes and the admins' rotation.
func (h *handlers) subscriberRoutes() []web.Route {
	sub := web.Bearer(&web.Credential{Role: auth.RoleSubscriber, Label: "Webhook 订阅方", Check: h.checkSubscriber})
	admin := web.Roles(auth.RoleAdmin)
	return []web.Route{
		{Method: http.MethodPost, Path: "/api/v1/admin/webhooks/:id/access-token", Access: admin, Tag: tagWebhooks, Action: "webhook.token",
			Summary: "为订阅生成新的订阅访问令牌（原令牌立即失效）；令牌只在本次响应中返回，交给接收系统用于查询本订阅的推送记录和申请重新推送",
			Out:     exampleAccessToken, Handler: h.rotateSubscriberToken},
		{Method: http.MethodGet, Path: "/api/v1/webhooks/:id", Access: sub, Tag: tagWebhooks,
			Summary: "订阅方：本订阅的登记信息（不含签名密钥）", Out: exampleSubscription, Handler: h.subscriberWebhook},
		{Method: http.MethodGet, Path: "/api/v1/webhooks/:id/deliveries", Access: sub, Tag: tagWebhooks,
			Summary: "订阅方：本订阅的推送记录（新的在前，保留 30 天）：状态、每次尝试的时间、响应码和错误", In: Paging{},
			Out: examplePage(exampleHookDelivery), Handler: h.listDeliveries},
		{Method: http.MethodPost, Path: "/api/v1/webhooks/:id/deliveries/:delivery/replay", Access: sub, Tag: tagWebhooks, Action: "webhook.replay",
			Summary: "订阅方：重新推送本订阅的一条已完成或已失败的记录（相同正文、新的时间戳和签名，带 X-AgencyHall-Replay 头），排在待推送队列之后",
			Out:     exampleHookDelivery, Handler: h.replayDelivery},
	}
}

// checkSubscriber resolves a subscriber's access token. A token of another
// subscription is answered as if the subscription did not exist, and the
// attempt is recorded under the token's own subscription.
func (h *handlers) checkSubscriber(c *gin.Context, token string) (auth.Principal, error) {
	holder, err := h.Auth.CredentialHolder(c, token)
	if err != nil {
		return auth.Principal{}, err
	}
	if !notify.IsSubscriberHolder(holder) {
		return auth.Principal{}, apperr.Unauthorized("访问令牌无效")
	}
	p := auth.Principal{UserID: holder, Name: "Webhook 订阅方", Role: auth.RoleSubscriber}
	if !notify.HolderOf(holder, c.Param("id")) {
		return p, apperr.NotFound("Webhook 订阅")
	}
	return p, nil
}

// subscriptionParam reads the subscription the path names; false when
// the answer (no message centre, not found) has been written.
func (h *handlers) subscriptionParam(c *gin.Context) (notify.Subscription, bool) {
	if !h.needNotify(c) {
		return notify.Subscription{}, false
	}
	s, err := h.Notify.Subscription(c, c.Param("id"))
	if err != nil {
		web.Fail(c, err)
		return notify.Subscription{}, false
	}
	return s, true
}

func (h *handlers) subscriberWebhook(c *gin.Context) {
	s, ok := h.subscriptionParam(c)
	if !ok {
		return
	}
	c.JSON(http.StatusOK, toSubscription(s))
}

type accessTokenDTO struct {
	// Token is shown once: only its hash is kept.
	Token     string    `json:"access_token"`
	Prefix    string    `json:"prefix"`
	CreatedAt time.Time `json:"created_at"`
}

// issueSubscriberToken makes a subscription's access token, replacing any
// earlier one.
func (h *handlers) issueSubscriberToken(c *gin.Context, id string) (string, error) {
	return h.Auth.IssueCredential(c, notify.SubscriberHolder(id), notify.AccessTokenName(id))
}

func (h *handlers) rotateSubscriberToken(c *gin.Context) {
	s, ok := h.subscriptionParam(c)
	if !ok {
		return
	}
	tok, err := h.issueSubscriberToken(c, s.ID)
	if err != nil {
		web.Fail(c, err)
		return
	}
	web.Audit(c, "webhook:"+s.ID, "更换 Webhook 订阅 "+s.ID+"（"+s.Name+"）的订阅访问令牌")
	c.JSON(http.StatusOK, accessTokenDTO{Token: tok, Prefix: tokenPrefix(tok), CreatedAt: h.now().UTC()})
}

// tokenPrefix is the part of a token shown later, so an admin can tell
// which one the receiving system has.
func tokenPrefix(tok string) string {
	if n := len(auth.CredentialPrefix) + 6; len(tok) > n {
		return tok[:n]
	}
	return tok
}

var exampleAccessToken = accessTokenDTO{Token: "ahw_Q2x1c3Rlcg…（只显示这一次）", Prefix: "ahw_Q2x1c3", CreatedAt: exampleTime}
