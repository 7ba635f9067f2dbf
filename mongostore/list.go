package mongostore

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

type docPage[D any] struct {
	items []D
	total int
}

// findPage runs a filtered, sorted query and keeps one page of the documents
// that also pass keep (for matches the server cannot express cheaply, such
// as substring search). It reads the whole result once: on the embedded
// engine every filter is a full scan anyway, and these lists are small
// administrative ones. Hot public lists use in-memory read models instead.
func findPage[D any](ctx context.Context, s *Store, coll, what string, filter, sort bson.D, page, size int, keep func(D) bool) (docPage[D], error) {
	var out docPage[D]
	cur, err := s.coll(coll).Find(ctx, filter, options.Find().SetSort(sort))
	if err != nil {
		return out, translate(err, what)
	}
	defer cur.Close(ctx)
	skip := (page - 1) * size
	for cur.Next(ctx) {
		var d D
		if err := cur.Decode(&d); err != nil {
			return out, translate(err, what)
		}
		if !keep(d) {
			continue
		}
		if out.total >= skip && len(out.items) < size {
			out.items = append(out.items, d)
		}
		out.total++
	}
	return out, translate(cur.Err(), what)
}
