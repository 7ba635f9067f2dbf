// Package auth holds organisations, user accounts, roles, sessions and API
// tokens, and the rules for logging in: password hashing, throttling and
// account locking.
package auth

import "time"

// Role is what a user may do; anonymous visitors have no role.
type Role string

const (
	RoleOwner     Role = "owner"     // 项目业主
	RoleAgency    Role = "agency"    // 中介机构
	RoleRegulator Role = "regulator" // 监管部门
	RoleAdmin     Role = "admin"     // 平台管理员
)

// Roles lists every role, for tests and forms.
var Roles = []Role{RoleOwner, RoleAgency, RoleRegulator, RoleAdmin}

// Label is the Chinese name of the role.
func (r Role) Label() string {
	switch r {
	case RoleOwner:
		return "项目业主"
	case RoleAgency:
		return "中介机构"
	case RoleRegulator:
		return "监管部门"
	case RoleAdmin:
		return "平台管理员"
	case RoleSubscriber:
		return "Webhook 订阅方"
	}
	return "公众"
}

// OrgKind is the kind of organisation a user belongs to.
type OrgKind string

const (
	OrgOwner     OrgKind = "owner"
	OrgAgency    OrgKind = "agency"
	OrgRegulator OrgKind = "regulator"
	OrgPlatform  OrgKind = "platform"
)

// RoleOf is the role every user of an organisation kind has.
func (k OrgKind) Role() Role {
	switch k {
	case OrgOwner:
		return RoleOwner
	case OrgAgency:
		return RoleAgency
	case OrgRegulator:
		return RoleRegulator
	}
	return RoleAdmin
}

// Label is the Chinese name of the organisation kind.
func (k OrgKind) Label() string {
	switch k {
	case OrgOwner:
		return "项目业主"
	case OrgAgency:
		return "中介机构"
	case OrgRegulator:
		return "监管部门"
	}
	return "平台运营方"
}

// Org is an organisation: an owner, an agency, a regulator department or
// the platform operator itself.
type Org struct {
	ID         string
	Kind       OrgKind
	Name       string
	USCC       string // 统一社会信用代码; empty for the platform
	Region     string // 6-digit administrative division code
	Department string // for regulators: the competent department it stands for
	Contact    string
	Phone      string
	Email      string
	CreatedAt  time.Time
	// Registrant is the login a self-registration is creating as the
	// organisation's first account. Organisations and users are two
	// documents without a transaction between them: if registration stops
	// after the first, the same registrant's retry finishes it.
	Registrant string
}

// OrgID is the identifier of an owner or agency organisation: one per USCC
// and kind, so the same company cannot register twice.
func OrgID(kind OrgKind, uscc string) string { return string(kind) + ":" + uscc }

// User is a login account. ID is the login name, lower-case.
type User struct {
	ID           string
	OrgID        string
	Role         Role
	Name         string // display name
	Email        string
	Phone        string
	PasswordHash string
	Disabled     bool
	CreatedAt    time.Time
	LastLoginAt  time.Time
}

// Principal is who is acting in a request.
type Principal struct {
	UserID  string
	Name    string
	Role    Role
	OrgID   string
	OrgName string
	Region  string
	Via     string // "session" or "token"
}

// Anonymous reports whether nobody is logged in.
func (p Principal) Anonymous() bool { return p.UserID == "" }

// Session is a browser login. ID is the SHA-256 of the cookie value, so a
// leaked database does not leak usable sessions.
type Session struct {
	ID        string
	UserID    string
	CSRF      string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// APIToken is a personal token for machine clients. ID is the SHA-256 of
// the token; the token itself is shown once at creation.
type APIToken struct {
	ID         string
	UserID     string
	Name       string
	Prefix     string // the first characters, so a user can tell tokens apart
	CreatedAt  time.Time
	LastUsedAt time.Time
}

// Throttle counts failed logins of one account name (existing or not).
type Throttle struct {
	Key         string
	Failures    []time.Time
	LockedUntil time.Time
}

// Page is one page of a list with the total count.
type Page[T any] struct {
	Items    []T
	Total    int
	Page     int
	PageSize int
}

// UserFilter selects users for the admin list.
type UserFilter struct {
	Role     Role
	OrgID    string
	Query    string // part of login name or display name
	Page     int
	PageSize int
}

// OrgFilter selects organisations for the admin list.
type OrgFilter struct {
	Kind     OrgKind
	Query    string
	Page     int
	PageSize int
}
