package mongostore

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/reports"
)

func TestExportTaskStore(t *testing.T) {
	s := openTestStore(t).ExportTasks()
	ctx := context.Background()
	base := time.Date(2026, 11, 26, 1, 0, 0, 0, time.UTC)
	for i, owner := range []string{"reg1", "reg2", "reg1"} {
		task := reports.Task{ID: fmt.Sprint("EX", i), Kind: reports.KindProjects, Owner: owner, State: reports.TaskQueued, Total: 100,
			Filters: reports.Filters{Region: "6201", From: base, Active: true}, FilterText: "地区：6201", Created: base.Add(time.Duration(i) * time.Minute)}
		if err := s.CreateTask(ctx, task); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.CreateTask(ctx, reports.Task{ID: "EX0"}); !apperr.Is(err, apperr.KindConflict) {
		t.Fatalf("duplicate task: %v", err)
	}
	got, err := s.GetTask(ctx, "EX0")
	if err != nil || got.Version != 1 || !got.Filters.From.Equal(base) || !got.Filters.Active || got.Filters.Region != "6201" {
		t.Fatalf("read back %+v, %v", got, err)
	}

	// Progress written by one goroutine while another reads: every update lands.
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 5 {
				if _, err := s.UpdateTask(ctx, "EX0", func(x *reports.Task) error { x.Done += 5; return nil }); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	if got, _ := s.GetTask(ctx, "EX0"); got.Done != 100 || got.Version != 21 {
		t.Fatalf("after 20 concurrent updates: done %d, version %d", got.Done, got.Version)
	}

	list, err := s.ListTasks(ctx, "reg1", 10)
	if err != nil || len(list) != 2 || list[0].ID != "EX2" || list[1].ID != "EX0" {
		t.Fatalf("reg1's tasks %+v, %v", list, err)
	}
	n := 0
	if err := s.EachTask(ctx, func(reports.Task) error { n++; return nil }); err != nil || n != 3 {
		t.Fatalf("each: %d, %v", n, err)
	}
	if err := s.DeleteTask(ctx, "EX1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetTask(ctx, "EX1"); !apperr.Is(err, apperr.KindNotFound) {
		t.Fatalf("deleted task: %v", err)
	}
	if _, err := s.UpdateTask(ctx, "nope", func(*reports.Task) error { return nil }); !apperr.Is(err, apperr.KindNotFound) {
		t.Fatalf("update of a missing task: %v", err)
	}
}
