package notify

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"net/url"
	"strings"
	"time"
)

// SMTPMailer sends mail over SMTP with the standard library's client:
// STARTTLS on smtp:// (required unless ?starttls=off, for a relay on the
// same host), implicit TLS on smtps://, and PLAIN authentication when the
// URL has a user (net/smtp refuses it over an unencrypted connection to
// anything but localhost).
type SMTPMailer struct {
	Addr     string // host:port
	Host     string // the server's name, for TLS and PLAIN
	Implicit bool   // smtps: TLS from the first byte
	StartTLS bool   // smtp: upgrade with STARTTLS (required when true)
	Username string
	Password string
	From     mail.Address
	// TLSConfig is the client TLS configuration (nil: the system roots and
	// Host as the server name). Tests put their own root here.
	TLSConfig *tls.Config
	// Timeout bounds one whole mail, connection to QUIT (30 s by default).
	Timeout time.Duration
	// HelloName is the name given in EHLO (the From domain by default).
	HelloName string
}

// ParseSMTP reads --smtp-url and --mail-from:
//
//	smtp://user:pass@mail.example.gov.cn:587   STARTTLS (port 587 by default)
//	smtps://user:pass@mail.example.gov.cn:465  implicit TLS (port 465 by default)
//	smtp://localhost:25?starttls=off           a local relay without TLS
//
// The user and password are URL-encoded. from is an address, with or
// without a display name; siteName is the display name when it has none.
func ParseSMTP(rawURL, from, siteName string) (*SMTPMailer, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("--smtp-url: %w", err)
	}
	m := &SMTPMailer{Timeout: 30 * time.Second}
	port := ""
	switch u.Scheme {
	case "smtp":
		m.StartTLS, port = true, "587"
	case "smtps":
		m.Implicit, port = true, "465"
	default:
		return nil, fmt.Errorf("--smtp-url 应以 smtp:// 或 smtps:// 开头，而不是 %q", u.Scheme)
	}
	m.Host = u.Hostname()
	if m.Host == "" {
		return nil, errors.New("--smtp-url 缺少邮件服务器地址")
	}
	if p := u.Port(); p != "" {
		port = p
	}
	m.Addr = net.JoinHostPort(m.Host, port)
	if u.User != nil {
		m.Username = u.User.Username()
		m.Password, _ = u.User.Password()
	}
	for k, vs := range u.Query() {
		switch {
		case k == "starttls" && u.Scheme == "smtp" && len(vs) == 1 && (vs[0] == "off" || vs[0] == "required"):
			m.StartTLS = vs[0] == "required"
		default:
			return nil, fmt.Errorf("--smtp-url 不支持参数 %s（smtp:// 只支持 starttls=off 或 required）", k)
		}
	}
	if u.Path != "" && u.Path != "/" {
		return nil, errors.New("--smtp-url 不应包含路径")
	}
	if strings.TrimSpace(from) == "" {
		return nil, errors.New("配置了 --smtp-url 时须同时配置发件人 --mail-from")
	}
	addr, err := mail.ParseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("--mail-from 不是有效的邮件地址：%w", err)
	}
	if addr.Name == "" {
		addr.Name = siteName
	}
	m.From = *addr
	return m, nil
}

// Redacted describes the server without the password, for logs.
func (m *SMTPMailer) Redacted() string {
	mode := "STARTTLS"
	switch {
	case m.Implicit:
		mode = "TLS"
	case !m.StartTLS:
		mode = "无加密"
	}
	user := ""
	if m.Username != "" {
		user = m.Username + "@"
	}
	return fmt.Sprintf("%s%s（%s）", user, m.Addr, mode)
}

func (m *SMTPMailer) tlsConfig() *tls.Config {
	if m.TLSConfig != nil {
		c := m.TLSConfig.Clone()
		if c.ServerName == "" {
			c.ServerName = m.Host
		}
		return c
	}
	return &tls.Config{ServerName: m.Host, MinVersion: tls.VersionTLS12}
}

