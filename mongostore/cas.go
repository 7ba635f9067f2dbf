package mongostore

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// versioned is implemented by pointers to document structs that carry a
// `version` field. Every state change goes through swap, which bumps it.
type versioned[D any] interface {
	*D
	getVersion() int64
	setVersion(int64)
}

// DocVersion is embedded in document structs to make them versioned.
type DocVersion struct {
	Version int64 `bson:"version"`
}

func (v *DocVersion) getVersion() int64  { return v.Version }
func (v *DocVersion) setVersion(n int64) { v.Version = n }

// getDoc reads one document by _id, the only lookup the embedded engine
// pushes down to its index.
func getDoc[D any](ctx context.Context, s *Store, coll, id, what string) (D, error) {
	var d D
	err := s.coll(coll).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d)
	return d, translate(err, what)
}

// insertDoc stores a new document; an existing _id is a conflict.
func insertDoc(ctx context.Context, s *Store, coll, what string, doc any) error {
	_, err := s.coll(coll).InsertOne(ctx, doc)
	if err == nil {
		s.wrote(coll)
	}
	return translate(err, what)
}

// swap replaces the document id with next if its stored version is still
// expect, and sets next's version to expect+1. On MongoDB this is one atomic
// conditional replace; on FerretDB, whose updates are read-modify-write, the
// same check and write happen under a per-document lock held in this process
// (the embedded engine serves one process only).
func swap[D any, P versioned[D]](ctx context.Context, s *Store, coll, id string, expect int64, next P) error {
	if s.engine != EngineMongoDB {
		mu := s.lockFor(coll, id)
		mu.Lock()
		defer mu.Unlock()
	}
	return swapLocked[D, P](ctx, s, coll, id, expect, next, false)
}

// swapLocked is swap for a caller that already holds the document's lock
// (on engines that need one). readUnderLock says the caller read the
// document at version expect while holding the lock, so on those engines
// the version cannot have moved and the check needs no second read.
func swapLocked[D any, P versioned[D]](ctx context.Context, s *Store, coll, id string, expect int64, next P, readUnderLock bool) error {
	if s.engine == EngineMongoDB {
		return replaceAtVersion[D, P](ctx, s, coll, id, expect, next)
	}
	next.setVersion(expect + 1)
	if !readUnderLock {
		var cur D
		if err := s.coll(coll).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&cur); err != nil {
			next.setVersion(expect)
			return err
		}
		if P(&cur).getVersion() != expect {
			next.setVersion(expect)
			return errVersionMismatch
		}
	}
	if _, err := s.coll(coll).ReplaceOne(ctx, bson.D{{Key: "_id", Value: id}}, next); err != nil {
		next.setVersion(expect)
		return err
	}
	s.wrote(coll)
	return nil
}

// replaceAtVersion replaces the document id with next only if its stored
// version is still expect (one conditional replace: atomic on MongoDB; on
// FerretDB only under the caller's document lock), setting next's version
// to expect+1; errVersionMismatch when the version moved.
func replaceAtVersion[D any, P versioned[D]](ctx context.Context, s *Store, coll, id string, expect int64, next P) error {
	next.setVersion(expect + 1)
	res, err := s.coll(coll).ReplaceOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "version", Value: expect}}, next)
	if err != nil {
		next.setVersion(expect)
		return err
	}
	if res.MatchedCount == 0 {
		next.setVersion(expect)
		return errVersionMismatch
	}
	s.wrote(coll)
	return nil
}

// maxSwapTries bounds retries when writers keep colliding on one document.
const maxSwapTries = 100

// lockDoc takes the document's process lock on engines without atomic
// updates and returns the function that releases it. Holding it across the
// whole read-modify-write makes writers of this process queue instead of
// retrying; the version check still guards against anything else.
func (s *Store) lockDoc(coll, id string) func() {
	if s.engine == EngineMongoDB {
		return func() {}
	}
	mu := s.lockFor(coll, id)
	mu.Lock()
	return mu.Unlock
}

// backoff sleeps a little, growing with the try, so colliding writers on
// MongoDB spread out instead of colliding again.
func backoff(ctx context.Context, try int) {
	if try == 0 {
		return
	}
	d := time.Duration(rand.IntN(1<<min(try, 8))) * 100 * time.Microsecond
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

// updateDoc reads a document, applies fn and writes it back through the
// compare-and-swap, retrying from a fresh read when another writer got there
// first. fn must be free of side effects, since it may run several times. If
// fn returns an error nothing is written and the error is returned as is.
func updateDoc[D any, P versioned[D]](ctx context.Context, s *Store, coll, id, what string, fn func(P) error) (D, error) {
	defer s.lockDoc(coll, id)()
	for try := 0; try < maxSwapTries; try++ {
		backoff(ctx, try)
		d, err := getDoc[D](ctx, s, coll, id, what)
		if err != nil {
			return d, err
		}
		p := P(&d)
		expect := p.getVersion()
		if err := fn(p); err != nil {
			return d, err
		}
		err = swapLocked[D, P](ctx, s, coll, id, expect, p, true)
		if errors.Is(err, errVersionMismatch) {
			continue
		}
		return d, translate(err, what)
	}
	var zero D
	return zero, translate(fmt.Errorf("%s %s: %w after %d tries", coll, id, errVersionMismatch, maxSwapTries), what)
}

// upsertDoc is updateDoc for documents that may not exist yet: a missing one
// starts as fresh(), is passed to fn and inserted (a concurrent insert of the
// same _id makes it retry as an update).
func upsertDoc[D any, P versioned[D]](ctx context.Context, s *Store, coll, id, what string, fresh func() D, fn func(P) error) (D, error) {
	defer s.lockDoc(coll, id)()
	for try := 0; try < maxSwapTries; try++ {
		backoff(ctx, try)
		d, err := getDoc[D](ctx, s, coll, id, what)
		if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
			return d, err
		}
		if errors.Is(err, mongo.ErrNoDocuments) {
			d = fresh()
			p := P(&d)
			if err := fn(p); err != nil {
				return d, err
			}
			p.setVersion(1)
			_, err := s.coll(coll).InsertOne(ctx, p)
			if mongo.IsDuplicateKeyError(err) {
				continue
			}
			if err == nil {
				s.wrote(coll)
			}
			return d, translate(err, what)
		}
		p := P(&d)
		expect := p.getVersion()
		if err := fn(p); err != nil {
			return d, err
		}
		err = swapLocked[D, P](ctx, s, coll, id, expect, p, true)
		if errors.Is(err, errVersionMismatch) {
			continue
		}
		return d, translate(err, what)
	}
	var zero D
	return zero, translate(fmt.Errorf("%s %s: %w after %d tries", coll, id, errVersionMismatch, maxSwapTries), what)
}
