package mongostore

import (
	"context"
	"testing"
)

// TestNextSequenceAcrossProcesses: a store remembers the counter it wrote
// last; when another process moved the counter in between, the remembered
// state is stale and the next number must still follow the other's.
func TestNextSequenceAcrossProcesses(t *testing.T) {
	a := openTestStore(t)
	b := openSecondStore(t, a)
	steps := []struct {
		s    *Store
		want int64
	}{
		{a, 1}, {a, 2}, {b, 3}, {a, 4}, {a, 5}, {b, 6}, {b, 7}, {a, 8},
	}
	for i, st := range steps {
		got, err := st.s.NextSequence(context.Background(), "projects")
		if err != nil {
			t.Fatal(err)
		}
		if got != st.want {
			t.Fatalf("step %d: got %d, want %d", i, got, st.want)
		}
	}
}
