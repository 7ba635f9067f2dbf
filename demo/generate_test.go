package demo_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/demo"
	"github.com/agencyhall/agencyhall/files"
	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/registry"
)

// generateInto seeds a fresh database and generates a small scale into it,
// returning what was made and a summary of every generated project.
func generateInto(t *testing.T, seed uint64, workers int) (demo.Generated, []string) {
	t.Helper()
	ctx := context.Background()
	store := srv.Store(t)
	now := func() time.Time { return time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC) }
	bucket, err := files.OpenBucket(ctx, "", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bucket.Close() })
	cat := registry.NewCatalog(store.Catalog(), now)
	reg := registry.NewRegistry(store.Agencies(), cat, now, func() string { return fmt.Sprint(time.Now().UnixNano()) })
	sealer, _ := hall.NewSealer(make([]byte, 32))
	hallCfg := hall.Config{Store: store.Hall(), Agencies: reg, Catalog: cat, Sealer: sealer, Now: now}
	deps := demo.Deps{Auth: auth.NewService(store.Auth(), auth.Options{Now: now, BcryptCost: bcrypt.MinCost}), Catalog: cat,
		Registry: reg, Files: files.NewService(store.Files(), bucket, now), Now: now,
		NewHall: func(at func() time.Time) *hall.Service { c := hallCfg; c.Now = at; return hall.NewService(c) }}
	if _, err := demo.Seed(ctx, deps); err != nil {
		t.Fatal(err)
	}
	out, err := demo.Generate(ctx, deps, demo.Scale{Agencies: 24, Owners: 4, Projects: 30}, seed, workers, nil)
	if err != nil {
		t.Fatal(err)
	}
	live := hall.NewService(hallCfg)
	if err := live.Load(ctx); err != nil {
		t.Fatal(err)
	}
	var summary []string
	for _, p := range live.All() {
		if p.OwnerName == "兰州新区城市发展投资集团有限公司" {
			continue // the demo's own
		}
		summary = append(summary, fmt.Sprintf("%s|%s|%s|%d|%d|%d", p.Name, p.State, p.Method, p.CeilingFen, len(p.Signups),
			p.PublishedAt.Unix()))
	}
	slices.Sort(summary)
	return out, summary
}

// The generator goes through the services (every project obeys the hall's
// rules and reaches a real state) and the same seed makes the same data,
// whatever the number of workers.
func TestGenerateIsDeterministicAndRealistic(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a few hundred records through the services")
	}
	a, sumA := generateInto(t, 7, 1)
	b, sumB := generateInto(t, 7, 3)
	if a.Agencies != 24 || a.Projects != 30 || a.Listings < 24 || a.Signups < 60 || a.Quotes == 0 {
		t.Fatalf("generated %+v", a)
	}
	if a.States[hall.StateEvaluated] < 15 || len(a.States) < 3 {
		t.Errorf("states %v: most two-year-old projects should be finished, recent ones in progress", a.States)
	}
	if len(sumA) != 30 || !slices.Equal(sumA, sumB) || a.Signups != b.Signups || a.Quotes != b.Quotes {
		t.Errorf("same seed, different projects:\n%v\n%v", sumA, sumB)
	}
}
