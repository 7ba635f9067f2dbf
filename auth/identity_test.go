package auth_test

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/auth"
)

// The rules of login through a unified identity platform (auth/identity.go),
// against the embedded database.

const issuer = "https://tyrz.example.gov.cn/oidc"

// idWorld is a fixture with the accounts the rules are about.
type idWorld struct {
	*fixture
	agencyUSCC, ownerUSCC, migratedUSCC, freeUSCC string
	agencyOrg, ownerOrg                           auth.Org
}

// newIDWorld registers an agency (user alice), an owner (bob), a
// regulator (reg), a disabled agency user (dave) and a migrated agency
// without accounts.
func newIDWorld(t *testing.T) *idWorld {
	t.Helper()
	f := newFixture(t)
	w := &idWorld{fixture: f}
	_, w.agencyOrg = f.register(t, "alice")
	w.agencyUSCC = w.agencyOrg.USCC
	in := validRegistration(t, "bob")
	in.Kind, in.OrgName, in.Name = auth.OrgOwner, "兰州新区城市发展投资集团有限公司", "赵敏"
	_, org, err := f.svc.Register(f.ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	w.ownerOrg, w.ownerUSCC = org, org.USCC
	if _, err := f.svc.EnsureAccount(f.ctx, auth.Org{ID: "regulator:620100:x", Kind: auth.OrgRegulator, Name: "兰州市生态环境局", Region: "620100"},
		auth.User{ID: "reg", Name: "监管员"}, goodPassword); err != nil {
		t.Fatal(err)
	}
	f.register(t, "dave")
	if _, err := f.svc.SetUserDisabled(f.ctx, f.admin(t), "dave", true); err != nil {
		t.Fatal(err)
	}
	w.migratedUSCC = newUSCC(t)
	if err := f.svc.EnsureMigratedOrg(f.ctx, auth.Org{ID: auth.OrgID(auth.OrgAgency, w.migratedUSCC), Kind: auth.OrgAgency,
		Name: "甘肃迁移测绘有限公司", USCC: w.migratedUSCC, Region: "620102"}); err != nil {
		t.Fatal(err)
	}
	w.freeUSCC = newUSCC(t)
	return w
}

func ident(sub, uscc string) auth.ExternalIdentity {
	return auth.ExternalIdentity{Issuer: issuer, Subject: sub, Name: "王建国", Email: "wang@example.cn", Username: "wangjg", USCC: uscc}
}

// linkOf reads the identity's link: its user, or "" when there is none.
func (w *idWorld) linkOf(t *testing.T, x auth.ExternalIdentity) string {
	t.Helper()
	l, err := w.store.Auth().GetIdentityLink(w.ctx, x.LinkID())
	if apperr.Is(err, apperr.KindNotFound) {
		return ""
	}
	if err != nil {
		t.Fatal(err)
	}
	if l.Issuer != x.Issuer || l.Subject != x.Subject {
		t.Fatalf("link %+v of %+v", l, x)
	}
	return l.UserID
}

func codeOf(err error) string {
	if err == nil {
		return "ok"
	}
	if e, ok := apperr.As(err); ok {
		return e.Code
	}
	return "unclassified: " + err.Error()
}

// TestExternalLinkRules: an identity without an account links to an
// existing one only with that account's password, and — when the platform
// names the organisation — only to an account of that organisation.
func TestExternalLinkRules(t *testing.T) {
	for _, tc := range []struct {
		name     string
		uscc     func(*idWorld) string
		login    string
		password string
		want     string // error code, or "ok"
	}{
		{"own organisation, right password", func(w *idWorld) string { return w.agencyUSCC }, "alice", goodPassword, "ok"},
		{"login name in capitals", func(w *idWorld) string { return w.agencyUSCC }, "ALICE", goodPassword, "ok"},
		{"wrong password", func(w *idWorld) string { return w.agencyUSCC }, "alice", "correct-horse-43", "bad_login"},
		{"no such account", func(w *idWorld) string { return w.agencyUSCC }, "nobody", goodPassword, "bad_login"},
		{"account of another organisation", func(w *idWorld) string { return w.agencyUSCC }, "bob", goodPassword, "org_mismatch"},
		{"a regulator account with a credit code claim", func(w *idWorld) string { return w.agencyUSCC }, "reg", goodPassword, "org_mismatch"},
		{"credit code nobody registered", func(w *idWorld) string { return w.freeUSCC }, "alice", goodPassword, "org_mismatch"},
		{"no credit code: any account with its password", func(*idWorld) string { return "" }, "bob", goodPassword, "ok"},
		{"no credit code, regulator", func(*idWorld) string { return "" }, "reg", goodPassword, "ok"},
		{"disabled account", func(*idWorld) string { return "" }, "dave", goodPassword, "bad_login"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newIDWorld(t)
			x := ident("sub-"+tc.login, tc.uscc(w))
			tok, _, u, err := w.svc.LinkExternal(w.ctx, x, tc.login, tc.password, "192.0.2.7")
			if got := codeOf(err); got != tc.want {
				t.Fatalf("link: %s (%v), want %s", got, err, tc.want)
			}
			linked := w.linkOf(t, x)
			if tc.want != "ok" {
				if linked != "" || tok != "" {
					t.Fatalf("refused, yet linked to %q (session %q)", linked, tok)
				}
				return
			}
			if linked != u.ID || u.ID != auth.NormalizeLogin(tc.login) {
				t.Fatalf("linked to %q, user %q", linked, u.ID)
			}
			if p, _, err := w.svc.SessionPrincipal(w.ctx, tok); err != nil || p.UserID != u.ID {
				t.Fatalf("session: %+v %v", p, err)
			}
			// From now on the identity logs straight in.
			_, _, again, err := w.svc.ExternalLogin(w.ctx, x)
			if err != nil || again.ID != u.ID {
				t.Fatalf("second login: %+v %v", again, err)
			}
			// A second link of the same identity is refused.
			_, _, _, err = w.svc.LinkExternal(w.ctx, x, tc.login, tc.password, "192.0.2.7")
			if codeOf(err) != "identity_linked" {
				t.Fatalf("second link: %v", err)
			}
		})
	}
}

