// Package oidclogin logs people in through a unified identity platform
// (统一身份认证) that speaks OpenID Connect: the authorization code flow
// with state, nonce and PKCE, and the ID token verified by
// github.com/coreos/go-oidc (signature against the provider's published
// keys, issuer, audience, expiry) before any of its claims is read.
//
// It knows HTTP and cookies, not accounts: Finish hands the verified
// identity to the caller, which asks package auth what it may do.
//
// Between the redirect to the provider and its answer, and between the
// answer and the person's confirmation of a first login, the state lives in
// short-lived cookies that are encrypted and authenticated (AES-256-GCM):
// the browser carries them, but can neither read nor forge them. Their key
// is derived from the client secret, so every replica of a deployment
// opens the cookies of the others.
package oidclogin

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/registry"
)

// Defaults of the configuration.
const (
	DefaultUSCCClaim = "uscc"
	DefaultLabel     = "统一身份认证登录"
)

// DefaultScopes are requested when the configuration names none.
var DefaultScopes = []string{oidc.ScopeOpenID, "profile", "email"}

// Cookie names and where they are sent: only to the login routes under
// CookiePath, so they never travel with other requests.
const (
	CookiePath    = "/login/oidc"
	flowCookie    = "ah_oidc_flow"    // state, nonce, PKCE verifier of a login under way
	pendingCookie = "ah_oidc_pending" // a verified identity waiting for the person's confirmation
	flowTTL       = 10 * time.Minute  // time to log in at the provider
	pendingTTL    = 15 * time.Minute  // time to confirm a first login
)

// Config is a relying party's registration at the provider.
type Config struct {
	Issuer       string // e.g. https://tyrz.example.gov.cn/oidc; discovery at <Issuer>/.well-known/openid-configuration
	ClientID     string
	ClientSecret string
	// RedirectURL is this site's callback, registered at the provider:
	// <base URL>/login/oidc/callback.
	RedirectURL string
	Scopes      []string // DefaultScopes when empty
	USCCClaim   string   // claim with the organisation's credit code; DefaultUSCCClaim when empty
	Label       string   // the login button; DefaultLabel when empty
	// SecureCookies marks the cookies Secure (--secure-cookies).
	SecureCookies bool
	// HTTPClient talks to the provider; a client with a 15-second timeout
	// when nil.
	HTTPClient *http.Client
}

// Client is the relying party of one provider. Discovery happens on first
// use and is retried until it succeeds, so the site starts even while the
// provider is unreachable; the login then shows an error page meanwhile.
type Client struct {
	cfg  Config
	seal cipher.AEAD
	http *http.Client

	mu       sync.Mutex
	provider *oidc.Provider // nil until discovery succeeded
	failed   time.Time      // the last failed discovery: retried only after retryAfter
	lastErr  error
}

// retryAfter is how long a failed discovery answers for itself, so that
// logins during an outage fail at once instead of queueing on timeouts.
const retryAfter = 10 * time.Second

// New checks the configuration and builds the client. It makes no request.
func New(cfg Config) (*Client, error) {
	cfg.Issuer = strings.TrimSpace(cfg.Issuer)
	u, err := url.Parse(cfg.Issuer)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("oidc issuer %q: want an http(s) URL without query or fragment", cfg.Issuer)
	}
	if strings.TrimSpace(cfg.ClientID) == "" {
		return nil, errors.New("oidc: the client id is required with an issuer")
	}
	r, err := url.Parse(cfg.RedirectURL)
	if err != nil || (r.Scheme != "https" && r.Scheme != "http") || r.Host == "" {
		return nil, fmt.Errorf("oidc redirect URL %q: want an absolute http(s) URL", cfg.RedirectURL)
	}
	if len(cfg.Scopes) == 0 {
		cfg.Scopes = DefaultScopes
	}
	if !slices.Contains(cfg.Scopes, oidc.ScopeOpenID) {
		cfg.Scopes = append([]string{oidc.ScopeOpenID}, cfg.Scopes...)
	}
	if cfg.USCCClaim == "" {
		cfg.USCCClaim = DefaultUSCCClaim
	}
	if cfg.Label == "" {
		cfg.Label = DefaultLabel
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 15 * time.Second}
	}
	key := make([]byte, 32)
	if cfg.ClientSecret != "" {
		key, err = hkdf.Key(sha256.New, []byte(cfg.ClientSecret), []byte(cfg.Issuer+"\x00"+cfg.ClientID), "agencyhall oidclogin cookies v1", 32)
		if err != nil {
			return nil, err
		}
	} else {
		// A public client has no shared secret: a key of this process,
		// so a login must come back to the replica that started it.
		_, _ = rand.Read(key)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Client{cfg: cfg, seal: aead, http: hc}, nil
}

