package server

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/registry"
)

// Alerts: an unaccepted complaint and an expiring qualification raise
// alerts; a regulator acknowledges and closes them (the qualification
// alert's id holds a "/", written "~" in the path).
func TestAlertsListAndAck(t *testing.T) {
	s := newSupEnv(t)
	_, agencyID := s.agency(1, registry.Date{Y: 2026, M: 12, D: 15})
	reg := s.as("reg1", auth.RoleRegulator)
	var c complaintDTO
	s.client().do("POST", "/api/v1/complaints", publicComplaint(agencyID)).want(http.StatusOK).decode(&c)
	s.clk.set(bj("2026-12-01 10:00"))
	if _, err := s.sup.RunAlerts(context.Background()); err != nil {
		t.Fatal(err)
	}
	var list listPage[alertDTO]
	reg.do("GET", "/api/v1/supervision/alerts", nil).want(http.StatusOK).decode(&list)
	kinds := map[string]alertDTO{}
	for _, a := range list.Items {
		kinds[a.Kind] = a
	}
	complaint, qual := kinds["complaint_unaccepted"], kinds["qualification_expiring"]
	if complaint.ObjectID != c.ID || complaint.Level != "yellow" || complaint.KindLabel == "" || !complaint.Open {
		t.Fatalf("complaint alert %+v in %+v", complaint, list.Items)
	}
	if !strings.Contains(qual.ID, "~") || qual.Responsible != "甘肃第1环境咨询有限公司" {
		t.Fatalf("qualification alert %+v", qual)
	}

	var a alertDTO
	reg.do("POST", "/api/v1/supervision/alerts/"+qual.ID+"/ack", map[string]any{}).want(http.StatusOK).decode(&a)
	if a.AckAt == nil || !a.Open || a.ID != qual.ID {
		t.Fatalf("acknowledged %+v", a)
	}
	wantFields(t, reg.do("POST", "/api/v1/supervision/alerts/"+complaint.ID+"/ack", map[string]any{"close": true}), "note")
	reg.do("POST", "/api/v1/supervision/alerts/"+complaint.ID+"/ack", map[string]any{"close": true, "note": "已督促受理"}).
		want(http.StatusOK).decode(&a)
	if a.Open || a.CloseReason != "已督促受理" {
		t.Fatalf("closed %+v", a)
	}
	reg.do("POST", "/api/v1/supervision/alerts/none/ack", map[string]any{}).want(http.StatusNotFound)

	reg.do("GET", "/api/v1/supervision/alerts?status=all&level=yellow", nil).want(http.StatusOK).decode(&list)
	if list.Total != len(kinds) {
		t.Errorf("all yellow alerts: %d, want %d", list.Total, len(kinds))
	}
	reg.do("GET", "/api/v1/supervision/alerts?level=red", nil).want(http.StatusOK).decode(&list)
	if list.Total != 0 {
		t.Errorf("red alerts %+v", list.Items)
	}
}

// Inspections: the secret stays hidden until the draw; results are public.
func TestInspectionPlanDrawAndResults(t *testing.T) {
	s := newSupEnv(t)
	_, agencyID := s.agency(1, until2029)
	reg := s.as("reg1", auth.RoleRegulator)
	var x inspectionDTO
	reg.do("POST", "/api/v1/supervision/inspections", exampleInspectionRequest).want(http.StatusOK).decode(&x)
	if x.Secret != "" || len(x.Commitment) != 64 || x.Drawn {
		t.Fatalf("created %+v", x)
	}
	public := s.client()
	public.do("GET", "/api/v1/inspections/"+x.ID, nil).want(http.StatusOK).decode(&x)
	if x.Secret != "" {
		t.Fatal("the secret is public before the draw")
	}
	reg.do("POST", "/api/v1/supervision/inspections/"+x.ID+"/draw", nil).want(http.StatusOK).decode(&x)
	if !x.Drawn || x.Secret == "" || len(x.Assignments) != 1 || x.Assignments[0].AgencyID != agencyID || len(x.Assignments[0].Inspectors) != 2 {
		t.Fatalf("drawn %+v", x)
	}
	reg.do("POST", "/api/v1/supervision/inspections/"+x.ID+"/draw", nil).want(http.StatusConflict)
	reg.do("POST", "/api/v1/supervision/inspections/"+x.ID+"/results", map[string]string{"agency_id": agencyID, "result": "合格", "note": "资料齐全"}).
		want(http.StatusOK)
	var list listPage[inspectionDTO]
	public.do("GET", "/api/v1/inspections", nil).want(http.StatusOK).decode(&list)
	if list.Total != 1 || list.Items[0].Assignments[0].Result != "合格" || list.Items[0].AgencyDraw == nil {
		t.Fatalf("public list %+v", list)
	}
	public.do("GET", "/api/v1/inspections/CC-none", nil).want(http.StatusNotFound)
}

