package auth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/registry"
)

// Login through a unified identity platform (统一身份认证, OpenID Connect).
// The HTTP side — the authorization code flow and the ID token's
// verification — lives in package oidclogin; this file holds the rules
// that decide which account a verified identity may use.
//
// An identity is the provider's issuer and subject, never a name, an
// e-mail address or a credit code: those can change or be shared. The
// credit-code claim (统一社会信用代码) says which organisation the provider
// vouches for, and it is trusted for exactly two things:
//
//   - creating a new organisation with that code (and its first user), on
//     the person's confirmation — no weaker than self-registration, where
//     anyone may type any code;
//   - refusing to link or log in to an account of a different
//     organisation.
//
// It never admits anyone to an organisation that already exists here. An
// organisation's accounts act for it — bids, sealed quotes, contracts —
// and the platform has no in-organisation approval of new members, so
// "the claim matches" would make the provider's weakest enrolment (or a
// misconfigured claim) the gate to every registered organisation. A person
// whose organisation is registered links their identity to an existing
// account of it instead, proving the account with its password (through
// the same throttle as the login form). A migrated agency without
// accounts gets its first one from a regulator, as before.

// ExternalIdentity is a person as an identity provider vouches for them,
// after the ID token has been verified.
type ExternalIdentity struct {
	Issuer   string
	Subject  string
	Name     string // display name, e.g. 王建国
	Email    string
	Username string // the provider's preferred_username: a suggestion for the login name
	USCC     string // the organisation's credit code claim, normalised; empty when none
}

// LinkID is the identifier of the identity's link.
func (x ExternalIdentity) LinkID() string { return IdentityLinkID(x.Issuer, x.Subject) }

// IdentityLinkID is the SHA-256 of issuer and subject: fixed-length and
// unambiguous however long the provider's identifiers are.
func IdentityLinkID(issuer, subject string) string {
	sum := sha256.Sum256([]byte(issuer + "\x00" + subject))
	return hex.EncodeToString(sum[:])
}

// IdentityLink ties an external identity to a user.
type IdentityLink struct {
	ID          string // IdentityLinkID(Issuer, Subject)
	Issuer      string
	Subject     string
	UserID      string
	Name        string // the provider's display name when linked, shown on the account page
	CreatedAt   time.Time
	LastLoginAt time.Time
}

// Errors of the external login.
const codeNotLinked = "identity_not_linked"

// IsNotLinked reports whether err says the identity has no account yet:
// the caller then asks the person how to continue.
func IsNotLinked(err error) bool {
	e, ok := apperr.As(err)
	return ok && e.Code == codeNotLinked
}

func errAlreadyLinked() error {
	return apperr.Conflict("identity_linked", "该统一身份认证账号已关联本平台账号，请重新点击“统一身份认证登录”")
}

func validIdentity(x ExternalIdentity) error {
	if x.Issuer == "" || x.Subject == "" {
		return apperr.InvalidMsg("bad_identity", "统一身份认证未返回有效的用户标识")
	}
	return nil
}

// ExternalLogin opens a session for a linked identity. An identity without
// a link gives an error for which IsNotLinked is true. A disabled account
// cannot log in, and neither can an identity whose credit-code claim now
// names another organisation than the linked account's.
func (s *Service) ExternalLogin(ctx context.Context, x ExternalIdentity) (string, Session, User, error) {
	if err := validIdentity(x); err != nil {
		return "", Session{}, User{}, err
	}
	link, err := s.store.GetIdentityLink(ctx, x.LinkID())
	if apperr.Is(err, apperr.KindNotFound) {
		return "", Session{}, User{}, &apperr.Error{Kind: apperr.KindNotFound, Code: codeNotLinked, Message: "该统一身份认证账号尚未关联本平台账号"}
	} else if err != nil {
		return "", Session{}, User{}, err
	}
	u, err := s.store.GetUser(ctx, link.UserID)
	if apperr.Is(err, apperr.KindNotFound) {
		return "", Session{}, User{}, apperr.Forbidden("关联的账号已不存在，请联系平台管理员")
	} else if err != nil {
		return "", Session{}, User{}, err
	}
	if u.Disabled {
		return "", Session{}, User{}, errDisabled()
	}
	if err := s.checkClaimedOrg(ctx, x, u); err != nil {
		return "", Session{}, User{}, err
	}
	now := s.now().UTC()
	if _, err := s.store.UpdateIdentityLink(ctx, link.ID, func(l *IdentityLink) error { l.LastLoginAt = now; return nil }); err != nil {
		return "", Session{}, User{}, err
	}
	return s.openSession(ctx, u)
}

