package main

import (
	"io"
	"strings"
	"testing"
)

// TestOIDCConfig: the 统一身份认证 flags, their environment fallbacks and
// the checks serve makes before it starts.
func TestOIDCConfig(t *testing.T) {
	parse := func(t *testing.T, env map[string]string, args ...string) config {
		t.Helper()
		var cfg config
		fs := newFlagSet("serve", &cfg, func(k string) string { return env[k] }, io.Discard)
		if err := fs.Parse(args); err != nil {
			t.Fatal(err)
		}
		return cfg
	}
	t.Run("off without an issuer", func(t *testing.T) {
		cfg := parse(t, nil, "--oidc-client-id", "x")
		c, err := cfg.oidcClient()
		if c != nil || err != nil || cfg.validate() != nil {
			t.Fatalf("client %v, error %v", c, err)
		}
	})
	t.Run("from the environment", func(t *testing.T) {
		cfg := parse(t, map[string]string{"AGENCYHALL_OIDC_ISSUER": "https://tyrz.example.gov.cn/oidc", "AGENCYHALL_OIDC_CLIENT_ID": "zjcs",
			"AGENCYHALL_OIDC_CLIENT_SECRET": "s3cret", "AGENCYHALL_BASE_URL": "https://zjcs.example.gov.cn/"}, "--oidc-name", "甘肃政务服务网登录")
		if cfg.OIDCUSCCClaim != "uscc" || cfg.OIDCScopes != "openid profile email" || cfg.OIDCClientSecret != "s3cret" {
			t.Fatalf("defaults: %+v", cfg)
		}
		c, err := cfg.oidcClient()
		if err != nil || c == nil || c.Label() != "甘肃政务服务网登录" || c.Issuer() != "https://tyrz.example.gov.cn/oidc" {
			t.Fatalf("client %+v, error %v", c, err)
		}
		if err := cfg.validate(); err != nil {
			t.Fatal(err)
		}
	})
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no client id", []string{"--oidc-issuer", "https://tyrz.example.gov.cn", "--base-url", "https://zjcs.example.gov.cn"}, "--oidc-client-id"},
		{"no base URL", []string{"--oidc-issuer", "https://tyrz.example.gov.cn", "--oidc-client-id", "zjcs"}, "--base-url"},
		{"a relative base URL", []string{"--oidc-issuer", "https://tyrz.example.gov.cn", "--oidc-client-id", "zjcs", "--base-url", "zjcs.example.gov.cn"}, "--base-url"},
		{"an issuer that is no URL", []string{"--oidc-issuer", "tyrz.example.gov.cn", "--oidc-client-id", "zjcs", "--base-url", "https://zjcs.example.gov.cn"}, "--oidc-issuer"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := parse(t, nil, tc.args...)
			if err := cfg.validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("validate: %v, want a message about %s", err, tc.want)
			}
		})
	}
}
