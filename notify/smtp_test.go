package notify_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"io"
	"log"
	"math/big"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	gosmtp "github.com/emersion/go-smtp"

	"github.com/agencyhall/agencyhall/notify"
)

// A real SMTP server in the test process (github.com/emersion/go-smtp):
// STARTTLS with its own certificate, AUTH PLAIN only over TLS, and the
// received messages kept for the assertions.

const (
	smtpUser = "zjcs-mailer"
	smtpPass = "s3cret-pass"
)

type received struct {
	From string
	To   []string
	Data []byte
}

type smtpServer struct {
	addr       string
	srv        *gosmtp.Server
	mu         sync.Mutex
	msgs       []received
	rejectRcpt string // answered with 550
}

func (s *smtpServer) messages() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.msgs...)
}

type smtpSession struct {
	s    *smtpServer
	auth bool
	cur  received
}

func (x *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (x *smtpSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != smtpUser || pass != smtpPass {
			return errors.New("bad credentials")
		}
		x.auth = true
		return nil
	}), nil
}

func (x *smtpSession) Mail(from string, _ *gosmtp.MailOptions) error {
	if !x.auth {
		return gosmtp.ErrAuthRequired
	}
	x.cur = received{From: from}
	return nil
}

func (x *smtpSession) Rcpt(to string, _ *gosmtp.RcptOptions) error {
	if to == x.s.rejectRcpt {
		return &gosmtp.SMTPError{Code: 550, EnhancedCode: gosmtp.EnhancedCode{5, 1, 1}, Message: "no such mailbox"}
	}
	x.cur.To = append(x.cur.To, to)
	return nil
}

func (x *smtpSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	x.cur.Data = b
	x.s.mu.Lock()
	x.s.msgs = append(x.s.msgs, x.cur)
	x.s.mu.Unlock()
	return nil
}

func (x *smtpSession) Reset()        { x.cur = received{} }
func (x *smtpSession) Logout() error { return nil }

// testCert is a self-signed certificate for 127.0.0.1 and the pool that
// trusts it.
func testCert(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

// startSMTP runs a server on addr ("127.0.0.1:0" for any port). implicit
// serves TLS from the first byte (smtps); otherwise STARTTLS is offered
// when cert is given.
func startSMTP(t *testing.T, addr string, cert *tls.Certificate, implicit bool) *smtpServer {
	t.Helper()
	s := &smtpServer{}
	s.srv = gosmtp.NewServer(gosmtp.BackendFunc(func(*gosmtp.Conn) (gosmtp.Session, error) { return &smtpSession{s: s}, nil }))
	s.srv.Domain = "mail.test"
	s.srv.ErrorLog = log.New(io.Discard, "", 0)
	s.srv.ReadTimeout, s.srv.WriteTimeout = 10*time.Second, 10*time.Second
	var l net.Listener
	var err error
	switch {
	case implicit:
		l, err = tls.Listen("tcp", addr, &tls.Config{Certificates: []tls.Certificate{*cert}})
	default:
		if cert != nil {
			s.srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{*cert}}
		}
		l, err = net.Listen("tcp", addr)
	}
	if err != nil {
		t.Fatal(err)
	}
	s.addr = l.Addr().String()
	go func() { _ = s.srv.Serve(l) }()
	t.Cleanup(func() { _ = s.srv.Close() })
	return s
}

// useSMTP points the env's message centre at an SMTP server.
func (e *env) useSMTP(t *testing.T, rawURL string, pool *x509.CertPool) *notify.SMTPMailer {
	t.Helper()
	m, err := notify.ParseSMTP(rawURL, "noreply@zjcs.example.gov.cn", "测试市网上中介服务超市")
	if err != nil {
		t.Fatal(err)
	}
	m.TLSConfig = &tls.Config{RootCAs: pool}
	m.Timeout = 5 * time.Second
	e.msg.Mailer = m
	return m
}

// parsed is a received message, decoded.
type parsed struct {
	Subject, From, To, MessageID, Text, HTML string
}

