package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/audit"
	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/web"
)

// pathParam matches gin's named (":id") and catch-all ("*file") segments.
var pathParam = regexp.MustCompile(`[:*][A-Za-z0-9_]+`)

// concretePath fills a route's parameters with a placeholder value.
func concretePath(p string) string { return pathParam.ReplaceAllString(p, "matrix-placeholder") }

// TestRoutesAreDeclared proves that the engine serves exactly the declared
// routes: a handler registered on gin directly, bypassing the access
// declaration, fails here.
func TestRoutesAreDeclared(t *testing.T) {
	f := newFullApp(t)
	for _, p := range declarationProblems(f.app) {
		t.Error(p)
	}
	if n := len(f.app.Routes()); n < 20 {
		t.Errorf("only %d routes: is the app fully wired?", n)
	}
	// The check itself notices a route that skips the declaration.
	f.app.Engine.GET("/undeclared", func(c *gin.Context) { c.String(http.StatusOK, "open to all") })
	if p := declarationProblems(f.app); len(p) != 1 || !strings.Contains(p[0], "GET /undeclared") {
		t.Errorf("an undeclared route went unnoticed: %q", p)
	}
}

// declarationProblems compares the declared routes with what gin serves.
func declarationProblems(app *web.App) []string {
	var out []string
	declared := map[string]bool{}
	for _, r := range app.Routes() {
		key := r.Method + " " + r.Path
		if declared[key] {
			out = append(out, key+" is declared twice")
		}
		declared[key] = true
		if strings.TrimSpace(r.Summary) == "" {
			out = append(out, key+" has no summary")
		}
		if r.Method != http.MethodGet && r.Action == "" {
			out = append(out, key+" changes state but names no audit action")
		}
	}
	served := map[string]bool{}
	for _, r := range app.Engine.Routes() {
		key := r.Method + " " + r.Path
		served[key] = true
		if !declared[key] {
			out = append(out, key+" is served without an access declaration")
		}
	}
	for key := range declared {
		if !served[key] {
			out = append(out, key+" is declared but not served")
		}
	}
	return out
}

