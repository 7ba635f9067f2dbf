package web

import (
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"regexp"

	"github.com/gin-gonic/gin"
)

var requestIDRe = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// requestID takes a well-formed X-Request-ID from the client or makes one,
// and echoes it on the response.
func requestID(c *gin.Context) {
	id := c.GetHeader("X-Request-ID")
	if !requestIDRe.MatchString(id) {
		b := make([]byte, 12)
		_, _ = rand.Read(b)
		id = hex.EncodeToString(b)
	}
	c.Set(ctxRequestID, id)
	c.Header("X-Request-ID", id)
	c.Next()
}

// RequestID is the request's ID.
func RequestID(c *gin.Context) string { return c.GetString(ctxRequestID) }

// contentSecurityPolicy allows only this origin's scripts and styles, no
// inline script, and no framing.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

func securityHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
	c.Next()
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }
