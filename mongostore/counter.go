package mongostore

import (
	"context"
	"errors"
)

// NextSequence atomically increments the named counter and returns the new
// value (1 for a new counter). It goes through compare-and-swap, since the
// embedded engine's $inc is not atomic.
//
// The store remembers the value and version it wrote last, so the next
// increment is one conditional replace on that version instead of a read
// and a write: project numbers come from one counter, and under load every
// project creation queued behind those two round trips. When another
// process moved the counter, the condition fails and the full
// read-modify-write runs.
func (s *Store) NextSequence(ctx context.Context, name string) (int64, error) {
	id := "seq:" + name
	if n, ok, err := s.nextCachedSequence(ctx, id); ok || err != nil {
		return n, err
	}
	d, err := upsertDoc(ctx, s, collCounters, id, "计数器", func() counterDoc { return counterDoc{ID: id} },
		func(d *counterDoc) error { d.Seq++; return nil })
	if err == nil {
		s.rememberSequence(id, d)
	}
	return d.Seq, err
}

// nextCachedSequence tries the increment from the remembered state; ok is
// false when there is none or it is stale.
func (s *Store) nextCachedSequence(ctx context.Context, id string) (int64, bool, error) {
	defer s.lockDoc(collCounters, id)()
	s.seqMu.Lock()
	known, ok := s.seqs[id]
	s.seqMu.Unlock()
	if !ok {
		return 0, false, nil
	}
	next := known
	next.Seq++
	err := replaceAtVersion[counterDoc](ctx, s, collCounters, id, known.getVersion(), &next)
	s.seqMu.Lock()
	defer s.seqMu.Unlock()
	switch {
	case errors.Is(err, errVersionMismatch):
		delete(s.seqs, id) // another process moved it: read it again
		return 0, false, nil
	case err != nil:
		delete(s.seqs, id) // perhaps written all the same
		return 0, false, translate(err, "计数器")
	}
	s.seqs[id] = next
	return next.Seq, true, nil
}

func (s *Store) rememberSequence(id string, d counterDoc) {
	s.seqMu.Lock()
	defer s.seqMu.Unlock()
	if s.seqs == nil {
		s.seqs = map[string]counterDoc{}
	}
	s.seqs[id] = d
}
