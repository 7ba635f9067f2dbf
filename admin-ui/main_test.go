package adminui_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	adminui "github.com/agencyhall/agencyhall/admin-ui"
	"github.com/agencyhall/agencyhall/audit"
	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/files"
	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/jobs"
	"github.com/agencyhall/agencyhall/mongostore/mongotest"
	"github.com/agencyhall/agencyhall/notify"
	"github.com/agencyhall/agencyhall/oidclogin"
	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/reports"
	"github.com/agencyhall/agencyhall/scoring"
	"github.com/agencyhall/agencyhall/web"
)

var srv *mongotest.Server

func TestMain(m *testing.M) { os.Exit(mongotest.Run(m, &srv)) }

const (
	testSite     = "测试市网上中介服务超市"
	testPassword = "correct-horse-battery"
)

// env is one running site on a fresh database.
type env struct {
	t        *testing.T
	URL      string
	Auth     *auth.Service
	Audit    *audit.Log
	Catalog  *registry.Catalog
	Registry *registry.Registry
	Files    *files.Service
	App      *web.App // add test-only routes before the first request
	Hall     *hall.Service
	Scoring  *scoring.Service // 监管
	Jobs     *jobs.Scheduler  // the jobs page's scheduler, set by startJobs
	Reports  *reports.Service // 报表导出
	Notify   *notify.Service  // 消息中心: told of the hall's, supervision's and the registry's events; no e-mail unless a test sets Notify.Mailer
	Clock    *testClock       // the site's clock: real time until a test sets it
}

func newEnv(t *testing.T) *env { return newEnvNamed(t, testSite) }

// testBackgroundRows is the export size over which the next env's exports
// run in the background (0: the default).
var testBackgroundRows int

// testOIDC, when set, configures the next env's 统一身份认证 login; it is
// given the env's own address, for the callback (pages_oidc_test.go).
var testOIDC func(siteURL string) *oidclogin.Client

// newEnvNamed runs the site under a deployment name.
func newEnvNamed(t *testing.T, siteName string) *env {
	t.Helper()
	store := srv.Store(t)
	authSvc := auth.NewService(store.Auth(), auth.Options{BcryptCost: bcrypt.MinCost})
	auditLog := audit.NewLog(store.Audit(), nil)
	catalog := registry.NewCatalog(store.Catalog(), nil)
	reg := registry.NewRegistry(store.Agencies(), catalog, nil, newTestID)
	if err := reg.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	bucket, err := files.OpenBucket(context.Background(), "", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bucket.Close() })
	fileSvc := files.NewService(store.Files(), bucket, nil)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	clock := &testClock{}
	hallSvc := newTestHall(t, store, reg, catalog, clock)
	app := web.New(web.Config{Auth: authSvc, Audit: auditLog, Logger: quiet, Now: clock.Now, DataVersion: func() int64 { return store.PublishedVersion() + hallSvc.PublicGeneration() }})
	e := &env{t: t}
	scoringSvc := newTestScoring(t, store, reg, hallSvc, clock)
	reportSvc := reports.NewService(reports.Config{Hall: hallSvc, Scoring: scoringSvc, Registry: reg, Audit: store.Audit(),
		Tasks: store.ExportTasks(), Blobs: fileSvc, Now: clock.Now, Logger: quiet, BackgroundRows: testBackgroundRows})
	msg := notify.NewService(notify.Config{Store: store.Notify(), Directory: store.NotifyDirectory(), Hall: hallSvc, Registry: reg,
		SiteName: siteName, Now: clock.Now, Logger: quiet, DirectoryTTL: -1})
	hallSvc.Observe, scoringSvc.Observe = msg.ObserveHall, msg.ObserveScoring
	reg.SetObserver(msg.ObserveRegistry)
	ts := httptest.NewUnstartedServer(app)
	var oidcClient *oidclogin.Client // 统一身份认证, when the test asks for it
	if testOIDC != nil {
		oidcClient = testOIDC("http://" + ts.Listener.Addr().String())
	}
	adminui.Register(app, adminui.Deps{Auth: authSvc, Audit: auditLog, Catalog: catalog, Registry: reg, Files: fileSvc,
		Hall: hallSvc, Scoring: scoringSvc, Reports: reportSvc, Notify: msg, Jobs: func() *jobs.Scheduler { return e.Jobs }, Now: clock.Now,
		SiteName: siteName, Region: "620100", OIDC: oidcClient})
	ts.Start()
	t.Cleanup(ts.Close)
	*e = env{t: t, URL: ts.URL, Auth: authSvc, Audit: auditLog, Catalog: catalog, Registry: reg, Files: fileSvc, App: app,
		Hall: hallSvc, Scoring: scoringSvc, Reports: reportSvc, Notify: msg, Clock: clock}
	return e
}

