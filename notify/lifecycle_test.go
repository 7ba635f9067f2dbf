package notify_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/notify"
)

// expect is a notice a user should receive: its title starts with title
// and its body contains body.
type expect struct{ title, body string }

// lifecycleUsers are everyone whose inbox the lifecycle tests watch.
var lifecycleUsers = []string{"owner-a", "ag0", "ag1", "ag2", "reg-lz", "reg-bj"}

// step runs one change, dispatches, and checks that exactly the expected
// users got exactly the expected notices — nobody else heard anything.
func (e *env) step(t *testing.T, name string, do func() error, want map[string][]expect) {
	t.Helper()
	before := map[string]int{}
	for _, u := range lifecycleUsers {
		before[u] = len(e.inbox(u))
	}
	if err := do(); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	e.dispatch()
	for _, u := range lifecycleUsers {
		all := e.inbox(u)
		fresh := all[:len(all)-before[u]] // newest first
		if len(fresh) != len(want[u]) {
			var got []string
			for _, n := range fresh {
				got = append(got, n.Title)
			}
			t.Errorf("%s: %s got %d notices %q, want %d %v", name, u, len(fresh), got, len(want[u]), want[u])
			continue
		}
		for _, w := range want[u] {
			if !slices.ContainsFunc(fresh, func(n notify.Notification) bool {
				return strings.HasPrefix(n.Title, w.title) && strings.Contains(n.Body, w.body)
			}) {
				t.Errorf("%s: %s lacks %q with %q: %+v", name, u, w.title, w.body, fresh)
			}
		}
	}
}