func errDisabled() error {
	return &apperr.Error{Kind: apperr.KindForbidden, Code: "account_disabled", Message: "账号已停用，不能登录，请联系平台管理员"}
}

// checkClaimedOrg refuses an account of another organisation than the one
// the identity's credit-code claim names.
func (s *Service) checkClaimedOrg(ctx context.Context, x ExternalIdentity, u User) error {
	if x.USCC == "" {
		return nil
	}
	org, err := s.store.GetOrg(ctx, u.OrgID)
	if err != nil && !apperr.Is(err, apperr.KindNotFound) {
		return err
	}
	if org.USCC != x.USCC {
		return &apperr.Error{Kind: apperr.KindForbidden, Code: "org_mismatch",
			Message: "统一身份认证提供的单位（统一社会信用代码 " + x.USCC + "）与该账号所属单位不一致，不能使用该账号"}
	}
	return nil
}

// openSession starts a browser session of u, as a password login does.
func (s *Service) openSession(ctx context.Context, u User) (string, Session, User, error) {
	now := s.now().UTC()
	tok := randomToken(32)
	sess := Session{ID: hashToken(tok), UserID: u.ID, CSRF: randomToken(24), CreatedAt: now, ExpiresAt: now.Add(SessionLifetime)}
	if err := s.store.CreateSession(ctx, sess); err != nil {
		return "", Session{}, User{}, err
	}
	u, err := s.store.UpdateUser(ctx, u.ID, func(x *User) error { x.LastLoginAt = now; return nil })
	if err != nil {
		return "", Session{}, User{}, err
	}
	return tok, sess, u, nil
}

// ExternalOptions is what the confirmation page may offer an identity
// that has no account yet.
type ExternalOptions struct {
	USCC string // the claimed credit code, "" when none
	// USCCProblem explains, in Chinese, why no organisation can be created
	// from the claim (missing or invalid); empty when it can.
	USCCProblem string
	// Registered are the organisations that already have the code (an
	// enterprise may be both an owner and an agency here).
	Registered []Org
	// CreateKinds are the kinds of organisation that may be created with
	// the code: those not registered yet.
	CreateKinds []OrgKind
}

// CanCreate reports whether a new organisation may be created.
func (o ExternalOptions) CanCreate() bool { return len(o.CreateKinds) > 0 }

// ExternalOptions works out the choices of an unlinked identity. It
// changes nothing.
func (s *Service) ExternalOptions(ctx context.Context, x ExternalIdentity) (ExternalOptions, error) {
	if err := validIdentity(x); err != nil {
		return ExternalOptions{}, err
	}
	o := ExternalOptions{USCC: x.USCC}
	switch {
	case x.USCC == "":
		o.USCCProblem = "统一身份认证未提供单位的统一社会信用代码，因此不能在此新建单位"
		return o, nil
	case registry.ValidateUSCC(x.USCC) != "":
		o.USCCProblem = "统一身份认证提供的统一社会信用代码 " + x.USCC + " 无效（" + registry.ValidateUSCC(x.USCC) + "），因此不能在此新建单位"
		return o, nil
	}
	for _, kind := range []OrgKind{OrgOwner, OrgAgency} {
		org, err := s.store.GetOrg(ctx, OrgID(kind, x.USCC))
		switch {
		case err == nil:
			o.Registered = append(o.Registered, org)
		case apperr.Is(err, apperr.KindNotFound):
			o.CreateKinds = append(o.CreateKinds, kind)
		default:
			return ExternalOptions{}, err
		}
	}
	return o, nil
}

