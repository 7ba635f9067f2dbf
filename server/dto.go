package server

import (
	"time"

	"github.com/agencyhall/agencyhall/audit"
	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/registry"
)

// Response bodies. Domain types carry no JSON tags; they are converted here,
// at the boundary. Times are RFC 3339 in UTC; optional times are omitted
// when unset.

// listPage is the body of every list endpoint.
type listPage[T any] struct {
	Items    []T `json:"items"`
	Total    int `json:"total"`
	Page     int `json:"page"`
	PageSize int `json:"page_size"`
}

func newPage[T, D any](items []T, total int, p Paging, conv func(T) D) listPage[D] {
	out := listPage[D]{Items: make([]D, 0, len(items)), Total: total, Page: p.Page, PageSize: p.PageSize}
	for _, it := range items {
		out.Items = append(out.Items, conv(it))
	}
	return out
}

// pageSlice pages a list held in memory.
func pageSlice[T, D any](all []T, p Paging, conv func(T) D) listPage[D] {
	from := min((p.Page-1)*p.PageSize, len(all))
	to := min(from+p.PageSize, len(all))
	return newPage(all[from:to], len(all), p, conv)
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

type userDTO struct {
	Login       string     `json:"login"`
	Name        string     `json:"name"`
	Role        string     `json:"role"`
	RoleLabel   string     `json:"role_label"`
	OrgID       string     `json:"org_id"`
	Email       string     `json:"email,omitempty"`
	Phone       string     `json:"phone,omitempty"`
	Disabled    bool       `json:"disabled"`
	CreatedAt   time.Time  `json:"created_at"`
	LastLoginAt *time.Time `json:"last_login_at,omitempty"`
}

func toUser(u auth.User) userDTO {
	return userDTO{Login: u.ID, Name: u.Name, Role: string(u.Role), RoleLabel: u.Role.Label(), OrgID: u.OrgID,
		Email: u.Email, Phone: u.Phone, Disabled: u.Disabled, CreatedAt: u.CreatedAt.UTC(), LastLoginAt: optTime(u.LastLoginAt)}
}

type orgDTO struct {
	ID         string    `json:"id"`
	Kind       string    `json:"kind"`
	KindLabel  string    `json:"kind_label"`
	Name       string    `json:"name"`
	USCC       string    `json:"uscc,omitempty"`
	Region     string    `json:"region,omitempty"`
	Department string    `json:"department,omitempty"`
	Contact    string    `json:"contact,omitempty"`
	Phone      string    `json:"phone,omitempty"`
	Email      string    `json:"email,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
}

func toOrg(o auth.Org) orgDTO {
	return orgDTO{ID: o.ID, Kind: string(o.Kind), KindLabel: o.Kind.Label(), Name: o.Name, USCC: o.USCC, Region: o.Region,
		Department: o.Department, Contact: o.Contact, Phone: o.Phone, Email: o.Email, CreatedAt: o.CreatedAt.UTC()}
}

// accountResponse is a user with the organisation it belongs to.
type accountResponse struct {
	User userDTO `json:"user"`
	Org  orgDTO  `json:"org"`
}

type tokenDTO struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
}

func toToken(t auth.APIToken) tokenDTO {
	return tokenDTO{ID: t.ID, Name: t.Name, Prefix: t.Prefix, CreatedAt: t.CreatedAt.UTC(), LastUsedAt: optTime(t.LastUsedAt)}
}

type auditDTO struct {
	Seq         int64     `json:"seq"`
	Time        time.Time `json:"time"`
	ActorID     string    `json:"actor_id"`
	ActorRole   string    `json:"actor_role"`
	OrgID       string    `json:"org_id"`
	Action      string    `json:"action"`
	ActionLabel string    `json:"action_label"`
	Target      string    `json:"target"`
	RequestID   string    `json:"request_id"`
	IP          string    `json:"ip"`
	Summary     string    `json:"summary"`
	PrevHash    string    `json:"prev_hash"`
	Hash        string    `json:"hash"`
}

func toAudit(r audit.Record) auditDTO {
	return auditDTO{Seq: r.Seq, Time: r.Time.UTC(), ActorID: r.ActorID, ActorRole: r.ActorRole, OrgID: r.OrgID,
		Action: r.Action, ActionLabel: audit.ActionLabel(r.Action), Target: r.Target, RequestID: r.RequestID, IP: r.IP,
		Summary: r.Summary, PrevHash: r.PrevHash, Hash: r.Hash}
}

type serviceItemDTO struct {
	Code           string    `json:"code"`
	Name           string    `json:"name"`
	Category       string    `json:"category"`
	Stage          string    `json:"stage"`
	ApprovalMatter string    `json:"approval_matter"`
	Department     string    `json:"department"`
	LegalBasis     string    `json:"legal_basis"`
	Qualifications []string  `json:"qualifications"`
	QualMode       string    `json:"qual_mode"`
	FeeBasis       string    `json:"fee_basis"`
	TimeLimitDays  int       `json:"time_limit_days"`
	Enabled        bool      `json:"enabled"`
	Source         string    `json:"source,omitempty"`
	UpdatedAt      time.Time `json:"updated_at"`
}

func toServiceItem(it registry.ServiceItem) serviceItemDTO {
	q := it.Qualifications
	if q == nil {
		q = []string{}
	}
	return serviceItemDTO{Code: it.Code, Name: it.Name, Category: it.Category, Stage: string(it.Stage),
		ApprovalMatter: it.ApprovalMatter, Department: it.Department, LegalBasis: it.LegalBasis, Qualifications: q,
		QualMode: string(it.QualMode), FeeBasis: string(it.FeeBasis), TimeLimitDays: it.TimeLimitDays, Enabled: it.Enabled,
		Source: it.Source, UpdatedAt: it.UpdatedAt.UTC()}
}
