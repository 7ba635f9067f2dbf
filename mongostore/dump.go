package mongostore

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// CollectionNames lists every declared collection, in declaration order;
// dump and restore walk them.
func CollectionNames() []string {
	out := make([]string, len(collections))
	for i, c := range collections {
		out[i] = c.name
	}
	return out
}

// EachRawDocument streams every document of a collection as raw BSON.
func (s *Store) EachRawDocument(ctx context.Context, coll string, fn func(doc []byte) error) error {
	cur, err := s.coll(coll).Find(ctx, bson.D{})
	if err != nil {
		return translate(err, coll)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		if err := fn(cur.Current); err != nil {
			return err
		}
	}
	return translate(cur.Err(), coll)
}

// InsertRawDocuments inserts raw BSON documents (a restore).
func (s *Store) InsertRawDocuments(ctx context.Context, coll string, docs [][]byte) error {
	if len(docs) == 0 {
		return nil
	}
	batch := make([]any, len(docs))
	for i, d := range docs {
		if err := bson.Raw(d).Validate(); err != nil {
			return fmt.Errorf("%s: document %d is not valid BSON: %w", coll, i, err)
		}
		batch[i] = bson.Raw(d)
	}
	_, err := s.coll(coll).InsertMany(ctx, batch, options.InsertMany().SetOrdered(true))
	return translate(err, coll)
}

// CountDocuments counts a collection's documents (a full scan on the
// embedded engine: for dump manifests and checks, not for pages).
func (s *Store) CountDocuments(ctx context.Context, coll string) (int64, error) {
	n, err := s.coll(coll).CountDocuments(ctx, bson.D{})
	return n, translate(err, coll)
}

// Empty reports whether no declared collection holds a document.
func (s *Store) Empty(ctx context.Context) (bool, error) {
	for _, c := range collections {
		err := s.coll(c.name).FindOne(ctx, bson.D{}).Err()
		if err == nil {
			return false, nil
		}
		if !isNoDocuments(err) {
			return false, translate(err, c.name)
		}
	}
	return true, nil
}
