// Package server is the JSON API under /api/v1, with health, readiness,
// metrics and the OpenAPI document. routes.go shows the whole API.
package server

import (
	"context"

	"github.com/agencyhall/agencyhall/audit"
	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/web"
)

// Deps are the services the API calls.
type Deps struct {
	Auth    *auth.Service
	Audit   *audit.Log
	Catalog *registry.Catalog
	Ping    func(context.Context) error
	Version string
}

// Register declares every API route on app.
func Register(app *web.App, d Deps) {
	h := &handlers{Deps: d}
	_ = h
}

type handlers struct {
	Deps
}
