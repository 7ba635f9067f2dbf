// Package jobs runs scheduled jobs (robfig/cron, Asia/Shanghai time). Each
// scheduled tick of a job is claimed once across replicas (one insert whose
// _id names the job and the tick: unique on every engine, FerretDB
// included), then takes a lease (ShedLock pattern) so that a run never
// overlaps a longer one; every run is recorded with its outcome.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/agencyhall/agencyhall/apperr"
)

// Lease is the job lock: Acquire succeeds for one owner while nobody else
// holds the name; Release keeps it at least until atLeastUntil.
type Lease interface {
	Acquire(ctx context.Context, name, owner string, now, lockUntil time.Time) (bool, error)
	Release(ctx context.Context, name, owner string, now, atLeastUntil time.Time) error
}

// Run is the record of one run of a job.
type Run struct {
	ID      string
	Job     string
	Owner   string    // the replica that ran it
	Trigger string    // "schedule" or the user who ran it now
	Tick    time.Time // the scheduled tick it ran for (zero for runs on demand)
	Start   time.Time
	End     time.Time
	Outcome string // "ok", "error"
	Items   int    // what the job processed
	Error   string
}

// RunStore keeps run records.
type RunStore interface {
	PutRun(ctx context.Context, r Run) error
	// ListRuns returns the latest runs of a job (all jobs when empty), newest first.
	ListRuns(ctx context.Context, job string, limit int) ([]Run, error)
	// PruneRuns deletes runs that started before the given time.
	PruneRuns(ctx context.Context, before time.Time) (int, error)
}

// TickClaimer is implemented by run stores that record who runs a
// scheduled tick: ClaimTick succeeds for exactly one caller per (job, tick),
// whichever replica and process it is in. It must not rely on a
// read-modify-write (FerretDB's updates are not atomic across processes):
// an insert with a unique _id is.
type TickClaimer interface {
	ClaimTick(ctx context.Context, job string, tick time.Time, owner string, now time.Time) (bool, error)
	// PruneTicks deletes claims of ticks before the given time.
	PruneTicks(ctx context.Context, before time.Time) (int, error)
}

// RunRetention is how long run records are kept.
const RunRetention = 30 * 24 * time.Hour

// TickRetention is how long tick claims are kept: only replicas that tick
// late (a stalled process) still ask for a past tick.
const TickRetention = 6 * time.Hour

// PruneJob is the daily job that removes old run records (and tick claims).
func PruneJob(runs RunStore, now func() time.Time) Job {
	return Job{Name: "prune-runs", Label: "清理任务运行记录", Spec: "30 3 * * *", LockFor: 10 * time.Minute,
		Run: func(ctx context.Context) (int, error) {
			n, err := runs.PruneRuns(ctx, now().Add(-RunRetention))
			if tc, ok := runs.(TickClaimer); ok && err == nil {
				var m int
				m, err = tc.PruneTicks(ctx, now().Add(-TickRetention))
				n += m
			}
			return n, err
		}}
}

// Job is one scheduled job.
type Job struct {
	Name  string // e.g. "hall-advance"
	Label string // Chinese name for pages
	Spec  string // cron spec in Asia/Shanghai time, e.g. "@every 1m" or "0 2 * * *"
	// LockFor is how long a tick holds the lease at most (a run that takes
	// longer may overlap the next tick on another replica); it also keeps
	// the lease for half that time after a quick run.
	LockFor time.Duration
	Run     func(ctx context.Context) (int, error)
}

// Config wires a scheduler.
type Config struct {
	Lease  Lease
	Runs   RunStore
	Owner  string // this replica's name
	Now    func() time.Time
	Logger *slog.Logger
	// OnRun is told of every finished run (metrics).
	OnRun func(r Run)
}

// Scheduler runs jobs on their schedules.
type Scheduler struct {
	cfg      Config
	cron     *cron.Cron
	mu       sync.Mutex
	jobs     map[string]Job
	stopping bool           // Stop was called: no new runs
	running  sync.WaitGroup // every run, scheduled or not, until recorded
}

// Shanghai is the zone schedules are written in.
var Shanghai = func() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*3600)
}()

// New builds a scheduler; Add jobs, then Start.
func New(cfg Config) *Scheduler {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Scheduler{cfg: cfg, cron: cron.New(cron.WithLocation(Shanghai)), jobs: map[string]Job{}}
}

