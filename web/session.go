package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"mime"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/auth"
)

// Cookie names.
const (
	SessionCookie = "ah_session"
	CSRFCookie    = "ah_csrf" // anonymous visitors' CSRF token (double submit)
	CSRFField     = "csrf_token"
	CSRFHeader    = "X-CSRF-Token"
)

// authenticate resolves the principal from a bearer token or the session
// cookie. A bad bearer token is refused at once; a stale cookie is dropped
// and the request goes on anonymously.
func (a *App) authenticate(c *gin.Context) {
	ctx := c.Request.Context()
	if h := c.GetHeader("Authorization"); h != "" {
		tok, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			Fail(c, apperr.Unauthorized("Authorization 头应为 Bearer 令牌"))
			return
		}
		if a.bearerRoutes[c.Request.Method+" "+c.FullPath()] {
			// Another system's credential: the route's access rule checks
			// it against the request; it is never a user's token.
			c.Set(ctxBearer, strings.TrimSpace(tok))
			c.Next()
			return
		}
		p, err := a.auth.TokenPrincipal(ctx, strings.TrimSpace(tok))
		if err != nil {
			Fail(c, err)
			return
		}
		c.Set(ctxPrincipal, p)
		c.Next()
		return
	}
	if cookie, err := c.Cookie(SessionCookie); err == nil && cookie != "" {
		p, sess, err := a.auth.SessionPrincipal(ctx, cookie)
		switch {
		case err == nil:
			c.Set(ctxPrincipal, p)
			c.Set(ctxSession, sess)
			c.Set(ctxCSRF, sess.CSRF)
		case apperr.Is(err, apperr.KindUnauthorized):
			a.clearCookie(c, SessionCookie)
		default:
			Fail(c, err)
			return
		}
	}
	if _, ok := c.Get(ctxCSRF); !ok {
		if v, err := c.Cookie(CSRFCookie); err == nil && len(v) >= 20 {
			c.Set(ctxCSRF, v)
		}
	}
	c.Next()
}

// CSRFToken returns the token a form on this page must carry, creating the
// anonymous visitor's cookie when needed.
func CSRFToken(c *gin.Context) string {
	c.Set(ctxCSRFUsed, true)
	if v := c.GetString(ctxCSRF); v != "" {
		return v
	}
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	tok := base64.RawURLEncoding.EncodeToString(b)
	if a := appFrom(c); a != nil {
		a.setCookie(c, CSRFCookie, tok, 0)
	}
	c.Set(ctxCSRF, tok)
	return tok
}

// checkCSRF guards state changes made with ambient credentials. Requests
// authenticated by a bearer token (a personal API token or another
// system's credential) carry no ambient authority and pass. Form
// posts always need the token; JSON requests need it when they come with
// our cookies (a cross-site page cannot send JSON without a CORS preflight,
// which this server never grants).
func (a *App) checkCSRF(c *gin.Context) {
	if via := PrincipalOf(c).Via; via == "token" || via == auth.ViaCredential {
		c.Next()
		return
	}
	_, hasSession := c.Get(ctxSession)
	_, csrfErr := c.Cookie(CSRFCookie)
	mt, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type"))
	isForm := mt == "application/x-www-form-urlencoded" || mt == "multipart/form-data" || mt == "text/plain"
	if !hasSession && csrfErr != nil && !isForm {
		c.Next()
		return
	}
	want := c.GetString(ctxCSRF)
	got := c.GetHeader(CSRFHeader)
	if got == "" && isForm {
		got = c.PostForm(CSRFField)
	}
	if want == "" || subtle.ConstantTimeCompare([]byte(want), []byte(got)) != 1 {
		c.Set(ctxCSRFFail, true)
		Fail(c, apperr.Forbidden("页面已过期或请求来源不可信，请刷新页面后重试").Wrap(nil))
		return
	}
	c.Next()
}

// StartSession sets the session cookie after a successful login and makes
// the principal current for the rest of the request (and its audit record).
func StartSession(c *gin.Context, token string, sess auth.Session, p auth.Principal) {
	a := appFrom(c)
	a.setCookie(c, SessionCookie, token, int(auth.SessionLifetime.Seconds()))
	a.clearCookie(c, CSRFCookie)
	c.Set(ctxPrincipal, p)
	c.Set(ctxSession, sess)
	c.Set(ctxCSRF, sess.CSRF)
}

// KeepCurrentSession keeps this request's own browser session after all
// sessions of its account were ended (a password change): the other
// browsers are logged out, this one is not.
func KeepCurrentSession(c *gin.Context) error {
	v, ok := c.Get(ctxSession)
	if !ok {
		return nil
	}
	return appFrom(c).auth.KeepSession(c.Request.Context(), v.(auth.Session))
}

// EndSession logs the current browser session out.
func EndSession(c *gin.Context) error {
	a := appFrom(c)
	tok, _ := c.Cookie(SessionCookie)
	a.clearCookie(c, SessionCookie)
	return a.auth.Logout(c.Request.Context(), tok)
}

func (a *App) setCookie(c *gin.Context, name, value string, maxAge int) {
	http.SetCookie(c.Writer, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		Secure: a.secureCookies, SameSite: http.SameSiteLaxMode})
}

func (a *App) clearCookie(c *gin.Context, name string) {
	http.SetCookie(c.Writer, &http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: a.secureCookies, SameSite: http.SameSiteLaxMode})
}

// ClientIP is the caller's address for throttling.
func ClientIP(c *gin.Context) string { return c.ClientIP() }
