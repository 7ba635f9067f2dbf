package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/web"
)

// accessTable is the reviewed list of who may call each route.
const accessTable = "testdata/access.txt"

// accessLines renders every declared route with the roles its declaration
// admits: "public" (anonymous visitors too) or the roles, sorted by path.
func accessLines(app *web.App) []string {
	var out []string
	for _, r := range app.Routes() {
		who := "public"
		if !r.Access.IsPublic() {
			var roles []string
			for _, role := range r.Access.AllowedRoles() {
				roles = append(roles, string(role))
			}
			slices.Sort(roles)
			who = strings.Join(roles, ",")
		}
		out = append(out, fmt.Sprintf("%-60s %-6s %s", r.Path, r.Method, who))
	}
	slices.Sort(out)
	return out
}

// TestAccessDeclarationsReviewed compares every route's access rule with
// the reviewed table in testdata/access.txt. A route added, removed or
// opened to more roles fails here until the table is updated — so widening
// access is always a visible, reviewed change — and the matrix tests then
// check the new line for every role. To accept a change after review:
//
//	AGENCYHALL_UPDATE_ACCESS=1 go test -run TestAccessDeclarationsReviewed .
func TestAccessDeclarationsReviewed(t *testing.T) {
	f := newFullApp(t)
	got := accessLines(f.app)
	body := "# Who may call each route (path, method, roles; public includes anonymous visitors).\n" +
		"# Reviewed: regenerate with AGENCYHALL_UPDATE_ACCESS=1 go test -run TestAccessDeclarationsReviewed .\n" +
		strings.Join(got, "\n") + "\n"
	if os.Getenv("AGENCYHALL_UPDATE_ACCESS") == "1" {
		if err := os.MkdirAll(filepath.Dir(accessTable), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(accessTable, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	b, err := os.ReadFile(accessTable)
	if err != nil {
		t.Fatalf("%v: run AGENCYHALL_UPDATE_ACCESS=1 go test -run TestAccessDeclarationsReviewed . and review the table", err)
	}
	var want []string
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if !strings.HasPrefix(l, "#") {
			want = append(want, l)
		}
	}
	key := func(l string) string { f := strings.Fields(l); return f[1] + " " + f[0] }
	wantBy := map[string]string{}
	for _, l := range want {
		wantBy[key(l)] = l
	}
	for _, l := range got {
		w, ok := wantBy[key(l)]
		switch {
		case !ok:
			t.Errorf("new route not in %s (review who may call it, then regenerate): %s", accessTable, l)
		case strings.Fields(w)[2] != strings.Fields(l)[2]:
			t.Errorf("access changed: %s\n  reviewed: %s\n  declared: %s", key(l), strings.Fields(w)[2], strings.Fields(l)[2])
		}
		delete(wantBy, key(l))
	}
	for k := range wantBy {
		t.Errorf("route in %s is no longer declared: %s", accessTable, k)
	}
}

// TestAuthorizationMatrixStateChanges completes TestAuthorizationMatrix,
// which cannot run state changes on its shared fixture: every state-changing
// route is called here by every role its declaration admits (a fresh
// session each time, or an anonymous visitor on public routes; placeholder
// IDs, an empty body, the CSRF token sent),
// and none may be turned away by the access layer — no 401, no redirect to
// the login page, no 403 from the declaration or the CSRF check. What the
// handler then answers (400 for the empty body, 404 for the placeholder)
// is its own business. Together the two tests call every route as every
// role and as an anonymous visitor.
func TestAuthorizationMatrixStateChanges(t *testing.T) {
	f := newFullApp(t)
	f.addRoleUsers()
	declared := apperr.Forbidden("").Message
	pairs := 0
	for _, r := range f.app.Routes() {
		if r.Method == http.MethodGet {
			continue
		}
		for _, role := range append([]auth.Role{""}, auth.Roles...) {
			p := auth.Principal{Role: role}
			if role != "" {
				p.UserID = roleLogins[role]
			}
			if !r.Access.Allows(p) {
				continue // refused: TestAuthorizationMatrix checks it
			}
			pairs++
			c := anonymous()
			if role != "" {
				c = f.login(roleLogins[role])
			}
			ctype, body := "application/json", "{}"
			if r.Page {
				ctype, body = "application/x-www-form-urlencoded", formBody(c)
			}
			rec := f.do(c, r.Method, concretePath(r.Path), ctype, body)
			where := fmt.Sprintf("%s %s as %q", r.Method, r.Path, role)
			loginRedirect := rec.Code == http.StatusSeeOther && strings.HasPrefix(rec.Header().Get("Location"), "/login")
			if rec.Code == http.StatusUnauthorized || loginRedirect {
				t.Errorf("%s: admitted by the declaration (%s) but turned away: %d", where, r.Access.Describe(), rec.Code)
				continue
			}
			if rec.Code != http.StatusForbidden {
				continue
			}
			msg := rec.Body.String()
			if !r.Page {
				var eb web.ErrorBody
				_ = json.Unmarshal(rec.Body.Bytes(), &eb)
				msg = eb.Error.Message
			}
			if strings.Contains(msg, declared) || strings.Contains(msg, "刷新页面") {
				t.Errorf("%s: admitted by the declaration (%s) but refused by the access layer: %.200s", where, r.Access.Describe(), msg)
			}
		}
	}
	if pairs < 100 {
		t.Errorf("only %d admitted state changes: is the app fully wired?", pairs)
	}
	t.Logf("%d routes × %d roles and anonymous: %d admitted state changes checked here", len(f.app.Routes()), len(auth.Roles), pairs)
}
