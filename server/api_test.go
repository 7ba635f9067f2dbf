package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/registry"
)

func TestMalformedBodiesStoreNothing(t *testing.T) {
	e := newEnv(t)
	good := registration(t, "lyzx")
	withField := func(k string, v any) string {
		b, _ := json.Marshal(good)
		m := map[string]any{}
		_ = json.Unmarshal(b, &m)
		m[k] = v
		out, _ := json.Marshal(m)
		return string(out)
	}
	huge := strings.Repeat("中", 20000)
	for _, tc := range []struct {
		name   string
		body   string
		code   string   // expected error code
		fields []string // fields that must carry a message
	}{
		{"empty body", "", "empty_body", nil},
		{"not JSON", "kind=agency&login=x", "bad_json", nil},
		{"truncated", `{"kind":"agency",`, "bad_json", nil},
		{"array", `[1,2]`, "bad_json", nil},
		{"wrong type", withField("login", 12345), "invalid", []string{"login"}},
		{"wrong type nested", withField("region", []string{"620103"}), "invalid", []string{"region"}},
		{"unknown field", withField("is_admin", true), "invalid", []string{"is_admin"}},
		{"missing fields", `{}`, "invalid", []string{"kind", "org_name", "uscc", "region", "login", "name", "password"}},
		{"bad kind", withField("kind", "admin"), "invalid", []string{"kind"}},
		{"bad uscc", withField("uscc", "91620103MA72PB6R1A"), "invalid", []string{"uscc"}},
		{"short password", withField("password", "short"), "invalid", []string{"password"}},
		{"huge org name", withField("org_name", huge), "invalid", []string{"org_name"}},
		{"huge login", withField("login", huge), "invalid", []string{"login"}},
		{"huge password", withField("password", huge), "invalid", []string{"password"}},
		{"huge name", withField("name", huge), "invalid", []string{"name"}},
		{"huge contact", withField("contact", huge), "invalid", []string{"contact"}},
		{"long phone", withField("phone", strings.Repeat("1", 31)), "invalid", []string{"phone"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := e.client()
			c.e = &env{t: t, app: e.app}
			eb := c.do("POST", "/api/v1/auth/register", tc.body).want(http.StatusBadRequest).errBody()
			if eb.Code != tc.code || !hasHan(eb.Message) {
				t.Errorf("error %+v, want code %s with a Chinese message", eb, tc.code)
			}
			for _, f := range tc.fields {
				if !hasHan(eb.Fields[f]) {
					t.Errorf("field %s: %q (all: %v)", f, eb.Fields[f], eb.Fields)
				}
			}
		})
	}
	ctx := context.Background()
	if has, _ := e.auth.HasUsers(ctx); has {
		t.Error("a malformed registration stored a user")
	}
	if n, _ := e.auth.CountOrgs(ctx, ""); n != 0 {
		t.Errorf("malformed registrations stored %d organisations", n)
	}
	if n := len(e.auditRecords()); n != 0 {
		t.Errorf("refused requests wrote %d audit records", n)
	}
}

func hasHan(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}

func TestBodyLimit(t *testing.T) {
	e := newEnv(t)
	big := `{"kind":"agency","org_name":"` + strings.Repeat("a", 1<<20) + `"}`
	r := e.client().do("POST", "/api/v1/auth/register", big)
	if r.Code != http.StatusBadRequest && r.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %d for a body over 1 MiB", r.Code)
	}
	if eb := r.errBody(); !strings.Contains(eb.Message, "过大") {
		t.Errorf("message %q", eb.Message)
	}
	// Just under the limit is decoded (and then refused by validation).
	under := `{"org_name":"` + strings.Repeat("a", 1<<20-100) + `"}`
	e.client().do("POST", "/api/v1/auth/register", under).want(http.StatusBadRequest)
	if eb := e.client().do("POST", "/api/v1/auth/register", under).errBody(); eb.Fields["org_name"] == "" {
		t.Errorf("under the limit: %+v", eb)
	}
}

