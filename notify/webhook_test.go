package notify_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/notify"
	"github.com/agencyhall/agencyhall/notify/notifytest"
)

// hit and receiver are the shared loopback endpoint (notifytest).
type (
	hit      = notifytest.Hit
	receiver = notifytest.Receiver
)

func newReceiver(t *testing.T) *receiver { return notifytest.NewReceiver(t) }

func (e *env) subscribe(t *testing.T, name, url string, active bool, events ...string) notify.Subscription {
	t.Helper()
	s, err := e.msg.CreateSubscription(e.ctx, "admin", notify.SubscriptionInput{Name: name, URL: url, Events: events, Active: active})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// deliver runs the webhook job once.
func (e *env) deliver(t *testing.T) {
	t.Helper()
	if _, err := e.msg.DeliverWebhooks(e.ctx); err != nil {
		t.Fatal(err)
	}
}

// TestWebhooksSignedInOrderWithRetries runs a project to its contract
// stage with a receiver that refuses the first two requests. The head of
// the queue is retried on its back-off and nothing behind it is sent
// before it; then everything arrives once, in the order it happened,
// signed with the subscription's secret. A replay sends the same body
// again, marked; an inactive subscription and one of other types get
// nothing.
func TestWebhooksSignedInOrderWithRetries(t *testing.T) {
	e := newEnv(t)
	rcv := newReceiver(t)
	rcv.Answer(func(h hit, n int) int {
		if n < 2 {
			return http.StatusServiceUnavailable
		}
		return http.StatusOK
	})
	types := []string{"agency.approved", "project.published", "project.opened", "project.selected", "project.publicity_ended", "project.contracted"}
	sub := e.subscribe(t, "公共信用信息平台", rcv.URL+"/hooks/zjcs", true, types...)
	rcv.SetSecret(sub.Secret)
	off := e.subscribe(t, "已停用的系统", rcv.URL+"/off", false, types...)
	other := e.subscribe(t, "只收处理决定", rcv.URL+"/sanctions", true, "sanction.issued")

	a0 := e.agency("ag0", "甘肃陇原环境工程咨询有限公司", "91620102MA71XK3L0", "620102", farFuture, itemCode)
	e.clock.Add(time.Minute)
	a1 := e.agency("ag1", "兰州金城生态环境科技有限公司", "91620103MA72PB6R1", "620103", farFuture, itemCode)
	e.clock.Add(time.Minute)
	in := projectInput("兰州新区综合管廊一期工程环境影响评价")
	in.Method = "random"
	p := e.publish(in)
	for login, id := range map[string]string{"ag0": a0, "ag1": a1} {
		if _, err := e.hall.SignUp(e.ctx, agencyActor(login, id), p.ID); err != nil {
			t.Fatal(err)
		}
	}
	e.clock.Set(at("2026-12-03 18:00"))
	if _, err := e.hall.AdvanceAll(e.ctx); err != nil {
		t.Fatal(err)
	}
	e.clock.Set(at("2026-12-09 10:00"))
	if _, err := e.hall.AdvanceAll(e.ctx); err != nil {
		t.Fatal(err)
	}
	e.dispatch()
	want := []string{"agency.approved", "agency.approved", "project.published", "project.opened", "project.selected", "project.publicity_ended"}
	s, _ := e.msg.Subscription(e.ctx, sub.ID)
	if len(s.Queue) != len(want) {
		t.Fatalf("queue %q", s.Queue)
	}

	// Refused: the head is retried after 30 s, then 60 s; nothing behind it goes.
	start := e.clock.Now()
	e.deliver(t)
	e.deliver(t) // not due yet: no request
	if got := rcv.Hits(); len(got) != 1 || got[0].Type != "agency.approved" {
		t.Fatalf("after the first refusal: %+v", got)
	}
	head, _ := e.store.Notify().GetDelivery(e.ctx, s.Queue[0])
	if head.State != notify.DeliveryPending || len(head.Attempts) != 1 || head.Attempts[0].StatusCode != 503 ||
		!head.NextAttemptAt.Equal(start.Add(30*time.Second)) {
		t.Fatalf("head after one refusal: %+v", head)
	}
	e.clock.Add(30 * time.Second)
	e.deliver(t)
	if n := len(rcv.Hits()); n != 2 {
		t.Fatalf("requests after the second try: %d", n)
	}
	e.clock.Add(59 * time.Second)
	e.deliver(t)
	if n := len(rcv.Hits()); n != 2 {
		t.Fatalf("retried before its back-off: %d requests", n)
	}
	e.clock.Add(time.Second)
	e.deliver(t)
	if got := rcv.Delivered(); !slices.Equal(got, want) {
		t.Fatalf("delivered in order %q, want %q", got, want)
	}
	for i, h := range rcv.Hits() {
		if !h.SignatureOK {
			t.Errorf("request %d: bad signature", i)
		}
		if notify.Verify("another-secret-entirely", h.Timestamp, h.Body, notify.Sign(sub.Secret, h.Timestamp, h.Body)) {
			t.Error("a signature verified with the wrong secret")
		}
	}
	last := rcv.Hits()[len(rcv.Hits())-1]
	if last.Timestamp != strconv.FormatInt(e.clock.Now().Unix(), 10) {
		t.Errorf("timestamp %s, clock %d", last.Timestamp, e.clock.Now().Unix())
	}
	var body struct {
		ID, Type string
		Project  struct{ ID, Name, URL, Method string }
		Agency   struct{ ID, Name string }
	}
	if err := json.Unmarshal(last.Body, &body); err != nil {
		t.Fatal(err)
	}
	if body.Type != "project.publicity_ended" || body.Project.ID != p.ID || body.Project.URL != "https://zjcs.example.gov.cn/projects/"+p.ID ||
		body.Agency.ID == "" || body.Agency.Name == "" {
		t.Errorf("body: %s", last.Body)
	}
	s, _ = e.msg.Subscription(e.ctx, sub.ID)
	if len(s.Queue) != 0 {
		t.Errorf("queue left: %q", s.Queue)
	}
	logged, total, _ := e.msg.Deliveries(e.ctx, sub.ID, 1, 20)
	if total != len(want) {
		t.Fatalf("delivery log: %d", total)
	}
	first := logged[len(logged)-1] // newest first: the head is the oldest
	if first.ID != head.ID {
		t.Errorf("log order: oldest %s, want %s", first.ID, head.ID)
	}
	if first.State != notify.DeliveryDelivered || len(first.Attempts) != 3 || first.Attempts[2].StatusCode != 200 {
		t.Errorf("the retried delivery's log: %+v", first.Attempts)
	}
	for _, x := range []notify.Subscription{off, other} {
		if _, n, _ := e.msg.Deliveries(e.ctx, x.ID, 1, 20); n != 0 {
			t.Errorf("%s got %d deliveries", x.Name, n)
		}
	}

	// Replay the publication: the same body again, marked as a replay.
	var published notify.Delivery
	for _, d := range logged {
		if d.EventType == "project.published" {
			published = d
		}
	}
	if _, err := e.msg.Replay(e.ctx, other.ID, published.ID); !apperr.Is(err, apperr.KindNotFound) {
		t.Errorf("replay through another subscription: %v", err)
	}
	if _, err := e.msg.Replay(e.ctx, sub.ID, published.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.msg.Replay(e.ctx, sub.ID, published.ID); !apperr.Is(err, apperr.KindConflict) {
		t.Errorf("replaying a queued delivery: %v", err)
	}
	e.deliver(t)
	again := rcv.Hits()[len(rcv.Hits())-1]
	if again.Type != "project.published" || again.Replay != "1" || !again.SignatureOK || again.Delivery != published.ID ||
		string(again.Body) != string(published.Payload) {
		t.Errorf("replay: %+v", again)
	}
	d, _ := e.store.Notify().GetDelivery(e.ctx, published.ID)
	if d.State != notify.DeliveryDelivered || !d.Attempts[len(d.Attempts)-1].Replay {
		t.Errorf("after the replay: %+v", d)
	}
}

// TestWebhookGivesUpAndMovesOn: a delivery the receiver always refuses
// fails after its tries, and the queue goes on with what follows.
func TestWebhookGivesUpAndMovesOn(t *testing.T) {
	e := newEnv(t)
	rcv := newReceiver(t)
	rcv.Answer(func(h hit, _ int) int {
		if strings.HasPrefix(string(h.Body), `{"id":"agency:`) && strings.Contains(string(h.Body), "91620102MA71XK3L0") {
			return http.StatusInternalServerError
		}
		return http.StatusNoContent
	})
	sub := e.subscribe(t, "审批监管平台", rcv.URL, true, "agency.approved")
	rcv.SetSecret(sub.Secret)
	e.agency("ag0", "甘肃陇原环境工程咨询有限公司", "91620102MA71XK3L0", "620102", farFuture, itemCode)
	e.clock.Add(time.Minute)
	e.agency("ag1", "兰州金城生态环境科技有限公司", "91620103MA72PB6R1", "620103", farFuture, itemCode)
	e.dispatch()
	for i := 0; i < 20; i++ {
		e.deliver(t)
		e.clock.Add(time.Hour)
	}
	hits := rcv.Hits()
	if len(hits) != 16 || hits[14].Status != 500 || hits[15].Status != 204 {
		t.Fatalf("requests: %d", len(hits))
	}
	ds, _, _ := e.msg.Deliveries(e.ctx, sub.ID, 1, 10)
	states := map[notify.DeliveryState]int{}
	for _, d := range ds {
		states[d.State]++
	}
	if states[notify.DeliveryFailed] != 1 || states[notify.DeliveryDelivered] != 1 {
		t.Errorf("states %v", states)
	}
}

// TestSubscriptionValidation covers the admins' form rules.
func TestSubscriptionValidation(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name  string
		in    notify.SubscriptionInput
		field string
	}{
		{"no name", notify.SubscriptionInput{URL: "https://x.example.cn/h", Events: []string{"project.selected"}}, "name"},
		{"not http", notify.SubscriptionInput{Name: "甲", URL: "ftp://x.example.cn/h", Events: []string{"project.selected"}}, "url"},
		{"credentials in the URL", notify.SubscriptionInput{Name: "甲", URL: "https://u:p@x.example.cn/h", Events: []string{"project.selected"}}, "url"},
		{"no events", notify.SubscriptionInput{Name: "甲", URL: "https://x.example.cn/h"}, "events"},
		{"sign-ups are not offered", notify.SubscriptionInput{Name: "甲", URL: "https://x.example.cn/h", Events: []string{"project.signed_up"}}, "events"},
		{"short secret", notify.SubscriptionInput{Name: "甲", URL: "https://x.example.cn/h", Events: []string{"project.selected"}, Secret: "short"}, "secret"},
	}
	for _, tc := range tests {
		_, err := e.msg.CreateSubscription(e.ctx, "admin", tc.in)
		ae, ok := apperr.As(err)
		if !ok || ae.Fields[tc.field] == "" {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	s, err := e.msg.CreateSubscription(e.ctx, "admin", notify.SubscriptionInput{Name: "甲", URL: "https://x.example.cn/h",
		Events: []string{"project.selected", "project.selected"}, Active: true})
	if err != nil || len(s.Events) != 1 || !strings.HasPrefix(s.Secret, "whsec_") || s.ID != "WH0001" {
		t.Fatalf("created %+v, %v", s, err)
	}
	u, err := e.msg.UpdateSubscription(e.ctx, s.ID, notify.SubscriptionInput{Name: "乙", URL: "https://y.example.cn/h", Events: []string{"sanction.issued"}})
	if err != nil || u.Secret != s.Secret || u.Name != "乙" || u.Active {
		t.Errorf("updated %+v, %v", u, err)
	}
	if err := e.msg.DeleteSubscription(e.ctx, s.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.msg.Subscription(e.ctx, s.ID); !apperr.Is(err, apperr.KindNotFound) {
		t.Errorf("after delete: %v", err)
	}
}
