package server

import (
	"net/http"
	"testing"

	"github.com/agencyhall/agencyhall/auth"
)

// Who may do what: the declarations refuse other roles (401/403), and the
// domain hides other parties' complaints (404) and appeals.
func TestSupervisionPermissions(t *testing.T) {
	s := newSupEnv(t)
	agency, agencyID := s.agency(1, until2029)
	other, _ := s.agency(2, until2029)
	reg := s.as("reg1", auth.RoleRegulator)
	owner := s.as("owner1", auth.RoleOwner)
	anon := s.client()
	var c complaintDTO
	anon.do("POST", "/api/v1/complaints", publicComplaint(agencyID)).want(http.StatusOK).decode(&c)
	for _, to := range []string{"accepted", "investigating"} {
		reg.do("POST", "/api/v1/supervision/complaints/"+c.ID+"/move", map[string]string{"to": to}).want(http.StatusOK)
	}
	reg.do("POST", "/api/v1/supervision/complaints/"+c.ID+"/move", map[string]string{"to": "substantiated", "severity": "minor", "note": "属实"}).
		want(http.StatusOK)
	s.score()
	card := s.credit(agencyID)
	var ap appealDTO
	agency.do("POST", "/api/v1/my/appeals", map[string]string{"line_item_id": card.Items[0].ID, "reason": "该项扣分所依据的事实有误，请复核"}).
		want(http.StatusOK).decode(&ap)
	move := map[string]string{"to": "unsubstantiated", "note": "不属实"}

	for _, tt := range []struct {
		name         string
		who          *client
		method, path string
		body         any
		want         int
	}{
		{"public cannot move complaints", anon, "POST", "/api/v1/supervision/complaints/" + c.ID + "/move", move, http.StatusUnauthorized},
		{"agency cannot move complaints", agency, "POST", "/api/v1/supervision/complaints/" + c.ID + "/move", move, http.StatusForbidden},
		{"public cannot read a complaint", anon, "GET", "/api/v1/complaints/" + c.ID, nil, http.StatusUnauthorized},
		{"another agency cannot read it", other, "GET", "/api/v1/complaints/" + c.ID, nil, http.StatusNotFound},
		{"another agency cannot respond", other, "POST", "/api/v1/complaints/" + c.ID + "/response", map[string]string{"response": "说明"}, http.StatusNotFound},
		{"the target cannot withdraw", agency, "POST", "/api/v1/complaints/" + c.ID + "/withdraw", nil, http.StatusForbidden},
		{"an owner cannot see alerts", owner, "GET", "/api/v1/supervision/alerts", nil, http.StatusForbidden},
		{"an agency cannot list all appeals", agency, "GET", "/api/v1/supervision/appeals", nil, http.StatusForbidden},
		{"an agency cannot decide appeals", other, "POST", "/api/v1/supervision/appeals/" + ap.ID + "/decision",
			map[string]any{"upheld": true, "note": "成立"}, http.StatusForbidden},
		{"an owner cannot appeal", owner, "POST", "/api/v1/my/appeals", map[string]string{"line_item_id": "x", "reason": "理由理由理由理由理由"}, http.StatusForbidden},
		{"a regulator cannot change rules", reg, "PUT", "/api/v1/admin/credit/rules/complaint_minor", map[string]int{"points_tenths": -10}, http.StatusForbidden},
		{"the public cannot sanction", anon, "POST", "/api/v1/supervision/sanctions", map[string]string{"agency_id": agencyID}, http.StatusUnauthorized},
		{"an agency cannot see the dashboard", agency, "GET", "/api/v1/supervision/dashboard", nil, http.StatusForbidden},
		{"an unknown complaint", reg, "GET", "/api/v1/complaints/TS-none", nil, http.StatusNotFound},
		{"an unknown appeal", reg, "POST", "/api/v1/supervision/appeals/SS-none/decision", map[string]any{"upheld": false, "note": "驳回"}, http.StatusNotFound},
		{"credit of an unknown agency", anon, "GET", "/api/v1/agencies/agency:none/credit", nil, http.StatusNotFound},
	} {
		t.Run(tt.name, func(t *testing.T) { tt.who.do(tt.method, tt.path, tt.body).want(tt.want) })
	}

	// Appeals are the agency's own: another agency's list is empty.
	var list listPage[appealDTO]
	other.do("GET", "/api/v1/my/appeals", nil).want(http.StatusOK).decode(&list)
	if list.Total != 0 {
		t.Errorf("another agency sees %d appeals", list.Total)
	}
	reg.do("GET", "/api/v1/supervision/appeals?open=true&agency_id="+agencyID, nil).want(http.StatusOK).decode(&list)
	if list.Total != 1 || list.Items[0].ID != ap.ID {
		t.Errorf("open appeals %+v", list)
	}
}

