package auth

import (
	"context"
	"net/mail"
	"regexp"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/registry"
)

// Login throttling rules.
const (
	MaxFailures     = 5                // failed logins of one account …
	FailureWindow   = 15 * time.Minute // … within this window lock it …
	LockDuration    = 15 * time.Minute // … for this long.
	MaxIPFailures   = 30               // failed logins from one address per window
	SessionLifetime = 12 * time.Hour
)

// Options configures the service.
type Options struct {
	Now        func() time.Time
	BcryptCost int // bcrypt.DefaultCost when zero; tests use bcrypt.MinCost
}

// Service carries out account operations and enforces their rules.
type Service struct {
	store Store
	now   func() time.Time
	cost  int

	ipMu       sync.Mutex
	ipFailures map[string][]time.Time // per-address failed logins, this process only
}

// NewService builds the account service.
func NewService(store Store, opts Options) *Service {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.BcryptCost == 0 {
		opts.BcryptCost = bcrypt.DefaultCost
	}
	return &Service{store: store, now: opts.Now, cost: opts.BcryptCost, ipFailures: map[string][]time.Time{}}
}

var loginNameRe = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{2,31}$`)

// NormalizeLogin lower-cases and trims a login name.
func NormalizeLogin(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// RegisterInput is a self-registration of an owner or agency organisation
// together with its first user.
type RegisterInput struct {
	Kind     OrgKind
	OrgName  string
	USCC     string
	Region   string
	Contact  string
	Phone    string
	Email    string
	Login    string
	Name     string // the user's own name
	Password string
}

func (s *Service) validateAccount(v *apperr.Error, login, name, email, password string) {
	if !loginNameRe.MatchString(login) {
		v.Field("login", "登录名为 3–32 位小写字母、数字、点、下划线或连字符，以字母或数字开头")
	}
	if strings.TrimSpace(name) == "" {
		v.Field("name", "请填写姓名")
	} else if len([]rune(name)) > 50 {
		v.Field("name", "姓名不能超过 50 个字")
	}
	if email != "" {
		if _, err := mail.ParseAddress(email); err != nil || len(email) > 200 {
			v.Field("email", "电子邮箱格式不正确")
		}
	}
	if msg := checkPasswordRules(password); msg != "" {
		v.Field("password", msg)
	}
}

// Register creates an owner or agency organisation and its first user.
func (s *Service) Register(ctx context.Context, in RegisterInput) (User, Org, error) {
	in.Login = NormalizeLogin(in.Login)
	in.USCC = registry.NormalizeUSCC(in.USCC)
	in.OrgName = strings.TrimSpace(in.OrgName)
	in.Region = strings.TrimSpace(in.Region)
	v := apperr.Invalid()
	if in.Kind != OrgOwner && in.Kind != OrgAgency {
		v.Field("kind", "请选择注册类型：项目业主或中介机构")
	}
	if in.OrgName == "" {
		v.Field("org_name", "请填写单位名称")
	} else if len([]rune(in.OrgName)) > 100 {
		v.Field("org_name", "单位名称不能超过 100 个字")
	}
	if msg := registry.ValidateUSCC(in.USCC); msg != "" {
		v.Field("uscc", msg)
	}
	if msg := registry.ValidateRegion(in.Region); msg != "" {
		v.Field("region", msg)
	}
	if len([]rune(in.Contact)) > 50 {
		v.Field("contact", "联系人不能超过 50 个字")
	}
	if len(in.Phone) > 30 {
		v.Field("phone", "联系电话过长")
	}
	s.validateAccount(v, in.Login, in.Name, in.Email, in.Password)
	if err := v.OrNil(); err != nil {
		return User{}, Org{}, err
	}
	if _, err := s.store.GetUser(ctx, in.Login); err == nil {
		return User{}, Org{}, apperr.Invalid().Field("login", "该登录名已被使用，请换一个")
	} else if !apperr.Is(err, apperr.KindNotFound) {
		return User{}, Org{}, err
	}
	hash, err := hashPassword(in.Password, s.cost)
	if err != nil {
		return User{}, Org{}, err
	}
	now := s.now().UTC()
	org := Org{ID: OrgID(in.Kind, in.USCC), Kind: in.Kind, Name: in.OrgName, USCC: in.USCC, Region: in.Region,
		Contact: strings.TrimSpace(in.Contact), Phone: strings.TrimSpace(in.Phone), Email: in.Email, CreatedAt: now,
		Registrant: in.Login}
	if err := s.store.CreateOrg(ctx, org); err != nil {
		if !apperr.Is(err, apperr.KindConflict) {
			return User{}, Org{}, err
		}
		if org, err = s.resumeRegistration(ctx, org); err != nil {
			return User{}, Org{}, err
		}
	}
	u := User{ID: in.Login, OrgID: org.ID, Role: in.Kind.Role(), Name: strings.TrimSpace(in.Name),
		Email: in.Email, Phone: org.Phone, PasswordHash: hash, CreatedAt: now}
	if err := s.store.CreateUser(ctx, u); err != nil {
		// No transactions: undo the organisation so nothing is left half-written.
		_ = s.store.DeleteOrg(context.WithoutCancel(ctx), org.ID)
		if apperr.Is(err, apperr.KindConflict) {
			return User{}, Org{}, apperr.Invalid().Field("login", "该登录名已被使用，请换一个")
		}
		return User{}, Org{}, err
	}
	return u, org, nil
}

// resumeRegistration handles a registration whose organisation exists: it
// is finished when the same registrant's earlier attempt stopped between
// the organisation and its first user (the database went away and the
// undo could not run); otherwise the code is taken.
func (s *Service) resumeRegistration(ctx context.Context, org Org) (Org, error) {
	taken := apperr.Invalid().Field("uscc", "该统一社会信用代码已注册，请联系本单位管理员开通账号")
	has, err := s.orgHasUsers(ctx, org.ID)
	if err != nil {
		return Org{}, err
	}
	if has {
		return Org{}, taken
	}
	existing, err := s.store.GetOrg(ctx, org.ID)
	if err != nil {
		return Org{}, err
	}
	switch {
	case existing.Registrant == "":
		// A migrated agency: its first account is opened by a regulator.
		return Org{}, apperr.Invalid().Field("uscc", migratedOrgMessage)
	case existing.Registrant != org.Registrant:
		return Org{}, taken
	}
	// The same registrant again: take the details of this attempt.
	return s.store.UpdateOrg(ctx, org.ID, func(o *Org) error {
		if o.Registrant != org.Registrant {
			return taken
		}
		created := o.CreatedAt
		*o = org
		o.CreatedAt = created
		return nil
	})
}

// Errors shown on the login form. One message for a wrong name and a wrong
// password, so the form never tells whether an account exists.
var (
	errBadLogin = &apperr.Error{Kind: apperr.KindUnauthorized, Code: "bad_login", Message: "登录名或密码错误"}
	errLocked   = apperr.TooMany("account_locked", "账号已锁定，请 15 分钟后再试")
	errIPLimit  = apperr.TooMany("too_many_attempts", "登录尝试过于频繁，请 15 分钟后再试")
)

// Login checks a password and opens a session. ip is the client address for
// the per-address limit.
func (s *Service) Login(ctx context.Context, login, password, ip string) (string, Session, User, error) {
	login = NormalizeLogin(login)
	now := s.now().UTC()
	if s.ipBlocked(ip, now) {
		return "", Session{}, User{}, errIPLimit
	}
	th, err := s.store.GetThrottle(ctx, login) // a read: a login writes only when it fails
	if err != nil {
		return "", Session{}, User{}, err
	}
	if now.Before(th.LockedUntil) {
		return "", Session{}, User{}, errLocked
	}
	u, err := s.store.GetUser(ctx, login)
	if err != nil && !apperr.Is(err, apperr.KindNotFound) {
		return "", Session{}, User{}, err
	}
	if !passwordMatches(u.PasswordHash, password) || u.Disabled {
		s.recordIPFailure(ip, now)
		locked := false
		_, terr := s.store.UpdateThrottle(ctx, login, func(t *Throttle) error {
			recent := t.Failures[:0:0]
			for _, f := range t.Failures {
				if now.Sub(f) < FailureWindow {
					recent = append(recent, f)
				}
			}
			t.Failures = append(recent, now)
			locked = false
			if len(t.Failures) >= MaxFailures {
				t.LockedUntil = now.Add(LockDuration)
				t.Failures = nil
				locked = true
			}
			return nil
		})
		if terr != nil {
			return "", Session{}, User{}, terr
		}
		if locked {
			return "", Session{}, User{}, errLocked
		}
		return "", Session{}, User{}, errBadLogin
	}
	if len(th.Failures) > 0 {
		if _, err := s.store.UpdateThrottle(ctx, login, func(t *Throttle) error { t.Failures = nil; return nil }); err != nil {
			return "", Session{}, User{}, err
		}
	}
	tok := randomToken(32)
	sess := Session{ID: hashToken(tok), UserID: u.ID, CSRF: randomToken(24), CreatedAt: now, ExpiresAt: now.Add(SessionLifetime)}
	if err := s.store.CreateSession(ctx, sess); err != nil {
		return "", Session{}, User{}, err
	}
	u, err = s.store.UpdateUser(ctx, u.ID, func(x *User) error { x.LastLoginAt = now; return nil })
	if err != nil {
		return "", Session{}, User{}, err
	}
	return tok, sess, u, nil
}

func (s *Service) ipBlocked(ip string, now time.Time) bool {
	if ip == "" {
		return false
	}
	s.ipMu.Lock()
	defer s.ipMu.Unlock()
	recent := s.ipFailures[ip][:0]
	for _, t := range s.ipFailures[ip] {
		if now.Sub(t) < FailureWindow {
			recent = append(recent, t)
		}
	}
	if len(recent) == 0 {
		delete(s.ipFailures, ip)
	} else {
		s.ipFailures[ip] = recent
	}
	return len(recent) >= MaxIPFailures
}

func (s *Service) recordIPFailure(ip string, now time.Time) {
	if ip == "" {
		return
	}
	s.ipMu.Lock()
	defer s.ipMu.Unlock()
	s.ipFailures[ip] = append(s.ipFailures[ip], now)
	if len(s.ipFailures) > 10000 { // addresses that never come back would otherwise stay forever
		for addr, times := range s.ipFailures {
			if len(times) == 0 || now.Sub(times[len(times)-1]) >= FailureWindow {
				delete(s.ipFailures, addr)
			}
		}
	}
}

// Logout ends the session of a cookie value.
func (s *Service) Logout(ctx context.Context, sessionToken string) error {
	if sessionToken == "" {
		return nil
	}
	err := s.store.DeleteSession(ctx, hashToken(sessionToken))
	if apperr.Is(err, apperr.KindNotFound) {
		return nil
	}
	return err
}

// principal builds the acting identity of an enabled user.
func (s *Service) principal(ctx context.Context, userID, via string) (Principal, error) {
	u, err := s.store.GetUser(ctx, userID)
	if err != nil {
		if apperr.Is(err, apperr.KindNotFound) {
			return Principal{}, apperr.Unauthorized("登录已失效，请重新登录")
		}
		return Principal{}, err
	}
	if u.Disabled {
		return Principal{}, apperr.Unauthorized("账号已停用，请联系平台管理员")
	}
	p := Principal{UserID: u.ID, Name: u.Name, Role: u.Role, OrgID: u.OrgID, Via: via}
	if org, err := s.store.GetOrg(ctx, u.OrgID); err == nil {
		p.OrgName, p.Region = org.Name, org.Region
	} else if !apperr.Is(err, apperr.KindNotFound) {
		return Principal{}, err
	}
	return p, nil
}

// SessionPrincipal resolves a session cookie value.
func (s *Service) SessionPrincipal(ctx context.Context, sessionToken string) (Principal, Session, error) {
	sess, err := s.store.GetSession(ctx, hashToken(sessionToken))
	if err != nil {
		if apperr.Is(err, apperr.KindNotFound) {
			return Principal{}, Session{}, apperr.Unauthorized("登录已失效，请重新登录")
		}
		return Principal{}, Session{}, err
	}
	if !s.now().Before(sess.ExpiresAt) {
		_ = s.store.DeleteSession(ctx, sess.ID)
		return Principal{}, Session{}, apperr.Unauthorized("登录已过期，请重新登录")
	}
	p, err := s.principal(ctx, sess.UserID, "session")
	return p, sess, err
}

// TokenPrincipal resolves a bearer API token.
func (s *Service) TokenPrincipal(ctx context.Context, token string) (Principal, error) {
	if !strings.HasPrefix(token, APITokenPrefix) {
		return Principal{}, apperr.Unauthorized("API 令牌无效")
	}
	t, err := s.store.GetToken(ctx, hashToken(token))
	if err != nil {
		if apperr.Is(err, apperr.KindNotFound) {
			return Principal{}, apperr.Unauthorized("API 令牌无效或已撤销")
		}
		return Principal{}, err
	}
	now := s.now().UTC()
	if now.Sub(t.LastUsedAt) > time.Minute { // keep token reads cheap: note use at most once a minute
		_ = s.store.TouchToken(ctx, t.ID, func(x *APIToken) error { x.LastUsedAt = now; return nil })
	}
	return s.principal(ctx, t.UserID, "token")
}

// CreateToken makes a personal API token; the returned secret is shown once.
func (s *Service) CreateToken(ctx context.Context, p Principal, name string) (string, APIToken, error) {
	name = strings.TrimSpace(name)
	if name == "" || len([]rune(name)) > 50 {
		return "", APIToken{}, apperr.Invalid().Field("name", "请填写令牌用途（50 字以内）")
	}
	if p.Anonymous() {
		return "", APIToken{}, apperr.Unauthorized("")
	}
	existing, err := s.store.ListTokens(ctx, p.UserID)
	if err != nil {
		return "", APIToken{}, err
	}
	if len(existing) >= 20 {
		return "", APIToken{}, apperr.Conflict("too_many_tokens", "每个账号最多 20 个 API 令牌，请先撤销不用的令牌")
	}
	secret := APITokenPrefix + randomToken(30)
	t := APIToken{ID: hashToken(secret), UserID: p.UserID, Name: name, Prefix: secret[:len(APITokenPrefix)+6], CreatedAt: s.now().UTC()}
	if err := s.store.CreateToken(ctx, t); err != nil {
		return "", APIToken{}, err
	}
	return secret, t, nil
}

// ListTokens lists the caller's own tokens.
func (s *Service) ListTokens(ctx context.Context, p Principal) ([]APIToken, error) {
	return s.store.ListTokens(ctx, p.UserID)
}

// RevokeToken deletes one of the caller's tokens.
func (s *Service) RevokeToken(ctx context.Context, p Principal, id string) error {
	t, err := s.store.GetToken(ctx, id)
	if err != nil {
		return err
	}
	if t.UserID != p.UserID {
		return apperr.NotFound("API 令牌")
	}
	return s.store.DeleteToken(ctx, id)
}

// CreateRegulatorInput is an admin's creation of a regulator department and
// its first account (or a further account of an existing department).
type CreateRegulatorInput struct {
	OrgID      string // existing department; empty to create one
	OrgName    string
	Department string
	Region     string
	Login      string
	Name       string
	Email      string
	Phone      string
	Password   string
}

// CreateRegulator is for platform admins only.
func (s *Service) CreateRegulator(ctx context.Context, p Principal, in CreateRegulatorInput) (User, Org, error) {
	if p.Role != RoleAdmin {
		return User{}, Org{}, apperr.Forbidden("只有平台管理员可以创建监管账号")
	}
	in.Login = NormalizeLogin(in.Login)
	v := apperr.Invalid()
	var org Org
	if in.OrgID != "" {
		o, err := s.store.GetOrg(ctx, in.OrgID)
		if err != nil || o.Kind != OrgRegulator {
			v.Field("org_id", "所选监管部门不存在")
		}
		org = o
	} else {
		if strings.TrimSpace(in.OrgName) == "" {
			v.Field("org_name", "请填写监管部门名称")
		}
		if msg := registry.ValidateRegion(in.Region); msg != "" {
			v.Field("region", msg)
		}
	}
	s.validateAccount(v, in.Login, in.Name, in.Email, in.Password)
	if err := v.OrNil(); err != nil {
		return User{}, Org{}, err
	}
	if _, err := s.store.GetUser(ctx, in.Login); err == nil {
		return User{}, Org{}, apperr.Invalid().Field("login", "该登录名已被使用，请换一个")
	}
	hash, err := hashPassword(in.Password, s.cost)
	if err != nil {
		return User{}, Org{}, err
	}
	now := s.now().UTC()
	created := false
	if in.OrgID == "" {
		org = Org{ID: "regulator:" + in.Region + ":" + randomToken(6), Kind: OrgRegulator, Name: strings.TrimSpace(in.OrgName),
			Department: strings.TrimSpace(in.Department), Region: in.Region, Phone: in.Phone, Email: in.Email, CreatedAt: now}
		if err := s.store.CreateOrg(ctx, org); err != nil {
			return User{}, Org{}, err
		}
		created = true
	}
	u := User{ID: in.Login, OrgID: org.ID, Role: RoleRegulator, Name: strings.TrimSpace(in.Name), Email: in.Email,
		Phone: in.Phone, PasswordHash: hash, CreatedAt: now}
	if err := s.store.CreateUser(ctx, u); err != nil {
		if created {
			_ = s.store.DeleteOrg(context.WithoutCancel(ctx), org.ID)
		}
		if apperr.Is(err, apperr.KindConflict) {
			return User{}, Org{}, apperr.Invalid().Field("login", "该登录名已被使用，请换一个")
		}
		return User{}, Org{}, err
	}
	return u, org, nil
}

// SetUserDisabled enables or disables an account (admins only). A disabled
// account's sessions end at once.
func (s *Service) SetUserDisabled(ctx context.Context, p Principal, userID string, disabled bool) (User, error) {
	if p.Role != RoleAdmin {
		return User{}, apperr.Forbidden("只有平台管理员可以停用账号")
	}
	if userID == p.UserID && disabled {
		return User{}, apperr.InvalidMsg("self_disable", "不能停用自己的账号")
	}
	u, err := s.store.UpdateUser(ctx, userID, func(u *User) error { u.Disabled = disabled; return nil })
	if err != nil {
		return User{}, err
	}
	if disabled {
		if err := s.store.DeleteUserSessions(ctx, userID); err != nil {
			return u, err
		}
	}
	return u, nil
}

// ChangePassword changes the caller's own password and ends every browser
// session of the account, so a session opened with the old password (a
// stolen one included) stops working at once. API tokens stay: they are
// credentials of their own, revoked one by one. The browser that made the
// change keeps its session through KeepSession.
func (s *Service) ChangePassword(ctx context.Context, p Principal, oldPw, newPw string) error {
	u, err := s.store.GetUser(ctx, p.UserID)
	if err != nil {
		return err
	}
	if !passwordMatches(u.PasswordHash, oldPw) {
		return apperr.Invalid().Field("old_password", "原密码不正确")
	}
	if msg := checkPasswordRules(newPw); msg != "" {
		return apperr.Invalid().Field("new_password", msg)
	}
	hash, err := hashPassword(newPw, s.cost)
	if err != nil {
		return err
	}
	if _, err = s.store.UpdateUser(ctx, u.ID, func(x *User) error { x.PasswordHash = hash; return nil }); err != nil {
		return err
	}
	return s.store.DeleteUserSessions(ctx, u.ID)
}

// KeepSession puts back one session after its account's sessions were
// ended (the browser that changed the password stays logged in). An
// expired session is not restored.
func (s *Service) KeepSession(ctx context.Context, sess Session) error {
	if sess.ID == "" || sess.UserID == "" || !s.now().Before(sess.ExpiresAt) {
		return nil
	}
	return s.store.CreateSession(ctx, sess)
}

// ListUsers is for admins.
func (s *Service) ListUsers(ctx context.Context, p Principal, f UserFilter) (Page[User], error) {
	if p.Role != RoleAdmin {
		return Page[User]{}, apperr.Forbidden("")
	}
	f.Page, f.PageSize = ClampPage(f.Page, f.PageSize)
	return s.store.ListUsers(ctx, f)
}

// ListOrgs is for admins and regulators.
func (s *Service) ListOrgs(ctx context.Context, p Principal, f OrgFilter) (Page[Org], error) {
	if p.Role != RoleAdmin && p.Role != RoleRegulator {
		return Page[Org]{}, apperr.Forbidden("")
	}
	f.Page, f.PageSize = ClampPage(f.Page, f.PageSize)
	return s.store.ListOrgs(ctx, f)
}

// GetOrg returns one organisation.
func (s *Service) GetOrg(ctx context.Context, id string) (Org, error) { return s.store.GetOrg(ctx, id) }

// GetUser returns one user.
func (s *Service) GetUser(ctx context.Context, id string) (User, error) {
	return s.store.GetUser(ctx, id)
}

// CountOrgs counts organisations of a kind (all kinds when empty).
func (s *Service) CountOrgs(ctx context.Context, kind OrgKind) (int, error) {
	return s.store.CountOrgs(ctx, kind)
}

// ClampPage applies the list defaults: page from 1, page size 20, at most 100.
func ClampPage(page, size int) (int, int) {
	if page < 1 {
		page = 1
	}
	if size < 1 {
		size = 20
	}
	if size > 100 {
		size = 100
	}
	return page, size
}

// EnsureAccount creates a user (and its organisation) when the login does
// not exist yet; it is how the bootstrap admin and demo accounts are made.
// It reports whether it created the user.
func (s *Service) EnsureAccount(ctx context.Context, org Org, u User, password string) (bool, error) {
	if _, err := s.store.GetUser(ctx, u.ID); err == nil {
		return false, nil
	} else if !apperr.Is(err, apperr.KindNotFound) {
		return false, err
	}
	if _, err := s.store.GetOrg(ctx, org.ID); apperr.Is(err, apperr.KindNotFound) {
		org.CreatedAt = s.now().UTC()
		if err := s.store.CreateOrg(ctx, org); err != nil && !apperr.Is(err, apperr.KindConflict) {
			return false, err
		}
	} else if err != nil {
		return false, err
	}
	hash, err := hashPassword(password, s.cost)
	if err != nil {
		return false, err
	}
	u.OrgID, u.PasswordHash, u.CreatedAt = org.ID, hash, s.now().UTC()
	if u.Role == "" {
		u.Role = org.Kind.Role()
	}
	if err := s.store.CreateUser(ctx, u); err != nil {
		if apperr.Is(err, apperr.KindConflict) {
			return false, nil
		}
		return false, err
	}
	return true, nil
}

// HasUsers reports whether any user exists at all; serve creates the
// bootstrap admin on an empty database.
func (s *Service) HasUsers(ctx context.Context) (bool, error) {
	return s.store.AnyUser(ctx)
}
