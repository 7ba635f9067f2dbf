package server

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/notify"
	"github.com/agencyhall/agencyhall/notify/notifytest"
	"github.com/agencyhall/agencyhall/scoring"
)

// newHookReceiver is the receiving system on loopback: it records every
// request and checks its signature with the subscription's secret.
func newHookReceiver(t *testing.T) *notifytest.Receiver {
	r := notifytest.NewReceiver(t)
	r.Answer(func(notifytest.Hit, int) int { return http.StatusAccepted })
	return r
}

// hookFixture is an admin with two subscriptions (WH0001 on receiver a,
// WH0002 on receiver b), each with its access token, and one sanction
// delivered to both.
type hookFixture struct {
	e          *env
	msg        *notify.Service
	admin      *client
	a, b       *notifytest.Receiver
	subA, subB subscriptionDTO
}

func newHookFixture(t *testing.T) *hookFixture {
	t.Helper()
	e, msg := newNotifyEnv(t)
	e.account("admin1", auth.RoleAdmin)
	f := &hookFixture{e: e, msg: msg, admin: e.client(), a: newHookReceiver(t), b: newHookReceiver(t)}
	f.admin.login("admin1", testPassword)
	f.admin.do("POST", "/api/v1/admin/webhooks", subscriptionRequest{Name: "一网通办审批平台", URL: f.a.URL + "/hooks",
		Events: []string{"sanction.issued"}}).want(http.StatusCreated).decode(&f.subA)
	f.admin.do("POST", "/api/v1/admin/webhooks", subscriptionRequest{Name: "公共信用信息平台", URL: f.b.URL + "/hooks",
		Events: []string{"sanction.issued"}}).want(http.StatusCreated).decode(&f.subB)
	f.a.SetSecret(f.subA.Secret)
	f.b.SetSecret(f.subB.Secret)
	for _, s := range []subscriptionDTO{f.subA, f.subB} {
		if !strings.HasPrefix(s.AccessToken, auth.CredentialPrefix) || !strings.HasPrefix(s.AccessToken, s.AccessTokenPrefix) {
			t.Fatalf("created without an access token: %+v", s)
		}
	}
	ctx := context.Background()
	now := time.Now().UTC()
	msg.Observe(ctx, notify.Event{ID: "sanction:CF202600001:issued", Type: scoring.NoticeSanctionIssued, AgencyID: "agency:91620102MA72PB6R1X",
		At: now, Data: map[string]string{"kind": "warning", "cause": "未按规定公示收费标准", "from": now.Format(time.RFC3339)}})
	if _, err := msg.Dispatch(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := msg.DeliverWebhooks(ctx); err != nil {
		t.Fatal(err)
	}
	if len(f.a.Hits()) != 1 || len(f.b.Hits()) != 1 {
		t.Fatalf("receivers got %d and %d requests", len(f.a.Hits()), len(f.b.Hits()))
	}
	return f
}

// subscriber is the receiving system's program, with its token.
func (f *hookFixture) subscriber(token string) *client {
	c := f.e.client()
	c.bearer = token
	return c
}

// TestWebhookSubscriberListsAndReplaysItsOwnDeliveries: the receiving
// system lists its deliveries with their response codes and replays one
// with its own access token; the replay arrives signed, marked as a
// replay, and is audited under the subscription. The token opens nothing
// else: not another subscription's log, not the admins' API.
func TestWebhookSubscriberListsAndReplaysItsOwnDeliveries(t *testing.T) {
	f := newHookFixture(t)
	ctx := context.Background()
	a := f.subscriber(f.subA.AccessToken)

	var self subscriptionDTO
	a.do("GET", "/api/v1/webhooks/WH0001", nil).want(http.StatusOK).decode(&self)
	if self.Name != "一网通办审批平台" || self.Secret != "" || self.AccessToken != "" {
		t.Errorf("own subscription: %+v", self)
	}
	var page listPage[hookDeliveryDTO]
	a.do("GET", "/api/v1/webhooks/WH0001/deliveries", nil).want(http.StatusOK).decode(&page)
	if page.Total != 1 || len(page.Items[0].Attempts) != 1 || page.Items[0].Attempts[0].StatusCode != http.StatusAccepted ||
		page.Items[0].State != string(notify.DeliveryDelivered) {
		t.Fatalf("own deliveries: %+v", page)
	}
	d := page.Items[0]
	if d.ID != "sanction:CF202600001:issued@WH0001" {
		t.Fatalf("delivery %s", d.ID)
	}

	var replayed hookDeliveryDTO
	a.do("POST", "/api/v1/webhooks/WH0001/deliveries/"+d.ID+"/replay", nil).want(http.StatusOK).decode(&replayed)
	if replayed.State != string(notify.DeliveryPending) {
		t.Errorf("replayed: %+v", replayed)
	}
	a.do("POST", "/api/v1/webhooks/WH0001/deliveries/"+d.ID+"/replay", nil).want(http.StatusConflict) // queued already
	if _, err := f.msg.DeliverWebhooks(ctx); err != nil {
		t.Fatal(err)
	}
	hits := f.a.Hits()
	if len(hits) != 2 || hits[1].Delivery != d.ID || hits[1].Replay != "1" || !hits[1].SignatureOK || hits[0].Replay != "" {
		t.Fatalf("receiver A got %+v", hits)
	}
	a.do("GET", "/api/v1/webhooks/WH0001/deliveries", nil).want(http.StatusOK).decode(&page)
	if at := page.Items[0].Attempts; len(at) != 2 || !at[1].Replay || at[1].StatusCode != http.StatusAccepted {
		t.Errorf("attempts after the replay: %+v", at)
	}

	// A's token is good for A only.
	bDelivery := "sanction:CF202600001:issued@WH0002"
	refusals := []struct {
		name   string
		c      *client
		method string
		path   string
		want   int
	}{
		{"B's log with A's token", a, "GET", "/api/v1/webhooks/WH0002/deliveries", http.StatusNotFound},
		{"B's subscription with A's token", a, "GET", "/api/v1/webhooks/WH0002", http.StatusNotFound},
		{"B's replay with A's token", a, "POST", "/api/v1/webhooks/WH0002/deliveries/" + bDelivery + "/replay", http.StatusNotFound},
		{"B's delivery under A's path", a, "POST", "/api/v1/webhooks/WH0001/deliveries/" + bDelivery + "/replay", http.StatusNotFound},
		{"the admins' API with A's token", a, "GET", "/api/v1/admin/webhooks/WH0001/deliveries", http.StatusUnauthorized},
		{"a user route with A's token", a, "GET", "/api/v1/me", http.StatusUnauthorized},
		{"no token", f.e.client(), "GET", "/api/v1/webhooks/WH0001/deliveries", http.StatusUnauthorized},
		{"a wrong token", f.subscriber(auth.CredentialPrefix + "not-a-real-token-at-all"), "GET", "/api/v1/webhooks/WH0001/deliveries", http.StatusUnauthorized},
		{"B's secret as a token", f.subscriber(f.subB.Secret), "GET", "/api/v1/webhooks/WH0002/deliveries", http.StatusUnauthorized},
		{"an admin's session", f.admin, "GET", "/api/v1/webhooks/WH0001/deliveries", http.StatusForbidden},
	}
	for _, tc := range refusals {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.c.do(tc.method, tc.path, nil).want(tc.want)
			r.errBody()
		})
	}
	if n := len(f.b.Hits()); n != 1 {
		t.Errorf("receiver B got %d requests: A's token replayed B's delivery", n)
	}
	admin, err := f.e.auth.GetUser(ctx, "admin1")
	if err != nil {
		t.Fatal(err)
	}
	personal, _, err := f.e.auth.CreateToken(ctx, auth.Principal{UserID: admin.ID, Role: admin.Role}, "运维脚本")
	if err != nil {
		t.Fatal(err)
	}
	f.subscriber(personal).do("GET", "/api/v1/webhooks/WH0001/deliveries", nil).want(http.StatusUnauthorized)

	// B's own token still reads B's log.
	f.subscriber(f.subB.AccessToken).do("GET", "/api/v1/webhooks/WH0002/deliveries", nil).want(http.StatusOK).decode(&page)
	if page.Total != 1 || page.Items[0].ID != bDelivery {
		t.Errorf("B's deliveries: %+v", page)
	}

	// Rotation: the old token stops at once, the new one works; the
	// detail view shows only the new token's prefix.
	var rotated accessTokenDTO
	f.admin.do("POST", "/api/v1/admin/webhooks/WH0001/access-token", nil).want(http.StatusOK).decode(&rotated)
	if rotated.Token == f.subA.AccessToken || !strings.HasPrefix(rotated.Token, rotated.Prefix) {
		t.Fatalf("rotated: %+v", rotated)
	}
	a.do("GET", "/api/v1/webhooks/WH0001/deliveries", nil).want(http.StatusUnauthorized)
	f.subscriber(rotated.Token).do("GET", "/api/v1/webhooks/WH0001/deliveries", nil).want(http.StatusOK)
	detail := f.admin.do("GET", "/api/v1/admin/webhooks/WH0001", nil).want(http.StatusOK)
	var got subscriptionDTO
	detail.decode(&got)
	if got.AccessTokenPrefix != rotated.Prefix || strings.Contains(detail.Body.String(), rotated.Token) {
		t.Errorf("detail: %s", detail.Body)
	}
	// Deleting a subscription voids its token.
	f.admin.do("DELETE", "/api/v1/admin/webhooks/WH0002", nil).want(http.StatusNoContent)
	f.subscriber(f.subB.AccessToken).do("GET", "/api/v1/webhooks/WH0002/deliveries", nil).want(http.StatusUnauthorized)

	// The audit trail: the replay under the subscription, the refused
	// attempts under it too, and no token anywhere.
	var replays, denied int
	for _, r := range f.e.auditRecords() {
		for _, tok := range []string{f.subA.AccessToken, f.subB.AccessToken, rotated.Token} {
			if strings.Contains(r.Summary+r.Target, tok) {
				t.Errorf("an access token is in the audit log: %+v", r)
			}
		}
		switch {
		case r.Action == "webhook.replay" && r.ActorID == "webhook:wh0001" && r.ActorRole == string(auth.RoleSubscriber):
			replays++
		case r.Action == "access.denied" && r.ActorID == "webhook:wh0001":
			denied++
		case r.Action == "webhook.token" && r.ActorID != "admin1":
			t.Errorf("rotation by %s", r.ActorID)
		}
	}
	if replays != 1 || denied != 4 {
		t.Errorf("audit: %d replays and %d refusals under the subscription, want 1 and 4", replays, denied)
	}
}