// Add registers a job.
func (s *Scheduler) Add(j Job) error {
	if j.LockFor == 0 {
		j.LockFor = 50 * time.Second
	}
	sched, err := ParseSpec(j.Spec)
	if err != nil {
		return fmt.Errorf("schedule %s (%q): %w", j.Name, j.Spec, err)
	}
	s.mu.Lock()
	s.jobs[j.Name] = j
	s.mu.Unlock()
	s.cron.Schedule(sched, cron.FuncJob(func() {
		// The tick is the activation this call is for, the same in every
		// replica (the cron fires it a moment after that time).
		s.RunTick(context.Background(), j.Name, LastActivation(sched, time.Now()))
	}))
	return nil
}

// ParseSpec reads a cron spec like cron.New does, with "@every d" aligned
// to multiples of d (since the zero time), not counted from the process's
// start as robfig's ConstantDelaySchedule does: replicas started at
// different moments then share their ticks, and each tick runs once. (With
// unaligned intervals two replicas started 30 s apart ran an "@every 1m"
// job twice a minute: the lease of one had expired when the other ticked.)
func ParseSpec(spec string) (cron.Schedule, error) {
	sched, err := cron.ParseStandard(spec)
	if err != nil {
		return nil, err
	}
	if c, ok := sched.(cron.ConstantDelaySchedule); ok {
		return every(c.Delay), nil
	}
	return sched, nil
}

// every is an interval aligned to its multiples.
type every time.Duration

// Next is the first multiple of the interval after t.
func (e every) Next(t time.Time) time.Time {
	return t.Truncate(time.Duration(e)).Add(time.Duration(e))
}

// LastActivation is the latest activation of a schedule at or before now:
// the tick that a run starting at now is for.
func LastActivation(sched cron.Schedule, now time.Time) time.Time {
	if e, ok := sched.(every); ok {
		return now.Truncate(time.Duration(e))
	}
	now = now.In(Shanghai)
	// Cron specs activate on whole seconds; the cron fires a moment after
	// the activation, so the first window is nearly always enough.
	for back := time.Second; back <= 48*time.Hour; back *= 2 {
		t := sched.Next(now.Add(-back))
		if t.IsZero() {
			break
		}
		if !t.After(now) {
			for n := sched.Next(t); !n.IsZero() && !n.After(now); n = sched.Next(n) {
				t = n
			}
			return t
		}
	}
	return now.Truncate(time.Second)
}

// Jobs lists the registered jobs by name.
func (s *Scheduler) Jobs() []Job {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Job, 0, len(s.jobs))
	for _, j := range s.jobs {
		out = append(out, j)
	}
	sort.Slice(out, func(i, k int) bool { return out[i].Name < out[k].Name })
	return out
}

// Start begins running the schedules.
func (s *Scheduler) Start() { s.cron.Start() }

// Stop stops scheduling and waits for running jobs (or ctx).
// Runs asked for outside the schedule (Tick, RunNow) are waited for too:
// the database they write to is closed after Stop.
func (s *Scheduler) Stop(ctx context.Context) {
	s.mu.Lock()
	s.stopping = true
	s.mu.Unlock()
	cronDone := s.cron.Stop().Done()
	done := make(chan struct{})
	go func() {
		<-cronDone
		s.running.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done():
	}
}

// ErrHeld reports that another replica holds the job's lease.
var ErrHeld = errors.New("job lease held elsewhere")

// Tick runs the job once now, outside its schedule (a run asked for by an
// event), if this replica gets its lease, which it releases when the run
// ends. It reports whether the job ran.
func (s *Scheduler) Tick(ctx context.Context, name string) bool {
	_, err := s.run(ctx, name, "schedule", time.Time{})
	if err != nil && !errors.Is(err, ErrHeld) {
		s.cfg.Logger.Error("job failed", "job", name, "error", err)
	}
	return err == nil || !errors.Is(err, ErrHeld)
}

