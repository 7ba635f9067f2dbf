package hall

import "context"

// Each calls fn with every project of the read model under its read lock,
// without first copying the whole set as All does, so batch work over many
// projects (exports, reports) keeps memory flat. fn must be quick, must not
// keep p and must not call the hall service. Callers must not modify p.
func (s *Service) Each(fn func(p *Project)) {
	s.cache.mu.RLock()
	defer s.cache.mu.RUnlock()
	for _, p := range s.cache.byID {
		fn(p)
	}
}

// Peek returns a project from the read model only: no storage read and no
// lazy state change (Get may open a project whose time has come).
func (s *Service) Peek(id string) (Project, bool) { return s.cache.get(id) }

// Generation changes whenever the read model does: views derived from
// every project (the open-data feed) rebuild only when it moved.
func (s *Service) Generation() int64 { return s.cache.gen.Load() }

// PublicGeneration changes whenever a project the public can see does
// (published now or before the change); drafts and announcements under
// review leave it alone. Anonymous pages are cached on it.
func (s *Service) PublicGeneration() int64 { return s.cache.publicGen.Load() }

// Stream hands every project to fn straight from storage, in creation
// order, one at a time and without the read model: for exports of any
// size, whose memory must not depend on how many projects there are.
// A project is current as of when the stream reached it.
func (s *Service) Stream(ctx context.Context, fn func(p *Project) error) error {
	return s.Store.EachProject(ctx, func(p Project) error { return fn(&p) })
}
