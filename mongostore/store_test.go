package mongostore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/agencyhall/agencyhall/apperr"
)

// The tests of this package cannot use mongotest (it imports this package),
// so they start their own server the same way.
var testURI, testSQLiteDir string
var dbCounter atomic.Int64

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	if uri := os.Getenv("AGENCYHALL_TEST_MONGO_URI"); uri != "" {
		testURI = uri
		return m.Run()
	}
	dir, err := os.MkdirTemp("", "mongostore-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	e, err := StartEmbedded(context.Background(), dir, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer e.Stop()
	testURI, testSQLiteDir = e.URI(), e.Dir()
	return m.Run()
}

func openTestStore(t testing.TB) *Store {
	t.Helper()
	s, err := Open(context.Background(), Config{URI: testURI, DB: fmt.Sprintf("ms%d", dbCounter.Add(1)), SQLiteDir: testSQLiteDir,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.CloseAndDrop(context.Background()) })
	return s
}

// openSecondStore opens another store on first's database, as a second
// process would: its per-process locks are not first's. Closed at cleanup.
func openSecondStore(t testing.TB, first *Store) *Store {
	t.Helper()
	s, err := Open(context.Background(), Config{URI: testURI, DB: first.DBName(), SQLiteDir: testSQLiteDir,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	return s
}

// TestEngineDetected checks the buildInfo detection that picks the
// compare-and-swap strategy. The embedded server must be FerretDB; for an
// external server, AGENCYHALL_TEST_MONGO_ENGINE (mongodb or ferretdb) says
// what it is — .ci/run sets ferretdb for FerretDB on PostgreSQL.
func TestEngineDetected(t *testing.T) {
	s := openTestStore(t)
	want := Engine(os.Getenv("AGENCYHALL_TEST_MONGO_ENGINE"))
	if os.Getenv("AGENCYHALL_TEST_MONGO_URI") == "" {
		want = EngineFerretDB
	}
	t.Logf("engine detected from buildInfo: %s", s.Engine())
	if want != "" && s.Engine() != want {
		t.Fatalf("server detected as %q, want %q", s.Engine(), want)
	}
}

func TestIDLookupUsesIndex(t *testing.T) {
	if testSQLiteDir == "" {
		t.Skip("AGENCYHALL_TEST_MONGO_URI is set: the extra SQLite _id index exists only on the embedded engine, whose files this test inspects")
	}
	s := openTestStore(t)
	for _, c := range collections {
		plan, err := ExplainIDLookup(context.Background(), testSQLiteDir, s.DBName(), c.name)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(plan, "USING INDEX") || strings.Contains(plan, "SCAN") {
			t.Errorf("collection %s: _id lookup does not use an index:\n%s", c.name, plan)
		}
	}
}

func TestNextSequenceConcurrent(t *testing.T) {
	s := openTestStore(t)
	const writers, each = 8, 200
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				if _, err := s.NextSequence(context.Background(), "test"); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	got, err := s.NextSequence(context.Background(), "test")
	if err != nil {
		t.Fatal(err)
	}
	if got != writers*each+1 {
		t.Fatalf("after %d increments the next value is %d, want %d", writers*each, got, writers*each+1)
	}
}

type stateDoc struct {
	ID         string `bson:"_id"`
	State      string `bson:"state"`
	Winner     string `bson:"winner"`
	DocVersion `bson:",inline"`
}

func TestConcurrentTransitionsOneWins(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	for round := 0; round < 20; round++ {
		id := fmt.Sprintf("p%d", round)
		if err := insertDoc(ctx, s, collCounters, "doc", stateDoc{ID: id, State: "open", DocVersion: DocVersion{1}}); err != nil {
			t.Fatal(err)
		}
		var wins atomic.Int32
		var wg sync.WaitGroup
		for w := 0; w < 2; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				_, err := updateDoc(ctx, s, collCounters, id, "doc", func(d *stateDoc) error {
					if d.State != "open" {
						return apperr.Conflict("state", "not open")
					}
					d.State, d.Winner = "opening", fmt.Sprint(w)
					return nil
				})
				if err == nil {
					wins.Add(1)
				} else if !apperr.Is(err, apperr.KindConflict) {
					t.Error(err)
				}
			}(w)
		}
		wg.Wait()
		if wins.Load() != 1 {
			t.Fatalf("round %d: %d transitions from open succeeded, want exactly 1", round, wins.Load())
		}
	}
}

func TestSwapRejectsStaleVersion(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	if err := insertDoc(ctx, s, collCounters, "doc", stateDoc{ID: "x", State: "a", DocVersion: DocVersion{1}}); err != nil {
		t.Fatal(err)
	}
	next := &stateDoc{ID: "x", State: "b"}
	if err := swap(ctx, s, collCounters, "x", 1, next); err != nil {
		t.Fatal(err)
	}
	stale := &stateDoc{ID: "x", State: "c"}
	if err := swap(ctx, s, collCounters, "x", 1, stale); !errors.Is(err, errVersionMismatch) {
		t.Fatalf("stale swap: got %v, want version mismatch", err)
	}
	got, _ := getDoc[stateDoc](ctx, s, collCounters, "x", "doc")
	if got.State != "b" || got.Version != 2 {
		t.Fatalf("document is %+v, want state b version 2", got)
	}
}

func TestLeaseTwoSchedulersEachTickOnce(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	leases := s.Leases()
	base := time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)
	const ticks = 50
	runs := make([]atomic.Int32, ticks)
	var wg sync.WaitGroup
	for _, owner := range []string{"replica-a", "replica-b"} {
		wg.Add(1)
		go func(owner string) {
			defer wg.Done()
			for tick := 0; tick < ticks; tick++ {
				now := base.Add(time.Duration(tick) * time.Minute)
				ok, err := leases.Acquire(ctx, "job:score", owner, now, now.Add(50*time.Second))
				if err != nil {
					t.Error(err)
					return
				}
				if ok {
					runs[tick].Add(1)
					if err := leases.Release(ctx, "job:score", owner, now.Add(time.Second), now.Add(30*time.Second)); err != nil {
						t.Error(err)
					}
				}
			}
		}(owner)
	}
	wg.Wait()
	for i := range runs {
		if n := runs[i].Load(); n != 1 {
			t.Errorf("tick %d ran %d times, want exactly once", i, n)
		}
	}
}

func TestTranslateNotFound(t *testing.T) {
	s := openTestStore(t)
	_, err := getDoc[stateDoc](context.Background(), s, collCounters, "missing", "项目")
	if !apperr.Is(err, apperr.KindNotFound) {
		t.Fatalf("got %v, want not found", err)
	}
	if e, _ := apperr.As(err); e.Message != "项目不存在" {
		t.Fatalf("message %q", e.Message)
	}
}
