package mongostore

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/agencyhall/agencyhall/changefeed"
)

// Collections whose changes other replicas' read models follow.
const (
	FeedProjects = collProjects
	FeedAgencies = collAgencies
	FeedCatalog  = collServiceItems
)

// FeedSupervision are the collections behind supervision's read models.
var FeedSupervision = []string{collComplaints, collSanctions, collAppeals, collAlerts, collSnapshots, collSettings}

// ErrNoChangeStream says the engine has no change stream to follow: the
// embedded engine (one process only) or a MongoDB that is not a replica set.
var ErrNoChangeStream = errors.New("no change stream: a single server")

// ChangeStream returns the opener of this database's change stream over
// colls. Call it before loading the read models: a fresh stream starts at
// the cluster time read now, so no change between the load and the
// stream's start is missed.
func (s *Store) ChangeStream(ctx context.Context, colls []string) (changefeed.Opener, error) {
	if s.engine != EngineMongoDB {
		return nil, ErrNoChangeStream
	}
	var hello struct {
		SetName       string          `bson:"setName"`
		OperationTime *bson.Timestamp `bson:"operationTime"`
	}
	if err := s.db.RunCommand(ctx, bson.D{{Key: "hello", Value: 1}}).Decode(&hello); err != nil {
		return nil, fmt.Errorf("hello: %w", err)
	}
	if hello.SetName == "" || hello.OperationTime == nil {
		return nil, ErrNoChangeStream
	}
	start := hello.OperationTime
	pipeline := mongo.Pipeline{{{Key: "$match", Value: bson.D{
		{Key: "ns.coll", Value: bson.D{{Key: "$in", Value: colls}}},
		{Key: "operationType", Value: bson.D{{Key: "$in", Value: bson.A{"insert", "update", "replace", "delete"}}}},
	}}}}
	return func(ctx context.Context, resume []byte) (changefeed.Stream, error) {
		opts := options.ChangeStream()
		if resume != nil {
			opts.SetResumeAfter(bson.Raw(resume))
		} else {
			opts.SetStartAtOperationTime(start)
		}
		cs, err := s.db.Watch(ctx, pipeline, opts)
		if err != nil {
			return nil, historyLost(err)
		}
		return &changeStream{cs: cs}, nil
	}, nil
}

// historyLost maps the server's "cannot resume" errors.
func historyLost(err error) error {
	var se mongo.ServerError
	if errors.As(err, &se) && (se.HasErrorCode(286) || se.HasErrorCode(280)) { // ChangeStreamHistoryLost, ChangeStreamFatalError
		return fmt.Errorf("%w: %w", changefeed.ErrHistoryLost, err)
	}
	return err
}

type changeStream struct{ cs *mongo.ChangeStream }

func (c *changeStream) Next(ctx context.Context) (changefeed.Change, error) {
	if !c.cs.Next(ctx) {
		if err := c.cs.Err(); err != nil {
			return changefeed.Change{}, historyLost(err)
		}
		if ctx.Err() != nil {
			return changefeed.Change{}, ctx.Err()
		}
		return changefeed.Change{}, errors.New("change stream closed")
	}
	var ev struct {
		NS struct {
			Coll string `bson:"coll"`
		} `bson:"ns"`
		Key struct {
			ID string `bson:"_id"`
		} `bson:"documentKey"`
	}
	if err := c.cs.Decode(&ev); err != nil {
		return changefeed.Change{}, err
	}
	return changefeed.Change{Collection: ev.NS.Coll, ID: ev.Key.ID, Token: append([]byte(nil), c.cs.ResumeToken()...)}, nil
}

func (c *changeStream) Close(ctx context.Context) error { return c.cs.Close(ctx) }
