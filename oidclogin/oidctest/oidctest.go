// Package oidctest runs a real OpenID Connect provider in-process for
// tests: zitadel's OpenID provider (github.com/zitadel/oidc/v3/pkg/op) on
// the in-memory storage of its example server, with a small Chinese login
// page in front. It publishes a discovery document and its signing keys,
// runs the authorization code flow with PKCE and signs ID tokens with a
// fresh RSA key, so the relying party under test verifies real tokens.
//
// Test users carry a credit-code claim, in the ID token or (like some
// platforms) only at the userinfo endpoint.
package oidctest

import (
	"context"
	"crypto/rand"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/zitadel/oidc/v3/example/server/storage"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/text/language"
)

// User is an account at the provider.
type User struct {
	Subject  string // the stable identifier the provider asserts ("sub")
	Username string
	Password string
	Name     string // e.g. 王建国
	Email    string
	USCC     string // the organisation's credit code; empty for none
	// USCCAtUserinfo leaves the credit code out of the ID token: only the
	// userinfo endpoint tells it.
	USCCAtUserinfo bool
}

// Provider is a running OpenID provider with one registered web client.
type Provider struct {
	URL          string // the issuer
	ClientID     string
	ClientSecret string
	USCCClaim    string // "uscc"
	// OtherClientID and OtherClientSecret are a second registered client
	// with the same redirect address: tokens issued to it are valid, but
	// not for ClientID.
	OtherClientID, OtherClientSecret string

	users  *users
	server *httptest.Server
}

// New starts a provider whose client may redirect to redirectURL, and
// stops it when the test ends.
func New(t testing.TB, redirectURL string, us ...User) *Provider {
	t.Helper()
	p := &Provider{ClientID: "agencyhall-test", ClientSecret: "test-secret-" + rand.Text(), USCCClaim: "uscc",
		OtherClientID: "other-app", OtherClientSecret: "other-secret-" + rand.Text(), users: &users{bySub: map[string]*User{}}}
	for _, u := range us {
		p.AddUser(u)
	}
	p.server = httptest.NewUnstartedServer(nil)
	p.URL = "http://" + p.server.Listener.Addr().String()

	clients := map[string]*storage.Client{
		p.ClientID:      storage.WebClient(p.ClientID, p.ClientSecret, redirectURL),
		p.OtherClientID: storage.WebClient(p.OtherClientID, p.OtherClientSecret, redirectURL),
	}
	st := &store{Storage: storage.NewStorageWithClients(p.users, clients), users: p.users, claim: p.USCCClaim}
	var key [32]byte
	_, _ = rand.Read(key[:])
	provider, err := op.NewProvider(&op.Config{
		CryptoKey:          key,
		CodeMethodS256:     true,
		AuthMethodPost:     true,
		SupportedUILocales: []language.Tag{language.SimplifiedChinese},
	}, st, op.StaticIssuer(p.URL), op.WithAllowInsecure())
	if err != nil {
		t.Fatalf("oidctest: provider: %v", err)
	}
	login := &loginPage{store: st, callback: op.AuthCallbackURL(provider)}
	mux := http.NewServeMux()
	mux.Handle("/login/username", op.NewIssuerInterceptor(provider.IssuerFromRequest).Handler(login))
	mux.Handle("/", provider)
	p.server.Config.Handler = mux
	p.server.Start()
	t.Cleanup(p.server.Close)
	return p
}

// AddUser creates or replaces an account at the provider.
func (p *Provider) AddUser(u User) {
	p.users.mu.Lock()
	defer p.users.mu.Unlock()
	p.users.bySub[u.Subject] = &u
}