func parseMail(t *testing.T, data []byte) parsed {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("read message: %v", err)
	}
	dec := new(mime.WordDecoder)
	subject, err := dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	from, err := mail.ParseAddress(msg.Header.Get("From"))
	if err != nil {
		t.Fatal(err)
	}
	p := parsed{Subject: subject, From: from.Name + " <" + from.Address + ">", To: msg.Header.Get("To"), MessageID: msg.Header.Get("Message-ID")}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("content type %q: %v", mt, err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if part.Header.Get("Content-Transfer-Encoding") != "base64" {
			t.Errorf("part encoding %q", part.Header.Get("Content-Transfer-Encoding"))
		}
		body, err := io.ReadAll(base64.NewDecoder(base64.StdEncoding, part))
		if err != nil {
			t.Fatal(err)
		}
		switch part.Header.Get("Content-Type") {
		case "text/plain; charset=UTF-8":
			p.Text = string(body)
		case "text/html; charset=UTF-8":
			p.HTML = string(body)
		default:
			t.Errorf("unexpected part %q", part.Header.Get("Content-Type"))
		}
	}
	return p
}

// byRecipient indexes received messages by envelope recipient.
func byRecipient(msgs []received) map[string][]received {
	m := map[string][]received{}
	for _, r := range msgs {
		for _, to := range r.To {
			m[to] = append(m[to], r)
		}
	}
	return m
}

// TestSMTPDeliversChineseMultipartOverSTARTTLS sends the outbox through a
// real server that only accepts AUTH PLAIN after STARTTLS, and reads the
// received message back: decoded Chinese subject and sender name, a plain
// and an HTML part from the templates, the stable Message-ID.
func TestSMTPDeliversChineseMultipartOverSTARTTLS(t *testing.T) {
	e := newEnv(t)
	cert, pool := testCert(t)
	server := startSMTP(t, "127.0.0.1:0", &cert, false)
	m := e.useSMTP(t, "smtp://"+smtpUser+":"+smtpPass+"@"+server.addr, pool)
	e.agency("ag0", "甘肃陇原环境工程咨询有限公司", "91620102MA71XK3L0", "620102", farFuture, itemCode)
	e.dispatch()
	n, err := e.msg.SendMail(e.ctx)
	if err != nil || n != 2 { // the agency's admission, the regulator's application notice
		t.Fatalf("sent %d, %v", n, err)
	}
	got := byRecipient(server.messages())["ag0@example.cn"]
	if len(got) != 1 {
		t.Fatalf("messages to the agency: %d (all: %d)", len(got), len(server.messages()))
	}
	if got[0].From != "noreply@zjcs.example.gov.cn" {
		t.Errorf("envelope sender %q", got[0].From)
	}
	p := parseMail(t, got[0].Data)
	id := e.inbox("ag0")[0].ID
	wants := []struct{ what, got, want string }{
		{"subject", p.Subject, "【测试市网上中介服务超市】入驻申请已通过"},
		{"from", p.From, "测试市网上中介服务超市 <noreply@zjcs.example.gov.cn>"},
		{"to", p.To, "<ag0@example.cn>"},
		{"message-id", p.MessageID, m.MessageID(id)},
	}
	for _, w := range wants {
		if w.got != w.want {
			t.Errorf("%s = %q, want %q", w.what, w.got, w.want)
		}
	}
	for _, part := range []string{"联系人ag0，您好：", "入驻申请已通过", "贵机构已入驻平台", "查看详情：https://zjcs.example.gov.cn/my/agency",
		"https://zjcs.example.gov.cn/notifications/settings"} {
		if !strings.Contains(p.Text, part) {
			t.Errorf("text part lacks %q:\n%s", part, p.Text)
		}
	}
	for _, part := range []string{`<h1 style=`, "入驻申请已通过", `href="https://zjcs.example.gov.cn/my/agency"`, "测试市网上中介服务超市"} {
		if !strings.Contains(p.HTML, part) {
			t.Errorf("HTML part lacks %q", part)
		}
	}
	mailDoc, err := e.store.Notify().GetMail(e.ctx, id)
	if err != nil || mailDoc.State != notify.MailSent || mailDoc.Attempts != 1 || mailDoc.SentAt.IsZero() {
		t.Errorf("outbox after sending: %+v %v", mailDoc, err)
	}
	if n, _ := e.msg.SendMail(e.ctx); n != 0 || len(server.messages()) != 2 {
		t.Errorf("a second run sent %d more", n)
	}
}