// TestExternalLinkCountsTowardsTheLock: password guesses on the
// confirmation page lock the account like guesses on the login form.
func TestExternalLinkCountsTowardsTheLock(t *testing.T) {
	w := newIDWorld(t)
	x := ident("guesser", w.agencyUSCC)
	for i := range auth.MaxFailures {
		_, _, _, err := w.svc.LinkExternal(w.ctx, x, "alice", "wrong-password-1", "192.0.2.8")
		want := "bad_login"
		if i == auth.MaxFailures-1 {
			want = "account_locked"
		}
		if codeOf(err) != want {
			t.Fatalf("attempt %d: %v, want %s", i+1, err, want)
		}
	}
	if _, _, _, err := w.svc.LinkExternal(w.ctx, x, "alice", goodPassword, "192.0.2.8"); codeOf(err) != "account_locked" {
		t.Fatalf("the right password during the lock: %v", err)
	}
	if _, _, _, err := w.svc.Login(w.ctx, "alice", goodPassword, "192.0.2.9"); codeOf(err) != "account_locked" {
		t.Fatalf("the login form during the lock: %v", err)
	}
	if w.linkOf(t, x) != "" {
		t.Fatal("linked while locked")
	}
}

// TestExternalRegisterRules: a new organisation is created only with the
// platform's credit code, and only when no organisation of that code and
// kind exists; a refusal leaves nothing behind.
func TestExternalRegisterRules(t *testing.T) {
	valid := func(kind auth.OrgKind) auth.ExternalRegisterInput {
		return auth.ExternalRegisterInput{Kind: kind, OrgName: "甘肃统一认证咨询有限公司", Region: "620102", Contact: "王工",
			Phone: "0931-1234567", Email: "wang@example.cn", Login: "wangjg", Name: "王建国"}
	}
	for _, tc := range []struct {
		name   string
		uscc   func(*idWorld) string
		in     func(*idWorld) auth.ExternalRegisterInput
		want   string            // error code, or "ok"
		fields map[string]string // field errors expected (message "" = any)
	}{
		{"new agency", func(w *idWorld) string { return w.freeUSCC }, func(*idWorld) auth.ExternalRegisterInput { return valid(auth.OrgAgency) }, "ok", nil},
		{"new owner", func(w *idWorld) string { return w.freeUSCC }, func(*idWorld) auth.ExternalRegisterInput { return valid(auth.OrgOwner) }, "ok", nil},
		{"an agency registers as an owner too", func(w *idWorld) string { return w.agencyUSCC },
			func(*idWorld) auth.ExternalRegisterInput { return valid(auth.OrgOwner) }, "ok", nil},
		{"the agency exists: no new user in it", func(w *idWorld) string { return w.agencyUSCC },
			func(*idWorld) auth.ExternalRegisterInput { return valid(auth.OrgAgency) }, "org_registered", nil},
		{"the owner exists", func(w *idWorld) string { return w.ownerUSCC },
			func(*idWorld) auth.ExternalRegisterInput { return valid(auth.OrgOwner) }, "org_registered", nil},
		{"a migrated agency without accounts", func(w *idWorld) string { return w.migratedUSCC },
			func(*idWorld) auth.ExternalRegisterInput { return valid(auth.OrgAgency) }, "org_registered", nil},
		{"no credit code", func(*idWorld) string { return "" }, func(*idWorld) auth.ExternalRegisterInput { return valid(auth.OrgAgency) }, "no_uscc", nil},
		{"a credit code with a wrong check character", func(w *idWorld) string { return w.freeUSCC[:17] + "Y" },
			func(*idWorld) auth.ExternalRegisterInput { return valid(auth.OrgAgency) }, "bad_uscc", nil},
		{"login taken", func(w *idWorld) string { return w.freeUSCC },
			func(*idWorld) auth.ExternalRegisterInput { in := valid(auth.OrgAgency); in.Login = "alice"; return in },
			"invalid", map[string]string{"login": "该登录名已被使用，请换一个"}},
		{"form errors", func(w *idWorld) string { return w.freeUSCC },
			func(*idWorld) auth.ExternalRegisterInput {
				return auth.ExternalRegisterInput{Kind: auth.OrgRegulator, Region: "99", Login: "-x", Email: "not-mail"}
			},
			"invalid", map[string]string{"kind": "请选择单位类型：项目业主或中介机构", "org_name": "请填写单位名称", "region": "",
				"login": "", "name": "请填写姓名", "email": "电子邮箱格式不正确"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newIDWorld(t)
			x := ident("sub-new", tc.uscc(w))
			in := tc.in(w)
			orgsBefore, _ := w.svc.CountOrgs(w.ctx, "")
			tok, _, u, org, err := w.svc.RegisterExternal(w.ctx, x, in)
			if got := codeOf(err); got != tc.want {
				t.Fatalf("register: %s (%v), want %s", got, err, tc.want)
			}
			if tc.fields != nil {
				e, _ := apperr.As(err)
				for k, msg := range tc.fields {
					if got, ok := e.Fields[k]; !ok || (msg != "" && got != msg) {
						t.Errorf("field %s: %q, want %q (all: %v)", k, got, msg, e.Fields)
					}
				}
			}
			orgsAfter, _ := w.svc.CountOrgs(w.ctx, "")
			if tc.want != "ok" {
				if w.linkOf(t, x) != "" || orgsAfter != orgsBefore {
					t.Fatalf("refused, yet left a link or an organisation (%d → %d)", orgsBefore, orgsAfter)
				}
				if in.Login == "wangjg" {
					if _, err := w.svc.GetUser(w.ctx, "wangjg"); !apperr.Is(err, apperr.KindNotFound) {
						t.Fatalf("refused, yet the user exists: %v", err)
					}
				}
				if tc.want == "org_registered" && tc.name == "a migrated agency without accounts" {
					if e, _ := apperr.As(err); e.Message != "该机构已从原平台迁移至本平台，请携营业执照和授权委托书联系监管部门核验后开通账号" {
						t.Errorf("message %q", e.Message)
					}
				}
				return
			}
			if orgsAfter != orgsBefore+1 || org.USCC != x.USCC || org.ID != auth.OrgID(in.Kind, x.USCC) || org.Kind != in.Kind {
				t.Fatalf("organisation %+v (%d → %d)", org, orgsBefore, orgsAfter)
			}
			stored, err := w.svc.GetUser(w.ctx, "wangjg")
			if err != nil || stored.OrgID != org.ID || stored.Role != in.Kind.Role() || stored.PasswordHash != "" || stored.Name != "王建国" {
				t.Fatalf("user %+v %v", stored, err)
			}
			if w.linkOf(t, x) != u.ID {
				t.Fatal("not linked")
			}
			if p, _, err := w.svc.SessionPrincipal(w.ctx, tok); err != nil || p.OrgID != org.ID {
				t.Fatalf("session %+v %v", p, err)
			}
			// No password: the login form never lets anyone in.
			for _, pw := range []string{"", goodPassword} {
				if _, _, _, err := w.svc.Login(w.ctx, "wangjg", pw, "192.0.2.10"); codeOf(err) != "bad_login" {
					t.Fatalf("password login of an identity-platform account with %q: %v", pw, err)
				}
			}
			// A second confirmation (another tab) changes nothing.
			in.Login = "wangjg2"
			if _, _, _, _, err := w.svc.RegisterExternal(w.ctx, x, in); codeOf(err) != "identity_linked" {
				t.Fatalf("second registration: %v", err)
			}
		})
	}
}

