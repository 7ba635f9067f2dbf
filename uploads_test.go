package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"strings"
	"testing"

	"github.com/agencyhall/agencyhall/web"
)

// checkAttachment checks the headers of a served upload: a download
// (attachment, with the file name), the type sniffed at upload whatever the
// uploader claimed, nosniff, and no caching by shared caches.
func checkAttachment(t *testing.T, where string, rec *httptest.ResponseRecorder, wantType string) {
	t.Helper()
	h := rec.Header()
	if rec.Code != http.StatusOK {
		t.Errorf("%s: %d", where, rec.Code)
		return
	}
	if d, params, err := mime.ParseMediaType(h.Get("Content-Disposition")); err != nil || d != "attachment" || params["filename"] == "" {
		t.Errorf("%s: Content-Disposition %q, want an attachment with a file name", where, h.Get("Content-Disposition"))
	}
	if ct := h.Get("Content-Type"); ct != wantType {
		t.Errorf("%s: Content-Type %q, want the sniffed %q", where, ct, wantType)
	}
	if h.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("%s: no X-Content-Type-Options: nosniff", where)
	}
	if cc := h.Get("Cache-Control"); !strings.Contains(cc, "private") && !strings.Contains(cc, "no-store") {
		t.Errorf("%s: Cache-Control %q", where, cc)
	}
}

// uploadAs posts one file with the part's own Content-Type header (what a
// client claims) to /api/v1/files.
func (w *world) uploadAs(u *worldUser, name, claimed string, data []byte) *httptest.ResponseRecorder {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename=%q`, name))
	h.Set("Content-Type", claimed)
	fw, _ := mw.CreatePart(h)
	fw.Write(data)
	mw.WriteField("purpose", "qualification")
	mw.Close()
	return w.do(u.caller, http.MethodPost, "/api/v1/files", mw.FormDataContentType(), buf.String())
}

// tinyPNG is a complete 2×2 PNG, as an image editor writes it.
var tinyPNG = func() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 2, 2))
	img.Set(0, 0, color.RGBA{R: 200, A: 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err)
	}
	return b.Bytes()
}()

// TestUploadsRefusePolyglotsAndServeAsAttachments goes through the API as
// an agency would: polyglots (a %PDF file that is an HTML page, a PNG with
// a ZIP or a page appended, a JPEG with a script after its end), a macro
// workbook named .xlsx or .pdf, an SVG or HTML page named .pdf, and a PDF
// with JavaScript are refused with 400 and a Chinese message, are not
// stored and not audited as uploads; what is kept is served — by the API,
// the file page and a project's contract and deliverable routes
// (TestObjectLevelAccess) — as an attachment of the sniffed type, never
// the type the client claimed, with nosniff.
func TestUploadsRefusePolyglotsAndServeAsAttachments(t *testing.T) {
	w := newWorld(t)
	A := w.agencies[0]
	html := []byte("<!DOCTYPE html><html><body><script>fetch('/api/v1/me/tokens',{method:'POST'})</script></body></html>")
	var macro bytes.Buffer
	zw := zip.NewWriter(&macro)
	for _, n := range []string{"[Content_Types].xml", "xl/workbook.xml", "xl/vbaProject.bin"} {
		fw, _ := zw.Create(n)
		fw.Write([]byte("Sub AutoOpen(): Shell \"cmd\": End Sub"))
	}
	zw.Close()
	pdf := worldPDF("scan")
	jpeg := append([]byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0}, 0xFF, 0xD9)
	join := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	before := len(w.auditRecords())
	for _, tc := range []struct {
		name, file, claimed string
		data                []byte
	}{
		{"a %PDF header on an HTML page", "证书.pdf", "application/pdf", join([]byte("%PDF-1.7\n"), html, []byte("\n%%EOF\n"))},
		{"a PDF with a page after %%EOF", "证书.pdf", "application/pdf", join(pdf, html)},
		{"a PDF with JavaScript", "证书.pdf", "application/pdf", []byte("%PDF-1.4\n1 0 obj << /OpenAction << /S /JavaScript /JS (this.exportDataObject({cName:'a'})) >> >> endobj\n%%EOF\n")},
		{"a PNG with a ZIP appended", "scan.png", "image/png", join(tinyPNG, macro.Bytes())},
		{"a PNG with a page appended", "scan.png", "image/png", join(tinyPNG, html)},
		{"a JPEG with a script after its end", "scan.jpg", "image/jpeg", join(jpeg, html)},
		{"an .xlsx that is a ZIP with a macro", "报表.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", macro.Bytes()},
		{"a macro workbook named .pdf", "证书.pdf", "application/pdf", macro.Bytes()},
		{"an SVG named .pdf", "证书.pdf", "application/pdf", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)},
		{"an HTML page named .pdf", "证书.pdf", "application/pdf", html},
		{"a Windows program named .pdf", "证书.pdf", "application/pdf", join([]byte("MZ\x90\x00\x03\x00\x00\x00"), make([]byte, 200))},
	} {
		rec := w.uploadAs(A, tc.file, tc.claimed, tc.data)
		var eb web.ErrorBody
		if rec.Code != http.StatusBadRequest || json.Unmarshal(rec.Body.Bytes(), &eb) != nil || !hasHanText(eb.Error.Fields["file"]) {
			t.Errorf("%s: %d %s", tc.name, rec.Code, rec.Body)
		}
	}
	if n := len(w.auditRecords()); n != before {
		t.Errorf("refused uploads wrote %d audit records", n-before)
	}

	// Kept files are served by their sniffed type, as downloads.
	for _, tc := range []struct {
		name, file, claimed, want string
		data                      []byte
	}{
		{"a PDF", "资质证书.pdf", "application/pdf", "application/pdf", pdf},
		{"a PNG that claims to be a page", "scan.html", "text/html", "image/png", tinyPNG},
		{"a PNG named .pdf", "扫描件.pdf", "application/pdf", "image/png", tinyPNG},
		{"a JPEG that claims to be an SVG", "scan.svg", "image/svg+xml", "image/jpeg", jpeg},
	} {
		rec := w.uploadAs(A, tc.file, tc.claimed, tc.data)
		var f struct {
			ID          string `json:"id"`
			ContentType string `json:"content_type"`
		}
		if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &f) != nil || f.ContentType != tc.want {
			t.Errorf("%s: %d %s", tc.name, rec.Code, rec.Body)
			continue
		}
		for _, path := range []string{"/api/v1/files/" + f.ID, "/files/" + f.ID} {
			for _, u := range []*worldUser{A, w.regIn} {
				rec := w.call(u, "GET", path, nil)
				checkAttachment(t, tc.name+": GET "+path+" as "+u.name, rec, tc.want)
				if !bytes.Equal(rec.Body.Bytes(), tc.data) {
					t.Errorf("%s: GET %s returned other bytes", tc.name, path)
				}
			}
		}
	}
}
