package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/audit"
	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/mongostore"
	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/web"
)

// The outage test's storage timeouts: shorter than the defaults so the
// test is quick, in the same order (selection gives up before an
// operation does). outageBound is how long any answer may take while the
// database is gone: one operation timeout plus slack for a loaded machine
// and the race detector.
const (
	outageSelectTimeout = 1 * time.Second
	outageOpTimeout     = 2 * time.Second
	outageBound         = outageOpTimeout + 3*time.Second
	outageRecoverBound  = 30 * time.Second
	dbUnavailableMsg    = "数据库暂时不可用，请稍后重试"
)

// TestDatabaseOutage wires the whole application (as serve does) to the
// test database through a TCP proxy on loopback, then takes the database
// away three times while the application keeps running:
//
//   - cut: the proxy closes its listener and every open connection, so
//     the driver sees resets and refused connections;
//   - stall: connections stay open but nothing gets through any more, in
//     either direction (a network partition);
//   - hang: the server still answers the driver's monitor (hello) but no
//     operation comes back (a stuck or overloaded server, a majority write
//     that cannot be acknowledged) — the case only the operation timeout
//     ends.
//
// Each time /readyz turns 503, API calls answer 503 with the standard
// error body and a Chinese message within outageBound instead of hanging,
// the writes attempted meanwhile leave nothing behind (no document, no
// read-model entry, no audit record), and once the proxy is back the same
// application serves again — same sessions, no restart — and the refused
// writes succeed when retried.
func TestDatabaseOutage(t *testing.T) {
	ctx := context.Background()
	proxy := startFaultProxy(t, proxyTarget(t, testDB.URI))
	cfg := mongostore.Config{URI: proxy.uri(t, testDB.URI), DB: testDB.DBName(t),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Timeout: outageSelectTimeout, OpTimeout: outageOpTimeout}
	st, err := mongostore.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		proxy.heal(t)
		cctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = st.CloseAndDrop(cctx)
	})
	f := newFullAppOn(t, st)
	anon := anonymous()
	admin := f.login("admin")
	var tok createdToken
	f.doJSON(admin, "POST", "/api/v1/me/tokens", map[string]string{"name": "监控脚本"}, &tok, http.StatusOK)
	robot := &caller{cookies: map[string]string{}, bearer: tok.Secret}

	f.doJSON(anon, "GET", "/readyz", nil, nil, http.StatusOK)
	f.doJSON(admin, "POST", "/api/v1/service-items", outageItem("OUT-001"), nil, http.StatusOK)
	f.doJSON(robot, "GET", "/api/v1/me", nil, nil, http.StatusOK)

	head, err := audit.Verify(ctx, st.Audit())
	if err != nil || !head.OK() {
		t.Fatalf("audit chain before the outage: %+v, %v", head, err)
	}

	// The writes tried while the database is away: a service item (one
	// document, then the catalog read model) and a registration (an
	// organisation and its first user).
	uscc := outageUSCC(t)
	reg := map[string]string{"kind": "owner", "org_name": "兰州市断网测试投资有限公司", "uscc": uscc,
		"region": "620102", "login": "outage-owner", "name": "孙立", "password": testPassword}
	login := map[string]string{"login": "admin", "password": testPassword}

	for _, fault := range []struct {
		name         string
		break_, heal func()
		item         string
	}{
		{"cut", proxy.cut, func() { proxy.restore(t) }, "OUT-002"},
		{"stall", func() { proxy.setMode(proxyStall) }, proxy.resume, "OUT-003"},
		{"hang", func() { proxy.setMode(proxyHang) }, proxy.resume, "OUT-004"},
	} {
		t.Logf("%s: database away", fault.name)
		fault.break_()

		// All at once, as requests arrive on a live server: a session, a
		// bearer token, the probe, two writes and a login.
		f.wantUnavailable([]outageCall{
			{admin, "GET", "/api/v1/me", nil},
			{robot, "GET", "/api/v1/me", nil},
			{anon, "GET", "/readyz", nil},
			{admin, "POST", "/api/v1/service-items", outageItem(fault.item)},
			{anon, "POST", "/api/v1/auth/register", reg},
			{anon, "POST", "/api/v1/auth/login", login},
		})
		f.doJSON(anon, "GET", "/healthz", nil, nil, http.StatusOK) // the process itself is fine

		t.Logf("%s: database back", fault.name)
		fault.heal()
		f.waitReady(anon)

		// Same process, same session and token: nothing to restart, nobody
		// to log in again.
		f.doJSON(admin, "GET", "/api/v1/me", nil, nil, http.StatusOK)
		f.doJSON(robot, "GET", "/api/v1/me", nil, nil, http.StatusOK)

		// Nothing half-written: the refused writes left no document, no
		// read-model entry and no audit record.
		f.doJSON(anon, "GET", "/api/v1/service-items/"+fault.item, nil, nil, http.StatusNotFound)
		if _, err := st.Catalog().GetServiceItem(ctx, fault.item); !apperr.Is(err, apperr.KindNotFound) {
			t.Errorf("%s: service item %s after the refused write: %v", fault.name, fault.item, err)
		}
		if fault.name == "cut" {
			if _, err := st.Auth().GetOrg(ctx, auth.OrgID(auth.OrgOwner, uscc)); !apperr.Is(err, apperr.KindNotFound) {
				t.Errorf("%s: organisation of the refused registration: %v", fault.name, err)
			}
			if _, err := st.Auth().GetUser(ctx, "outage-owner"); !apperr.Is(err, apperr.KindNotFound) {
				t.Errorf("%s: user of the refused registration: %v", fault.name, err)
			}
		}
		v, err := audit.Verify(ctx, st.Audit())
		if err != nil || !v.OK() || v.Count != head.Count {
			t.Fatalf("%s: audit chain %+v (%v), want intact with %d records as before", fault.name, v, err, head.Count)
		}

		// The refused writes go through when retried, each recorded once.
		want := head.Count + 1
		f.doJSON(admin, "POST", "/api/v1/service-items", outageItem(fault.item), nil, http.StatusOK)
		f.doJSON(anon, "GET", "/api/v1/service-items/"+fault.item, nil, nil, http.StatusOK)
		if fault.name == "cut" {
			f.doJSON(anon, "POST", "/api/v1/auth/register", reg, nil, http.StatusOK)
			f.login("outage-owner")
			want += 2
		}
		if head, err = audit.Verify(ctx, st.Audit()); err != nil || !head.OK() || head.Count != want {
			t.Fatalf("%s: audit chain after the retries: %+v (%v), want intact with %d records", fault.name, head, err, want)
		}
	}
}

