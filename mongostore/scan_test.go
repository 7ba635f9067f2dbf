package mongostore

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/agencyhall/agencyhall/hall"
)

// TestEachDocStopsAndPanicsOnTheCaller checks the decoding goroutine of
// eachDoc over several chunks: every document once and in stored order,
// fn's error ends the scan early, and fn's panic is raised again on the
// caller's goroutine (where an HTTP handler's recovery sees it) instead of
// ending the process.
func TestEachDocStopsAndPanicsOnTheCaller(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	const n = 300 // several chunks of 64
	ps := make([]hall.Project, n)
	for i := range ps {
		ps[i] = storedProject(fmt.Sprintf("P%04d", i))
	}
	if err := s.Hall().PutProjects(ctx, ps); err != nil {
		t.Fatal(err)
	}
	var ids []string
	if err := s.Hall().EachProject(ctx, func(p hall.Project) error { ids = append(ids, p.ID); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(ids) != n || ids[0] != "P0000" || ids[n-1] != fmt.Sprintf("P%04d", n-1) {
		t.Fatalf("read %d projects, first %v", len(ids), ids[:min(3, len(ids))])
	}
	for i := 1; i < len(ids); i++ {
		if ids[i] <= ids[i-1] {
			t.Fatalf("out of creation order at %d: %s after %s", i, ids[i], ids[i-1])
		}
	}

	stop, seen := errors.New("stop"), 0
	err := s.Hall().EachProject(ctx, func(hall.Project) error {
		seen++
		if seen == 100 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || seen != 100 {
		t.Errorf("after an error: %v, %d calls", err, seen)
	}

	defer func() {
		if r := recover(); r != "boom" {
			t.Errorf("recovered %v, want fn's panic", r)
		}
	}()
	calls := 0
	_ = s.Hall().EachProject(ctx, func(hall.Project) error {
		if calls++; calls == 70 {
			panic("boom")
		}
		return nil
	})
	t.Error("EachProject returned after fn panicked")
}
