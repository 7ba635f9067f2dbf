package mongostore

import (
	"context"
	"errors"
	"testing"
)

// FerretDB (embedded or on PostgreSQL) has no change stream: the store
// says so, and serve then follows nothing (one process serves the
// database). The stream's logic is tested with a fake in changefeed.
func TestChangeStreamNeedsAReplicaSet(t *testing.T) {
	s := openTestStore(t)
	open, err := s.ChangeStream(context.Background(), []string{FeedProjects})
	if s.Engine() == EngineMongoDB {
		if err != nil && !errors.Is(err, ErrNoChangeStream) {
			t.Fatalf("MongoDB: %v", err)
		}
		return
	}
	if !errors.Is(err, ErrNoChangeStream) || open != nil {
		t.Fatalf("%s: opener %v, error %v; want ErrNoChangeStream", s.Engine(), open != nil, err)
	}
}
