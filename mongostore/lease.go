package mongostore

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Leases implement the ShedLock pattern for scheduled jobs: a job runs on
// whichever replica takes its lease first for this tick.
type Leases struct{ s *Store }

// Leases returns the job lease primitive.
func (s *Store) Leases() *Leases { return &Leases{s: s} }

// Acquire takes the lease name for owner until lockUntil, if nobody holds
// it at now. It is one conditional upsert on {_id: name, lockUntil <= now}:
// when the lease is held, the filter matches nothing and the upsert's insert
// fails on the existing _id — the duplicate key means "held elsewhere". On
// the embedded engine, whose updates are not atomic, the upsert runs under
// the per-document lock of this process.
func (l *Leases) Acquire(ctx context.Context, name, owner string, now, lockUntil time.Time) (bool, error) {
	defer l.s.lockDoc(collLeases, name)()
	_, err := l.s.coll(collLeases).UpdateOne(ctx,
		bson.D{{Key: "_id", Value: name}, {Key: "lock_until", Value: bson.D{{Key: "$lte", Value: now.UTC()}}}},
		bson.D{{Key: "$set", Value: bson.D{
			{Key: "lock_until", Value: lockUntil.UTC()},
			{Key: "locked_at", Value: now.UTC()},
			{Key: "locked_by", Value: owner},
		}}},
		options.UpdateOne().SetUpsert(true))
	if mongo.IsDuplicateKeyError(err) {
		return false, nil
	}
	if err != nil {
		return false, translate(err, "任务锁")
	}
	return true, nil
}

// Release ends owner's lease, but keeps it until atLeastUntil so that a job
// that finished quickly is not run again by a replica whose clock is a
// little behind within the same tick.
func (l *Leases) Release(ctx context.Context, name, owner string, now, atLeastUntil time.Time) error {
	until := now
	if atLeastUntil.After(until) {
		until = atLeastUntil
	}
	defer l.s.lockDoc(collLeases, name)()
	_, err := l.s.coll(collLeases).UpdateOne(ctx,
		bson.D{{Key: "_id", Value: name}, {Key: "locked_by", Value: owner}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "lock_until", Value: until.UTC()}}}})
	return translate(err, "任务锁")
}

// Reset ends every lease at once and returns how many were held. Call it at
// start-up when this process is the only one using the database (the
// embedded engine serves exactly one): a lease still held then was taken
// by a process that ended in the middle of a run (kill -9, a crash), and
// would otherwise keep its job from running again until it expires — up to
// the job's LockFor, 30 minutes for scoring. Never with several replicas:
// a lease may be another replica's running job.
func (l *Leases) Reset(ctx context.Context, now time.Time) (int, error) {
	res, err := l.s.coll(collLeases).UpdateMany(ctx,
		bson.D{{Key: "lock_until", Value: bson.D{{Key: "$gt", Value: now.UTC()}}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "lock_until", Value: now.UTC()}}}})
	if err != nil {
		return 0, translate(err, "任务锁")
	}
	return int(res.ModifiedCount), nil
}
