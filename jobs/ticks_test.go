package jobs_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/agencyhall/agencyhall/jobs"
	"github.com/agencyhall/agencyhall/mongostore"
)

// TestLastActivation: the tick a run is for, for interval and cron specs.
func TestLastActivation(t *testing.T) {
	sh := jobs.Shanghai
	at := func(h, m, s, ms int) time.Time { return time.Date(2026, 11, 26, h, m, s, ms*1e6, sh) }
	for _, tt := range []struct {
		spec     string
		now      time.Time
		want     time.Time
		describe string
	}{
		{"@every 1m", at(12, 0, 0, 40), at(12, 0, 0, 0), "just after the minute"},
		{"@every 1m", at(12, 0, 59, 999), at(12, 0, 0, 0), "late in the minute"},
		{"@every 10s", at(12, 0, 25, 0), at(12, 0, 20, 0), "ten seconds"},
		{"@every 5m", at(1, 0, 0, 3), at(1, 0, 0, 0), "five minutes, on the hour"},
		{"0 2 * * *", at(2, 0, 0, 30), at(2, 0, 0, 0), "daily, a moment after"},
		{"0 2 * * *", at(2, 7, 0, 0), at(2, 0, 0, 0), "daily, fired late"},
		{"0 2 * * *", at(1, 59, 0, 0), at(2, 0, 0, 0).AddDate(0, 0, -1), "daily, before today's"},
		{"30 3 * * *", at(3, 30, 1, 0), at(3, 30, 0, 0), "half past three"},
	} {
		sched, err := jobs.ParseSpec(tt.spec)
		if err != nil {
			t.Fatal(err)
		}
		if got := jobs.LastActivation(sched, tt.now); !got.Equal(tt.want) {
			t.Errorf("%s (%s) at %s: tick %s, want %s", tt.spec, tt.describe, tt.now, got.In(sh), tt.want)
		}
	}
}

// TestEveryIsAligned: "@every" intervals fall on their multiples, whenever
// the process started, so replicas share ticks.
func TestEveryIsAligned(t *testing.T) {
	sched, err := jobs.ParseSpec("@every 1m")
	if err != nil {
		t.Fatal(err)
	}
	for _, started := range []time.Time{time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC), time.Date(2026, 11, 26, 12, 0, 31, 7e8, time.UTC)} {
		if next := sched.Next(started); !next.Equal(time.Date(2026, 11, 26, 12, 1, 0, 0, time.UTC)) {
			t.Errorf("started %s: next %s", started, next)
		}
	}
	if _, err := jobs.ParseSpec("every minute"); err == nil {
		t.Error("a bad spec parsed")
	}
}

// TestTicksClaimedOnceAcrossStores runs two real schedulers — each with
// its own connection and store, as two processes would have, so the
// per-process locks of the FerretDB compare-and-swap do not help — on
// one database, the second started 1.37 s after the first, with a job
// every 2 seconds for a few ticks (unaligned intervals, counted from each
// process's start, ran such a job in both replicas, a second apart). Every tick in which both ran runs
// exactly once; the run records name their tick.
func TestTicksClaimedOnceAcrossStores(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real schedules for a few seconds")
	}
	first := srv.Store(t)
	cfg := srv.Config(t)
	ctx := context.Background()
	second, err := mongostore.Open(ctx, mongostore.Config{URI: cfg.URI, DB: first.DBName(), SQLiteDir: cfg.SQLiteDir, Logger: cfg.Logger})
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close(ctx)

	var mu sync.Mutex
	ran := map[time.Time][]string{}
	var overlap atomic.Int32
	var running atomic.Int32
	mk := func(owner string, st *mongostore.Store) *jobs.Scheduler {
		s := jobs.New(jobs.Config{Lease: st.Leases(), Runs: st.Runs(), Owner: owner})
		if err := s.Add(jobs.Job{Name: "tick", Spec: "@every 2s", LockFor: 5 * time.Second, Run: func(context.Context) (int, error) {
			if running.Add(1) > 1 {
				overlap.Add(1)
			}
			defer running.Add(-1)
			tick := time.Now().Truncate(2 * time.Second)
			mu.Lock()
			ran[tick] = append(ran[tick], owner)
			mu.Unlock()
			time.Sleep(50 * time.Millisecond) // long enough for the other replica to try
			return 1, nil
		}}); err != nil {
			t.Fatal(err)
		}
		return s
	}
	a, b := mk("replica-a", first), mk("replica-b", second)
	a.Start()
	time.Sleep(1370 * time.Millisecond) // b's process started later: its interval must still share a's ticks
	b.Start()
	bStarted := time.Now()
	time.Sleep(7 * time.Second)
	stopCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	a.Stop(stopCtx)
	b.Stop(stopCtx)
	stopped := time.Now()

	if n := overlap.Load(); n > 0 {
		t.Errorf("%d runs overlapped another", n)
	}
	runs, err := a.Runs(ctx, "tick", 100)
	if err != nil {
		t.Fatal(err)
	}
	perTick := map[time.Time]int{}
	owners := map[string]int{}
	for _, r := range runs {
		if r.Tick.IsZero() {
			t.Errorf("run %s names no tick", r.ID)
		}
		perTick[r.Tick]++
		owners[r.Owner]++
	}
	checked := 0
	for tick := bStarted.Truncate(2 * time.Second).Add(2 * time.Second); tick.Before(stopped.Add(-time.Second)); tick = tick.Add(2 * time.Second) {
		checked++
		if n := perTick[tick.UTC()]; n != 1 {
			t.Errorf("tick %s ran %d times (run records), want 1", tick.Format("15:04:05"), n)
		}
	}
	for tick, n := range perTick {
		if n > 1 {
			t.Errorf("tick %s has %d run records", tick.Format("15:04:05"), n)
		}
	}
	if checked < 2 {
		t.Fatalf("only %d ticks checked", checked)
	}
	t.Logf("%d ticks with both replicas running; runs by owner: %v", checked, owners)
}

