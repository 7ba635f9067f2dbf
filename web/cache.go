package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
)

// Anonymous reads of public routes — the hall, project pages, the
// directory, their JSON — are what the public hits hardest right before
// deadlines. They are the same for every anonymous visitor, so the app
// keeps each rendered response for a few seconds and answers conditional
// requests with 304:
//
//   - an entry is served while the data version it was rendered at is
//     current (every write of this process to public data moves it, see
//     Config.DataVersion) and it is younger than the TTL, which bounds
//     what time alone changes (a deadline passing) and what other
//     replicas write;
//   - concurrent misses of one URL render it once: the first renders, the
//     others wait for it and answer with what it kept (after a write, the
//     50 visitors of the first hall page would otherwise all render it);
//   - a response that sets a cookie, embeds a CSRF token or is not a 200
//     is never kept, and a request that carries a session or flash cookie
//     never uses the cache: personal pages are not cached anywhere
//     (Cache-Control: no-store) and public responses tell browsers to
//     revalidate (no-cache) with their ETag and Last-Modified;
//   - a kept body of 1 KB or more is also sent gzip-compressed to clients
//     that accept it, compressed once per entry, with its own ETag.

// DefaultCacheTTL bounds how long time alone can leave a public page stale.
const DefaultCacheTTL = 5 * time.Second

// maxCacheEntries bounds the cache; it is emptied when full (query strings
// of the directory's filters are many, the hot ones few).
const maxCacheEntries = 4096

type cachedResponse struct {
	version  int64
	at       time.Time
	status   int
	header   http.Header
	body     []byte
	etag     string
	modified time.Time

	gzipOnce sync.Once
	gzipped  []byte // body gzip-compressed, made for the first client that accepts it
}

// minGzip is the smallest kept body worth compressing: a hall page is
// 28 KB of HTML and about 4 KB gzipped, while the headers alone cost more
// than compressing a few hundred bytes saves.
const minGzip = 1024

// gzipBody returns the body compressed, or nil when it is not worth it or
// already encoded; compressed once per entry, then shared. Writers come
// from the pool: each holds about a megabyte of compressor state.
func (e *cachedResponse) gzipBody(writers *sync.Pool) []byte {
	if len(e.body) < minGzip || e.header.Get("Content-Encoding") != "" {
		return nil
	}
	e.gzipOnce.Do(func() {
		var b bytes.Buffer
		zw, _ := writers.Get().(*gzip.Writer)
		if zw == nil {
			zw = gzip.NewWriter(&b)
		} else {
			zw.Reset(&b)
		}
		defer writers.Put(zw)
		if _, err := zw.Write(e.body); err == nil && zw.Close() == nil {
			e.gzipped = b.Bytes()
		}
	})
	return e.gzipped
}

// gzipETag is the entity tag of the compressed form: another
// representation, so another tag.
func (e *cachedResponse) gzipETag() string { return strings.TrimSuffix(e.etag, `"`) + `-gz"` }

// acceptsGzip reports whether the request's Accept-Encoding allows gzip.
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, params, _ := strings.Cut(part, ";")
		if !strings.EqualFold(strings.TrimSpace(name), "gzip") {
			continue
		}
		if k, v, ok := strings.Cut(params, "="); ok && strings.TrimSpace(k) == "q" {
			q, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			return err == nil && q > 0
		}
		return true
	}
	return false
}

type responseCache struct {
	mu        sync.RWMutex
	entries   map[string]*cachedResponse
	rendering map[string]chan struct{} // closed when the render of the key ends
	ttl       time.Duration
	version   func() int64 // the data version (Config.DataVersion)
	gzippers  sync.Pool    // *gzip.Writer, reused across entries
}

// render claims the rendering of key: wait is nil for the one request
// that renders it, which must call finish; the others get a channel that
// closes when it is done.
func (rc *responseCache) render(key string) (wait <-chan struct{}, finish func()) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if ch, ok := rc.rendering[key]; ok {
		return ch, nil
	}
	if rc.rendering == nil {
		rc.rendering = map[string]chan struct{}{}
	}
	ch := make(chan struct{})
	rc.rendering[key] = ch
	return nil, func() {
		rc.mu.Lock()
		delete(rc.rendering, key)
		rc.mu.Unlock()
		close(ch)
	}
}

func (rc *responseCache) current() int64 {
	if rc.version == nil {
		return 0
	}
	return rc.version()
}

func (rc *responseCache) get(key string) *cachedResponse {
	rc.mu.RLock()
	defer rc.mu.RUnlock()
	return rc.entries[key]
}

func (rc *responseCache) put(key string, e *cachedResponse) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if len(rc.entries) >= maxCacheEntries {
		rc.entries = map[string]*cachedResponse{}
	}
	rc.entries[key] = e
}

// bufferedWriter holds a response back so it can be kept and answered
// conditionally.
type bufferedWriter struct {
	gin.ResponseWriter
	buf    bytes.Buffer
	status int
}

func (w *bufferedWriter) WriteHeader(code int)        { w.status = code }
func (w *bufferedWriter) WriteHeaderNow()             {}
func (w *bufferedWriter) Write(b []byte) (int, error) { return w.buf.Write(b) }
func (w *bufferedWriter) WriteString(s string) (int, error) {
	return w.buf.WriteString(s)
}
func (w *bufferedWriter) Status() int   { return w.status }
func (w *bufferedWriter) Size() int     { return w.buf.Len() }
func (w *bufferedWriter) Written() bool { return w.buf.Len() > 0 || w.status != 0 }

