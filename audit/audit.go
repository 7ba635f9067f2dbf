// Package audit keeps a tamper-evident log of every state change. Each
// record carries a sequence number and SHA-256(previous hash ‖ canonical
// record), so editing, removing or reordering a stored record breaks the
// chain at that point.
package audit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/agencyhall/agencyhall/apperr"
)

// Record is one audited action.
type Record struct {
	Seq       int64
	Time      time.Time
	ActorID   string // login name; empty for anonymous actions
	ActorRole string
	OrgID     string
	Action    string // e.g. "user.register", "POST /api/v1/tokens"
	Target    string // what was acted on
	RequestID string
	IP        string
	Summary   string // a human-readable summary of the change, never secrets or sealed amounts
	PrevHash  string
	Hash      string
}

// Entry is what callers supply; the log fills in sequence and hashes.
type Entry struct {
	Time      time.Time
	ActorID   string
	ActorRole string
	OrgID     string
	Action    string
	Target    string
	RequestID string
	IP        string
	Summary   string
}

// GenesisHash is the previous hash of the first record.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// canonical is the byte string that is hashed: a JSON array in a fixed
// field order, times in UTC with nanoseconds, so the hash does not depend
// on map ordering or the database's own encoding.
func canonical(r Record) []byte {
	b, _ := json.Marshal([]any{
		r.Seq, r.Time.UTC().Format(time.RFC3339Nano), r.ActorID, r.ActorRole, r.OrgID,
		r.Action, r.Target, r.RequestID, r.IP, r.Summary,
	})
	return b
}

// ComputeHash is SHA-256(prevHash ‖ canonical(r)) in hex.
func ComputeHash(r Record) string {
	h := sha256.New()
	h.Write([]byte(r.PrevHash))
	h.Write(canonical(r))
	return hex.EncodeToString(h.Sum(nil))
}

// Store is what the log needs from storage.
type Store interface {
	// Head returns the highest sequence number known to be written and its
	// hash (0 and GenesisHash for an empty log). It may lag behind.
	Head(ctx context.Context) (int64, string, error)
	// InsertMany writes records in order and stops at the first failure:
	// it returns how many it wrote, and a conflict when the next one's Seq
	// was taken — a taken Seq is how concurrent writers are serialised.
	InsertMany(ctx context.Context, rs []Record) (int, error)
	// Get reads the record with a sequence number.
	Get(ctx context.Context, seq int64) (Record, error)
	// AdvanceHead moves the head forward (never back).
	AdvanceHead(ctx context.Context, seq int64, hash string) error
	// Each streams every record in no particular order.
	Each(ctx context.Context, fn func(Record) error) error
	// List returns a filtered page, newest first.
	List(ctx context.Context, f Filter) ([]Record, int, error)
}

// Filter selects records for the audit browser.
type Filter struct {
	Actor    string
	Action   string // prefix
	Target   string // substring
	From, To time.Time
	Page     int
	PageSize int
}

// Log appends records to the chain.
type Log struct {
	store Store
	now   func() time.Time

	// Appends of this process are written in batches, one batch at a time
	// (group commit): entries that arrive while a batch is being written
	// wait and go together in the next one, as one insert of many records
	// and one head update. Appended one by one, each entry took three round
	// trips under one lock, and under load every write of the platform
	// queued behind them. Other processes still race by the unique
	// sequence number, as Append describes.
	mu      sync.Mutex // guards queue and writing
	queue   []*pendingAppend
	writing bool
	// The tail this process wrote last; only the one batch writer uses it.
	tailSeq   int64
	tailHash  string
	tailKnown bool
}

// pendingAppend is an entry waiting for its batch.
type pendingAppend struct {
	entry Entry
	rec   Record
	err   error
	done  chan struct{}
}

// NewLog builds the audit log.
func NewLog(store Store, now func() time.Time) *Log {
	if now == nil {
		now = time.Now
	}
	return &Log{store: store, now: now}
}

// maxAppendTries bounds the walk past sequence numbers taken by others.
const maxAppendTries = 1000

// maxBatch bounds one batch's insert.
const maxBatch = 200

// Append adds an entry at the end of the chain. Writers race by inserting
// the next sequence number: the unique _id decides, and a loser reads the
// winner's record, takes its hash as the new tail and tries the next number.
// The head document is only a hint for where the tail is, so a crash between
// the insert and the head update leaves the chain intact.
func (l *Log) Append(ctx context.Context, e Entry) (Record, error) {
	if e.Time.IsZero() {
		e.Time = l.now()
	}
	// BSON dates keep milliseconds; hash what will be read back.
	e.Time = e.Time.UTC().Truncate(time.Millisecond)
	p := &pendingAppend{entry: e, done: make(chan struct{})}
	l.mu.Lock()
	l.queue = append(l.queue, p)
	start := !l.writing
	l.writing = true
	l.mu.Unlock()
	if start {
		// The writer carries other requests' entries too, so this
		// request's end must not cut it short (the store's own operation
		// timeout still bounds every call).
		go l.writeQueued(context.WithoutCancel(ctx))
	}
	<-p.done
	return p.rec, p.err
}

