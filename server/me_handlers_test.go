package server

import (
	"net/http"
	"strings"
	"testing"

	"github.com/agencyhall/agencyhall/auth"
)

func TestBearerTokenLifecycle(t *testing.T) {
	e := newEnv(t)
	e.account("agency1", auth.RoleAgency)
	browser := e.client()
	browser.login("agency1", testPassword)

	var created createTokenResponse
	browser.do("POST", "/api/v1/me/tokens", createTokenRequest{Name: "数据同步"}).want(http.StatusOK).decode(&created)
	if !strings.HasPrefix(created.Secret, auth.APITokenPrefix) || created.Token.ID == "" || created.Token.Name != "数据同步" {
		t.Fatalf("created %+v", created)
	}

	// The list never shows the secret again.
	list := browser.do("GET", "/api/v1/me/tokens", nil).want(http.StatusOK)
	if strings.Contains(list.Body.String(), created.Secret) {
		t.Fatal("token list shows the secret")
	}
	var page listPage[tokenDTO]
	list.decode(&page)
	if page.Total != 1 || len(page.Items) != 1 || page.Items[0].ID != created.Token.ID || page.Page != 1 || page.PageSize != defaultPageSize {
		t.Fatalf("token list %+v", page)
	}

	// A program uses the token: no cookies, no CSRF token needed.
	prog := e.client()
	prog.bearer = created.Secret
	var me meResponse
	prog.do("GET", "/api/v1/me", nil).want(http.StatusOK).decode(&me)
	if me.User.Login != "agency1" || me.Via != "token" || me.CSRFToken != "" {
		t.Fatalf("me via token %+v", me)
	}
	var second createTokenResponse
	prog.do("POST", "/api/v1/me/tokens", createTokenRequest{Name: "第二个"}).want(http.StatusOK).decode(&second)

	// Revoking: someone else's token is not found; then the token stops working.
	e.account("agency2", auth.RoleAgency)
	other := e.client()
	other.login("agency2", testPassword)
	other.do("DELETE", "/api/v1/me/tokens/"+created.Token.ID, nil).want(http.StatusNotFound)
	browser.do("DELETE", "/api/v1/me/tokens/"+created.Token.ID, nil).want(http.StatusNoContent)
	if eb := prog.do("GET", "/api/v1/me", nil).want(http.StatusUnauthorized).errBody(); eb.Code != "unauthorized" {
		t.Errorf("revoked token error %+v", eb)
	}
	prog.bearer = "ahk_not-a-real-token"
	prog.do("GET", "/api/v1/me", nil).want(http.StatusUnauthorized)
	prog.bearer = second.Secret
	prog.do("GET", "/api/v1/me", nil).want(http.StatusOK)

	for _, r := range e.auditRecords() {
		if strings.Contains(r.Summary+r.Target, created.Secret) || strings.Contains(r.Summary+r.Target, second.Secret) ||
			strings.Contains(r.Summary, testPassword) {
			t.Errorf("audit record %d leaks a secret: %+v", r.Seq, r)
		}
	}
}
