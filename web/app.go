package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/audit"
	"github.com/agencyhall/agencyhall/auth"
)

// Config holds what the plumbing needs.
type Config struct {
	Auth          *auth.Service
	Audit         *audit.Log
	Logger        *slog.Logger
	SecureCookies bool
	// MaxBodyBytes limits request bodies (1 MiB when zero); upload routes
	// raise it for themselves with LimitBody.
	MaxBodyBytes int64
	Now          func() time.Time
	// TrustedProxies are the addresses of reverse proxies whose
	// X-Forwarded-For is believed; none by default.
	TrustedProxies []string
	// DataVersion moves whenever data behind public pages changes (the
	// store's count of this process's public writes, plus the hall read
	// model's generation, which also moves when it learns of another
	// replica's change); CacheTTL bounds what it cannot see
	// (DefaultCacheTTL when zero; negative turns the public response
	// cache off).
	DataVersion func() int64
	CacheTTL    time.Duration
}

// App is the gin engine together with the declared routes.
type App struct {
	Engine        *gin.Engine
	auth          *auth.Service
	audit         *audit.Log
	log           *slog.Logger
	secureCookies bool
	maxBody       int64
	now           func() time.Time
	metrics       *Metrics
	cache         *responseCache // nil when off
	routes        []Route
	// bearerRoutes are the routes of other systems' credentials, by
	// "METHOD path": the authentication layer leaves their bearer token
	// to the route's check. Written only while routes are registered.
	bearerRoutes map[string]bool
	// RenderError renders an error page for page routes; admin-ui sets it.
	RenderError func(c *gin.Context, status int, e *apperr.Error)
}

// New builds the engine with the global middleware.
func New(cfg Config) *App {
	gin.SetMode(gin.ReleaseMode)
	if cfg.MaxBodyBytes == 0 {
		cfg.MaxBodyBytes = 1 << 20
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	a := &App{Engine: gin.New(), auth: cfg.Auth, audit: cfg.Audit, log: cfg.Logger, secureCookies: cfg.SecureCookies,
		maxBody: cfg.MaxBodyBytes, now: cfg.Now, metrics: newMetrics()}
	if cfg.CacheTTL == 0 {
		cfg.CacheTTL = DefaultCacheTTL
	}
	if cfg.CacheTTL > 0 {
		a.cache = &responseCache{entries: map[string]*cachedResponse{}, ttl: cfg.CacheTTL, version: cfg.DataVersion}
	}
	a.Engine.ContextWithFallback = true
	// Trust no proxy headers unless configured: otherwise anyone could set
	// X-Forwarded-For to dodge the per-address login limit or forge the
	// address in audit records.
	_ = a.Engine.SetTrustedProxies(cfg.TrustedProxies)
	a.Engine.HandleMethodNotAllowed = false
	a.Engine.Use(a.withApp, a.recover, requestID, securityHeaders, a.metrics.middleware, a.limitBody, a.authenticate)
	a.Engine.NoRoute(func(c *gin.Context) { Fail(c, apperr.NotFound("页面")) })
	return a
}

// Metrics exposes the Prometheus collectors.
func (a *App) Metrics() *Metrics { return a.metrics }

// Logger is the application logger.
func (a *App) Logger() *slog.Logger { return a.log }

// Auth is the account service.
func (a *App) Auth() *auth.Service { return a.auth }

// Handle registers a declared route. Access checks, CSRF checks and the
// audit record of a state change run around the handler.
func (a *App) Handle(r Route) {
	if r.Handler == nil {
		panic("web: route " + r.Method + " " + r.Path + " has no handler")
	}
	a.routes = append(a.routes, r)
	if r.Access.cred != nil {
		if a.bearerRoutes == nil {
			a.bearerRoutes = map[string]bool{}
		}
		a.bearerRoutes[r.Method+" "+r.Path] = true
	}
	route := r
	chain := []gin.HandlerFunc{func(c *gin.Context) { c.Set(ctxRoute, &route) }, noStore, a.auditRefusal(route), a.authorize(route)}
	if r.MaxBody > 0 {
		chain = append(chain, bodyLimit(r.MaxBody))
	}
	if unsafe(r.Method) {
		chain = append(chain, a.checkCSRF, a.auditChange(route))
	} else if r.Method == http.MethodGet && r.Access.IsPublic() && a.cache != nil && !r.NoCache {
		chain = append(chain, a.cachePublic)
	}
	chain = append(chain, r.Handler)
	a.Engine.Handle(r.Method, r.Path, chain...)
}

// Routes lists every declared route, in registration order.
func (a *App) Routes() []Route { return append([]Route(nil), a.routes...) }

// ServeHTTP makes the App an http.Handler.
func (a *App) ServeHTTP(w http.ResponseWriter, r *http.Request) { a.Engine.ServeHTTP(w, r) }

const (
	ctxApp       = "ah.app"
	ctxRoute     = "ah.route"
	ctxPrincipal = "ah.principal"
	ctxSession   = "ah.session"
	ctxRequestID = "ah.request_id"
	ctxAudit     = "ah.audit"
	ctxCSRF      = "ah.csrf"
	ctxRawBody   = "ah.raw_body"
	ctxCSRFUsed  = "ah.csrf_used" // the response embeds the visitor's CSRF token
	ctxFailure   = "ah.failure"   // the error the request was answered with (Fail)
	ctxCSRFFail  = "ah.csrf_fail" // refused by the CSRF check, not by an access rule
	ctxBearer    = "ah.bearer"    // another system's bearer token, for its route's check
)

func (a *App) withApp(c *gin.Context) { c.Set(ctxApp, a); c.Next() }

func appFrom(c *gin.Context) *App {
	if v, ok := c.Get(ctxApp); ok {
		return v.(*App)
	}
	return nil
}

func isPage(c *gin.Context) bool {
	if v, ok := c.Get(ctxRoute); ok {
		return v.(*Route).Page
	}
	// Unknown paths: pages unless they look like API calls.
	p := c.Request.URL.Path
	return !(len(p) >= 5 && p[:5] == "/api/")
}

// CurrentRoute is the declared route being served, if any.
func CurrentRoute(c *gin.Context) (Route, bool) {
	if v, ok := c.Get(ctxRoute); ok {
		return *v.(*Route), true
	}
	return Route{}, false
}

func (a *App) recover(c *gin.Context) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			a.log.Error("panic", "request_id", RequestID(c), "path", c.Request.URL.Path, "panic", v)
			Fail(c, &apperr.Error{Kind: apperr.KindInternal, Code: "internal", Message: "服务器内部错误，请稍后再试"})
		}
	}()
	c.Next()
}

