package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/audit"
	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/web"
)

// objCheck is one attempt on an object that is not the caller's.
type objCheck struct {
	name         string
	who          *worldUser
	method, path string
	body         any
	want         int // 403, or 404 where the object's existence is private
}

// refuse makes each attempt and checks that it is refused with the wanted
// status and a Chinese message, that nothing was done (no record of the
// action in the audit log) and that the attempt itself is audited — one
// "access.denied" record naming the caller and the path — with the hash
// chain intact. It returns the number of checks.
func (w *world) refuse(t *testing.T, phase string, checks []objCheck) int {
	t.Helper()
	for _, c := range checks {
		before := w.auditRecords()
		rec := w.call(c.who, c.method, c.path, c.body)
		where := fmt.Sprintf("%s: %s (%s %s as %s)", phase, c.name, c.method, c.path, c.who.name)
		if rec.Code != c.want {
			t.Errorf("%s: status %d, want %d: %.300s", where, rec.Code, c.want, rec.Body)
			continue
		}
		if strings.HasPrefix(c.path, "/api/") {
			var eb web.ErrorBody
			if err := json.Unmarshal(rec.Body.Bytes(), &eb); err != nil || !hasHanText(eb.Error.Message) {
				t.Errorf("%s: not a Chinese error body: %s", where, rec.Body)
			} else if strings.Contains(eb.Error.Message, "刷新页面") {
				t.Errorf("%s: refused by the CSRF check, not by an access rule", where)
			}
		}
		after := w.auditRecords()
		added := after[len(before):]
		if len(added) != 1 || added[0].Action != web.DeniedAction || added[0].ActorID != c.who.login || added[0].Target != c.path ||
			!strings.Contains(added[0].Summary, "越权尝试被拒绝") {
			t.Errorf("%s: want exactly one refusal record, got %s", where, describe(added))
		}
	}
	return len(checks)
}

func describe(recs []audit.Record) string {
	var s []string
	for _, r := range recs {
		s = append(s, fmt.Sprintf("%d %s %s %s %q", r.Seq, r.Action, r.ActorID, r.Target, r.Summary))
	}
	return fmt.Sprint(s)
}

func hasHanText(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0
}