func TestPaging(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for i, stage := range []registry.Stage{registry.StageInitiation, registry.StageLandUse, registry.StageInitiation} {
		_, err := e.catalog.Put(ctx, registry.ServiceItem{Code: "T-00" + string(rune('1'+i)), Name: "测试事项" + string(rune('A'+i)),
			Stage: stage, QualMode: registry.QualAnyOf, FeeBasis: registry.FeeMarket, TimeLimitDays: 10, Enabled: true})
		if err != nil {
			t.Fatal(err)
		}
	}
	c := e.client()
	for _, tc := range []struct {
		query string
		field string
	}{
		{"page_size=101", "page_size"},
		{"page_size=0", "page_size"},
		{"page_size=ten", "page_size"},
		{"page=0", "page"},
		{"page=-1", "page"},
		{"page=1.5", "page"},
		{"stage=开工", "stage"},
	} {
		eb := c.do("GET", "/api/v1/service-items?"+tc.query, nil).want(http.StatusBadRequest).errBody()
		if eb.Fields[tc.field] == "" {
			t.Errorf("%s: fields %v", tc.query, eb.Fields)
		}
	}
	var p listPage[serviceItemDTO]
	c.do("GET", "/api/v1/service-items?page_size=100", nil).want(http.StatusOK).decode(&p)
	if p.Total != 3 || len(p.Items) != 3 || p.PageSize != 100 || p.Page != 1 {
		t.Fatalf("page %+v", p)
	}
	c.do("GET", "/api/v1/service-items?page=2&page_size=2", nil).want(http.StatusOK).decode(&p)
	if p.Total != 3 || len(p.Items) != 1 || p.Page != 2 || p.Items[0].Code != "T-002" {
		t.Fatalf("page 2: %+v", p)
	}
	c.do("GET", "/api/v1/service-items?page=9", nil).want(http.StatusOK).decode(&p)
	if p.Total != 3 || p.Items == nil || len(p.Items) != 0 {
		t.Fatalf("past the end: %+v", p)
	}
	c.do("GET", "/api/v1/service-items?stage=立项&q=测试事项C", nil).want(http.StatusOK).decode(&p)
	if p.Total != 1 || p.Items[0].Code != "T-003" {
		t.Fatalf("filtered: %+v", p)
	}
	var it serviceItemDTO
	c.do("GET", "/api/v1/service-items/t-002", nil).want(http.StatusOK).decode(&it)
	if it.Name != "测试事项B" || it.Stage != "用地" || it.Qualifications == nil {
		t.Fatalf("item %+v", it)
	}
	c.do("GET", "/api/v1/service-items/NOPE", nil).want(http.StatusNotFound).errBody()

	// Admin lists check the same limits.
	e.account("admin", auth.RoleAdmin)
	a := e.client()
	a.login("admin", testPassword)
	for _, path := range []string{"/api/v1/admin/users", "/api/v1/admin/orgs", "/api/v1/audit", "/api/v1/me/tokens"} {
		eb := a.do("GET", path+"?page_size=101", nil).want(http.StatusBadRequest).errBody()
		if eb.Fields["page_size"] != "每页条数应为 1–100" {
			t.Errorf("%s: %v", path, eb.Fields)
		}
	}
}

