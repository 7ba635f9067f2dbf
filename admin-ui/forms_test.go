package adminui

import (
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"
)

func TestLocalPath(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"/workspace", "/workspace", true},
		{"/admin/users?role=owner&page=2", "/admin/users?role=owner&page=2", true},
		{"/", "/", true},
		{"", "", false},
		{"workspace", "", false},
		{"//evil.example", "", false},
		{"//evil.example/path", "", false},
		{"/\\evil.example", "", false},
		{"https://evil.example/", "", false},
		{"javascript:alert(1)", "", false},
		{"/ok\r\nSet-Cookie: x=y", "", false},
		{"/%2F%2Fevil.example", "/%2F%2Fevil.example", true}, // stays a path on this site
	}
	for _, tt := range tests {
		got, ok := localPath(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("localPath(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestPager(t *testing.T) {
	gin.SetMode(gin.ReleaseMode)
	c, _ := gin.CreateTestContext(httptest.NewRecorder())
	c.Request = httptest.NewRequest("GET", "/admin/users?role=owner&page=2", nil)

	p := newPager(c, 45, 2, 20)
	if p.Pages != 3 || p.From != 21 || p.To != 40 {
		t.Errorf("pager = %+v", p)
	}
	if p.Prev != "/admin/users?page=1&role=owner" || p.Next != "/admin/users?page=3&role=owner" {
		t.Errorf("links keep the filters: prev %q next %q", p.Prev, p.Next)
	}
	p = newPager(c, 45, 3, 20)
	if p.To != 45 || p.Next != "" {
		t.Errorf("last page = %+v", p)
	}
	p = newPager(c, 0, 1, 20)
	if p.From != 0 || p.Pages != 0 || p.Prev != "" || p.Next != "" {
		t.Errorf("empty = %+v", p)
	}
	// A page past the end links back to the last real page.
	p = newPager(c, 5, 9, 20)
	if p.Prev != "/admin/users?page=1&role=owner" {
		t.Errorf("past the end: prev %q", p.Prev)
	}
}

func TestNewField(t *testing.T) {
	f := newForm()
	f.Values["password"] = "secret-value"
	f.Values["uscc"] = "91"
	f.Errors["uscc"] = "统一社会信用代码应为 18 位"
	fd := newField(f, "uscc", "统一社会信用代码", "required", "max=18", "hint=18 位")
	if !fd.Required || fd.MaxLength != 18 || fd.Value != "91" || fd.Describe != "f-uscc-error f-uscc-hint" {
		t.Errorf("field = %+v", fd)
	}
	if pw := newField(f, "password", "密码", "type=password"); pw.Value != "" {
		t.Error("a password field echoes its value")
	}
}
