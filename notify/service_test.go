package notify_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/notify"
	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/scoring"
)

var farFuture = registry.Date{Y: 2099, M: 1, D: 1}

// TestProjectLifecycleNotifiesTheRightPeople follows a lowest-price project
// from publication to the result and checks who heard of what: matching
// agencies (same province, listing the item) and nobody else hear of the
// new project; each agency hears of its own sign-up only; an agency
// suspended before the deadline is told why the opening refused it;
// the winner, the other bidder and the owner each hear of the result.
func TestProjectLifecycleNotifiesTheRightPeople(t *testing.T) {
	e := newEnv(t)
	a0 := e.agency("ag0", "甘肃陇原环境工程咨询有限公司", "91620102MA71XK3L0", "620102", farFuture, itemCode)
	a1 := e.agency("ag1", "兰州金城生态环境科技有限公司", "91620103MA72PB6R1", "620103", farFuture, itemCode, "CH-001")
	a2 := e.agency("ag2", "甘肃黄河环保技术有限公司", "91620105MA74RD8U3", "620105", farFuture, itemCode)
	e.agency("ag3", "兰州测绘院有限公司", "91620106MA75TE9W4", "620106", farFuture, "CH-001")  // another item
	e.agency("ag4", "北京环评咨询有限公司", "91110105MA01AB2C3", "110105", farFuture, itemCode) // another province
	e.dispatch()
	for _, u := range []string{"ag0", "ag1", "ag2", "ag3", "ag4"} {
		if !e.hasTitle(u, "入驻申请已通过") {
			t.Errorf("%s was not told of its admission: %q", u, e.titles(u))
		}
	}
	if n := len(e.inbox("reg-lz")); n != 4 { // the four Gansu applications; Beijing's is another regulator's
		t.Errorf("regulator of 620100 got %d notices: %q", n, e.titles("reg-lz"))
	}

	p := e.publish(projectInput("兰州新区综合管廊一期工程环境影响评价"))
	e.dispatch()
	for u, want := range map[string]bool{"ag0": true, "ag1": true, "ag2": true, "ag3": false, "ag4": false, "owner-a": false, "reg-lz": false} {
		if got := e.hasTitle(u, "新项目：兰州新区综合管廊"); got != want {
			t.Errorf("%s told of the new project: %v, want %v (%q)", u, got, want, e.titles(u))
		}
	}
	match := e.inbox("ag0")[0]
	for _, part := range []string{"环境影响评价", "最低价", "报名截止 2026-12-03 17:00"} {
		if !strings.Contains(match.Body, part) {
			t.Errorf("new-project notice lacks %q: %s", part, match.Body)
		}
	}
	if match.Kind != notify.KindProjectMatch || match.Link != "/projects/"+p.ID || match.Read() {
		t.Errorf("new-project notice: %+v", match)
	}

	// Sign-ups and sealed quotes.
	quotes := map[string]int64{a0: 312_345_67, a1: 298_765_43, a2: 287_654_32}
	for login, id := range map[string]string{"ag0": a0, "ag1": a1, "ag2": a2} {
		who := agencyActor(login, id)
		if _, err := e.hall.SignUp(e.ctx, who, p.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.hall.SubmitQuote(e.ctx, who, p.ID, quotes[id]); err != nil {
			t.Fatal(err)
		}
	}
	e.dispatch()
	for _, u := range []string{"ag0", "ag1", "ag2"} {
		if !e.hasTitle(u, "报名成功：") {
			t.Errorf("%s not told of its sign-up: %q", u, e.titles(u))
		}
	}
	if got := e.titles("owner-a"); len(got) != 0 {
		t.Errorf("the owner learnt of sign-ups before the opening: %q", got)
	}
	scanForQuotes(t, e, quotes)

	// ag2 is suspended before the deadline; the opening refuses it.
	if _, err := e.reg.SetSuspended(e.ctx, e.reg620, a2, true, "资质证书被注销，核查期间暂停"); err != nil {
		t.Fatal(err)
	}
	e.clock.Set(at("2026-12-03 18:00"))
	if _, err := e.hall.AdvanceAll(e.ctx); err != nil {
		t.Fatal(err)
	}
	e.dispatch()
	got, _ := e.hall.Get(e.ctx, e.owner, p.ID)
	if got.State != hall.StatePublicity || got.Winner != a1 {
		t.Fatalf("after the opening: %s, winner %s", got.State, got.Winner)
	}
	tests := []struct {
		user  string
		title string
		body  string
	}{
		{"owner-a", "项目已开启：", "共 3 家机构报名"},
		{"owner-a", "选取结果已确定：", "中选机构：兰州金城生态环境科技有限公司"},
		{"ag1", "中选通知：", "贵机构为本项目的中选机构"},
		{"ag0", "选取结果：", "中选机构：兰州金城生态环境科技有限公司"},
		{"ag2", "报名未通过资格复核：", "机构已被暂停"},
		{"ag2", "项目已开启：", ""},
	}
	for _, tc := range tests {
		found := false
		for _, n := range e.inbox(tc.user) {
			if strings.HasPrefix(n.Title, tc.title) && strings.Contains(n.Body, tc.body) {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: no %q with %q in %q", tc.user, tc.title, tc.body, e.titles(tc.user))
		}
	}
	for _, u := range []string{"ag1", "ag2"} {
		if e.hasTitle(u, "选取结果：") {
			t.Errorf("%s got the losers' notice", u)
		}
	}
	scanForQuotes(t, e, quotes)
}

// scanForQuotes fails if any notification, outbox mail or webhook body
// holds a quote amount in any of its usual spellings.
func scanForQuotes(t *testing.T, e *env, quotes map[string]int64) {
	t.Helper()
	var needles []string
	for _, q := range quotes {
		needles = append(needles, fmt.Sprint(q), fmt.Sprintf("%d.%02d", q/100, q%100), groupYuan(q), fmt.Sprint(q/100))
	}
	texts := everyText(t, e)
	if mails := countTo(texts, "@example.cn"); len(texts) < 10 || mails == 0 {
		t.Fatalf("the scan would prove little: %d texts, %d mails", len(texts), mails)
	}
	for _, x := range texts {
		for _, n := range needles {
			if strings.Contains(x.text, n) {
				t.Errorf("a quote (%s) leaked to %s: %s", n, x.to, x.text)
			}
		}
	}
}

// sent is a text and who received it.
type sent struct{ to, text string }

// countTo counts the texts whose recipient contains s.
func countTo(texts []sent, s string) int {
	n := 0
	for _, x := range texts {
		if strings.Contains(x.to, s) {
			n++
		}
	}
	return n
}

func groupYuan(fen int64) string {
	s := fmt.Sprint(fen / 100)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return fmt.Sprintf("%s.%02d", s, fen%100)
}

// everyText collects every notification text of every user, every mail
// (subject and both bodies, after sending) and every webhook body.
func everyText(t *testing.T, e *env) []sent {
	t.Helper()
	if _, err := e.msg.SendMail(e.ctx); err != nil {
		t.Fatal(err)
	}
	var out []sent
	for _, u := range []string{"owner-a", "reg-lz", "reg-bj", "ag0", "ag1", "ag2", "ag3", "ag4", "owner-b"} {
		for _, n := range e.inbox(u) {
			out = append(out, sent{u, n.Title + "\n" + n.Body + "\n" + n.Link})
		}
	}
	for _, m := range e.mailer.messages() {
		out = append(out, sent{m.To, m.Subject + "\n" + m.Text + "\n" + m.HTML})
	}
	subs, err := e.msg.Subscriptions(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range subs {
		ds, _, err := e.msg.Deliveries(e.ctx, s.ID, 1, 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range ds {
			out = append(out, sent{"webhook " + s.ID, string(d.Payload)})
		}
	}
	return out
}

// TestComplaintsNeverRevealTheComplainant files a public complaint and an
// owner's complaint against an agency, takes both to a decision, and
// checks that the regulator, the agency and the complainants are told —
// and that no notification, mail or webhook body names who complained.
func TestComplaintsNeverRevealTheComplainant(t *testing.T) {
	e := newEnv(t)
	a0 := e.agency("ag0", "甘肃陇原环境工程咨询有限公司", "91620102MA71XK3L0", "620102", farFuture, itemCode)
	ownerB := "owner:jcqt"
	e.account(authOrg(ownerB, "金川区城市建设投资有限公司"), "owner-b", "钱七", "qianqi@example.cn")
	if _, err := e.msg.CreateSubscription(e.ctx, "admin", notify.SubscriptionInput{Name: "公共信用信息平台", URL: "http://127.0.0.1:1/",
		Events: []string{"complaint.decided", "sanction.issued"}, Active: true}); err != nil {
		t.Fatal(err)
	}
	e.dispatch()
	public, err := e.sup.FileComplaint(e.ctx, registry.Actor{}, scoring.ComplaintInput{Name: "孙秘密", Phone: "13912345678",
		TargetID: a0, Subject: "环评报告数据造假", Details: "报告中的监测数据与现场明显不符，请核查。"})
	if err != nil {
		t.Fatal(err)
	}
	byOwner, err := e.sup.FileComplaint(e.ctx, registry.Actor{UserID: "owner-b", OrgID: ownerB, Kind: registry.ActorOwner},
		scoring.ComplaintInput{TargetID: a0, Subject: "超期未交付成果", Details: "合同约定期限已过十天仍未交付服务成果。"})
	if err != nil {
		t.Fatal(err)
	}
	e.dispatch()
	if got := e.titles("reg-lz"); !slices.Contains(got, "新投诉待受理："+public.ID) || !slices.Contains(got, "新投诉待受理："+byOwner.ID) {
		t.Errorf("regulator: %q", got)
	}
	if e.hasTitle("reg-bj", "新投诉") {
		t.Error("a regulator of another province heard of the complaints")
	}
	if got := e.titles("owner-b"); !slices.Equal(got, []string{"投诉已提交：" + byOwner.ID}) {
		t.Errorf("complainant: %q", got)
	}
	if e.hasTitle("ag0", "收到投诉") {
		t.Error("the agency heard of a complaint before it was accepted")
	}
	for _, c := range []scoring.Complaint{public, byOwner} {
		for _, step := range []struct {
			to   scoring.ComplaintState
			sev  scoring.Severity
			note string
		}{{scoring.ComplaintAccepted, "", ""}, {scoring.ComplaintInvestigating, "", ""},
			{scoring.ComplaintSubstantiated, scoring.SeverityGeneral, "经现场核查，监测数据与原始记录不符"}} {
			if _, err := e.sup.MoveComplaint(e.ctx, e.reg620, c.ID, step.to, step.sev, step.note); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := e.sup.Issue(e.ctx, e.reg620, scoring.SanctionInput{AgencyID: a0, Kind: scoring.SanctionWarning, Cause: "投诉属实，数据不实"}); err != nil {
		t.Fatal(err)
	}
	e.dispatch()
	for _, want := range []string{"收到投诉：" + public.ID, "投诉已办结：" + public.ID, "收到投诉：" + byOwner.ID, "处理决定：警告"} {
		if !slices.Contains(e.titles("ag0"), want) {
			t.Errorf("agency lacks %q: %q", want, e.titles("ag0"))
		}
	}
	if got := e.titles("owner-b"); !slices.Contains(got, "投诉已办结："+byOwner.ID) || !slices.Contains(got, "投诉已受理："+byOwner.ID) {
		t.Errorf("complainant: %q", got)
	}
	ds, _, err := e.msg.Deliveries(e.ctx, "WH0001", 1, 100)
	if err != nil || len(ds) != 3 { // two decided complaints and the sanction
		t.Fatalf("webhook deliveries: %d, %v", len(ds), err)
	}
	texts := everyText(t, e)
	if countTo(texts, "webhook") != 3 || countTo(texts, "ag0@example.cn") < 3 {
		t.Fatalf("the scan would prove little: %d webhook bodies, %d mails to the agency", countTo(texts, "webhook"), countTo(texts, "ag0@example.cn"))
	}
	for _, x := range texts {
		if x.to == "owner-b" || x.to == "qianqi@example.cn" {
			continue // the complainant's own copies greet them by name
		}
		for _, secret := range []string{"孙秘密", "13912345678", "owner-b", ownerB, "金川区城市建设投资", "钱七"} {
			if strings.Contains(x.text, secret) {
				t.Errorf("complainant identity %q leaked to %s: %s", secret, x.to, x.text)
			}
		}
	}
}

// TestSupervisionAndRegistryNotices covers grade changes, decisions,
// alerts for the regulators of the region, admission decisions and the
// qualification warnings (once per level, never twice).
func TestSupervisionAndRegistryNotices(t *testing.T) {
	e := newEnv(t)
	a0 := e.agency("ag0", "甘肃陇原环境工程咨询有限公司", "91620102MA71XK3L0", "620102", registry.Date{Y: 2027, M: 1, D: 20}, itemCode)
	if _, err := e.sup.RunScoring(e.ctx, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if err := e.sup.RecordDecision(e.ctx, e.reg620, a0, scoring.EventFalseMaterials, "", "提供虚假业绩证明材料"); err != nil {
		t.Fatal(err)
	}
	e.clock.Add(24 * time.Hour)
	if _, err := e.sup.RunScoring(e.ctx, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	e.dispatch()
	titles := e.titles("ag0")
	for _, want := range []string{"入驻申请已通过", "失信行为认定（虚假材料或围标串标）", "信用等级由 A 级变为 C 级"} {
		if !slices.Contains(titles, want) {
			t.Errorf("agency lacks %q: %q", want, titles)
		}
	}

	// 2026-11-27: the qualification ends on 2027-01-20, 54 days away.
	for i := 0; i < 2; i++ {
		if _, err := e.msg.ScanQualifications(e.ctx); err != nil {
			t.Fatal(err)
		}
	}
	e.dispatch()
	if n := countPrefix(e.titles("ag0"), "资质将于 2027-01-20 到期"); n != 1 {
		t.Errorf("60-day warnings: %d, want 1", n)
	}
	e.clock.Set(at("2026-12-25 09:00")) // 26 days left: the 30-day level, and a yellow alert
	if _, err := e.msg.ScanQualifications(e.ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := e.sup.RunAlerts(e.ctx); err != nil {
		t.Fatal(err)
	}
	e.dispatch()
	if n := countPrefix(e.titles("ag0"), "资质将于 2027-01-20 到期"); n != 2 {
		t.Errorf("warnings after the 30-day level: %d, want 2", n)
	}
	if !slices.Contains(e.titles("reg-lz"), "黄牌预警：资质即将到期") || e.hasTitle("reg-bj", "黄牌预警") {
		t.Errorf("alert: reg-lz %q, reg-bj %q", e.titles("reg-lz"), e.titles("reg-bj"))
	}
	e.clock.Set(at("2027-01-21 09:00"))
	if _, err := e.msg.ScanQualifications(e.ctx); err != nil {
		t.Fatal(err)
	}
	e.dispatch()
	if !slices.Contains(e.titles("ag0"), "资质已到期：环评资质") {
		t.Errorf("no expiry notice: %q", e.titles("ag0"))
	}
}

func countPrefix(list []string, prefix string) int {
	n := 0
	for _, s := range list {
		if strings.HasPrefix(s, prefix) {
			n++
		}
	}
	return n
}

// TestFanOutIsIdempotent tells the same event twice and repeats a fan-out
// that "crashed" before the queue entry was removed: one notification, one
// mail and one webhook delivery come of it.
func TestFanOutIsIdempotent(t *testing.T) {
	e := newEnv(t)
	a0 := e.agency("ag0", "甘肃陇原环境工程咨询有限公司", "91620102MA71XK3L0", "620102", farFuture, itemCode)
	if _, err := e.msg.CreateSubscription(e.ctx, "admin", notify.SubscriptionInput{Name: "审批监管平台", URL: "http://127.0.0.1:1/",
		Events: []string{"sanction.issued"}, Active: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.msg.SetPreferences(e.ctx, "ag0", map[notify.Kind]bool{notify.KindSanction: true}); err != nil {
		t.Fatal(err)
	}
	e.dispatch()
	ev := notify.Event{ID: "sanction:CF202600001:issued", Type: scoring.NoticeSanctionIssued, AgencyID: a0, At: e.clock.Now(),
		Data: map[string]string{"kind": "warning", "cause": "未按规定公示收费标准", "from": e.clock.Now().Format(time.RFC3339)}}
	e.msg.Observe(e.ctx, ev)
	e.msg.Observe(e.ctx, ev)
	e.dispatch()
	if err := e.store.Notify().Enqueue(e.ctx, ev); err != nil { // as if the dispatch died before removing it
		t.Fatal(err)
	}
	e.dispatch()
	if n := countPrefix(e.titles("ag0"), "处理决定"); n != 1 {
		t.Errorf("notifications: %d", n)
	}
	mail, err := e.store.Notify().GetMail(e.ctx, ev.ID+"@ag0")
	if err != nil || mail.State != notify.MailPending || !strings.Contains(mail.Text, "未按规定公示收费标准") {
		t.Errorf("mail: %+v %v", mail, err)
	}
	if _, err := e.msg.SendMail(e.ctx); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range e.mailer.messages() {
		if m.To == "ag0@example.cn" {
			n++
		}
	}
	if n != 2 { // the admission notice and this one
		t.Errorf("mails sent to the agency: %d", n)
	}
	sub, _ := e.msg.Subscription(e.ctx, "WH0001")
	ds, total, _ := e.msg.Deliveries(e.ctx, "WH0001", 1, 10)
	if total != 1 || len(sub.Queue) != 1 || sub.Queue[0] != ds[0].ID {
		t.Errorf("deliveries %d, queue %q", total, sub.Queue)
	}
}

// TestInboxListReadAndPreferences covers the list filters and paging, the
// unread count, marking read, and the per-kind e-mail choice.
func TestInboxListReadAndPreferences(t *testing.T) {
	e := newEnv(t)
	a0 := e.agency("ag0", "甘肃陇原环境工程咨询有限公司", "91620102MA71XK3L0", "620102", farFuture, itemCode)
	if _, err := e.msg.SetPreferences(e.ctx, "ag0", map[notify.Kind]bool{notify.KindProjectMatch: true, notify.KindAdmission: false}); err != nil {
		t.Fatal(err)
	}
	e.dispatch()
	for i := 0; i < 3; i++ {
		e.clock.Add(time.Minute)
		e.publish(projectInput(fmt.Sprintf("项目%d环境影响评价", i)))
	}
	e.dispatch()
	if _, err := e.hall.SignUp(e.ctx, agencyActor("ag0", a0), e.inbox("ag0")[0].Link[len("/projects/"):]); err != nil {
		t.Fatal(err)
	}
	e.dispatch()
	q := func(kind notify.Kind, unread bool, page, size int) ([]notify.Notification, int, int) {
		items, total, n, err := e.msg.List(e.ctx, "ag0", notify.Query{Kind: kind, UnreadOnly: unread, Page: page, PageSize: size})
		if err != nil {
			t.Fatal(err)
		}
		return items, total, n
	}
	tests := []struct {
		name             string
		kind             notify.Kind
		unread           bool
		page, size       int
		wantLen, wantTot int
		wantFirstPrefix  string
	}{
		{"all", "", false, 1, 20, 5, 5, "报名成功：项目2"},
		{"by kind", notify.KindProjectMatch, false, 1, 20, 3, 3, "新项目：项目2"},
		{"second page", "", false, 2, 2, 2, 5, "新项目：项目1"},
		{"past the end", "", false, 4, 2, 0, 5, ""},
	}
	for _, tc := range tests {
		items, total, unread := q(tc.kind, tc.unread, tc.page, tc.size)
		if len(items) != tc.wantLen || total != tc.wantTot || unread != 5 {
			t.Errorf("%s: %d items of %d, unread %d", tc.name, len(items), total, unread)
			continue
		}
		if tc.wantFirstPrefix != "" && !strings.HasPrefix(items[0].Title, tc.wantFirstPrefix) {
			t.Errorf("%s: first %q", tc.name, items[0].Title)
		}
	}
	items, _, _ := q("", false, 1, 20)
	if changed, unread, err := e.msg.MarkRead(e.ctx, "ag0", []string{items[0].ID, items[1].ID}, false); err != nil || changed != 2 || unread != 3 {
		t.Errorf("mark two read: %d changed, %d unread, %v", changed, unread, err)
	}
	if changed, unread, _ := e.msg.MarkRead(e.ctx, "ag0", []string{items[0].ID}, false); changed != 0 || unread != 3 {
		t.Errorf("marking again: %d changed, %d unread", changed, unread)
	}
	if _, _, err := e.msg.MarkRead(e.ctx, "ag0", []string{"nope@ag0"}, false); err == nil {
		t.Error("marking an unknown notification succeeded")
	}
	if got := e.msg.Unread(e.ctx, "ag0"); got != 3 {
		t.Errorf("unread %d", got)
	}
	if unreadItems, total, _ := q("", true, 1, 20); total != 3 || unreadItems[0].Read() {
		t.Errorf("unread filter: %d", total)
	}
	if changed, unread, _ := e.msg.MarkRead(e.ctx, "ag0", nil, true); changed != 3 || unread != 0 {
		t.Errorf("mark all: %d changed, %d unread", changed, unread)
	}
	if _, err := e.msg.SetPreferences(e.ctx, "ag0", map[notify.Kind]bool{"nonsense": true}); err == nil {
		t.Error("an unknown kind was accepted")
	}

	// Mail follows the choices: project notices yes, admission no,
	// sign-ups by default yes.
	if _, err := e.msg.SendMail(e.ctx); err != nil {
		t.Fatal(err)
	}
	var subjects []string
	for _, m := range e.mailer.messages() {
		if m.To == "ag0@example.cn" {
			subjects = append(subjects, m.Subject)
		}
	}
	if len(subjects) != 4 || countPrefix(subjects, "【测试市网上中介服务超市】新项目") != 3 || countPrefix(subjects, "【测试市网上中介服务超市】报名成功") != 1 {
		t.Errorf("mails to ag0: %q", subjects)
	}
}

func TestBackoff(t *testing.T) {
	tests := []struct {
		n    int
		want time.Duration
	}{{1, time.Minute}, {2, 2 * time.Minute}, {3, 4 * time.Minute}, {6, 32 * time.Minute}, {7, time.Hour}, {40, time.Hour}}
	for _, tc := range tests {
		if got := notify.Backoff(time.Minute, time.Hour, tc.n); got != tc.want {
			t.Errorf("Backoff(%d) = %v, want %v", tc.n, got, tc.want)
		}
	}
}

// TestOldEventsGoInAppOnly: an event older than the outbox keeps its mails
// (a re-emitted timeline, the demo's history) is shown in the inbox but
// neither mailed nor pushed, so it can never go out a second time.
func TestOldEventsGoInAppOnly(t *testing.T) {
	e := newEnv(t)
	a0 := e.agency("ag0", "甘肃陇原环境工程咨询有限公司", "91620102MA71XK3L0", "620102", farFuture, itemCode)
	e.subscribe(t, "审批监管平台", "http://127.0.0.1:1/", true, "sanction.issued")
	e.dispatch()
	old := e.clock.Now().Add(-8 * 24 * time.Hour)
	e.msg.Observe(e.ctx, notify.Event{ID: "sanction:CF202500001:issued", Type: scoring.NoticeSanctionIssued, AgencyID: a0, At: old,
		Data: map[string]string{"kind": "warning", "cause": "旧的处理", "from": old.Format(time.RFC3339)}})
	e.dispatch()
	if !e.hasTitle("ag0", "处理决定：警告") {
		t.Errorf("not in the inbox: %q", e.titles("ag0"))
	}
	if _, err := e.store.Notify().GetMail(e.ctx, "sanction:CF202500001:issued@ag0"); err == nil {
		t.Error("a week-old event was mailed")
	}
	if _, n, _ := e.msg.Deliveries(e.ctx, "WH0001", 1, 10); n != 1 {
		t.Errorf("deliveries: %d, want 1 (the sanction is 8 days old, within the 30 days of the log)", n)
	}
}