func TestEveryResponseHasRequestIDAndSecurityHeaders(t *testing.T) {
	e := newEnv(t)
	e.account("admin", auth.RoleAdmin)
	a := e.client()
	a.login("admin", testPassword)
	anon := e.client()
	check := func(name string, r resp, status int) {
		t.Helper()
		if r.Code != status {
			t.Errorf("%s: status %d, want %d", name, r.Code, status)
		}
		h := r.Header()
		if h.Get("X-Request-ID") == "" {
			t.Errorf("%s: no X-Request-ID", name)
		}
		csp := h.Get("Content-Security-Policy")
		if !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: CSP %q", name, csp)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") == "" {
			t.Errorf("%s: headers %v", name, h)
		}
	}
	check("healthz", anon.do("GET", "/healthz", nil), 200)
	check("readyz", anon.do("GET", "/readyz", nil), 200)
	check("openapi", anon.do("GET", "/api/openapi.json", nil), 200)
	check("metrics", a.do("GET", "/metrics", nil), 200)
	check("unauthorized", anon.do("GET", "/api/v1/me", nil), 401)
	check("forbidden", anon.do("GET", "/api/v1/audit", nil), 401)
	check("bad request", anon.do("POST", "/api/v1/auth/register", "{"), 400)
	check("not found", anon.do("GET", "/api/v1/nothing-here", nil), 404)
	check("too large", anon.do("POST", "/api/v1/auth/login", strings.Repeat(" ", 2<<20)), 400)
	e.setPing(errors.New("down"))
	check("unavailable", anon.do("GET", "/readyz", nil), 503)

	// A well-formed client request ID is echoed; a malformed one replaced.
	r := func(id string) string {
		c := e.client()
		c.header = http.Header{"X-Request-Id": {id}}
		return c.do("GET", "/healthz", nil).Header().Get("X-Request-ID")
	}
	if got := r("trace-123"); got != "trace-123" {
		t.Errorf("request ID not echoed: %q", got)
	}
	if got := r("bad id\nwith newline"); got == "" || strings.ContainsAny(got, " \n") {
		t.Errorf("malformed request ID kept: %q", got)
	}
}

func TestReadyz(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	var s statusResponse
	c.do("GET", "/readyz", nil).want(http.StatusOK).decode(&s)
	if s.Status != "ready" {
		t.Fatalf("readyz %+v", s)
	}
	e.setPing(errors.New("connection refused"))
	eb := c.do("GET", "/readyz", nil).want(http.StatusServiceUnavailable).errBody()
	if eb.Code != "unavailable" || !hasHan(eb.Message) || strings.Contains(eb.Message, "refused") {
		t.Fatalf("readyz error %+v", eb)
	}
	c.do("GET", "/healthz", nil).want(http.StatusOK) // the process is still alive

	// The ping gets a deadline of at most 2 s, so a hung database cannot
	// hang the probe.
	var deadline time.Duration
	e.setPing(nil)
	e.onPing = func(ctx context.Context) {
		if d, ok := ctx.Deadline(); ok {
			deadline = time.Until(d)
		}
	}
	c.do("GET", "/readyz", nil).want(http.StatusOK)
	if deadline <= 0 || deadline > readyTimeout {
		t.Errorf("ping deadline %v, want within %v", deadline, readyTimeout)
	}
}

func TestMetricsEndpoint(t *testing.T) {
	e := newEnv(t)
	e.account("admin", auth.RoleAdmin)
	e.account("regulator1", auth.RoleRegulator)
	a := e.client()
	a.login("admin", testPassword)
	var tok createTokenResponse
	a.do("POST", "/api/v1/me/tokens", createTokenRequest{Name: "Prometheus"}).want(http.StatusOK).decode(&tok)
	e.client().do("GET", "/api/v1/service-items", nil).want(http.StatusOK)

	scraper := e.client()
	scraper.bearer = tok.Secret
	r := scraper.do("GET", "/metrics", nil).want(http.StatusOK)
	body := r.Body.String()
	for _, want := range []string{
		`agencyhall_http_request_duration_seconds_bucket{method="GET",route="/api/v1/service-items",status="200"`,
		"agencyhall_http_in_flight_requests", "agencyhall_db_errors_total",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if ct := r.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("content type %q", ct)
	}
	e.client().do("GET", "/metrics", nil).want(http.StatusUnauthorized)
	reg := e.client()
	reg.login("regulator1", testPassword)
	reg.do("GET", "/metrics", nil).want(http.StatusForbidden)
}