// LinkExternal links an unlinked identity to an existing account once the
// account's password is proved — through Login, so the attempt counts
// towards the account's and the address's lock like any other — and opens
// a session. When the identity carries a credit code, the account must
// belong to the organisation of that code.
func (s *Service) LinkExternal(ctx context.Context, x ExternalIdentity, login, password, ip string) (string, Session, User, error) {
	if err := validIdentity(x); err != nil {
		return "", Session{}, User{}, err
	}
	if _, err := s.store.GetIdentityLink(ctx, x.LinkID()); err == nil {
		return "", Session{}, User{}, errAlreadyLinked()
	} else if !apperr.Is(err, apperr.KindNotFound) {
		return "", Session{}, User{}, err
	}
	tok, sess, u, err := s.Login(ctx, login, password, ip)
	if err != nil {
		return "", Session{}, User{}, err
	}
	undo := func(err error) (string, Session, User, error) {
		_ = s.store.DeleteSession(context.WithoutCancel(ctx), sess.ID)
		return "", Session{}, User{}, err
	}
	if err := s.checkClaimedOrg(ctx, x, u); err != nil {
		return undo(err)
	}
	now := s.now().UTC()
	link := IdentityLink{ID: x.LinkID(), Issuer: x.Issuer, Subject: x.Subject, UserID: u.ID, Name: clip(x.Name, 50),
		CreatedAt: now, LastLoginAt: now}
	if err := s.store.CreateIdentityLink(ctx, link); err != nil {
		if apperr.Is(err, apperr.KindConflict) {
			return undo(errAlreadyLinked())
		}
		return undo(err)
	}
	return tok, sess, u, nil
}

// ExternalRegisterInput is what the person confirms or fills in to create
// a new organisation with the identity's credit code. There is no
// password: the account logs in through the identity platform.
type ExternalRegisterInput struct {
	Kind    OrgKind
	OrgName string
	Region  string
	Contact string
	Phone   string
	Email   string
	Login   string
	Name    string
}

// RegisterExternal creates an organisation with the identity's credit code
// (never a typed one), its first user and the identity's link, and opens
// a session. The organisation must not be registered yet with that kind.
func (s *Service) RegisterExternal(ctx context.Context, x ExternalIdentity, in ExternalRegisterInput) (string, Session, User, Org, error) {
	fail := func(err error) (string, Session, User, Org, error) { return "", Session{}, User{}, Org{}, err }
	if err := validIdentity(x); err != nil {
		return fail(err)
	}
	if x.USCC == "" {
		return fail(apperr.InvalidMsg("no_uscc", "统一身份认证未提供单位的统一社会信用代码，不能新建单位"))
	}
	if msg := registry.ValidateUSCC(x.USCC); msg != "" {
		return fail(apperr.InvalidMsg("bad_uscc", "统一身份认证提供的统一社会信用代码无效："+msg))
	}
	in.Login = NormalizeLogin(in.Login)
	in.OrgName, in.Region, in.Contact, in.Phone, in.Email, in.Name = strings.TrimSpace(in.OrgName), strings.TrimSpace(in.Region),
		strings.TrimSpace(in.Contact), strings.TrimSpace(in.Phone), strings.TrimSpace(in.Email), strings.TrimSpace(in.Name)
	v := apperr.Invalid()
	if in.Kind != OrgOwner && in.Kind != OrgAgency {
		v.Field("kind", "请选择单位类型：项目业主或中介机构")
	}
	if in.OrgName == "" {
		v.Field("org_name", "请填写单位名称")
	} else if utf8.RuneCountInString(in.OrgName) > 100 {
		v.Field("org_name", "单位名称不能超过 100 个字")
	}
	if msg := registry.ValidateRegion(in.Region); msg != "" {
		v.Field("region", msg)
	}
	if utf8.RuneCountInString(in.Contact) > 50 {
		v.Field("contact", "联系人不能超过 50 个字")
	}
	if len(in.Phone) > 30 {
		v.Field("phone", "联系电话过长")
	}
	if !loginNameRe.MatchString(in.Login) {
		v.Field("login", "登录名为 3–32 位小写字母、数字、点、下划线或连字符，以字母或数字开头")
	}
	if in.Name == "" {
		v.Field("name", "请填写姓名")
	} else if utf8.RuneCountInString(in.Name) > 50 {
		v.Field("name", "姓名不能超过 50 个字")
	}
	if in.Email != "" {
		if _, err := mail.ParseAddress(in.Email); err != nil || len(in.Email) > 200 {
			v.Field("email", "电子邮箱格式不正确")
		}
	}
	if err := v.OrNil(); err != nil {
		return fail(err)
	}
	if _, err := s.store.GetIdentityLink(ctx, x.LinkID()); err == nil {
		return fail(errAlreadyLinked())
	} else if !apperr.Is(err, apperr.KindNotFound) {
		return fail(err)
	}
	if _, err := s.store.GetUser(ctx, in.Login); err == nil {
		return fail(apperr.Invalid().Field("login", "该登录名已被使用，请换一个"))
	} else if !apperr.Is(err, apperr.KindNotFound) {
		return fail(err)
	}
	now := s.now().UTC()
	// No transactions: the link goes first, so a second confirmation of
	// the same identity (another tab, a double click) stops here, and
	// each later failure undoes what came before it.
	link := IdentityLink{ID: x.LinkID(), Issuer: x.Issuer, Subject: x.Subject, UserID: in.Login, Name: clip(x.Name, 50),
		CreatedAt: now, LastLoginAt: now}
	if err := s.store.CreateIdentityLink(ctx, link); err != nil {
		if apperr.Is(err, apperr.KindConflict) {
			return fail(errAlreadyLinked())
		}
		return fail(err)
	}
	bg := context.WithoutCancel(ctx)
	org := Org{ID: OrgID(in.Kind, x.USCC), Kind: in.Kind, Name: in.OrgName, USCC: x.USCC, Region: in.Region,
		Contact: in.Contact, Phone: in.Phone, Email: in.Email, CreatedAt: now}
	if err := s.store.CreateOrg(ctx, org); err != nil {
		_ = s.store.DeleteIdentityLink(bg, link.ID)
		if apperr.Is(err, apperr.KindConflict) {
			msg := "该统一社会信用代码的" + in.Kind.Label() + "已在本平台注册，请选择“关联已有账号”，用本单位已有账号的密码完成关联"
			if has, herr := s.orgHasUsers(ctx, org.ID); herr == nil && !has {
				msg = migratedOrgMessage
			}
			return fail(apperr.Conflict("org_registered", msg))
		}
		return fail(err)
	}
	u := User{ID: in.Login, OrgID: org.ID, Role: in.Kind.Role(), Name: in.Name, Email: in.Email, Phone: in.Phone, CreatedAt: now}
	if err := s.store.CreateUser(ctx, u); err != nil {
		_ = s.store.DeleteOrg(bg, org.ID)
		_ = s.store.DeleteIdentityLink(bg, link.ID)
		if apperr.Is(err, apperr.KindConflict) {
			return fail(apperr.Invalid().Field("login", "该登录名已被使用，请换一个"))
		}
		return fail(err)
	}
	tok, sess, u, err := s.openSession(ctx, u)
	if err != nil {
		return fail(err)
	}
	return tok, sess, u, org, nil
}

