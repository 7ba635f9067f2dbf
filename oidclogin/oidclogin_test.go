package oidclogin_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/oidclogin"
	"github.com/agencyhall/agencyhall/oidclogin/oidctest"
)

const redirectURL = "http://agencyhall.test/login/oidc/callback"

var (
	wang = oidctest.User{Subject: "u-1001", Username: "wangjg", Password: "idp-pass-1", Name: "王建国",
		Email: "wangjg@example.cn", USCC: "91620100MA0000001X"}
	li = oidctest.User{Subject: "u-1002", Username: "lijing", Password: "idp-pass-2", Name: "李静",
		USCC: "91620102ma71xk3l0a", USCCAtUserinfo: true}
	zhao = oidctest.User{Subject: "u-1003", Username: "zhao", Password: "idp-pass-3", Name: "赵六"}
)

func newClient(t *testing.T, p *oidctest.Provider, change ...func(*oidclogin.Config)) *oidclogin.Client {
	t.Helper()
	cfg := oidclogin.Config{Issuer: p.URL, ClientID: p.ClientID, ClientSecret: p.ClientSecret, RedirectURL: redirectURL}
	for _, f := range change {
		f(&cfg)
	}
	c, err := oidclogin.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// begin starts a login and returns the provider URL and the flow cookie.
func begin(t *testing.T, c *oidclogin.Client, next string) (string, []*http.Cookie) {
	t.Helper()
	rec := httptest.NewRecorder()
	authURL, err := c.Begin(context.Background(), rec, next)
	if err != nil {
		t.Fatalf("begin: %v", err)
	}
	return authURL, rec.Result().Cookies()
}

// callback is the request the browser makes to the callback address.
func callback(t *testing.T, to string, cookies []*http.Cookie) *http.Request {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, to, nil)
	for _, ck := range cookies {
		if ck.MaxAge >= 0 {
			r.AddCookie(ck)
		}
	}
	return r
}

func finish(c *oidclogin.Client, r *http.Request) (auth.ExternalIdentity, string, *httptest.ResponseRecorder, error) {
	rec := httptest.NewRecorder()
	x, next, err := c.Finish(context.Background(), rec, r)
	return x, next, rec, err
}

func wantCode(t *testing.T, err error, kind apperr.Kind, code string) {
	t.Helper()
	e, ok := apperr.As(err)
	if !ok || e.Kind != kind || e.Code != code {
		t.Fatalf("got %v, want %s (kind %d)", err, code, kind)
	}
}

// TestLoginFlow runs the whole authorization code flow against a real
// provider: the authorization request carries state, nonce and a PKCE
// challenge; the callback exchanges the code, verifies the signed ID token
// and reads the identity, from the ID token and from the userinfo
// endpoint.
func TestLoginFlow(t *testing.T) {
	p := oidctest.New(t, redirectURL, wang, li, zhao)
	c := newClient(t, p)
	ctx := context.Background()

	for _, tc := range []struct {
		user oidctest.User
		want auth.ExternalIdentity
	}{
		{wang, auth.ExternalIdentity{Issuer: p.URL, Subject: "u-1001", Name: "王建国", Email: "wangjg@example.cn", Username: "wangjg", USCC: "91620100MA0000001X"}},
		// The credit code comes only from the userinfo endpoint, lower-case: normalised.
		{li, auth.ExternalIdentity{Issuer: p.URL, Subject: "u-1002", Name: "李静", Username: "lijing", USCC: "91620102MA71XK3L0A"}},
		{zhao, auth.ExternalIdentity{Issuer: p.URL, Subject: "u-1003", Name: "赵六", Username: "zhao"}},
	} {
		t.Run(tc.user.Username, func(t *testing.T) {
			authURL, cookies := begin(t, c, "/my/projects")
			q := mustParse(t, authURL).Query()
			for _, k := range []string{"state", "nonce", "code_challenge"} {
				if len(q.Get(k)) < 32 {
					t.Errorf("authorization request: %s = %q", k, q.Get(k))
				}
			}
			if q.Get("code_challenge_method") != "S256" || q.Get("response_type") != "code" || q.Get("client_id") != p.ClientID ||
				q.Get("redirect_uri") != redirectURL || !strings.Contains(q.Get("scope"), "openid") {
				t.Errorf("authorization request: %v", q)
			}
			if len(cookies) != 1 || !cookies[0].HttpOnly || cookies[0].Path != oidclogin.CookiePath || cookies[0].SameSite != http.SameSiteLaxMode {
				t.Fatalf("flow cookie: %+v", cookies)
			}
			if strings.Contains(cookies[0].Value, q.Get("state")) {
				t.Error("the flow cookie shows its state in clear")
			}
			back, err := p.Login(ctx, authURL, tc.user.Username, tc.user.Password)
			if err != nil {
				t.Fatal(err)
			}
			x, next, rec, err := finish(c, callback(t, back, cookies))
			if err != nil {
				t.Fatalf("finish: %v", err)
			}
			if x != tc.want || next != "/my/projects" {
				t.Errorf("identity %+v, next %q; want %+v", x, next, tc.want)
			}
			if ck := rec.Result().Cookies(); len(ck) != 1 || ck[0].MaxAge >= 0 {
				t.Errorf("the flow cookie is not dropped: %+v", ck)
			}
			// The same callback again (a replayed URL with the old cookie):
			// the provider has spent the code.
			_, _, _, err = finish(c, callback(t, back, cookies))
			wantCode(t, err, apperr.KindInvalid, "oidc_failed")
		})
	}
}

