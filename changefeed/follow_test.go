package changefeed

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"
)

// fakeDB is a log of changes; streams read it from a position, and the
// test breaks them or loses history on purpose.
type fakeDB struct {
	mu      sync.Mutex
	log     []Change
	oldest  int          // positions before this are gone (history lost)
	fail    map[int]bool // Next fails once when reaching this position
	opens   []string     // the resume token of each open
	refuse  int          // opens to refuse before succeeding
	changed chan struct{}
}

func newFakeDB() *fakeDB { return &fakeDB{fail: map[int]bool{}, changed: make(chan struct{}, 100)} }

func (db *fakeDB) write(coll, id string) {
	db.mu.Lock()
	db.log = append(db.log, Change{Collection: coll, ID: id, Token: []byte(fmt.Sprint(len(db.log) + 1))})
	db.mu.Unlock()
	db.changed <- struct{}{}
}

type fakeStream struct {
	db  *fakeDB
	pos int
}

func (db *fakeDB) open(_ context.Context, resume []byte) (Stream, error) {
	db.mu.Lock()
	defer db.mu.Unlock()
	db.opens = append(db.opens, string(resume))
	if db.refuse > 0 {
		db.refuse--
		return nil, errors.New("no primary")
	}
	pos := len(db.log) // a fresh stream starts now
	if resume != nil {
		fmt.Sscan(string(resume), &pos)
		if pos < db.oldest {
			return nil, ErrHistoryLost
		}
	}
	return &fakeStream{db: db, pos: pos}, nil
}

func (s *fakeStream) Next(ctx context.Context) (Change, error) {
	for {
		s.db.mu.Lock()
		if s.db.fail[s.pos] {
			delete(s.db.fail, s.pos)
			s.db.mu.Unlock()
			return Change{}, errors.New("connection reset")
		}
		if s.pos < len(s.db.log) {
			c := s.db.log[s.pos]
			s.pos++
			s.db.mu.Unlock()
			return c, nil
		}
		s.db.mu.Unlock()
		select {
		case <-ctx.Done():
			return Change{}, ctx.Err()
		case <-s.db.changed:
		case <-time.After(5 * time.Millisecond):
		}
	}
}

func (s *fakeStream) Close(context.Context) error { return nil }

// model is a read model that records what was applied to it.
type model struct {
	mu       sync.Mutex
	applied  []string
	reloads  int
	failOnce map[string]bool
}

func (m *model) apply(coll string) func(context.Context, string) error {
	return func(_ context.Context, id string) error {
		m.mu.Lock()
		defer m.mu.Unlock()
		if m.failOnce[coll+"/"+id] {
			delete(m.failOnce, coll+"/"+id)
			return errors.New("database busy")
		}
		m.applied = append(m.applied, coll+"/"+id)
		return nil
	}
}

func (m *model) snapshot() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.applied)
}

// run follows db until the model has applied want (or a second passes).
func run(t *testing.T, db *fakeDB, m *model, writes func(), want []string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	f := &Follower{Open: db.open, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Wait: func(int) time.Duration { return 0 },
		Apply:  map[string]func(context.Context, string) error{"projects": m.apply("projects"), "agencies": m.apply("agencies")},
		Reload: func(context.Context) error { m.mu.Lock(); m.reloads++; m.mu.Unlock(); return nil }}
	done := make(chan error)
	go func() { done <- f.Run(ctx) }()
	for len(db.opensSnapshot()) == 0 {
		time.Sleep(time.Millisecond)
	}
	writes()
	deadline := time.Now().Add(2 * time.Second)
	for !slices.Equal(m.snapshot(), want) && time.Now().Before(deadline) {
		time.Sleep(2 * time.Millisecond)
	}
	cancel()
	<-done
	if got := m.snapshot(); !slices.Equal(got, want) {
		t.Fatalf("applied %v, want %v", got, want)
	}
}

func (db *fakeDB) opensSnapshot() []string {
	db.mu.Lock()
	defer db.mu.Unlock()
	return slices.Clone(db.opens)
}

func TestFollowerAppliesChangesInOrder(t *testing.T) {
	db, m := newFakeDB(), &model{}
	run(t, db, m, func() {
		db.write("projects", "P1")
		db.write("sessions", "s1") // nobody's read model: ignored
		db.write("agencies", "A1")
		db.write("projects", "P1")
	}, []string{"projects/P1", "agencies/A1", "projects/P1"})
}

// A broken stream resumes after the last applied change: nothing is lost
// and nothing before it is applied again.
func TestFollowerResumesAfterTheLastChange(t *testing.T) {
	db, m := newFakeDB(), &model{}
	db.fail[2] = true
	db.refuse = 0
	run(t, db, m, func() {
		db.write("projects", "P1")
		db.write("projects", "P2")
		db.mu.Lock()
		db.refuse = 2 // the primary is being elected: two opens fail
		db.mu.Unlock()
		db.write("projects", "P3")
		db.write("agencies", "A1")
	}, []string{"projects/P1", "projects/P2", "projects/P3", "agencies/A1"})
	if opens := db.opensSnapshot(); opens[0] != "" || !slices.Contains(opens, "2") {
		t.Errorf("opens %q: first fresh, then after change 2", opens)
	}
}

// A change whose document cannot be read is tried again.
func TestFollowerRetriesAChangeNotApplied(t *testing.T) {
	db, m := newFakeDB(), &model{failOnce: map[string]bool{"projects/P2": true}}
	run(t, db, m, func() {
		db.write("projects", "P1")
		db.write("projects", "P2")
		db.write("projects", "P3")
	}, []string{"projects/P1", "projects/P2", "projects/P3"})
}

// When the stream cannot resume, the read models are reloaded and the
// stream starts afresh.
func TestFollowerReloadsWhenHistoryIsLost(t *testing.T) {
	db, m := newFakeDB(), &model{}
	db.fail[1] = true
	run(t, db, m, func() {
		db.mu.Lock()
		db.oldest = 5 // the oplog rolled over while the stream was down
		db.mu.Unlock()
		db.write("projects", "P1")
		db.write("projects", "P2")
		for len(m.snapshot()) == 0 {
			time.Sleep(time.Millisecond)
		}
		for m.reloadsSnapshot() == 0 {
			time.Sleep(time.Millisecond)
		}
		db.write("agencies", "A9")
	}, []string{"projects/P1", "agencies/A9"})
	if m.reloadsSnapshot() != 1 {
		t.Errorf("%d reloads, want 1", m.reloadsSnapshot())
	}
}

func (m *model) reloadsSnapshot() int { m.mu.Lock(); defer m.mu.Unlock(); return m.reloads }