// Risks, the dashboard and the rule table.
func TestRisksDashboardAndRules(t *testing.T) {
	s := newSupEnv(t)
	reg := s.as("reg1", auth.RoleRegulator)
	admin := s.as("admin1", auth.RoleAdmin)
	owner := s.as("owner1", auth.RoleOwner)
	var p projectDTO
	owner.do("POST", "/api/v1/projects", projectBody("random")).want(http.StatusOK).decode(&p)
	owner.do("POST", "/api/v1/projects/"+p.ID+"/publish", nil).want(http.StatusOK)
	for i := 1; i <= 3; i++ {
		a, _ := s.agency(i, until2029)
		a.do("POST", "/api/v1/projects/"+p.ID+"/signup", nil).want(http.StatusOK)
	}

	var risks listPage[riskDTO]
	reg.do("GET", "/api/v1/supervision/risks?kind=low_quote", nil).want(http.StatusOK).decode(&risks)
	if risks.Items == nil {
		t.Errorf("risks %s", risks.Items)
	}

	s.score()
	var d dashboardDTO
	reg.do("GET", "/api/v1/supervision/dashboard?region=620100&month=2026-11", nil).want(http.StatusOK).decode(&d)
	if d.Month != "2026-11" || d.AgenciesByGrade[0].Key != "A" || d.AgenciesByGrade[0].Count != 3 || len(d.SelectionsByMethod) != 5 ||
		d.SavingsRate.BasisPoints != nil || len(d.OpenAlerts) != 2 {
		t.Fatalf("dashboard %+v", d)
	}
	s.clk.set(bj("2026-12-03 09:30"))
	s.client().do("GET", "/api/v1/projects/"+p.ID, nil).want(http.StatusOK) // the read opens it
	reg.do("GET", "/api/v1/supervision/dashboard", nil).want(http.StatusOK).decode(&d)
	if d.Month != "2026-12" || d.SelectionsByMethod[1].Key != "random" || d.SelectionsByMethod[1].Count != 1 {
		t.Fatalf("selections in December %+v", d.SelectionsByMethod)
	}
	reg.do("GET", "/api/v1/supervision/dashboard?region=6202", nil).want(http.StatusOK).decode(&d)
	if d.AgenciesByGrade[0].Count != 0 {
		t.Errorf("another region counts %d A agencies", d.AgenciesByGrade[0].Count)
	}

	var r ruleDTO
	admin.do("PUT", "/api/v1/admin/credit/rules/complaint_general", map[string]int{"points_tenths": -40}).want(http.StatusOK).decode(&r)
	if r.Points != "-4" {
		t.Fatalf("rule %+v", r)
	}
	admin.do("PUT", "/api/v1/admin/credit/rules/late_delivery", map[string]int{"points_tenths": -30}).want(http.StatusOK).decode(&r)
	if r.CapTenths != -100 {
		t.Errorf("an omitted cap changed: %+v", r)
	}
	admin.do("PUT", "/api/v1/admin/credit/rules/none", map[string]int{"points_tenths": -30}).want(http.StatusNotFound)
	var rules rulesDTO
	s.client().do("GET", "/api/v1/credit/rules", nil).want(http.StatusOK).decode(&rules)
	if len(rules.Items) != 12 || rules.Items[2].ID != "complaint_general" || rules.Items[2].Points != "-4" {
		t.Fatalf("rules %+v", rules.Items)
	}
	found := false
	for _, rec := range s.auditRecords() {
		found = found || (rec.Action == "credit.rule_update" && rec.Target == "complaint_general")
	}
	if !found {
		t.Error("the rule change is not audited")
	}
}
