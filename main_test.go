package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/files"
	"github.com/agencyhall/agencyhall/mongostore"
	"github.com/agencyhall/agencyhall/mongostore/mongotest"
	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/web"
)

// testDB is the database server shared by this package's tests.
var testDB *mongotest.Server

func TestMain(m *testing.M) { os.Exit(mongotest.Run(m, &testDB)) }

// testPassword is every test account's password.
const testPassword = "matrix-password-1"

// fullApp is the whole HTTP surface on a fresh database, built exactly as
// serve builds it (newServices, newApp, bootstrapAdmin), with cheap bcrypt.
type fullApp struct {
	t     *testing.T
	app   *web.App
	store *mongostore.Store
	svc   services
}

func newFullApp(t *testing.T) *fullApp {
	t.Helper()
	return newFullAppOn(t, testDB.Store(t))
}

// newFullAppOn is newFullApp on a store the test opened itself.
func newFullAppOn(t *testing.T, st *mongostore.Store) *fullApp {
	t.Helper()
	now := time.Now
	bucket, err := files.OpenBucket(context.Background(), "", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bucket.Close() })
	svc, err := newServices(serviceDeps{store: st, bucket: bucket, quoteKey: bytes.Repeat([]byte{7}, 32), now: now, bcryptCost: bcrypt.MinCost})
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	// 统一身份认证 on, so its routes are in the declarations the tests walk;
	// nothing listens at the issuer (no test here logs in through it).
	oidc, err := (&config{OIDCIssuer: "http://127.0.0.1:1/oidc", OIDCClientID: "agencyhall", BaseURL: "http://agencyhall.test"}).oidcClient()
	if err != nil {
		t.Fatal(err)
	}
	app := newApp(st, svc, appOptions{log: log, siteName: "测试市网上中介服务超市", region: "620100", now: now, oidc: oidc})
	if err := bootstrapAdmin(context.Background(), svc.auth, testPassword, false, io.Discard); err != nil {
		t.Fatal(err)
	}
	return &fullApp{t: t, app: app, store: st, svc: svc}
}

// roleLogins are the login names of one user per role ("admin" is the
// bootstrap admin).
var roleLogins = map[auth.Role]string{
	auth.RoleOwner: "owner1", auth.RoleAgency: "agency1", auth.RoleRegulator: "regulator1", auth.RoleAdmin: "admin",
}

// addRoleUsers creates an owner, an agency and a regulator account.
func (f *fullApp) addRoleUsers() {
	f.t.Helper()
	uscc := func(head string) string {
		c, _ := registry.USCCCheckChar(head)
		return head + string(c)
	}
	owner, agency := uscc("91620102MA71XK3L0"), uscc("91620103MA72PB6R1")
	for _, a := range []struct {
		org  auth.Org
		user auth.User
	}{
		{auth.Org{ID: auth.OrgID(auth.OrgOwner, owner), Kind: auth.OrgOwner, Name: "兰州新区城市发展投资集团有限公司", USCC: owner, Region: "620102"},
			auth.User{ID: roleLogins[auth.RoleOwner], Name: "业主甲"}},
		{auth.Org{ID: auth.OrgID(auth.OrgAgency, agency), Kind: auth.OrgAgency, Name: "甘肃陇原工程咨询有限公司", USCC: agency, Region: "620103"},
			auth.User{ID: roleLogins[auth.RoleAgency], Name: "中介乙"}},
		{auth.Org{ID: "regulator:620100:test", Kind: auth.OrgRegulator, Name: "兰州市政务服务中心", Region: "620100"},
			auth.User{ID: roleLogins[auth.RoleRegulator], Name: "监管丙"}},
	} {
		if _, err := f.svc.auth.EnsureAccount(context.Background(), a.org, a.user, testPassword); err != nil {
			f.t.Fatalf("create %s: %v", a.user.ID, err)
		}
	}
}

// caller is one visitor: its cookies, CSRF token and bearer token.
type caller struct {
	cookies map[string]string
	csrf    string
	bearer  string
}

func anonymous() *caller {
	// An anonymous visitor's double-submit CSRF cookie, so that a CSRF check
	// is never what refuses a request in these tests.
	tok := "anonymous-csrf-token-0123456789"
	return &caller{cookies: map[string]string{web.CSRFCookie: tok}, csrf: tok}
}

// login logs a user in through the JSON API.
func (f *fullApp) login(login string) *caller {
	f.t.Helper()
	c := &caller{cookies: map[string]string{}}
	rec := f.do(c, "POST", "/api/v1/auth/login", "application/json", `{"login":"`+login+`","password":"`+testPassword+`"}`)
	if rec.Code != http.StatusOK {
		f.t.Fatalf("login %s: %d %s", login, rec.Code, rec.Body)
	}
	var out struct {
		CSRFToken string `json:"csrf_token"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || out.CSRFToken == "" {
		f.t.Fatalf("login %s: %v %s", login, err, rec.Body)
	}
	c.csrf = out.CSRFToken
	return c
}

// do sends one request as c and keeps the cookies it sets.
func (f *fullApp) do(c *caller, method, target, contentType, body string) *httptest.ResponseRecorder {
	f.t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, target, r)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range c.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	if c.csrf != "" {
		req.Header.Set(web.CSRFHeader, c.csrf)
	}
	if c.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.bearer)
	}
	rec := httptest.NewRecorder()
	f.app.ServeHTTP(rec, req)
	for _, ck := range rec.Result().Cookies() {
		if ck.MaxAge < 0 {
			delete(c.cookies, ck.Name)
		} else {
			c.cookies[ck.Name] = ck.Value
		}
	}
	return rec
}

// doJSON sends a JSON body and decodes a JSON answer into out (when not nil).
func (f *fullApp) doJSON(c *caller, method, target string, in, out any, wantStatus int) {
	f.t.Helper()
	body := ""
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			f.t.Fatal(err)
		}
		body = string(b)
	}
	rec := f.do(c, method, target, "application/json", body)
	if rec.Code != wantStatus {
		f.t.Fatalf("%s %s: status %d, want %d: %s", method, target, rec.Code, wantStatus, rec.Body)
	}
	if out != nil {
		if err := json.NewDecoder(bytes.NewReader(rec.Body.Bytes())).Decode(out); err != nil {
			f.t.Fatalf("%s %s: decode: %v", method, target, err)
		}
	}
}

// formBody is a urlencoded form carrying the caller's CSRF token.
func formBody(c *caller) string { return url.Values{web.CSRFField: {c.csrf}}.Encode() }
