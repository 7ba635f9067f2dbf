package files

import (
	"context"
	"errors"
	"fmt"
	"io"

	"gocloud.dev/blob"
)

// EachBlob streams every stored file's bytes with its key (dump).
func (s *Service) EachBlob(ctx context.Context, fn func(key string, size int64, r io.Reader) error) error {
	it := s.bucket.List(nil)
	for {
		obj, err := it.Next(ctx)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("list files: %w", err)
		}
		if obj.IsDir {
			continue
		}
		r, err := s.bucket.NewReader(ctx, obj.Key, nil)
		if err != nil {
			return fmt.Errorf("open %s: %w", obj.Key, err)
		}
		err = fn(obj.Key, obj.Size, r)
		r.Close()
		if err != nil {
			return err
		}
	}
}

// PutBlob writes a file's bytes under its key (restore).
func (s *Service) PutBlob(ctx context.Context, key string, r io.Reader) error {
	w, err := s.bucket.NewWriter(ctx, key, &blob.WriterOptions{})
	if err != nil {
		return fmt.Errorf("write %s: %w", key, err)
	}
	if _, err := io.Copy(w, r); err != nil {
		w.Close()
		return fmt.Errorf("write %s: %w", key, err)
	}
	return w.Close()
}
