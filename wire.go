package main

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"time"

	"gocloud.dev/blob"

	adminui "github.com/agencyhall/agencyhall/admin-ui"
	"github.com/agencyhall/agencyhall/audit"
	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/files"
	"github.com/agencyhall/agencyhall/mongostore"
	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/server"
	"github.com/agencyhall/agencyhall/web"
)

// services are the domain services of one running instance.
type services struct {
	auth     *auth.Service
	audit    *audit.Log
	catalog  *registry.Catalog
	registry *registry.Registry
	files    *files.Service
}

// newServices builds the domain services on the store and the blob bucket
// of uploaded files. bcryptCost 0 means the default cost.
func newServices(store *mongostore.Store, bucket *blob.Bucket, now func() time.Time, bcryptCost int) services {
	catalog := registry.NewCatalog(store.Catalog(), now)
	return services{
		auth:     auth.NewService(store.Auth(), auth.Options{Now: now, BcryptCost: bcryptCost}),
		audit:    audit.NewLog(store.Audit(), now),
		catalog:  catalog,
		registry: registry.NewRegistry(store.Agencies(), catalog, now, newID),
		files:    files.NewService(store.Files(), bucket, now),
	}
}

// newID makes random identifiers for records nested in documents.
func newID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// appOptions are the parts of the configuration the HTTP layer needs.
type appOptions struct {
	log           *slog.Logger
	secureCookies bool
	siteName      string
	region        string
	now           func() time.Time
}

// newApp builds the whole HTTP surface: the JSON API and the pages on one
// engine, so every route goes through the same access declarations.
func newApp(store *mongostore.Store, svc services, o appOptions) *web.App {
	app := web.New(web.Config{Auth: svc.auth, Audit: svc.audit, Logger: o.log, SecureCookies: o.secureCookies, Now: o.now})
	server.Register(app, server.Deps{
		Auth:     svc.auth,
		Audit:    svc.audit,
		Catalog:  svc.catalog,
		Registry: svc.registry,
		Files:    svc.files,
		Ping:     store.Ping,
		Version:  version(),
	})
	adminui.Register(app, adminui.Deps{
		Auth:     svc.auth,
		Audit:    svc.audit,
		Catalog:  svc.catalog,
		Registry: svc.registry,
		Files:    svc.files,
		SiteName: o.siteName,
		Region:   o.region,
		Now:      o.now,

		SecureCookies: o.secureCookies,
	})
	return app
}
