package mongostore

import "context"

// NextSequence atomically increments the named counter and returns the new
// value (1 for a new counter). It goes through compare-and-swap, since the
// embedded engine's $inc is not atomic.
func (s *Store) NextSequence(ctx context.Context, name string) (int64, error) {
	d, err := upsertDoc(ctx, s, collCounters, "seq:"+name, "计数器", func() counterDoc { return counterDoc{ID: "seq:" + name} },
		func(d *counterDoc) error { d.Seq++; return nil })
	return d.Seq, err
}
