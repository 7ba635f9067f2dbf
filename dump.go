package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
	"time"

	"github.com/agencyhall/agencyhall/files"
	"github.com/agencyhall/agencyhall/mongostore"
)

// The dump archive is a gzipped tar: manifest.json, then one
// collections/<name>.bson per collection (BSON documents back to back, as
// mongodump writes them), then every uploaded file under blobs/<key>. It
// is portable between the embedded engine and MongoDB.
type dumpManifest struct {
	Format      string           `json:"format"`
	Version     string           `json:"version"`
	CreatedAt   time.Time        `json:"created_at"`
	Database    string           `json:"database"`
	Collections map[string]int64 `json:"collections"`
}

const dumpFormat = "agencyhall-dump/1"

// storage opens the database and the file storage of a configuration.
func openStorage(ctx context.Context, cfg config) (*database, *files.Service, func(), error) {
	db, err := openDatabase(ctx, cfg, cfg.logger(io.Discard))
	if err != nil {
		return nil, nil, nil, err
	}
	bucket, err := files.OpenBucket(ctx, cfg.BlobURL, cfg.DataDir)
	if err != nil {
		db.close(context.WithoutCancel(ctx))
		return nil, nil, nil, err
	}
	fs := files.NewService(db.store.Files(), bucket, time.Now)
	return db, fs, func() { bucket.Close(); db.close(context.WithoutCancel(ctx)) }, nil
}

func runDump(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var cfg config
	flags := newFlagSet("dump", &cfg, getenv, stderr)
	out := flags.String("out", "", "归档文件路径（.tar.gz）")
	if err := flags.Parse(args); err != nil {
		return exitCode(2)
	}
	if *out == "" {
		fmt.Fprintln(stderr, "请用 --out 指定归档文件")
		return exitCode(2)
	}
	db, fs, closeAll, err := openStorage(ctx, cfg)
	if err != nil {
		return err
	}
	defer closeAll()
	tmp := *out + ".partial"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	defer os.Remove(tmp) // gone after the rename; cleans up after a failure
	gz := gzip.NewWriter(f)
	tw := tar.NewWriter(gz)
	m := dumpManifest{Format: dumpFormat, Version: version(), CreatedAt: time.Now().UTC(), Database: cfg.DB, Collections: map[string]int64{}}
	var body bytes.Buffer
	for _, name := range mongostore.CollectionNames() {
		body.Reset()
		n := int64(0)
		if err := db.store.EachRawDocument(ctx, name, func(doc []byte) error { n++; body.Write(doc); return nil }); err != nil {
			return err
		}
		m.Collections[name] = n
		if err := writeTarFile(tw, "collections/"+name+".bson", body.Bytes()); err != nil {
			return err
		}
	}
	blobs := 0
	if err := fs.EachBlob(ctx, func(key string, size int64, r io.Reader) error {
		blobs++
		if err := tw.WriteHeader(&tar.Header{Name: "blobs/" + key, Mode: 0o600, Size: size, ModTime: time.Now()}); err != nil {
			return err
		}
		_, err := io.Copy(tw, r)
		return err
	}); err != nil {
		return err
	}
	mj, _ := json.MarshalIndent(m, "", "  ")
	if err := writeTarFile(tw, "manifest.json", mj); err != nil {
		return err
	}
	for _, c := range []io.Closer{tw, gz, f} {
		if err := c.Close(); err != nil {
			return err
		}
	}
	if err := os.Rename(tmp, *out); err != nil {
		return err
	}
	total := int64(0)
	for _, n := range m.Collections {
		total += n
	}
	fmt.Fprintf(stdout, "已导出 %d 个集合共 %d 条记录、%d 个文件到 %s\n", len(m.Collections), total, blobs, *out)
	return nil
}

func writeTarFile(tw *tar.Writer, name string, b []byte) error {
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: int64(len(b)), ModTime: time.Now()}); err != nil {
		return err
	}
	_, err := tw.Write(b)
	return err
}

func runRestore(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var cfg config
	flags := newFlagSet("restore", &cfg, getenv, stderr)
	in := flags.String("in", "", "由 dump 生成的归档文件")
	if err := flags.Parse(args); err != nil {
		return exitCode(2)
	}
	if *in == "" {
		fmt.Fprintln(stderr, "请用 --in 指定归档文件")
		return exitCode(2)
	}
	f, err := os.Open(*in)
	if err != nil {
		return err
	}
	defer f.Close()
	db, fs, closeAll, err := openStorage(ctx, cfg)
	if err != nil {
		return err
	}
	defer closeAll()
	empty, err := db.store.Empty(ctx)
	if err != nil {
		return err
	}
	if !empty {
		return errors.New("目标数据库不是空的：恢复只能写入空数据库（请换一个 --db 或 --data-dir）")
	}
	gz, err := gzip.NewReader(f)
	if err != nil {
		return fmt.Errorf("%s 不是 dump 归档：%w", *in, err)
	}
	tr := tar.NewReader(gz)
	docs, blobs := 0, 0
	known := map[string]bool{}
	for _, n := range mongostore.CollectionNames() {
		known[n] = true
	}
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("读取归档：%w", err)
		}
		switch {
		case strings.HasPrefix(h.Name, "collections/"):
			name := strings.TrimSuffix(path.Base(h.Name), ".bson")
			if !known[name] {
				return fmt.Errorf("归档中有未知集合 %q", name)
			}
			n, err := restoreCollection(ctx, db.store, name, tr)
			if err != nil {
				return err
			}
			docs += n
		case strings.HasPrefix(h.Name, "blobs/"):
			key := strings.TrimPrefix(h.Name, "blobs/")
			if strings.Contains(key, "..") {
				return fmt.Errorf("归档中的文件名不安全：%q", key)
			}
			if err := fs.PutBlob(ctx, key, tr); err != nil {
				return err
			}
			blobs++
		case h.Name == "manifest.json":
			var m dumpManifest
			if err := json.NewDecoder(tr).Decode(&m); err != nil || m.Format != dumpFormat {
				return fmt.Errorf("归档清单无法识别（%v）", err)
			}
		}
	}
	fmt.Fprintf(stdout, "已恢复 %d 条记录、%d 个文件\n", docs, blobs)
	return nil
}

// restoreCollection reads BSON documents back to back and inserts them in
// batches.
func restoreCollection(ctx context.Context, st *mongostore.Store, name string, r io.Reader) (int, error) {
	var batch [][]byte
	n := 0
	flush := func() error {
		err := st.InsertRawDocuments(ctx, name, batch)
		n += len(batch)
		batch = batch[:0]
		return err
	}
	var lenBuf [4]byte
	for {
		if _, err := io.ReadFull(r, lenBuf[:]); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return n, fmt.Errorf("%s：归档不完整：%w", name, err)
		}
		size := binary.LittleEndian.Uint32(lenBuf[:])
		if size < 5 || size > 16<<20 {
			return n, fmt.Errorf("%s：文档长度 %d 无效", name, size)
		}
		doc := make([]byte, size)
		copy(doc, lenBuf[:])
		if _, err := io.ReadFull(r, doc[4:]); err != nil {
			return n, fmt.Errorf("%s：归档不完整：%w", name, err)
		}
		batch = append(batch, doc)
		if len(batch) == 500 {
			if err := flush(); err != nil {
				return n, err
			}
		}
	}
	return n, flush()
}
