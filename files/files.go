// Package files keeps uploaded files: the bytes in blob storage through
// gocloud.dev/blob (a directory by default, any S3-compatible service in
// production) and their metadata in the database.
package files

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"strings"
	"time"
	"unicode/utf8"

	"gocloud.dev/blob"

	"github.com/agencyhall/agencyhall/apperr"
)

// MaxSize is the largest upload accepted.
const MaxSize = 10 << 20

// Allowed content types, decided by the bytes, never by the file name.
var allowedTypes = map[string]string{
	"application/pdf": "PDF",
	"image/png":       "PNG",
	"image/jpeg":      "JPEG",
}

// Meta describes one stored file.
type Meta struct {
	ID          string
	Name        string // the uploader's file name, for display
	Size        int64
	SHA256      string
	ContentType string // sniffed from the content
	OwnerOrg    string // the organisation that uploaded it
	Purpose     string // e.g. "qualification"
	CreatedBy   string
	CreatedAt   time.Time
	// ReadableBy lists further organisations that may read the file;
	// supervisors (regulators, admins) may always read.
	ReadableBy []string
}

// Store keeps file metadata.
type Store interface {
	CreateFile(ctx context.Context, m Meta) error
	GetFile(ctx context.Context, id string) (Meta, error)
}

// Reader is who asks to read a file.
type Reader struct {
	OrgID      string
	Supervises bool
}

// Service stores and serves files.
type Service struct {
	store  Store
	bucket *blob.Bucket
	now    func() time.Time
}

// NewService builds the file service on a bucket.
func NewService(store Store, bucket *blob.Bucket, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: store, bucket: bucket, now: now}
}

// Upload checks and stores a file for an organisation. It reads at most
// MaxSize+1 bytes, so a larger body is refused without being kept.
func (s *Service) Upload(ctx context.Context, org, user, purpose, name string, r io.Reader) (Meta, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return Meta{}, errTooLarge
		}
		return Meta{}, apperr.InvalidMsg("upload_failed", "文件上传中断，请重试").Wrap(err)
	}
	if len(data) == 0 {
		return Meta{}, apperr.Invalid().Field("file", "文件为空，请选择要上传的文件")
	}
	if len(data) > MaxSize {
		return Meta{}, errTooLarge
	}
	ctype := http.DetectContentType(data)
	if i := strings.IndexByte(ctype, ';'); i >= 0 {
		ctype = ctype[:i]
	}
	if _, ok := allowedTypes[ctype]; !ok {
		return Meta{}, apperr.Invalid().Field("file", "只支持 PDF、PNG、JPEG 格式的文件（按文件内容识别，不看扩展名）")
	}
	if msg := checkContent(ctype, data); msg != "" {
		return Meta{}, apperr.Invalid().Field("file", msg)
	}
	sum := sha256.Sum256(data)
	m := Meta{ID: newID(), Name: cleanName(name), Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:]),
		ContentType: ctype, OwnerOrg: org, Purpose: purpose, CreatedBy: user, CreatedAt: s.now().UTC()}
	if err := s.bucket.WriteAll(ctx, blobKey(m.ID), data, &blob.WriterOptions{ContentType: ctype}); err != nil {
		return Meta{}, fmt.Errorf("store file bytes: %w", err)
	}
	if err := s.store.CreateFile(ctx, m); err != nil {
		// Nothing half-written: without its metadata the bytes are useless.
		_ = s.bucket.Delete(context.WithoutCancel(ctx), blobKey(m.ID))
		return Meta{}, err
	}
	return m, nil
}

var errTooLarge = apperr.Invalid().Field("file", "文件不能超过 10 MB")

// Stat returns a file's metadata if the reader may see it.
func (s *Service) Stat(ctx context.Context, who Reader, id string) (Meta, error) {
	m, err := s.store.GetFile(ctx, id)
	if err != nil {
		return Meta{}, err
	}
	if !m.readable(who) {
		return Meta{}, apperr.Hidden("文件") // do not confirm that it exists
	}
	return m, nil
}

// Open returns a file's metadata and content if the reader may see it.
func (s *Service) Open(ctx context.Context, who Reader, id string) (Meta, io.ReadCloser, error) {
	m, err := s.Stat(ctx, who, id)
	if err != nil {
		return Meta{}, nil, err
	}
	rc, err := s.bucket.NewReader(ctx, blobKey(m.ID), nil)
	if err != nil {
		return Meta{}, nil, fmt.Errorf("open file %s: %w", m.ID, err)
	}
	return m, rc, nil
}

// Owned reports whether file id belongs to org (for attaching it to records).
func (s *Service) Owned(ctx context.Context, org, id string) bool {
	m, err := s.store.GetFile(ctx, id)
	return err == nil && m.OwnerOrg == org
}

func (m Meta) readable(who Reader) bool {
	if who.Supervises || (who.OrgID != "" && who.OrgID == m.OwnerOrg) {
		return true
	}
	for _, o := range m.ReadableBy {
		if o == who.OrgID && o != "" {
			return true
		}
	}
	return false
}

// TypeLabel is the short name of the content type (PDF, PNG, JPEG).
func (m Meta) TypeLabel() string { return allowedTypes[m.ContentType] }

func blobKey(id string) string { return "files/" + id[:2] + "/" + id }

func newID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// cleanName keeps the base name, valid UTF-8, at most 120 characters.
func cleanName(name string) string {
	name = path.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.ToValidUTF8(name, "")
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, name)
	if utf8.RuneCountInString(name) > 120 {
		name = string([]rune(name)[:120])
	}
	if name == "" || name == "." || name == "/" {
		name = "file"
	}
	return name
}
