package adminui_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"log"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/mail"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
	gosmtp "github.com/emersion/go-smtp"

	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/notify"
	"github.com/agencyhall/agencyhall/notify/notifytest"
	"github.com/agencyhall/agencyhall/registry"
)

// mailbox is an SMTP server in the test process (emersion/go-smtp) that
// keeps every message it accepts, decoded.
type mailbox struct {
	addr string
	mu   sync.Mutex
	msgs []gotMail
}

type gotMail struct {
	To, Subject, Text, HTML string
}

func (m *mailbox) to(addr string) []gotMail {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []gotMail
	for _, g := range m.msgs {
		if g.To == addr {
			out = append(out, g)
		}
	}
	return out
}

type mailboxSession struct {
	m  *mailbox
	to string
}

func (s *mailboxSession) Mail(string, *gosmtp.MailOptions) error { return nil }
func (s *mailboxSession) Rcpt(to string, _ *gosmtp.RcptOptions) error {
	s.to = to
	return nil
}
func (s *mailboxSession) Reset()        {}
func (s *mailboxSession) Logout() error { return nil }
func (s *mailboxSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	g, err := decodeMail(raw)
	if err != nil {
		return err
	}
	g.To = s.to
	s.m.mu.Lock()
	s.m.msgs = append(s.m.msgs, g)
	s.m.mu.Unlock()
	return nil
}

// decodeMail reads the subject and the two parts of a message.
func decodeMail(raw []byte) (gotMail, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return gotMail{}, err
	}
	var g gotMail
	if g.Subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); err != nil {
		return g, err
	}
	_, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		return g, err
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return g, nil
		}
		if err != nil {
			return g, err
		}
		body, err := io.ReadAll(base64.NewDecoder(base64.StdEncoding, part))
		if err != nil {
			return g, err
		}
		if strings.HasPrefix(part.Header.Get("Content-Type"), "text/html") {
			g.HTML = string(body)
		} else {
			g.Text = string(body)
		}
	}
}

func startMailbox(t *testing.T) *mailbox {
	t.Helper()
	m := &mailbox{}
	srv := gosmtp.NewServer(gosmtp.BackendFunc(func(*gosmtp.Conn) (gosmtp.Session, error) { return &mailboxSession{m: m}, nil }))
	srv.Domain, srv.ErrorLog = "mail.test", log.New(io.Discard, "", 0)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	m.addr = l.Addr().String()
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return m
}

// startHookReceiver is another system's webhook endpoint: it refuses a
// request whose signature does not check out and, once, the first one
// (down for maintenance).
func startHookReceiver(t *testing.T) *notifytest.Receiver {
	r := notifytest.NewReceiver(t)
	r.Answer(func(h notifytest.Hit, n int) int {
		switch {
		case !h.SignatureOK:
			return http.StatusUnauthorized
		case n == 0:
			return http.StatusServiceUnavailable
		}
		return http.StatusOK
	})
	return r
}

// badSignatures counts the requests whose signature did not check out.
func badSignatures(r *notifytest.Receiver) int {
	n := 0
	for _, h := range r.Hits() {
		if !h.SignatureOK {
			n++
		}
	}
	return n
}