// writeQueued writes batches until the queue is empty.
func (l *Log) writeQueued(ctx context.Context) {
	for {
		l.mu.Lock()
		batch := l.queue
		if len(batch) > maxBatch {
			batch, l.queue = batch[:maxBatch:maxBatch], batch[maxBatch:]
		} else {
			l.queue = nil
		}
		if len(batch) == 0 {
			l.writing = false
			l.mu.Unlock()
			return
		}
		l.mu.Unlock()
		l.writeBatch(ctx, batch)
		for _, p := range batch {
			close(p.done)
		}
	}
}

// writeBatch chains the entries after the tail and inserts them in order;
// when another process took a number first, it continues after that
// process's record.
func (l *Log) writeBatch(ctx context.Context, batch []*pendingAppend) {
	fail := func(todo []*pendingAppend, err error) {
		l.tailKnown = false // perhaps written all the same: find the tail again
		for _, p := range todo {
			p.err = err
		}
	}
	seq, hash := l.tailSeq, l.tailHash
	if !l.tailKnown {
		var err error
		if seq, hash, err = l.store.Head(ctx); err != nil {
			fail(batch, err)
			return
		}
	}
	todo, wrote := batch, false
	for try := 0; len(todo) > 0; try++ {
		if try == maxAppendTries {
			fail(todo, fmt.Errorf("audit append: gave up after %d tries", maxAppendTries))
			return
		}
		recs := make([]Record, len(todo))
		for i, p := range todo {
			e := p.entry
			r := Record{Seq: seq + 1 + int64(i), Time: e.Time, ActorID: e.ActorID, ActorRole: e.ActorRole, OrgID: e.OrgID,
				Action: e.Action, Target: e.Target, RequestID: e.RequestID, IP: e.IP, Summary: truncate(e.Summary, 2000)}
			r.PrevHash = hash
			if i > 0 {
				r.PrevHash = recs[i-1].Hash
			}
			r.Hash = ComputeHash(r)
			recs[i] = r
		}
		n, err := l.store.InsertMany(ctx, recs)
		for i := 0; i < n; i++ {
			todo[i].rec = recs[i]
		}
		if n > 0 {
			seq, hash, wrote = recs[n-1].Seq, recs[n-1].Hash, true
			l.tailSeq, l.tailHash, l.tailKnown = seq, hash, true
		}
		todo = todo[n:]
		if err == nil {
			break
		}
		if !apperr.Is(err, apperr.KindConflict) {
			fail(todo, err)
			return
		}
		taken, err := l.store.Get(ctx, seq+1)
		if err != nil {
			fail(todo, err)
			return
		}
		seq, hash = taken.Seq, taken.Hash
	}
	if wrote {
		if err := l.store.AdvanceHead(ctx, seq, hash); err != nil {
			for _, p := range batch {
				p.err = err // written, but say that the head did not move
			}
		}
	}
}

// List returns a page of records, newest first.
func (l *Log) List(ctx context.Context, f Filter) ([]Record, int, error) {
	if f.Page < 1 {
		f.Page = 1
	}
	if f.PageSize < 1 || f.PageSize > 100 {
		f.PageSize = 50
	}
	return l.store.List(ctx, f)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8Start(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }

// Verification is the outcome of walking the chain.
type Verification struct {
	Count    int64  // records checked and found intact
	BrokenAt int64  // sequence number of the first broken link, 0 when intact
	Reason   string // why it is broken
}

// OK reports whether the chain is intact.
func (v Verification) OK() bool { return v.BrokenAt == 0 }

// Verify walks the whole chain in sequence order and reports the first
// broken link: a missing sequence number, a previous hash that does not
// match, or a record whose content no longer matches its hash.
func Verify(ctx context.Context, store Store) (Verification, error) {
	head, _, err := store.Head(ctx)
	if err != nil {
		return Verification{}, err
	}
	var all []Record
	if err := store.Each(ctx, func(r Record) error { all = append(all, r); return nil }); err != nil {
		return Verification{}, err
	}
	bySeq := make(map[int64]Record, len(all))
	var maxSeq int64
	for _, r := range all {
		if _, dup := bySeq[r.Seq]; dup {
			return Verification{BrokenAt: r.Seq, Reason: "序号重复"}, nil
		}
		bySeq[r.Seq] = r
		if r.Seq > maxSeq {
			maxSeq = r.Seq
		}
	}
	prev := GenesisHash
	for seq := int64(1); seq <= maxSeq; seq++ {
		r, ok := bySeq[seq]
		switch {
		case !ok:
			return Verification{Count: seq - 1, BrokenAt: seq, Reason: "记录缺失"}, nil
		case r.PrevHash != prev:
			return Verification{Count: seq - 1, BrokenAt: seq, Reason: "前一条记录的哈希不匹配"}, nil
		case ComputeHash(r) != r.Hash:
			return Verification{Count: seq - 1, BrokenAt: seq, Reason: "记录内容已被修改"}, nil
		}
		prev = r.Hash
	}
	// The head is advanced only after its record is written, and it was
	// read before the walk, so a head beyond the last record walked means
	// records at the end were removed (appends during the walk only add
	// records after the head).
	if head > maxSeq {
		return Verification{Count: maxSeq, BrokenAt: maxSeq + 1, Reason: "记录缺失（链尾记录被删除）"}, nil
	}
	return Verification{Count: maxSeq}, nil
}
