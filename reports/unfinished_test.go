package reports

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/agencyhall/agencyhall/apperr"
)

// TestFailUnfinished: at the start of the only process on a database,
// every unfinished task is an interrupted one and is reported failed at
// once; finished ones are left alone; nothing unfinished is downloadable.
func TestFailUnfinished(t *testing.T) {
	fx := newFixture(t, testWorld(7), nil)
	ctx := context.Background()
	for _, x := range []Task{
		{ID: "running", Owner: "reg1", State: TaskRunning, Done: 3, Total: 7, Created: testNow.Add(-time.Minute), Updated: testNow},
		{ID: "queued", Owner: "reg1", State: TaskQueued, Created: testNow.Add(-time.Minute), Updated: testNow},
		{ID: "done", Owner: "reg1", State: TaskDone, FileKey: taskFileKey("done"), Created: testNow.Add(-time.Hour), Updated: testNow},
		{ID: "failed", Owner: "reg1", State: TaskFailed, Error: "x", Created: testNow.Add(-time.Hour), Updated: testNow},
	} {
		if err := fx.tasks.CreateTask(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	n, err := fx.svc.FailUnfinished(ctx)
	if err != nil || n != 2 {
		t.Fatalf("FailUnfinished: %d, %v; want 2", n, err)
	}
	for id, want := range map[string]TaskState{"running": TaskFailed, "queued": TaskFailed, "done": TaskDone, "failed": TaskFailed} {
		got, _ := fx.tasks.GetTask(ctx, id)
		if got.State != want {
			t.Errorf("%s: %s, want %s", id, got.State, want)
		}
		if want == TaskFailed && (got.Error == "" || got.Finished.IsZero() && id != "failed") {
			t.Errorf("%s: failed without a reason or an end: %+v", id, got)
		}
	}
	if _, _, err := fx.svc.OpenFile(ctx, "reg1", "running"); !apperr.Is(err, apperr.KindConflict) {
		t.Errorf("download of an interrupted export: %v", err)
	}
	if n, err := fx.svc.FailUnfinished(ctx); err != nil || n != 0 {
		t.Errorf("second FailUnfinished: %d, %v", n, err)
	}
}

// TestCleanupRemovesFileOfFailedTask: a task killed after writing its file
// but before recording it has no FileKey; the cleanup still removes the file.
func TestCleanupRemovesFileOfFailedTask(t *testing.T) {
	fx := newFixture(t, testWorld(7), nil)
	ctx := context.Background()
	w, err := fx.svc.Blobs.NewBlobWriter(ctx, taskFileKey("orphan"), ContentType)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bytes.NewBufferString("PK…").WriteTo(w); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := fx.tasks.CreateTask(ctx, Task{ID: "orphan", Owner: "reg1", State: TaskFailed, Created: testNow.Add(-TaskRetention - time.Hour),
		Updated: testNow.Add(-TaskRetention)}); err != nil {
		t.Fatal(err)
	}
	if n, err := fx.svc.Cleanup(ctx); err != nil || n != 1 {
		t.Fatalf("cleanup: %d, %v", n, err)
	}
	if _, err := fx.svc.Blobs.OpenBlob(ctx, taskFileKey("orphan")); !apperr.Is(err, apperr.KindNotFound) {
		t.Errorf("file of the failed task after cleanup: %v", err)
	}
}
