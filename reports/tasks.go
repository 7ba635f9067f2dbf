package reports

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/agencyhall/agencyhall/apperr"
)

// Background exports. A large export is recorded as a task, written by a
// goroutine into blob storage with its progress saved as it goes, and
// offered for download until it is 24 hours old. The record lives in the
// database, so the page that shows it survives a reload; only one export
// runs at a time per process, so a burst of requests queues instead of
// taking both cores.

// TaskState is where a background export stands.
type TaskState string

const (
	TaskQueued  TaskState = "queued"
	TaskRunning TaskState = "running"
	TaskDone    TaskState = "done"
	TaskFailed  TaskState = "failed"
)

// Label is the Chinese name.
func (s TaskState) Label() string {
	return map[TaskState]string{TaskQueued: "排队中", TaskRunning: "生成中", TaskDone: "已完成", TaskFailed: "失败"}[s]
}

// Finished reports whether the task will not change any more.
func (s TaskState) Finished() bool { return s == TaskDone || s == TaskFailed }

// Task is one background export.
type Task struct {
	ID         string
	Kind       Kind
	Filters    Filters
	FilterText string // the filters in words
	Owner      string // the user who asked for it; only they may read it
	State      TaskState
	Done       int // rows written so far
	Total      int // rows counted when it was asked for
	FileKey    string
	FileName   string
	Size       int64
	Error      string
	Created    time.Time
	Started    time.Time
	Finished   time.Time
	Updated    time.Time // the last sign of life of the goroutine writing it
	Version    int64     // storage compare-and-swap version, read only
}

// Percent is the progress for a progress bar, 0–100.
func (t Task) Percent() int {
	switch {
	case t.State == TaskDone:
		return 100
	case t.Total <= 0:
		return 0
	}
	return min(t.Done*100/t.Total, 99)
}

// Expires is when the task and its file are removed.
func (t Task) Expires() time.Time { return t.Created.Add(TaskRetention) }

// TaskStore keeps the task records.
type TaskStore interface {
	CreateTask(ctx context.Context, t Task) error
	GetTask(ctx context.Context, id string) (Task, error)
	// UpdateTask applies fn by compare-and-swap; fn may run more than once.
	UpdateTask(ctx context.Context, id string, fn func(*Task) error) (Task, error)
	// ListTasks returns a user's latest tasks, newest first.
	ListTasks(ctx context.Context, owner string, limit int) ([]Task, error)
	EachTask(ctx context.Context, fn func(Task) error) error
	DeleteTask(ctx context.Context, id string) error
}

const (
	// TaskRetention is how long tasks and their files are kept.
	TaskRetention = 24 * time.Hour
	// staleAfter is how long a queued or running task may go without a
	// sign of life before the cleanup declares it lost (its process ended).
	staleAfter = 10 * time.Minute
	heartbeat  = time.Minute
)

// runner runs the background exports of this process.
type runner struct {
	slots  chan struct{}
	wg     sync.WaitGroup
	mu     sync.Mutex
	active map[string]bool
}

func newRunner() runner {
	return runner{slots: make(chan struct{}, 1), active: map[string]bool{}}
}

func (r *runner) setActive(id string, on bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if on {
		r.active[id] = true
	} else {
		delete(r.active, id)
	}
}

func (r *runner) isActive(id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.active[id]
}

// Wait waits for the background exports started so far (tests, shutdown).
func (s *Service) Wait() { s.wg.Wait() }

func newTaskID() string {
	b := make([]byte, 10)
	_, _ = rand.Read(b)
	return "EX" + hex.EncodeToString(b)
}

// Start records a background export for owner and starts writing it;
// total is its row count (from Count), or negative to count it here.
func (s *Service) Start(ctx context.Context, owner string, k Kind, f Filters, total int) (Task, error) {
	if total < 0 {
		n, err := s.Count(ctx, k, f)
		if err != nil {
			return Task{}, err
		}
		total = n
	}
	if _, err := lookup(k); err != nil {
		return Task{}, err
	}
	now := s.Now().UTC()
	t := Task{ID: newTaskID(), Kind: k, Filters: f, FilterText: f.Describe(k), Owner: owner, State: TaskQueued, Total: total,
		FileName: FileName(k, now), Created: now, Updated: now}
	if err := s.Tasks.CreateTask(ctx, t); err != nil {
		return Task{}, err
	}
	s.setActive(t.ID, true)
	s.wg.Add(1)
	go s.run(t)
	return t, nil
}

// run writes a task's file. It has its own context: the request that
// started it is over long before.
func (s *Service) run(t Task) {
	defer s.wg.Done()
	defer s.setActive(t.ID, false)
	ctx := context.Background()
	defer func() {
		if v := recover(); v != nil {
			s.fail(ctx, t.ID, fmt.Errorf("panic: %v", v))
		}
	}()
	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	for waiting := true; waiting; {
		select {
		case s.slots <- struct{}{}:
			waiting = false
		case <-tick.C:
			s.update(ctx, t.ID, func(x *Task) { x.Updated = s.Now().UTC() })
		}
	}
	defer func() { <-s.slots }()
	s.update(ctx, t.ID, func(x *Task) {
		x.State, x.Started, x.Updated = TaskRunning, s.Now().UTC(), s.Now().UTC()
	})
	key := taskFileKey(t.ID)
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w, err := s.Blobs.NewBlobWriter(wctx, key, ContentType)
	if err != nil {
		s.fail(ctx, t.ID, err)
		return
	}
	cw := &countingWriter{w: w}
	n, err := s.Export(ctx, cw, t.Kind, t.Filters, func(done int) {
		if done%s.ProgressEvery == 0 {
			s.update(ctx, t.ID, func(x *Task) { x.Done, x.Updated = done, s.Now().UTC() })
		}
	})
	if err != nil {
		cancel() // a cancelled writer discards what it was given
		_ = w.Close()
		_ = s.Blobs.DeleteBlob(ctx, key)
		s.fail(ctx, t.ID, err)
		return
	}
	if err := w.Close(); err != nil {
		s.fail(ctx, t.ID, err)
		return
	}
	s.update(ctx, t.ID, func(x *Task) {
		now := s.Now().UTC()
		x.State, x.Done, x.FileKey, x.Size, x.Finished, x.Updated = TaskDone, n, key, cw.n, now, now
		if n > x.Total {
			x.Total = n
		}
	})
}

