package demo_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/demo"
	"github.com/agencyhall/agencyhall/files"
	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/mongostore/mongotest"
	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/scoring"
)

var srv *mongotest.Server

func TestMain(m *testing.M) { os.Exit(mongotest.Run(m, &srv)) }

func TestSeedIsRealisticAndIdempotent(t *testing.T) {
	ctx := context.Background()
	store := srv.Store(t)
	now := func() time.Time { return time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC) }
	bucket, err := files.OpenBucket(ctx, "", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer bucket.Close()
	cat := registry.NewCatalog(store.Catalog(), now)
	n := 0
	reg := registry.NewRegistry(store.Agencies(), cat, now, func() string { n++; return fmt.Sprintf("q%d", n) })
	sealer, _ := hall.NewSealer(make([]byte, 32))
	hallCfg := hall.Config{Store: store.Hall(), Agencies: reg, Catalog: cat, Sealer: sealer, Now: now}
	deps := demo.Deps{Auth: auth.NewService(store.Auth(), auth.Options{Now: now, BcryptCost: bcrypt.MinCost}), Catalog: cat,
		Registry: reg, Files: files.NewService(store.Files(), bucket, now), Now: now,
		NewHall: func(at func() time.Time) *hall.Service { c := hallCfg; c.Now = at; return hall.NewService(c) }}
	liveHall := hall.NewService(hallCfg)
	deps.NewScoring = func(at func() time.Time) *scoring.Service {
		return scoring.NewService(scoring.Config{Store: store.Scoring(), Alerts: store.Scoring(), Inspections: store.Scoring(),
			Registry: reg, Hall: liveHall, Now: at})
	}

	logins, err := demo.Seed(ctx, deps)
	if err != nil {
		t.Fatal(err)
	}
	if len(logins) < 8 {
		t.Fatalf("%d demo logins, want regulators, an owner and an agency", len(logins))
	}
	items, _ := cat.List(ctx)
	stages := map[registry.Stage]int{}
	for _, it := range items {
		stages[it.Stage]++
	}
	if len(items) < 30 || len(stages) != 5 {
		t.Fatalf("%d service items over %d stages, want ≥30 over all 5", len(items), len(stages))
	}
	counts := reg.Directory().Counts()
	if counts[registry.StatusActive] < 38 || counts[registry.StatusPending] != 1 || counts[registry.StatusDraft] != 1 {
		t.Fatalf("agency statuses %v", counts)
	}
	// Some qualifications are about to expire, one has expired.
	levels := map[int]int{}
	hits, _ := reg.Directory().Search(registry.DirectoryQuery{PageSize: 100, Now: now()})
	for _, h := range hits {
		for _, q := range h.Agency.Profile.Qualifications {
			levels[registry.ExpiryLevel(q, registry.DateOf(now()))]++
		}
	}
	for _, l := range []int{15, 30, 60, -1} {
		if levels[l] == 0 {
			t.Errorf("no demo qualification at expiry level %d (%v)", l, levels)
		}
	}
	// Every enabled stage has agencies listed under it.
	for _, s := range registry.Stages {
		if _, total := reg.Directory().Search(registry.DirectoryQuery{Stage: s, Now: now()}); total == 0 {
			t.Errorf("no agency listed in stage %s", s)
		}
	}

	// Projects in every state the scenarios name, through every method.
	live := hall.NewService(hallCfg)
	if err := live.Load(ctx); err != nil {
		t.Fatal(err)
	}
	states := live.Counts()
	for _, st := range []hall.State{hall.StateDraft, hall.StateOpen, hall.StateOpening, hall.StatePublicity, hall.StateObjection,
		hall.StateContracting, hall.StateInService, hall.StateDelivered, hall.StateEvaluated, hall.StateFailed, hall.StateCancelled} {
		if states[st] == 0 {
			t.Errorf("no demo project in state %s (%v)", st, states)
		}
	}
	methods := map[hall.Method]bool{}
	all, _ := live.List(registry.Actor{Kind: registry.ActorAdmin}, hall.ListQuery{PageSize: 100})
	for _, p := range all {
		methods[p.Method] = true
	}
	if len(methods) != 5 {
		t.Errorf("demo projects use %d methods, want all 5", len(methods))
	}

	// Supervision: complaints in several states, sanctions, an inspection,
	// twelve months of scores and current alerts.
	sup := scoring.NewService(scoring.Config{Store: store.Scoring(), Alerts: store.Scoring(), Inspections: store.Scoring(),
		Registry: reg, Hall: liveHall, Now: now})
	if err := sup.Load(ctx); err != nil {
		t.Fatal(err)
	}
	if _, n := sup.Complaints(registry.Actor{Kind: registry.ActorAdmin}, scoring.ComplaintQuery{}); n < 5 {
		t.Errorf("%d demo complaints", n)
	}
	if _, n := sup.Sanctions("", false, 1, 50); n < 3 {
		t.Errorf("%d demo sanctions", n)
	}
	if len(sup.InspectionList()) != 1 {
		t.Error("no demo inspection plan")
	}
	if open, _ := sup.AlertList(true, "", 1, 100); len(open) == 0 {
		t.Error("no demo alerts")
	}
	hist, _ := sup.History(ctx, reg.Directory().IDs(registry.StatusActive)[2])
	if len(hist) < 12 {
		t.Errorf("score history has %d points, want twelve months", len(hist))
	}

	// A second run changes nothing.
	before := reg.Directory().Counts()
	if _, err := demo.Seed(ctx, deps); err != nil {
		t.Fatal(err)
	}
	after := reg.Directory().Counts()
	for k, v := range before {
		if after[k] != v {
			t.Fatalf("second seed changed %s: %d → %d", k, v, after[k])
		}
	}
	items2, _ := cat.List(ctx)
	if len(items2) != len(items) {
		t.Fatalf("second seed changed the catalog: %d → %d", len(items), len(items2))
	}
	again := hall.NewService(hallCfg)
	again.Load(ctx)
	if _, n := again.List(registry.Actor{Kind: registry.ActorAdmin}, hall.ListQuery{}); n != len(all) {
		t.Fatalf("second seed changed the projects: %d → %d", len(all), n)
	}
}
