package mongostore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/audit"
)

type auditDoc struct {
	ID        string    `bson:"_id"` // zero-padded sequence number
	Seq       int64     `bson:"seq"`
	Time      time.Time `bson:"time"`
	ActorID   string    `bson:"actor_id"`
	ActorRole string    `bson:"actor_role"`
	OrgID     string    `bson:"org_id"`
	Action    string    `bson:"action"`
	Target    string    `bson:"target"`
	RequestID string    `bson:"request_id"`
	IP        string    `bson:"ip"`
	Summary   string    `bson:"summary"`
	PrevHash  string    `bson:"prev_hash"`
	Hash      string    `bson:"hash"`
}

func auditID(seq int64) string { return fmt.Sprintf("%012d", seq) }

func (d auditDoc) toRecord() audit.Record {
	return audit.Record{Seq: d.Seq, Time: d.Time.UTC(), ActorID: d.ActorID, ActorRole: d.ActorRole, OrgID: d.OrgID, Action: d.Action,
		Target: d.Target, RequestID: d.RequestID, IP: d.IP, Summary: d.Summary, PrevHash: d.PrevHash, Hash: d.Hash}
}

type counterDoc struct {
	ID         string `bson:"_id"`
	Seq        int64  `bson:"seq"`
	Hash       string `bson:"hash,omitempty"`
	DocVersion `bson:",inline"`
}

const auditHeadID = "audit_head"

// AuditStore implements audit.Store.
type AuditStore struct{ s *Store }

// Audit returns the audit chain store.
func (s *Store) Audit() *AuditStore { return &AuditStore{s: s} }

var _ audit.Store = (*AuditStore)(nil)

func (a *AuditStore) Head(ctx context.Context) (int64, string, error) {
	d, err := getDoc[counterDoc](ctx, a.s, collCounters, auditHeadID, "审计链")
	if apperr.Is(err, apperr.KindNotFound) {
		return 0, audit.GenesisHash, nil
	}
	return d.Seq, d.Hash, err
}

func auditDocOf(r audit.Record) auditDoc {
	return auditDoc{ID: auditID(r.Seq), Seq: r.Seq, Time: r.Time, ActorID: r.ActorID, ActorRole: r.ActorRole,
		OrgID: r.OrgID, Action: r.Action, Target: r.Target, RequestID: r.RequestID, IP: r.IP, Summary: r.Summary,
		PrevHash: r.PrevHash, Hash: r.Hash}
}

// InsertMany is one ordered insert: the server stops at the first error
// and reports its index, which is how many went in.
func (a *AuditStore) InsertMany(ctx context.Context, rs []audit.Record) (int, error) {
	docs := make([]any, len(rs))
	for i, r := range rs {
		docs[i] = auditDocOf(r)
	}
	_, err := a.s.coll(collAudit).InsertMany(ctx, docs)
	if err == nil {
		a.s.wrote(collAudit)
		return len(rs), nil
	}
	n := 0
	var bwe mongo.BulkWriteException
	if errors.As(err, &bwe) && len(bwe.WriteErrors) > 0 && bwe.WriteConcernError == nil {
		n = bwe.WriteErrors[0].Index
	}
	if n > 0 {
		a.s.wrote(collAudit)
	}
	return n, translate(err, "审计记录")
}

func (a *AuditStore) Get(ctx context.Context, seq int64) (audit.Record, error) {
	d, err := getDoc[auditDoc](ctx, a.s, collAudit, auditID(seq), "审计记录")
	return d.toRecord(), err
}

func (a *AuditStore) AdvanceHead(ctx context.Context, seq int64, hash string) error {
	_, err := upsertDoc(ctx, a.s, collCounters, auditHeadID, "审计链", func() counterDoc { return counterDoc{ID: auditHeadID} },
		func(d *counterDoc) error {
			if seq > d.Seq {
				d.Seq, d.Hash = seq, hash
			}
			return nil
		})
	return err
}

func (a *AuditStore) Each(ctx context.Context, fn func(audit.Record) error) error {
	cur, err := a.s.coll(collAudit).Find(ctx, bson.D{})
	if err != nil {
		return translate(err, "审计记录")
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var d auditDoc
		if err := cur.Decode(&d); err != nil {
			return translate(err, "审计记录")
		}
		if err := fn(d.toRecord()); err != nil {
			return err
		}
	}
	return translate(cur.Err(), "审计记录")
}

func (a *AuditStore) List(ctx context.Context, f audit.Filter) ([]audit.Record, int, error) {
	filter := bson.D{}
	if f.Actor != "" {
		filter = append(filter, bson.E{Key: "actor_id", Value: f.Actor})
	}
	page, err := findPage(ctx, a.s, collAudit, "审计记录", filter, bson.D{{Key: "seq", Value: -1}}, f.Page, f.PageSize,
		func(d auditDoc) bool {
			if f.Action != "" && !strings.HasPrefix(d.Action, f.Action) {
				return false
			}
			if f.Target != "" && !strings.Contains(d.Target, f.Target) {
				return false
			}
			if !f.From.IsZero() && d.Time.Before(f.From) {
				return false
			}
			if !f.To.IsZero() && !d.Time.Before(f.To) {
				return false
			}
			return true
		})
	out := make([]audit.Record, 0, len(page.items))
	for _, d := range page.items {
		out = append(out, d.toRecord())
	}
	return out, page.total, err
}