// newTestID makes random identifiers for records nested in documents.
func newTestID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// uscc completes a valid unified social credit code from 17 characters.
func uscc(t testing.TB, first17 string) string {
	c, ok := registry.USCCCheckChar(first17)
	if !ok || len(first17) != 17 {
		t.Fatalf("bad USCC stem %q", first17)
	}
	return first17 + string(c)
}

// registerOrg creates an owner or agency with its first user.
func (e *env) registerOrg(kind auth.OrgKind, login, orgName, stem string) {
	e.t.Helper()
	_, _, err := e.Auth.Register(context.Background(), auth.RegisterInput{Kind: kind, OrgName: orgName, USCC: uscc(e.t, stem),
		Region: "620102", Login: login, Name: "测试" + login, Password: testPassword})
	if err != nil {
		e.t.Fatalf("register %s: %v", login, err)
	}
}

// admin creates the platform admin account "admin".
func (e *env) admin() {
	e.t.Helper()
	org := auth.Org{ID: "platform", Kind: auth.OrgPlatform, Name: "平台运营方"}
	if _, err := e.Auth.EnsureAccount(context.Background(), org, auth.User{ID: "admin", Name: "管理员甲", Role: auth.RoleAdmin}, testPassword); err != nil {
		e.t.Fatalf("admin: %v", err)
	}
}

// regulator creates a regulator account through the service.
func (e *env) regulator(login string) {
	e.t.Helper()
	org := auth.Org{ID: "regulator:" + login, Kind: auth.OrgRegulator, Name: "测试市生态环境局", Region: "620100"}
	if _, err := e.Auth.EnsureAccount(context.Background(), org, auth.User{ID: login, Name: "监管员", Role: auth.RoleRegulator}, testPassword); err != nil {
		e.t.Fatalf("regulator: %v", err)
	}
}

// browser is a cookie-keeping HTTP client that does not follow redirects,
// so tests can check where a response sends the visitor.
type browser struct {
	e    *env
	c    *http.Client
	csrf string // the token of the last page that had a form
}

func (e *env) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{e: e, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// page is a response with its body read.
type page struct {
	Status int
	Header http.Header
	Body   string
}

var csrfRe = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

func (b *browser) do(req *http.Request) page {
	b.e.t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		b.e.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	p := page{Status: resp.StatusCode, Header: resp.Header, Body: string(body)}
	if m := csrfRe.FindStringSubmatch(p.Body); m != nil {
		b.csrf = m[1]
	}
	return p
}

func (b *browser) get(path string) page {
	b.e.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.e.URL+path, nil)
	return b.do(req)
}

// post submits a form with the CSRF token of the last page seen.
func (b *browser) post(path string, form url.Values) page {
	b.e.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, set := form["csrf_token"]; !set {
		form.Set("csrf_token", b.csrf)
	}
	return b.postRaw(path, form)
}

func (b *browser) postRaw(path string, form url.Values) page {
	b.e.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.e.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// login signs in through the login form.
func (b *browser) login(login, password string) page {
	b.e.t.Helper()
	b.get("/login")
	p := b.post("/login", url.Values{"login": {login}, "password": {password}})
	if p.Status != http.StatusSeeOther {
		b.e.t.Fatalf("login %s: status %d, want 303\n%s", login, p.Status, p.Body)
	}
	return p
}

func wantStatus(t *testing.T, p page, want int) {
	t.Helper()
	if p.Status != want {
		t.Fatalf("status %d, want %d\n%s", p.Status, want, p.Body)
	}
}

func wantContains(t *testing.T, p page, subs ...string) {
	t.Helper()
	for _, s := range subs {
		if !strings.Contains(p.Body, s) {
			t.Errorf("page lacks %q\n%s", s, p.Body)
		}
	}
}

func wantNotContains(t *testing.T, p page, subs ...string) {
	t.Helper()
	for _, s := range subs {
		if strings.Contains(p.Body, s) {
			t.Errorf("page unexpectedly contains %q", s)
		}
	}
}
