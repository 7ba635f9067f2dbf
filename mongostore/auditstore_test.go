package mongostore

import (
	"context"
	"fmt"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/agencyhall/agencyhall/audit"
)

// writeChain appends n audit records through the real log and store.
func writeChain(t *testing.T, s *Store, n int) {
	t.Helper()
	at := time.Date(2026, 5, 11, 8, 0, 0, 0, time.UTC)
	l := audit.NewLog(s.Audit(), func() time.Time { at = at.Add(time.Second); return at })
	for i := 1; i <= n; i++ {
		if _, err := l.Append(context.Background(), audit.Entry{ActorID: "alice", ActorRole: "agency", Action: "user.login",
			Target: fmt.Sprintf("user:%d", i), RequestID: fmt.Sprintf("req-%d", i), Summary: fmt.Sprintf("第 %d 次登录", i)}); err != nil {
			t.Fatal(err)
		}
	}
}

// TestAuditTamperingInTheDatabaseIsDetected edits and removes stored audit
// documents directly through the driver, as someone with database access
// could, and checks that verification names exactly the damaged record.
func TestAuditTamperingInTheDatabaseIsDetected(t *testing.T) {
	const n = 12
	set := func(field string, v any) bson.D { return bson.D{{Key: "$set", Value: bson.D{{Key: field, Value: v}}}} }
	cases := []struct {
		name     string
		seq      int64
		update   bson.D // nil: delete the record
		brokenAt int64
		reason   string
	}{
		{"summary changed", 5, set("summary", "无事发生"), 5, "记录内容已被修改"},
		{"actor changed", 9, set("actor_id", "mallory"), 9, "记录内容已被修改"},
		{"time changed", 1, set("time", time.Date(2026, 5, 11, 7, 0, 0, 0, time.UTC)), 1, "记录内容已被修改"},
		{"action changed", n, set("action", "user.logout"), n, "记录内容已被修改"},
		{"hash replaced", 3, set("hash", audit.GenesisHash), 3, "记录内容已被修改"},
		{"record deleted", 7, nil, 7, "记录缺失"},
		{"first record deleted", 1, nil, 1, "记录缺失"},
		{"last record deleted", n, nil, n, "记录缺失（链尾记录被删除）"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := openTestStore(t)
			ctx := context.Background()
			writeChain(t, s, n)
			if v, err := audit.Verify(ctx, s.Audit()); err != nil || !v.OK() || v.Count != n {
				t.Fatalf("before tampering: %+v, %v", v, err)
			}
			filter := bson.D{{Key: "_id", Value: auditID(tc.seq)}}
			if tc.update == nil {
				res, err := s.coll(collAudit).DeleteOne(ctx, filter)
				if err != nil || res.DeletedCount != 1 {
					t.Fatalf("delete: %+v, %v", res, err)
				}
			} else {
				res, err := s.coll(collAudit).UpdateOne(ctx, filter, tc.update)
				if err != nil || res.ModifiedCount != 1 {
					t.Fatalf("update: %+v, %v", res, err)
				}
			}
			v, err := audit.Verify(ctx, s.Audit())
			if err != nil {
				t.Fatal(err)
			}
			if v.OK() || v.BrokenAt != tc.brokenAt || v.Reason != tc.reason || v.Count != tc.brokenAt-1 {
				t.Fatalf("verification %+v, want broken at %d (%s) after %d intact", v, tc.brokenAt, tc.reason, tc.brokenAt-1)
			}
		})
	}
}
