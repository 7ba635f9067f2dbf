package mongostore

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// The benchmarks of this file measure the hot-path operations — find one
// document by _id, update it by _id, and update it through the
// compare-and-swap primitive — at several collection sizes, on the embedded
// FerretDB without and with the extra SQLite _id index (DESIGN.md §3).
// Figures and the command are in docs/PERFORMANCE.md.
//
//	go test -run '^$' -bench IDLookup -benchtime 2s ./mongostore/

// benchSizes are the collection sizes measured.
var benchSizes = []int{1_000, 20_000, 50_000}

// benchInsertBatch bounds each InsertMany, so setting up 50k documents
// stays a few dozen round trips.
const benchInsertBatch = 1_000

const benchColl = "bench_docs"

// benchDoc is shaped like a real state document: a few strings, numbers,
// a small array and the version field of the compare-and-swap.
type benchDoc struct {
	ID         string    `bson:"_id"`
	Name       string    `bson:"name"`
	Region     string    `bson:"region"`
	Status     string    `bson:"status"`
	Ceiling    int64     `bson:"ceiling_fen"`
	Tags       []string  `bson:"tags"`
	Note       string    `bson:"note"`
	Counter    int64     `bson:"counter"`
	UpdatedAt  time.Time `bson:"updated_at"`
	DocVersion `bson:",inline"`
}

func benchID(i int) string { return fmt.Sprintf("doc%07d", i) }

func newBenchDoc(i int) benchDoc {
	return benchDoc{
		ID:        benchID(i),
		Name:      fmt.Sprintf("兰州新区第%d号标准厂房建设项目环境影响评价", i),
		Region:    "620100",
		Status:    []string{"open", "opening", "publicity", "contracting"}[i%4],
		Ceiling:   int64(100_000 + i%1000*100),
		Tags:      []string{"环境影响评价", "财政资金", "随机抽取"},
		Note:      strings.Repeat("备注", 40),
		UpdatedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		DocVersion: DocVersion{
			Version: 1,
		},
	}
}

// fillBench inserts n documents in bounded batches.
func fillBench(b *testing.B, s *Store, n int) {
	b.Helper()
	ctx := context.Background()
	start := time.Now()
	for lo := 0; lo < n; lo += benchInsertBatch {
		hi := min(lo+benchInsertBatch, n)
		docs := make([]any, 0, hi-lo)
		for i := lo; i < hi; i++ {
			docs = append(docs, newBenchDoc(i))
		}
		if _, err := s.coll(benchColl).InsertMany(ctx, docs); err != nil {
			b.Fatalf("insert documents %d–%d: %v", lo, hi, err)
		}
	}
	b.Logf("inserted %d documents in %v", n, time.Since(start).Round(time.Millisecond))
}

// checkPlan fails unless the _id lookup plan of the bench collection is (or
// is not) an index seek.
func checkPlan(b *testing.B, s *Store, wantIndex bool) {
	b.Helper()
	plan, err := ExplainIDLookup(context.Background(), testSQLiteDir, s.DBName(), benchColl)
	if err != nil {
		b.Fatal(err)
	}
	usesIndex := strings.Contains(plan, "USING INDEX") && !strings.Contains(plan, "SCAN")
	if usesIndex != wantIndex {
		b.Fatalf("_id lookup plan %q: uses index %v, want %v", strings.TrimSpace(plan), usesIndex, wantIndex)
	}
}

// timed runs op b.N times on random documents and reports the median
// latency next to Go's mean (ns/op).
func timed(b *testing.B, n int, op func(ctx context.Context, id string, i int) error) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(uint64(n), 42))
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		id := benchID(rng.IntN(n))
		t0 := time.Now()
		if err := op(ctx, id, i); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2])/float64(time.Millisecond), "median-ms")
}

// runIDOps runs the three measured operations as sub-benchmarks.
func runIDOps(b *testing.B, s *Store, n int, variant string) {
	b.Run("index="+variant+"/findOne", func(b *testing.B) {
		timed(b, n, func(ctx context.Context, id string, _ int) error {
			var d benchDoc
			if err := s.coll(benchColl).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d); err != nil {
				return err
			}
			if d.ID != id {
				return fmt.Errorf("asked for %s, got %s", id, d.ID)
			}
			return nil
		})
	})
	b.Run("index="+variant+"/updateOne", func(b *testing.B) {
		timed(b, n, func(ctx context.Context, id string, i int) error {
			res, err := s.coll(benchColl).UpdateOne(ctx, bson.D{{Key: "_id", Value: id}},
				bson.D{{Key: "$set", Value: bson.D{{Key: "counter", Value: int64(i)}}}})
			if err == nil && res.MatchedCount != 1 {
				err = fmt.Errorf("updateOne %s matched %d documents", id, res.MatchedCount)
			}
			return err
		})
	})
	b.Run("index="+variant+"/updateCAS", func(b *testing.B) {
		timed(b, n, func(ctx context.Context, id string, _ int) error {
			_, err := updateDoc(ctx, s, benchColl, id, "文档", func(d *benchDoc) error {
				d.Counter++
				d.UpdatedAt = d.UpdatedAt.Add(time.Second)
				return nil
			})
			return err
		})
	})
}

func BenchmarkIDLookup(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("docs=%d", n), func(b *testing.B) {
			s := openTestStore(b)
			fillBench(b, s, n)
			if testSQLiteDir == "" {
				// An external MongoDB: its own _id index is always used.
				runIDOps(b, s, n, "mongodb")
				return
			}
			// The collection was created after Open, so it has only
			// FerretDB's own _id index, which lookups do not use.
			checkPlan(b, s, false)
			runIDOps(b, s, n, "none")
			if err := ensureIDIndexes(context.Background(), testSQLiteDir, s.DBName()); err != nil {
				b.Fatal(err)
			}
			checkPlan(b, s, true)
			runIDOps(b, s, n, "sqlite")
		})
	}
}
