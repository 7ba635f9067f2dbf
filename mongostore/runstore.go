package mongostore

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/agencyhall/agencyhall/jobs"
)

type runDoc struct {
	ID      string    `bson:"_id"`
	Job     string    `bson:"job"`
	Owner   string    `bson:"owner"`
	Trigger string    `bson:"trigger"`
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
		Start: run.Start, End: run.End, Outcome: run.Outcome, Items: run.Items, Error: run.Error})
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
		out = append(out, jobs.Run{ID: d.ID, Job: d.Job, Owner: d.Owner, Trigger: d.Trigger, Start: d.Start, End: d.End,
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
