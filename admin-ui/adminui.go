// Package adminui serves the server-rendered pages in Simplified Chinese.
package adminui

import (
	"time"

	"github.com/agencyhall/agencyhall/audit"
	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/web"
)

// Deps are the services the pages call and the deployment's identity.
type Deps struct {
	Auth     *auth.Service
	Audit    *audit.Log
	Catalog  *registry.Catalog
	SiteName string // e.g. 兰州市网上中介服务超市
	Region   string // the deployment's region code
	Now      func() time.Time
}

// Register declares every page route on app.
func Register(app *web.App, d Deps) {
	_ = d
}
