// Package jobs runs scheduled jobs (robfig/cron, Asia/Shanghai time). Each
// tick of a job takes a lease first (ShedLock pattern), so with several
// replicas it runs once; every run is recorded with its outcome.
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
	Owner   string // the replica that ran it
	Trigger string // "schedule" or the user who ran it now
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

// RunRetention is how long run records are kept.
const RunRetention = 30 * 24 * time.Hour

// PruneJob is the daily job that removes old run records.
func PruneJob(runs RunStore, now func() time.Time) Job {
	return Job{Name: "prune-runs", Label: "清理任务运行记录", Spec: "30 3 * * *", LockFor: 10 * time.Minute,
		Run: func(ctx context.Context) (int, error) { return runs.PruneRuns(ctx, now().Add(-RunRetention)) }}
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
	cfg  Config
	cron *cron.Cron
	mu   sync.Mutex
	jobs map[string]Job
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
	s.mu.Lock()
	s.jobs[j.Name] = j
	s.mu.Unlock()
	_, err := s.cron.AddFunc(j.Spec, func() { s.Tick(context.Background(), j.Name) })
	if err != nil {
		return fmt.Errorf("schedule %s (%q): %w", j.Name, j.Spec, err)
	}
	return nil
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
func (s *Scheduler) Stop(ctx context.Context) {
	done := s.cron.Stop().Done()
	select {
	case <-done:
	case <-ctx.Done():
	}
}

// ErrHeld reports that another replica holds the job's lease.
var ErrHeld = errors.New("job lease held elsewhere")

// Tick runs one scheduled tick of a job if this replica gets its lease.
// It reports whether the job ran.
func (s *Scheduler) Tick(ctx context.Context, name string) bool {
	_, err := s.run(ctx, name, "schedule")
	if err != nil && !errors.Is(err, ErrHeld) {
		s.cfg.Logger.Error("job failed", "job", name, "error", err)
	}
	return err == nil || !errors.Is(err, ErrHeld)
}

// RunNow runs a job at once (an admin's button), under the same lease.
func (s *Scheduler) RunNow(ctx context.Context, name, user string) (Run, error) {
	r, err := s.run(ctx, name, user)
	switch {
	case errors.Is(err, ErrHeld):
		return r, apperr.Conflict("job_running", "该任务正在运行，请稍后再试")
	case apperr.Is(err, apperr.KindNotFound):
		return r, err
	}
	return r, nil // a failed run is recorded; the caller shows the record
}

func (s *Scheduler) run(ctx context.Context, name, trigger string) (Run, error) {
	s.mu.Lock()
	j, ok := s.jobs[name]
	s.mu.Unlock()
	if !ok {
		return Run{}, apperr.NotFound("任务")
	}
	start := s.cfg.Now().UTC()
	got, err := s.cfg.Lease.Acquire(ctx, "job:"+name, s.cfg.Owner, start, start.Add(j.LockFor))
	if err != nil {
		return Run{}, fmt.Errorf("lease for %s: %w", name, err)
	}
	if !got {
		return Run{}, ErrHeld
	}
	items, runErr := safeRun(ctx, j)
	end := s.cfg.Now().UTC()
	if err := s.cfg.Lease.Release(ctx, "job:"+name, s.cfg.Owner, end, start.Add(j.LockFor/2)); err != nil {
		s.cfg.Logger.Warn("job lease not released", "job", name, "error", err)
	}
	r := Run{ID: fmt.Sprintf("%s:%d:%s", name, start.UnixNano(), s.cfg.Owner), Job: name, Owner: s.cfg.Owner, Trigger: trigger,
		Start: start, End: end, Outcome: "ok", Items: items}
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
