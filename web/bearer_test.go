package web

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/auth"
)

// TestBearerRoutes: a route declared for another system's credential hands
// the bearer token to its check, acts as the principal the check returns
// (no CSRF token needed), refuses another object's path with the check's
// error, and admits no user of any role.
func TestBearerRoutes(t *testing.T) {
	cred := &Credential{Role: auth.RoleSubscriber, Label: "测试订阅方", Check: func(c *gin.Context, tok string) (auth.Principal, error) {
		if tok != auth.CredentialPrefix+"good" {
			return auth.Principal{}, apperr.Unauthorized("访问令牌无效")
		}
		p := auth.Principal{UserID: "webhook:a", Role: auth.RoleSubscriber}
		if c.Param("id") != "a" {
			return p, apperr.NotFound("订阅")
		}
		return p, nil
	}}
	a := New(Config{})
	var seen auth.Principal
	handler := func(c *gin.Context) { seen = PrincipalOf(c); c.Status(http.StatusNoContent) }
	a.Handle(Route{Method: http.MethodGet, Path: "/x/:id", Access: Bearer(cred), Handler: handler})
	a.Handle(Route{Method: http.MethodPost, Path: "/x/:id/do", Access: Bearer(cred), Action: "x.do", Handler: handler})

	tests := []struct {
		name, method, path, auth string
		want                     int
	}{
		{"its own object", "GET", "/x/a", "Bearer " + auth.CredentialPrefix + "good", http.StatusNoContent},
		{"a change without a CSRF token", "POST", "/x/a/do", "Bearer " + auth.CredentialPrefix + "good", http.StatusNoContent},
		{"another object", "GET", "/x/b", "Bearer " + auth.CredentialPrefix + "good", http.StatusNotFound},
		{"a wrong token", "GET", "/x/a", "Bearer " + auth.CredentialPrefix + "bad", http.StatusUnauthorized},
		{"no token", "GET", "/x/a", "", http.StatusUnauthorized},
		{"not a bearer header", "GET", "/x/a", "Basic eDp5", http.StatusUnauthorized},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			seen = auth.Principal{}
			req := httptest.NewRequest(tc.method, tc.path, nil)
			if tc.auth != "" {
				req.Header.Set("Authorization", tc.auth)
			}
			rec := httptest.NewRecorder()
			a.ServeHTTP(rec, req)
			if rec.Code != tc.want {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.want, rec.Body)
			}
			if tc.want == http.StatusNoContent && (seen.UserID != "webhook:a" || seen.Via != auth.ViaCredential) {
				t.Errorf("acted as %+v", seen)
			}
		})
	}

	access := Bearer(cred)
	for _, r := range auth.Roles {
		if access.Allows(auth.Principal{UserID: "u", Role: r, Via: "session"}) {
			t.Errorf("a %s user is admitted", r)
		}
	}
	if LoggedIn().Allows(auth.Principal{UserID: "webhook:a", Role: auth.RoleSubscriber, Via: auth.ViaCredential}) {
		t.Error("a credential opens a logged-in route")
	}
	if got := access.AllowedRoles(); len(got) != 1 || got[0] != auth.RoleSubscriber || access.IsPublic() {
		t.Errorf("allowed roles %v", got)
	}
	op := operation(Route{Method: http.MethodGet, Path: "/x/:id", Access: access}, []string{"id"})
	if len(op.Security) != 1 || op.Security[0][secSystem] == nil || op.Responses["401"].Description == "" {
		t.Errorf("API document: security %v", op.Security)
	}
}