// runJobs runs the message centre's dispatch, outbox and webhook jobs once,
// as the scheduler would.
func runJobs(t *testing.T, e *hallEnv) {
	t.Helper()
	ctx := context.Background()
	e.dispatch()
	if _, err := e.Notify.SendMail(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Notify.DeliverWebhooks(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestBrowserMessageCentre: an admin registers a webhook subscription in
// the form; an agency chooses e-mail for new projects; an owner publishes
// a matching project; the agency sees the unread count in the top bar,
// the notice in 消息中心 and the e-mail in its mailbox, opens the project
// from the notice and signs up; after the draw it is told the result in
// the message centre and by e-mail. The webhook receiver, down for the
// first request, gets every event signed and in order after the retry,
// which the admin sees in the delivery log.
func TestBrowserMessageCentre(t *testing.T) {
	e := newHallEnvNamed(t, browserSite, 0)
	ctx := context.Background()
	e.admin()
	for i, name := range []string{"甘肃陇原环境工程咨询有限公司", "兰州金城生态环境科技有限公司"} {
		login := []string{"agency-0", "agency-1"}[i]
		if _, _, err := e.Auth.Register(ctx, auth.RegisterInput{Kind: auth.OrgAgency, OrgName: name, USCC: uscc(t, hallStems[i]),
			Region: "620102", Login: login, Name: []string{"李静", "王强"}[i], Email: login + "@example.cn", Password: testPassword}); err != nil {
			t.Fatal(err)
		}
		e.agencies = append(e.agencies, e.admitViaService(login, hallStems[i], name))
	}
	box := startMailbox(t)
	m, err := notify.ParseSMTP("smtp://"+box.addr+"?starttls=off", "noreply@zjcs.example.gov.cn", browserSite)
	if err != nil {
		t.Fatal(err)
	}
	e.Notify.Mailer, e.Notify.BaseURL, e.Notify.SiteName = m, e.URL, browserSite
	rcv := startHookReceiver(t)
	runJobs(t, e)

	tab := newBrowserTab(t)
	acceptDialogs(tab)

	// The admin registers the subscription; the secret is shown once.
	browserLogin(t, tab, e, "admin")
	do(t, tab, chromedp.Navigate(e.URL+"/admin/webhooks"),
		fill(map[string]string{"f-name": "甘肃省公共信用信息平台", "f-url": rcv.URL + "/hooks/zjcs"}),
		chromedp.Click(chromedp.CSS(`input[value="project.published"]`)),
		chromedp.Click(chromedp.CSS(`input[value="project.opened"]`)),
		chromedp.Click(chromedp.CSS(`input[value="project.selected"]`)))
	if status := submit(t, tab, `form[action="/admin/webhooks"] button[type=submit]`); status != http.StatusCreated {
		t.Fatalf("register subscription: status %d", status)
	}
	secret := text(t, tab, "#new-secret")
	if !strings.HasPrefix(secret, "whsec_") {
		t.Fatalf("secret %q", secret)
	}
	rcv.SetSecret(secret)

	// The agency wants new projects by e-mail too.
	browserLogin(t, tab, e, "agency-0")
	do(t, tab, chromedp.Navigate(e.URL+"/notifications/settings"), chromedp.Click(chromedp.ID("mail-project_match")))
	submit(t, tab, `form[action="/notifications/settings"] button[type=submit]`)
	if got := text(t, tab, ".flash"); !strings.Contains(got, "新项目推送") {
		t.Fatalf("after saving settings: %q", got)
	}
	screenshot(t, tab, "notification-settings.png")

	// The owner publishes a matching project.
	p, err := e.Hall.Create(ctx, e.owner, "兰州新区城市发展投资集团有限公司", hall.ProjectInput{Name: "兰州新区综合管廊一期工程环境影响评价",
		ItemCode: "HP-001", Region: "620102", Funding: hall.FundingSocial, CeilingFen: 180_000_00, TimeLimitDays: 25, Method: hall.MethodRandom,
		SignupDeadline: shanghaiTime(t, "2026-12-03 17:00"), OpeningTime: shanghaiTime(t, "2026-12-03 18:00")})
	if err == nil {
		_, err = e.Hall.Publish(ctx, e.owner, p.ID)
	}
	if err != nil {
		t.Fatal(err)
	}
	runJobs(t, e)
	if hits, got := rcv.Hits(), rcv.Delivered(); len(hits) != 1 || len(got) != 0 {
		t.Errorf("the receiver should have refused the publication once: %d tries, accepted %q", len(hits), got)
	}

	do(t, tab, chromedp.Navigate(e.URL+"/workspace"))
	if got := text(t, tab, ".usernav .msg-link"); !strings.Contains(got, "消息") || !strings.Contains(got, "2") {
		t.Errorf("top bar: %q", got)
	}
	do(t, tab, chromedp.Click(chromedp.CSS(".usernav .msg-link")), chromedp.WaitVisible(chromedp.CSS(".msg-table")))
	if got := text(t, tab, ".msg-table tbody"); !strings.Contains(got, "新项目：兰州新区综合管廊一期工程环境影响评价") ||
		!strings.Contains(got, "入驻申请已通过") || !strings.Contains(got, "固定价格 ¥180,000.00") {
		t.Errorf("message centre: %q", got)
	}
	wantCleanPage(t, tab)
	screenshot(t, tab, "notifications.png")
	mails := box.to("agency-0@example.cn")
	if len(mails) != 2 || !slices.ContainsFunc(mails, func(g gotMail) bool {
		return g.Subject == "【"+browserSite+"】新项目：兰州新区综合管廊一期工程环境影响评价" && strings.Contains(g.Text, e.URL+"/projects/"+p.ID) &&
			strings.Contains(g.HTML, "查看详情")
	}) {
		t.Errorf("mails to the agency: %+v", mails)
	}

	// 查看 opens the project and marks the notice read; the agency signs up.
	do(t, tab, chromedp.Navigate(e.URL+"/notifications?kind=project_match"))
	submit(t, tab, `form[action="/notifications/open"] button`)
	if loc := location(t, tab); !strings.HasSuffix(loc, "/projects/"+p.ID) {
		t.Fatalf("查看 went to %s", loc)
	}
	if got := text(t, tab, ".usernav .msg-link"); !strings.Contains(got, "1") {
		t.Errorf("top bar after reading one: %q", got)
	}
	submit(t, tab, `form[action$="/signup"] button`)
	if got := text(t, tab, ".flash"); !strings.Contains(got, "报名成功") {
		t.Fatalf("sign-up: %q", got)
	}
	if _, err := e.Hall.SignUp(ctx, registry.Actor{UserID: "agency-1", OrgID: e.agencies[1], Kind: registry.ActorAgency}, p.ID); err != nil {
		t.Fatal(err)
	}
	runJobs(t, e)

	// The deadline and the opening pass; the draw decides.
	e.Clock.Set(shanghaiTime(t, "2026-12-03 18:00"))
	if _, err := e.Hall.AdvanceAll(ctx); err != nil {
		t.Fatal(err)
	}
	runJobs(t, e)
	got, err := e.Hall.Get(ctx, e.owner, p.ID)
	if err != nil || got.State != hall.StatePublicity {
		t.Fatalf("after the opening: %s %v", got.State, err)
	}
	result := "选取结果：" + p.Name
	if got.Winner == e.agencies[0] {
		result = "中选通知：" + p.Name
	}
	do(t, tab, chromedp.Navigate(e.URL+"/notifications"))
	if got := text(t, tab, ".msg-table tbody"); !strings.Contains(got, result) || !strings.Contains(got, "项目已开启") || !strings.Contains(got, "报名成功") {
		t.Errorf("message centre after the draw: %q", got)
	}
	if !slices.ContainsFunc(box.to("agency-0@example.cn"), func(g gotMail) bool { return g.Subject == "【"+browserSite+"】"+result }) {
		t.Errorf("no result mail: %+v", box.to("agency-0@example.cn"))
	}

	// The refused publication was retried once its back-off had passed (the
	// clock moved on a week), and the later events followed it in order.
	acc, bad := rcv.Delivered(), badSignatures(rcv)
	if want := []string{"project.published", "project.opened", "project.selected"}; !slices.Equal(acc, want) || bad != 0 {
		t.Errorf("receiver got %q (%d bad signatures), want %q", acc, bad, want)
	}
	browserLogin(t, tab, e, "admin")
	do(t, tab, chromedp.Navigate(e.URL+"/admin/webhooks/WH0001"))
	if got := text(t, tab, "#deliveries-heading + .hint + .table-wrap"); !strings.Contains(got, "HTTP 503") || strings.Count(got, "已送达") != 3 {
		t.Errorf("delivery log: %q", got)
	}
	wantCleanPage(t, tab)
	screenshot(t, tab, "webhook-deliveries.png")
}
