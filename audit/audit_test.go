package audit_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/audit"
	"github.com/agencyhall/agencyhall/mongostore/mongotest"
)

var srv *mongotest.Server

func TestMain(m *testing.M) { os.Exit(mongotest.Run(m, &srv)) }

// clock is the injected time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newClock() *clock {
	// Nanoseconds on purpose: the log must hash what BSON keeps (milliseconds).
	return &clock{t: time.Date(2026, 5, 11, 8, 0, 0, 123456789, time.UTC)}
}

func entry(i int) audit.Entry {
	return audit.Entry{ActorID: fmt.Sprintf("user%d", i%5), ActorRole: "agency", OrgID: "agency:x",
		Action: "user.login", Target: fmt.Sprintf("user:%d", i), RequestID: fmt.Sprintf("req-%d", i),
		IP: "192.0.2.1", Summary: fmt.Sprintf("第 %d 次登录", i)}
}

// appendN writes n records one after another, moving the clock a second each time.
func appendN(t *testing.T, l *audit.Log, c *clock, n int) []audit.Record {
	t.Helper()
	var out []audit.Record
	for i := 1; i <= n; i++ {
		r, err := l.Append(context.Background(), entry(i))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
		c.Advance(time.Second)
	}
	return out
}

func mustVerify(t *testing.T, s audit.Store) audit.Verification {
	t.Helper()
	v, err := audit.Verify(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestConcurrentWritersLeaveValidChain(t *testing.T) {
	st := srv.Store(t).Audit()
	c := newClock()
	l := audit.NewLog(st, c.Now)
	const writers = 50
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	start := make(chan struct{})
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			if _, err := l.Append(context.Background(), entry(w)); err != nil {
				errs <- err
			}
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	v := mustVerify(t, st)
	if !v.OK() || v.Count != writers {
		t.Fatalf("verification %+v, want an intact chain of %d", v, writers)
	}
	var seqs []int64
	targets := map[string]bool{}
	err := st.Each(context.Background(), func(r audit.Record) error {
		seqs = append(seqs, r.Seq)
		targets[r.Target] = true
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(seqs)
	if len(seqs) != writers || seqs[0] != 1 || seqs[len(seqs)-1] != writers {
		t.Fatalf("%d records with sequence numbers %v, want exactly 1…%d", len(seqs), seqs, writers)
	}
	if len(targets) != writers {
		t.Fatalf("%d distinct entries stored, want %d (an entry was lost or written twice)", len(targets), writers)
	}
	if seq, _, err := st.Head(context.Background()); err != nil || seq != writers {
		t.Fatalf("head at %d (%v), want %d", seq, err, writers)
	}
}

func TestAppendLinksRecords(t *testing.T) {
	st := srv.Store(t).Audit()
	c := newClock()
	l := audit.NewLog(st, c.Now)
	if v := mustVerify(t, st); !v.OK() || v.Count != 0 {
		t.Fatalf("empty log: %+v", v)
	}
	recs := appendN(t, l, c, 5)
	prev := audit.GenesisHash
	for i, r := range recs {
		if r.Seq != int64(i+1) || r.PrevHash != prev || r.Hash != audit.ComputeHash(r) || len(r.Hash) != 64 {
			t.Fatalf("record %d: %+v (previous hash %s)", i+1, r, prev)
		}
		if r.Time.Nanosecond()%int(time.Millisecond) != 0 || r.Time.Location() != time.UTC {
			t.Fatalf("record time %v is not UTC milliseconds", r.Time)
		}
		// What is read back is exactly what was hashed.
		got, err := st.Get(context.Background(), r.Seq)
		if err != nil {
			t.Fatal(err)
		}
		if !got.Time.Equal(r.Time) || got.Summary != r.Summary || got.Hash != r.Hash || audit.ComputeHash(got) != r.Hash {
			t.Fatalf("read back %+v, wrote %+v", got, r)
		}
		prev = r.Hash
	}
	if v := mustVerify(t, st); !v.OK() || v.Count != 5 {
		t.Fatalf("verification %+v", v)
	}
}

func TestAppendExplicitTime(t *testing.T) {
	st := srv.Store(t).Audit()
	l := audit.NewLog(st, newClock().Now)
	at := time.Date(2026, 1, 2, 3, 4, 5, 999999999, time.FixedZone("CST", 8*3600))
	e := entry(1)
	e.Time = at
	r, err := l.Append(context.Background(), e)
	if err != nil {
		t.Fatal(err)
	}
	if want := at.UTC().Truncate(time.Millisecond); !r.Time.Equal(want) {
		t.Fatalf("time %v, want %v", r.Time, want)
	}
}

func TestLongSummaryIsTruncatedOnACharacterBoundary(t *testing.T) {
	st := srv.Store(t).Audit()
	l := audit.NewLog(st, newClock().Now)
	e := entry(1)
	e.Summary = "x" + strings.Repeat("审", 1000) // 3001 bytes; 2000 falls inside a character
	r, err := l.Append(context.Background(), e)
	if err != nil {
		t.Fatal(err)
	}
	if !utf8.ValidString(r.Summary) || !strings.HasSuffix(r.Summary, "…") || len(r.Summary) > 2000+len("…") {
		t.Fatalf("summary of %d bytes, valid UTF-8 %v", len(r.Summary), utf8.ValidString(r.Summary))
	}
	if v := mustVerify(t, st); !v.OK() {
		t.Fatalf("verification %+v", v)
	}
}

// forgetfulHead never records the head, as if the process died between
// writing each record and moving the head.
type forgetfulHead struct{ audit.Store }

func (forgetfulHead) AdvanceHead(context.Context, int64, string) error { return nil }

func TestChainSurvivesALaggingHead(t *testing.T) {
	real := srv.Store(t).Audit()
	c := newClock()
	appendN(t, audit.NewLog(real, c.Now), c, 3)
	// Later writers start from a head that is stuck at 3.
	lagging := audit.NewLog(forgetfulHead{real}, c.Now)
	appendN(t, lagging, c, 4)
	if seq, _, _ := real.Head(context.Background()); seq != 3 {
		t.Fatalf("head moved to %d; the test does not simulate a lagging head", seq)
	}
	// And concurrently, too.
	var wg sync.WaitGroup
	for i := 0; i < 5; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := lagging.Append(context.Background(), entry(100+i)); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if v := mustVerify(t, real); !v.OK() || v.Count != 12 {
		t.Fatalf("verification %+v, want an intact chain of 12", v)
	}
}

// view presents the stored records through change, which may alter a record
// or drop it (ok false), the way an attacker with database access could.
type view struct {
	audit.Store
	change func(audit.Record) (audit.Record, bool)
}

func (v view) Each(ctx context.Context, fn func(audit.Record) error) error {
	return v.Store.Each(ctx, func(r audit.Record) error {
		if r, ok := v.change(r); ok {
			return fn(r)
		}
		return nil
	})
}

func TestVerifyFindsTheFirstBrokenLink(t *testing.T) {
	st := srv.Store(t).Audit()
	c := newClock()
	recs := appendN(t, audit.NewLog(st, c.Now), c, 10)
	const (
		reasonEdited  = "记录内容已被修改"
		reasonMissing = "记录缺失"
		reasonLink    = "前一条记录的哈希不匹配"
		reasonDup     = "序号重复"
	)
	at := func(seq int64, f func(*audit.Record)) func(audit.Record) (audit.Record, bool) {
		return func(r audit.Record) (audit.Record, bool) {
			if r.Seq == seq {
				f(&r)
			}
			return r, true
		}
	}
	cases := []struct {
		name     string
		change   func(audit.Record) (audit.Record, bool)
		brokenAt int64
		reason   string
	}{
		{"summary edited", at(4, func(r *audit.Record) { r.Summary = "无事发生" }), 4, reasonEdited},
		{"actor edited", at(7, func(r *audit.Record) { r.ActorID = "mallory" }), 7, reasonEdited},
		{"time moved by a millisecond", at(2, func(r *audit.Record) { r.Time = r.Time.Add(time.Millisecond) }), 2, reasonEdited},
		{"target edited", at(10, func(r *audit.Record) { r.Target = "user:0" }), 10, reasonEdited},
		{"first record edited", at(1, func(r *audit.Record) { r.IP = "10.0.0.1" }), 1, reasonEdited},
		{"edited and re-hashed", at(5, func(r *audit.Record) { r.Summary = "无事发生"; r.Hash = audit.ComputeHash(*r) }), 6, reasonLink},
		{"previous hash replaced", at(3, func(r *audit.Record) { r.PrevHash = audit.GenesisHash }), 3, reasonLink},
		{"record missing", func(r audit.Record) (audit.Record, bool) { return r, r.Seq != 6 }, 6, reasonMissing},
		{"first record missing", func(r audit.Record) (audit.Record, bool) { return r, r.Seq != 1 }, 1, reasonMissing},
		{"sequence numbers swapped", func(r audit.Record) (audit.Record, bool) {
			switch r.Seq {
			case 8:
				r.Seq = 9
			case 9:
				r.Seq = 8
			}
			return r, true
		}, 8, reasonLink},
		{"sequence number duplicated", at(9, func(r *audit.Record) { r.Seq = 8 }), 8, reasonDup},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := mustVerify(t, view{Store: st, change: tc.change})
			if v.BrokenAt != tc.brokenAt || v.Reason != tc.reason || v.OK() {
				t.Fatalf("verification %+v, want broken at %d: %s", v, tc.brokenAt, tc.reason)
			}
			if tc.reason != reasonDup && v.Count != tc.brokenAt-1 {
				t.Fatalf("%d records reported intact, want %d", v.Count, tc.brokenAt-1)
			}
		})
	}
	// The stored chain itself is untouched.
	if v := mustVerify(t, st); !v.OK() || v.Count != int64(len(recs)) {
		t.Fatalf("verification %+v", v)
	}
}

func TestList(t *testing.T) {
	st := srv.Store(t).Audit()
	c := newClock()
	l := audit.NewLog(st, c.Now)
	start := c.Now().Truncate(time.Millisecond)
	entries := []audit.Entry{
		{ActorID: "alice", Action: "user.login", Target: "user:alice"},
		{ActorID: "bob", Action: "user.login", Target: "user:bob"},
		{ActorID: "alice", Action: "token.create", Target: "token:abc"},
		{ActorID: "admin", Action: "user.disable", Target: "user:bob"},
		{ActorID: "alice", Action: "user.logout", Target: "user:alice"},
	}
	for _, e := range entries {
		if _, err := l.Append(context.Background(), e); err != nil {
			t.Fatal(err)
		}
		c.Advance(time.Minute)
	}
	cases := []struct {
		name   string
		filter audit.Filter
		want   []int64 // sequence numbers, newest first
		total  int
	}{
		{"all", audit.Filter{}, []int64{5, 4, 3, 2, 1}, 5},
		{"by actor", audit.Filter{Actor: "alice"}, []int64{5, 3, 1}, 3},
		{"by action prefix", audit.Filter{Action: "user."}, []int64{5, 4, 2, 1}, 4},
		{"by exact action", audit.Filter{Action: "user.login"}, []int64{2, 1}, 2},
		{"by target substring", audit.Filter{Target: "bob"}, []int64{4, 2}, 2},
		{"from (inclusive)", audit.Filter{From: start.Add(2 * time.Minute)}, []int64{5, 4, 3}, 3},
		{"to (exclusive)", audit.Filter{To: start.Add(2 * time.Minute)}, []int64{2, 1}, 2},
		{"combined", audit.Filter{Actor: "alice", Action: "user.", To: start.Add(4 * time.Minute)}, []int64{1}, 1},
		{"page 1 of 2", audit.Filter{PageSize: 2}, []int64{5, 4}, 5},
		{"page 3 of 3", audit.Filter{Page: 3, PageSize: 2}, []int64{1}, 5},
		{"past the end", audit.Filter{Page: 9, PageSize: 2}, nil, 5},
		{"page size over 100 falls back to 50", audit.Filter{PageSize: 1000}, []int64{5, 4, 3, 2, 1}, 5},
		{"nothing matches", audit.Filter{Actor: "nobody"}, nil, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			recs, total, err := l.List(context.Background(), tc.filter)
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, r := range recs {
				got = append(got, r.Seq)
			}
			if !slices.Equal(got, tc.want) || total != tc.total {
				t.Fatalf("got %v of %d, want %v of %d", got, total, tc.want, tc.total)
			}
		})
	}
}

func TestActionLabel(t *testing.T) {
	cases := []struct{ action, want string }{
		{"user.login", "登录"},
		{"user.logout", "退出"},
		{"user.register", "注册"},
		{"project.publish", "发布项目"},
		{"project.quote", "提交密封报价"},
		{"POST /undeclared", "POST /undeclared"},
	}
	for _, tc := range cases {
		if got := audit.ActionLabel(tc.action); got != tc.want {
			t.Errorf("ActionLabel(%q) = %q, want %q", tc.action, got, tc.want)
		}
	}
}

// TestTwoProcessesShareTheChain: two logs on one store (two replicas)
// append concurrently; each batches its own writers, and the two race by
// sequence number. Nothing may be lost, doubled or unlinked.
func TestTwoProcessesShareTheChain(t *testing.T) {
	st := srv.Store(t).Audit()
	c := newClock()
	logs := []*audit.Log{audit.NewLog(st, c.Now), audit.NewLog(st, c.Now)}
	const perLog = 40
	var wg sync.WaitGroup
	start := make(chan struct{})
	for li, l := range logs {
		for w := range perLog {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				if _, err := l.Append(context.Background(), entry(li*perLog+w)); err != nil {
					t.Error(err)
				}
			}()
		}
	}
	close(start)
	wg.Wait()
	const total = 2 * perLog
	if v := mustVerify(t, st); !v.OK() || v.Count != total {
		t.Fatalf("verification %+v, want an intact chain of %d", v, total)
	}
	targets := map[string]bool{}
	if err := st.Each(context.Background(), func(r audit.Record) error { targets[r.Target] = true; return nil }); err != nil {
		t.Fatal(err)
	}
	if len(targets) != total {
		t.Fatalf("%d distinct entries stored, want %d", len(targets), total)
	}
}

