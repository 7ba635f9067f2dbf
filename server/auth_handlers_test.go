package server

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/web"
)

func registration(t testing.TB, login string) registerRequest {
	return registerRequest{Kind: "agency", OrgName: "甘肃陇原工程咨询有限公司", USCC: validUSCC(t, "91620103MA72PB6R1"),
		Region: "620103", Contact: "张伟", Phone: "0931-8888888", Login: login, Name: "张伟", Password: testPassword}
}

func TestRegisterLoginMeLogout(t *testing.T) {
	e := newEnv(t)
	c := e.client()

	var acct accountResponse
	c.do("POST", "/api/v1/auth/register", registration(t, "lyzx")).want(http.StatusOK).decode(&acct)
	if acct.User.Login != "lyzx" || acct.User.Role != "agency" || acct.Org.Kind != "agency" || acct.Org.USCC == "" {
		t.Fatalf("registered %+v", acct)
	}
	// The same login or the same credit code cannot register twice.
	dup := c.do("POST", "/api/v1/auth/register", registration(t, "lyzx")).want(http.StatusBadRequest).errBody()
	if dup.Fields["login"] == "" {
		t.Errorf("duplicate login: %+v", dup)
	}

	c.do("GET", "/api/v1/me", nil).want(http.StatusUnauthorized)
	c.login("LYZX", testPassword) // login names are case-insensitive

	var me meResponse
	c.do("GET", "/api/v1/me", nil).want(http.StatusOK).decode(&me)
	if me.User.Login != "lyzx" || me.Org == nil || me.Org.Name != "甘肃陇原工程咨询有限公司" || me.Via != "session" || me.CSRFToken != c.csrf {
		t.Fatalf("me = %+v", me)
	}
	if me.User.LastLoginAt == nil {
		t.Error("last_login_at not set after login")
	}

	// A state change with the session cookie needs the CSRF header.
	csrf := c.csrf
	c.csrf = ""
	body := passwordRequest{OldPassword: testPassword, NewPassword: "another-long-password"}
	if eb := c.do("POST", "/api/v1/me/password", body).want(http.StatusForbidden).errBody(); !strings.Contains(eb.Message, "刷新") {
		t.Errorf("CSRF refusal message %q", eb.Message)
	}
	c.csrf = "wrong-" + csrf
	c.do("POST", "/api/v1/me/password", body).want(http.StatusForbidden)
	c.csrf = csrf
	c.do("POST", "/api/v1/me/password", passwordRequest{OldPassword: "not-the-password", NewPassword: "another-long-password"}).
		want(http.StatusBadRequest)
	c.do("POST", "/api/v1/me/password", body).want(http.StatusNoContent)

	c.do("POST", "/api/v1/auth/logout", nil).want(http.StatusNoContent)
	if _, ok := c.cookies[web.SessionCookie]; ok {
		t.Error("session cookie not cleared by logout")
	}
	c.do("GET", "/api/v1/me", nil).want(http.StatusUnauthorized)

	// The new password works, the old one does not.
	c2 := e.client()
	c2.do("POST", "/api/v1/auth/login", loginRequest{Login: "lyzx", Password: testPassword}).want(http.StatusUnauthorized)
	c2.login("lyzx", "another-long-password")

	var actions []string
	for _, r := range e.auditRecords() {
		actions = append(actions, r.Action)
		for _, secret := range []string{testPassword, "another-long-password", csrf} {
			if strings.Contains(r.Summary, secret) || strings.Contains(r.Target, secret) {
				t.Errorf("audit record %d leaks a secret: %+v", r.Seq, r)
			}
		}
	}
	want := "user.register user.login user.password user.logout user.login"
	if got := strings.Join(actions, " "); got != want {
		t.Errorf("audit actions %q, want %q", got, want)
	}
}

func TestSessionCookieAttributes(t *testing.T) {
	e := newEnv(t)
	e.account("owner1", auth.RoleOwner)
	r := e.client().do("POST", "/api/v1/auth/login", loginRequest{Login: "owner1", Password: testPassword}).want(http.StatusOK)
	for _, ck := range r.Result().Cookies() {
		if ck.Name == web.SessionCookie {
			if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" || ck.MaxAge <= 0 {
				t.Errorf("session cookie %+v", ck)
			}
			return
		}
	}
	t.Fatal("no session cookie")
}

func TestLoginLockout(t *testing.T) {
	const locked = "账号已锁定，请 15 分钟后再试"
	e := newEnv(t)
	e.account("owner1", auth.RoleOwner)
	for _, login := range []string{"owner1", "nobody-here"} {
		t.Run(login, func(t *testing.T) {
			c := e.client()
			c.e = &env{t: t, app: e.app}
			var msgs []string
			for i := 1; i <= auth.MaxFailures; i++ {
				r := c.do("POST", "/api/v1/auth/login", loginRequest{Login: login, Password: "wrong-password-" + string(rune('a'+i))})
				if i < auth.MaxFailures {
					r.want(http.StatusUnauthorized)
				} else {
					r.want(http.StatusTooManyRequests)
				}
				msgs = append(msgs, r.errBody().Message)
			}
			if msgs[0] != "登录名或密码错误" || msgs[auth.MaxFailures-1] != locked {
				t.Errorf("messages %q", msgs)
			}
			// Locked: even the right password is refused, with the same message.
			r := c.do("POST", "/api/v1/auth/login", loginRequest{Login: login, Password: testPassword}).want(http.StatusTooManyRequests)
			if m := r.errBody().Message; m != locked {
				t.Errorf("locked message %q", m)
			}
		})
	}
	if n := len(e.auditRecords()); n != 0 {
		t.Errorf("failed logins wrote %d audit records", n)
	}
	if has, _ := e.auth.HasUsers(context.Background()); !has {
		t.Fatal("lost the user")
	}
}

func TestLoginMissingFields(t *testing.T) {
	e := newEnv(t)
	eb := e.client().do("POST", "/api/v1/auth/login", `{}`).want(http.StatusBadRequest).errBody()
	if eb.Fields["login"] == "" || eb.Fields["password"] == "" {
		t.Errorf("fields %+v", eb.Fields)
	}
}
