package web

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"
)

// TestLimitBodyRaisesTheLimit: an upload route may accept more than the
// global body limit, and still no more than its own.
func TestLimitBodyRaisesTheLimit(t *testing.T) {
	a := New(Config{MaxBodyBytes: 10})
	a.Handle(Route{Method: "POST", Path: "/up", Access: Public(), Action: "test.up", Summary: "上传", Handler: func(c *gin.Context) {
		LimitBody(c, 100)
		b, err := io.ReadAll(c.Request.Body)
		if err != nil {
			c.String(http.StatusRequestEntityTooLarge, "too large")
			return
		}
		c.String(http.StatusOK, "%d", len(b))
	}})
	for _, tc := range []struct {
		size int
		want string
	}{{50, "50"}, {101, "too large"}} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("POST", "/up", bytes.NewReader(make([]byte, tc.size)))
		req.Header.Set("Content-Type", "application/octet-stream")
		a.ServeHTTP(rec, req)
		if rec.Body.String() != tc.want {
			t.Errorf("%d bytes: %d %q, want %q", tc.size, rec.Code, rec.Body, tc.want)
		}
	}
}

func TestOpenAPIFiles(t *testing.T) {
	doc := OpenAPI([]Route{
		{Method: "POST", Path: "/files", Access: LoggedIn(), Action: "file.upload", Summary: "上传",
			In: File{Field: "file", Fields: []string{"purpose"}}, Out: map[string]string{"id": "x"}},
		{Method: "GET", Path: "/x.xlsx", Access: Public(), Summary: "下载", Out: File{ContentType: "application/vnd.ms-excel"}},
	}, Info{Title: "t"})
	up := doc.Paths["/files"]["post"].RequestBody.Content["multipart/form-data"].Schema
	if up.Properties["file"].Format != "binary" || up.Properties["purpose"] == nil {
		t.Errorf("upload schema %+v", up)
	}
	if s := doc.Paths["/x.xlsx"]["get"].Responses["200"].Content["application/vnd.ms-excel"].Schema; s == nil || s.Format != "binary" {
		t.Errorf("download schema %+v", s)
	}
}
