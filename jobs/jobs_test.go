package jobs_test

import (
	"context"
	"errors"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/agencyhall/agencyhall/jobs"
	"github.com/agencyhall/agencyhall/mongostore/mongotest"
)

var srv *mongotest.Server

func TestMain(m *testing.M) { os.Exit(mongotest.Run(m, &srv)) }

// TestTwoReplicasRunEachTickOnce drives two schedulers (two replicas) over
// 50 ticks of accelerated time: every tick runs exactly once.
func TestTwoReplicasRunEachTickOnce(t *testing.T) {
	store := srv.Store(t)
	base := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	var tick atomic.Int64
	now := func() time.Time { return base.Add(time.Duration(tick.Load()) * time.Minute) }
	counts := make([]atomic.Int32, 50)
	mk := func(owner string) *jobs.Scheduler {
		s := jobs.New(jobs.Config{Lease: store.Leases(), Runs: store.Runs(), Owner: owner, Now: now})
		if err := s.Add(jobs.Job{Name: "hall-advance", Spec: "@every 1m", Run: func(context.Context) (int, error) {
			counts[tick.Load()].Add(1)
			return 1, nil
		}}); err != nil {
			t.Fatal(err)
		}
		return s
	}
	a, b := mk("replica-a"), mk("replica-b")
	ctx := context.Background()
	for i := 0; i < 50; i++ {
		tick.Store(int64(i))
		var wg sync.WaitGroup
		for _, s := range []*jobs.Scheduler{a, b} {
			wg.Add(1)
			go func(s *jobs.Scheduler) { defer wg.Done(); s.RunTick(ctx, "hall-advance", now()) }(s)
		}
		wg.Wait()
	}
	for i := range counts {
		if n := counts[i].Load(); n != 1 {
			t.Errorf("tick %d ran %d times", i, n)
		}
	}
	runs, err := a.Runs(ctx, "hall-advance", 100)
	if err != nil || len(runs) != 50 {
		t.Fatalf("%d run records, want 50 (%v)", len(runs), err)
	}
	if n, err := store.Runs().PruneRuns(ctx, base.Add(10*time.Minute)); err != nil || n != 10 {
		t.Fatalf("pruned %d, want 10 (%v)", n, err)
	}
}

func TestFailedAndPanickingRunsAreRecorded(t *testing.T) {
	store := srv.Store(t)
	s := jobs.New(jobs.Config{Lease: store.Leases(), Runs: store.Runs(), Owner: "r"})
	s.Add(jobs.Job{Name: "fails", Spec: "@every 1h", Run: func(context.Context) (int, error) { return 0, errors.New("boom") }})
	s.Add(jobs.Job{Name: "panics", Spec: "@every 1h", Run: func(context.Context) (int, error) { panic("oops") }})
	ctx := context.Background()
	for _, name := range []string{"fails", "panics"} {
		r, err := s.RunNow(ctx, name, "admin")
		if err != nil || r.Outcome != "error" || r.Error == "" || r.Trigger != "admin" {
			t.Fatalf("%s: %+v %v", name, r, err)
		}
	}
	runs, _ := s.Runs(ctx, "", 10)
	if len(runs) != 2 {
		t.Fatalf("%d runs recorded", len(runs))
	}
}
