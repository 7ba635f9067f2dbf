package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/web"
)

// Sessions, CSRF, API tokens and login throttling through the whole app.
// The service-level rules have their own tests (auth/login_test.go,
// auth/token_test.go); these prove them at the HTTP surface, where a
// browser or a program meets them. Existing HTTP tests of the same area:
// server/auth_handlers_test.go (CSRF header on JSON with a session,
// account lockout with its Chinese message), server/me_handlers_test.go
// (bearer token lifecycle and revocation), admin-ui/pages_test.go (form
// posts without or with a forged token, token revocation on the account
// page).

// TestCSRFRefusesCrossSiteRequests: a state change that rides on the
// session cookie needs the session's CSRF token — as a form field or the
// X-CSRF-Token header — whatever the content type a cross-site page can
// send without a preflight (form, multipart, text/plain) and for JSON. The
// refused request changes nothing and is not recorded as the user's own
// attempt (the user is the victim, not the author).
func TestCSRFRefusesCrossSiteRequests(t *testing.T) {
	w := newWorld(t)
	o1 := w.owners[0]
	draft := w.createProject("兰州新区供水管网改造工程水土保持方案", worldRegion, false)
	before := len(w.auditRecords())
	forged := func(method, path, ctype, body, token string) *httptest.ResponseRecorder {
		c := &caller{cookies: maps(o1.cookies), csrf: token}
		return w.do(c, method, path, ctype, body)
	}
	for _, tc := range []struct {
		name, method, path, ctype, body, token string
	}{
		{"form post without a token", "POST", "/projects/" + draft + "/publish", "application/x-www-form-urlencoded", "", ""},
		{"form post with a forged token", "POST", "/projects/" + draft + "/publish", "application/x-www-form-urlencoded",
			url.Values{web.CSRFField: {"forged-token-forged-token-0000"}}.Encode(), ""},
		{"form post with the token of another session", "POST", "/projects/" + draft + "/publish", "application/x-www-form-urlencoded",
			url.Values{web.CSRFField: {w.owners[1].csrf}}.Encode(), ""},
		{"text/plain post", "POST", "/projects/" + draft + "/publish", "text/plain", "csrf_token=x", ""},
		{"multipart post", "POST", "/projects/" + draft + "/publish", "multipart/form-data; boundary=x", "--x--\r\n", ""},
		{"JSON without the header", "POST", "/api/v1/projects/" + draft + "/publish", "application/json", "{}", ""},
		{"JSON with a wrong header", "POST", "/api/v1/projects/" + draft + "/publish", "application/json", "{}", "wrong-token-wrong-token-0000"},
		{"DELETE without the header", "DELETE", "/api/v1/me/tokens/some-token", "", "", ""},
		{"logout without a token", "POST", "/logout", "application/x-www-form-urlencoded", "", ""},
	} {
		rec := forged(tc.method, tc.path, tc.ctype, tc.body, tc.token)
		if rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), "页面已过期或请求来源不可信") {
			t.Errorf("%s: %d %.200s", tc.name, rec.Code, rec.Body)
		}
	}
	var p worldProject
	w.must(o1, "GET", "/api/v1/projects/"+draft, nil, &p)
	if p.State != "draft" {
		t.Errorf("a refused request published the draft: %s", p.State)
	}
	w.must(o1, "GET", "/api/v1/me", nil, nil) // still logged in: the forged logout did nothing
	if n := len(w.auditRecords()); n != before {
		t.Errorf("refused cross-site requests wrote %d audit records", n-before)
	}
	// With the token the same request goes through.
	w.must(o1, "POST", "/api/v1/projects/"+draft+"/publish", nil, &p)
	if p.State != "open" {
		t.Errorf("published with the token: %s", p.State)
	}
}

// TestLogoutEndsTheSessionOnTheServer: after logging out, the old cookie
// value — replayed by someone who copied it — no longer authenticates, for
// the JSON API and for pages, whichever way the logout was made.
func TestLogoutEndsTheSessionOnTheServer(t *testing.T) {
	w := newWorld(t)
	for _, how := range []string{"api", "page"} {
		u := w.agencies[0]
		u.caller = w.login(u.login)
		stolen := maps(u.cookies)
		if how == "api" {
			w.must(u, "POST", "/api/v1/auth/logout", nil, nil)
		} else {
			rec := w.call(u, "POST", "/logout", map[string]string{})
			if rec.Code != http.StatusSeeOther {
				t.Fatalf("page logout: %d", rec.Code)
			}
		}
		replay := &caller{cookies: stolen}
		if rec := w.do(replay, "GET", "/api/v1/me", "", ""); rec.Code != http.StatusUnauthorized {
			t.Errorf("%s logout: the old cookie still works on the API: %d", how, rec.Code)
		}
		if rec := w.do(replay, "GET", "/workspace", "", ""); rec.Code != http.StatusSeeOther ||
			!strings.HasPrefix(rec.Header().Get("Location"), "/login") {
			t.Errorf("%s logout: the old cookie still opens pages: %d", how, rec.Code)
		}
	}
}