// TestExternalRegisterConcurrent: two confirmations of one identity at the
// same moment make one account.
func TestExternalRegisterConcurrent(t *testing.T) {
	w := newIDWorld(t)
	x := ident("double-click", w.freeUSCC)
	var wg sync.WaitGroup
	codes := make([]string, 4)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, _, _, err := w.svc.RegisterExternal(w.ctx, x, auth.ExternalRegisterInput{Kind: auth.OrgAgency, OrgName: "甘肃并发咨询有限公司",
				Region: "620102", Login: "racer" + string(rune('a'+i)), Name: "王建国"})
			codes[i] = codeOf(err)
		}()
	}
	wg.Wait()
	ok := 0
	for _, c := range codes {
		switch c {
		case "ok":
			ok++
		case "identity_linked", "org_registered":
		default:
			t.Errorf("unexpected outcome %s", c)
		}
	}
	if ok != 1 {
		t.Fatalf("outcomes %v: want exactly one account", codes)
	}
	page, err := w.store.Auth().ListUsers(w.ctx, auth.UserFilter{OrgID: auth.OrgID(auth.OrgAgency, w.freeUSCC), Page: 1, PageSize: 10})
	if err != nil || page.Total != 1 || w.linkOf(t, x) != page.Items[0].ID {
		t.Fatalf("users of the new organisation: %+v %v", page.Items, err)
	}
}