// TestProjectAftercareNotifiesTheRightPeople follows a project past the
// publicity — an objection raised and dismissed, the end of publicity, the
// contract, an extension, a pause and its end, a delivery returned and
// delivered again, acceptance, evaluation and the agency's response — and
// then an abandonment with its replacement, a cancellation and a failure.
// At each step the owner, the winner, the other bidders and the regulators
// hear exactly what concerns them; a subscriber of project.contracted
// receives the contract, signed, and nothing else.
func TestProjectAftercareNotifiesTheRightPeople(t *testing.T) {
	e := newEnv(t)
	rcv := newReceiver(t)
	sub := e.subscribe(t, "一网通办审批平台", rcv.URL+"/hooks", true, "project.contracted")
	rcv.SetSecret(sub.Secret)
	a0 := e.agency("ag0", "甘肃陇原环境工程咨询有限公司", "91620102MA71XK3L0", "620102", farFuture, itemCode)
	a1 := e.agency("ag1", "兰州金城生态环境科技有限公司", "91620103MA72PB6R1", "620103", farFuture, itemCode)
	a2 := e.agency("ag2", "甘肃黄河环保技术有限公司", "91620105MA74RD8U3", "620105", farFuture, itemCode)
	ids := map[string]string{"ag0": a0, "ag1": a1, "ag2": a2}
	e.dispatch()

	// A project ag1 wins with the lowest quote.
	p := e.publish(projectInput("兰州新区综合管廊一期工程环境影响评价"))
	quotes := map[string]int64{a0: 312_345_67, a1: 298_765_43, a2: 305_432_10}
	for _, login := range []string{"ag0", "ag1", "ag2"} {
		if _, err := e.hall.SignUp(e.ctx, agencyActor(login, ids[login]), p.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.hall.SubmitQuote(e.ctx, agencyActor(login, ids[login]), p.ID, quotes[ids[login]]); err != nil {
			t.Fatal(err)
		}
	}
	e.clock.Set(at("2026-12-03 18:00"))
	if _, err := e.hall.AdvanceAll(e.ctx); err != nil {
		t.Fatal(err)
	}
	e.dispatch()
	if got, _ := e.hall.Get(e.ctx, e.owner, p.ID); got.Winner != a1 || got.State != hall.StatePublicity {
		t.Fatalf("after the opening: %s, winner %s", got.State, got.Winner)
	}

	owner := e.owner
	winner := agencyActor("ag1", a1)
	later := func(d time.Duration) { e.clock.Add(d) }
	e.step(t, "objection", func() error {
		later(time.Hour)
		_, err := e.hall.Object(e.ctx, agencyActor("ag0", a0), p.ID, "中选机构的报价明显低于成本，请核查其报价构成。")
		return err
	}, map[string][]expect{
		"owner-a": {{"收到质疑：", "公示暂停"}},
		"reg-lz":  {{"待处理的质疑：", "请及时审查处理"}},
		"ag0":     {{"质疑已提交：", "监管部门处理后将通知贵机构"}},
		"ag1":     {{"中选结果收到质疑：", "公示暂停"}},
	})
	e.step(t, "objection dismissed", func() error {
		later(24 * time.Hour)
		_, err := e.hall.DecideObjection(e.ctx, e.reg620, p.ID, false, "经核查，中选机构报价构成合理")
		return err
	}, map[string][]expect{
		"owner-a": {{"质疑处理结果：", "质疑不成立，继续公示"}},
		"ag0":     {{"质疑处理结果：", "经核查，中选机构报价构成合理"}},
		"ag1":     {{"质疑处理结果：", "质疑不成立"}},
		"ag2":     {{"质疑处理结果：", "质疑不成立"}},
	})
	e.step(t, "publicity ended", func() error {
		got, _ := e.hall.Get(e.ctx, owner, p.ID)
		e.clock.Set(got.PublicityEnd.Add(time.Minute))
		_, err := e.hall.AdvanceAll(e.ctx)
		return err
	}, map[string][]expect{
		"owner-a": {{"公示结束，请签订合同：", "5 个工作日内签订服务合同"}},
		"ag1":     {{"公示结束，请签订合同：", "5 个工作日内签订服务合同"}},
	})
	e.step(t, "contract signed", func() error {
		later(time.Hour)
		_, err := e.hall.SignContract(e.ctx, owner, p.ID, 298_765_43, e.clock.Now(), "file-contract")
		return err
	}, map[string][]expect{"ag1": {{"合同已签订：", "服务期限 25 天"}}})
	e.step(t, "extension", func() error {
		later(24 * time.Hour)
		_, err := e.hall.Extend(e.ctx, owner, p.ID, 5, "补充水文地质资料")
		return err
	}, map[string][]expect{"ag1": {{"服务时限已延长：", "延期 5 天：补充水文地质资料"}}})
	e.step(t, "pause", func() error {
		later(time.Hour)
		_, err := e.hall.Pause(e.ctx, owner, p.ID, "等待业主提供规划红线图")
		return err
	}, map[string][]expect{"ag1": {{"服务中止计时：", "原因：等待业主提供规划红线图"}}})
	e.step(t, "resume", func() error {
		later(48 * time.Hour)
		_, err := e.hall.Resume(e.ctx, owner, p.ID)
		return err
	}, map[string][]expect{"ag1": {{"服务恢复计时：", "中止 2.0 天"}}})
	e.step(t, "delivered", func() error {
		later(72 * time.Hour)
		_, err := e.hall.Deliver(e.ctx, winner, p.ID, "file-report-v1")
		return err
	}, map[string][]expect{"owner-a": {{"服务成果待验收：", "5 个工作日内验收或退回修改"}}})
	e.step(t, "returned", func() error {
		later(24 * time.Hour)
		_, err := e.hall.DecideDelivery(e.ctx, owner, p.ID, false, "缺少大气环境影响预测章节")
		return err
	}, map[string][]expect{"ag1": {{"服务成果被退回修改：", "退回原因：缺少大气环境影响预测章节"}}})
	e.step(t, "delivered again", func() error {
		later(48 * time.Hour)
		_, err := e.hall.Deliver(e.ctx, winner, p.ID, "file-report-v2")
		return err
	}, map[string][]expect{"owner-a": {{"服务成果待验收：", "请在 5 个工作日内"}}})
	e.step(t, "accepted", func() error {
		later(24 * time.Hour)
		_, err := e.hall.DecideDelivery(e.ctx, owner, p.ID, true, "")
		return err
	}, map[string][]expect{"ag1": {{"服务成果验收通过：", "业主已验收通过服务成果"}}})
	e.step(t, "evaluated", func() error {
		later(24 * time.Hour)
		_, err := e.hall.Evaluate(e.ctx, owner, p.ID, hall.Evaluation{Quality: 5, Timeliness: 4, Attitude: 5, Fees: 5, Conduct: 5, Comment: "报告质量好"})
		return err
	}, map[string][]expect{"ag1": {{"收到服务评价：", "质量 5 时效 4 态度 5 收费 5 规范 5"}}})
	e.step(t, "responded", func() error {
		later(24 * time.Hour)
		_, err := e.hall.Respond(e.ctx, winner, p.ID, "感谢业主的认可，时效问题已整改。")
		return err
	}, map[string][]expect{"owner-a": {{"机构已回复评价：", "中选机构回复了贵单位的服务评价"}}})

	// The subscriber of project.contracted got the contract, signed, and
	// nothing else.
	e.deliver(t)
	hits := rcv.Hits()
	if len(hits) != 1 || hits[0].Type != "project.contracted" || !hits[0].SignatureOK || hits[0].Status != 200 {
		t.Fatalf("receiver got %+v", hits)
	}
	var body struct {
		Type    string              `json:"type"`
		Project struct{ ID string } `json:"project"`
		Agency  struct{ ID string } `json:"agency"`
		Data    map[string]string   `json:"data"`
	}
	if err := json.Unmarshal(hits[0].Body, &body); err != nil {
		t.Fatal(err)
	}
	if body.Type != "project.contracted" || body.Project.ID != p.ID || body.Agency.ID != a1 || !strings.Contains(body.Data["note"], "服务期限 25 天") {
		t.Errorf("contract webhook body: %s", hits[0].Body)
	}

	// A second project: the winner abandons and the next bidder takes its
	// place; then the owner cancels. A third finds no bidder and fails.
	e.clock.Set(at("2026-12-20 09:00"))
	in := projectInput("兰州新区供水管网改造工程环境影响评价")
	in.SignupDeadline, in.OpeningTime = at("2026-12-24 17:00"), at("2026-12-24 18:00")
	p2 := e.publish(in)
	in = projectInput("兰州新区污水处理厂扩建工程环境影响评价")
	in.SignupDeadline, in.OpeningTime = at("2026-12-24 17:00"), at("2026-12-24 18:00")
	p3 := e.publish(in)
	for login, amount := range map[string]int64{"ag0": 280_000_00, "ag2": 270_000_00} {
		if _, err := e.hall.SignUp(e.ctx, agencyActor(login, ids[login]), p2.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.hall.SubmitQuote(e.ctx, agencyActor(login, ids[login]), p2.ID, amount); err != nil {
			t.Fatal(err)
		}
	}
	e.dispatch()
	e.step(t, "second opening, third fails", func() error {
		e.clock.Set(at("2026-12-24 18:00"))
		_, err := e.hall.AdvanceAll(e.ctx)
		return err
	}, map[string][]expect{
		"owner-a": {{"项目已开启：兰州新区供水管网", "共 2 家机构报名"}, {"选取结果已确定：兰州新区供水管网", "甘肃黄河环保技术有限公司"},
			{"项目已开启：兰州新区污水处理厂", "共 0 家机构报名"}, {"项目流标：兰州新区污水处理厂", "可以重新发布"}},
		"ag0": {{"项目已开启：兰州新区供水管网", ""}, {"选取结果：兰州新区供水管网", "中选机构：甘肃黄河环保技术有限公司"}},
		"ag2": {{"项目已开启：兰州新区供水管网", ""}, {"中选通知：兰州新区供水管网", "贵机构为本项目的中选机构"}},
	})
	e.step(t, "abandoned and replaced", func() error {
		later(time.Hour)
		_, err := e.hall.Abandon(e.ctx, agencyActor("ag2", a2), p2.ID, "项目负责人离职，无法按期完成")
		return err
	}, map[string][]expect{
		"owner-a": {{"中选机构放弃：", "项目负责人离职"}, {"选取结果已确定：", "甘肃陇原环境工程咨询有限公司"}},
		"ag0":     {{"中选通知：", "贵机构为本项目的中选机构"}},
		"ag2":     {{"选取结果：", "中选机构：甘肃陇原环境工程咨询有限公司"}},
	})
	e.step(t, "cancelled", func() error {
		later(time.Hour)
		_, err := e.hall.Cancel(e.ctx, owner, p2.ID, "项目规划调整，暂缓实施")
		return err
	}, map[string][]expect{
		"owner-a": {{"项目已终止：", "终止原因：项目规划调整，暂缓实施"}},
		"ag0":     {{"项目已终止：", "终止原因：项目规划调整，暂缓实施"}},
		"ag2":     {{"项目已终止：", "终止原因：项目规划调整，暂缓实施"}},
	})
	_ = p3

	// Nobody but the winner heard of the service of the first project.
	for _, u := range []string{"ag0", "ag2", "reg-lz", "reg-bj"} {
		for _, n := range e.inbox(u) {
			if n.Link == "/projects/"+p.ID && (n.Kind == notify.KindContract || n.Kind == notify.KindDelivery || n.Kind == notify.KindEvaluation) {
				t.Errorf("%s heard of the winner's service: %s", u, n.Title)
			}
		}
	}
	scanForQuotes(t, e, quotes)
}

// TestAcceptanceBySilenceTellsTheOwner: when the owner lets the
// acceptance period pass, both sides hear that the deliverable counts as
// accepted, and the owner that the evaluation is now due.
func TestAcceptanceBySilenceTellsTheOwner(t *testing.T) {
	e := newEnv(t)
	a1 := e.agency("ag1", "兰州金城生态环境科技有限公司", "91620103MA72PB6R1", "620103", farFuture, itemCode)
	p := e.publish(projectInput("兰州新区综合管廊一期工程环境影响评价"))
	winner := agencyActor("ag1", a1)
	if _, err := e.hall.SignUp(e.ctx, winner, p.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.hall.SubmitQuote(e.ctx, winner, p.ID, 300_000_00); err != nil {
		t.Fatal(err)
	}
	e.clock.Set(at("2026-12-03 18:00"))
	mustAdvance := func() {
		t.Helper()
		if _, err := e.hall.AdvanceAll(e.ctx); err != nil {
			t.Fatal(err)
		}
	}
	mustAdvance()
	got, _ := e.hall.Get(e.ctx, e.owner, p.ID)
	e.clock.Set(got.PublicityEnd.Add(time.Minute))
	mustAdvance()
	if _, err := e.hall.SignContract(e.ctx, e.owner, p.ID, 300_000_00, e.clock.Now(), "file-contract"); err != nil {
		t.Fatal(err)
	}
	e.clock.Add(10 * 24 * time.Hour)
	if _, err := e.hall.Deliver(e.ctx, winner, p.ID, "file-report"); err != nil {
		t.Fatal(err)
	}
	e.dispatch()
	e.step(t, "accepted by silence", func() error {
		e.clock.Add(30 * 24 * time.Hour) // well past 10 working days
		mustAdvance()
		if got, _ := e.hall.Get(e.ctx, e.owner, p.ID); got.State != hall.StateAccepted {
			return fmt.Errorf("state %s", got.State)
		}
		return nil
	}, map[string][]expect{
		"owner-a": {{"服务成果已视为验收通过：", "请及时评价服务，逾期未评价默认五星"}},
		"ag1":     {{"服务成果验收通过：", "业主逾期未验收，视为验收通过"}},
	})
}

// TestInvalidQuotesAreToldWhy: agencies whose quote the opening finds
// invalid (out of the price limits, or not matching the receipt) learn why
// — after the opening, never before — in place of the general result
// notice, and no quote amount is in any text.
func TestInvalidQuotesAreToldWhy(t *testing.T) {
	e := newEnv(t)
	a0 := e.agency("ag0", "甘肃陇原环境工程咨询有限公司", "91620102MA71XK3L0", "620102", farFuture, itemCode)
	a1 := e.agency("ag1", "兰州金城生态环境科技有限公司", "91620103MA72PB6R1", "620103", farFuture, itemCode)
	a2 := e.agency("ag2", "甘肃黄河环保技术有限公司", "91620105MA74RD8U3", "620105", farFuture, itemCode)
	a3 := e.agency("ag3", "兰州测绘院有限公司", "91620106MA75TE9W4", "620106", farFuture, itemCode)
	p := e.publish(projectInput("兰州新区综合管廊一期工程环境影响评价"))
	ids := map[string]string{"ag0": a0, "ag1": a1, "ag2": a2, "ag3": a3}
	quotes := map[string]int64{a0: 312_345_67, a1: 298_765_43, a2: 305_432_10, a3: 287_654_32}
	for _, login := range []string{"ag0", "ag1", "ag2", "ag3"} {
		if _, err := e.hall.SignUp(e.ctx, agencyActor(login, ids[login]), p.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.hall.SubmitQuote(e.ctx, agencyActor(login, ids[login]), p.ID, quotes[ids[login]]); err != nil {
			t.Fatal(err)
		}
	}
	// What the opening will find: ag2's committed quote lies above the
	// ceiling (with a receipt that matches it); ag3's sealed amount no
	// longer matches its receipt.
	tamper := func(agency string, amount int64, keepReceipt bool) {
		t.Helper()
		if _, err := e.store.Hall().UpdateSealedQuote(e.ctx, p.ID, agency, func(q *hall.SealedQuote) error {
			last := &q.Entries[len(q.Entries)-1]
			last.Sealed = e.hall.Sealer.Seal(p.ID, agency, amount)
			if !keepReceipt {
				last.Receipt = hall.Receipt(p.ID, agency, amount, last.Nonce, last.At)
				q.Committed = last.Receipt
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		quotes[agency+" (opened)"] = amount
	}
	tamper(a2, 612_000_00, false)
	tamper(a3, 276_543_21, true)
	e.dispatch()
	for _, u := range []string{"ag0", "ag1", "ag2", "ag3"} {
		if e.hasTitle(u, "报价无效") {
			t.Fatalf("%s told before the opening: %q", u, e.titles(u))
		}
	}

	e.clock.Set(at("2026-12-03 18:00"))
	if _, err := e.hall.AdvanceAll(e.ctx); err != nil {
		t.Fatal(err)
	}
	e.dispatch()
	got, _ := e.hall.Get(e.ctx, e.owner, p.ID)
	if got.Winner != a1 {
		t.Fatalf("winner %s, bids %+v", got.Winner, got.Opening.Bids)
	}
	tests := []struct {
		user  string
		parts []string
	}{
		{"ag2", []string{"原因：报价超出限价范围", "最低限价 ¥100,000.00 与最高限价 ¥500,000.00", "中选机构：兰州金城生态环境科技有限公司"}},
		{"ag3", []string{"原因：报价与回执不符", "可在开启记录中用回执核对", "中选机构：兰州金城生态环境科技有限公司"}},
	}
	for _, tc := range tests {
		var told []notify.Notification
		for _, n := range e.inbox(tc.user) {
			if strings.HasPrefix(n.Title, "报价无效：") {
				told = append(told, n)
			}
		}
		if len(told) != 1 {
			t.Errorf("%s: %d invalid-quote notices: %q", tc.user, len(told), e.titles(tc.user))
			continue
		}
		n := told[0]
		for _, part := range tc.parts {
			if !strings.Contains(n.Body, part) {
				t.Errorf("%s: notice lacks %q: %s", tc.user, part, n.Body)
			}
		}
		if n.Kind != notify.KindResult || n.Link != "/projects/"+p.ID {
			t.Errorf("%s: %+v", tc.user, n)
		}
		if e.hasTitle(tc.user, "选取结果：") {
			t.Errorf("%s got the general result notice as well", tc.user)
		}
		for agency, amount := range quotes {
			for _, s := range []string{fmt.Sprint(amount / 100), groupYuan(amount)} {
				if strings.Contains(n.Body+n.Title, s) {
					t.Errorf("%s: the quote of %s (%s) is in the notice: %s", tc.user, agency, s, n.Body)
				}
			}
		}
	}
	for _, u := range []string{"ag0", "ag1"} {
		if e.hasTitle(u, "报价无效") {
			t.Errorf("%s, whose quote was valid, was told it was not", u)
		}
	}
	if !e.hasTitle("ag0", "选取结果：") {
		t.Errorf("ag0 lacks the result: %q", e.titles("ag0"))
	}
	scanForQuotes(t, e, quotes)
}
