package auth_test

import (
	"strings"
	"testing"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/auth"
)

// TestCredentialsOfOtherSystems: a subscriber's access token is stored by
// its hash like an API token, resolves to its holder, is replaced by the
// next one issued, never passes for a user's token, and is gone once
// revoked.
func TestCredentialsOfOtherSystems(t *testing.T) {
	f := newFixture(t)
	const holder = "webhook:WH0001"
	first, err := f.svc.IssueCredential(f.ctx, holder, "Webhook 订阅 WH0001 的访问令牌")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(first, auth.CredentialPrefix) || len(first) < 40 {
		t.Fatalf("token %q", first)
	}
	stored, err := f.store.Auth().GetToken(f.ctx, sha256Hex(first))
	if err != nil || stored.UserID != holder || stored.Prefix != first[:len(auth.CredentialPrefix)+6] {
		t.Fatalf("stored %+v, %v", stored, err)
	}
	if _, err := f.store.Auth().GetToken(f.ctx, first); !apperr.Is(err, apperr.KindNotFound) {
		t.Fatalf("found under the token itself: %v", err)
	}
	if got, err := f.svc.CredentialHolder(f.ctx, first); err != nil || got != holder {
		t.Fatalf("holder %q, %v", got, err)
	}
	if _, err := f.svc.TokenPrincipal(f.ctx, first); !apperr.Is(err, apperr.KindUnauthorized) {
		t.Fatalf("accepted as a user's API token: %v", err)
	}

	second, err := f.svc.IssueCredential(f.ctx, holder, "Webhook 订阅 WH0001 的访问令牌")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		token string
		ok    bool
	}{
		{"the rotated token", second, true},
		{"the token it replaced", first, false},
		{"no prefix", strings.TrimPrefix(second, auth.CredentialPrefix), false},
		{"a personal token's prefix", auth.APITokenPrefix + strings.TrimPrefix(second, auth.CredentialPrefix), false},
		{"empty", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := f.svc.CredentialHolder(f.ctx, tc.token)
			if tc.ok != (err == nil) || tc.ok && got != holder {
				t.Fatalf("holder %q, %v", got, err)
			}
			if !tc.ok && !apperr.Is(err, apperr.KindUnauthorized) {
				t.Fatalf("error %v, want Unauthorized", err)
			}
		})
	}
	if tok, ok, err := f.svc.CredentialIssued(f.ctx, holder); err != nil || !ok || !strings.HasPrefix(second, tok.Prefix) {
		t.Fatalf("issued: %+v %v %v", tok, ok, err)
	}

	if _, err := f.svc.IssueCredential(f.ctx, "alice", "x"); err == nil {
		t.Error("a token was issued to a login name")
	}
	if err := f.svc.RevokeCredentials(f.ctx, holder); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.CredentialHolder(f.ctx, second); !apperr.Is(err, apperr.KindUnauthorized) {
		t.Fatalf("revoked token: %v", err)
	}
	if _, ok, _ := f.svc.CredentialIssued(f.ctx, holder); ok {
		t.Error("still issued after revocation")
	}
}
