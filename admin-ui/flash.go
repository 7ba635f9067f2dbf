package adminui

import (
	"encoding/base64"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// Flash messages confirm a change after the redirect that follows a form
// post ("已停用账号 …"). They travel in a short-lived cookie rather than a
// query parameter, so a message cannot be forged into a link someone else
// clicks, and a reload or a bookmark does not show it again. The cookie is
// read and cleared by the next page that renders.
const (
	flashCookie = "ah_flash"
	flashMaxAge = 60 // seconds: long enough for the redirect, short enough to never linger
)

// flash is a one-shot message; Kind is "ok" or "error".
type flash struct {
	Kind    string
	Message string
}

func (u *ui) setFlash(c *gin.Context, kind, msg string) {
	v := base64.RawURLEncoding.EncodeToString([]byte(kind + "|" + msg))
	http.SetCookie(c.Writer, &http.Cookie{Name: flashCookie, Value: v, Path: "/", MaxAge: flashMaxAge,
		HttpOnly: true, Secure: u.SecureCookies, SameSite: http.SameSiteLaxMode})
}

// takeFlash returns the pending message and clears it. Partial htmx
// refreshes leave it alone: they do not show the layout's message area.
func (u *ui) takeFlash(c *gin.Context) flash {
	raw, err := c.Cookie(flashCookie)
	if err != nil || raw == "" || c.GetHeader("HX-Request") != "" {
		return flash{}
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: u.SecureCookies, SameSite: http.SameSiteLaxMode})
	b, err := base64.RawURLEncoding.DecodeString(raw)
	if err != nil {
		return flash{}
	}
	kind, msg, ok := strings.Cut(string(b), "|")
	if !ok || (kind != "ok" && kind != "error") || len(msg) > 500 {
		return flash{}
	}
	return flash{Kind: kind, Message: msg}
}

// redirect answers a successful form post with 303 See Other, so a reload
// of the next page does not post the form again.
func redirect(c *gin.Context, to string) {
	c.Redirect(http.StatusSeeOther, to)
}
