package hall

import (
	"context"
	"maps"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
)

// projects is the in-memory read model of every project (DESIGN.md §3):
// loaded at start, replaced after every write this process makes, so
// pages and pre-checks never decode a large project document from the
// database. Every decision still goes through the store's compare-and-swap.
//
// Entries are pointers to values nobody modifies: a change replaces the
// entry, so a reader holding one keeps a consistent snapshot, and lists
// filter and sort pointers instead of copying every project per request.
type projects struct {
	mu   sync.RWMutex
	byID map[string]*Project
	gen  atomic.Int64 // bumped on every change, so derived views know when to rebuild

	// publicGen is bumped only by changes the public can see: a project
	// that is or was published. Anonymous pages are cached on it; when
	// they were cached on gen, the load mix's new drafts (twenty a second
	// at a city) emptied the cache of every public page each time.
	publicGen atomic.Int64

	// newest is every project, newest first: the hall's default order,
	// kept so that a list request filters in order instead of sorting
	// every project. Built on first use, then kept by put: the sort key
	// (creation time, ID) never changes, so a binary search finds where a
	// project is or belongs, and put publishes a copy with its pointer
	// replaced or inserted there — a few microseconds, where rebuilding on
	// each creation held the lock for a sort of every project and stalled
	// every reader behind it. Readers share the slice; nobody modifies a
	// published one.
	newest []*Project

	// byState counts the projects in each state, kept by put: every hall
	// page shows counts and a list's total, and counting them walked every
	// project after each write.
	byState map[State]int

	// owned lists each owner's project IDs, so an owner's own list reads
	// its few projects instead of walking every one.
	owned map[string][]string

	// open holds the projects open for sign-up, kept by put: every
	// agency's list of opportunities reads them (a few hundred at a city),
	// where it walked all 20,000 projects per request.
	open map[string]*Project
}

func (m *projects) put(p Project) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.byID == nil {
		m.byID = map[string]*Project{}
	}
	old, ok := m.byID[p.ID]
	if ok && old.Version > p.Version {
		return // never replace a newer state with an older one
	}
	m.byID[p.ID] = &p
	m.gen.Add(1)
	if p.State.Public() || ok && old.State.Public() {
		m.publicGen.Add(1)
	}
	if m.byState == nil {
		m.byState, m.owned, m.open = map[State]int{}, map[string][]string{}, map[string]*Project{}
	}
	if p.State == StateOpen {
		m.open[p.ID] = &p
	} else {
		delete(m.open, p.ID)
	}
	if !ok {
		m.owned[p.OwnerOrg] = append(m.owned[p.OwnerOrg], p.ID)
	} else if old.OwnerOrg != p.OwnerOrg {
		m.owned[old.OwnerOrg] = slices.DeleteFunc(slices.Clone(m.owned[old.OwnerOrg]), func(id string) bool { return id == p.ID })
		m.owned[p.OwnerOrg] = append(m.owned[p.OwnerOrg], p.ID)
	}
	if ok {
		if m.byState[old.State]--; m.byState[old.State] == 0 {
			delete(m.byState, old.State) // as a count of every project would have it
		}
	}
	m.byState[p.State]++
	if m.newest == nil {
		return
	}
	if ok && !old.CreatedAt.Equal(p.CreatedAt) {
		m.newest = nil // a key changed after all: rebuild on next use
		return
	}
	i := sort.Search(len(m.newest), func(i int) bool { return !newer(m.newest[i], &p) })
	if i < len(m.newest) && m.newest[i].ID == p.ID {
		next := slices.Clone(m.newest)
		next[i] = &p
		m.newest = next
		return
	}
	m.newest = slices.Insert(slices.Clip(m.newest), i, &p)
}

// newestFirst returns every project ordered by creation, newest first (ID
// descending among equals), as shared read-only pointers.
func (m *projects) newestFirst() []*Project {
	m.mu.RLock()
	out := m.newest
	m.mu.RUnlock()
	if out != nil {
		return out
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.buildNewest()
	return m.newest
}

// view returns newestFirst and the count of projects in each state (a
// copy) as of one moment, so that a list's total matches its pages.
func (m *projects) view() ([]*Project, map[State]int) {
	m.mu.RLock()
	out, counts := m.newest, maps.Clone(m.byState)
	m.mu.RUnlock()
	if out != nil {
		return out, counts
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.buildNewest()
	return m.newest, maps.Clone(m.byState)
}

// openNow returns the projects open for sign-up, in no order.
func (m *projects) openNow() []*Project {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return slices.Collect(maps.Values(m.open))
}

// ownedNewestFirst returns the owner's projects, newest first.
func (m *projects) ownedNewestFirst(owner string) []*Project {
	m.mu.RLock()
	ids := m.owned[owner]
	out := make([]*Project, 0, len(ids))
	for _, id := range ids {
		out = append(out, m.byID[id])
	}
	m.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool { return newer(out[i], out[j]) })
	return out
}

// buildNewest sorts every project into newest, under the write lock.
func (m *projects) buildNewest() {
	if m.newest == nil {
		all := make([]*Project, 0, len(m.byID))
		for _, p := range m.byID {
			all = append(all, p)
		}
		sort.Slice(all, func(i, j int) bool { return newer(all[i], all[j]) })
		m.newest = all
	}
}

// newer is the hall's default order.
func newer(a, b *Project) bool {
	if !a.CreatedAt.Equal(b.CreatedAt) {
		return a.CreatedAt.After(b.CreatedAt)
	}
	return a.ID > b.ID
}

func (m *projects) get(id string) (Project, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	p, ok := m.byID[id]
	if !ok {
		return Project{}, false
	}
	return *p, true
}

// Load fills the read model from storage.
func (s *Service) Load(ctx context.Context) error {
	if err := s.LoadCalendar(ctx); err != nil {
		return err
	}
	return s.Store.EachProject(ctx, func(p Project) error { s.cache.put(p); return nil })
}

func (s *Service) create(ctx context.Context, p Project) error {
	if err := s.Store.CreateProject(ctx, p); err != nil {
		return err
	}
	p.Version = 1
	s.cache.put(p)
	return nil
}

func (s *Service) update(ctx context.Context, id string, fn func(*Project) error) (Project, error) {
	p, err := s.Store.UpdateProject(ctx, id, fn)
	if err == nil {
		s.cache.put(p)
	}
	return p, err
}

// read returns a project from the read model, or from storage (and then
// remembers it) when this process has not seen it.
func (s *Service) read(ctx context.Context, id string) (Project, error) {
	if p, ok := s.cache.get(id); ok {
		return p, nil
	}
	p, err := s.Store.GetProject(ctx, id)
	if err == nil {
		s.cache.put(p)
	}
	return p, err
}

// refresh reads a project from storage into the read model, after a swap
// showed that someone else changed it.
func (s *Service) refresh(ctx context.Context, id string) (Project, error) {
	p, err := s.Store.GetProject(ctx, id)
	if err == nil {
		s.cache.put(p)
	}
	return p, err
}

// Refresh re-reads one project into the read model: another replica
// changed it (the change stream says so).
func (s *Service) Refresh(ctx context.Context, id string) error {
	_, err := s.refresh(ctx, id)
	return err
}