type createdToken struct {
	Secret string `json:"secret"`
}

func outageItem(code string) map[string]any {
	return map[string]any{"code": code, "name": "断网测试评估 " + code, "stage": "立项", "qual_mode": "any",
		"fee_basis": "市场调节", "time_limit_days": 20}
}

func outageUSCC(t *testing.T) string {
	head := "91620104MA73QC7T2"
	c, ok := registry.USCCCheckChar(head)
	if !ok {
		t.Fatalf("%s: no check character", head)
	}
	return head + string(c)
}

type outageCall struct {
	c              *caller
	method, target string
	in             any
}

// wantUnavailable sends the calls concurrently while the database is away:
// each must answer 503 with the standard error body and the database
// message, within outageBound. A call that has not answered after twice
// that fails the test instead of hanging it.
func (f *fullApp) wantUnavailable(calls []outageCall) {
	f.t.Helper()
	type answer struct {
		rec  *httptest.ResponseRecorder
		took time.Duration
	}
	answers := make([]chan answer, len(calls))
	for i, call := range calls {
		body := ""
		if call.in != nil {
			b, err := json.Marshal(call.in)
			if err != nil {
				f.t.Fatal(err)
			}
			body = string(b)
		}
		answers[i] = make(chan answer, 1)
		go func() {
			start := time.Now()
			rec := f.doQuiet(call.c, call.method, call.target, body)
			answers[i] <- answer{rec, time.Since(start)}
		}()
	}
	giveUp := time.After(2 * outageBound)
	for i, call := range calls {
		what := call.method + " " + call.target
		var a answer
		select {
		case a = <-answers[i]:
		case <-giveUp:
			f.t.Fatalf("%s: no answer after %v with the database away: the request hangs", what, 2*outageBound)
		}
		f.t.Logf("%s: %d in %v", what, a.rec.Code, a.took.Round(time.Millisecond))
		if a.took > outageBound {
			f.t.Errorf("%s took %v with the database away, want at most %v", what, a.took.Round(time.Millisecond), outageBound)
		}
		if a.rec.Code != http.StatusServiceUnavailable {
			f.t.Errorf("%s with the database away: status %d, want 503: %s", what, a.rec.Code, a.rec.Body)
			continue
		}
		// Decode into a map first, so a missing or misspelt key shows.
		var raw map[string]map[string]json.RawMessage
		if err := json.Unmarshal(a.rec.Body.Bytes(), &raw); err != nil {
			f.t.Errorf("%s: error body %q: %v", what, a.rec.Body, err)
			continue
		}
		for _, k := range []string{"code", "message", "fields"} {
			if _, ok := raw["error"][k]; !ok {
				f.t.Errorf("%s: error body %s lacks error.%s", what, a.rec.Body, k)
			}
		}
		var eb web.ErrorBody
		if err := json.Unmarshal(a.rec.Body.Bytes(), &eb); err != nil {
			f.t.Fatal(err)
		}
		if eb.Error.Code != "unavailable" || eb.Error.Message != dbUnavailableMsg || eb.Error.Fields == nil || len(eb.Error.Fields) != 0 {
			f.t.Errorf("%s: error body %s, want code unavailable, message %q, empty fields", what, a.rec.Body, dbUnavailableMsg)
		}
		if a.rec.Header().Get("Retry-After") == "" {
			f.t.Errorf("%s: 503 without Retry-After", what)
		}
	}
}