// SuggestLogin proposes a free login name for an identity: the provider's
// preferred username when it is a valid one, else nothing.
func (s *Service) SuggestLogin(ctx context.Context, x ExternalIdentity) string {
	l := NormalizeLogin(x.Username)
	if i := strings.IndexByte(l, '@'); i > 0 {
		l = l[:i]
	}
	if !loginNameRe.MatchString(l) {
		return ""
	}
	if _, err := s.store.GetUser(ctx, l); !apperr.Is(err, apperr.KindNotFound) {
		return ""
	}
	return l
}

// IdentityLinks lists the caller's linked identities.
func (s *Service) IdentityLinks(ctx context.Context, p Principal) ([]IdentityLink, error) {
	if p.Anonymous() {
		return nil, apperr.Unauthorized("")
	}
	return s.store.ListIdentityLinks(ctx, p.UserID)
}

// UnlinkIdentity removes one of the caller's own links. An account
// without a password keeps its last link: it could not log in otherwise.
func (s *Service) UnlinkIdentity(ctx context.Context, p Principal, linkID string) (IdentityLink, error) {
	link, err := s.store.GetIdentityLink(ctx, linkID)
	if err != nil || link.UserID != p.UserID || p.Anonymous() {
		if err == nil || apperr.Is(err, apperr.KindNotFound) {
			return IdentityLink{}, apperr.NotFound("关联的统一身份认证账号")
		}
		return IdentityLink{}, err
	}
	u, err := s.store.GetUser(ctx, p.UserID)
	if err != nil {
		return IdentityLink{}, err
	}
	if u.PasswordHash == "" {
		links, err := s.store.ListIdentityLinks(ctx, p.UserID)
		if err != nil {
			return IdentityLink{}, err
		}
		if len(links) <= 1 {
			return IdentityLink{}, apperr.InvalidMsg("last_link", "该账号没有设置密码，解除后将无法登录；请保留此关联")
		}
	}
	return link, s.store.DeleteIdentityLink(ctx, linkID)
}

// clip shortens s to at most n characters.
func clip(s string, n int) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}
