package files_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/files"
	"github.com/agencyhall/agencyhall/mongostore/mongotest"
)

var srv *mongotest.Server

func TestMain(m *testing.M) { os.Exit(mongotest.Run(m, &srv)) }

func newService(t *testing.T) (*files.Service, string) {
	t.Helper()
	dir := t.TempDir()
	b, err := files.OpenBucket(context.Background(), "", dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return files.NewService(srv.Store(t).Files(), b, nil), filepath.Join(dir, "files")
}

// countFiles counts stored blobs, to prove a refused upload left nothing.
func countFiles(t *testing.T, dir string) int {
	n := 0
	_ = filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Ext(d.Name()) != ".attrs" { // fileblob keeps attributes beside each blob
			n++
		}
		return nil
	})
	return n
}

var (
	// Complete files: checkContent refuses truncated ones (content_test.go).
	pdf  = append(append([]byte("%PDF-1.4\n1 0 obj<<>>endobj\n"), bytes.Repeat([]byte("x"), 100)...), "\n%%EOF\n"...)
	png  = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\x00IEND\xaeB`\x82")
	jpeg = append(append([]byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 'J', 'F', 'I', 'F', 0}, bytes.Repeat([]byte{1}, 100)...), 0xFF, 0xD9)
	elf  = append([]byte("\x7fELF\x02\x01\x01\x00"), bytes.Repeat([]byte{0}, 100)...)
)

func TestUploadValidation(t *testing.T) {
	svc, dir := newService(t)
	ctx := context.Background()
	tests := []struct {
		name, file string
		data       []byte
		ok         bool
		wantType   string
		msg        string
	}{
		{"pdf", "证书.pdf", pdf, true, "application/pdf", ""},
		{"png named jpg", "scan.jpg", png, true, "image/png", ""},
		{"jpeg", "scan.jpeg", jpeg, true, "image/jpeg", ""},
		{"executable renamed .pdf", "证书.pdf", elf, false, "", "只支持 PDF、PNG、JPEG 格式的文件（按文件内容识别，不看扩展名）"},
		{"11 MiB", "big.pdf", append(append([]byte{}, pdf...), make([]byte, 11<<20)...), false, "", "文件不能超过 10 MB"},
		{"empty", "empty.pdf", nil, false, "", "文件为空，请选择要上传的文件"},
	}
	stored := 0
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := svc.Upload(ctx, "agency:1", "u1", "qualification", tt.file, bytes.NewReader(tt.data))
			if tt.ok {
				if err != nil {
					t.Fatal(err)
				}
				stored++
				if m.ContentType != tt.wantType || m.Size != int64(len(tt.data)) || len(m.SHA256) != 64 {
					t.Fatalf("meta %+v", m)
				}
			} else {
				e, ok := apperr.As(err)
				if !ok || e.Kind != apperr.KindInvalid || e.Fields["file"] != tt.msg {
					t.Fatalf("got %v, want field error %q", err, tt.msg)
				}
			}
			if got := countFiles(t, dir); got != stored {
				t.Fatalf("%d blobs stored, want %d", got, stored)
			}
		})
	}
}

func TestReadAccess(t *testing.T) {
	svc, _ := newService(t)
	ctx := context.Background()
	m, err := svc.Upload(ctx, "agency:1", "u1", "qualification", "c.pdf", bytes.NewReader(pdf))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		who  files.Reader
		ok   bool
	}{
		{"owner", files.Reader{OrgID: "agency:1"}, true},
		{"regulator", files.Reader{OrgID: "regulator:x", Supervises: true}, true},
		{"other agency", files.Reader{OrgID: "agency:2"}, false},
		{"public", files.Reader{}, false},
	}
	for _, tt := range tests {
		_, rc, err := svc.Open(ctx, tt.who, m.ID)
		if tt.ok != (err == nil) {
			t.Errorf("%s: err %v", tt.name, err)
		}
		if err == nil {
			rc.Close()
		} else if !apperr.Is(err, apperr.KindNotFound) {
			t.Errorf("%s: refusal should look like not found, got %v", tt.name, err)
		}
	}
}
