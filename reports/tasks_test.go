package reports

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/agencyhall/agencyhall/apperr"
)

func TestBackgroundExport(t *testing.T) {
	w := testWorld(70)
	fx := newFixture(t, w, func(c *Config) { c.BackgroundRows, c.ProgressEvery = 20, 15 })
	ctx := context.Background()
	n, err := fx.svc.Count(ctx, KindProjects, Filters{})
	if err != nil || !fx.svc.Background(n) || fx.svc.Background(20) {
		t.Fatalf("count %d (%v): 70 rows must run in the background, 20 not", n, err)
	}
	task, err := fx.svc.Start(ctx, "reg1", KindProjects, Filters{Region: "62"}, -1)
	if err != nil {
		t.Fatal(err)
	}
	if task.State != TaskQueued || task.Total != 70 || task.FilterText != "地区：62（甘肃省）" {
		t.Fatalf("new task %+v", task)
	}
	fx.svc.Wait()

	// queued → running → progress every 15 rows → done.
	var states []TaskState
	var progress []int
	for _, h := range fx.tasks.history {
		if len(states) == 0 || states[len(states)-1] != h.State {
			states = append(states, h.State)
		}
		if h.State == TaskRunning && h.Done > 0 {
			progress = append(progress, h.Done)
		}
	}
	if len(states) != 3 || states[0] != TaskQueued || states[1] != TaskRunning || states[2] != TaskDone {
		t.Fatalf("states %v, want queued, running, done", states)
	}
	if want := []int{15, 30, 45, 60}; len(progress) != len(want) || progress[0] != 15 || progress[3] != 60 {
		t.Fatalf("progress %v, want %v", progress, want)
	}
	done, err := fx.svc.Task(ctx, "reg1", task.ID)
	if err != nil {
		t.Fatal(err)
	}
	if done.Done != 70 || done.Percent() != 100 || done.Size == 0 || done.Finished.IsZero() || done.FileKey == "" {
		t.Fatalf("finished task %+v", done)
	}
	if list, _ := fx.svc.RecentTasks(ctx, "reg1", 10); len(list) != 1 || list[0].ID != task.ID {
		t.Fatalf("recent tasks %+v", list)
	}

	// The owner downloads it; nobody else sees it.
	_, rc, err := fx.svc.OpenFile(ctx, "reg1", task.ID)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(rc)
	rc.Close()
	if int64(len(b)) != done.Size {
		t.Fatalf("file of %d bytes, task says %d", len(b), done.Size)
	}
	checkSheet(t, open(t, b), sheetCheck{"选取项目", projectColumns, 70})
	for _, who := range []string{"reg2", ""} {
		if _, err := fx.svc.Task(ctx, who, task.ID); !apperr.Is(err, apperr.KindNotFound) {
			t.Errorf("task read by %q: %v", who, err)
		}
		if _, _, err := fx.svc.OpenFile(ctx, who, task.ID); !apperr.Is(err, apperr.KindNotFound) {
			t.Errorf("file read by %q: %v", who, err)
		}
	}

	// A day later the cleanup job removes the task and its file.
	if n, err := fx.svc.Cleanup(ctx); err != nil || n != 0 {
		t.Fatalf("cleanup of a fresh task: %d, %v", n, err)
	}
	fx.setNow(testNow.Add(TaskRetention + time.Minute))
	if n, err := fx.svc.Cleanup(ctx); err != nil || n != 1 {
		t.Fatalf("cleanup: %d, %v", n, err)
	}
	if _, err := fx.svc.Task(ctx, "reg1", task.ID); !apperr.Is(err, apperr.KindNotFound) {
		t.Errorf("task after cleanup: %v", err)
	}
	if _, err := fx.svc.Blobs.OpenBlob(ctx, done.FileKey); !apperr.Is(err, apperr.KindNotFound) {
		t.Errorf("file after cleanup: %v", err)
	}
}

func TestCleanupFailsLostTasks(t *testing.T) {
	fx := newFixture(t, testWorld(7), nil)
	ctx := context.Background()
	for _, x := range []Task{
		{ID: "lost", Owner: "reg1", State: TaskRunning, Created: testNow.Add(-time.Hour), Updated: testNow.Add(-staleAfter - time.Second)},
		{ID: "alive", Owner: "reg1", State: TaskRunning, Created: testNow.Add(-time.Hour), Updated: testNow.Add(-time.Minute)},
		{ID: "waiting", Owner: "reg1", State: TaskQueued, Created: testNow.Add(-time.Hour), Updated: testNow.Add(-staleAfter)},
	} {
		if err := fx.tasks.CreateTask(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := fx.svc.Cleanup(ctx); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]TaskState{"lost": TaskFailed, "alive": TaskRunning, "waiting": TaskFailed} {
		if got, _ := fx.tasks.GetTask(ctx, id); got.State != want {
			t.Errorf("%s: %s, want %s", id, got.State, want)
		}
	}
}

// brokenBlobs fails every write.
type brokenBlobs struct{ BlobStore }

func (brokenBlobs) NewBlobWriter(context.Context, string, string) (io.WriteCloser, error) {
	return nil, errors.New("disk full")
}

func TestBackgroundExportFailure(t *testing.T) {
	fx := newFixture(t, testWorld(30), func(c *Config) { c.BackgroundRows = 5; c.Blobs = brokenBlobs{} })
	ctx := context.Background()
	task, err := fx.svc.Start(ctx, "reg1", KindProjects, Filters{}, 30)
	if err != nil {
		t.Fatal(err)
	}
	fx.svc.Wait()
	got, _ := fx.svc.Task(ctx, "reg1", task.ID)
	if got.State != TaskFailed || got.Error == "" || got.FileKey != "" {
		t.Fatalf("task %+v, want failed", got)
	}
	if _, _, err := fx.svc.OpenFile(ctx, "reg1", task.ID); !apperr.Is(err, apperr.KindConflict) {
		t.Fatalf("download of a failed export: %v", err)
	}
}
