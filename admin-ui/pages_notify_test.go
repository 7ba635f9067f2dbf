package adminui_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/notify"
)

// dispatch runs the message centre's fan-out until its queue is empty.
func (e *env) dispatch() {
	e.t.Helper()
	for i := 0; i < 20; i++ {
		n, err := e.Notify.Dispatch(context.Background())
		if err != nil {
			e.t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
	e.t.Fatal("the notification queue never drained")
}

var unreadBadge = regexp.MustCompile(`<span class="msg-count num">(\d+)</span>`)

// badge is the unread count in the top bar ("" when none).
func badge(p page) string {
	if m := unreadBadge.FindStringSubmatch(p.Body); m != nil {
		return m[1]
	}
	return ""
}

func TestMessageCentrePages(t *testing.T) {
	e := newHallEnv(t, 2)
	id, err := e.Hall.Create(context.Background(), e.owner, "兰州新区城市发展投资集团有限公司", hall.ProjectInput{Name: "综合管廊环境影响评价",
		ItemCode: "HP-001", Region: "620102", Funding: hall.FundingSocial, CeilingFen: 200_000_00, TimeLimitDays: 25, Method: hall.MethodRandom,
		SignupDeadline: shanghaiTime(t, "2026-12-03 17:00"), OpeningTime: shanghaiTime(t, "2026-12-03 18:00")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Hall.Publish(context.Background(), e.owner, id.ID); err != nil {
		t.Fatal(err)
	}
	e.dispatch()

	anon := e.browser()
	if p := anon.get("/notifications"); p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Header.Get("Location"), "/login") {
		t.Errorf("anonymous: %d %s", p.Status, p.Header.Get("Location"))
	}
	b := e.login("agency-0")
	p := b.get("/workspace")
	if got := badge(p); got != "2" { // admitted, and the new project
		t.Errorf("top bar count %q", got)
	}
	p = b.get("/notifications")
	wantStatus(t, p, http.StatusOK)
	wantContains(t, p, "消息中心", "新项目：综合管廊环境影响评价", "入驻申请已通过", "全部标为已读", "未读")
	p = b.get("/notifications?kind=project_match")
	wantContains(t, p, "新项目：综合管廊环境影响评价")
	wantNotContains(t, p, "入驻申请已通过")

	// 查看 marks it read and goes to the project.
	ids := regexp.MustCompile(`name="id" value="([^"]+)"`).FindAllStringSubmatch(b.get("/notifications?kind=project_match").Body, -1)
	if len(ids) == 0 {
		t.Fatal("no notification forms")
	}
	p = b.post("/notifications/open", url.Values{"id": {ids[0][1]}})
	if p.Status != http.StatusSeeOther || p.Header.Get("Location") != "/projects/"+id.ID {
		t.Fatalf("open: %d → %s", p.Status, p.Header.Get("Location"))
	}
	if got := badge(b.get("/notifications")); got != "1" {
		t.Errorf("after opening one: %q", got)
	}
	p = b.post("/notifications/read", url.Values{"all": {"1"}, "back": {"/notifications?unread=1"}})
	if p.Status != http.StatusSeeOther || p.Header.Get("Location") != "/notifications?unread=1" {
		t.Fatalf("mark all: %d → %s", p.Status, p.Header.Get("Location"))
	}
	p = b.get("/notifications?unread=1")
	wantContains(t, p, "已将全部未读消息（1 条）标为已读", "没有符合条件的消息")
	if got := badge(p); got != "" {
		t.Errorf("badge after reading all: %q", got)
	}
	// A "back" elsewhere is not followed.
	if p := b.post("/notifications/read", url.Values{"all": {"1"}, "back": {"https://evil.example/"}}); p.Header.Get("Location") != "/notifications" {
		t.Errorf("back to %s", p.Header.Get("Location"))
	}

	// Settings: the agency's kinds, the e-mail choice saved.
	p = b.get("/notifications/settings")
	wantContains(t, p, "新项目推送", "资质到期提醒", "本平台尚未配置邮件服务")
	wantNotContains(t, p, "电子监察预警")
	p = b.post("/notifications/settings", url.Values{"mail_project_match": {"1"}, "mail_result": {"1"}})
	wantStatus(t, p, http.StatusSeeOther)
	p = b.get("/notifications/settings")
	wantContains(t, p, "以下消息同时发送邮件：新项目推送、开启与选取结果", `id="mail-project_match" name="mail_project_match" value="1" checked`)
	wantNotContains(t, p, `name="mail_signup" value="1" checked`)

	// The owner's inbox is its own.
	o := e.login("owner-a")
	wantNotContains(t, o.get("/notifications"), "新项目：综合管廊")
}

func TestWebhookAdminPages(t *testing.T) {
	e := newHallEnv(t, 1)
	e.admin()
	b := e.login("agency-0")
	wantStatus(t, b.get("/admin/webhooks"), http.StatusForbidden)

	a := e.login("admin")
	p := a.get("/admin/webhooks")
	wantStatus(t, p, http.StatusOK)
	wantContains(t, p, "还没有订阅", "确定选取结果", "project.selected")
	p = a.post("/admin/webhooks", url.Values{"name": {"公共信用信息平台"}, "url": {"not a url"}, "events": {"project.selected"}, "active": {"1"}})
	wantStatus(t, p, http.StatusBadRequest)
	wantContains(t, p, "请填写以 https:// 或 http:// 开头的完整地址", `value="公共信用信息平台"`, `value="project.selected" checked`)
	p = a.post("/admin/webhooks", url.Values{"name": {"公共信用信息平台"}, "url": {"https://xy.example.gov.cn/hooks"},
		"events": {"project.selected", "sanction.issued"}, "active": {"1"}})
	wantStatus(t, p, http.StatusCreated)
	secret := regexp.MustCompile(`<code id="new-secret" class="secret">(whsec_[0-9a-f]+)</code>`).FindStringSubmatch(p.Body)
	if secret == nil {
		t.Fatalf("secret not shown:\n%s", p.Body)
	}
	tokenRe := regexp.MustCompile(`<code id="new-token" class="secret">(ahw_[A-Za-z0-9_-]+)</code>`)
	token := tokenRe.FindStringSubmatch(p.Body)
	if token == nil {
		t.Fatalf("access token not shown:\n%s", p.Body)
	}
	p = a.get("/admin/webhooks/WH0001")
	wantContains(t, p, "公共信用信息平台", "确定选取结果、作出处理", "还没有推送记录", token[1][:10]+"…", "更换令牌")
	wantNotContains(t, p, secret[1], token[1])
	p = a.post("/admin/webhooks/WH0001/access-token", nil)
	wantStatus(t, p, http.StatusOK)
	wantContains(t, p, "原令牌已失效")
	wantNotContains(t, p, "new-secret", token[1])
	rotated := tokenRe.FindStringSubmatch(p.Body)
	if rotated == nil || rotated[1] == token[1] {
		t.Fatalf("rotation showed %q", rotated)
	}
	if _, err := e.Auth.CredentialHolder(context.Background(), token[1]); err == nil {
		t.Error("the replaced token still works")
	}
	if h, err := e.Auth.CredentialHolder(context.Background(), rotated[1]); err != nil || h != notify.SubscriberHolder("WH0001") {
		t.Errorf("the new token: %q %v", h, err)
	}
	p = a.post("/admin/webhooks/WH0001", url.Values{"name": {"公共信用信息平台"}, "url": {"https://xy.example.gov.cn/hooks"}, "events": {"project.selected"}})
	wantStatus(t, p, http.StatusSeeOther)
	p = a.get("/admin/webhooks")
	wantContains(t, p, "已停用", "WH0001")
	p = a.post("/admin/webhooks/WH0001/replay", url.Values{"delivery": {"nope@WH0001"}})
	wantStatus(t, p, http.StatusNotFound)
	p = a.post("/admin/webhooks/WH0001/delete", nil)
	wantStatus(t, p, http.StatusSeeOther)
	wantContains(t, a.get("/admin/webhooks"), "已删除订阅 WH0001", "还没有订阅")
	if _, err := e.Auth.CredentialHolder(context.Background(), rotated[1]); err == nil {
		t.Error("the token outlived its subscription")
	}
	wantStatus(t, b.post("/admin/webhooks/WH0001/access-token", nil), http.StatusForbidden)
}
