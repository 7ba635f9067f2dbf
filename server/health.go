package server

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/web"
)

// readyTimeout bounds the database ping of /readyz.
const readyTimeout = 2 * time.Second

type statusResponse struct {
	Status  string `json:"status"`
	Version string `json:"version,omitempty"`
}

func (h *handlers) healthz(c *gin.Context) {
	c.JSON(http.StatusOK, statusResponse{Status: "ok", Version: h.Version})
}

func (h *handlers) readyz(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), readyTimeout)
	defer cancel()
	if h.Ping == nil {
		web.Fail(c, apperr.Unavailable(nil))
		return
	}
	if err := h.Ping(ctx); err != nil {
		if !apperr.Is(err, apperr.KindUnavailable) {
			err = apperr.Unavailable(err)
		}
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, statusResponse{Status: "ready"})
}

func (h *handlers) metrics(c *gin.Context) { h.app.Metrics().Handler().ServeHTTP(c.Writer, c.Request) }

func (h *handlers) openAPI(c *gin.Context) {
	c.JSON(http.StatusOK, h.app.OpenAPI(web.Info{Title: "AgencyHall 网上中介服务超市 API", Version: h.Version, Description: apiDescription}))
}

const apiDescription = "JSON API 的约定：路径前缀 /api/v1；列表接口以 page、page_size（不超过 100）分页，" +
	"返回 {items, total, page, page_size}；时间为 RFC 3339（UTC）；金额为整数（分）；" +
	"错误一律返回 {\"error\": {\"code\", \"message\", \"fields\"}}，message 为中文；每个响应带 X-Request-ID。" +
	"认证：浏览器以登录会话 Cookie（改变状态的请求须带 X-CSRF-Token 头），程序以个人 API 令牌（Authorization: Bearer）；" +
	"Webhook 订阅方以其订阅访问令牌（Authorization: Bearer ahw_…）调用 /api/v1/webhooks/{id}/… ，只限本订阅。" +
	"Prometheus 抓取 /metrics 时，以平台管理员账号创建的 API 令牌作 Bearer 令牌（bearer_token_file）。"
