package mongostore

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/klauspost/compress/zstd"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// A body is a document's content stored as one BSON binary instead of a
// sub-document (see projectDoc for why), of this user-defined subtype:
// BSON compressed with zstd. Another subtype is refused, not guessed at.
const bodyZstd = 0x80

// bodyCodec holds a zstd encoder and decoder: immutable after creation and
// safe for concurrent use (EncodeAll, DecodeAll), so one serves every
// store; created on first use.
type bodyCodec struct {
	enc *zstd.Encoder
	dec *zstd.Decoder
}

var bodyCodecOnce = sync.OnceValues(func() (*bodyCodec, error) {
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedDefault), zstd.WithEncoderConcurrency(1))
	if err != nil {
		return nil, err
	}
	dec, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(0), zstd.WithDecoderMaxMemory(64<<20))
	if err != nil {
		return nil, err
	}
	return &bodyCodec{enc: enc, dec: dec}, nil
})

// encodeBody encodes v as BSON and compresses it. A generated city's
// project bodies (4.7 KB of BSON on average, with hex receipts and hashes
// that do not compress) shrink to 2.1 KB at every zstd level; the default
// level decodes in half the time of the fastest (19 against 37 µs a
// project) for 20 % more encoding (103 against 85 µs), and projects are
// read far more often than written.
func encodeBody(v any) (bson.Binary, error) {
	raw, err := bson.Marshal(v)
	if err != nil {
		return bson.Binary{}, err
	}
	c, err := bodyCodecOnce()
	if err != nil {
		return bson.Binary{}, err
	}
	return bson.Binary{Subtype: bodyZstd, Data: c.enc.EncodeAll(raw, make([]byte, 0, len(raw)/3))}, nil
}

// decodeBody decodes a body into v.
func decodeBody(b bson.Binary, v any) error {
	if b.Subtype != bodyZstd {
		return fmt.Errorf("body of unknown binary subtype %#x", b.Subtype)
	}
	c, err := bodyCodecOnce()
	if err != nil {
		return err
	}
	raw, err := c.dec.DecodeAll(b.Data, nil)
	if err != nil {
		return fmt.Errorf("decompress body: %w", err)
	}
	return bson.Unmarshal(raw, v)
}

// marshalBodied stores body as the document's body, beside the top-level
// fields (the _id, the version and what queries filter on).
func marshalBodied(body any, top bson.D) ([]byte, error) {
	b, err := encodeBody(body)
	if err != nil {
		return nil, err
	}
	return bson.Marshal(append(top, bson.E{Key: "body", Value: b}))
}

// unmarshalBodied decodes a document's body into v; a document without one
// was stored before bodies, with every field at the top level, and is
// decoded as it is (legacy).
func unmarshalBodied(doc []byte, v any) (legacy bool, err error) {
	if sub, data, ok := bson.Raw(doc).Lookup("body").BinaryOK(); ok {
		return false, decodeBody(bson.Binary{Subtype: sub, Data: data}, v)
	}
	return true, bson.Unmarshal(doc, v)
}

// rewriteLegacy stores documents that were read in an earlier form (legacy
// says whether one still is) in the current one, at the same version:
// their content does not change, so a writer that read one at that version
// may still swap it. A version that moved meanwhile means a writer already
// stored the current form.
func rewriteLegacy[D any, P versioned[D]](ctx context.Context, s *Store, coll, what string, ids []string, legacy func(P) bool) error {
	if len(ids) == 0 {
		return nil
	}
	t0 := time.Now()
	for _, id := range ids {
		if err := rewriteOne(ctx, s, coll, what, id, legacy); err != nil {
			return fmt.Errorf("rewrite %s %s in the current form: %w", coll, id, err)
		}
	}
	s.log.Info("documents rewritten in the current stored form", "collection", coll, "documents", len(ids),
		"took", time.Since(t0).Round(time.Millisecond))
	return nil
}

func rewriteOne[D any, P versioned[D]](ctx context.Context, s *Store, coll, what, id string, legacy func(P) bool) error {
	defer s.lockDoc(coll, id)()
	d, err := getDoc[D](ctx, s, coll, id, what)
	if err != nil || !legacy(P(&d)) {
		return err
	}
	filter := bson.D{{Key: "_id", Value: id}, {Key: "version", Value: P(&d).getVersion()}}
	if s.engine != EngineMongoDB {
		filter = filter[:1] // the lock guards it; the engine pushes down exactly {_id} only
	}
	_, err = s.coll(coll).ReplaceOne(ctx, filter, P(&d))
	return err
}

// Readable returns a stored document with its body, if it has one,
// decoded in place into the sub-document it holds: what tools and checks
// that read raw documents (the sealed-quote scan) need to see every field.
// A document without a body comes back as it is.
func Readable(doc []byte) ([]byte, error) {
	raw := bson.Raw(doc)
	v, err := raw.LookupErr("body")
	if err != nil || v.Type != bson.TypeBinary {
		return doc, nil
	}
	sub, data := v.Binary()
	var inner bson.Raw
	if err := decodeBody(bson.Binary{Subtype: sub, Data: data}, &inner); err != nil {
		return nil, err
	}
	elems, err := raw.Elements()
	if err != nil {
		return nil, err
	}
	out := bson.D{}
	for _, e := range elems {
		if e.Key() == "body" {
			out = append(out, bson.E{Key: "body", Value: inner})
			continue
		}
		out = append(out, bson.E{Key: e.Key(), Value: e.Value()})
	}
	return bson.Marshal(out)
}
