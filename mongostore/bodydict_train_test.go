package mongostore

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/klauspost/compress/dict"
	"github.com/klauspost/compress/zstd"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// TestTrainBodyDictionary trains the next body dictionary from the data
// directory named by AGENCYHALL_TRAIN_BODY_DICT (a generated city:
// agencyhall gen --scale city --seed 7 --data-dir DIR) and writes it as
// body-dict-N.zdict beside this file, N the next dictionary number (or
// AGENCYHALL_BODY_DICT_ID). Training is not deterministic (the same data
// gives a slightly different dictionary), and bodies stored with a
// dictionary need that very one: to use a new one, add it to bodyDicts and
// make it current; never edit or remove one that shipped. Without the
// variable the test is skipped.
//
// Dictionary 1 came from gen --scale city --seed 7 (stored without a
// dictionary): 1,500 project and 1,000 agency bodies, 32 KiB.
func TestTrainBodyDictionary(t *testing.T) {
	dir := os.Getenv("AGENCYHALL_TRAIN_BODY_DICT")
	if dir == "" {
		t.Skip("set AGENCYHALL_TRAIN_BODY_DICT to a data directory to train a body dictionary")
	}
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	e, err := StartEmbedded(ctx, filepath.Join(dir, "db"), log)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Stop()
	s, err := Open(ctx, Config{URI: e.URI(), DB: "agencyhall", SQLiteDir: e.Dir(), Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)
	var samples [][]byte
	for _, c := range []struct {
		coll string
		want int
	}{{collProjects, 1500}, {collAgencies, 1000}} {
		raws := sampleBodies(t, s, c.coll, c.want)
		t.Logf("%s: %d bodies", c.coll, len(raws))
		samples = append(samples, raws...)
	}
	id := uint32(len(bodyDicts) + 1)
	if n, err := strconv.Atoi(os.Getenv("AGENCYHALL_BODY_DICT_ID")); err == nil {
		id = uint32(n) // to train a given one again from the same data, as its comment says
	}
	d, err := dict.BuildZstdDict(samples, dict.Options{MaxDictSize: 32 << 10, HashBytes: 6, ZstdDictID: id, ZstdLevel: zstd.SpeedDefault})
	if err != nil {
		t.Fatal(err)
	}
	out := fmt.Sprintf("body-dict-%d.zdict", id)
	if err := os.WriteFile(out, d, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s (%d bytes)", out, len(d))
}

// sampleBodies returns about want bodies of coll as plain BSON, spread
// evenly over the stored order.
func sampleBodies(t *testing.T, s *Store, coll string, want int) [][]byte {
	ctx := context.Background()
	n, err := s.coll(coll).EstimatedDocumentCount(ctx)
	if err != nil {
		t.Fatal(err)
	}
	every := max(1, int(n)/want)
	cur, err := s.coll(coll).Find(ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	defer cur.Close(ctx)
	var out [][]byte
	for i := 0; cur.Next(ctx); i++ {
		if i%every != 0 || len(out) == want {
			continue
		}
		sub, data, ok := cur.Current.Lookup("body").BinaryOK()
		if !ok {
			continue
		}
		var raw bson.Raw
		if _, err := decodeBody(bson.Binary{Subtype: sub, Data: data}, &raw); err != nil {
			t.Fatal(err)
		}
		out = append(out, raw)
	}
	return out
}
