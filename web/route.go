// Package web is the HTTP plumbing shared by the JSON API (server) and the
// pages (admin-ui): route declarations with their access rules, sessions and
// API tokens, CSRF, security headers, request IDs, metrics, the audit trail
// of state changes, and the one mapping from error kinds to status codes.
package web

import (
	"slices"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/auth"
)

// Access says who may call a route. Every route declares one; there is no
// default, so a forgotten declaration cannot open a route by accident.
type Access struct {
	public bool
	roles  []auth.Role // empty with public false: any logged-in user
	cred   *Credential // another system's bearer credential, checked per request
}

// Credential is a bearer token that belongs to another system, not to a
// user: a webhook subscriber's access token, limited to its subscription.
// A route declared with it admits no session and no personal API token;
// the authentication layer hands the token to Check, which resolves it
// against the request (whose path names what the token is limited to).
type Credential struct {
	// Role is what the principal acts as, and what the reviewed access
	// table shows for the route (not a login role).
	Role auth.Role
	// Label names the holder in Chinese, for the API document.
	Label string
	// Check resolves the token for this request. It returns the principal
	// that acts (ActorID in the audit trail) and, for a token of another
	// object, that principal together with the refusal, so the attempt is
	// recorded; an unknown token is Unauthorized with no principal.
	Check func(c *gin.Context, token string) (auth.Principal, error)
}

// Bearer routes are called by another system with its own credential.
func Bearer(cred *Credential) Access { return Access{cred: cred} }

// Credential is the route's credential, nil for user routes.
func (a Access) Credential() *Credential { return a.cred }

// Public routes are open to anonymous visitors.
func Public() Access { return Access{public: true} }

// LoggedIn routes need any logged-in user.
func LoggedIn() Access { return Access{} }

// Roles restricts a route to users with one of the roles.
func Roles(r ...auth.Role) Access { return Access{roles: r} }

// IsPublic reports whether anonymous visitors may call the route.
func (a Access) IsPublic() bool { return a.public }

// Allows reports whether a principal may call the route.
func (a Access) Allows(p auth.Principal) bool {
	switch {
	case a.public:
		return true
	case p.Anonymous():
		return false
	case a.cred != nil:
		return p.Via == auth.ViaCredential && p.Role == a.cred.Role
	case p.Via == auth.ViaCredential:
		return false // another system's credential opens only its own routes
	case len(a.roles) == 0:
		return true
	}
	return slices.Contains(a.roles, p.Role)
}

// AllowedRoles lists the roles that may call the route (all for public or
// logged-in routes; the credential's role for another system's routes).
func (a Access) AllowedRoles() []auth.Role {
	if a.cred != nil {
		return []auth.Role{a.cred.Role}
	}
	if len(a.roles) == 0 {
		return auth.Roles
	}
	return a.roles
}

// Describe is the access rule in Chinese, for the API document.
func (a Access) Describe() string {
	switch {
	case a.public:
		return "公开"
	case a.cred != nil:
		return a.cred.Label + "（以其访问令牌 Authorization: Bearer 调用，不接受登录会话和个人 API 令牌）"
	case len(a.roles) == 0:
		return "登录用户"
	}
	s := ""
	for i, r := range a.roles {
		if i > 0 {
			s += "、"
		}
		s += r.Label()
	}
	return s
}

// Route is one declared endpoint.
type Route struct {
	Method  string
	Path    string
	Access  Access
	Summary string // Chinese summary, shown in the API document and audit log
	Action  string // audit action name for state changes, e.g. "user.register"
	Page    bool   // an HTML page: errors render as pages, not JSON
	Tag     string // group in the API document
	// MaxBody raises the request body limit for this route (uploads) above
	// the application's default. It applies before the CSRF check, which
	// reads form bodies; 0 keeps the default.
	MaxBody int64
	// NoCache keeps a public GET out of the response cache: its answer
	// changes with something other than the data (health checks, the
	// feed's settle horizon) or is a download that sets its own headers.
	NoCache bool
	// In and Out are example values of the JSON request and response bodies;
	// the API document describes their types.
	In, Out any
	Handler gin.HandlerFunc
}

// unsafe reports whether the method changes state.
func unsafe(method string) bool {
	return method != "GET" && method != "HEAD" && method != "OPTIONS"
}