// TestSMTPOutageLosesNothingAndSendsOnce: the mail server is down when the
// outbox runs, so every mail waits with its back-off; nothing is tried
// before it is due; once the server is up, two senders racing (two
// replicas) deliver every mail exactly once.
func TestSMTPOutageLosesNothingAndSendsOnce(t *testing.T) {
	e := newEnv(t)
	cert, pool := testCert(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // down: nothing listens there
	e.useSMTP(t, "smtp://"+smtpUser+":"+smtpPass+"@"+addr, pool)
	for i, stem := range []string{"91620102MA71XK3L0", "91620103MA72PB6R1", "91620105MA74RD8U3"} {
		login := []string{"ag0", "ag1", "ag2"}[i]
		e.agency(login, "测试机构"+login, stem, "620102", farFuture, itemCode)
	}
	e.dispatch()
	due, err := e.store.Notify().DueMails(e.ctx, e.clock.Now(), 100)
	if err != nil || len(due) != 6 {
		t.Fatalf("queued mails: %d, %v", len(due), err)
	}
	start := e.clock.Now()
	if n, err := e.msg.SendMail(e.ctx); n != 0 || err != nil {
		t.Fatalf("with the server down: sent %d, %v", n, err)
	}
	check := func(state notify.MailState, attempts int) {
		t.Helper()
		for _, d := range due {
			m, err := e.store.Notify().GetMail(e.ctx, d.ID)
			if err != nil || m.State != state || m.Attempts != attempts {
				t.Fatalf("mail %s: %s after %d attempts (%v), want %s after %d", d.ID, m.State, m.Attempts, err, state, attempts)
			}
			if state == notify.MailPending && (!m.NextAttemptAt.Equal(start.Add(time.Minute)) || !strings.Contains(m.LastError, "连接邮件服务器")) {
				t.Fatalf("mail %s: next attempt %v, error %q", d.ID, m.NextAttemptAt, m.LastError)
			}
		}
	}
	check(notify.MailPending, 1)
	e.clock.Add(59 * time.Second)
	if n, _ := e.msg.SendMail(e.ctx); n != 0 {
		t.Fatalf("sent %d before the back-off", n)
	}
	check(notify.MailPending, 1) // not even tried

	server := startSMTP(t, addr, &cert, false)
	e.clock.Add(time.Second)
	var wg sync.WaitGroup
	counts := make([]int, 2)
	for i := range counts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := e.msg.SendMail(e.ctx)
			if err != nil {
				t.Error(err)
			}
			counts[i] = n
		}()
	}
	wg.Wait()
	if counts[0]+counts[1] != 6 {
		t.Errorf("the two senders sent %v, want 6 in all", counts)
	}
	check(notify.MailSent, 2)
	e.clock.Add(48 * time.Hour)
	if n, _ := e.msg.SendMail(e.ctx); n != 0 {
		t.Errorf("sent %d more after everything was delivered", n)
	}
	ids := map[string]int{}
	for _, r := range server.messages() {
		ids[parseMail(t, r.Data).MessageID]++
	}
	if len(ids) != 6 {
		t.Errorf("distinct messages received: %d, want 6", len(ids))
	}
	for id, n := range ids {
		if n != 1 {
			t.Errorf("message %s received %d times", id, n)
		}
	}
}

