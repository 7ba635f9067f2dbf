package auth_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/auth"
)

// The login responses a person sees.
const (
	codeOK      = "ok"
	codeBad     = "bad_login"
	codeLocked  = "account_locked"
	codeIPLimit = "too_many_attempts"
	msgBad      = "登录名或密码错误"
	msgLocked   = "账号已锁定，请 15 分钟后再试"
	msgIPLimit  = "登录尝试过于频繁，请 15 分钟后再试"
)

// outcome is everything a login attempt reveals to the caller.
type outcome struct {
	Kind    apperr.Kind
	Code    string
	Message string
	Fields  int
}

func outcomeOf(err error) outcome {
	if err == nil {
		return outcome{Code: codeOK}
	}
	e, ok := apperr.As(err)
	if !ok {
		return outcome{Code: "unclassified: " + err.Error()}
	}
	return outcome{Kind: e.Kind, Code: e.Code, Message: e.Message, Fields: len(e.Fields)}
}

var (
	wantBad    = outcome{Kind: apperr.KindUnauthorized, Code: codeBad, Message: msgBad}
	wantLocked = outcome{Kind: apperr.KindTooMany, Code: codeLocked, Message: msgLocked}
	wantIP     = outcome{Kind: apperr.KindTooMany, Code: codeIPLimit, Message: msgIPLimit}
	wantOK     = outcome{Code: codeOK}
)