// TestObjectLevelAccess: the route declarations let a role in; what a
// caller may do to one object is decided by the object. Two agencies on
// one project, two owners, regulators of two cities: for each kind of
// object — a draft, an announcement under review, sealed quotes and their
// receipts, qualification certificates, complaints and their responses,
// objections, the contract and the deliverable with their files, the
// evaluation and its response, another owner's project actions, sanctions
// and agency reviews — an attempt on another party's object, or by a
// regulator outside its region, is refused with 403 (or 404 where the
// object's existence is private) and recorded in the audit log; the
// rightful party then does the same thing successfully.
func TestObjectLevelAccess(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	o1, o2 := w.owners[0], w.owners[1]
	A, B, D := w.agencies[0], w.agencies[1], w.agencies[3]
	C := w.agencies[2]
	in, out := w.regIn, w.regOut
	checks := 0

	// Objects of the first day.
	draft := w.createProject("兰州新区供水管网改造工程水土保持方案", worldRegion, false)
	review := w.createProject("城关区老旧小区改造项目节能评估", reviewRegion, true)
	pid := w.createProject("兰州新区综合管廊工程环境影响评价", worldRegion, true)
	p := "/api/v1/projects/" + pid
	for u, amount := range map[*worldUser]int64{A: 210_000_00, B: 220_000_00, C: 230_000_00} {
		w.must(u, "POST", p+"/signup", nil, nil)
		w.must(u, "POST", p+"/quote", map[string]any{"amount_fen": amount}, nil)
	}
	var bReceipt struct{ Receipt string }
	w.must(B, "GET", p+"/my-quote", nil, &bReceipt)
	pending, _ := w.admitAgency(4, "620102") // an application waiting for review
	var complaint struct{ ID string }
	w.must(o1, "POST", "/api/v1/complaints", map[string]any{"target_id": A.org, "project_id": pid,
		"subject": "报名材料存疑", "details": "该机构报名时提交的从业人员证书编号与登记不符，请核查。"}, &complaint)
	cp := "/api/v1/complaints/" + complaint.ID
	o2Contract := w.upload(o2, "contract", "合同.pdf", worldPDF("o2 contract"))
	reason := map[string]string{"reason": "项目建设方案调整，暂停实施"}

	checks += w.refuse(t, "open", []objCheck{
		// A draft is its owner's business: to anybody else it does not exist.
		{"another owner reads a draft", o2, "GET", "/api/v1/projects/" + draft, nil, 404},
		{"another owner edits a draft", o2, "PUT", "/api/v1/projects/" + draft, projectInput("篡改", worldRegion), 404},
		{"another owner publishes a draft", o2, "POST", "/api/v1/projects/" + draft + "/publish", nil, 404},
		{"another owner cancels a draft", o2, "POST", "/api/v1/projects/" + draft + "/cancel", reason, 404},
		{"another owner opens a draft's edit page", o2, "GET", "/projects/" + draft + "/edit", nil, 404},
		{"another owner publishes a draft (page)", o2, "POST", "/projects/" + draft + "/publish", nil, 404},
		{"an agency signs up for a draft", A, "POST", "/api/v1/projects/" + draft + "/signup", nil, 404},
		{"an agency quotes on a draft", A, "POST", "/api/v1/projects/" + draft + "/quote", map[string]any{"amount_fen": 200_000_00}, 404},
		{"an agency reads its receipt on a draft", A, "GET", "/api/v1/projects/" + draft + "/my-quote", nil, 404},
		// An announcement under review: only the owner and regulators know it.
		{"an agency reads an announcement under review", A, "GET", "/api/v1/projects/" + review, nil, 404},
		{"another owner cancels an announcement under review", o2, "POST", "/api/v1/projects/" + review + "/cancel", reason, 404},
		{"a regulator of another city approves it", out, "POST", "/api/v1/projects/" + review + "/announcement-review", map[string]any{"approve": true}, 403},
		{"a regulator of another city approves it (page)", out, "POST", "/projects/" + review + "/review", map[string]string{"decision": "approve"}, 403},
		// Another owner's published project.
		{"another owner edits the project", o2, "PUT", p, projectInput("篡改", worldRegion), 403},
		{"another owner publishes it again", o2, "POST", p + "/publish", nil, 403},
		{"another owner cancels it", o2, "POST", p + "/cancel", reason, 403},
		{"another owner cancels it (page)", o2, "POST", "/projects/" + pid + "/cancel", reason, 403},
		{"another owner republishes it", o2, "POST", p + "/republish", nil, 403},
		{"another owner scores it", o2, "POST", p + "/criteria-scores", map[string]any{"scores": map[string][]int64{A.org: {1}}}, 403},
		{"another owner signs its contract", o2, "POST", p + "/contract", map[string]any{"amount_fen": 200_000_00, "signed_on": "2026-11-26", "file_id": o2Contract}, 403},
		{"a regulator of another city cancels it (page)", out, "POST", "/projects/" + pid + "/cancel", reason, 403},
		// Sealed quotes: the only quote an agency can name is its own.
		{"an agency without a quote asks for a receipt", D, "GET", p + "/my-quote", nil, 404},
		// Qualification certificates are the agency's and the regulators'.
		{"another agency downloads a certificate", B, "GET", "/api/v1/files/" + w.qualFiles[0], nil, 404},
		{"an owner downloads a certificate", o1, "GET", "/api/v1/files/" + w.qualFiles[0], nil, 404},
		{"another agency opens a certificate (page)", B, "GET", "/files/" + w.qualFiles[0], nil, 404},
		{"another agency opens a certificate through a project", B, "GET", "/projects/" + pid + "/files/" + w.qualFiles[0], nil, 404},
		// Complaints: the parties and regulators only.
		{"another agency reads a complaint", B, "GET", cp, nil, 404},
		{"another agency responds to it", B, "POST", cp + "/response", map[string]string{"response": "与本机构无关"}, 404},
		{"another agency reads it (page)", B, "GET", "/my/complaints/" + complaint.ID, nil, 404},
		{"another agency responds to it (page)", B, "POST", "/my/complaints/" + complaint.ID + "/response", map[string]string{"response": "与本机构无关"}, 404},
		{"another owner reads it", o2, "GET", cp, nil, 404},
		{"another owner withdraws it", o2, "POST", cp + "/withdraw", nil, 404},
		{"the agency complained about withdraws it", A, "POST", cp + "/withdraw", nil, 403},
		{"a regulator of another city accepts it", out, "POST", "/api/v1/supervision/complaints/" + complaint.ID + "/move", map[string]string{"to": "accepted"}, 403},
		{"a regulator of another city accepts it (page)", out, "POST", "/supervise/complaints/" + complaint.ID + "/move", map[string]string{"to": "accept"}, 403},
		// Agencies of Lanzhou are the Lanzhou regulators' to review and sanction.
		{"a regulator of another city admits an agency", out, "POST", "/api/v1/registry/agencies/" + pending.org + "/review", map[string]string{"decision": "approve"}, 403},
		{"a regulator of another city admits it (page)", out, "POST", "/registry/agencies/" + pending.org + "/review", map[string]string{"decision": "approve"}, 403},
		{"a regulator of another city suspends an agency", out, "POST", "/api/v1/registry/agencies/" + A.org + "/suspend", map[string]string{"reason": "核查期间暂停"}, 403},
		{"a regulator of another city suspends it (page)", out, "POST", "/registry/agencies/" + A.org + "/suspend", map[string]string{"reason": "核查期间暂停"}, 403},
		{"a regulator of another city sanctions an agency", out, "POST", "/api/v1/supervision/sanctions", map[string]string{"agency_id": A.org, "kind": "warning", "cause": "出具报告数据不实"}, 403},
		{"a regulator of another city commends an agency", out, "POST", "/api/v1/supervision/decisions", map[string]string{"agency_id": A.org, "kind": "commendation", "note": "表现突出"}, 403},
	})
	// The same things done by the rightful parties.
	w.must(in, "POST", "/api/v1/projects/"+review+"/announcement-review", map[string]any{"approve": true}, nil)
	w.must(in, "POST", "/api/v1/supervision/complaints/"+complaint.ID+"/move", map[string]string{"to": "accepted"}, nil)
	w.must(A, "POST", cp+"/response", map[string]string{"response": "证书编号已更正，附更正说明"}, nil)
	w.must(in, "POST", "/api/v1/registry/agencies/"+pending.org+"/review", map[string]string{"decision": "approve"}, nil)
	w.must(out, "GET", "/api/v1/files/"+w.qualFiles[0], nil, nil) // regulators read every certificate
	var mine struct{ Receipt string }
	w.must(B, "GET", p+"/my-quote", nil, &mine)
	if mine.Receipt != bReceipt.Receipt {
		t.Errorf("B's receipt changed under the attempts: %s → %s", bReceipt.Receipt, mine.Receipt)
	}
	// Withdrawing names no agency: D (no quote) can only fail on its own,
	// and B's quote is untouched.
	if rec := w.call(D, "DELETE", p+"/quote", nil); rec.Code != http.StatusConflict {
		t.Errorf("D's withdrawal without a sign-up: %d %s", rec.Code, rec.Body)
	}
	w.must(B, "GET", p+"/my-quote", nil, &mine)
	if mine.Receipt != bReceipt.Receipt {
		t.Errorf("B's receipt changed after D's withdrawal attempt")
	}

	// After the opening: publicity and objections.
	w.at("2026-12-03 09:32")
	var pr struct {
		State    string `json:"state"`
		WinnerID string `json:"winner_id"`
	}
	w.must(w.anon, "GET", p, nil, &pr)
	if pr.State != "publicity" {
		t.Fatalf("after the opening: %+v", pr)
	}
	winner, loser := A, B
	if pr.WinnerID != A.org {
		winner, loser = B, A
		if pr.WinnerID != B.org {
			winner, loser = C, A
		}
	}
	checks += w.refuse(t, "publicity", []objCheck{
		{"an agency that did not take part objects", D, "POST", p + "/objection", map[string]string{"reason": "中选机构的资质证书在报名截止日已过期"}, 403},
		{"another owner cancels the result", o2, "POST", p + "/cancel", reason, 403},
		{"a losing agency abandons the winner's selection", loser, "POST", p + "/abandon", map[string]string{"reason": "人员安排冲突，无法按期完成"}, 403},
	})
	w.must(loser, "POST", p+"/objection", map[string]string{"reason": "中选机构的资质证书在报名截止日已过期"}, nil)
	checks += w.refuse(t, "objection", []objCheck{
		{"a regulator of another city decides the objection", out, "POST", p + "/objection-decision", map[string]any{"upheld": true, "note": "质疑成立"}, 403},
		{"a regulator of another city decides it (page)", out, "POST", "/projects/" + pid + "/objection/decision", map[string]string{"decision": "upheld", "note": "质疑成立"}, 403},
	})
	w.must(in, "POST", p+"/objection-decision", map[string]any{"upheld": false, "note": "经核查，中选机构资质在有效期内"}, nil)

	// Contract, service, delivery, acceptance, evaluation.
	w.at("2026-12-14 10:00")
	w.must(w.anon, "GET", p, nil, &pr)
	if pr.State != "contracting" {
		t.Fatalf("after publicity: %+v", pr)
	}
	contract := w.upload(o1, "contract", "服务合同.pdf", worldPDF("contract"))
	checks += w.refuse(t, "contracting", []objCheck{
		{"another owner signs the contract with its own scan", o2, "POST", p + "/contract", map[string]any{"amount_fen": 200_000_00, "signed_on": "2026-12-14", "file_id": o2Contract}, 403},
	})
	w.must(o1, "POST", p+"/contract", map[string]any{"amount_fen": 200_000_00, "signed_on": "2026-12-14", "file_id": contract}, nil)
	loserDeliverable := w.upload(loser, "deliverable", "成果.pdf", worldPDF("loser's report"))
	checks += w.refuse(t, "in service", []objCheck{
		{"another agency downloads the contract", loser, "GET", p + "/contract/file", nil, 404},
		{"another owner downloads the contract", o2, "GET", p + "/contract/file", nil, 404},
		{"an agency that did not take part downloads it", D, "GET", p + "/contract/file", nil, 404},
		{"another agency opens the contract (page)", loser, "GET", "/projects/" + pid + "/files/" + contract, nil, 404},
		{"the winner reads the owner's scan as a plain file", winner, "GET", "/api/v1/files/" + contract, nil, 404},
		{"another owner extends the service", o2, "POST", p + "/extend", map[string]any{"days": 10, "reason": "规划方案调整"}, 403},
		{"another owner pauses the clock", o2, "POST", p + "/pause", map[string]string{"reason": "等待业主提供地形图"}, 403},
		{"another owner resumes the clock", o2, "POST", p + "/resume", nil, 403},
		{"another owner pauses it (page)", o2, "POST", "/projects/" + pid + "/pause", map[string]string{"reason": "等待业主提供地形图"}, 403},
		{"another agency delivers", loser, "POST", p + "/delivery", map[string]string{"file_id": loserDeliverable}, 403},
	})
	for _, u := range []*worldUser{winner, o1, in, out} { // the parties and regulators
		checkAttachment(t, "the contract as "+u.name, w.call(u, "GET", p+"/contract/file", nil), "application/pdf")
		checkAttachment(t, "the contract page as "+u.name, w.call(u, "GET", "/projects/"+pid+"/files/"+contract, nil), "application/pdf")
	}
	deliverable := w.upload(winner, "deliverable", "环评报告书.pdf", worldPDF("report"))
	w.must(winner, "POST", p+"/delivery", map[string]string{"file_id": deliverable}, nil)
	checks += w.refuse(t, "delivered", []objCheck{
		{"another agency downloads the deliverable", loser, "GET", p + "/deliveries/1/file", nil, 404},
		{"another owner downloads it", o2, "GET", p + "/deliveries/1/file", nil, 404},
		{"another agency opens it (page)", loser, "GET", "/projects/" + pid + "/files/" + deliverable, nil, 404},
		{"the owner reads the agency's file as a plain file", o1, "GET", "/api/v1/files/" + deliverable, nil, 404},
		{"another owner accepts it", o2, "POST", p + "/delivery-decision", map[string]any{"accept": true}, 403},
		{"another owner accepts it (page)", o2, "POST", "/projects/" + pid + "/delivery", map[string]string{"decision": "accept"}, 403},
	})
	checkAttachment(t, "the deliverable", w.call(o1, "GET", p+"/deliveries/1/file", nil), "application/pdf")
	checkAttachment(t, "the deliverable page", w.call(o1, "GET", "/projects/"+pid+"/files/"+deliverable, nil), "application/pdf")
	w.must(o1, "POST", p+"/delivery-decision", map[string]any{"accept": true}, nil)
	eval := map[string]any{"quality": 5, "timeliness": 4, "attitude": 5, "fees": 5, "conduct": 5}
	checks += w.refuse(t, "accepted", []objCheck{
		{"another owner evaluates the service", o2, "POST", p + "/evaluation", eval, 403},
	})
	w.must(o1, "POST", p+"/evaluation", eval, nil)
	checks += w.refuse(t, "evaluated", []objCheck{
		{"another agency answers the evaluation", loser, "POST", p + "/evaluation-response", map[string]string{"response": "感谢评价"}, 403},
		{"another agency answers it (page)", loser, "POST", "/projects/" + pid + "/response", map[string]string{"response": "感谢评价"}, 403},
	})
	w.must(winner, "POST", p+"/evaluation-response", map[string]string{"response": "感谢评价，我们将继续提高时效"}, nil)

	// Sanctions: issued in the city, not liftable from elsewhere.
	var sanction struct{ ID string }
	w.must(in, "POST", "/api/v1/supervision/sanctions", map[string]string{"agency_id": A.org, "kind": "warning", "cause": "出具报告数据不实"}, &sanction)
	checks += w.refuse(t, "sanctioned", []objCheck{
		{"a regulator of another city lifts the sanction", out, "POST", "/api/v1/supervision/sanctions/" + sanction.ID + "/lift", map[string]string{"reason": "已整改"}, 403},
	})
	w.must(in, "POST", "/api/v1/supervision/sanctions/"+sanction.ID+"/lift", map[string]string{"reason": "已完成整改并通过复查"}, nil)

	// Credit appeals are decided in the agency's region.
	for _, to := range []map[string]string{{"to": "investigating"}, {"to": "substantiated", "severity": "minor", "note": "经核查，证书编号确有错误"}} {
		w.must(in, "POST", "/api/v1/supervision/complaints/"+complaint.ID+"/move", to, nil)
	}
	if _, err := w.svc.scoring.RunScoring(ctx, w.clk.now()); err != nil {
		t.Fatal(err)
	}
	var card struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	w.must(A, "GET", "/api/v1/my/credit", nil, &card)
	if len(card.Items) == 0 {
		t.Fatal("no line items after the substantiated complaint")
	}
	var appeal struct{ ID string }
	w.must(A, "POST", "/api/v1/my/appeals", map[string]string{"line_item_id": card.Items[0].ID, "reason": "该项扣分所依据的事实有误，请复核"}, &appeal)
	decide := map[string]any{"upheld": false, "note": "驳回"}
	checks += w.refuse(t, "appealed", []objCheck{
		{"a regulator of another city decides the appeal", out, "POST", "/api/v1/supervision/appeals/" + appeal.ID + "/decision", decide, 403},
	})
	w.must(in, "POST", "/api/v1/supervision/appeals/"+appeal.ID+"/decision", decide, nil)

	// A migrated agency's first account is opened by a regulator of its region.
	uscc := worldUSCC(t, "91620102MA75MG001")
	migrated := auth.Org{ID: auth.OrgID(auth.OrgAgency, uscc), Kind: auth.OrgAgency, Name: "甘肃迁移环境咨询有限公司", USCC: uscc, Region: "620102"}
	if err := w.svc.auth.EnsureMigratedOrg(ctx, migrated); err != nil {
		t.Fatal(err)
	}
	acct := auth.AgencyAccountInput{OrgID: migrated.ID, Login: "migrated-1", Name: "孙丽", Password: "temporary-password-1"}
	_, err := w.svc.auth.OpenAgencyAccount(ctx, auth.Principal{UserID: out.login, Role: auth.RoleRegulator, Region: farRegion}, acct)
	if !apperr.Is(err, apperr.KindForbidden) {
		t.Errorf("a regulator of another city opened a migrated agency's account: %v", err)
	}
	if _, err := w.svc.auth.OpenAgencyAccount(ctx, auth.Principal{UserID: in.login, Role: auth.RoleRegulator, Region: "620100"}, acct); err != nil {
		t.Errorf("the city's regulator could not open it: %v", err)
	}

	// The refusals are in the log, readable to auditors, and the chain holds.
	n := w.checkChain()
	denied := 0
	for _, r := range w.auditRecords() {
		if r.Action == web.DeniedAction {
			denied++
		}
	}
	if denied < checks {
		t.Errorf("%d refusal records for %d refused attempts", denied, checks)
	}
	var page struct {
		Items []struct {
			Action string `json:"action"`
		} `json:"items"`
		Total int `json:"total"`
	}
	w.must(in, "GET", "/api/v1/audit?action="+web.DeniedAction+"&page_size=100", nil, &page)
	if page.Total < checks || !slices.ContainsFunc(page.Items, func(i struct {
		Action string `json:"action"`
	}) bool {
		return i.Action == web.DeniedAction
	}) {
		t.Errorf("the audit API lists %d refusals, want at least %d", page.Total, checks)
	}
	t.Logf("%d object-level refusals checked and audited; audit chain of %d records intact", checks, n)
}
