package mongostore

import (
	"context"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Every driver call runs under a cancel context of the store's own,
// cancelled before the call returns, so that the driver's timers (server
// selection, the operation timeout) hang off that context and never off the
// caller's.
//
// The caller's context is often a *gin.Context: handlers pass theirs on, and
// gin hands the same value to the next request as soon as the handler
// returns. A timer that fires (the database is away) cancels itself and then
// looks up its parent's Done channel — after the driver, woken by that very
// cancellation, has already returned and the handler answered 503. On a
// *gin.Context that look-up reads the recycled request field: a data race
// with the next request (gin issue #4117). One level of our own in between
// keeps the timers' parent private and its cancellation synchronous.
func ownCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithCancel(ctx)
}

// collection is a *mongo.Collection whose operations take ownCtx.
type collection struct{ *mongo.Collection }

// FindOne reads the document before returning (SingleResult would
// otherwise read it later with the context it was given).
func (c collection) FindOne(ctx context.Context, filter any, opts ...options.Lister[options.FindOneOptions]) *mongo.SingleResult {
	ctx, cancel := ownCtx(ctx)
	defer cancel()
	raw, err := c.Collection.FindOne(ctx, filter, opts...).Raw()
	if err != nil {
		return mongo.NewSingleResultFromDocument(bson.D{}, err, nil)
	}
	return mongo.NewSingleResultFromDocument(raw, nil, nil)
}

func (c collection) Find(ctx context.Context, filter any, opts ...options.Lister[options.FindOptions]) (*cursor, error) {
	ctx, cancel := ownCtx(ctx)
	defer cancel()
	cur, err := c.Collection.Find(ctx, filter, opts...)
	if err != nil {
		return nil, err
	}
	return &cursor{cur}, nil
}

func (c collection) InsertOne(ctx context.Context, doc any, opts ...options.Lister[options.InsertOneOptions]) (*mongo.InsertOneResult, error) {
	return retryBusy(ctx, func(ctx context.Context) (*mongo.InsertOneResult, error) {
		return c.Collection.InsertOne(ctx, doc, opts...)
	})
}

func (c collection) InsertMany(ctx context.Context, docs any, opts ...options.Lister[options.InsertManyOptions]) (*mongo.InsertManyResult, error) {
	ctx, cancel := ownCtx(ctx)
	defer cancel()
	return c.Collection.InsertMany(ctx, docs, opts...)
}

func (c collection) ReplaceOne(ctx context.Context, filter, doc any, opts ...options.Lister[options.ReplaceOptions]) (*mongo.UpdateResult, error) {
	return retryBusy(ctx, func(ctx context.Context) (*mongo.UpdateResult, error) {
		return c.Collection.ReplaceOne(ctx, filter, doc, opts...)
	})
}

func (c collection) UpdateOne(ctx context.Context, filter, update any, opts ...options.Lister[options.UpdateOneOptions]) (*mongo.UpdateResult, error) {
	return retryBusy(ctx, func(ctx context.Context) (*mongo.UpdateResult, error) {
		return c.Collection.UpdateOne(ctx, filter, update, opts...)
	})
}

func (c collection) DeleteOne(ctx context.Context, filter any, opts ...options.Lister[options.DeleteOneOptions]) (*mongo.DeleteResult, error) {
	return retryBusy(ctx, func(ctx context.Context) (*mongo.DeleteResult, error) {
		return c.Collection.DeleteOne(ctx, filter, opts...)
	})
}

func (c collection) DeleteMany(ctx context.Context, filter any, opts ...options.Lister[options.DeleteManyOptions]) (*mongo.DeleteResult, error) {
	ctx, cancel := ownCtx(ctx)
	defer cancel()
	return c.Collection.DeleteMany(ctx, filter, opts...)
}

func (c collection) CountDocuments(ctx context.Context, filter any, opts ...options.Lister[options.CountOptions]) (int64, error) {
	ctx, cancel := ownCtx(ctx)
	defer cancel()
	return c.Collection.CountDocuments(ctx, filter, opts...)
}

func (c collection) EstimatedDocumentCount(ctx context.Context, opts ...options.Lister[options.EstimatedDocumentCountOptions]) (int64, error) {
	ctx, cancel := ownCtx(ctx)
	defer cancel()
	return c.Collection.EstimatedDocumentCount(ctx, opts...)
}

// cursor is a *mongo.Cursor whose calls that reach the server take ownCtx.
type cursor struct{ *mongo.Cursor }

func (c *cursor) Next(ctx context.Context) bool {
	ctx, cancel := ownCtx(ctx)
	defer cancel()
	return c.Cursor.Next(ctx)
}

func (c *cursor) TryNext(ctx context.Context) bool {
	ctx, cancel := ownCtx(ctx)
	defer cancel()
	return c.Cursor.TryNext(ctx)
}

func (c *cursor) All(ctx context.Context, results any) error {
	ctx, cancel := ownCtx(ctx)
	defer cancel()
	return c.Cursor.All(ctx, results)
}

// Close sends killCursors even when the caller's context is already done
// (a request cut short, a stream stopped by its consumer): a cursor left
// open on the server holds a connection there, and on FerretDB with
// PostgreSQL a lock on its table, until this client disconnects.
func (c *cursor) Close(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cursorCloseTimeout)
	defer cancel()
	return c.Cursor.Close(ctx)
}

// cursorCloseTimeout bounds the killCursors of Close.
const cursorCloseTimeout = 5 * time.Second

// retryBusy runs a single-document write again, up to busyRetries times,
// when the embedded engine answers that its SQLite file is locked
// (SQLITE_BUSY). SQLite gives up on a write transaction whose snapshot
// another writer moved on, or after its busy timeout under a burst of
// writes; the transaction was rolled back, so doing it again is safe. Only
// single-document writes come here: a many-document write may have been
// partly applied.
func retryBusy[T any](ctx context.Context, op func(context.Context) (T, error)) (T, error) {
	for try := 0; ; try++ {
		octx, cancel := ownCtx(ctx)
		r, err := op(octx)
		cancel()
		if err == nil || try == busyRetries || !isSQLiteBusy(err) {
			return r, err
		}
		select {
		case <-ctx.Done():
			return r, err
		case <-time.After(time.Duration(try+1) * 25 * time.Millisecond):
		}
	}
}

const busyRetries = 3

// isSQLiteBusy recognises FerretDB's report of SQLITE_BUSY (an internal
// error carrying SQLite's message).
func isSQLiteBusy(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "SQLITE_BUSY") || strings.Contains(msg, "database is locked")
}