// RunTick runs the job for one tick of its schedule if this replica claims
// the tick — of all replicas, exactly one does — and then gets the lease:
// a run on demand or of an earlier tick that holds it is waited for a few
// seconds, then the tick is skipped. The cron calls it at every
// activation; tests call it with the tick of their clock. It reports
// whether the job ran here.
func (s *Scheduler) RunTick(ctx context.Context, name string, tick time.Time) bool {
	_, err := s.run(ctx, name, "schedule", tick)
	if err != nil && !errors.Is(err, ErrHeld) {
		s.cfg.Logger.Error("job failed", "job", name, "tick", tick, "error", err)
	}
	return err == nil || !errors.Is(err, ErrHeld)
}

// tickWait is how long a claimed tick waits for a lease held by another run.
const tickWait = 5 * time.Second

// RunNow runs a job at once (an admin's button), under the same lease.
func (s *Scheduler) RunNow(ctx context.Context, name, user string) (Run, error) {
	r, err := s.run(ctx, name, user, time.Time{})
	switch {
	case errors.Is(err, ErrHeld):
		return r, apperr.Conflict("job_running", "该任务正在运行，请稍后再试")
	case apperr.Is(err, apperr.KindNotFound):
		return r, err
	}
	return r, nil // a failed run is recorded; the caller shows the record
}

// run runs a job under its lease; with a tick, only if this replica claims
// the tick first.
func (s *Scheduler) run(ctx context.Context, name, trigger string, tick time.Time) (Run, error) {
	s.mu.Lock()
	j, ok := s.jobs[name]
	stopping := s.stopping
	if ok && !stopping {
		s.running.Add(1)
	}
	s.mu.Unlock()
	if !ok {
		return Run{}, apperr.NotFound("任务")
	}
	if stopping {
		return Run{}, fmt.Errorf("scheduler stopping: %w", ErrHeld)
	}
	defer s.running.Done()
	start := s.cfg.Now().UTC()
	claims, byTick := s.cfg.Runs.(TickClaimer)
	byTick = byTick && !tick.IsZero()
	if byTick {
		won, err := claims.ClaimTick(ctx, name, tick.UTC(), s.cfg.Owner, start)
		if err != nil {
			return Run{}, fmt.Errorf("claim tick of %s: %w", name, err)
		}
		if !won {
			return Run{}, ErrHeld
		}
	}
	got, err := s.cfg.Lease.Acquire(ctx, "job:"+name, s.cfg.Owner, start, start.Add(j.LockFor))
	for until := time.Now().Add(tickWait); byTick && err == nil && !got && time.Now().Before(until); {
		select {
		case <-ctx.Done():
			return Run{}, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		start = s.cfg.Now().UTC()
		got, err = s.cfg.Lease.Acquire(ctx, "job:"+name, s.cfg.Owner, start, start.Add(j.LockFor))
	}
	if err != nil {
		return Run{}, fmt.Errorf("lease for %s: %w", name, err)
	}
	if !got {
		return Run{}, ErrHeld
	}
	items, runErr := safeRun(ctx, j)
	end := s.cfg.Now().UTC()
	// No lease is kept after the run: the tick's claim stops every other
	// replica from running the same tick, and a run on demand after this
	// one is wanted. (Keeping it for LockFor/2, as before the claims, made
	// a run asked for by an event swallow the next scheduled tick.)
	if err := s.cfg.Lease.Release(ctx, "job:"+name, s.cfg.Owner, end, end); err != nil {
		s.cfg.Logger.Warn("job lease not released", "job", name, "error", err)
	}
	r := Run{ID: fmt.Sprintf("%s:%d:%s", name, start.UnixNano(), s.cfg.Owner), Job: name, Owner: s.cfg.Owner, Trigger: trigger,
		Start: start, End: end, Outcome: "ok", Items: items}
	if byTick {
		r.Tick = tick.UTC()
	}
	if runErr != nil {
		r.Outcome, r.Error = "error", runErr.Error()
	}
	if err := s.cfg.Runs.PutRun(ctx, r); err != nil {
		s.cfg.Logger.Warn("job run not recorded", "job", name, "error", err)
	}
	if s.cfg.OnRun != nil {
		s.cfg.OnRun(r)
	}
	return r, runErr
}

// safeRun turns a panicking job into a failed run instead of a dead process.
func safeRun(ctx context.Context, j Job) (n int, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("panic: %v", v)
		}
	}()
	return j.Run(ctx)
}

// Runs lists the latest runs.
func (s *Scheduler) Runs(ctx context.Context, job string, limit int) ([]Run, error) {
	return s.cfg.Runs.ListRuns(ctx, job, limit)
}