// Malformed bodies and queries get 400 with Chinese messages per field.
func TestSupervisionValidation(t *testing.T) {
	s := newSupEnv(t)
	agency, agencyID := s.agency(1, until2029)
	reg := s.as("reg1", auth.RoleRegulator)
	admin := s.as("admin1", auth.RoleAdmin)
	anon := s.client()
	var c complaintDTO
	anon.do("POST", "/api/v1/complaints", publicComplaint(agencyID)).want(http.StatusOK).decode(&c)
	withEvidence := publicComplaint(agencyID)
	withEvidence["evidence"] = []string{"f1"}
	notOwned := publicComplaint(agencyID)
	notOwned["evidence"] = []string{agency.uploadFile("qualification"), "f-none"}
	cp := "/api/v1/complaints"
	mv := "/api/v1/supervision/complaints/" + c.ID + "/move"
	sp := "/api/v1/supervision/sanctions"

	for _, tt := range []struct {
		name         string
		who          *client
		method, path string
		body         any
		fields       []string
	}{
		{"an empty complaint", anon, "POST", cp, map[string]any{}, []string{"name", "phone", "subject", "details", "target_id"}},
		{"anonymous evidence", anon, "POST", cp, withEvidence, []string{"evidence"}},
		{"evidence not uploaded by the caller", s.as("reg2", auth.RoleRegulator), "POST", cp, notOwned, []string{"evidence[0]", "evidence[1]"}},
		{"a wrong type", anon, "POST", cp, map[string]any{"subject": 12}, []string{"subject"}},
		{"an unknown field", anon, "POST", cp, map[string]any{"email": "x@example.cn"}, []string{"email"}},
		{"an unknown step", reg, "POST", mv, map[string]string{"to": "closed"}, []string{"to"}},
		{"substantiated without severity", reg, "POST", mv, map[string]string{"to": "substantiated"}, []string{"severity", "note"}},
		{"a suspension without end", reg, "POST", sp, map[string]string{"agency_id": agencyID, "kind": "suspension", "cause": "数据造假问题"}, []string{"to"}},
		{"a bad date", reg, "POST", sp, map[string]string{"agency_id": agencyID, "kind": "warning", "cause": "数据造假问题", "from": "2026-13-01"}, []string{"from"}},
		{"a bad kind", reg, "POST", sp, map[string]string{"agency_id": "agency:none", "kind": "fine", "cause": "x"}, []string{"kind", "cause", "agency_id"}},
		{"a lift without reason", reg, "POST", sp + "/CF-none/lift", map[string]string{}, []string{"reason"}},
		{"a bad decision kind", reg, "POST", "/api/v1/supervision/decisions", map[string]string{"agency_id": agencyID, "kind": "praise", "note": "x"}, []string{"kind"}},
		{"an appeal without item", agency, "POST", "/api/v1/my/appeals", map[string]string{"reason": "理由"}, []string{"line_item_id"}},
		{"an appeal of an unknown item", agency, "POST", "/api/v1/my/appeals", map[string]string{"line_item_id": "x", "reason": "该项扣分所依据的事实有误"}, []string{"line_item_id"}},
		{"a decision without upheld", reg, "POST", "/api/v1/supervision/appeals/SS-none/decision", map[string]string{"note": "x"}, []string{"upheld"}},
		{"a close of the wrong type", reg, "POST", "/api/v1/supervision/alerts/x/ack", map[string]string{"close": "yes"}, []string{"close"}},
		{"an empty inspection plan", reg, "POST", "/api/v1/supervision/inspections", map[string]any{}, []string{"name", "sample_size", "inspectors"}},
		{"a result without agency", reg, "POST", "/api/v1/supervision/inspections/CC-none/results", map[string]any{"result": "合格"}, []string{"agency_id"}},
		{"rule points of the wrong type", admin, "PUT", "/api/v1/admin/credit/rules/complaint_minor", map[string]string{"points_tenths": "x"}, []string{"points_tenths"}},
		{"rule points missing", admin, "PUT", "/api/v1/admin/credit/rules/complaint_minor", map[string]int{"cap_tenths": 0}, []string{"points_tenths"}},
		{"rule points out of range", admin, "PUT", "/api/v1/admin/credit/rules/complaint_minor", map[string]int{"points_tenths": 5000}, []string{"points_tenths"}},
		{"a bad scope", agency, "GET", "/api/v1/my/complaints?scope=all", nil, []string{"scope"}},
		{"a bad state", reg, "GET", "/api/v1/supervision/complaints?state=open", nil, []string{"state"}},
		{"a bad level", reg, "GET", "/api/v1/supervision/alerts?level=blue&status=x", nil, []string{"level", "status"}},
		{"a bad month", reg, "GET", "/api/v1/supervision/dashboard?month=11-2026", nil, []string{"month"}},
		{"a bad risk kind", reg, "GET", "/api/v1/supervision/risks?kind=x", nil, []string{"kind"}},
		{"a bad page size", anon, "GET", "/api/v1/sanctions?page_size=1000", nil, []string{"page_size"}},
	} {
		t.Run(tt.name, func(t *testing.T) { wantFields(t, tt.who.do(tt.method, tt.path, tt.body), tt.fields...) })
	}
	if r := anon.do("POST", cp, "{not json"); r.Code != http.StatusBadRequest || !hasHan(r.errBody().Message) {
		t.Errorf("malformed JSON: %d %s", r.Code, r.Body)
	}
}
