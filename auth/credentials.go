package auth

import (
	"context"
	"strings"

	"github.com/agencyhall/agencyhall/apperr"
)

// Credentials of other systems. A webhook subscriber (another government
// system) reads its own delivery log and asks for replays without any
// user account: it holds an access token limited to its subscription. Such
// a token is kept exactly like a personal API token — only its SHA-256 is
// stored, in the same collection — but its holder is not a user
// ("webhook:WH0001": login names never contain a colon) and its prefix
// differs, so it can never log in or act as a user: TokenPrincipal refuses
// it, and only routes declared for that credential accept it.

// CredentialPrefix starts every access token of another system, so it is
// told from a personal API token (APITokenPrefix) at a glance, in logs and
// by secret scanners.
const CredentialPrefix = "ahw_"

// RoleSubscriber is the role a webhook subscriber acts in when it calls
// the routes declared for its credential. It is not a login role (not in
// Roles): no user has it.
const RoleSubscriber Role = "subscriber"

// ViaCredential is Principal.Via for a request made with another system's
// credential.
const ViaCredential = "credential"

func validHolder(holder string) bool {
	return strings.Contains(holder, ":") && len(holder) <= 100
}

// IssueCredential makes a new access token for a holder that is not a user
// and revokes the holder's earlier tokens (a rotation). The token is
// returned once; only its hash is stored.
func (s *Service) IssueCredential(ctx context.Context, holder, name string) (string, error) {
	if !validHolder(holder) {
		return "", apperr.Invalid().Field("holder", "凭据持有方无效")
	}
	old, err := s.store.ListTokens(ctx, holder)
	if err != nil {
		return "", err
	}
	secret := CredentialPrefix + randomToken(30)
	t := APIToken{ID: hashToken(secret), UserID: holder, Name: name, Prefix: secret[:len(CredentialPrefix)+6], CreatedAt: s.now().UTC()}
	if err := s.store.CreateToken(ctx, t); err != nil {
		return "", err
	}
	// The new token exists before the old ones go: a failure here leaves
	// the holder with a working token, and issuing again cleans up.
	for _, o := range old {
		if err := s.store.DeleteToken(ctx, o.ID); err != nil && !apperr.Is(err, apperr.KindNotFound) {
			return "", err
		}
	}
	return secret, nil
}

// CredentialHolder resolves another system's access token to its holder.
// An unknown, revoked or personal token is Unauthorized.
func (s *Service) CredentialHolder(ctx context.Context, token string) (string, error) {
	if !strings.HasPrefix(token, CredentialPrefix) || len(token) > 200 {
		return "", apperr.Unauthorized("访问令牌无效")
	}
	t, err := s.store.GetToken(ctx, hashToken(token))
	if err != nil {
		if apperr.Is(err, apperr.KindNotFound) {
			return "", apperr.Unauthorized("访问令牌无效或已更换")
		}
		return "", err
	}
	if !validHolder(t.UserID) { // a personal token whose secret was given this prefix by hand
		return "", apperr.Unauthorized("访问令牌无效")
	}
	return t.UserID, nil
}

// CredentialIssued reports whether a holder has a token (what the admins'
// page shows; the token itself is never shown again).
func (s *Service) CredentialIssued(ctx context.Context, holder string) (APIToken, bool, error) {
	if !validHolder(holder) {
		return APIToken{}, false, nil
	}
	list, err := s.store.ListTokens(ctx, holder)
	if err != nil || len(list) == 0 {
		return APIToken{}, false, err
	}
	return list[0], true, nil // newest first
}

// RevokeCredentials deletes every token of a holder (its subscription was
// deleted).
func (s *Service) RevokeCredentials(ctx context.Context, holder string) error {
	if !validHolder(holder) {
		return nil
	}
	list, err := s.store.ListTokens(ctx, holder)
	if err != nil {
		return err
	}
	for _, t := range list {
		if err := s.store.DeleteToken(ctx, t.ID); err != nil && !apperr.Is(err, apperr.KindNotFound) {
			return err
		}
	}
	return nil
}
