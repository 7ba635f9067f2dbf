package server

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/notify"
	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/web"
)

// newNotifyEnv is an API with the message centre.
func newNotifyEnv(t *testing.T) (*env, *notify.Service) {
	t.Helper()
	e := newEnv(t)
	msg := notify.NewService(notify.Config{Store: e.store.Notify(), Directory: e.store.NotifyDirectory(), Registry: e.registry,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), DirectoryTTL: -1})
	e.app = web.New(web.Config{Auth: e.auth, Audit: e.audit, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	Register(e.app, Deps{Auth: e.auth, Audit: e.audit, Catalog: e.catalog, Registry: e.registry, Files: e.files, Notify: msg,
		Version: "test", Ping: e.store.Ping})
	return e, msg
}

func TestNotificationsAPI(t *testing.T) {
	e, msg := newNotifyEnv(t)
	e.account("ag1", auth.RoleAgency)
	ctx := context.Background()
	u, err := e.auth.GetUser(ctx, "ag1")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 26, 1, 0, 0, 0, time.UTC)
	msg.Observe(ctx, notify.Event{ID: "agency:x:v3", Type: registry.ChangeReturned, AgencyID: u.OrgID, At: at,
		Data: map[string]string{"note": "资质证书扫描件不清晰"}})
	msg.Observe(ctx, notify.Event{ID: "agency:x:v5", Type: registry.ChangeApproved, AgencyID: u.OrgID, At: at.Add(time.Hour)})
	msg.Observe(ctx, notify.Event{ID: "grade:x:2026-11-27", Type: "credit.grade_changed", AgencyID: u.OrgID, At: at.Add(2 * time.Hour),
		Data: map[string]string{"from": "A", "to": "B", "score": "885"}})
	if _, err := msg.Dispatch(ctx); err != nil {
		t.Fatal(err)
	}

	anon := e.client()
	anon.do("GET", "/api/v1/my/notifications", nil).want(http.StatusUnauthorized)
	c := e.client()
	c.login("ag1", testPassword)

	var page notificationPage
	c.do("GET", "/api/v1/my/notifications", nil).want(http.StatusOK).decode(&page)
	if page.Total != 3 || page.Unread != 3 || len(page.Items) != 3 || page.Items[0].Title != "信用等级由 A 级变为 B 级" ||
		page.Items[0].KindLabel != "信用等级变化" || page.Items[2].Body != "审核意见：资质证书扫描件不清晰。修改后可再次提交。" {
		t.Fatalf("list: %+v", page)
	}
	tests := []struct {
		query string
		total int
	}{{"?kind=admission", 2}, {"?kind=score", 1}, {"?unread=true", 3}, {"?page=2&page_size=2", 3}}
	for _, tc := range tests {
		var p notificationPage
		c.do("GET", "/api/v1/my/notifications"+tc.query, nil).want(http.StatusOK).decode(&p)
		if p.Total != tc.total {
			t.Errorf("%s: total %d, want %d", tc.query, p.Total, tc.total)
		}
	}
	if f := c.do("GET", "/api/v1/my/notifications?kind=nope", nil).want(http.StatusBadRequest).errBody(); f.Fields["kind"] == "" {
		t.Errorf("bad kind: %+v", f)
	}

	var mr markReadResponse
	c.do("POST", "/api/v1/my/notifications/read", markReadRequest{IDs: []string{page.Items[0].ID}}).want(http.StatusOK).decode(&mr)
	if mr.Changed != 1 || mr.Unread != 2 {
		t.Errorf("mark one: %+v", mr)
	}
	var ur unreadResponse
	c.do("GET", "/api/v1/my/notifications/unread-count", nil).want(http.StatusOK).decode(&ur)
	if ur.Unread != 2 {
		t.Errorf("unread count %d", ur.Unread)
	}
	c.do("POST", "/api/v1/my/notifications/read", markReadRequest{IDs: []string{"someone-else@ag2"}}).want(http.StatusNotFound)
	c.do("POST", "/api/v1/my/notifications/read", markReadRequest{}).want(http.StatusBadRequest)
	c.do("POST", "/api/v1/my/notifications/read", markReadRequest{All: true}).want(http.StatusOK).decode(&mr)
	if mr.Changed != 2 || mr.Unread != 0 {
		t.Errorf("mark all: %+v", mr)
	}

	// Another user sees none of it.
	e.account("own1", auth.RoleOwner)
	o := e.client()
	o.login("own1", testPassword)
	var empty notificationPage
	o.do("GET", "/api/v1/my/notifications", nil).want(http.StatusOK).decode(&empty)
	if empty.Total != 0 {
		t.Errorf("the owner sees %d of the agency's notifications", empty.Total)
	}

	var prefs preferencesDTO
	c.do("GET", "/api/v1/my/notification-preferences", nil).want(http.StatusOK).decode(&prefs)
	kinds := map[string]preferenceKindDTO{}
	for _, k := range prefs.Kinds {
		kinds[k.Kind] = k
	}
	if prefs.MailEnabled || kinds["project_match"].Mail || !kinds["result"].Mail || !kinds["result"].Default {
		t.Errorf("preferences: %+v", prefs)
	}
	if _, ok := kinds["alert"]; ok {
		t.Error("an agency is offered the regulators' alerts")
	}
	c.do("PUT", "/api/v1/my/notification-preferences", preferencesRequest{Mail: map[string]bool{"project_match": true, "result": false}}).
		want(http.StatusOK).decode(&prefs)
	for _, k := range prefs.Kinds {
		if k.Kind == "project_match" && !k.Mail || k.Kind == "result" && k.Mail {
			t.Errorf("after saving: %+v", k)
		}
	}
	c.do("PUT", "/api/v1/my/notification-preferences", preferencesRequest{Mail: map[string]bool{"nope": true}}).want(http.StatusBadRequest)
}

