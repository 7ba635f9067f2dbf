package server

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/ocds"
	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/web"
)

// hallEnv is the API with a selection hall on a settable clock. The hall
// reads agencies and the catalog from in-memory stand-ins (the registry's
// own rules are tested elsewhere); accounts, sessions, files and the audit
// log are the real ones.
type hallEnv struct {
	*env
	clk  *hallClock
	hall *hall.Service
	ags  hallAgencies
}

type hallClock struct{ ns atomic.Int64 }

func (c *hallClock) now() time.Time  { return time.Unix(0, c.ns.Load()).UTC() }
func (c *hallClock) set(t time.Time) { c.ns.Store(t.UnixNano()) }

// bj is a Beijing time "2006-01-02 15:04".
func bj(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, registry.Shanghai)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

type hallAgencies map[string]registry.Agency

func (a hallAgencies) Get(_ context.Context, _ registry.Actor, id string) (registry.Agency, error) {
	if ag, ok := a[id]; ok {
		return ag, nil
	}
	return registry.Agency{}, apperr.NotFound("中介机构")
}

type hallCatalog map[string]registry.ServiceItem

func (c hallCatalog) Get(_ context.Context, code string) (registry.ServiceItem, error) {
	if it, ok := c[code]; ok {
		return it, nil
	}
	return registry.ServiceItem{}, apperr.NotFound("服务事项")
}

const hallItem = "LX-001"

const testOCDSPrefix = "ocds-test01"

func newHallEnv(t *testing.T) *hallEnv {
	t.Helper()
	h := &hallEnv{env: newEnv(t), clk: &hallClock{}, ags: hallAgencies{}}
	h.clk.set(bj("2026-11-26 09:00"))
	item := registry.ServiceItem{Code: hallItem, Name: "环境影响评价", Stage: registry.StageInitiation, Enabled: true,
		Qualifications: []string{"环评能力"}, QualMode: registry.QualAnyOf, TimeLimitDays: 30}
	sealer, err := hall.NewSealer(bytes.Repeat([]byte{3}, 32))
	if err != nil {
		t.Fatal(err)
	}
	h.hall = hall.NewService(hall.Config{Store: h.store.Hall(), Agencies: h.ags, Catalog: hallCatalog{hallItem: item},
		Sealer: sealer, Now: h.clk.now})
	h.app = newTestWeb(h.env, h.clk.now, h.hall.PublicGeneration)
	Register(h.app, Deps{Auth: h.auth, Audit: h.audit, Catalog: h.catalog, Registry: h.registry, Files: h.files, Hall: h.hall,
		OCDS:    &ocds.Feed{Builder: ocds.Builder{Prefix: testOCDSPrefix}, Projects: h.hall, Now: h.clk.now, Settle: ocds.DefaultSettle},
		Version: "test", Ping: h.store.Ping})
	return h
}

// agencyClient creates agency number i (an account, its organisation and
// an active registry record qualified for the test item) and logs it in.
func (h *hallEnv) agencyClient(i int) (*client, string) {
	h.t.Helper()
	uscc := validUSCC(h.t, fmt.Sprintf("91620102MA73QW8N%d", i))
	org := auth.Org{ID: auth.OrgID(auth.OrgAgency, uscc), Kind: auth.OrgAgency, Name: fmt.Sprintf("甘肃第%d工程咨询有限公司", i),
		USCC: uscc, Region: "620102"}
	login := fmt.Sprintf("agency%d", i)
	if _, err := h.auth.EnsureAccount(context.Background(), org, auth.User{ID: login, Name: "经办人", Role: auth.RoleAgency}, testPassword); err != nil {
		h.t.Fatal(err)
	}
	h.ags[org.ID] = registry.Agency{ID: org.ID, Status: registry.StatusActive,
		Profile: registry.Profile{Name: org.Name, Qualifications: []registry.Qualification{{Type: "环评能力",
			ValidFrom: registry.Date{Y: 2025, M: 1, D: 1}, ValidTo: registry.Date{Y: 2028, M: 1, D: 1}}}},
		Listings: []registry.Listing{{ItemCode: hallItem, CommittedDays: 20}}}
	c := h.client()
	c.login(login, testPassword)
	return c, org.ID
}

// projectBody is a valid project for the test clock.
func projectBody(method string) map[string]any {
	return map[string]any{"name": "兰州新区综合管廊项目环境影响评价", "item_code": hallItem, "region": "620102", "funding": "fiscal",
		"ceiling_fen": 500_000_00, "floor_fen": 100_000_00, "time_limit_days": 25, "method": method,
		"signup_deadline": "2026-12-02T17:00:00+08:00", "opening_time": "2026-12-03T09:30:00+08:00"}
}

// publish creates and publishes a project as the owner.
func (h *hallEnv) publish(owner *client, method string) projectDTO {
	h.t.Helper()
	var p projectDTO
	owner.do("POST", "/api/v1/projects", projectBody(method)).want(http.StatusOK).decode(&p)
	if p.State != "draft" {
		h.t.Fatalf("created in state %s", p.State)
	}
	owner.do("POST", "/api/v1/projects/"+p.ID+"/publish", nil).want(http.StatusOK).decode(&p)
	if p.State != "open" || len(p.Commitment) != 64 {
		h.t.Fatalf("published: state %s, commitment %q", p.State, p.Commitment)
	}
	return p
}

// uploadFile uploads a small PDF for a purpose and returns its ID.
func (c *client) uploadFile(purpose string) string {
	c.e.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", purpose+".pdf")
	fw.Write([]byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"))
	mw.WriteField("purpose", purpose)
	mw.Close()
	req := httptest.NewRequest("POST", "/api/v1/files", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set(web.CSRFHeader, c.csrf)
	req.RemoteAddr = c.ip + ":4321"
	for k, v := range c.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	rec := httptest.NewRecorder()
	c.e.app.ServeHTTP(rec, req)
	r := resp{rec, c.e.t}
	r.want(http.StatusOK)
	var f fileDTO
	r.decode(&f)
	return f.ID
}

// mustNotContain fails when body holds any of the secrets.
func mustNotContain(t *testing.T, where, body string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if s != "" && strings.Contains(body, s) {
			t.Errorf("%s reveals %q: %s", where, s, body)
		}
	}
}

// as creates an account of a role and logs it in.
func (h *hallEnv) as(login string, role auth.Role) *client {
	h.t.Helper()
	h.account(login, role)
	c := h.client()
	c.login(login, testPassword)
	return c
}
