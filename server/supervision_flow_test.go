package server

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/agencyhall/agencyhall/auth"
)

// A public complaint, filed anonymously, is substantiated; the next scoring
// run lowers the agency's public score with a line item; an upheld appeal
// voids the item at the run after. Nobody but supervisors and the
// complainant ever sees the public complainant's name and phone.
func TestComplaintToScoreAndAppeal(t *testing.T) {
	s := newSupEnv(t)
	agency, agencyID := s.agency(1, until2029)
	reg := s.as("reg1", auth.RoleRegulator)
	const name, phone = "张先生", "13800001111"

	var filed complaintDTO
	s.client().do("POST", "/api/v1/complaints", publicComplaint(agencyID)).want(http.StatusOK).decode(&filed)
	if filed.State != "submitted" || filed.ComplainantKind != "public" || filed.TargetName != "甘肃第1环境咨询有限公司" {
		t.Fatalf("filed %+v", filed)
	}

	// The agency sees the complaint, without who filed it.
	for _, path := range []string{"/api/v1/complaints/" + filed.ID, "/api/v1/my/complaints?scope=against"} {
		r := agency.do("GET", path, nil).want(http.StatusOK)
		mustNotContain(t, path, r.Body.String(), name, phone)
		if !strings.Contains(r.Body.String(), filed.ID) {
			t.Errorf("%s: the agency does not see the complaint: %s", path, r.Body)
		}
	}
	// Supervisors see the contact.
	if r := reg.do("GET", "/api/v1/supervision/complaints?state=submitted", nil).want(http.StatusOK); !strings.Contains(r.Body.String(), phone) {
		t.Errorf("the regulator should see the complainant's phone: %s", r.Body)
	}

	for _, step := range []map[string]any{
		{"to": "accepted"}, {"to": "investigating"},
		{"to": "substantiated", "severity": "general", "note": "经现场核查，监测数据与原始记录不符"},
	} {
		var c complaintDTO
		reg.do("POST", "/api/v1/supervision/complaints/"+filed.ID+"/move", step).want(http.StatusOK).decode(&c)
		if c.State != step["to"] {
			t.Fatalf("moved to %s, want %s", c.State, step["to"])
		}
	}
	r := agency.do("POST", "/api/v1/complaints/"+filed.ID+"/response", map[string]string{"response": "监测数据由业主提供，已在报告中注明来源"})
	mustNotContain(t, "response", r.want(http.StatusOK).Body.String(), name, phone)

	s.score()
	card := s.credit(agencyID)
	if card.Score != "95.0" || card.Grade != "A" || len(card.Items) != 1 || len(card.History) != 1 {
		t.Fatalf("credit after the complaint: %+v", card)
	}
	item := card.Items[0]
	if item.Rule != "complaint_general" || item.RuleDescription == "" || item.Points != "-5" || item.Voided || !strings.Contains(item.Note, filed.ID) {
		t.Fatalf("line item %+v", item)
	}

	// The agency appeals the item; the regulator upholds it.
	var mine creditDTO
	agency.do("GET", "/api/v1/my/credit", nil).want(http.StatusOK).decode(&mine)
	if mine.Score != "95.0" || mine.Items[0].ID != item.ID {
		t.Fatalf("own credit %+v", mine)
	}
	var ap appealDTO
	agency.do("POST", "/api/v1/my/appeals", map[string]string{"line_item_id": item.ID, "reason": "监测数据系业主提供，本机构已在报告中注明来源"}).
		want(http.StatusOK).decode(&ap)
	var mineList listPage[appealDTO]
	agency.do("GET", "/api/v1/my/appeals", nil).want(http.StatusOK).decode(&mineList)
	if mineList.Total != 1 || mineList.Items[0].ID != ap.ID || mineList.Items[0].Decision != "" {
		t.Fatalf("my appeals %+v", mineList)
	}
	reg.do("POST", "/api/v1/supervision/appeals/"+ap.ID+"/decision", map[string]any{"upheld": true, "note": "经核实，数据来源已注明"}).
		want(http.StatusOK).decode(&ap)
	if ap.Decision != "upheld" {
		t.Fatalf("appeal %+v", ap)
	}

	s.clk.set(s.clk.now().Add(24 * time.Hour))
	s.score()
	card = s.credit(agencyID)
	if card.Score != "100.0" || len(card.Items) != 1 || !card.Items[0].Voided || len(card.History) != 2 {
		t.Fatalf("credit after the upheld appeal: %+v", card)
	}

	// A commendation counts at the next run.
	var d decisionDTO
	reg.do("POST", "/api/v1/supervision/decisions", map[string]string{"agency_id": agencyID, "kind": "commendation",
		"note": "在重点项目审批服务中表现突出"}).want(http.StatusOK).decode(&d)
	s.clk.set(s.clk.now().Add(time.Hour))
	s.score()
	if card = s.credit(agencyID); card.Score != "103.0" {
		t.Fatalf("credit after a commendation: %+v", card)
	}

	// No audit record names the public complainant.
	var actions []string
	for _, rec := range s.auditRecords() {
		mustNotContain(t, "audit "+rec.Action, rec.Summary+rec.Target, name, phone)
		actions = append(actions, rec.Action+"@"+rec.Target)
	}
	for _, want := range []string{"complaint.file@" + filed.ID, "complaint.move@" + filed.ID, "complaint.respond@" + filed.ID,
		"credit.appeal@" + ap.ID, "credit.appeal_decision@" + ap.ID, "credit.decision@" + agencyID} {
		if !strings.Contains(strings.Join(actions, " "), want) {
			t.Errorf("no audit record %s in %v", want, actions)
		}
	}
}

// The complainant (logged in) sees and withdraws the complaint; its list
// holds only its own complaints.
func TestComplainantWithdraws(t *testing.T) {
	s := newSupEnv(t)
	_, agencyID := s.agency(1, until2029)
	owner := s.as("owner1", auth.RoleOwner)
	body := publicComplaint(agencyID)
	delete(body, "name")
	delete(body, "phone")
	var c complaintDTO
	owner.do("POST", "/api/v1/complaints", body).want(http.StatusOK).decode(&c)
	if c.ComplainantKind != "owner" {
		t.Fatalf("complainant kind %q", c.ComplainantKind)
	}
	var list listPage[complaintDTO]
	owner.do("GET", "/api/v1/my/complaints", nil).want(http.StatusOK).decode(&list)
	if list.Total != 1 || list.Items[0].ID != c.ID {
		t.Fatalf("my complaints %+v", list)
	}
	s.as("owner2", auth.RoleOwner).do("GET", "/api/v1/my/complaints", nil).want(http.StatusOK).decode(&list)
	if list.Total != 0 {
		t.Fatalf("another user's list holds %d complaints", list.Total)
	}
	owner.do("POST", "/api/v1/complaints/"+c.ID+"/withdraw", nil).want(http.StatusOK).decode(&c)
	if c.State != "withdrawn" {
		t.Fatalf("state %s", c.State)
	}
	owner.do("POST", "/api/v1/complaints/"+c.ID+"/withdraw", map[string]string{"note": "再次撤回"}).want(http.StatusConflict)
}