// cacheKey is the request as the response depends on it: the URL and the
// htmx headers that select a fragment of a page.
func cacheKey(r *http.Request) string {
	var b strings.Builder
	b.WriteString(r.URL.RequestURI())
	for _, h := range []string{"HX-Request", "HX-Target", "HX-Trigger", "HX-Boosted"} {
		b.WriteString("\x00")
		b.WriteString(r.Header.Get(h))
	}
	return b.String()
}

// personal reports whether the request carries anything that makes the
// answer personal: credentials or a cookie other than the anonymous CSRF one.
func personal(c *gin.Context) bool {
	if !PrincipalOf(c).Anonymous() || c.GetHeader("Authorization") != "" {
		return true
	}
	for _, ck := range c.Request.Cookies() {
		if ck.Name != CSRFCookie {
			return true
		}
	}
	return false
}

// cachePublic serves anonymous GETs of a public route from the cache.
func (a *App) cachePublic(c *gin.Context) {
	if personal(c) {
		c.Next()
		return
	}
	rc := a.cache
	key := cacheKey(c.Request)
	now := a.now()
	version := rc.current()
	if e := rc.get(key); e != nil && e.version == version && now.Sub(e.at) < rc.ttl {
		a.metrics.cacheHits.Inc()
		writeCached(c, e, &rc.gzippers)
		c.Abort()
		return
	}
	a.metrics.cacheMisses.Inc()
	wait, finish := rc.render(key)
	if wait != nil {
		select {
		case <-wait:
		case <-c.Request.Context().Done():
		}
		// What the other request kept, if it kept anything at least as
		// new as this request's data version; else render here too.
		if e := rc.get(key); e != nil && e.version >= version && a.now().Sub(e.at) < rc.ttl {
			writeCached(c, e, &rc.gzippers)
			c.Abort()
			return
		}
	} else {
		defer finish()
	}
	w := &bufferedWriter{ResponseWriter: c.Writer}
	c.Writer = w
	// Restored also when the handler panics: the recovery middleware then
	// answers on the real writer and what was buffered is dropped.
	defer func() { c.Writer = w.ResponseWriter }()
	c.Next()
	c.Writer = w.ResponseWriter
	status := w.status
	if status == 0 {
		status = http.StatusOK
	}
	h := w.Header()
	_, csrfUsed := c.Get(ctxCSRFUsed)
	if status != http.StatusOK || csrfUsed || h.Get("Set-Cookie") != "" || c.IsAborted() {
		w.ResponseWriter.WriteHeader(status)
		_, _ = w.ResponseWriter.Write(w.buf.Bytes())
		return
	}
	sum := sha256.Sum256(w.buf.Bytes())
	e := &cachedResponse{version: version, at: now, status: status, header: h.Clone(), body: w.buf.Bytes(),
		etag: `"` + hex.EncodeToString(sum[:12]) + `"`, modified: now.UTC().Truncate(time.Second)}
	rc.put(key, e)
	writeCached(c, e, &rc.gzippers)
}

// writeCached answers with a kept response, gzip-compressed when the
// client accepts it, or 304 when the client has it.
func writeCached(c *gin.Context, e *cachedResponse, gzippers *sync.Pool) {
	h := c.Writer.Header()
	for k, v := range e.header {
		h[k] = v
	}
	body, etag := e.body, e.etag
	if acceptsGzip(c.Request) { // never compressed for a client that cannot use it
		if gz := e.gzipBody(gzippers); gz != nil {
			body, etag = gz, e.gzipETag()
			h.Set("Content-Encoding", "gzip")
		}
	}
	h.Set("ETag", etag)
	h.Set("Last-Modified", e.modified.Format(http.TimeFormat))
	h.Set("Cache-Control", "public, no-cache")
	h.Set("Vary", "Cookie, HX-Request, HX-Target, Accept-Encoding")
	if notModified(c.Request, etag, e.modified) {
		h.Del("Content-Type")
		h.Del("Content-Length")
		h.Del("Content-Encoding")
		c.Writer.WriteHeader(http.StatusNotModified)
		c.Writer.WriteHeaderNow()
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	c.Writer.WriteHeader(e.status)
	if c.Request.Method != http.MethodHead {
		_, _ = c.Writer.Write(body)
	}
}

// notModified applies If-None-Match, or else If-Modified-Since (RFC 9110
// §13.2.2), for the representation with etag.
func notModified(r *http.Request, etag string, modified time.Time) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		for _, tag := range strings.Split(inm, ",") {
			tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
			if tag == etag || tag == "*" {
				return true
			}
		}
		return false
	}
	if ims := r.Header.Get("If-Modified-Since"); ims != "" {
		if t, err := http.ParseTime(ims); err == nil && !modified.After(t) {
			return true
		}
	}
	return false
}

// noStore is the default for every declared route: responses are not kept
// by browsers or proxies unless the route says otherwise (the response
// cache for anonymous public reads, downloads that set their own).
func noStore(c *gin.Context) {
	c.Header("Cache-Control", "no-store")
	c.Next()
}
