package hall_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/registry"
)

// lossyStore saves projects but, while lose is set, fails every event
// write: the state a process killed between the two writes leaves.
type lossyStore struct {
	hall.Store
	lose atomic.Bool
}

func (s *lossyStore) PutEvent(ctx context.Context, e hall.Event) error {
	if s.lose.Load() {
		return errors.New("killed before the event was written")
	}
	return s.Store.PutEvent(ctx, e)
}

// TestEmitRecentRepairsLostEvents: steps saved without their events (the
// opening and the draw of a project) get them at the next start-up, once.
func TestEmitRecentRepairsLostEvents(t *testing.T) {
	f := newFixture(t, 3)
	store := srv.Store(t)
	lossy := &lossyStore{Store: store.Hall()}
	item := registry.ServiceItem{Code: "ZJ-LX-001", Name: "环境影响评价", Stage: registry.StageInitiation, Enabled: true,
		Qualifications: []string{"环评能力"}, QualMode: registry.QualAnyOf, TimeLimitDays: 30}
	sealer, _ := hall.NewSealer(bytes.Repeat([]byte{1}, 32))
	cfg := hall.Config{Store: lossy, Agencies: f.ags, Catalog: catalog{item.Code: item}, Sealer: sealer, Now: f.clk.now}
	f.svc = hall.NewService(cfg)
	ctx := context.Background()

	p := f.published(t, hall.MethodRandom, hall.FundingFiscal)
	for i := 0; i < 3; i++ {
		if _, err := f.svc.SignUp(ctx, agent(i), p.ID); err != nil {
			t.Fatal(err)
		}
	}
	f.clk.set(at("2026-12-03 09:30"))
	lossy.lose.Store(true)
	p, err := f.svc.OpenIfDue(ctx, p.ID)
	if err != nil || p.State != hall.StatePublicity {
		t.Fatalf("opening: %s %v", p.State, err)
	}
	lossy.lose.Store(false)
	events := func() map[string]string {
		got := map[string]string{}
		steps := map[string]bool{}
		for i := range len(p.Timeline) + 3 {
			steps[fmt.Sprintf("%s:%04d", p.ID, i)] = true
		}
		if err := store.Scoring().EachEvent(ctx, func(e hall.Event) error {
			if steps[e.ID] { // the events of timeline steps (sign-ups and quotes have others)
				got[e.ID] = e.Kind
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return got
	}
	if got := events(); len(got) != len(p.Timeline)-2 {
		t.Fatalf("%d events before the restart, want %d (all but opened and selected)", len(got), len(p.Timeline)-2)
	}

	// The restart: a new service loads the projects and writes the events
	// of the last steps again.
	f.clk.add(2 * 60 * 60 * 1e9) // two hours later
	restarted := hall.NewService(hall.Config{Store: store.Hall(), Agencies: f.ags, Catalog: catalog{item.Code: item}, Sealer: sealer,
		Now: f.clk.now})
	if err := restarted.Load(ctx); err != nil {
		t.Fatal(err)
	}
	last := restarted.LastStepAt(f.clk.now())
	if !last.Equal(p.Timeline[len(p.Timeline)-1].At) {
		t.Fatalf("last step at %s, want %s", last, p.Timeline[len(p.Timeline)-1].At)
	}
	if n := restarted.EmitRecent(ctx, last.Add(-hall.ReemitWindow)); n != 2 {
		t.Errorf("%d steps emitted again, want 2 (opened, selected)", n)
	}
	got := events()
	if len(got) != len(p.Timeline) {
		t.Fatalf("%d events after the restart, want %d", len(got), len(p.Timeline))
	}
	for i, st := range p.Timeline {
		if k := got[fmt.Sprintf("%s:%04d", p.ID, i)]; k != st.Kind {
			t.Errorf("event %d: %q, want %q", i, k, st.Kind)
		}
	}
	if future := restarted.LastStepAt(p.Timeline[1].At); !future.Equal(p.Timeline[1].At) {
		t.Errorf("last step at or before the publication: %s", future) // later steps are ignored
	}
	restarted.EmitRecent(ctx, last.Add(-hall.ReemitWindow)) // again: nothing twice
	if n := len(events()); n != len(p.Timeline) {
		t.Errorf("%d events after emitting twice", n)
	}
}
