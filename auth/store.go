package auth

import "context"

// Store is what the auth service needs from storage. Every update goes
// through a function applied by compare-and-swap, so concurrent changes of
// one document never lose each other's writes.
type Store interface {
	CreateOrg(ctx context.Context, o Org) error
	GetOrg(ctx context.Context, id string) (Org, error)
	UpdateOrg(ctx context.Context, id string, fn func(*Org) error) (Org, error)
	DeleteOrg(ctx context.Context, id string) error
	ListOrgs(ctx context.Context, f OrgFilter) (Page[Org], error)
	CountOrgs(ctx context.Context, kind OrgKind) (int, error)

	CreateUser(ctx context.Context, u User) error
	GetUser(ctx context.Context, id string) (User, error)
	UpdateUser(ctx context.Context, id string, fn func(*User) error) (User, error)
	ListUsers(ctx context.Context, f UserFilter) (Page[User], error)
	// AnyUser reports whether at least one user exists (read one, never count:
	// a count is a full scan on the embedded engine).
	AnyUser(ctx context.Context) (bool, error)

	CreateSession(ctx context.Context, s Session) error
	GetSession(ctx context.Context, id string) (Session, error)
	DeleteSession(ctx context.Context, id string) error
	DeleteUserSessions(ctx context.Context, userID string) error

	CreateToken(ctx context.Context, t APIToken) error
	GetToken(ctx context.Context, id string) (APIToken, error)
	ListTokens(ctx context.Context, userID string) ([]APIToken, error)
	DeleteToken(ctx context.Context, id string) error
	TouchToken(ctx context.Context, id string, at func(*APIToken) error) error

	// GetThrottle reads the throttle record of key (empty when there is none).
	GetThrottle(ctx context.Context, key string) (Throttle, error)
	// UpdateThrottle creates the throttle record of key if needed and applies fn.
	UpdateThrottle(ctx context.Context, key string, fn func(*Throttle) error) (Throttle, error)

	// Links of external identities (统一身份认证) to users, by IdentityLink.ID.
	CreateIdentityLink(ctx context.Context, l IdentityLink) error // Conflict when the identity is linked already
	GetIdentityLink(ctx context.Context, id string) (IdentityLink, error)
	UpdateIdentityLink(ctx context.Context, id string, fn func(*IdentityLink) error) (IdentityLink, error)
	DeleteIdentityLink(ctx context.Context, id string) error
	ListIdentityLinks(ctx context.Context, userID string) ([]IdentityLink, error)
}