func TestWebhooksAPI(t *testing.T) {
	e, _ := newNotifyEnv(t)
	e.account("admin1", auth.RoleAdmin)
	e.account("ag1", auth.RoleAgency)
	ag := e.client()
	ag.login("ag1", testPassword)
	ag.do("GET", "/api/v1/admin/webhooks", nil).want(http.StatusForbidden)
	ag.do("POST", "/api/v1/admin/webhooks", subscriptionRequest{Name: "x", URL: "https://x.example.cn", Events: []string{"project.selected"}}).
		want(http.StatusForbidden)

	c := e.client()
	c.login("admin1", testPassword)
	var types []webhookTypeDTO
	c.do("GET", "/api/v1/admin/webhook-events", nil).want(http.StatusOK).decode(&types)
	for _, w := range types {
		if strings.Contains(w.Type, "signed_up") || strings.Contains(w.Type, "quote") {
			t.Errorf("offered %s", w.Type)
		}
	}
	f := c.do("POST", "/api/v1/admin/webhooks", subscriptionRequest{Name: "信用平台", URL: "ftp://x", Events: []string{"project.selected"}}).
		want(http.StatusBadRequest).errBody()
	if f.Fields["url"] == "" {
		t.Errorf("bad URL: %+v", f)
	}
	var created subscriptionDTO
	c.do("POST", "/api/v1/admin/webhooks", subscriptionRequest{Name: "信用平台", URL: "https://xy.example.gov.cn/hooks",
		Events: []string{"project.selected", "sanction.issued"}}).want(http.StatusCreated).decode(&created)
	if created.ID != "WH0001" || !strings.HasPrefix(created.Secret, "whsec_") || !created.Active {
		t.Fatalf("created %+v", created)
	}
	list := c.do("GET", "/api/v1/admin/webhooks", nil).want(http.StatusOK)
	if strings.Contains(list.Body.String(), created.Secret) || !strings.Contains(list.Body.String(), "信用平台") {
		t.Errorf("list: %s", list.Body)
	}
	var got subscriptionDTO
	c.do("PUT", "/api/v1/admin/webhooks/WH0001", subscriptionRequest{Name: "信用平台（新）", URL: "https://xy.example.gov.cn/hooks",
		Events: []string{"sanction.issued"}, Active: new(false)}).want(http.StatusOK).decode(&got)
	if got.Name != "信用平台（新）" || got.Active || len(got.Events) != 1 || got.Secret != "" {
		t.Errorf("updated %+v", got)
	}
	var deliveries listPage[hookDeliveryDTO]
	c.do("GET", "/api/v1/admin/webhooks/WH0001/deliveries", nil).want(http.StatusOK).decode(&deliveries)
	if deliveries.Total != 0 {
		t.Errorf("deliveries %+v", deliveries)
	}
	c.do("POST", "/api/v1/admin/webhooks/WH0001/deliveries/nope@WH0001/replay", nil).want(http.StatusNotFound)
	c.do("GET", "/api/v1/admin/webhooks/WH0009", nil).want(http.StatusNotFound)
	c.do("DELETE", "/api/v1/admin/webhooks/WH0001", nil).want(http.StatusNoContent)
	c.do("GET", "/api/v1/admin/webhooks/WH0001", nil).want(http.StatusNotFound)

	for _, r := range e.auditRecords() {
		if strings.Contains(r.Summary, created.Secret) {
			t.Errorf("the secret is in the audit log: %+v", r)
		}
	}
	actions := map[string]bool{}
	for _, r := range e.auditRecords() {
		actions[r.Action] = true
	}
	for _, a := range []string{"webhook.create", "webhook.update", "webhook.delete"} {
		if !actions[a] {
			t.Errorf("no audit record of %s", a)
		}
	}
}
