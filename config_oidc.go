package main

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/agencyhall/agencyhall/oidclogin"
)

// Defaults of the 统一身份认证 flags.
const (
	oidcDefaultUSCCClaim = oidclogin.DefaultUSCCClaim
	oidcDefaultName      = oidclogin.DefaultLabel
	oidcDefaultScopes    = "openid profile email"
)

// oidcCallbackPath is where the identity platform sends the browser back;
// register <--base-url>/login/oidc/callback there.
const oidcCallbackPath = oidclogin.CookiePath + "/callback"

// oidcClient builds the 统一身份认证 relying party of the --oidc-* flags;
// nil when no issuer is configured (password login only). It makes no
// request: the provider's discovery document is fetched on first use.
func (c *config) oidcClient() (*oidclogin.Client, error) {
	issuer := strings.TrimSpace(c.OIDCIssuer)
	if issuer == "" {
		return nil, nil
	}
	if strings.TrimSpace(c.OIDCClientID) == "" {
		return nil, errors.New("配置 --oidc-issuer 时必须提供 --oidc-client-id")
	}
	base := strings.TrimRight(strings.TrimSpace(c.BaseURL), "/")
	if u, err := url.Parse(base); base == "" || err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, errors.New("配置 --oidc-issuer 时必须提供 --base-url（如 https://zjcs.example.gov.cn）：统一身份认证平台登录后回到 <base-url>" + oidcCallbackPath)
	}
	cl, err := oidclogin.New(oidclogin.Config{
		Issuer:        issuer,
		ClientID:      strings.TrimSpace(c.OIDCClientID),
		ClientSecret:  c.OIDCClientSecret,
		RedirectURL:   base + oidcCallbackPath,
		Scopes:        strings.Fields(c.OIDCScopes),
		USCCClaim:     strings.TrimSpace(c.OIDCUSCCClaim),
		Label:         strings.TrimSpace(c.OIDCName),
		SecureCookies: c.SecureCookies,
	})
	if err != nil {
		return nil, fmt.Errorf("--oidc-issuer: %w", err)
	}
	return cl, nil
}