func (a *App) limitBody(c *gin.Context) {
	if c.Request.Body != nil && c.Request.ContentLength != 0 {
		c.Set(ctxRawBody, c.Request.Body)
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, a.maxBody)
	}
	c.Next()
}

// LimitBody replaces the body limit for one route (uploads). It may raise
// the global limit: the new limit applies to the unlimited body.
func LimitBody(c *gin.Context, n int64) {
	body := c.Request.Body
	if raw, ok := c.Get(ctxRawBody); ok {
		body = raw.(io.ReadCloser)
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, body, n)
}

// Principal is who is acting in this request (anonymous when nobody).
func PrincipalOf(c *gin.Context) auth.Principal {
	if v, ok := c.Get(ctxPrincipal); ok {
		return v.(auth.Principal)
	}
	return auth.Principal{}
}

// RequestContext returns the request's context.
func RequestContext(c *gin.Context) context.Context { return c.Request.Context() }

func (a *App) authorize(r Route) gin.HandlerFunc {
	return func(c *gin.Context) {
		if cred := r.Access.cred; cred != nil {
			if tok, ok := c.Get(ctxBearer); ok {
				p, err := cred.Check(c, tok.(string))
				if !p.Anonymous() {
					p.Via = auth.ViaCredential
					c.Set(ctxPrincipal, p) // the actor of the change, or of the refused attempt
				}
				if err == nil && !r.Access.Allows(p) {
					err = apperr.Forbidden("")
				}
				if err != nil {
					Fail(c, err)
					return
				}
				c.Next()
				return
			}
		}
		p := PrincipalOf(c)
		if r.Access.Allows(p) {
			c.Next()
			return
		}
		if p.Anonymous() {
			if r.Page && c.Request.Method == http.MethodGet {
				c.Redirect(http.StatusSeeOther, "/login?next="+urlQueryEscape(c.Request.URL.RequestURI()))
				c.Abort()
				return
			}
			Fail(c, apperr.Unauthorized(""))
			return
		}
		Fail(c, apperr.Forbidden(""))
	}
}