// Label is the text of the login button.
func (c *Client) Label() string { return c.cfg.Label }

// Issuer is the provider's issuer URL.
func (c *Client) Issuer() string { return c.cfg.Issuer }

// Host is the provider's host name, shown to people so they know where
// they are sent.
func (c *Client) Host() string {
	u, _ := url.Parse(c.cfg.Issuer)
	return u.Host
}

func (c *Client) ctx(ctx context.Context) context.Context { return oidc.ClientContext(ctx, c.http) }

func errUnreachable(err error) error {
	return (&apperr.Error{Kind: apperr.KindUnavailable, Code: "oidc_unavailable",
		Message: "统一身份认证平台暂时无法访问，请稍后再试，或使用账号密码登录"}).Wrap(err)
}

// discover returns the provider's configuration, fetching it once.
func (c *Client) discover(ctx context.Context) (*oidc.Provider, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.provider != nil {
		return c.provider, nil
	}
	if time.Since(c.failed) < retryAfter {
		return nil, errUnreachable(c.lastErr)
	}
	ctx, cancel := context.WithTimeout(c.ctx(context.WithoutCancel(ctx)), 15*time.Second)
	defer cancel()
	// The key set fetched later uses the HTTP client recorded here, not
	// this context's deadline.
	p, err := oidc.NewProvider(ctx, c.cfg.Issuer)
	if err != nil {
		c.failed, c.lastErr = time.Now(), err
		return nil, errUnreachable(err)
	}
	c.provider = p
	return p, nil
}

func (c *Client) oauth(p *oidc.Provider) *oauth2.Config {
	return &oauth2.Config{ClientID: c.cfg.ClientID, ClientSecret: c.cfg.ClientSecret, RedirectURL: c.cfg.RedirectURL,
		Endpoint: p.Endpoint(), Scopes: c.cfg.Scopes}
}

// flow is what the flow cookie carries from Begin to Finish.
type flow struct {
	State    string `json:"s"`
	Nonce    string `json:"n"`
	Verifier string `json:"v"` // PKCE code verifier
	Next     string `json:"x,omitempty"`
}

// Begin starts a login: it sets the flow cookie and returns the provider's
// authorization URL to redirect the browser to. next is where to go after
// the login; the caller has checked that it is a local path.
func (c *Client) Begin(ctx context.Context, w http.ResponseWriter, next string) (string, error) {
	p, err := c.discover(ctx)
	if err != nil {
		return "", err
	}
	f := flow{State: random(24), Nonce: random(24), Verifier: oauth2.GenerateVerifier(), Next: next}
	if err := c.setCookie(w, flowCookie, f, flowTTL); err != nil {
		return "", err
	}
	return c.oauth(p).AuthCodeURL(f.State, oidc.Nonce(f.Nonce), oauth2.S256ChallengeOption(f.Verifier)), nil
}

// errFlow is a callback that cannot complete the login: not started in
// this browser, cancelled, spent. A bad request rather than bad
// credentials: the person starts again.
// errBadToken is an ID token that fails verification.
func errBadToken(cause error) error {
	return (&apperr.Error{Kind: apperr.KindUnauthorized, Code: "oidc_bad_token", Message: "统一身份认证的身份令牌未通过校验，请重新登录"}).Wrap(cause)
}

func errFlow(msg string) *apperr.Error {
	return &apperr.Error{Kind: apperr.KindInvalid, Code: "oidc_failed", Message: msg}
}