// TestExternalLoginRules: a linked identity logs straight in unless its
// account is disabled or the platform now names another organisation.
func TestExternalLoginRules(t *testing.T) {
	for _, tc := range []struct {
		name   string
		login  string                         // linked account ("" = no link)
		claim  func(*idWorld) string          // the credit code at the login
		change func(t *testing.T, w *idWorld) // after linking
		want   string
	}{
		{"not linked", "", func(w *idWorld) string { return w.agencyUSCC }, nil, "identity_not_linked"},
		{"linked", "alice", func(w *idWorld) string { return w.agencyUSCC }, nil, "ok"},
		{"linked, no credit code today", "alice", func(*idWorld) string { return "" }, nil, "ok"},
		{"linked, another organisation's code", "alice", func(w *idWorld) string { return w.ownerUSCC }, nil, "org_mismatch"},
		{"linked, account disabled since", "alice", func(w *idWorld) string { return w.agencyUSCC },
			func(t *testing.T, w *idWorld) {
				if _, err := w.svc.SetUserDisabled(w.ctx, w.admin(t), "alice", true); err != nil {
					t.Fatal(err)
				}
			}, "account_disabled"},
		{"linked, re-enabled", "alice", func(w *idWorld) string { return w.agencyUSCC },
			func(t *testing.T, w *idWorld) {
				a := w.admin(t)
				if _, err := w.svc.SetUserDisabled(w.ctx, a, "alice", true); err != nil {
					t.Fatal(err)
				}
				if _, err := w.svc.SetUserDisabled(w.ctx, a, "alice", false); err != nil {
					t.Fatal(err)
				}
			}, "ok"},
		{"linked, unlinked since", "alice", func(w *idWorld) string { return w.agencyUSCC },
			func(t *testing.T, w *idWorld) {
				p := auth.Principal{UserID: "alice", Role: auth.RoleAgency}
				links, err := w.svc.IdentityLinks(w.ctx, p)
				if err != nil || len(links) != 1 {
					t.Fatalf("links %+v %v", links, err)
				}
				if _, err := w.svc.UnlinkIdentity(w.ctx, p, links[0].ID); err != nil {
					t.Fatal(err)
				}
			}, "identity_not_linked"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newIDWorld(t)
			x := ident("sub-1", w.agencyUSCC)
			if tc.login != "" {
				if _, _, _, err := w.svc.LinkExternal(w.ctx, x, tc.login, goodPassword, "192.0.2.11"); err != nil {
					t.Fatal(err)
				}
			}
			if tc.change != nil {
				tc.change(t, w)
			}
			w.clock.Advance(time.Minute)
			x.USCC = tc.claim(w)
			tok, sess, u, err := w.svc.ExternalLogin(w.ctx, x)
			if got := codeOf(err); got != tc.want {
				t.Fatalf("login: %s (%v), want %s", got, err, tc.want)
			}
			if tc.want == "identity_not_linked" && !auth.IsNotLinked(err) {
				t.Fatal("IsNotLinked is false")
			}
			if tc.want != "ok" {
				if tok != "" {
					t.Fatal("refused, yet a session")
				}
				return
			}
			if u.ID != tc.login || sess.UserID != u.ID || !u.LastLoginAt.Equal(w.clock.Now()) {
				t.Fatalf("user %+v session %+v", u, sess)
			}
			links, _ := w.store.Auth().ListIdentityLinks(w.ctx, u.ID)
			if len(links) != 1 || !links[0].LastLoginAt.Equal(w.clock.Now()) {
				t.Fatalf("link after login: %+v", links)
			}
		})
	}
}