// TestSMTPFailures: a recipient the server refuses fails at once without
// retries; a server that offers no STARTTLS gets no credentials and the
// mail waits for a retry.
func TestSMTPFailures(t *testing.T) {
	e := newEnv(t)
	cert, pool := testCert(t)
	server := startSMTP(t, "127.0.0.1:0", &cert, false)
	server.rejectRcpt = "ag0@example.cn"
	e.useSMTP(t, "smtp://"+smtpUser+":"+smtpPass+"@"+server.addr, pool)
	e.agency("ag0", "甘肃陇原环境工程咨询有限公司", "91620102MA71XK3L0", "620102", farFuture, itemCode)
	e.dispatch()
	if n, _ := e.msg.SendMail(e.ctx); n != 1 {
		t.Errorf("sent %d, want 1 (the regulator's)", n)
	}
	m, _ := e.store.Notify().GetMail(e.ctx, e.inbox("ag0")[0].ID)
	if m.State != notify.MailFailed || m.Attempts != 1 || !strings.Contains(m.LastError, "550") {
		t.Errorf("refused mail: %s after %d, %q", m.State, m.Attempts, m.LastError)
	}

	plain := startSMTP(t, "127.0.0.1:0", nil, false) // no certificate: no STARTTLS
	e.useSMTP(t, "smtp://"+smtpUser+":"+smtpPass+"@"+plain.addr, pool)
	e.agency("ag1", "兰州金城生态环境科技有限公司", "91620103MA72PB6R1", "620103", farFuture, itemCode)
	e.dispatch()
	if n, _ := e.msg.SendMail(e.ctx); n != 0 || len(plain.messages()) != 0 {
		t.Errorf("sent %d without TLS", n)
	}
	m, _ = e.store.Notify().GetMail(e.ctx, e.inbox("ag1")[0].ID)
	if m.State != notify.MailPending || !strings.Contains(m.LastError, "STARTTLS") {
		t.Errorf("mail to a server without STARTTLS: %s, %q", m.State, m.LastError)
	}
}

// TestSMTPImplicitTLS sends through smtps://.
func TestSMTPImplicitTLS(t *testing.T) {
	e := newEnv(t)
	cert, pool := testCert(t)
	server := startSMTP(t, "127.0.0.1:0", &cert, true)
	e.useSMTP(t, "smtps://"+smtpUser+":"+smtpPass+"@"+server.addr, pool)
	e.agency("ag0", "甘肃陇原环境工程咨询有限公司", "91620102MA71XK3L0", "620102", farFuture, itemCode)
	e.dispatch()
	if n, err := e.msg.SendMail(e.ctx); n != 2 || err != nil {
		t.Fatalf("sent %d, %v", n, err)
	}
	if got := len(byRecipient(server.messages())["ag0@example.cn"]); got != 1 {
		t.Errorf("received %d", got)
	}
}

func TestParseSMTP(t *testing.T) {
	tests := []struct {
		url, from   string
		addr        string
		implicit    bool
		starttls    bool
		user, pass  string
		fromName    string
		errContains string
	}{
		{url: "smtp://u:p@mail.example.cn", from: "noreply@example.cn", addr: "mail.example.cn:587", starttls: true, user: "u", pass: "p", fromName: "平台"},
		{url: "smtps://u:p%40ss@mail.example.cn", from: "noreply@example.cn", addr: "mail.example.cn:465", implicit: true, user: "u", pass: "p@ss", fromName: "平台"},
		{url: "smtp://localhost:25?starttls=off", from: "中介超市 <noreply@example.cn>", addr: "localhost:25", fromName: "中介超市"},
		{url: "smtp://mail.example.cn:2525?starttls=required", from: "noreply@example.cn", addr: "mail.example.cn:2525", starttls: true, fromName: "平台"},
		{url: "http://mail.example.cn", from: "noreply@example.cn", errContains: "smtp://"},
		{url: "smtp://", from: "noreply@example.cn", errContains: "服务器地址"},
		{url: "smtps://mail.example.cn?starttls=off", from: "noreply@example.cn", errContains: "不支持参数"},
		{url: "smtp://mail.example.cn/x", from: "noreply@example.cn", errContains: "路径"},
		{url: "smtp://mail.example.cn", from: "", errContains: "--mail-from"},
		{url: "smtp://mail.example.cn", from: "not an address", errContains: "--mail-from"},
	}
	for _, tc := range tests {
		m, err := notify.ParseSMTP(tc.url, tc.from, "平台")
		if tc.errContains != "" {
			if err == nil || !strings.Contains(err.Error(), tc.errContains) {
				t.Errorf("%s: error %v, want one about %q", tc.url, err, tc.errContains)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.url, err)
			continue
		}
		if m.Addr != tc.addr || m.Implicit != tc.implicit || m.StartTLS != tc.starttls || m.Username != tc.user || m.Password != tc.pass ||
			m.From.Name != tc.fromName {
			t.Errorf("%s: %+v", tc.url, m)
		}
		if strings.Contains(m.Redacted(), "p@ss") || (tc.pass != "" && strings.Contains(m.Redacted(), ":"+tc.pass)) {
			t.Errorf("%s: the password shows in %q", tc.url, m.Redacted())
		}
	}
}
