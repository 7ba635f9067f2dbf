package mongostore

import (
	"context"
	"slices"
	"sync/atomic"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// eachDoc streams every document of a collection to fn, in the order the
// engine returns them, one call at a time. The cursor is read on the
// caller's goroutine and the documents are decoded and handed to fn on
// another, in chunks: the engine builds its next batch while this process
// decodes the last, which on two cores took the hall's load from 3.9 s to
// 2.3 s for 13,800 projects.
func eachDoc[D any](ctx context.Context, s *Store, coll, what string, fn func(D) error) error {
	return eachDocSorted(ctx, s, coll, what, nil, fn)
}

// eachDocSorted is eachDoc in the order of sort where the engine sorts as
// it reads (MongoDB, from an index); the embedded engine would sort every
// document in memory first, so there it keeps its stored order.
func eachDocSorted[D any](ctx context.Context, s *Store, coll, what string, sort bson.D, fn func(D) error) error {
	opts := options.Find()
	if sort != nil && s.engine == EngineMongoDB {
		opts.SetSort(sort)
	}
	cur, err := s.coll(coll).Find(ctx, bson.D{}, opts)
	if err != nil {
		return translate(err, what)
	}
	defer cur.Close(ctx)
	const chunkSize = 64
	chunks := make(chan []bson.Raw, 4)
	var failed atomic.Bool
	done := make(chan error, 1)
	var panicked any // fn's panic, raised again on the caller's goroutine
	go func() {
		var ferr error
		defer func() {
			if r := recover(); r != nil {
				panicked = r
				failed.Store(true)
				for range chunks { // let the reader finish its send and see failed
				}
			}
			done <- ferr
		}()
		for chunk := range chunks {
			for _, raw := range chunk {
				if ferr != nil {
					break // drain the channel so the reader never blocks
				}
				var d D
				if err := bson.Unmarshal(raw, &d); err != nil {
					ferr = translate(err, what)
				} else if err := fn(d); err != nil {
					ferr = err
				}
				if ferr != nil {
					failed.Store(true)
				}
			}
		}
	}()
	chunk := make([]bson.Raw, 0, chunkSize)
	for !failed.Load() && cur.Next(ctx) {
		chunk = append(chunk, slices.Clone(cur.Current))
		if len(chunk) == chunkSize {
			chunks <- chunk
			chunk = make([]bson.Raw, 0, chunkSize)
		}
	}
	if len(chunk) > 0 {
		chunks <- chunk
	}
	close(chunks)
	err = <-done
	if panicked != nil {
		panic(panicked)
	}
	if err != nil {
		return err
	}
	return translate(cur.Err(), what)
}