// TestClaimTick: a tick is claimed once; claims are pruned by tick time.
func TestClaimTick(t *testing.T) {
	st := srv.Store(t)
	ctx := context.Background()
	tick := time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)
	now := tick.Add(time.Second)
	for i, want := range []bool{true, false, false} {
		got, err := st.Runs().ClaimTick(ctx, "score", tick, "r", now)
		if err != nil || got != want {
			t.Fatalf("claim %d: %v %v, want %v", i, got, err, want)
		}
	}
	if got, err := st.Runs().ClaimTick(ctx, "score", tick.Add(24*time.Hour), "r", now); err != nil || !got {
		t.Fatalf("the next day's tick: %v %v", got, err)
	}
	if got, err := st.Runs().ClaimTick(ctx, "alerts", tick, "r", now); err != nil || !got {
		t.Fatalf("another job's tick: %v %v", got, err)
	}
	if n, err := st.Runs().PruneTicks(ctx, tick.Add(time.Hour)); err != nil || n != 2 {
		t.Fatalf("pruned %d, want 2 (%v)", n, err)
	}
	if got, err := st.Runs().ClaimTick(ctx, "score", tick.Add(24*time.Hour), "r", now); err != nil || got {
		t.Fatalf("a kept claim was claimed again: %v %v", got, err)
	}
}

// TestKickDoesNotSwallowTick: a run asked for by an event, just before or
// during a scheduled tick, does not make the tick's run be skipped.
func TestKickDoesNotSwallowTick(t *testing.T) {
	st := srv.Store(t)
	var runs atomic.Int32
	release := make(chan struct{})
	var slow atomic.Bool
	s := jobs.New(jobs.Config{Lease: st.Leases(), Runs: st.Runs(), Owner: "r"})
	if err := s.Add(jobs.Job{Name: "notify-dispatch", Spec: "@every 10s", LockFor: 10 * time.Second, Run: func(context.Context) (int, error) {
		runs.Add(1)
		if slow.Load() {
			<-release
		}
		return 1, nil
	}}); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	tick := time.Now().Truncate(10 * time.Second)
	if !s.Tick(ctx, "notify-dispatch") {
		t.Fatal("the kick did not run")
	}
	if !s.RunTick(ctx, "notify-dispatch", tick) {
		t.Fatal("the tick right after a kick did not run")
	}
	// A kick still running when the next tick comes: the tick waits for it.
	slow.Store(true)
	kicked := make(chan bool)
	go func() { kicked <- s.Tick(ctx, "notify-dispatch") }()
	for runs.Load() < 3 {
		time.Sleep(10 * time.Millisecond) // until the kick's run has begun
	}
	slow.Store(false)
	go func() { time.Sleep(300 * time.Millisecond); close(release) }()
	if !s.RunTick(ctx, "notify-dispatch", tick.Add(10*time.Second)) {
		t.Fatal("the tick during a kick's run was skipped")
	}
	if !<-kicked || runs.Load() != 4 {
		t.Fatalf("%d runs, want 4", runs.Load())
	}
	if s.RunTick(ctx, "notify-dispatch", tick) {
		t.Fatal("a tick ran twice")
	}
}