// doQuiet is do without the test helpers (which must not run outside the
// test goroutine) and without keeping cookies: a request that may outlive
// its test.
func (f *fullApp) doQuiet(c *caller, method, target, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for k, v := range c.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	if c.csrf != "" {
		req.Header.Set(web.CSRFHeader, c.csrf)
	}
	if c.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.bearer)
	}
	rec := httptest.NewRecorder()
	f.app.ServeHTTP(rec, req)
	return rec
}

// waitReady polls /readyz until it answers 200, for at most
// outageRecoverBound.
func (f *fullApp) waitReady(c *caller) {
	f.t.Helper()
	start := time.Now()
	deadline := start.Add(outageRecoverBound)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		rec := f.do(c, "GET", "/readyz", "", "")
		if rec.Code == http.StatusOK {
			f.t.Logf("ready again after %v", time.Since(start).Round(time.Millisecond))
			return
		}
		if time.Now().After(deadline) {
			f.t.Fatalf("/readyz still %d %s %v after the database came back", rec.Code, rec.Body, outageRecoverBound)
		}
		<-tick.C
	}
}

// proxyTarget is the one host:port of the test server's URI. The proxy
// stands in for exactly one server, so a seed list (or an SRV record, or
// TLS, whose certificate names the real host) cannot be proxied.
func proxyTarget(t *testing.T, uri string) string {
	u, err := url.Parse(uri)
	if err != nil {
		t.Fatalf("test database URI: %v", err)
	}
	switch {
	case u.Scheme != "mongodb":
		t.Skipf("the outage proxy needs a mongodb:// URI with one host, not %s://", u.Scheme)
	case strings.Contains(u.Host, ","):
		t.Skip("the outage proxy stands in for one server; the test database URI lists several")
	case u.Query().Get("tls") == "true" || u.Query().Get("ssl") == "true":
		t.Skip("the outage proxy cannot stand in for a TLS server (the certificate names the real host)")
	}
	return u.Host
}

// faultProxy forwards TCP connections to one server and can take it away
// in three ways: cut closes the listener and every connection (clients see
// resets and refused connections); in stall mode connections stay open but
// nothing is forwarded in either direction; in hang mode the driver's
// hello (monitor checks, connection handshakes) still goes through but no
// other command does. What is not forwarded is dropped, never delivered
// late, and resume closes the connections it was dropped from.
type faultProxy struct {
	target string
	addr   string // fixed at start, reused by restore

	mu    sync.Mutex
	ln    net.Listener // nil while cut
	conns map[*proxyConn]bool
	mode  proxyMode
}

