package server

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/files"
	"github.com/agencyhall/agencyhall/web"
)

// Uploaded files: certificates now, contracts and deliverables later.

// filePurposes are the purposes an upload may declare.
var filePurposes = map[string]string{
	"qualification": "资质证书扫描件",
	"contract":      "合同",
	"deliverable":   "服务成果",
}

type fileDTO struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	ContentType string    `json:"content_type"`
	Purpose     string    `json:"purpose"`
	CreatedAt   time.Time `json:"created_at"`
}

func toFile(m files.Meta) fileDTO {
	return fileDTO{ID: m.ID, Name: m.Name, Size: m.Size, SHA256: m.SHA256, ContentType: m.ContentType, Purpose: m.Purpose,
		CreatedAt: m.CreatedAt.UTC()}
}

func (h *handlers) uploadFile(c *gin.Context) {
	up, err := readUpload(c, "file")
	if err != nil {
		web.Fail(c, err)
		return
	}
	purpose := strings.TrimSpace(up.fields["purpose"])
	if _, ok := filePurposes[purpose]; !ok {
		web.Fail(c, apperr.Invalid().Field("purpose", "文件用途应为 qualification（资质证书扫描件）、contract（合同）或 deliverable（服务成果）"))
		return
	}
	p := web.PrincipalOf(c)
	m, err := h.Files.Upload(c, p.OrgID, p.UserID, purpose, up.name, bytes.NewReader(up.data))
	if err != nil {
		web.Fail(c, err)
		return
	}
	web.Audit(c, "file:"+m.ID, fmt.Sprintf("上传%s「%s」（%s，%d 字节）", filePurposes[purpose], m.Name, m.TypeLabel(), m.Size))
	c.JSON(http.StatusOK, toFile(m))
}

// getFile serves a file to its organisation and to supervisors; to anybody
// else it does not exist.
func (h *handlers) getFile(c *gin.Context) {
	p := web.PrincipalOf(c)
	m, rc, err := h.Files.Open(c, files.Reader{OrgID: p.OrgID, Supervises: actorOf(p).Supervises()}, c.Param("id"))
	if err != nil {
		web.Fail(c, err)
		return
	}
	defer rc.Close()
	sendFile(c, m, rc)
}

// sendFile answers with a stored file, read from rc: always as a download
// (attachment), with the type sniffed at upload, never what the uploader
// claimed, and nosniff — an uploaded file is never rendered as a page of
// this site.
func sendFile(c *gin.Context, m files.Meta, rc io.Reader) {
	setDownload(c, m.ContentType, "attachment", m.Name)
	c.Header("Content-Length", strconv.FormatInt(m.Size, 10))
	c.Header("Cache-Control", "private, no-cache")
	c.Status(http.StatusOK)
	if _, err := io.Copy(c.Writer, rc); err != nil {
		web.Classify(c, fmt.Errorf("send file %s: %w", m.ID, err))
		c.Abort()
	}
}

// setDownload sets the headers of a file response: the type (never
// sniffed by the browser) and the file name, in ASCII for old clients and
// in UTF-8 by RFC 5987 for everybody else.
func setDownload(c *gin.Context, ctype, disposition, name string) {
	c.Header("Content-Type", ctype)
	c.Header("X-Content-Type-Options", "nosniff")
	c.Header("Content-Disposition", contentDisposition(disposition, name))
}

func contentDisposition(disposition, name string) string {
	fallback := name
	for _, r := range name {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			ext := ""
			if i := strings.LastIndexByte(name, '.'); i >= 0 && strings.Trim(name[i+1:], "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") == "" {
				ext = name[i:]
			}
			fallback = "download" + ext
			break
		}
	}
	return fmt.Sprintf(`%s; filename="%s"; filename*=UTF-8''%s`, disposition, fallback, rfc5987(name))
}

// rfc5987 percent-encodes everything but the attr-chars of RFC 5987.
func rfc5987(s string) string {
	const attrChars = "!#$&+-.^_`|~"
	var b strings.Builder
	for _, c := range []byte(s) {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(attrChars, c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// upload is a multipart/form-data request with one file.
type upload struct {
	name   string
	data   []byte
	fields map[string]string
}

// maxFormOverhead is what a multipart body may carry besides the file.
const maxFormOverhead = 64 << 10

// readUpload reads a multipart body with the file in field (at most
// files.MaxSize bytes, read into memory) and small text fields. A larger
// file is refused as soon as it passes the limit. With a session the
// X-CSRF-Token header is required: the CSRF check does not parse uploads.
func readUpload(c *gin.Context, field string) (upload, error) {
	web.LimitBody(c, files.MaxSize+maxFormOverhead)
	up := upload{fields: map[string]string{}}
	if mt, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type")); mt != "multipart/form-data" {
		return up, apperr.Invalid().Field(field, "请以 multipart/form-data 方式上传，文件放在 "+field+" 字段")
	}
	mr, err := c.Request.MultipartReader()
	if err != nil {
		return up, apperr.Invalid().Field(field, "上传内容无法解析，请重新选择文件上传").Wrap(err)
	}
	tooLarge := apperr.Invalid().Field(field, "文件不能超过 10 MB")
	got := false
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return up, tooLarge
		}
		if err != nil {
			return up, apperr.Invalid().Field(field, "上传内容不完整，请重试").Wrap(err)
		}
		switch name := part.FormName(); {
		case name == field && !got:
			got = true
			up.name = part.FileName()
			up.data, err = io.ReadAll(io.LimitReader(part, files.MaxSize+1))
			if len(up.data) > files.MaxSize || errors.As(err, &mbe) {
				return up, tooLarge
			}
		case part.FileName() == "" && len(up.fields) < 20:
			var b []byte
			b, err = io.ReadAll(io.LimitReader(part, 1<<10))
			up.fields[name] = string(b)
		}
		if err != nil {
			return up, apperr.Invalid().Field(field, "上传内容不完整，请重试").Wrap(err)
		}
	}
	if !got {
		return up, apperr.Invalid().Field(field, "请选择要上传的文件")
	}
	return up, nil
}