// Finish completes a login at the callback: it checks the state against
// the flow cookie (and drops the cookie, so a callback works once),
// exchanges the code with the PKCE verifier, verifies the ID token with
// go-oidc (signature, issuer, audience, expiry) and its nonce, and reads
// the identity from its claims, completed from the userinfo endpoint when
// the token lacks the name or the credit code. It returns the identity and
// where to go afterwards.
func (c *Client) Finish(ctx context.Context, w http.ResponseWriter, r *http.Request) (auth.ExternalIdentity, string, error) {
	var f flow
	ok := c.readCookie(r, flowCookie, &f)
	c.clearCookie(w, flowCookie)
	q := r.URL.Query()
	if e := q.Get("error"); e != "" {
		if e == "access_denied" {
			return auth.ExternalIdentity{}, "", errFlow("您在统一身份认证平台取消了登录或未授权本平台")
		}
		return auth.ExternalIdentity{}, "", errFlow("统一身份认证平台拒绝了登录请求（" + clip(e, 60) + "），请重试或联系平台管理员")
	}
	if !ok {
		return auth.ExternalIdentity{}, "", errFlow("登录请求已过期或不是从本浏览器发起的，请重新点击“" + c.cfg.Label + "”")
	}
	if subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(f.State)) != 1 {
		return auth.ExternalIdentity{}, "", errFlow("登录请求与本浏览器发起的不一致，请重新点击“" + c.cfg.Label + "”")
	}
	code := q.Get("code")
	if code == "" {
		return auth.ExternalIdentity{}, "", errFlow("统一身份认证平台未返回授权码，请重试")
	}
	p, err := c.discover(ctx)
	if err != nil {
		return auth.ExternalIdentity{}, "", err
	}
	hctx := c.ctx(ctx)
	tok, err := c.oauth(p).Exchange(hctx, code, oauth2.VerifierOption(f.Verifier))
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) { // the provider answered: the code is bad, used or expired
			return auth.ExternalIdentity{}, "", errFlow("统一身份认证的授权已失效，请重新登录").Wrap(err)
		}
		return auth.ExternalIdentity{}, "", errUnreachable(err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return auth.ExternalIdentity{}, "", errFlow("统一身份认证平台未返回身份令牌（ID Token），请联系平台管理员")
	}
	idt, err := p.Verifier(&oidc.Config{ClientID: c.cfg.ClientID}).Verify(hctx, raw)
	if err != nil {
		return auth.ExternalIdentity{}, "", errBadToken(err)
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(f.Nonce)) != 1 {
		return auth.ExternalIdentity{}, "", errBadToken(errors.New("nonce mismatch"))
	}
	if idt.AccessTokenHash != "" {
		if err := idt.VerifyAccessToken(tok.AccessToken); err != nil {
			return auth.ExternalIdentity{}, "", errBadToken(err)
		}
	}
	claims := map[string]any{}
	if err := idt.Claims(&claims); err != nil {
		return auth.ExternalIdentity{}, "", err
	}
	// Several audiences: the token must have been issued to us (OpenID
	// Connect Core 3.1.3.7, which go-oidc leaves to the caller).
	if len(idt.Audience) > 1 {
		if azp, _ := claims["azp"].(string); azp != c.cfg.ClientID {
			return auth.ExternalIdentity{}, "", errBadToken(errors.New("azp is not this client"))
		}
	}
	if (str(claims, "name") == "" || str(claims, c.cfg.USCCClaim) == "") && p.UserInfoEndpoint() != "" && tok.AccessToken != "" {
		ui, err := p.UserInfo(hctx, oauth2.StaticTokenSource(tok))
		if err != nil {
			return auth.ExternalIdentity{}, "", errUnreachable(err)
		}
		if ui.Subject != idt.Subject { // OpenID Connect Core 5.3.2: else the answer is not about this person
			return auth.ExternalIdentity{}, "", errFlow("统一身份认证平台返回的用户信息与身份令牌不一致，请联系平台管理员")
		}
		more := map[string]any{}
		if err := ui.Claims(&more); err == nil {
			for k, v := range more {
				if _, have := claims[k]; !have {
					claims[k] = v
				}
			}
		}
	}
	x := auth.ExternalIdentity{
		Issuer:   idt.Issuer,
		Subject:  idt.Subject,
		Name:     displayName(claims),
		Username: str(claims, "preferred_username"),
		USCC:     registry.NormalizeUSCC(str(claims, c.cfg.USCCClaim)),
	}
	if verified, ok := claims["email_verified"].(bool); !ok || verified {
		x.Email = str(claims, "email")
	}
	return x, f.Next, nil
}

