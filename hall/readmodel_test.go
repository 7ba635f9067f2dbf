package hall

import (
	"testing"
	"time"
)

// TestNewestFirstFollowsChanges: the cached default order shows each
// project's latest state, takes new projects in, ignores stale versions,
// and never changes a slice a reader already holds.
func TestNewestFirstFollowsChanges(t *testing.T) {
	t0 := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	proj := func(id string, created time.Time, state State, version int64) Project {
		return Project{ID: id, CreatedAt: created, State: state, Version: version}
	}
	var m projects
	m.put(proj("P1", t0, StateDraft, 1))
	m.put(proj("P2", t0.Add(time.Hour), StateDraft, 1))
	m.put(proj("P0", t0, StateDraft, 1)) // same time as P1: ID descending
	type want struct {
		id    string
		state State
	}
	check := func(step string, got []*Project, wants ...want) {
		t.Helper()
		if len(got) != len(wants) {
			t.Fatalf("%s: %d projects, want %d", step, len(got), len(wants))
		}
		for i, w := range wants {
			if got[i].ID != w.id || got[i].State != w.state {
				t.Fatalf("%s: position %d is %s (%s), want %s (%s)", step, i, got[i].ID, got[i].State, w.id, w.state)
			}
		}
	}
	first := m.newestFirst()
	check("built", first, want{"P2", StateDraft}, want{"P1", StateDraft}, want{"P0", StateDraft})

	m.put(proj("P1", t0, StateOpen, 2))
	check("changed", m.newestFirst(), want{"P2", StateDraft}, want{"P1", StateOpen}, want{"P0", StateDraft})
	check("held by a reader", first, want{"P2", StateDraft}, want{"P1", StateDraft}, want{"P0", StateDraft})

	m.put(proj("P1", t0, StateDraft, 1)) // an older version arriving late
	check("stale ignored", m.newestFirst(), want{"P2", StateDraft}, want{"P1", StateOpen}, want{"P0", StateDraft})

	m.put(proj("P3", t0.Add(2*time.Hour), StateDraft, 1))
	check("created", m.newestFirst(), want{"P3", StateDraft}, want{"P2", StateDraft}, want{"P1", StateOpen}, want{"P0", StateDraft})

	m.put(proj("P9", t0.Add(30*time.Minute), StateOpen, 4)) // an older one read late from storage
	check("inserted in its place", m.newestFirst(), want{"P3", StateDraft}, want{"P2", StateDraft}, want{"P9", StateOpen},
		want{"P1", StateOpen}, want{"P0", StateDraft})
}
