package mongostore

import (
	"context"
	"time"

	"github.com/agencyhall/agencyhall/files"
)

type fileDoc struct {
	ID          string    `bson:"_id"`
	Name        string    `bson:"name"`
	Size        int64     `bson:"size"`
	SHA256      string    `bson:"sha256"`
	ContentType string    `bson:"content_type"`
	OwnerOrg    string    `bson:"owner_org"`
	Purpose     string    `bson:"purpose"`
	CreatedBy   string    `bson:"created_by"`
	CreatedAt   time.Time `bson:"created_at"`
	ReadableBy  []string  `bson:"readable_by"`
}

// FileStore implements files.Store.
type FileStore struct{ s *Store }

// Files returns the file metadata store.
func (s *Store) Files() *FileStore { return &FileStore{s: s} }

var _ files.Store = (*FileStore)(nil)

func (f *FileStore) CreateFile(ctx context.Context, m files.Meta) error {
	return insertDoc(ctx, f.s, collFiles, "文件", fileDoc{ID: m.ID, Name: m.Name, Size: m.Size, SHA256: m.SHA256,
		ContentType: m.ContentType, OwnerOrg: m.OwnerOrg, Purpose: m.Purpose, CreatedBy: m.CreatedBy, CreatedAt: m.CreatedAt,
		ReadableBy: append([]string{}, m.ReadableBy...)})
}

func (f *FileStore) GetFile(ctx context.Context, id string) (files.Meta, error) {
	d, err := getDoc[fileDoc](ctx, f.s, collFiles, id, "文件")
	return files.Meta{ID: d.ID, Name: d.Name, Size: d.Size, SHA256: d.SHA256, ContentType: d.ContentType, OwnerOrg: d.OwnerOrg,
		Purpose: d.Purpose, CreatedBy: d.CreatedBy, CreatedAt: d.CreatedAt, ReadableBy: d.ReadableBy}, err
}
