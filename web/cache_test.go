package web

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	dto "github.com/prometheus/client_model/go"
)

type cacheFixture struct {
	app     *App
	now     time.Time
	version int64
	renders map[string]int
	// /slow renders once release is closed, counting its renders apart
	// (concurrently).
	release     chan struct{}
	slowRenders atomic.Int64
}

func newCacheFixture(t *testing.T) *cacheFixture {
	t.Helper()
	f := &cacheFixture{now: time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC), renders: map[string]int{}, release: make(chan struct{})}
	f.app = New(Config{Now: func() time.Time { return f.now }, DataVersion: func() int64 { return f.version }})
	page := func(name string, h func(c *gin.Context)) gin.HandlerFunc {
		return func(c *gin.Context) {
			f.renders[name]++
			h(c)
		}
	}
	for _, r := range []Route{
		{Method: "GET", Path: "/hall", Access: Public(), Handler: page("hall", func(c *gin.Context) {
			c.String(http.StatusOK, "hall %d, fragment %q", f.renders["hall"], c.GetHeader("HX-Target"))
		})},
		{Method: "GET", Path: "/big", Access: Public(), Handler: page("big", func(c *gin.Context) {
			c.String(http.StatusOK, "%s", strings.Repeat("中介服务网上超市 ", 200))
		})},
		{Method: "GET", Path: "/form", Access: Public(), Handler: page("form", func(c *gin.Context) {
			c.String(http.StatusOK, "token %s", CSRFToken(c))
		})},
		{Method: "GET", Path: "/cookie", Access: Public(), Handler: page("cookie", func(c *gin.Context) {
			c.SetCookie("seen", "1", 0, "/", "", false, true)
			c.String(http.StatusOK, "hello")
		})},
		{Method: "GET", Path: "/missing", Access: Public(), Handler: page("missing", func(c *gin.Context) {
			c.String(http.StatusNotFound, "none")
		})},
		{Method: "GET", Path: "/health", Access: Public(), NoCache: true, Handler: page("health", func(c *gin.Context) {
			c.String(http.StatusOK, "ok")
		})},
		{Method: "GET", Path: "/slow", Access: Public(), Handler: func(c *gin.Context) {
			<-f.release
			c.String(http.StatusOK, "slow %d", f.slowRenders.Add(1))
		}},
		{Method: "POST", Path: "/change", Access: Public(), Action: "test.change", Handler: func(c *gin.Context) {
			f.version++ // as the store counts a write
			c.String(http.StatusOK, "changed")
		}},
		{Method: "POST", Path: "/login", Access: Public(), Action: "test.login", Handler: func(c *gin.Context) {
			c.String(http.StatusOK, "a session, nothing public")
		}},
	} {
		r.Summary = "测试"
		f.app.Handle(r)
	}
	return f
}

func (f *cacheFixture) do(method, path string, header ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	f.app.ServeHTTP(rec, req)
	return rec
}

func TestPublicResponseCache(t *testing.T) {
	f := newCacheFixture(t)
	first := f.do("GET", "/hall")
	etag, modified := first.Header().Get("ETag"), first.Header().Get("Last-Modified")
	if first.Code != 200 || etag == "" || modified == "" || first.Header().Get("Cache-Control") != "public, no-cache" {
		t.Fatalf("first answer: %d %v", first.Code, first.Header())
	}
	steps := []struct {
		name    string
		before  func()
		header  []string
		path    string
		status  int
		renders int // renders of /hall so far
	}{
		{name: "again: from the cache", status: 200, renders: 1},
		{name: "conditional by ETag", header: []string{"If-None-Match", etag}, status: 304, renders: 1},
		{name: "conditional by a list of ETags", header: []string{"If-None-Match", `"x", ` + etag}, status: 304, renders: 1},
		{name: "conditional by date", header: []string{"If-Modified-Since", modified}, status: 304, renders: 1},
		{name: "another ETag", header: []string{"If-None-Match", `"stale"`}, status: 200, renders: 1},
		{name: "an htmx fragment is its own entry", header: []string{"HX-Request", "true", "HX-Target", "results"}, status: 200, renders: 2},
		{name: "a visitor with a personal cookie", header: []string{"Cookie", "ah_flash=x"}, status: 200, renders: 3},
		{name: "the anonymous CSRF cookie is not personal", header: []string{"Cookie", CSRFCookie + "=abcdefghijklmnopqrstuvwxyz"}, status: 200, renders: 3},
		{name: "a request that changes nothing public", before: func() { f.do("POST", "/login") }, status: 200, renders: 3},
		{name: "a state change moves the version", before: func() { f.do("POST", "/change") }, status: 200, renders: 4},
		{name: "and is cached again", status: 200, renders: 4},
		{name: "the hall changed on its own", before: func() { f.version++ }, status: 200, renders: 5},
		{name: "time alone: within the TTL", before: func() { f.now = f.now.Add(DefaultCacheTTL - time.Millisecond) }, status: 200, renders: 5},
		{name: "time alone: past the TTL", before: func() { f.now = f.now.Add(time.Millisecond) }, status: 200, renders: 6},
		{name: "the old ETag no longer matches", header: []string{"If-None-Match", etag}, status: 200, renders: 6},
	}
	for _, s := range steps {
		if s.before != nil {
			s.before()
		}
		res := f.do("GET", "/hall", s.header...)
		if res.Code != s.status || f.renders["hall"] != s.renders {
			t.Fatalf("%s: status %d, %d renders; want %d, %d", s.name, res.Code, f.renders["hall"], s.status, s.renders)
		}
		if s.status == 304 && res.Body.Len() != 0 {
			t.Errorf("%s: a 304 with a body", s.name)
		}
		if s.status == 200 && !strings.HasPrefix(res.Body.String(), "hall ") {
			t.Errorf("%s: body %q", s.name, res.Body)
		}
	}
}

