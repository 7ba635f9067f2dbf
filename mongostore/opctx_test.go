package mongostore

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// TestCursorCloseOutlivesTheCallersContext: a stream stopped because its
// caller's context ended must still end its cursor on the server. A cursor
// left open holds a server connection — and on FerretDB with PostgreSQL a
// table lock that made a later drop of the database hang the whole server.
func TestCursorCloseOutlivesTheCallersContext(t *testing.T) {
	s := openTestStore(t)
	const coll = "cursor_probe"
	docs := make([]any, 50)
	for i := range docs {
		docs[i] = bson.D{{Key: "_id", Value: i}}
	}
	if _, err := s.coll(coll).InsertMany(context.Background(), docs); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		cancel bool
	}{
		{"caller still waiting", false},
		{"caller gone", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			cur, err := s.coll(coll).Find(ctx, bson.D{}, options.Find().SetBatchSize(5))
			if err != nil {
				t.Fatal(err)
			}
			if !cur.Next(ctx) {
				t.Fatalf("no first document: %v", cur.Err())
			}
			id := cur.ID()
			if id == 0 {
				t.Fatal("the server answered everything in the first batch; the probe needs an open cursor")
			}
			if tt.cancel {
				cancel()
			}
			if err := cur.Close(ctx); err != nil {
				t.Fatalf("close: %v", err)
			}
			var res struct {
				Killed   []int64 `bson:"cursorsKilled"`
				NotFound []int64 `bson:"cursorsNotFound"`
			}
			cmd := bson.D{{Key: "killCursors", Value: coll}, {Key: "cursors", Value: bson.A{id}}}
			if err := s.db.RunCommand(context.Background(), cmd).Decode(&res); err != nil {
				t.Fatal(err)
			}
			if len(res.Killed) != 0 {
				t.Fatalf("cursor %d was still open on the server after Close", id)
			}
		})
	}
}

// TestUpdateStormFromThreeReplicas: 300 writers send 900 concurrent
// updates from three clients (three replicas) on an external server; 150
// writers send 300 from one client on the embedded engine. Against FerretDB on PostgreSQL with the
// driver's default pool of 100, most of them timed out and the server stayed
// jammed afterwards (each update holds one PostgreSQL connection while it
// waits for a second); the store's cap on FerretDB connections keeps them
// all flowing. CI runs this against that engine too.
func TestUpdateStormFromThreeReplicas(t *testing.T) {
	first := openTestStore(t)
	const coll, docs = "storm_probe", 300
	writers, rounds := 300, 3
	if testSQLiteDir != "" {
		// One client in any case (below); fewer updates keep the race
		// detector's run of this in-process engine near 20 s.
		writers, rounds = 150, 2
	}
	seed := make([]any, docs)
	for i := range seed {
		seed[i] = bson.D{{Key: "_id", Value: i}, {Key: "n", Value: 0}}
	}
	if _, err := first.coll(coll).InsertMany(context.Background(), seed); err != nil {
		t.Fatal(err)
	}
	replicas := []*Store{first}
	if testSQLiteDir == "" {
		// An external server serves replicas; the embedded engine serves
		// one process, whose single client gets all the writers.
		for range 2 {
			replicas = append(replicas, openSecondStore(t, first))
		}
	}
	var failed atomic.Int64
	var firstErr sync.Once
	var wg sync.WaitGroup
	for r, s := range replicas {
		for w := range writers / len(replicas) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				id := (r*writers/len(replicas) + w) % docs
				for range rounds {
					_, err := s.coll(coll).UpdateOne(context.Background(), bson.D{{Key: "_id", Value: id}},
						bson.D{{Key: "$inc", Value: bson.D{{Key: "n", Value: 1}}}})
					if err != nil {
						failed.Add(1)
						firstErr.Do(func() { t.Log(err) })
					}
				}
			}()
		}
	}
	wg.Wait()
	if n := failed.Load(); n > 0 {
		t.Fatalf("%d of %d concurrent updates failed", n, writers*rounds)
	}
	var sum struct {
		N int `bson:"n"`
	}
	cur, err := first.db.Collection(coll).Aggregate(context.Background(), bson.A{
		bson.D{{Key: "$group", Value: bson.D{{Key: "_id", Value: nil}, {Key: "n", Value: bson.D{{Key: "$sum", Value: "$n"}}}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer cur.Close(context.Background())
	if !cur.Next(context.Background()) {
		t.Fatal(cur.Err())
	}
	if err := cur.Decode(&sum); err != nil {
		t.Fatal(err)
	}
	if want := writers * rounds; sum.N != want {
		t.Fatalf("counters add up to %d, want %d", sum.N, want)
	}
}

func TestURISetsMaxPoolSize(t *testing.T) {
	tests := []struct {
		uri  string
		want bool
	}{
		{"mongodb://127.0.0.1:27017/", false},
		{"mongodb://127.0.0.1:27017/?maxPoolSize=40", true},
		{"mongodb://127.0.0.1:27017/?maxpoolsize=40&w=majority", true},
		{"mongodb://127.0.0.1:27017/?minPoolSize=2", false},
	}
	for _, tt := range tests {
		if got := uriSetsMaxPoolSize(tt.uri); got != tt.want {
			t.Errorf("uriSetsMaxPoolSize(%q) = %v, want %v", tt.uri, got, tt.want)
		}
	}
}

func TestRetryBusy(t *testing.T) {
	busy := errors.New("(InternalError) [collection.go:177 sqlite.(*collection).UpdateAll.func1] database is locked (5) (SQLITE_BUSY)")
	other := errors.New("E11000 duplicate key error")
	tests := []struct {
		name      string
		errs      []error // one per call; calls past the end succeed
		wantCalls int
		wantErr   error
	}{
		{"succeeds at once", nil, 1, nil},
		{"busy twice, then done", []error{busy, busy}, 3, nil},
		{"busy every time", []error{busy, busy, busy, busy, busy}, busyRetries + 1, busy},
		{"other errors are not retried", []error{other}, 1, other},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			_, err := retryBusy(context.Background(), func(context.Context) (int, error) {
				calls++
				if calls <= len(tt.errs) {
					return 0, tt.errs[calls-1]
				}
				return 1, nil
			})
			if calls != tt.wantCalls || !errors.Is(err, tt.wantErr) {
				t.Fatalf("%d calls, %v; want %d calls, %v", calls, err, tt.wantCalls, tt.wantErr)
			}
		})
	}
}
