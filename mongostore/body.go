package mongostore

import (
	"context"
	_ "embed"
	"fmt"
	"sync"
	"time"

	"github.com/klauspost/compress/zstd"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/agencyhall/agencyhall/apperr"
)

// A body is a document's content stored as one BSON binary instead of a
// sub-document (see projectDoc for why), of this user-defined subtype:
// BSON compressed with zstd. Another subtype is refused, not guessed at.
const bodyZstd = 0x80

// Bodies are compressed with a zstd dictionary trained on generated
// project and agency bodies (TestTrainBodyDictionary): a body of a few
// kilobytes gives zstd little to learn from by itself, and the dictionary
// holds what every body repeats — field names, the shape of sign-ups and
// steps, common phrases. On a generated city it halves the stored bodies
// (projects 2,166 → 1,135 bytes, agencies 887 → 417), and the embedded
// engine's cost of reading a document grows with its bytes: it parses
// each stored row as JSON, the body as one base64 string.
//
// A zstd frame names its dictionary, so bodies written with an older
// dictionary, or with none (before dictionaries), are still read; they
// count as stale and are rewritten with the current one (see
// rewriteStale). A dictionary bodies were written with must therefore
// stay in bodyDicts for good.
var (
	//go:embed body-dict-1.zdict
	bodyDict1 []byte

	bodyDicts = [][]byte{bodyDict1} // dictionary n is bodyDicts[n-1]
)

// currentBodyDict is the dictionary new bodies are written with.
const currentBodyDict = 1

// bodyCodec holds a zstd encoder and decoder: immutable after creation and
// safe for concurrent use (EncodeAll, DecodeAll), so one serves every
// store; created on first use.
type bodyCodec struct {
	enc *zstd.Encoder
	dec *zstd.Decoder
}

var bodyCodecOnce = sync.OnceValues(func() (*bodyCodec, error) {
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedDefault), zstd.WithEncoderConcurrency(1),
		zstd.WithEncoderDict(bodyDicts[currentBodyDict-1]))
	if err != nil {
		return nil, err
	}
	dec, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(0), zstd.WithDecoderMaxMemory(64<<20),
		zstd.WithDecoderDicts(bodyDicts...))
	if err != nil {
		return nil, err
	}
	return &bodyCodec{enc: enc, dec: dec}, nil
})

// encodeBody encodes v as BSON and compresses it. A generated city's
// project bodies (4.7 KB of BSON on average, with hex receipts and hashes
// that do not compress) shrink to 2.1 KB at every zstd level without a
// dictionary, 1.1 KB with one; the default level decodes in half the time
// of the fastest (19 against 37 µs a project) for 20 % more encoding (103
// against 85 µs), and projects are read far more often than written.
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

// decodeBody decodes a body into v; stale says it was not written with the
// current dictionary.
func decodeBody(b bson.Binary, v any) (stale bool, err error) {
	if b.Subtype != bodyZstd {
		return false, fmt.Errorf("body of unknown binary subtype %#x", b.Subtype)
	}
	c, err := bodyCodecOnce()
	if err != nil {
		return false, err
	}
	var h zstd.Header
	if err := h.Decode(b.Data); err != nil {
		return false, fmt.Errorf("decompress body: %w", err)
	}
	raw, err := c.dec.DecodeAll(b.Data, nil)
	if err != nil {
		return false, fmt.Errorf("decompress body: %w", err)
	}
	return h.DictionaryID != currentBodyDict, bson.Unmarshal(raw, v)
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
// decoded as it is. stale says the document is in an earlier stored form:
// without a body, or with one not written with the current dictionary.
func unmarshalBodied(doc []byte, v any) (stale bool, err error) {
	if sub, data, ok := bson.Raw(doc).Lookup("body").BinaryOK(); ok {
		return decodeBody(bson.Binary{Subtype: sub, Data: data}, v)
	}
	return true, bson.Unmarshal(doc, v)
}

// bodied is a pointer to a document stored with a body, which may have
// been read in an earlier stored form.
type bodied[D any] interface {
	versioned[D]
	docID() string
	isStale() bool // read in an earlier stored form: before body, or another dictionary
}

// eachBodied streams every document of a body-stored collection (see
// eachDocSorted) and then has those read in an earlier form rewritten.
func eachBodied[D any, P bodied[D]](ctx context.Context, s *Store, coll, what string, sort bson.D, fn func(*D) error) error {
	var stale []string
	err := eachDocSorted(ctx, s, coll, what, sort, func(d D) error {
		if P(&d).isStale() {
			stale = append(stale, P(&d).docID())
		}
		return fn(&d)
	})
	if err != nil {
		return err
	}
	rewriteStale[D, P](s, coll, what, stale)
	return nil
}

// rewriteStale stores documents that were read in an earlier stored form
// (and still are) in the current one, at the same version: their content
// does not change, so a writer that read one at that version may still
// swap it, and a version that moved meanwhile means a writer already
// stored the current form. It runs in the background, one document at a
// time, until done or the store closes: the first start after an upgrade
// would otherwise wait for every rewrite (two minutes for a city's
// projects). A second read that finds the same documents while a rewrite
// of the collection runs leaves them to it.
func rewriteStale[D any, P bodied[D]](s *Store, coll, what string, ids []string) {
	if len(ids) == 0 {
		return
	}
	done := make(chan struct{})
	if _, running := s.rewriting.LoadOrStore(coll, done); running {
		return
	}
	s.bg.Add(1)
	go func() {
		defer s.bg.Done()
		defer close(done)
		defer s.rewriting.Delete(coll)
		ctx := s.bgCtx
		t0 := time.Now()
		for i, id := range ids {
			if err := rewriteOne[D, P](ctx, s, coll, what, id); err != nil {
				if ctx.Err() == nil {
					s.log.Warn("rewriting documents in the current stored form stopped", "collection", coll,
						"document", id, "rewritten", i, "of", len(ids), "err", err)
				}
				return
			}
		}
		s.log.Info("documents rewritten in the current stored form", "collection", coll, "documents", len(ids),
			"took", time.Since(t0).Round(time.Millisecond))
	}()
}

func rewriteOne[D any, P bodied[D]](ctx context.Context, s *Store, coll, what, id string) error {
	defer s.lockDoc(coll, id)()
	d, err := getDoc[D](ctx, s, coll, id, what)
	if apperr.Is(err, apperr.KindNotFound) {
		return nil // deleted meanwhile: nothing to rewrite
	}
	if err != nil || !P(&d).isStale() {
		return err
	}
	filter := bson.D{{Key: "_id", Value: id}, {Key: "version", Value: P(&d).getVersion()}}
	if s.engine != EngineMongoDB {
		filter = filter[:1] // the lock guards it; the engine pushes down exactly {_id} only
	}
	_, err = s.coll(coll).ReplaceOne(ctx, filter, P(&d))
	return err
}

// waitRewrites waits for the rewrites running in the background (tests).
func (s *Store) waitRewrites() {
	s.rewriting.Range(func(_, done any) bool { <-done.(chan struct{}); return true })
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
	if _, err := decodeBody(bson.Binary{Subtype: sub, Data: data}, &inner); err != nil {
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