// TestInsertManyStopsAtATakenNumber: the batch insert writes in order up
// to the first taken sequence number and reports how far it got.
func TestInsertManyStopsAtATakenNumber(t *testing.T) {
	st := srv.Store(t).Audit()
	rec := func(seq int64) audit.Record {
		return audit.Record{Seq: seq, Time: time.Date(2026, 5, 11, 8, 0, 0, 0, time.UTC), Action: "user.login",
			Target: fmt.Sprintf("user:%d", seq), Hash: fmt.Sprintf("h%d", seq)}
	}
	if n, err := st.InsertMany(context.Background(), []audit.Record{rec(3)}); n != 1 || err != nil {
		t.Fatalf("seeding seq 3: %d, %v", n, err)
	}
	tests := []struct {
		name     string
		seqs     []int64
		wantN    int
		conflict bool
	}{
		{"free numbers", []int64{1, 2}, 2, false},
		{"third taken", []int64{4, 5, 3, 6}, 2, true},
		{"first taken", []int64{1, 7}, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rs []audit.Record
			for _, s := range tt.seqs {
				rs = append(rs, rec(s))
			}
			n, err := st.InsertMany(context.Background(), rs)
			if n != tt.wantN || apperr.Is(err, apperr.KindConflict) != tt.conflict {
				t.Fatalf("InsertMany(%v) = %d, %v; want %d, conflict %v", tt.seqs, n, err, tt.wantN, tt.conflict)
			}
		})
	}
}