// Concurrent misses of one URL render it once and all get that answer.
func TestConcurrentMissesRenderOnce(t *testing.T) {
	f := newCacheFixture(t)
	const visitors = 6
	bodies := make(chan string, visitors)
	for range visitors {
		go func() { bodies <- f.do("GET", "/slow").Body.String() }()
	}
	// Every visitor has missed (and all but one wait) before the render ends.
	misses := func() float64 {
		var m dto.Metric
		_ = f.app.metrics.cacheMisses.Write(&m)
		return m.GetCounter().GetValue()
	}
	for misses() < visitors {
		runtime.Gosched()
	}
	close(f.release)
	for range visitors {
		if b := <-bodies; b != "slow 1" {
			t.Errorf("a visitor got %q", b)
		}
	}
	if n := f.slowRenders.Load(); n != 1 {
		t.Errorf("rendered %d times for %d concurrent visitors", n, visitors)
	}
}

// Responses that are not the same for everybody are never kept.
func TestResponsesNeverCached(t *testing.T) {
	f := newCacheFixture(t)
	for _, path := range []string{"/form", "/cookie", "/missing", "/health"} {
		a, b := f.do("GET", path), f.do("GET", path)
		name := path[1:]
		if f.renders[name] != 2 {
			t.Errorf("%s rendered %d times for two requests", path, f.renders[name])
		}
		if a.Header().Get("ETag") != "" || b.Header().Get("Cache-Control") != "no-store" {
			t.Errorf("%s: headers %v", path, b.Header())
		}
	}
	a, b := f.do("GET", "/form"), f.do("GET", "/form")
	if a.Body.String() == b.Body.String() {
		t.Error("two visitors got the same CSRF token")
	}
}

// A kept page is sent gzip-compressed to clients that accept it, as its
// own representation (its own ETag), compressed once; small pages and
// clients that refuse gzip get it as it is.
func TestCachedPagesAreCompressedForClientsThatAcceptIt(t *testing.T) {
	f := newCacheFixture(t)
	plain := f.do("GET", "/big")
	want := plain.Body.String()
	if plain.Header().Get("Content-Encoding") != "" || plain.Header().Get("Content-Length") != strconv.Itoa(len(want)) {
		t.Fatalf("without Accept-Encoding: %v", plain.Header())
	}
	if e := f.app.cache.get(cacheKey(httptest.NewRequest("GET", "/big", nil))); e == nil || e.gzipped != nil {
		t.Fatalf("after a client without gzip: entry kept %v, compressed form made %v; want kept and not compressed",
			e != nil, e != nil && e.gzipped != nil)
	}
	var gzETag string
	for _, ae := range []string{"gzip", "br, gzip;q=0.8", "deflate, GZIP", "gzip; q=1.0"} {
		res := f.do("GET", "/big", "Accept-Encoding", ae)
		if res.Header().Get("Content-Encoding") != "gzip" || !strings.Contains(res.Header().Get("Vary"), "Accept-Encoding") {
			t.Fatalf("Accept-Encoding %q: headers %v", ae, res.Header())
		}
		zr, err := gzip.NewReader(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(zr)
		if err != nil || string(got) != want {
			t.Fatalf("Accept-Encoding %q: decompressed %d bytes (%v), want the %d of the page", ae, len(got), err, len(want))
		}
		if res.Body.Len() >= len(want)/2 {
			t.Errorf("compressed %d of %d bytes", res.Body.Len(), len(want))
		}
		gzETag = res.Header().Get("ETag")
	}
	if gzETag == plain.Header().Get("ETag") {
		t.Errorf("both representations have ETag %s", gzETag)
	}
	for _, c := range []struct {
		name, ae, inm string
		status        int
		encoding      string
	}{
		{"refuses gzip", "gzip;q=0, identity", "", 200, ""},
		{"only another coding", "br", "", 200, ""},
		{"has the compressed form", "gzip", gzETag, 304, ""},
		{"has the plain form only", "gzip", plain.Header().Get("ETag"), 200, "gzip"},
		{"plain client has the plain form", "", plain.Header().Get("ETag"), 304, ""},
	} {
		h := []string{"Accept-Encoding", c.ae}
		if c.inm != "" {
			h = append(h, "If-None-Match", c.inm)
		}
		res := f.do("GET", "/big", h...)
		if res.Code != c.status || res.Header().Get("Content-Encoding") != c.encoding {
			t.Errorf("%s: %d, encoding %q; want %d, %q", c.name, res.Code, res.Header().Get("Content-Encoding"), c.status, c.encoding)
		}
	}
	if f.renders["big"] != 1 {
		t.Errorf("rendered %d times", f.renders["big"])
	}
	if small := f.do("GET", "/hall", "Accept-Encoding", "gzip"); small.Header().Get("Content-Encoding") != "" {
		t.Errorf("a %d-byte page was compressed", small.Body.Len())
	}
}
