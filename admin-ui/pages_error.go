package adminui

import (
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/apperr"
)

// errorPage is the data of the Chinese error page.
type errorPage struct {
	Status  int
	Heading string
	Message string
	Hint    string
	Login   string // a login link back to this page, for 401
}

// errorHeadings name each status in words a visitor understands.
var errorHeadings = map[int]struct{ heading, hint string }{
	http.StatusBadRequest:          {"请求有误", "请返回上一页检查后重试。"},
	http.StatusUnauthorized:        {"请先登录", "登录后即可继续操作。"},
	http.StatusForbidden:           {"无权访问", "您的账号没有访问此页面或执行此操作的权限。如认为有误，请联系平台管理员。"},
	http.StatusNotFound:            {"页面不存在", "链接可能已失效，或地址输入有误。"},
	http.StatusConflict:            {"操作冲突", "数据已被他人修改，请刷新页面后重试。"},
	http.StatusTooManyRequests:     {"操作过于频繁", "请稍候再试。"},
	http.StatusInternalServerError: {"服务器内部错误", "我们已记录此问题。请稍后再试；如持续出现，请将下方的请求编号告知平台管理员。"},
	http.StatusServiceUnavailable:  {"服务暂时不可用", "请稍后再试；如持续出现，请将下方的请求编号告知平台管理员。"},
}

func errorView(status int, msg string) view {
	h, ok := errorHeadings[status]
	if !ok {
		h = errorHeadings[http.StatusInternalServerError]
	}
	if msg == "" {
		msg = h.heading
	}
	return view{Title: h.heading, Data: errorPage{Status: status, Heading: h.heading, Message: msg, Hint: h.hint}}
}

// renderError is the web.App hook through which web.Fail answers page
// routes: the same error kinds as the API, shown as a Chinese page.
func (u *ui) renderError(c *gin.Context, status int, e *apperr.Error) {
	v := errorView(status, e.Message)
	if status == http.StatusUnauthorized {
		p := v.Data.(errorPage)
		p.Login = "/login"
		if c.Request.Method == http.MethodGet {
			p.Login += "?next=" + url.QueryEscape(c.Request.URL.RequestURI())
		}
		v.Data = p
	}
	u.render(c, status, "error", v)
}