type proxyMode int

const (
	proxyForward proxyMode = iota
	proxyStall
	proxyHang
)

type proxyConn struct {
	client, server net.Conn
	poisoned       atomic.Bool // something was dropped: forward nothing more, close at resume
}

func startFaultProxy(t *testing.T, target string) *faultProxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &faultProxy{target: target, addr: ln.Addr().String(), ln: ln, conns: map[*proxyConn]bool{}}
	go p.accept(ln)
	t.Cleanup(p.cut)
	return p
}

// uri is the test server's URI with the proxy's address in place of the
// server's, and a direct connection so that the driver never discovers
// (and bypasses to) the real address.
func (p *faultProxy) uri(t *testing.T, server string) string {
	u, err := url.Parse(server)
	if err != nil {
		t.Fatal(err)
	}
	u.Host = p.addr
	q := u.Query()
	q.Set("directConnection", "true")
	u.RawQuery = q.Encode()
	return u.String()
}

func (p *faultProxy) accept(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go p.forward(c)
	}
}

func (p *faultProxy) forward(client net.Conn) {
	server, err := net.DialTimeout("tcp", p.target, 5*time.Second)
	if err != nil {
		client.Close()
		return
	}
	pc := &proxyConn{client: client, server: server}
	p.mu.Lock()
	if p.ln == nil { // cut while dialling
		p.mu.Unlock()
		pc.close()
		return
	}
	p.conns[pc] = true
	p.mu.Unlock()
	go p.pump(pc, server, client, true)
	go p.pump(pc, client, server, false)
}

// hello matches the driver's handshake and monitoring commands (hello,
// or isMaster before the server has said it knows hello).
var hello = [][]byte{[]byte("hello\x00"), []byte("isMaster\x00"), []byte("ismaster\x00")}

func isHello(b []byte) bool {
	for _, h := range hello {
		if bytes.Contains(b, h) {
			return true
		}
	}
	return false
}

func (p *faultProxy) pump(pc *proxyConn, dst, src net.Conn, toServer bool) {
	defer p.drop(pc)
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			p.mu.Lock()
			switch p.mode {
			case proxyStall:
				pc.poisoned.Store(true)
			case proxyHang:
				if toServer && !isHello(buf[:n]) {
					pc.poisoned.Store(true)
				}
			}
			p.mu.Unlock()
			if !pc.poisoned.Load() {
				if _, werr := dst.Write(buf[:n]); werr != nil {
					return
				}
			}
		}
		if err != nil {
			return
		}
	}
}

func (pc *proxyConn) close() {
	pc.client.Close()
	pc.server.Close()
}

func (p *faultProxy) drop(pc *proxyConn) {
	pc.close()
	p.mu.Lock()
	delete(p.conns, pc)
	p.mu.Unlock()
}

// cut closes the listener and every open connection.
func (p *faultProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for pc := range p.conns {
		pc.close()
		delete(p.conns, pc)
	}
}

// restore listens again on the same address.
func (p *faultProxy) restore(t *testing.T) {
	deadline := time.Now().Add(10 * time.Second)
	for {
		ln, err := net.Listen("tcp", p.addr)
		if err == nil {
			p.mu.Lock()
			p.ln = ln
			p.mu.Unlock()
			go p.accept(ln)
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("listen on %s again: %v", p.addr, err)
		}
		time.Sleep(50 * time.Millisecond) // the port is briefly busy: poll, bounded above
	}
}

func (p *faultProxy) setMode(m proxyMode) {
	p.mu.Lock()
	p.mode = m
	p.mu.Unlock()
}

// resume forwards everything again and closes the connections that
// dropped something meanwhile.
func (p *faultProxy) resume() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.mode = proxyForward
	for pc := range p.conns {
		if pc.poisoned.Load() {
			pc.close()
			delete(p.conns, pc)
		}
	}
}

// heal undoes whatever fault is on, for the cleanup.
func (p *faultProxy) heal(t *testing.T) {
	p.resume()
	p.mu.Lock()
	cut := p.ln == nil
	p.mu.Unlock()
	if cut {
		p.restore(t)
	}
}
