// Package adminui serves the server-rendered pages in Simplified Chinese.
//
// Pages are html/template files parsed once at start-up, with their CSS and
// JavaScript embedded in the binary. Every page works without JavaScript;
// htmx and static/app.js only enhance (partial table refreshes, confirmation
// dialogs). routes.go lists every page with who may open it.
package adminui

import (
	"html/template"
	"log/slog"
	"time"

	"github.com/agencyhall/agencyhall/audit"
	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/files"
	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/jobs"
	"github.com/agencyhall/agencyhall/notify"
	"github.com/agencyhall/agencyhall/oidclogin"
	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/reports"
	"github.com/agencyhall/agencyhall/scoring"
	"github.com/agencyhall/agencyhall/web"
)

// Deps are the services the pages call and the deployment's identity.
type Deps struct {
	Auth     *auth.Service
	Audit    *audit.Log
	Catalog  *registry.Catalog
	Registry *registry.Registry
	Files    *files.Service
	Hall     *hall.Service
	Scoring  *scoring.Service // 监管: complaints, sanctions, credit, alerts, inspections
	Reports  *reports.Service // 报表导出: Excel exports and the monthly report
	Notify   *notify.Service  // 消息中心: notifications, e-mail choices, webhooks
	// OIDC is the 统一身份认证 login (pages_oidc.go); nil: password login only.
	OIDC *oidclogin.Client
	// Jobs returns the scheduler of this process, or nil before it starts
	// (and in tools and tests without one): the admins' jobs page.
	Jobs     func() *jobs.Scheduler
	SiteName string // e.g. 兰州市网上中介服务超市
	Region   string // the deployment's region code
	Now      func() time.Time
	// SecureCookies marks the one-shot flash cookie Secure, like the
	// session cookie (--secure-cookies).
	SecureCookies bool
}

// defaultSiteName is used when the configuration names no deployment.
const defaultSiteName = "网上中介服务超市"

// ui holds what every page handler needs.
type ui struct {
	Deps
	assets *assets
	pages  map[string]*template.Template
	// importErrors keeps each admin's last import error workbooks (catalog, calendar).
	importErrors *errorBooks
	actorLabels  *actorLabels // who acted, for timelines
	log          *slog.Logger
}

// Register declares every page route on app and makes web.Fail render
// Chinese error pages for them. Templates are parsed here, once: a broken
// template stops start-up instead of failing a visitor's request.
func Register(app *web.App, d Deps) {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.SiteName == "" {
		d.SiteName = defaultSiteName
	}
	u := &ui{Deps: d, assets: loadAssets(), importErrors: &errorBooks{books: map[string]errorBook{}},
		actorLabels: newActorLabels(d.Now), log: app.Logger()}
	u.pages = mustParseTemplates(u.funcs())
	app.RenderError = u.renderError
	u.routes(app)
}
