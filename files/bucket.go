package files

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"gocloud.dev/blob"
	_ "gocloud.dev/blob/fileblob" // file:// buckets, the default under the data directory
	_ "gocloud.dev/blob/s3blob"   // s3:// buckets: MinIO or any S3-compatible service
)

// OpenBucket opens the blob storage at url; with an empty url it uses a
// directory under dataDir.
func OpenBucket(ctx context.Context, url, dataDir string) (*blob.Bucket, error) {
	if url == "" {
		dir, err := filepath.Abs(filepath.Join(dataDir, "files"))
		if err != nil {
			return nil, err
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("create file directory: %w", err)
		}
		url = "file://" + filepath.ToSlash(dir) + "?create_dir=true&no_tmp_dir=true"
	}
	b, err := blob.OpenBucket(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("open blob storage: %w", err)
	}
	return b, nil
}