// TestWebhookReplayAndInboxChangesAreAudited: an admin's replay of a real
// delivery, marking notifications read and changing the e-mail choices
// each leave their audit record.
func TestWebhookReplayAndInboxChangesAreAudited(t *testing.T) {
	f := newHookFixture(t)
	d := "sanction:CF202600001:issued@WH0001"
	var replayed hookDeliveryDTO
	f.admin.do("POST", "/api/v1/admin/webhooks/WH0001/deliveries/"+d+"/replay", nil).want(http.StatusOK).decode(&replayed)
	if _, err := f.msg.DeliverWebhooks(context.Background()); err != nil {
		t.Fatal(err)
	}
	if hits := f.a.Hits(); len(hits) != 2 || hits[1].Replay != "1" || !hits[1].SignatureOK {
		t.Fatalf("receiver got %+v", hits)
	}
	f.admin.do("POST", "/api/v1/my/notifications/read", markReadRequest{All: true}).want(http.StatusOK)
	f.admin.do("PUT", "/api/v1/my/notification-preferences", preferencesRequest{Mail: map[string]bool{"alert": false}}).want(http.StatusOK)

	want := map[string]string{ // action → target
		"webhook.replay":           "webhook:WH0001",
		"notification.read":        "inbox:admin1",
		"notification.preferences": "preferences:admin1",
	}
	for _, r := range f.e.auditRecords() {
		if target, ok := want[r.Action]; ok && r.Target == target && r.ActorID == "admin1" {
			delete(want, r.Action)
		}
	}
	for action := range want {
		t.Errorf("no audit record of %s by admin1", action)
	}
}