func TestLoginOK(t *testing.T) {
	f := newFixture(t)
	_, org := f.register(t, "alice")
	before := f.clock.Now()
	tok, sess, u, err := f.svc.Login(f.ctx, "alice", goodPassword, "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	if tok == "" || sess.ID == tok || sess.UserID != "alice" || sess.CSRF == "" {
		t.Fatalf("token %q, session %+v", tok, sess)
	}
	if !sess.ExpiresAt.Equal(before.Add(auth.SessionLifetime)) || !sess.CreatedAt.Equal(before) {
		t.Fatalf("session times %v – %v, want %v + %v", sess.CreatedAt, sess.ExpiresAt, before, auth.SessionLifetime)
	}
	if !u.LastLoginAt.Equal(before) {
		t.Fatalf("last login %v, want %v", u.LastLoginAt, before)
	}
	p, got, err := f.svc.SessionPrincipal(f.ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	want := auth.Principal{UserID: "alice", Name: "王建国", Role: auth.RoleAgency, OrgID: org.ID, OrgName: org.Name, Region: org.Region, Via: "session"}
	if p != want || got.CSRF != sess.CSRF {
		t.Fatalf("principal %+v, want %+v", p, want)
	}
	// A second login opens a second, independent session.
	tok2, _, _, err := f.svc.Login(f.ctx, "alice", goodPassword, "192.0.2.1")
	if err != nil || tok2 == tok {
		t.Fatalf("second login: %q, %v", tok2, err)
	}
}

func TestLoginWrongPassword(t *testing.T) {
	f := newFixture(t)
	f.register(t, "alice")
	for _, pw := range []string{"", "correct-horse-43", goodPassword + " ", "CORRECT-HORSE-42"} {
		_, _, _, err := f.svc.Login(f.ctx, "alice", pw, "192.0.2.1")
		if got := outcomeOf(err); got != wantBad {
			t.Errorf("password %q: %+v, want %+v", pw, got, wantBad)
		}
	}
}

// step is one login attempt after moving the clock.
type step struct {
	advance  time.Duration
	password string
	want     outcome
}

// runSteps plays steps against login and returns what each attempt showed.
func runSteps(t *testing.T, f *fixture, login, ip string, steps []step) []outcome {
	t.Helper()
	var got []outcome
	for i, s := range steps {
		f.clock.Advance(s.advance)
		_, _, _, err := f.svc.Login(f.ctx, login, s.password, ip)
		o := outcomeOf(err)
		got = append(got, o)
		if o != s.want {
			t.Errorf("%s attempt %d (at +%v, password %q): %+v, want %+v", login, i+1, s.advance, s.password, o, s.want)
		}
	}
	return got
}

func TestAccountLockout(t *testing.T) {
	const wrong = "wrong-password-1"
	// Five failures within 15 minutes lock the account for 15 minutes; the
	// lock answers the same whether or not the password is right.
	lockSteps := []step{
		{0, wrong, wantBad},
		{time.Minute, wrong, wantBad},
		{time.Minute, wrong, wantBad},
		{time.Minute, wrong, wantBad},
		{time.Minute, wrong, wantLocked}, // fifth failure within 4 minutes
		{0, goodPassword, wantLocked},
		{time.Minute, wrong, wantLocked},
		{13*time.Minute + 59*time.Second, goodPassword, wantLocked}, // 14:59 after locking
	}

	t.Run("existing account", func(t *testing.T) {
		f := newFixture(t)
		f.register(t, "alice")
		runSteps(t, f, "alice", "198.51.100.1", lockSteps)
		// Exactly 15 minutes after the fifth failure the lock is over.
		f.clock.Advance(time.Second)
		if _, _, _, err := f.svc.Login(f.ctx, "alice", goodPassword, "198.51.100.1"); err != nil {
			t.Fatalf("login after the lock expired: %v", err)
		}
	})

	t.Run("non-existent account answers exactly the same", func(t *testing.T) {
		fa := newFixture(t)
		fa.register(t, "alice")
		existing := runSteps(t, fa, "alice", "198.51.100.2", lockSteps)
		fn := newFixture(t)
		missing := runSteps(t, fn, "nobody-here", "198.51.100.3", lockSteps)
		for i := range existing {
			if existing[i] != missing[i] {
				t.Errorf("attempt %d: existing account %+v, missing account %+v", i+1, existing[i], missing[i])
			}
		}
		// After the lock, a missing account is still just a bad login.
		fn.clock.Advance(time.Second)
		_, _, _, err := fn.svc.Login(fn.ctx, "nobody-here", goodPassword, "198.51.100.3")
		if got := outcomeOf(err); got != wantBad {
			t.Fatalf("after the lock: %+v", got)
		}
	})

	t.Run("failures outside the window do not count", func(t *testing.T) {
		f := newFixture(t)
		f.register(t, "alice")
		runSteps(t, f, "alice", "198.51.100.4", []step{
			{0, wrong, wantBad},               // 0:00
			{4 * time.Minute, wrong, wantBad}, // 4:00
			{4 * time.Minute, wrong, wantBad}, // 8:00
			{4 * time.Minute, wrong, wantBad}, // 12:00
			{3 * time.Minute, wrong, wantBad}, // 15:00 — the 0:00 failure has left the window
			{time.Minute, wrong, wantLocked},  // 16:00 — five within 4:00…16:00
		})
	})

	t.Run("a successful login clears the failures", func(t *testing.T) {
		f := newFixture(t)
		f.register(t, "alice")
		steps := []step{}
		for i := 0; i < 4; i++ {
			steps = append(steps, step{time.Second, wrong, wantBad})
		}
		steps = append(steps, step{time.Second, goodPassword, wantOK})
		for i := 0; i < 4; i++ {
			steps = append(steps, step{time.Second, wrong, wantBad})
		}
		steps = append(steps, step{time.Second, wrong, wantLocked})
		runSteps(t, f, "alice", "198.51.100.5", steps)
	})

	t.Run("the lock is per account", func(t *testing.T) {
		f := newFixture(t)
		f.register(t, "alice")
		f.register(t, "bob")
		runSteps(t, f, "alice", "198.51.100.6", lockSteps[:5])
		if _, _, _, err := f.svc.Login(f.ctx, "bob", goodPassword, "198.51.100.6"); err != nil {
			t.Fatalf("bob is affected by alice's lock: %v", err)
		}
	})

	t.Run("the account name is matched case-insensitively", func(t *testing.T) {
		f := newFixture(t)
		f.register(t, "alice")
		runSteps(t, f, "alice", "198.51.100.7", []step{
			{0, wrong, wantBad}, {0, wrong, wantBad}, {0, wrong, wantBad}, {0, wrong, wantBad},
		})
		runSteps(t, f, " ALICE ", "198.51.100.7", []step{{0, wrong, wantLocked}, {0, goodPassword, wantLocked}})
	})
}

func TestLoginPerIPLimit(t *testing.T) {
	f := newFixture(t)
	f.register(t, "alice")
	const ip = "203.0.113.9"
	// Failures spread over many accounts, so no account gets locked. (Real
	// accounts with cheap test hashes: a missing account costs a full-cost
	// bcrypt comparison, which is slow under the race detector.)
	for i := 0; i < auth.MaxIPFailures; i++ {
		f.register(t, fmt.Sprintf("guess%02d", i))
	}
	for i := 0; i < auth.MaxIPFailures; i++ {
		_, _, _, err := f.svc.Login(f.ctx, fmt.Sprintf("guess%02d", i), "wrong-password-1", ip)
		if got := outcomeOf(err); got != wantBad {
			t.Fatalf("attempt %d: %+v", i+1, got)
		}
		f.clock.Advance(10 * time.Second)
	}
	// 30 failures in 5 minutes: the address is refused even with the right
	// password, and the refusal does not count against the account.
	for i := 0; i < auth.MaxFailures+1; i++ {
		_, _, _, err := f.svc.Login(f.ctx, "alice", goodPassword, ip)
		if got := outcomeOf(err); got != wantIP {
			t.Fatalf("attempt from a limited address: %+v, want %+v", got, wantIP)
		}
	}
	if _, _, _, err := f.svc.Login(f.ctx, "alice", goodPassword, "203.0.113.10"); err != nil {
		t.Fatalf("another address is limited too: %v", err)
	}
	// 15 minutes after the first failure it leaves the window and the address may try again.
	f.clock.Advance(auth.FailureWindow - auth.MaxIPFailures*10*time.Second + time.Second)
	if _, _, _, err := f.svc.Login(f.ctx, "alice", goodPassword, ip); err != nil {
		t.Fatalf("after the window: %v", err)
	}
}

func TestSessionExpiry(t *testing.T) {
	f := newFixture(t)
	f.register(t, "alice")
	tok, _, _, err := f.svc.Login(f.ctx, "alice", goodPassword, "")
	if err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(auth.SessionLifetime - time.Second)
	if _, _, err := f.svc.SessionPrincipal(f.ctx, tok); err != nil {
		t.Fatalf("one second before expiry: %v", err)
	}
	f.clock.Advance(time.Second)
	_, _, err = f.svc.SessionPrincipal(f.ctx, tok)
	if e := appErr(t, err, apperr.KindUnauthorized); e.Message != "登录已过期，请重新登录" {
		t.Fatalf("at expiry: %q", e.Message)
	}
	// The expired session is gone; moving the clock back does not revive it.
	f.clock.Advance(-time.Hour)
	_, _, err = f.svc.SessionPrincipal(f.ctx, tok)
	if e := appErr(t, err, apperr.KindUnauthorized); e.Message != "登录已失效，请重新登录" {
		t.Fatalf("after expiry: %q", e.Message)
	}
}

func TestSessionUnknownAndLogout(t *testing.T) {
	f := newFixture(t)
	f.register(t, "alice")
	for _, tok := range []string{"", "made-up", "0000000000000000000000000000000000000000000000000000000000000000"} {
		_, _, err := f.svc.SessionPrincipal(f.ctx, tok)
		appErr(t, err, apperr.KindUnauthorized)
	}
	tok, sess, _, err := f.svc.Login(f.ctx, "alice", goodPassword, "")
	if err != nil {
		t.Fatal(err)
	}
	// The stored session ID is not the cookie value, so it cannot be used as one.
	if _, _, err := f.svc.SessionPrincipal(f.ctx, sess.ID); err == nil {
		t.Fatal("the stored session ID works as a cookie value")
	}
	other, _, _, err := f.svc.Login(f.ctx, "alice", goodPassword, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.svc.Logout(f.ctx, tok); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.svc.SessionPrincipal(f.ctx, tok); !apperr.Is(err, apperr.KindUnauthorized) {
		t.Fatalf("after logout: %v", err)
	}
	if _, _, err := f.svc.SessionPrincipal(f.ctx, other); err != nil {
		t.Fatalf("logout ended another session: %v", err)
	}
	for _, tok := range []string{tok, ""} { // logging out twice, or without a cookie, is fine
		if err := f.svc.Logout(f.ctx, tok); err != nil {
			t.Fatalf("logout %q: %v", tok, err)
		}
	}
}

func TestDisabledUser(t *testing.T) {
	f := newFixture(t)
	admin := f.admin(t)
	f.register(t, "alice")
	sessTok, _, _, err := f.svc.Login(f.ctx, "alice", goodPassword, "")
	if err != nil {
		t.Fatal(err)
	}
	alice, _, err := f.svc.SessionPrincipal(f.ctx, sessTok)
	if err != nil {
		t.Fatal(err)
	}
	apiTok, _, err := f.svc.CreateToken(f.ctx, alice, "ci")
	if err != nil {
		t.Fatal(err)
	}

	// Only an admin may disable, and not themself.
	_, err = f.svc.SetUserDisabled(f.ctx, alice, "alice", true)
	appErr(t, err, apperr.KindForbidden)
	_, err = f.svc.SetUserDisabled(f.ctx, admin, admin.UserID, true)
	if e := appErr(t, err, apperr.KindInvalid); e.Code != "self_disable" {
		t.Fatalf("self disable: %+v", e)
	}
	_, err = f.svc.SetUserDisabled(f.ctx, admin, "nobody", true)
	appErr(t, err, apperr.KindNotFound)

	u, err := f.svc.SetUserDisabled(f.ctx, admin, "alice", true)
	if err != nil || !u.Disabled {
		t.Fatalf("disable: %+v, %v", u, err)
	}
	// The session ended at once, the token no longer works, and logging in
	// looks exactly like a wrong password.
	_, _, err = f.svc.SessionPrincipal(f.ctx, sessTok)
	appErr(t, err, apperr.KindUnauthorized)
	_, err = f.svc.TokenPrincipal(f.ctx, apiTok)
	if e := appErr(t, err, apperr.KindUnauthorized); e.Message != "账号已停用，请联系平台管理员" {
		t.Fatalf("token of a disabled user: %q", e.Message)
	}
	_, _, _, err = f.svc.Login(f.ctx, "alice", goodPassword, "")
	if got := outcomeOf(err); got != wantBad {
		t.Fatalf("login of a disabled user: %+v", got)
	}

	// Enabled again, the account works; the old session stays ended.
	if _, err := f.svc.SetUserDisabled(f.ctx, admin, "alice", false); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := f.svc.Login(f.ctx, "alice", goodPassword, ""); err != nil {
		t.Fatalf("login after re-enabling: %v", err)
	}
	if _, _, err := f.svc.SessionPrincipal(f.ctx, sessTok); err == nil {
		t.Fatal("the session of the disabled period came back")
	}
}

func TestChangePassword(t *testing.T) {
	f := newFixture(t)
	f.register(t, "alice")
	tok, _, _, err := f.svc.Login(f.ctx, "alice", goodPassword, "")
	if err != nil {
		t.Fatal(err)
	}
	p, _, err := f.svc.SessionPrincipal(f.ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, old, new, field string
	}{
		{"wrong old password", "not-my-password", "a-new-password-1", "old_password"},
		{"new password too short", goodPassword, "short", "new_password"},
	}
	for _, tc := range cases {
		err := f.svc.ChangePassword(f.ctx, p, tc.old, tc.new)
		if e := appErr(t, err, apperr.KindInvalid); e.Fields[tc.field] == "" {
			t.Errorf("%s: fields %v", tc.name, e.Fields)
		}
	}
	if err := f.svc.ChangePassword(f.ctx, p, goodPassword, "a-new-password-1"); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := f.svc.Login(f.ctx, "alice", goodPassword, ""); outcomeOf(err) != wantBad {
		t.Fatalf("old password still works: %v", err)
	}
	if _, _, _, err := f.svc.Login(f.ctx, "alice", "a-new-password-1", ""); err != nil {
		t.Fatalf("new password: %v", err)
	}
}

func TestCreateRegulator(t *testing.T) {
	f := newFixture(t)
	admin := f.admin(t)
	in := auth.CreateRegulatorInput{OrgName: "兰州市生态环境局", Department: "生态环境", Region: "620100",
		Login: "hb-zhang", Name: "张科长", Password: goodPassword}

	f.register(t, "alice")
	tok, _, _, _ := f.svc.Login(f.ctx, "alice", goodPassword, "")
	alice, _, _ := f.svc.SessionPrincipal(f.ctx, tok)
	_, _, err := f.svc.CreateRegulator(f.ctx, alice, in)
	appErr(t, err, apperr.KindForbidden)

	u, org, err := f.svc.CreateRegulator(f.ctx, admin, in)
	if err != nil {
		t.Fatal(err)
	}
	if u.Role != auth.RoleRegulator || org.Kind != auth.OrgRegulator || org.Region != "620100" || u.OrgID != org.ID {
		t.Fatalf("user %+v, organisation %+v", u, org)
	}
	if _, _, _, err := f.svc.Login(f.ctx, "hb-zhang", goodPassword, ""); err != nil {
		t.Fatalf("regulator login: %v", err)
	}

	// A second account in the same department.
	second := auth.CreateRegulatorInput{OrgID: org.ID, Login: "hb-li", Name: "李科员", Password: goodPassword}
	if u2, _, err := f.svc.CreateRegulator(f.ctx, admin, second); err != nil || u2.OrgID != org.ID {
		t.Fatalf("second account: %+v, %v", u2, err)
	}

	bad := []struct {
		name  string
		edit  func(*auth.CreateRegulatorInput)
		field string
	}{
		{"login taken", func(in *auth.CreateRegulatorInput) {}, "login"},
		{"no department name", func(in *auth.CreateRegulatorInput) { in.Login, in.OrgName = "hb-new", " " }, "org_name"},
		{"bad region", func(in *auth.CreateRegulatorInput) { in.Login, in.Region = "hb-new", "62" }, "region"},
		{"department that is not a regulator", func(in *auth.CreateRegulatorInput) { in.Login, in.OrgID = "hb-new", "platform" }, "org_id"},
		{"short password", func(in *auth.CreateRegulatorInput) { in.Login, in.Password = "hb-new", "123" }, "password"},
	}
	for _, tc := range bad {
		x := in
		tc.edit(&x)
		_, _, err := f.svc.CreateRegulator(f.ctx, admin, x)
		if e := appErr(t, err, apperr.KindInvalid); e.Fields[tc.field] == "" {
			t.Errorf("%s: fields %v", tc.name, e.Fields)
		}
	}
}