// pending is a verified identity waiting for the person's confirmation.
type pending struct {
	Identity auth.ExternalIdentity `json:"i"`
	Next     string                `json:"x,omitempty"`
}

// Hold keeps a verified identity that has no account yet until the person
// confirms what to do with it (at most 15 minutes).
func (c *Client) Hold(w http.ResponseWriter, x auth.ExternalIdentity, next string) error {
	return c.setCookie(w, pendingCookie, pending{Identity: x, Next: next}, pendingTTL)
}

// Held returns the identity Hold kept, if it is still there.
func (c *Client) Held(r *http.Request) (auth.ExternalIdentity, string, bool) {
	var p pending
	if !c.readCookie(r, pendingCookie, &p) || p.Identity.Issuer != c.cfg.Issuer {
		return auth.ExternalIdentity{}, "", false
	}
	return p.Identity, p.Next, true
}

// Release forgets the held identity (after the confirmation, or a cancel).
func (c *Client) Release(w http.ResponseWriter) { c.clearCookie(w, pendingCookie) }

// sealed is the plaintext of a cookie: its value and expiry.
type sealed struct {
	Exp  int64           `json:"e"`
	Data json.RawMessage `json:"d"`
}

func (c *Client) setCookie(w http.ResponseWriter, name string, v any, ttl time.Duration) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	plain, err := json.Marshal(sealed{Exp: time.Now().Add(ttl).Unix(), Data: data})
	if err != nil {
		return err
	}
	nonce := make([]byte, c.seal.NonceSize())
	_, _ = rand.Read(nonce)
	// The cookie's name is the additional data: a value of one cookie is
	// no good as the other.
	box := c.seal.Seal(nonce, nonce, plain, []byte(name))
	http.SetCookie(w, &http.Cookie{Name: name, Value: base64.RawURLEncoding.EncodeToString(box), Path: CookiePath,
		MaxAge: int(ttl.Seconds()), HttpOnly: true, Secure: c.cfg.SecureCookies, SameSite: http.SameSiteLaxMode})
	return nil
}

func (c *Client) readCookie(r *http.Request, name string, v any) bool {
	ck, err := r.Cookie(name)
	if err != nil {
		return false
	}
	box, err := base64.RawURLEncoding.DecodeString(ck.Value)
	n := c.seal.NonceSize()
	if err != nil || len(box) < n {
		return false
	}
	plain, err := c.seal.Open(nil, box[:n], box[n:], []byte(name))
	if err != nil {
		return false
	}
	var s sealed
	if json.Unmarshal(plain, &s) != nil || time.Now().Unix() > s.Exp {
		return false
	}
	return json.Unmarshal(s.Data, v) == nil
}

func (c *Client) clearCookie(w http.ResponseWriter, name string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: CookiePath, MaxAge: -1, HttpOnly: true,
		Secure: c.cfg.SecureCookies, SameSite: http.SameSiteLaxMode})
}

func random(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func str(claims map[string]any, name string) string {
	s, _ := claims[name].(string)
	return strings.TrimSpace(s)
}

// displayName is the person's name: "name", else family and given name
// in Chinese order, else the preferred username.
func displayName(claims map[string]any) string {
	if n := str(claims, "name"); n != "" {
		return clip(n, 50)
	}
	if n := str(claims, "family_name") + str(claims, "given_name"); n != "" {
		return clip(n, 50)
	}
	return clip(str(claims, "preferred_username"), 50)
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}