// TestCallbackRefusals: a callback is accepted only with the flow cookie of
// the browser that started the login and the state it was given.
func TestCallbackRefusals(t *testing.T) {
	p := oidctest.New(t, redirectURL, wang)
	c := newClient(t, p)
	ctx := context.Background()

	authURL, cookies := begin(t, c, "")
	back, err := p.Login(ctx, authURL, wang.Username, wang.Password)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("no flow cookie", func(t *testing.T) {
		_, _, _, err := finish(c, callback(t, back, nil))
		wantCode(t, err, apperr.KindInvalid, "oidc_failed")
	})
	t.Run("another state", func(t *testing.T) {
		u := mustParse(t, back)
		q := u.Query()
		q.Set("state", "forged-state-value-0123456789abcdef")
		u.RawQuery = q.Encode()
		_, _, _, err := finish(c, callback(t, u.String(), cookies))
		wantCode(t, err, apperr.KindInvalid, "oidc_failed")
	})
	t.Run("tampered cookie", func(t *testing.T) {
		bad := *cookies[0]
		b := []byte(bad.Value)
		b[len(b)/2] ^= 1
		bad.Value = string(b)
		_, _, _, err := finish(c, callback(t, back, []*http.Cookie{&bad}))
		wantCode(t, err, apperr.KindInvalid, "oidc_failed")
	})
	t.Run("cookie of another login with its state", func(t *testing.T) {
		// A second login in the same browser: its cookie and state, but the
		// code of the first. The PKCE verifier (and the nonce) do not match.
		authURL2, cookies2 := begin(t, c, "")
		u := mustParse(t, back)
		q := u.Query()
		q.Set("state", mustParse(t, authURL2).Query().Get("state"))
		u.RawQuery = q.Encode()
		_, _, _, err := finish(c, callback(t, u.String(), cookies2))
		wantCode(t, err, apperr.KindInvalid, "oidc_failed")
	})
	t.Run("a client with another secret", func(t *testing.T) {
		// Its cookies are not this client's either: key from the secret.
		other := newClient(t, p, func(cfg *oidclogin.Config) { cfg.ClientSecret = "not-the-secret" })
		_, _, _, err := finish(other, callback(t, back, cookies))
		wantCode(t, err, apperr.KindInvalid, "oidc_failed")
	})
	t.Run("the person cancelled", func(t *testing.T) {
		_, _, _, err := finish(c, callback(t, redirectURL+"?error=access_denied&state="+mustParse(t, authURL).Query().Get("state"), cookies))
		e, _ := apperr.As(err)
		if e == nil || e.Kind != apperr.KindInvalid || !strings.Contains(e.Message, "取消") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("the first callback still works once", func(t *testing.T) {
		x, _, _, err := finish(c, callback(t, back, cookies))
		if err != nil || x.Subject != wang.Subject {
			t.Fatalf("identity %+v, %v", x, err)
		}
	})
}

// tokenTap sits between the client and the provider's token endpoint: it
// records each ID token issued and can replace the one being delivered, as
// a man in the middle or a broken provider would.
type tokenTap struct {
	mu     sync.Mutex
	issued []string
	swap   func(string) string
}

func (tt *tokenTap) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil || !strings.HasSuffix(req.URL.Path, "/oauth/token") || resp.StatusCode != http.StatusOK {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	m := map[string]any{}
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, err
	}
	tt.mu.Lock()
	idt, _ := m["id_token"].(string)
	tt.issued = append(tt.issued, idt)
	if tt.swap != nil {
		m["id_token"] = tt.swap(idt)
	}
	tt.mu.Unlock()
	body, _ = json.Marshal(m)
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	resp.Header.Del("Content-Length")
	return resp, nil
}

func (tt *tokenTap) set(swap func(string) string) {
	tt.mu.Lock()
	defer tt.mu.Unlock()
	tt.swap = swap
}

func (tt *tokenTap) last() string {
	tt.mu.Lock()
	defer tt.mu.Unlock()
	return tt.issued[len(tt.issued)-1]
}

// TestTokenChecks: the ID token must be signed by the provider, issued to
// this client and for this login (nonce); go-oidc's verifier checks the
// first two, the nonce is compared with the flow cookie's.
func TestTokenChecks(t *testing.T) {
	p := oidctest.New(t, redirectURL, wang)
	tap := &tokenTap{}
	c := newClient(t, p, func(cfg *oidclogin.Config) { cfg.HTTPClient = &http.Client{Transport: tap} })
	ctx := context.Background()
	login := func(t *testing.T, c *oidclogin.Client) error {
		t.Helper()
		authURL, cookies := begin(t, c, "")
		back, err := p.Login(ctx, authURL, wang.Username, wang.Password)
		if err != nil {
			t.Fatal(err)
		}
		_, _, _, err = finish(c, callback(t, back, cookies))
		return err
	}
	if err := login(t, c); err != nil {
		t.Fatalf("untouched: %v", err)
	}
	earlier := tap.last() // valid, for this client, of an earlier login

	other := newClient(t, p, func(cfg *oidclogin.Config) {
		cfg.ClientID, cfg.ClientSecret, cfg.HTTPClient = p.OtherClientID, p.OtherClientSecret, &http.Client{Transport: tap}
	})
	if err := login(t, other); err != nil {
		t.Fatalf("other client: %v", err)
	}
	forOther := tap.last() // valid, signed by the provider, for another client

	for _, tc := range []struct {
		name, cause string
		swap        func(string) string
	}{
		{"bad signature", "signature", func(s string) string {
			parts := strings.Split(s, ".")
			sig := []byte(parts[2])
			if sig[10] == 'A' { // another base64url character: other bits, same length
				sig[10] = 'B'
			} else {
				sig[10] = 'A'
			}
			parts[2] = string(sig)
			return strings.Join(parts, ".")
		}},
		{"changed claims", "signature", func(s string) string {
			parts := strings.Split(s, ".")
			payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
			payload = bytes.Replace(payload, []byte(wang.Subject), []byte("u-6666"), 1)
			parts[1] = base64.RawURLEncoding.EncodeToString(payload)
			return strings.Join(parts, ".")
		}},
		{"issued to another client", "audience", func(string) string { return forOther }},
		{"of another login", "nonce", func(string) string { return earlier }},
		{"unsigned (alg none)", "", func(s string) string {
			parts := strings.Split(s, ".")
			return base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none"}`)) + "." + parts[1] + "."
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tap.set(tc.swap)
			defer tap.set(nil)
			err := login(t, c)
			wantCode(t, err, apperr.KindUnauthorized, "oidc_bad_token")
			if !strings.Contains(err.Error(), tc.cause) {
				t.Errorf("refused for another reason than the %s: %v", tc.cause, err)
			}
		})
	}
}

func TestProviderUnreachable(t *testing.T) {
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	c, err := oidclogin.New(oidclogin.Config{Issuer: dead.URL, ClientID: "x", ClientSecret: "y", RedirectURL: redirectURL})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Begin(context.Background(), httptest.NewRecorder(), "")
	wantCode(t, err, apperr.KindUnavailable, "oidc_unavailable")
}

func TestConfigChecks(t *testing.T) {
	for _, cfg := range []oidclogin.Config{
		{Issuer: "", ClientID: "a", RedirectURL: redirectURL},
		{Issuer: "tyrz.example.gov.cn", ClientID: "a", RedirectURL: redirectURL},
		{Issuer: "https://tyrz.example.gov.cn/?x=1", ClientID: "a", RedirectURL: redirectURL},
		{Issuer: "https://tyrz.example.gov.cn", ClientID: "", RedirectURL: redirectURL},
		{Issuer: "https://tyrz.example.gov.cn", ClientID: "a", RedirectURL: "/login/oidc/callback"},
	} {
		if _, err := oidclogin.New(cfg); err == nil {
			t.Errorf("accepted %+v", cfg)
		}
	}
	c, err := oidclogin.New(oidclogin.Config{Issuer: "https://tyrz.example.gov.cn", ClientID: "a", RedirectURL: redirectURL})
	if err != nil || c.Label() != "统一身份认证登录" || c.Host() != "tyrz.example.gov.cn" {
		t.Fatalf("defaults: %v %q", err, c.Label())
	}
}

// TestHeldIdentity: a verified identity waits in a sealed cookie for the
// person's confirmation; a changed cookie holds nothing.
func TestHeldIdentity(t *testing.T) {
	p := oidctest.New(t, redirectURL)
	c := newClient(t, p)
	x := auth.ExternalIdentity{Issuer: p.URL, Subject: "u-9", Name: "王建国", USCC: "91620100MA0000001X"}
	rec := httptest.NewRecorder()
	if err := c.Hold(rec, x, "/hall"); err != nil {
		t.Fatal(err)
	}
	cookies := rec.Result().Cookies()
	got, next, ok := c.Held(callback(t, redirectURL, cookies))
	if !ok || got != x || next != "/hall" {
		t.Fatalf("held %+v %q %v", got, next, ok)
	}
	if strings.Contains(cookies[0].Value, "u-9") {
		t.Error("the held identity is readable in the cookie")
	}
	bad := *cookies[0]
	bad.Value = bad.Value[:len(bad.Value)-2] + "AA"
	if _, _, ok := c.Held(callback(t, redirectURL, []*http.Cookie{&bad})); ok {
		t.Error("a changed cookie was accepted")
	}
	// A flow cookie is no held identity, even of the same client.
	_, flow := begin(t, c, "")
	flow[0].Name = "ah_oidc_pending"
	if _, _, ok := c.Held(callback(t, redirectURL, flow)); ok {
		t.Error("a flow cookie passed as a held identity")
	}
}

func mustParse(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
