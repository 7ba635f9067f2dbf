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
	// Paced, through the command's flags: the report says how the pace
	// was kept (the figures are the machine's, so only their presence is
	// checked).
	out.Reset()
	var stderr bytes.Buffer
	args := []string{"--url", ts.URL, "--duration", "1s", "--clients", "2", "--rate", "40", "--kinds", "healthz,hall-api",
		"--agencies", "2", "--owners", "1"}
	if err := runLoad(ctx, args, func(string) string { return "" }, &out, &stderr); err != nil {
		t.Fatalf("load %v: %v\n%s", args, err, stderr.String())
	}
	for _, want := range []string{"at 40 requests per second", "p95", "40.0 req/s intended", "req/s sent", "started more than 10ms late"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("no %q in\n%s", want, out.String())
		}
	}
}

// --rate is parsed and checked before any request goes out: the address
// below has no server, so only the flag can be what is refused.
func TestLoadRateFlagRefusesBadValues(t *testing.T) {
	for _, tc := range []struct {
		rate, clients string
		exit2         bool   // refused by the flag parser
		want          string // in the error or on stderr
	}{
		{rate: "fast", clients: "50", exit2: true, want: "-rate"},
		{rate: "-5", clients: "50", want: "rate -5"},
		{rate: "NaN", clients: "50", want: "rate NaN"},
		{rate: "+Inf", clients: "50", want: "rate +Inf"},
		{rate: "10", clients: "0", want: "at least one client"},
	} {
		t.Run(tc.rate+"/"+tc.clients, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			args := []string{"--url", "http://127.0.0.1:1", "--rate", tc.rate, "--clients", tc.clients}
			err := runLoad(context.Background(), args, func(string) string { return "" }, &stdout, &stderr)
			if tc.exit2 {
				if err != exitCode(2) || !strings.Contains(stderr.String(), tc.want) {
					t.Errorf("load %v: %v, stderr %q; want exit status 2 and %q", args, err, stderr.String(), tc.want)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("load %v: %v, want an error with %q", args, err, tc.want)
			}
		})
	}
}