// Send delivers one message. A recipient the server refuses for good (5xx
// to RCPT) is a PermanentError; anything else may be retried.
func (m *SMTPMailer) Send(ctx context.Context, msg Message) error {
	timeout := m.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	deadline := time.Now().Add(timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	dialer := &net.Dialer{Deadline: deadline}
	var conn net.Conn
	var err error
	if m.Implicit {
		conn, err = (&tls.Dialer{NetDialer: dialer, Config: m.tlsConfig()}).DialContext(ctx, "tcp", m.Addr)
	} else {
		conn, err = dialer.DialContext(ctx, "tcp", m.Addr)
	}
	if err != nil {
		return fmt.Errorf("连接邮件服务器 %s：%w", m.Addr, err)
	}
	_ = conn.SetDeadline(deadline)
	c, err := smtp.NewClient(conn, m.Host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("邮件服务器 %s：%w", m.Addr, err)
	}
	defer c.Close()
	if err := c.Hello(m.helloName()); err != nil {
		return fmt.Errorf("EHLO：%w", err)
	}
	if m.StartTLS && !m.Implicit {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return fmt.Errorf("邮件服务器 %s 不支持 STARTTLS（本地中继可用 ?starttls=off）", m.Addr)
		}
		if err := c.StartTLS(m.tlsConfig()); err != nil {
			return fmt.Errorf("STARTTLS：%w", err)
		}
	}
	if m.Username != "" {
		if ok, _ := c.Extension("AUTH"); !ok {
			return fmt.Errorf("邮件服务器 %s 不支持身份验证", m.Addr)
		}
		if err := c.Auth(smtp.PlainAuth("", m.Username, m.Password, m.Host)); err != nil {
			return fmt.Errorf("身份验证：%w", err)
		}
	}
	if err := c.Mail(m.From.Address); err != nil {
		return fmt.Errorf("MAIL FROM：%w", err)
	}
	if err := c.Rcpt(msg.To); err != nil {
		var te *textproto.Error
		if errors.As(err, &te) && te.Code >= 500 {
			return &PermanentError{Err: fmt.Errorf("收件人 %s 被拒绝：%w", msg.To, err)}
		}
		return fmt.Errorf("RCPT TO：%w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("DATA：%w", err)
	}
	if _, err := w.Write(m.compose(msg)); err != nil {
		return fmt.Errorf("写入邮件：%w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("邮件未被接受：%w", err)
	}
	_ = c.Quit() // the server has accepted the mail; a failed goodbye changes nothing
	return nil
}

func (m *SMTPMailer) helloName() string {
	if m.HelloName != "" {
		return m.HelloName
	}
	if _, domain, ok := strings.Cut(m.From.Address, "@"); ok && domain != "" {
		return domain
	}
	return "localhost"
}

// MessageID is the Message-ID header of an outbox mail: the same for every
// copy of the same mail.
func (m *SMTPMailer) MessageID(id string) string {
	sum := sha256.Sum256([]byte(id))
	domain := "agencyhall.invalid"
	if _, d, ok := strings.Cut(m.From.Address, "@"); ok && d != "" {
		domain = d
	}
	return "<" + hex.EncodeToString(sum[:16]) + "@" + domain + ">"
}

// compose renders the MIME message: multipart/alternative with a UTF-8
// plain-text part and an HTML part, both base64, and an RFC 2047 subject.
func (m *SMTPMailer) compose(msg Message) []byte {
	var b bytes.Buffer
	sum := sha256.Sum256([]byte(msg.ID))
	boundary := "ah-" + hex.EncodeToString(sum[:12])
	date := msg.Date
	if date.IsZero() {
		date = time.Now()
	}
	header := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	header("From", m.From.String())
	header("To", (&mail.Address{Address: msg.To}).String())
	header("Subject", mime.BEncoding.Encode("UTF-8", msg.Subject))
	header("Date", date.Format(time.RFC1123Z))
	header("Message-ID", m.MessageID(msg.ID))
	header("MIME-Version", "1.0")
	header("Auto-Submitted", "auto-generated")
	header("Content-Type", `multipart/alternative; boundary="`+boundary+`"`)
	b.WriteString("\r\n")
	mw := multipart.NewWriter(&b)
	_ = mw.SetBoundary(boundary)
	for _, part := range []struct{ typ, body string }{{"text/plain", msg.Text}, {"text/html", msg.HTML}} {
		h := textproto.MIMEHeader{}
		h.Set("Content-Type", part.typ+"; charset=UTF-8")
		h.Set("Content-Transfer-Encoding", "base64")
		w, _ := mw.CreatePart(h)
		writeBase64Lines(w, []byte(part.body))
	}
	_ = mw.Close()
	return b.Bytes()
}

// writeBase64Lines writes base64 in lines of 76 characters (RFC 2045).
func writeBase64Lines(w interface{ Write([]byte) (int, error) }, data []byte) {
	enc := base64.StdEncoding.EncodeToString(data)
	for len(enc) > 76 {
		_, _ = w.Write([]byte(enc[:76] + "\r\n"))
		enc = enc[76:]
	}
	_, _ = w.Write([]byte(enc + "\r\n"))
}
