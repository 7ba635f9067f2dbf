package files

import (
	"context"
	"fmt"
	"io"

	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"

	"github.com/agencyhall/agencyhall/apperr"
)

// Blobs under other keys than uploads: files the platform makes itself,
// such as finished Excel exports (keys under "exports/"). They have no
// metadata record; whoever stores the key decides who may read them.

// NewBlobWriter starts writing the blob key; the blob exists once the
// writer is closed without error.
func (s *Service) NewBlobWriter(ctx context.Context, key, contentType string) (io.WriteCloser, error) {
	w, err := s.bucket.NewWriter(ctx, key, &blob.WriterOptions{ContentType: contentType})
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", key, err)
	}
	return w, nil
}

// OpenBlob reads the blob key; a missing one is not found.
func (s *Service) OpenBlob(ctx context.Context, key string) (io.ReadCloser, error) {
	r, err := s.bucket.NewReader(ctx, key, nil)
	if gcerrors.Code(err) == gcerrors.NotFound {
		return nil, apperr.NotFound("文件")
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", key, err)
	}
	return r, nil
}

// DeleteBlob removes the blob key; a missing one is no error.
func (s *Service) DeleteBlob(ctx context.Context, key string) error {
	err := s.bucket.Delete(ctx, key)
	if err != nil && gcerrors.Code(err) != gcerrors.NotFound {
		return fmt.Errorf("delete %s: %w", key, err)
	}
	return nil
}
