package files_test

import (
	"archive/zip"
	"bytes"
	"compress/zlib"
	"context"
	"fmt"
	"strings"
	"testing"
	"unicode"

	"github.com/agencyhall/agencyhall/apperr"
)

// zipWithMacro is an .xlsm-like archive: a ZIP holding a VBA project.
func zipWithMacro(t testing.TB) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, body := range map[string]string{"[Content_Types].xml": "<Types/>", "xl/vbaProject.bin": "Attribute VB_Name = \"Module1\"\nSub AutoOpen()\nShell \"calc\"\nEnd Sub"} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pdfWithStream is a complete PDF whose one object stream is Flate-
// compressed: what it holds is invisible to a plain byte search.
func pdfWithStream(t testing.TB, content string) []byte {
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write([]byte(content))
	zw.Close()
	var b bytes.Buffer
	b.WriteString("%PDF-1.5\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n")
	fmt.Fprintf(&b, "3 0 obj << /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\nstream\r\n", z.Len())
	b.Write(z.Bytes())
	b.WriteString("\nendstream\nendobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
	return b.Bytes()
}

// TestUploadRefusesPolyglots: a file must be wholly the type its first
// bytes claim. Polyglots (one format at the start, another further on),
// active PDF content and truncated files are refused with a Chinese field
// message and leave nothing stored; plain files of the three types pass.
func TestUploadRefusesPolyglots(t *testing.T) {
	svc, dir := newService(t)
	ctx := context.Background()
	html := []byte("<html><body><script>fetch('/api/v1/me').then(r=>r.text()).then(alert)</script></body></html>")
	macro := zipWithMacro(t)
	tests := []struct {
		name, file string
		data       []byte
		ok         bool
	}{
		{"plain PDF", "证书.pdf", pdf, true},
		{"plain PNG", "scan.png", png, true},
		{"plain JPEG", "scan.jpg", jpeg, true},
		{"PDF with a compressed page", "证书.pdf", pdfWithStream(t, "BT /F1 12 Tf 72 720 Td (Certificate) Tj ET"), true},
		{"JPEG with zero padding", "scan.jpg", append(append([]byte{}, jpeg...), 0, 0, 0), true},
		{"PDF with trailing white space", "证书.pdf", append(append([]byte{}, pdf...), "\r\n\r\n"...), true},

		{"%PDF then an HTML page", "证书.pdf", append([]byte("%PDF-1.4\n"), append(html, "\n%%EOF\n"...)...), false},
		{"PDF with an HTML page after %%EOF", "证书.pdf", append(append([]byte{}, pdf...), html...), false},
		{"PDF with a JavaScript action", "证书.pdf", []byte("%PDF-1.4\n1 0 obj << /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"), false},
		{"PDF with a launch action", "证书.pdf", []byte("%PDF-1.4\n1 0 obj << /OpenAction << /S /Launch /F (cmd.exe) >> >> endobj\n%%EOF\n"), false},
		{"PDF with an embedded file", "证书.pdf", []byte("%PDF-1.4\n1 0 obj << /Type /EmbeddedFile /Length 3 >> stream\nabc\nendstream endobj\n%%EOF\n"), false},
		{"PDF with JavaScript in a compressed object stream", "证书.pdf", pdfWithStream(t, "4 0 << /S /JavaScript /JS (app.launchURL('http://x')) >>"), false},
		{"PDF with a ZIP appended before %%EOF", "证书.pdf", append(append([]byte("%PDF-1.4\n"), macro...), "\n%%EOF\n"...), false},
		{"truncated PDF", "证书.pdf", []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >>"), false},
		{"PNG with a ZIP appended", "scan.png", append(append([]byte{}, png...), macro...), false},
		{"PNG with HTML appended", "scan.png", append(append([]byte{}, png...), html...), false},
		{"PNG with a script in a text chunk", "scan.png", pngWithChunk("tEXt", "Comment\x00<script>alert(1)</script>"), false},
		{"truncated PNG", "scan.png", png[:30], false},
		{"JPEG with a ZIP appended", "scan.jpg", append(append([]byte{}, jpeg...), macro...), false},
		{"JPEG with HTML after the end marker", "scan.jpg", append(append([]byte{}, jpeg...), html...), false},
		{"JPEG with a ZIP inside ending in an end marker", "scan.jpg", append(append(append([]byte{}, jpeg[:len(jpeg)-2]...), macro...), 0xFF, 0xD9), false},
		{".xlsx that is a ZIP with a macro", "报表.xlsx", macro, false},
		{".xlsm renamed .pdf", "报表.pdf", macro, false},
		{"SVG named .pdf", "证书.pdf", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`), false},
		{"HTML named .pdf", "证书.pdf", html, false},
		{"HTML named .png", "scan.png", html, false},
		{"plain text", "说明.pdf", []byte("这是一段文字"), false},
	}
	stored := 0
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := svc.Upload(ctx, "agency:1", "u1", "qualification", tt.file, bytes.NewReader(tt.data))
			if tt.ok {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				stored++
				if strings.HasSuffix(tt.file, ".pdf") != (m.ContentType == "application/pdf") {
					t.Errorf("type %q for %s", m.ContentType, tt.file)
				}
			} else {
				e, ok := apperr.As(err)
				if !ok || e.Kind != apperr.KindInvalid || !hasHan(e.Fields["file"]) {
					t.Fatalf("got %v (%+v), want a Chinese field error on file", err, e)
				}
			}
			if got := countFiles(t, dir); got != stored {
				t.Fatalf("%d blobs stored, want %d", got, stored)
			}
		})
	}
}

// pngWithChunk is the test PNG with one more chunk before IEND.
func pngWithChunk(typ, data string) []byte {
	iend := len(png) - 12
	var b bytes.Buffer
	b.Write(png[:iend])
	n := len(data)
	b.Write([]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)})
	b.WriteString(typ)
	b.WriteString(data)
	b.Write([]byte{0, 0, 0, 0}) // the CRC is not what is checked
	b.Write(png[iend:])
	return b.Bytes()
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}
