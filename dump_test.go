package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/agencyhall/agencyhall/demo"
	"github.com/agencyhall/agencyhall/files"
	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/mongostore"
)

// TestDumpRestoreRoundTrip seeds the demo on an embedded database, dumps it,
// restores the archive into a second, empty embedded database, and compares
// every collection document by document, and every uploaded file.
func TestDumpRestoreRoundTrip(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two embedded databases")
	}
	ctx := context.Background()
	env := func(dir string) func(string) string {
		return func(k string) string {
			if k == "AGENCYHALL_DATA_DIR" {
				return dir
			}
			return ""
		}
	}
	src, dst := t.TempDir(), t.TempDir()
	cfg := config{DataDir: src, DB: "agencyhall", LogFormat: "text"}
	db, err := openDatabase(ctx, cfg, cfg.logger(io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	bucket, err := files.OpenBucket(ctx, "", src)
	if err != nil {
		t.Fatal(err)
	}
	closeSrc := func() { bucket.Close(); db.close(ctx) }
	key, _ := hall.LoadQuoteKey(cfg.quoteKeyFile())
	svc, err := newServices(serviceDeps{store: db.store, bucket: bucket, quoteKey: key, now: time.Now, bcryptCost: bcrypt.MinCost})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.load(ctx, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Seed(ctx, demo.Deps{Auth: svc.auth, Catalog: svc.catalog, Registry: svc.registry, Files: svc.files, Now: time.Now,
		NewHall: svc.hallAt, NewScoring: svc.scoringAt}); err != nil {
		t.Fatal(err)
	}
	closeSrc()

	archive := filepath.Join(t.TempDir(), "dump.tar.gz")
	var out bytes.Buffer
	if err := run(ctx, []string{"agencyhall", "dump", "--out", archive}, env(src), &out, &out); err != nil {
		t.Fatalf("dump: %v\n%s", err, out.String())
	}
	if err := run(ctx, []string{"agencyhall", "restore", "--in", archive}, env(dst), &out, &out); err != nil {
		t.Fatalf("restore: %v\n%s", err, out.String())
	}
	if err := run(ctx, []string{"agencyhall", "restore", "--in", archive}, env(dst), &out, &out); err == nil {
		t.Fatal("restoring into a non-empty database must be refused")
	}
	a := snapshot(t, src)
	b := snapshot(t, dst)
	for name, docs := range a {
		if len(docs) != len(b[name]) {
			t.Errorf("%s: %d documents, restored %d", name, len(docs), len(b[name]))
			continue
		}
		for i := range docs {
			if !bytes.Equal(docs[i], b[name][i]) {
				t.Errorf("%s: document %d differs after restore", name, i)
				break
			}
		}
	}
	if len(a["agencies"]) < 40 || len(a["projects"]) < 10 {
		t.Fatalf("the demo should have been dumped: %d agencies, %d projects", len(a["agencies"]), len(a["projects"]))
	}
	if !strings.Contains(out.String(), "个文件") {
		t.Fatalf("output %q", out.String())
	}
	// Files: the restored store serves the same bytes.
	blobsA, blobsB := blobs(t, src), blobs(t, dst)
	if len(blobsA) == 0 || len(blobsA) != len(blobsB) {
		t.Fatalf("%d files dumped, %d restored", len(blobsA), len(blobsB))
	}
	for k, v := range blobsA {
		if !bytes.Equal(v, blobsB[k]) {
			t.Fatalf("file %s differs", k)
		}
	}
}

// snapshot reads every collection of a data directory, documents sorted.
func snapshot(t *testing.T, dir string) map[string][][]byte {
	t.Helper()
	ctx := context.Background()
	db, _, closeAll, err := openStorage(ctx, config{DataDir: dir, DB: "agencyhall", LogFormat: "text"})
	if err != nil {
		t.Fatal(err)
	}
	defer closeAll()
	out := map[string][][]byte{}
	for _, name := range mongostore.CollectionNames() {
		var docs [][]byte
		db.store.EachRawDocument(ctx, name, func(d []byte) error { docs = append(docs, append([]byte(nil), d...)); return nil })
		sort.Slice(docs, func(i, j int) bool { return bytes.Compare(docs[i], docs[j]) < 0 })
		out[name] = docs
	}
	return out
}

func blobs(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	ctx := context.Background()
	_, fs, closeAll, err := openStorage(ctx, config{DataDir: dir, DB: "agencyhall", LogFormat: "text"})
	if err != nil {
		t.Fatal(err)
	}
	defer closeAll()
	out := map[string][]byte{}
	fs.EachBlob(ctx, func(key string, _ int64, r io.Reader) error {
		var b bytes.Buffer
		b.ReadFrom(r)
		out[key] = b.Bytes()
		return nil
	})
	return out
}
