package web

import (
	"fmt"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/apperr"
)

// bodyLimit applies a route's MaxBody before anything reads the body (the
// CSRF check parses form posts, file uploads included). A body declared
// larger is refused at once, with a message a person can act on.
func bodyLimit(n int64) gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.ContentLength > n {
			Fail(c, apperr.InvalidMsg("too_large", fmt.Sprintf("上传的内容超过 %d MB 的上限，请减少一次上传的文件后重试", n>>20)))
			return
		}
		LimitBody(c, n)
		c.Next()
	}
}
