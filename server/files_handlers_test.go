package server

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/agencyhall/agencyhall/auth"
)

// TestUploadValidation: refused uploads get a Chinese field error and
// leave nothing stored.
func TestUploadValidation(t *testing.T) {
	e := newEnv(t)
	c := e.loggedIn("agency1", auth.RoleAgency)
	elf := append([]byte{0x7f, 'E', 'L', 'F', 2, 1, 1, 0}, bytes.Repeat([]byte{0}, 120)...)
	huge := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("x"), 11<<20)...)
	qual := map[string]string{"purpose": "qualification"}
	for _, tc := range []struct {
		name, file string
		data       []byte
		fields     map[string]string
		field      string
	}{
		{"executable renamed .pdf", "证书.pdf", elf, qual, "file"},
		{"11 MiB", "证书.pdf", huge, qual, "file"},
		{"empty", "证书.pdf", nil, qual, "file"},
		{"no purpose", "证书.pdf", samplePDF, nil, "purpose"},
		{"unknown purpose", "证书.pdf", samplePDF, map[string]string{"purpose": "avatar"}, "purpose"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			eb := c.upload("/api/v1/files", "file", tc.file, tc.data, tc.fields).want(http.StatusBadRequest).errBody()
			if !hasHan(eb.Fields[tc.field]) {
				t.Errorf("error %+v, want a Chinese message on %s", eb, tc.field)
			}
		})
	}
	// Not multipart, or without the file field.
	if eb := c.do("POST", "/api/v1/files", `{"file":"x"}`).want(http.StatusBadRequest).errBody(); !hasHan(eb.Fields["file"]) {
		t.Errorf("JSON body: %+v", eb)
	}
	if eb := c.upload("/api/v1/files", "document", "a.pdf", samplePDF, qual).want(http.StatusBadRequest).errBody(); !hasHan(eb.Fields["file"]) {
		t.Errorf("no file field: %+v", eb)
	}
	if n := countBlobs(t, e.fileDir); n != 0 {
		t.Errorf("refused uploads stored %d files", n)
	}
	for _, r := range e.auditRecords() {
		if r.Action == "file.upload" {
			t.Errorf("a refused upload was audited: %+v", r)
		}
	}
	// A PNG is fine, whatever its name says.
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89" +
		"\x00\x00\x00\x00IEND\xaeB`\x82")
	var f fileDTO
	c.upload("/api/v1/files", "file", "scan.pdf", png, qual).want(http.StatusOK).decode(&f)
	if f.ContentType != "image/png" {
		t.Errorf("sniffed %q", f.ContentType)
	}
	if n := countBlobs(t, e.fileDir); n != 1 {
		t.Errorf("%d files stored, want 1", n)
	}
	// A session upload needs the CSRF header.
	c.csrf = ""
	c.upload("/api/v1/files", "file", "scan.png", png, qual).want(http.StatusForbidden)
}

func countBlobs(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	_ = filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Ext(d.Name()) != ".attrs" {
			n++
		}
		return nil
	})
	return n
}

func TestContentDisposition(t *testing.T) {
	for name, want := range map[string]string{
		"report.pdf":       `inline; filename="report.pdf"; filename*=UTF-8''report.pdf`,
		"资质证书.pdf":         `inline; filename="download.pdf"; filename*=UTF-8''%E8%B5%84%E8%B4%A8%E8%AF%81%E4%B9%A6.pdf`,
		`a "quoted";x.png`: `inline; filename="download.png"; filename*=UTF-8''a%20%22quoted%22%3Bx.png`,
	} {
		if got := contentDisposition("inline", name); got != want {
			t.Errorf("%q: %s, want %s", name, got, want)
		}
	}
}
