package mongostore

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestClaimTickAcrossConnections: many claimants of one tick on two
// connections (two stores: the per-process locks of the FerretDB
// compare-and-swap are not shared, as between two processes) — exactly one
// wins each tick, on every engine.
func TestClaimTickAcrossConnections(t *testing.T) {
	first := openTestStore(t)
	second := openSecondStore(t, first)
	ctx := context.Background()
	base := time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)
	for i := range 5 {
		tick := base.Add(time.Duration(i) * time.Minute)
		var won atomic.Int32
		var wg sync.WaitGroup
		for g := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				st := first
				if g%2 == 1 {
					st = second
				}
				ok, err := st.Runs().ClaimTick(ctx, "hall-advance", tick, fmt.Sprintf("replica-%d", g), tick)
				if err != nil {
					t.Error(err)
				}
				if ok {
					won.Add(1)
				}
			}()
		}
		wg.Wait()
		if n := won.Load(); n != 1 {
			t.Errorf("tick %s claimed %d times, want once", tick.Format("15:04"), n)
		}
	}
}

// TestLeasesReset: the start-up of the only process on a database frees
// the leases a killed process left held; expired ones are untouched.
func TestLeasesReset(t *testing.T) {
	s := openTestStore(t)
	l := s.Leases()
	ctx := context.Background()
	now := time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)
	for name, until := range map[string]time.Time{"job:score": now.Add(30 * time.Minute), "job:hall-advance": now.Add(50 * time.Second),
		"job:alerts": now.Add(-time.Minute)} {
		if ok, err := l.Acquire(ctx, name, "killed-1234", until.Add(-time.Hour), until); err != nil || !ok {
			t.Fatalf("acquire %s: %v %v", name, ok, err)
		}
	}
	if ok, _ := l.Acquire(ctx, "job:score", "restarted-5678", now, now.Add(time.Minute)); ok {
		t.Fatal("a held lease was acquired")
	}
	if n, err := l.Reset(ctx, now); err != nil || n != 2 {
		t.Fatalf("reset: %d %v, want 2", n, err)
	}
	for _, name := range []string{"job:score", "job:hall-advance", "job:alerts"} {
		if ok, err := l.Acquire(ctx, name, "restarted-5678", now, now.Add(time.Minute)); err != nil || !ok {
			t.Errorf("after the reset %s: %v %v", name, ok, err)
		}
	}
}