// TestAuthorizationMatrix walks every declared route × every role. Roles the
// route's Access does not allow must be refused — anonymous visitors with
// 401 (or a redirect to the login page for GET pages), logged-in users of
// another role with 403 — before the handler runs. Allowed roles must get
// through on GET routes.
func TestAuthorizationMatrix(t *testing.T) {
	f := newFullApp(t)
	f.addRoleUsers()
	sessions := map[auth.Role]*caller{}
	for role, login := range roleLogins {
		sessions[role] = f.login(login)
	}
	var refused, admitted int
	var forbidden []string // "login target" of each 403: each must be audited
	for _, r := range f.app.Routes() {
		target := concretePath(r.Path)
		for _, role := range append([]auth.Role{""}, auth.Roles...) {
			name := string(role)
			if role == "" {
				name = "anonymous"
			}
			p := auth.Principal{Role: role}
			if role != "" {
				p.UserID = roleLogins[role]
			}
			allowed := r.Access.Allows(p)
			if allowed && r.Method != http.MethodGet {
				continue // running a state change here would change the fixture
			}
			c := anonymous()
			switch {
			case role != "" && allowed:
				c = f.login(roleLogins[role]) // a fresh session: the page might end it
			case role != "":
				c = sessions[role]
			}
			ctype, body := "", ""
			if r.Method != http.MethodGet {
				ctype, body = "application/json", "{}"
				if r.Page {
					ctype, body = "application/x-www-form-urlencoded", formBody(c)
				}
			}
			rec := f.do(c, r.Method, target, ctype, body)
			where := fmt.Sprintf("%s %s as %s", r.Method, r.Path, name)
			loginRedirect := rec.Code == http.StatusSeeOther && strings.HasPrefix(rec.Header().Get("Location"), "/login")
			switch {
			case allowed:
				admitted++
				if rec.Code == http.StatusUnauthorized || rec.Code == http.StatusForbidden || loginRedirect {
					t.Errorf("%s: allowed by the declaration (%s) but refused with %d", where, r.Access.Describe(), rec.Code)
				}
			case role == "" && r.Page && r.Method == http.MethodGet:
				refused++
				if !loginRedirect {
					t.Errorf("%s: status %d (Location %q), want 303 to /login", where, rec.Code, rec.Header().Get("Location"))
				}
			case role == "":
				refused++
				if rec.Code != http.StatusUnauthorized {
					t.Errorf("%s: status %d, want 401", where, rec.Code)
				}
			default:
				refused++
				if rec.Code != http.StatusForbidden {
					t.Errorf("%s: status %d, want 403", where, rec.Code)
				}
				forbidden = append(forbidden, roleLogins[role]+" "+target)
			}
			if !r.Page && (rec.Code == http.StatusUnauthorized || rec.Code == http.StatusForbidden) && !allowed {
				var eb web.ErrorBody
				if err := json.Unmarshal(rec.Body.Bytes(), &eb); err != nil || eb.Error.Code == "" {
					t.Errorf("%s: not the standard error body: %s", where, rec.Body)
				} else if strings.Contains(eb.Error.Message, "刷新页面") {
					t.Errorf("%s: refused by the CSRF check, not by the access rule", where)
				}
			}
		}
	}
	// The fixture's sessions are all still valid: nothing above logged out.
	for role, c := range sessions {
		if rec := f.do(c, "GET", "/api/v1/me", "", ""); rec.Code != http.StatusOK {
			t.Errorf("%s session lost during the matrix: %d", role, rec.Code)
		}
	}
	// Every refusal of a logged-in user is in the audit log, chain intact.
	recorded := map[string]int{}
	if err := f.store.Audit().Each(context.Background(), func(r audit.Record) error {
		if r.Action == web.DeniedAction {
			recorded[r.ActorID+" "+r.Target]++
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, k := range forbidden {
		if recorded[k] == 0 {
			t.Errorf("refusal not audited: %s", k)
		}
		recorded[k]--
	}
	if v, err := audit.Verify(context.Background(), f.store.Audit()); err != nil || !v.OK() {
		t.Errorf("audit chain after the matrix: %+v %v", v, err)
	}
	t.Logf("%d routes: %d refusals (%d of logged-in users, each audited) and %d admissions checked",
		len(f.app.Routes()), refused, len(forbidden), admitted)
}

// TestOpenAPIListsEveryRoute fails when a declared route is missing from
// /api/openapi.json.
func TestOpenAPIListsEveryRoute(t *testing.T) {
	f := newFullApp(t)
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
	}
	f.doJSON(anonymous(), "GET", "/api/openapi.json", nil, &doc, http.StatusOK)
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi version %q", doc.OpenAPI)
	}
	ops := 0
	for _, methods := range doc.Paths {
		ops += len(methods)
	}
	routes := f.app.Routes()
	for _, r := range routes {
		op, ok := doc.Paths[web.OpenAPIPath(r.Path)][strings.ToLower(r.Method)]
		if !ok {
			t.Errorf("%s %s is missing from the API document", r.Method, r.Path)
			continue
		}
		if op["summary"] != r.Summary {
			t.Errorf("%s %s: summary %v", r.Method, r.Path, op["summary"])
		}
	}
	if ops != len(routes) {
		t.Errorf("the document has %d operations for %d routes", ops, len(routes))
	}
}

// TestAuditChainAfterAPICalls makes state changes through the API (some of
// them concurrently), then checks the chain with audit.Verify and with the
// `audit verify` command.
func TestAuditChainAfterAPICalls(t *testing.T) {
	f := newFullApp(t)
	ctx := context.Background()
	admin := f.login("admin") // 1
	anon := anonymous()
	reg := map[string]string{"kind": "owner", "org_name": "兰州市城市建设投资有限公司", "uscc": "91620102MA71XK3L0N",
		"region": "620102", "login": "city-invest", "name": "赵敏", "password": testPassword}
	f.doJSON(anon, "POST", "/api/v1/auth/register", reg, nil, http.StatusOK) // 2
	f.doJSON(anon, "POST", "/api/v1/auth/register", reg, nil, http.StatusBadRequest)
	owner := f.login("city-invest") // 3
	f.doJSON(admin, "POST", "/api/v1/admin/regulators", map[string]string{"org_name": "兰州市自然资源局", "region": "620100",
		"login": "zrzy", "name": "钱进", "password": testPassword}, nil, http.StatusOK) // 4
	f.doJSON(admin, "POST", "/api/v1/admin/users/city-invest/disable", nil, nil, http.StatusOK) // 5
	f.doJSON(admin, "POST", "/api/v1/admin/users/city-invest/enable", nil, nil, http.StatusOK)  // 6
	f.doJSON(owner, "GET", "/api/v1/me", nil, nil, http.StatusUnauthorized)                     // disabling ended the session
	owner = f.login("city-invest")                                                              // 7

	const parallel = 8 // 8–15
	var wg sync.WaitGroup
	errs := make(chan string, parallel)
	for i := range parallel {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b, _ := json.Marshal(map[string]string{"name": fmt.Sprintf("令牌 %d", i)})
			rec := f.do(&caller{cookies: maps(owner.cookies), csrf: owner.csrf}, "POST", "/api/v1/me/tokens", "application/json", string(b))
			if rec.Code != http.StatusOK {
				errs <- rec.Body.String()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Errorf("create token: %s", e)
	}
	f.doJSON(owner, "POST", "/api/v1/auth/logout", nil, nil, http.StatusNoContent) // 16
	const want = 16

	v, err := audit.Verify(ctx, f.store.Audit())
	if err != nil {
		t.Fatal(err)
	}
	if !v.OK() || v.Count != want {
		t.Fatalf("verification %+v, want an intact chain of %d", v, want)
	}
	var actions []string
	if err := f.store.Audit().Each(ctx, func(r audit.Record) error {
		actions = append(actions, r.Action)
		if r.RequestID == "" || (r.Action != "user.register" && r.ActorID == "") {
			t.Errorf("record %+v lacks its request ID or actor", r)
		}
		if strings.Contains(r.Summary, testPassword) {
			t.Errorf("record %d holds a password", r.Seq)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, a := range []string{"user.login", "user.register", "regulator.create", "user.disable", "user.enable", "token.create", "user.logout"} {
		if !slices.Contains(actions, a) {
			t.Errorf("no %s record in %v", a, actions)
		}
	}

	// The command-line check agrees.
	var out, errOut strings.Builder
	args := []string{"agencyhall", "audit", "verify", "--mongo-uri", testDB.URI, "--db", f.store.DBName()}
	if err := run(ctx, args, func(string) string { return "" }, &out, &errOut); err != nil {
		t.Fatalf("audit verify: %v\n%s%s", err, out.String(), errOut.String())
	}
	if !strings.Contains(out.String(), fmt.Sprintf("共 %d 条记录", want)) {
		t.Errorf("audit verify said %q", out.String())
	}
}

func maps(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
