package server

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/agencyhall/agencyhall/audit"
	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/files"
	"github.com/agencyhall/agencyhall/mongostore"
	"github.com/agencyhall/agencyhall/mongostore/mongotest"
	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/web"
)

var srv *mongotest.Server

func TestMain(m *testing.M) { os.Exit(mongotest.Run(m, &srv)) }

// env is one API on a fresh database.
type env struct {
	t        *testing.T
	app      *web.App
	store    *mongostore.Store
	auth     *auth.Service
	audit    *audit.Log
	catalog  *registry.Catalog
	registry *registry.Registry
	files    *files.Service
	fileDir  string // where the file blobs are kept

	mu      sync.Mutex
	pingErr error
	onPing  func(context.Context) // observes the readiness ping
}

func newEnv(t *testing.T) *env {
	t.Helper()
	st := srv.Store(t)
	e := &env{t: t, store: st,
		auth:    auth.NewService(st.Auth(), auth.Options{BcryptCost: bcrypt.MinCost}),
		audit:   audit.NewLog(st.Audit(), nil),
		catalog: registry.NewCatalog(st.Catalog(), nil)}
	dir := t.TempDir()
	bucket, err := files.OpenBucket(context.Background(), "", dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bucket.Close() })
	e.fileDir = filepath.Join(dir, "files")
	e.files = files.NewService(st.Files(), bucket, nil)
	e.registry = registry.NewRegistry(st.Agencies(), e.catalog, nil, func() string { return rand.Text()[:16] })
	if err := e.registry.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	e.app = newTestWeb(e, nil, nil)
	Register(e.app, Deps{Auth: e.auth, Audit: e.audit, Catalog: e.catalog, Registry: e.registry, Files: e.files, Version: "test", Ping: func(ctx context.Context) error {
		e.mu.Lock()
		err, on := e.pingErr, e.onPing
		e.mu.Unlock()
		if on != nil {
			on(ctx)
		}
		if err != nil {
			return err
		}
		return st.Ping(ctx)
	}})
	return e
}

func (e *env) setPing(err error) { e.mu.Lock(); e.pingErr = err; e.mu.Unlock() }

const testPassword = "correct-horse-battery"

// validUSCC completes a credit code from its first 17 characters.
func validUSCC(t testing.TB, head string) string {
	c, ok := registry.USCCCheckChar(head)
	if !ok {
		t.Fatalf("bad USCC head %q", head)
	}
	return head + string(c)
}

// account creates a user of a role directly through the service.
func (e *env) account(login string, role auth.Role) {
	e.t.Helper()
	org := auth.Org{ID: "platform", Kind: auth.OrgPlatform, Name: "平台运营方"}
	switch role {
	case auth.RoleOwner, auth.RoleAgency:
		kind := auth.OrgKind(role)
		uscc := validUSCC(e.t, "91620102MA7"+map[auth.Role]string{auth.RoleOwner: "1XK3L0", auth.RoleAgency: "2PB6R1"}[role])
		org = auth.Org{ID: auth.OrgID(kind, uscc), Kind: kind, Name: "测试" + role.Label(), USCC: uscc, Region: "620102"}
	case auth.RoleRegulator:
		org = auth.Org{ID: "regulator:620100:test", Kind: auth.OrgRegulator, Name: "兰州市住房和城乡建设局", Region: "620100"}
	}
	if _, err := e.auth.EnsureAccount(context.Background(), org, auth.User{ID: login, Name: "测试" + role.Label(), Role: role}, testPassword); err != nil {
		e.t.Fatalf("create %s: %v", login, err)
	}
}

// client is a browser or a program talking to the API: it keeps cookies,
// the CSRF token and an optional bearer token.
type client struct {
	e       *env
	cookies map[string]string
	csrf    string
	bearer  string
	ip      string
	header  http.Header // extra request headers
}

func (e *env) client() *client { return &client{e: e, cookies: map[string]string{}, ip: "192.0.2.10"} }

type resp struct {
	*httptest.ResponseRecorder
	t *testing.T
}

// do sends a request; body is JSON-encoded unless it is a string or []byte.
func (c *client) do(method, path string, body any) resp {
	c.e.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	case io.Reader:
		r = b
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			c.e.t.Fatal(err)
		}
		r = bytes.NewReader(buf)
	}
	req := httptest.NewRequest(method, path, r)
	req.RemoteAddr = c.ip + ":4321"
	if r != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range c.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	if c.csrf != "" {
		req.Header.Set(web.CSRFHeader, c.csrf)
	}
	for k, v := range c.header {
		req.Header[k] = v
	}
	if c.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.bearer)
	}
	rec := httptest.NewRecorder()
	c.e.app.ServeHTTP(rec, req)
	for _, ck := range rec.Result().Cookies() {
		if ck.MaxAge < 0 || ck.Value == "" {
			delete(c.cookies, ck.Name)
		} else {
			c.cookies[ck.Name] = ck.Value
		}
	}
	return resp{rec, c.e.t}
}

// login logs the client in through the API and keeps the CSRF token.
func (c *client) login(login, password string) {
	c.e.t.Helper()
	r := c.do("POST", "/api/v1/auth/login", loginRequest{Login: login, Password: password})
	r.want(http.StatusOK)
	var out loginResponse
	r.decode(&out)
	if out.CSRFToken == "" || c.cookies[web.SessionCookie] == "" {
		c.e.t.Fatalf("login gave no session: %s", r.Body)
	}
	c.csrf = out.CSRFToken
}

func (r resp) want(status int) resp {
	r.t.Helper()
	if r.Code != status {
		r.t.Fatalf("status %d, want %d; body: %s", r.Code, status, r.Body)
	}
	return r
}

func (r resp) decode(v any) {
	r.t.Helper()
	if err := json.Unmarshal(r.Body.Bytes(), v); err != nil {
		r.t.Fatalf("decode %s: %v", r.Body, err)
	}
}

func (r resp) errBody() web.ErrorDetail {
	r.t.Helper()
	var b web.ErrorBody
	r.decode(&b)
	if b.Error.Code == "" || b.Error.Message == "" || b.Error.Fields == nil {
		r.t.Fatalf("not the standard error body: %s", r.Body)
	}
	return b.Error
}

// auditRecords reads the whole audit log, oldest first.
func (e *env) auditRecords() []audit.Record {
	e.t.Helper()
	var all []audit.Record
	if err := e.store.Audit().Each(context.Background(), func(r audit.Record) error { all = append(all, r); return nil }); err != nil {
		e.t.Fatal(err)
	}
	return all
}

// newTestWeb is the web plumbing of a test env as serve builds it: quiet,
// on the env's clock (nil: the real one), with the public response cache
// keyed on the store's writes and the hall's public generation (nil: no hall).
func newTestWeb(e *env, now func() time.Time, hallGeneration func() int64) *web.App {
	return web.New(web.Config{Auth: e.auth, Audit: e.audit, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: now,
		DataVersion: func() int64 {
			v := e.store.PublishedVersion()
			if hallGeneration != nil {
				v += hallGeneration()
			}
			return v
		}})
}
