package files

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"io"
)

// Uploaded files are served back to other parties (a contract to the
// agency, a deliverable to the owner, certificates to regulators), so a
// file that is one type at its start and another further on — a polyglot —
// must not be kept: a PDF that is also an HTML page, a PNG with a ZIP
// archive (a macro document) appended, a JPEG carrying a script. The type
// is decided by the first bytes (http.DetectContentType); checkContent
// then requires the whole file to be that type and nothing else:
//
//   - the structure is complete and ends where the format ends: a PDF ends
//     with %%EOF (trailing white space allowed), a PNG's chunks run from the
//     signature to IEND with nothing after it, a JPEG ends with its EOI
//     marker (trailing zero padding allowed);
//   - there is no ZIP archive in it (a ZIP is found by its end-of-central-
//     directory record within the last 64 KiB, which is where every ZIP
//     reader looks, whatever comes before);
//   - there is no HTML or script markup anywhere in the bytes;
//   - a PDF has no JavaScript, launch actions or embedded files, in its
//     plain text or in any Flate-compressed stream (object streams hide
//     dictionaries there).
//
// It returns the Chinese message of the refusal, or "".
func checkContent(ctype string, data []byte) string {
	switch ctype {
	case "application/pdf":
		if !pdfComplete(data) {
			return "PDF 文件不完整（缺少文件结尾标记 %%EOF，或结尾之后还有其他内容），请重新导出后上传"
		}
	case "image/png":
		if !pngComplete(data) {
			return "PNG 图片结构不完整，或图片结尾之后附带了其他内容，请重新保存图片后上传"
		}
	case "image/jpeg":
		if !jpegComplete(data) {
			return "JPEG 图片结构不完整，或图片结尾之后附带了其他内容，请重新保存图片后上传"
		}
	}
	if hasZipDirectory(data) {
		return "文件中夹带了压缩包内容，不能上传；请上传单纯的 PDF、PNG 或 JPEG 文件"
	}
	if hasMarkup(asciiLower(data)) {
		return "文件中含有网页或脚本代码，不能上传；请上传单纯的 PDF、PNG 或 JPEG 文件"
	}
	if ctype == "application/pdf" && pdfActive(data) {
		return "PDF 文件中含有脚本、自动执行的动作或嵌入文件，不能上传；请打印为 PDF 或重新扫描后上传"
	}
	return ""
}

// markupMarkers are lower-case openings of HTML and script content that a
// scan or a photo never holds.
var markupMarkers = [][]byte{
	[]byte("<script"), []byte("<html"), []byte("<!doctype html"), []byte("<body"), []byte("<iframe"), []byte("<svg"),
	[]byte("<object"), []byte("<embed"), []byte("<?php"), []byte("javascript:"), []byte("<meta http-equiv"),
}

func hasMarkup(lower []byte) bool {
	for _, m := range markupMarkers {
		if bytes.Contains(lower, m) {
			return true
		}
	}
	return false
}

// asciiLower is a copy of b with A–Z in lower case and every other byte
// unchanged (bytes.ToLower would rewrite invalid UTF-8).
func asciiLower(b []byte) []byte {
	out := make([]byte, len(b))
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		out[i] = c
	}
	return out
}

// pdfMarkers are the name objects of active PDF content.
var pdfMarkers = [][]byte{[]byte("/javascript"), []byte("/js"), []byte("/launch"), []byte("/embeddedfile"), []byte("/richmedia")}

func pdfComplete(data []byte) bool {
	end := bytes.TrimRight(data, " \t\r\n\x00\x0c")
	return bytes.HasSuffix(end, []byte("%%EOF"))
}

// pdfActive reports whether a PDF names active content, in clear or in a
// Flate-compressed stream. Inflating stops after 64 MiB in all, so a
// compression bomb costs bounded work (and is refused).
func pdfActive(data []byte) bool {
	if pdfHasMarker(asciiLower(data)) {
		return true
	}
	budget := int64(64 << 20)
	for rest := data; ; {
		i := bytes.Index(rest, []byte("stream"))
		if i < 0 {
			return false
		}
		rest = rest[i+len("stream"):]
		switch {
		case bytes.HasPrefix(rest, []byte("\r\n")):
			rest = rest[2:]
		case bytes.HasPrefix(rest, []byte("\n")), bytes.HasPrefix(rest, []byte("\r")):
			rest = rest[1:]
		default:
			continue // "endstream", or the word inside something else
		}
		j := bytes.Index(rest, []byte("endstream"))
		if j < 0 {
			return false
		}
		body := rest[:j]
		rest = rest[j:]
		if len(body) < 2 || body[0]&0x0f != 8 || (uint16(body[0])<<8|uint16(body[1]))%31 != 0 {
			continue // not a zlib stream (other filters hold image data)
		}
		zr, err := zlib.NewReader(bytes.NewReader(body))
		if err != nil {
			continue
		}
		out, _ := io.ReadAll(io.LimitReader(zr, budget+1))
		zr.Close()
		budget -= int64(len(out))
		if budget < 0 {
			return true
		}
		if lower := asciiLower(out); pdfHasMarker(lower) || hasMarkup(lower) {
			return true
		}
	}
}

// pdfHasMarker looks for the active-content names as whole PDF names (so
// /JSON or /Jsomething else does not count; /JS does).
func pdfHasMarker(lower []byte) bool {
	for _, m := range pdfMarkers {
		for rest := lower; ; {
			i := bytes.Index(rest, m)
			if i < 0 {
				break
			}
			rest = rest[i+len(m):]
			if len(rest) == 0 || !isNameChar(rest[0]) {
				return true
			}
		}
	}
	return false
}

// isNameChar reports whether c continues a PDF name (anything but white
// space and delimiters).
func isNameChar(c byte) bool {
	return c > ' ' && c < 0x7f && bytes.IndexByte([]byte("()<>[]{}/%"), c) < 0
}

var pngSignature = []byte("\x89PNG\r\n\x1a\n")

// pngComplete walks the chunks from the signature to IEND, which must end
// the file.
func pngComplete(data []byte) bool {
	if !bytes.HasPrefix(data, pngSignature) {
		return false
	}
	for p := len(pngSignature); ; {
		if len(data)-p < 12 {
			return false
		}
		n := int64(binary.BigEndian.Uint32(data[p:]))
		typ := string(data[p+4 : p+8])
		next := int64(p) + 12 + n
		if next > int64(len(data)) {
			return false
		}
		p = int(next)
		if typ == "IEND" {
			return p == len(data)
		}
	}
}

// jpegComplete requires the start-of-image marker and an end-of-image
// marker at the end (after zero padding some encoders add).
func jpegComplete(data []byte) bool {
	end := bytes.TrimRight(data, "\x00")
	return bytes.HasPrefix(data, []byte{0xFF, 0xD8}) && bytes.HasSuffix(end, []byte{0xFF, 0xD9})
}

// hasZipDirectory looks for a ZIP end-of-central-directory record where
// ZIP readers look for it: in the last 22 + 65535 bytes.
func hasZipDirectory(data []byte) bool {
	tail := data
	if len(tail) > 22+65535 {
		tail = tail[len(tail)-(22+65535):]
	}
	return bytes.Contains(tail, []byte("PK\x05\x06"))
}