// TestExternalOptions: what the confirmation page offers, and that asking
// changes nothing.
func TestExternalOptions(t *testing.T) {
	w := newIDWorld(t)
	for _, tc := range []struct {
		name       string
		uscc       string
		problem    bool
		registered []string
		create     []auth.OrgKind
	}{
		{"no credit code", "", true, nil, nil},
		{"invalid credit code", w.freeUSCC[:17] + "Y", true, nil, nil},
		{"unknown credit code", w.freeUSCC, false, nil, []auth.OrgKind{auth.OrgOwner, auth.OrgAgency}},
		{"a registered agency", w.agencyUSCC, false, []string{w.agencyOrg.ID}, []auth.OrgKind{auth.OrgOwner}},
		{"a registered owner", w.ownerUSCC, false, []string{w.ownerOrg.ID}, []auth.OrgKind{auth.OrgAgency}},
		{"a migrated agency", w.migratedUSCC, false, []string{auth.OrgID(auth.OrgAgency, w.migratedUSCC)}, []auth.OrgKind{auth.OrgOwner}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before, _ := w.svc.CountOrgs(w.ctx, "")
			o, err := w.svc.ExternalOptions(w.ctx, ident("sub-o", tc.uscc))
			if err != nil {
				t.Fatal(err)
			}
			var reg []string
			for _, org := range o.Registered {
				reg = append(reg, org.ID)
			}
			if (o.USCCProblem != "") != tc.problem || !slices.Equal(reg, tc.registered) || !slices.Equal(o.CreateKinds, tc.create) ||
				o.CanCreate() != (len(tc.create) > 0) {
				t.Fatalf("options %+v", o)
			}
			if after, _ := w.svc.CountOrgs(w.ctx, ""); after != before {
				t.Fatal("asking created an organisation")
			}
		})
	}
}

// TestUnlinkIdentity: users remove their own links; an account without a
// password keeps its last one.
func TestUnlinkIdentity(t *testing.T) {
	w := newIDWorld(t)
	alice := auth.Principal{UserID: "alice", Role: auth.RoleAgency}
	xa := ident("sub-a", w.agencyUSCC)
	if _, _, _, err := w.svc.LinkExternal(w.ctx, xa, "alice", goodPassword, ""); err != nil {
		t.Fatal(err)
	}
	xn := ident("sub-n", w.freeUSCC)
	_, _, nu, _, err := w.svc.RegisterExternal(w.ctx, xn, auth.ExternalRegisterInput{Kind: auth.OrgOwner, OrgName: "兰州统一认证业主有限公司",
		Region: "620102", Login: "newbie", Name: "钱进"})
	if err != nil {
		t.Fatal(err)
	}
	newbie := auth.Principal{UserID: nu.ID, Role: auth.RoleOwner}

	if _, err := w.svc.UnlinkIdentity(w.ctx, newbie, xa.LinkID()); codeOf(err) != "not_found" {
		t.Fatalf("unlinking someone else's identity: %v", err)
	}
	if _, err := w.svc.UnlinkIdentity(w.ctx, newbie, xn.LinkID()); codeOf(err) != "last_link" {
		t.Fatalf("unlinking the only way in: %v", err)
	}
	if w.linkOf(t, xn) != "newbie" {
		t.Fatal("the last link went")
	}
	if _, err := w.svc.UnlinkIdentity(w.ctx, alice, xa.LinkID()); err != nil {
		t.Fatal(err)
	}
	if w.linkOf(t, xa) != "" {
		t.Fatal("still linked")
	}
}
