//go:build faults

// The fault-injection suite, kept out of `go test ./...` because it builds
// and kills the real binary many times and takes minutes; CI runs it in the
// external-engine step of .ci/run (see docs/RELIABILITY.md):
//   go test -tags faults -run 'TestKillDuringJobs|TestServeReplicasRunEachTickOnce' .

package main

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/agencyhall/agencyhall/jobs"
	"github.com/agencyhall/agencyhall/mongostore"
	"github.com/agencyhall/agencyhall/notify"
)

// TestServeReplicasRunEachTickOnce runs two replicas of `agencyhall serve`
// — two child processes of the real binary — on one database for the
// whole job schedule in accelerated time: every scheduled job on an
// aligned 3-second interval (the hidden AGENCYHALL_TEST_JOB_EVERY hook),
// the second replica started seconds after the first. Each job must run
// exactly once per tick, counted from the run records, whichever replica
// ran it.
//
// The database is the external server of AGENCYHALL_TEST_MONGO_URI (CI:
// FerretDB on PostgreSQL), or the embedded FerretDB this test binary
// started — either way another process than the replicas, reached over
// TCP. On FerretDB the compare-and-swap is only safe within one process,
// so this is what the tick claims (one insert with a unique _id per job and
// tick) must make exactly-once on their own.
func TestServeReplicasRunEachTickOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs two agencyhall serve child processes; skipped with -short")
	}
	const every = 3 * time.Second
	tmp := t.TempDir()
	bin := buildBinary(t, tmp)
	dbName := testDB.DBName(t)
	ctx := context.Background()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	store, err := mongostore.Open(ctx, mongostore.Config{URI: testDB.URI, DB: dbName, SQLiteDir: testDB.SQLiteDir, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = store.CloseAndDrop(ctx)
	})

	env := envTestJobEvery + "=" + every.String()
	args := func(name string) []string {
		return []string{"--data-dir", filepath.Join(tmp, name), "--mongo-uri", testDB.URI, "--db", dbName}
	}
	begin := time.Now()
	a := startServeWith(t, bin, args("a"), env)
	time.Sleep(1300 * time.Millisecond) // an odd offset: unaligned intervals would tick apart
	b := startServeWith(t, bin, args("b"), env)
	both := time.Now()
	const ticks = 20
	time.Sleep(ticks*every + every/2)
	stopping := time.Now()
	a.stop(t)
	b.stop(t)

	runs, err := store.Runs().ListRuns(ctx, "", 100000)
	if err != nil {
		t.Fatal(err)
	}
	perTick := map[string]map[time.Time][]jobs.Run{}
	owners := map[string]int{}
	outcomes := map[string]int{}
	for _, r := range runs {
		if r.Tick.IsZero() {
			continue // a run asked for by an event, not a tick
		}
		if perTick[r.Job] == nil {
			perTick[r.Job] = map[time.Time][]jobs.Run{}
		}
		perTick[r.Job][r.Tick] = append(perTick[r.Job][r.Tick], r)
		owners[r.Owner]++
		outcomes[r.Outcome]++
		if r.Outcome != "ok" {
			t.Logf("%s at %s: %s %s", r.Job, r.Tick.Format("15:04:05"), r.Outcome, r.Error)
		}
	}
	names := []string{"hall-advance", "score", "alerts", "qualifications", "prune-runs", "export-cleanup",
		notify.JobDispatch, notify.JobMail, notify.JobWebhooks, notify.JobQualifications, notify.JobPrune}
	for job := range perTick {
		found := false
		for _, n := range names {
			found = found || n == job
		}
		if !found {
			names = append(names, job) // a job added since: it is checked too
		}
	}
	sort.Strings(names)
	// Every tick from the first after both replicas were ready to the last
	// that ended before they were told to stop.
	first := both.Truncate(every).Add(every)
	checked := 0
	for _, job := range names {
		for tick := first; !tick.Add(every).After(stopping); tick = tick.Add(every) {
			checked++
			if n := len(perTick[job][tick.UTC()]); n != 1 {
				t.Errorf("%s: tick %s ran %d times, want once", job, tick.Format("15:04:05"), n)
				for _, r := range runs {
					if r.Job == job && r.Start.After(tick.Add(-2*every)) && r.Start.Before(tick.Add(2*every)) {
						t.Logf("  run %s: tick %s, %s–%s, trigger %s, %s", r.Owner, r.Tick.Format("15:04:05.000"),
							r.Start.Format("15:04:05.000"), r.End.Format("15:04:05.000"), r.Trigger, r.Outcome)
					}
				}
			}
		}
		for tick, rs := range perTick[job] {
			if len(rs) > 1 {
				var who []string
				for _, r := range rs {
					who = append(who, r.Owner)
				}
				t.Errorf("%s: tick %s ran %d times, by %v", job, tick.Format("15:04:05"), len(rs), who)
			}
		}
	}
	if len(owners) != 2 {
		t.Logf("note: only %d replica(s) won ticks: %v", len(owners), owners)
	}
	t.Logf("%d jobs × %d ticks each ran exactly once across 2 replicas (%d job-ticks checked, engine %s) in %v; runs by replica %v, outcomes %v",
		len(names), checked/len(names), checked, store.Engine(), time.Since(begin).Round(time.Second), owners, outcomes)
}
