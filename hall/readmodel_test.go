package hall

import (
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/agencyhall/agencyhall/registry"
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

// TestKeptCountsMatchAWalk: the counts, open projects and owners' lists kept as projects
// change, and the lists that use them, give what walking and filtering
// every project gives, for each kind of viewer and page.
func TestKeptCountsMatchAWalk(t *testing.T) {
	t0 := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	states := []State{StateDraft, StateReview, StateOpen, StatePublicity, StateEvaluated, StateCancelled}
	var s Service
	versions := map[string]int64{}
	put := func(i int, st State) {
		id := fmt.Sprintf("P%03d", i)
		versions[id]++
		s.cache.put(Project{ID: id, CreatedAt: t0.Add(time.Duration(i%17) * time.Hour), State: st,
			OwnerOrg: fmt.Sprintf("owner:%d", i%3), Version: versions[id]})
	}
	for i := range 120 {
		put(i, states[i%len(states)])
	}
	for i := 0; i < 120; i += 7 { // state changes, then one stale write
		put(i, states[(i/7)%len(states)])
	}
	s.cache.put(Project{ID: "P000", CreatedAt: t0, State: StateDraft, Version: 1})
	put(2, StatePublicity) // leaves the open projects
	put(3, StateOpen)      // joins them
	versions["P005"]++     // moved to another owner: lists by owner follow
	s.cache.put(Project{ID: "P005", CreatedAt: t0.Add(5 * time.Hour), State: StateOpen, OwnerOrg: "owner:1", Version: versions["P005"]})

	walk := map[State]int{}
	for _, p := range s.cache.newestFirst() {
		walk[p.State]++
	}
	if got := s.Counts(); !maps.Equal(got, walk) {
		t.Fatalf("kept counts %v, a walk counts %v", got, walk)
	}
	var open, kept []string
	for _, p := range s.cache.newestFirst() {
		if p.State == StateOpen {
			open = append(open, p.ID)
		}
	}
	for _, p := range s.cache.openNow() {
		kept = append(kept, p.ID+"/"+string(p.State))
		if p != s.cache.byID[p.ID] {
			t.Fatalf("kept open project %s is not its latest version", p.ID)
		}
	}
	slices.Sort(open)
	slices.Sort(kept)
	for i := range open {
		open[i] += "/" + string(StateOpen)
	}
	if !slices.Equal(kept, open) {
		t.Fatalf("kept open projects %v, a walk finds %v", kept, open)
	}

	viewers := []registry.Actor{{}, {Kind: registry.ActorAgency, OrgID: "agency:1"}, {Kind: registry.ActorOwner, OrgID: "owner:1"},
		{Kind: registry.ActorRegulator}}
	queries := []ListQuery{{}, {States: []State{StateOpen}}, {States: []State{StateOpen, StateOpen, StateDraft}},
		{States: []State{StateEvaluated, StatePublicity}, Page: 2, PageSize: 7}, {Page: 4, PageSize: 9}, {Page: 40},
		{OwnerOrg: "owner:1"}, {OwnerOrg: "owner:2", States: []State{StateOpen}}, {OwnerOrg: "owner:0", Page: 2, PageSize: 5}}
	for _, who := range viewers {
		for _, q := range queries {
			page, total := s.List(who, q)
			want, wantTotal := listByWalking(&s, who, q)
			if total != wantTotal || len(page) != len(want) {
				t.Fatalf("%+v %+v: %d of %d, want %d of %d", who, q, len(page), total, len(want), wantTotal)
			}
			for i := range page {
				if page[i].ID != want[i] {
					t.Fatalf("%+v %+v: item %d is %s, want %s", who, q, i, page[i].ID, want[i])
				}
			}
		}
	}
}

// listByWalking is List as a plain filter of every project, newest first.
func listByWalking(s *Service, who registry.Actor, q ListQuery) ([]string, int) {
	size := q.PageSize
	if size < 1 {
		size = 20
	}
	from := (max(q.Page, 1) - 1) * size
	var ids []string
	total := 0
	for _, p := range s.cache.newestFirst() {
		visible := p.State.Public() || (who.Kind == registry.ActorOwner && who.OrgID == p.OwnerOrg) || who.Supervises()
		if !visible || (len(q.States) > 0 && !slices.Contains(q.States, p.State)) || (q.OwnerOrg != "" && p.OwnerOrg != q.OwnerOrg) {
			continue
		}
		if total >= from && len(ids) < size {
			ids = append(ids, p.ID)
		}
		total++
	}
	return ids, total
}

// TestPublicGenerationMovesOnlyForWhatThePublicSees: drafts and
// announcements under review leave the public generation (which anonymous
// pages are cached on) alone; publishing, any change to a published
// project and withdrawing one move it. Every change moves Generation.
func TestPublicGenerationMovesOnlyForWhatThePublicSees(t *testing.T) {
	t0 := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	var s Service
	steps := []struct {
		id      string
		version int64
		state   State
		signups int
		moves   bool // the public generation
		stale   bool // older than the kept version: nothing moves
	}{
		{"P1", 1, StateDraft, 0, false, false},
		{"P1", 2, StateDraft, 0, false, false}, // edited
		{"P1", 3, StateReview, 0, false, false},
		{"P1", 4, StateOpen, 0, true, false}, // published
		{"P1", 5, StateOpen, 1, true, false}, // a sign-up: the public counts them
		{"P1", 4, StateOpen, 0, false, true}, // an older version arriving late changes nothing
		{"P2", 1, StateDraft, 0, false, false},
		{"P1", 6, StateCancelled, 1, true, false},
		{"P3", 1, StateOpen, 0, true, false},   // read from storage, published by another replica
		{"P3", 2, StateReview, 0, true, false}, // gone from public view
		{"P3", 3, StateDraft, 0, false, false},
	}
	for i, st := range steps {
		gen, public := s.Generation(), s.PublicGeneration()
		s.cache.put(Project{ID: st.id, CreatedAt: t0, State: st.state, Version: st.version, Signups: make([]Signup, st.signups)})
		if moved := s.Generation() != gen; moved == st.stale {
			t.Fatalf("step %d (%s v%d %s): generation moved %v", i, st.id, st.version, st.state, moved)
		}
		if moved := s.PublicGeneration() != public; moved != st.moves {
			t.Fatalf("step %d (%s v%d %s): public generation moved %v, want %v", i, st.id, st.version, st.state, moved, st.moves)
		}
	}
}