// TestPasswordChangeEndsOtherSessions: changing the password (API or page)
// ends every other browser session of the account at once — a session
// opened with a stolen password stops working — while the browser that
// made the change stays logged in. API tokens are credentials of their
// own and are revoked one by one (TestRevokedTokenIsRefused).
func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	w := newWorld(t)
	u := w.owners[1]
	pw := worldPassword
	for i, how := range []string{"api", "page"} {
		here, thief := w.loginWith(u.login, pw), w.loginWith(u.login, pw)
		var tok struct{ Secret string }
		w.must(&worldUser{name: u.name, login: u.login, caller: here}, "POST", "/api/v1/me/tokens", map[string]string{"name": fmt.Sprintf("同步 %d", i)}, &tok)
		next := fmt.Sprintf("a-new-password-%d", i)
		if how == "api" {
			rec := w.do(here, "POST", "/api/v1/me/password", "application/json",
				fmt.Sprintf(`{"old_password":%q,"new_password":%q}`, pw, next))
			if rec.Code != http.StatusNoContent {
				t.Fatalf("change password: %d %s", rec.Code, rec.Body)
			}
		} else {
			form := url.Values{web.CSRFField: {here.csrf}, "old_password": {pw}, "new_password": {next}, "new_password2": {next}}
			if rec := w.do(here, "POST", "/account/password", "application/x-www-form-urlencoded", form.Encode()); rec.Code != http.StatusSeeOther {
				t.Fatalf("change password (page): %d %s", rec.Code, rec.Body)
			}
		}
		pw = next
		if rec := w.do(thief, "GET", "/api/v1/me", "", ""); rec.Code != http.StatusUnauthorized {
			t.Errorf("%s: the other session survived the password change: %d", how, rec.Code)
		}
		if rec := w.do(here, "GET", "/api/v1/me", "", ""); rec.Code != http.StatusOK {
			t.Errorf("%s: the session that changed the password was lost: %d", how, rec.Code)
		}
		if rec := w.do(&caller{cookies: map[string]string{}, bearer: tok.Secret}, "GET", "/api/v1/me", "", ""); rec.Code != http.StatusOK {
			t.Errorf("%s: the API token stopped working: %d", how, rec.Code)
		}
		// The old password no longer logs in; the new one does.
		rec := w.do(anonymous(), "POST", "/api/v1/auth/login", "application/json", fmt.Sprintf(`{"login":%q,"password":%q}`, u.login, worldPassword))
		if rec.Code != http.StatusUnauthorized {
			t.Errorf("%s: the old password still logs in: %d", how, rec.Code)
		}
		rec = w.do(anonymous(), "POST", "/api/v1/auth/login", "application/json", fmt.Sprintf(`{"login":%q,"password":%q}`, u.login, pw))
		if rec.Code != http.StatusOK {
			t.Errorf("%s: the new password does not log in: %d", how, rec.Code)
		}
	}
}

// TestRevokedTokenIsRefused: a revoked API token answers 401 at once, on
// the API and on pages; another token of the same user keeps working.
func TestRevokedTokenIsRefused(t *testing.T) {
	w := newWorld(t)
	u := w.regIn
	var one, two struct {
		Secret string
		Token  struct{ ID string }
	}
	w.must(u, "POST", "/api/v1/me/tokens", map[string]string{"name": "报表抓取"}, &one)
	w.must(u, "POST", "/api/v1/me/tokens", map[string]string{"name": "备用"}, &two)
	prog := &caller{cookies: map[string]string{}, bearer: one.Secret}
	if rec := w.do(prog, "GET", "/api/v1/supervision/alerts", "", ""); rec.Code != http.StatusOK {
		t.Fatalf("token before revocation: %d", rec.Code)
	}
	w.must(u, "DELETE", "/api/v1/me/tokens/"+one.Token.ID, nil, nil)
	for _, path := range []string{"/api/v1/me", "/api/v1/supervision/alerts", "/workspace"} {
		rec := w.do(prog, "GET", path, "", "")
		if rec.Code != http.StatusUnauthorized || !strings.Contains(rec.Body.String(), "API 令牌无效或已撤销") {
			t.Errorf("revoked token on %s: %d %.300s", path, rec.Code, rec.Body)
		}
	}
	if rec := w.do(&caller{cookies: map[string]string{}, bearer: two.Secret}, "GET", "/api/v1/me", "", ""); rec.Code != http.StatusOK {
		t.Errorf("the other token: %d", rec.Code)
	}
}

