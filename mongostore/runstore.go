package mongostore

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/agencyhall/agencyhall/jobs"
)

type runDoc struct {
	ID      string    `bson:"_id"`
	Job     string    `bson:"job"`
	Owner   string    `bson:"owner"`
	Trigger string    `bson:"trigger"`
	Tick    time.Time `bson:"tick,omitempty"`
	Start   time.Time `bson:"start"`
	End     time.Time `bson:"end"`
	Outcome string    `bson:"outcome"`
	Items   int       `bson:"items"`
	Error   string    `bson:"error,omitempty"`
}

// RunStore implements jobs.RunStore.
type RunStore struct{ s *Store }

// Runs returns the job run store.
func (s *Store) Runs() *RunStore { return &RunStore{s: s} }

var _ jobs.RunStore = (*RunStore)(nil)

func (r *RunStore) PutRun(ctx context.Context, run jobs.Run) error {
	return insertDoc(ctx, r.s, collRuns, "任务记录", runDoc{ID: run.ID, Job: run.Job, Owner: run.Owner, Trigger: run.Trigger,
		Tick: run.Tick, Start: run.Start, End: run.End, Outcome: run.Outcome, Items: run.Items, Error: run.Error})
}

func (r *RunStore) ListRuns(ctx context.Context, job string, limit int) ([]jobs.Run, error) {
	filter := bson.D{}
	if job != "" {
		filter = bson.D{{Key: "job", Value: job}}
	}
	page, err := findPage(ctx, r.s, collRuns, "任务记录", filter, bson.D{{Key: "start", Value: -1}}, 1, limit,
		func(runDoc) bool { return true })
	out := make([]jobs.Run, 0, len(page.items))
	for _, d := range page.items {
		out = append(out, jobs.Run{ID: d.ID, Job: d.Job, Owner: d.Owner, Trigger: d.Trigger, Tick: d.Tick, Start: d.Start, End: d.End,
			Outcome: d.Outcome, Items: d.Items, Error: d.Error})
	}
	return out, err
}

func (r *RunStore) PruneRuns(ctx context.Context, before time.Time) (int, error) {
	res, err := r.s.coll(collRuns).DeleteMany(ctx, bson.D{{Key: "start", Value: bson.D{{Key: "$lt", Value: before.UTC()}}}})
	if err != nil {
		return 0, translate(err, "任务记录")
	}
	return int(res.DeletedCount), nil
}

// tickDoc is the claim of one scheduled tick of a job.
type tickDoc struct {
	ID    string    `bson:"_id"` // <job>@<tick, RFC 3339 in UTC>
	Job   string    `bson:"job"`
	Tick  time.Time `bson:"tick"`
	Owner string    `bson:"owner"`
	At    time.Time `bson:"at"`
}

var _ jobs.TickClaimer = (*RunStore)(nil)

// ClaimTick records that owner runs job's tick. It is one insert whose _id
// names the job and the tick, so exactly one caller wins on every engine:
// the unique _id is checked by the database itself, also on FerretDB,
// whose updates are read-modify-write and whose compare-and-swap is only
// safe within one process. A duplicate means another replica has it.
func (r *RunStore) ClaimTick(ctx context.Context, job string, tick time.Time, owner string, now time.Time) (bool, error) {
	tick = tick.UTC()
	_, err := r.s.coll(collTicks).InsertOne(ctx, tickDoc{ID: job + "@" + tick.Format(time.RFC3339Nano), Job: job, Tick: tick,
		Owner: owner, At: now.UTC()})
	if mongo.IsDuplicateKeyError(err) {
		return false, nil
	}
	if err != nil {
		return false, translate(err, "任务时点")
	}
	return true, nil
}

// PruneTicks deletes the claims of ticks before the given time.
func (r *RunStore) PruneTicks(ctx context.Context, before time.Time) (int, error) {
	res, err := r.s.coll(collTicks).DeleteMany(ctx, bson.D{{Key: "tick", Value: bson.D{{Key: "$lt", Value: before.UTC()}}}})
	if err != nil {
		return 0, translate(err, "任务时点")
	}
	return int(res.DeletedCount), nil
}