// Login does in an HTTP client what a person does in a browser: it follows
// authURL to the provider's login page, signs in, and returns the address
// the provider then sends the browser to — the relying party's callback
// with the code and state — without visiting it.
func (p *Provider) Login(ctx context.Context, authURL, username, password string) (string, error) {
	jar, _ := cookiejar.New(nil)
	var final string
	hc := &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if !strings.HasPrefix(req.URL.String(), p.URL+"/") {
			final = req.URL.String()
			return http.ErrUseLastResponse
		}
		return nil
	}}
	get := func(u string) (*http.Response, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return nil, err
		}
		return hc.Do(req)
	}
	resp, err := get(authURL)
	if err != nil {
		return "", err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if final != "" { // sent straight back: an error answer
		return final, nil
	}
	id := resp.Request.URL.Query().Get("authRequestID")
	if resp.StatusCode != http.StatusOK || id == "" {
		return "", fmt.Errorf("oidctest: authorization request ended at %s with %s", resp.Request.URL, resp.Status)
	}
	form := url.Values{"id": {id}, "username": {username}, "password": {password}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.URL+"/login/username", strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err = hc.Do(req)
	if err != nil {
		return "", err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if final == "" {
		return "", fmt.Errorf("oidctest: login not accepted (%s): %s", resp.Status, body)
	}
	return final, nil
}

// users is the provider's account list, the example storage's UserStore.
type users struct {
	mu    sync.Mutex
	bySub map[string]*User
}

func (us *users) get(sub string) *User {
	us.mu.Lock()
	defer us.mu.Unlock()
	return us.bySub[sub]
}

func toStorage(u *User) *storage.User {
	if u == nil {
		return nil
	}
	return &storage.User{ID: u.Subject, Username: u.Username, Password: u.Password, Email: u.Email, EmailVerified: true,
		PreferredLanguage: language.SimplifiedChinese}
}

func (us *users) GetUserByID(id string) *storage.User { return toStorage(us.get(id)) }

func (us *users) GetUserByUsername(name string) *storage.User {
	us.mu.Lock()
	defer us.mu.Unlock()
	for _, u := range us.bySub {
		if u.Username == name {
			return toStorage(u)
		}
	}
	return nil
}

func (us *users) ExampleClientID() string { return "" }

// store is the example storage with this provider's own claims: the
// person's Chinese name and the organisation's credit code.
type store struct {
	*storage.Storage
	users *users
	claim string
}

// SetUserinfoFromRequest fills the ID token's claims.
func (s *store) SetUserinfoFromRequest(ctx context.Context, info *oidc.UserInfo, req op.IDTokenRequest, scopes []string) error {
	if err := s.Storage.SetUserinfoFromRequest(ctx, info, req, scopes); err != nil {
		return err
	}
	u := s.users.get(req.GetSubject())
	if u == nil {
		return fmt.Errorf("no user %q", req.GetSubject())
	}
	if u.USCC != "" && !u.USCCAtUserinfo {
		info.AppendClaims(s.claim, u.USCC)
	}
	if info.Name != "" { // with the profile scope in the token (no access token issued)
		info.Name, info.GivenName, info.FamilyName = u.Name, "", ""
	}
	return nil
}

// SetUserinfoFromToken answers the userinfo endpoint.
func (s *store) SetUserinfoFromToken(ctx context.Context, info *oidc.UserInfo, tokenID, subject, origin string) error {
	if err := s.Storage.SetUserinfoFromToken(ctx, info, tokenID, subject, origin); err != nil {
		return err
	}
	u := s.users.get(info.Subject)
	if u == nil {
		return fmt.Errorf("no user %q", info.Subject)
	}
	if info.Name != "" {
		info.Name, info.GivenName, info.FamilyName = u.Name, "", ""
	}
	if u.USCC != "" {
		info.AppendClaims(s.claim, u.USCC)
	}
	return nil
}

// loginPage is the provider's sign-in form.
type loginPage struct {
	store    *store
	callback func(context.Context, string) string
}

var loginTemplate = template.Must(template.New("login").Parse(`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>统一身份认证平台（测试）</title></head>
<body><h1>统一身份认证平台（测试）</h1>
{{if .Error}}<p id="error">{{.Error}}</p>{{end}}
<form method="post" action="/login/username">
<input type="hidden" name="id" value="{{.ID}}">
<p><label for="username">用户名</label> <input id="username" name="username" autocomplete="username"></p>
<p><label for="password">密码</label> <input id="password" name="password" type="password" autocomplete="current-password"></p>
<p><button id="idp-submit" type="submit">登录</button></p>
</form></body></html>`))

func (l *loginPage) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	switch r.Method {
	case http.MethodGet:
		_ = loginTemplate.Execute(w, map[string]string{"ID": r.URL.Query().Get("authRequestID")})
	case http.MethodPost:
		id := r.PostFormValue("id")
		if err := l.store.CheckUsernamePassword(r.PostFormValue("username"), r.PostFormValue("password"), id); err != nil {
			w.WriteHeader(http.StatusUnauthorized)
			_ = loginTemplate.Execute(w, map[string]string{"ID": id, "Error": "用户名或密码错误"})
			return
		}
		http.Redirect(w, r, l.callback(r.Context(), id), http.StatusFound)
	default:
		w.WriteHeader(http.StatusMethodNotAllowed)
	}
}