func (s *Service) update(ctx context.Context, id string, fn func(*Task)) {
	if _, err := s.Tasks.UpdateTask(ctx, id, func(t *Task) error { fn(t); return nil }); err != nil {
		s.Logger.Warn("export task not updated", "task", id, "error", err)
	}
}

func (s *Service) fail(ctx context.Context, id string, err error) {
	s.Logger.Error("background export failed", "task", id, "error", err)
	s.update(ctx, id, func(x *Task) {
		now := s.Now().UTC()
		x.State, x.Error, x.Finished, x.Updated = TaskFailed, "导出失败，请稍后重试", now, now
	})
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// Task returns a task of its owner; anyone else learns nothing of it.
func (s *Service) Task(ctx context.Context, owner, id string) (Task, error) {
	t, err := s.Tasks.GetTask(ctx, id)
	if apperr.Is(err, apperr.KindNotFound) || (err == nil && t.Owner != owner) {
		return Task{}, apperr.NotFound("导出任务")
	}
	return t, err
}

// RecentTasks lists a user's latest tasks, newest first.
func (s *Service) RecentTasks(ctx context.Context, owner string, limit int) ([]Task, error) {
	return s.Tasks.ListTasks(ctx, owner, limit)
}

// OpenFile opens a finished task's file for its owner.
func (s *Service) OpenFile(ctx context.Context, owner, id string) (Task, io.ReadCloser, error) {
	t, err := s.Task(ctx, owner, id)
	if err != nil {
		return Task{}, nil, err
	}
	if t.State != TaskDone {
		return t, nil, apperr.Conflict("export_not_ready", "导出文件尚未生成完毕，请稍后再下载")
	}
	rc, err := s.Blobs.OpenBlob(ctx, t.FileKey)
	if apperr.Is(err, apperr.KindNotFound) {
		return t, nil, apperr.NotFound("导出文件")
	}
	return t, rc, err
}

// Cleanup removes tasks older than 24 hours with their files, and marks
// tasks whose process ended before they finished as failed. It returns the
// number of tasks removed (the scheduled job's count).
func (s *Service) Cleanup(ctx context.Context) (int, error) {
	now := s.Now().UTC()
	var old, lost []Task
	if err := s.Tasks.EachTask(ctx, func(t Task) error {
		switch {
		case now.Sub(t.Created) >= TaskRetention:
			old = append(old, t)
		case !t.State.Finished() && now.Sub(t.Updated) >= staleAfter && !s.isActive(t.ID):
			lost = append(lost, t)
		}
		return nil
	}); err != nil {
		return 0, err
	}
	n := 0
	for _, t := range old {
		// A task that failed after its file was written (a process killed
		// between closing the file and recording it) has no FileKey: its
		// file is at the key run writes to.
		key := t.FileKey
		if key == "" {
			key = taskFileKey(t.ID)
		}
		if err := s.Blobs.DeleteBlob(ctx, key); err != nil {
			return n, err
		}
		if err := s.Tasks.DeleteTask(ctx, t.ID); err != nil && !apperr.Is(err, apperr.KindNotFound) {
			return n, err
		}
		n++
	}
	for _, t := range lost {
		s.update(ctx, t.ID, func(x *Task) {
			if !x.State.Finished() {
				x.State, x.Error, x.Finished = TaskFailed, "导出中断（服务重启），请重新导出", now
			}
		})
	}
	return n, nil
}

// taskFileKey is where a task's file is written.
func taskFileKey(id string) string { return "exports/" + id + ".xlsx" }

// FailUnfinished marks every queued or running task failed and returns how
// many it marked. Call it at start-up when this process is the only one
// using the database (the embedded engine serves exactly one): such a task
// belonged to a process that ended without finishing it (kill -9, a crash,
// a power cut), nobody will finish it, and its owner should learn so at
// once rather than after staleAfter. Its file, if any, was never offered
// (only a finished task's file is). With several replicas on one database
// the cleanup job does this instead, for tasks without a sign of life.
func (s *Service) FailUnfinished(ctx context.Context) (int, error) {
	var lost []string
	if err := s.Tasks.EachTask(ctx, func(t Task) error {
		if !t.State.Finished() && !s.isActive(t.ID) {
			lost = append(lost, t.ID)
		}
		return nil
	}); err != nil {
		return 0, err
	}
	now := s.Now().UTC()
	for _, id := range lost {
		if _, err := s.Tasks.UpdateTask(ctx, id, func(x *Task) error {
			if !x.State.Finished() {
				x.State, x.Error, x.Finished, x.Updated = TaskFailed, "导出中断（服务重启），请重新导出", now, now
			}
			return nil
		}); err != nil {
			return 0, err
		}
	}
	return len(lost), nil
}