// loginWith logs a user in with a password.
func (w *world) loginWith(login, password string) *caller {
	w.t.Helper()
	c := &caller{cookies: map[string]string{}}
	rec := w.do(c, "POST", "/api/v1/auth/login", "application/json", fmt.Sprintf(`{"login":%q,"password":%q}`, login, password))
	var out struct {
		CSRFToken string `json:"csrf_token"`
	}
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &out) != nil {
		w.t.Fatalf("login %s: %d %s", login, rec.Code, rec.Body)
	}
	c.csrf = out.CSRFToken
	return c
}

// loginFrom posts a login from an address, with extra headers.
func (w *world) loginFrom(addr, login, password string, header map[string]string) *httptest.ResponseRecorder {
	req := httptest.NewRequest("POST", "/api/v1/auth/login", strings.NewReader(fmt.Sprintf(`{"login":%q,"password":%q}`, login, password)))
	req.Header.Set("Content-Type", "application/json")
	req.RemoteAddr = addr + ":40000"
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	w.app.ServeHTTP(rec, req)
	return rec
}

// TestLoginThrottling: five failures lock an account for 15 minutes with a
// Chinese message, even for the right password, on the API and the login
// page, and the lock ends on time; 30 failures from one address (spread
// over many account names) block that address — X-Forwarded-For from an
// untrusted client does not get around it — while other addresses still
// log in.
func TestLoginThrottling(t *testing.T) {
	w := newWorld(t)
	const locked, ipLimited = "账号已锁定，请 15 分钟后再试", "登录尝试过于频繁，请 15 分钟后再试"
	victim := w.agencies[1].login
	msg := func(rec *httptest.ResponseRecorder) string {
		var eb web.ErrorBody
		_ = json.Unmarshal(rec.Body.Bytes(), &eb)
		return eb.Error.Message
	}
	for i := 1; i <= auth.MaxFailures; i++ {
		rec := w.loginFrom("198.51.100.7", victim, fmt.Sprintf("wrong-password-%d", i), nil)
		want := http.StatusUnauthorized
		if i == auth.MaxFailures {
			want = http.StatusTooManyRequests
		}
		if rec.Code != want {
			t.Fatalf("failure %d: %d %s", i, rec.Code, rec.Body)
		}
	}
	if rec := w.loginFrom("203.0.113.9", victim, worldPassword, nil); rec.Code != http.StatusTooManyRequests || msg(rec) != locked {
		t.Errorf("locked account, right password, other address: %d %q", rec.Code, msg(rec))
	}
	page := w.do(anonymous(), "POST", "/login", "application/x-www-form-urlencoded",
		url.Values{web.CSRFField: {anonymous().csrf}, "login": {victim}, "password": {worldPassword}}.Encode())
	if page.Code != http.StatusTooManyRequests || !strings.Contains(page.Body.String(), locked) {
		t.Errorf("login page on a locked account: %d", page.Code)
	}
	w.clk.set(w.clk.now().Add(auth.LockDuration + auth.FailureWindow))
	if rec := w.loginFrom("203.0.113.9", victim, worldPassword, nil); rec.Code != http.StatusOK {
		t.Errorf("after the lock: %d %s", rec.Code, rec.Body)
	}

	// One address trying many names.
	const attacker = "198.51.100.66"
	for i := 0; i < auth.MaxIPFailures; i++ {
		w.loginFrom(attacker, fmt.Sprintf("guess-%02d", i), "wrong-password", map[string]string{"X-Forwarded-For": fmt.Sprintf("10.0.0.%d", i)})
	}
	for _, hdr := range []map[string]string{nil, {"X-Forwarded-For": "10.9.9.9"}, {"X-Real-IP": "10.9.9.8"}} {
		rec := w.loginFrom(attacker, w.agencies[2].login, worldPassword, hdr)
		if rec.Code != http.StatusTooManyRequests || msg(rec) != ipLimited {
			t.Errorf("blocked address (headers %v): %d %q", hdr, rec.Code, msg(rec))
		}
	}
	if rec := w.loginFrom("203.0.113.10", w.agencies[2].login, worldPassword, nil); rec.Code != http.StatusOK {
		t.Errorf("another address: %d %s", rec.Code, rec.Body)
	}
	w.clk.set(w.clk.now().Add(auth.FailureWindow))
	if rec := w.loginFrom(attacker, w.agencies[2].login, worldPassword, nil); rec.Code != http.StatusOK {
		t.Errorf("the address after the window: %d %s", rec.Code, rec.Body)
	}
}
