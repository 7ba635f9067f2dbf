package main

import (
	"bytes"
	"context"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/agencyhall/agencyhall/demo"
	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/loadtest"
)

// The load tool runs its whole mix against the real app with generated
// data: every kind of request is made, and none fails.
func TestLoadToolMixAgainstTheApp(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds and generates data through the services")
	}
	f := newFullApp(t)
	ctx := context.Background()
	quiet := func(now func() time.Time) *hall.Service {
		c := f.svc.hallCfg
		c.Now, c.Observe = now, nil
		return hall.NewService(c)
	}
	d := demo.Deps{Auth: f.svc.auth, Catalog: f.svc.catalog, Registry: f.svc.registry, Files: f.svc.files, Now: time.Now,
		NewHall: quiet, NewScoring: f.svc.scoringAt}
	if _, err := demo.Seed(ctx, d); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Generate(ctx, d, demo.Scale{Agencies: 20, Owners: 2, Projects: 40}, 3, 2, nil); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.load(ctx, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(f.app)
	defer ts.Close()
	cfg := loadtest.Config{URL: ts.URL, Duration: 2 * time.Second, Clients: 4, Seed: 1, Password: demo.GeneratedPassword,
		Agencies: []string{"gen-agency-00001", "gen-agency-00002"}, Owners: []string{"gen-owner-0001"}}
	var log bytes.Buffer
	rep, err := loadtest.Run(ctx, cfg, &log)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	rep.Print(&out)
	seen := map[string]bool{}
	for _, k := range rep.Kinds {
		seen[k.Name] = true
		if k.Errors > 0 {
			t.Errorf("%s: %d errors\n%s", k.Name, k.Errors, out.String())
		}
	}
	for _, k := range []string{"hall-page", "hall-api", "project-page", "project-api", "directory-page", "directory-api",
		"agency-opportunities", "owner-projects", "owner-create"} {
		if !seen[k] {
			t.Errorf("no %s requests in the mix\n%s", k, out.String())
		}
	}
	if !strings.Contains(out.String(), "p95") {
		t.Errorf("report:\n%s", out.String())
	}
	// One kind alone, the way its throughput is compared with a bare endpoint's.
	cfg.Kinds, cfg.Duration = []string{"healthz"}, 500*time.Millisecond
	if rep, err = loadtest.Run(ctx, cfg, &log); err != nil || len(rep.Kinds) != 1 || rep.Kinds[0].Count == 0 {
		t.Fatalf("healthz only: %+v %v", rep, err)
	}
}
