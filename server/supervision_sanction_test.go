package server

import (
	"net/http"
	"strings"
	"testing"

	"github.com/agencyhall/agencyhall/auth"
)

// A suspension bars the agency from signing up at once and shows on the
// public sanctions list; credit repair lifts it and the agency may sign up
// again.
func TestSuspensionBarsSignupUntilLifted(t *testing.T) {
	s := newSupEnv(t)
	agency, agencyID := s.agency(1, until2029)
	reg := s.as("reg1", auth.RoleRegulator)
	owner := s.as("owner1", auth.RoleOwner)
	var p projectDTO
	owner.do("POST", "/api/v1/projects", projectBody("random")).want(http.StatusOK).decode(&p)
	owner.do("POST", "/api/v1/projects/"+p.ID+"/publish", nil).want(http.StatusOK)

	var x sanctionDTO
	reg.do("POST", "/api/v1/supervision/sanctions", map[string]string{"agency_id": agencyID, "kind": "suspension",
		"cause": "出具的环评报告监测数据造假", "legal_basis": "《管理办法》第三十二条", "to": "2027-02-20"}).want(http.StatusOK).decode(&x)
	if !x.Active || x.KindLabel != "暂停承接业务" || x.To == nil || x.To.Format("2006-01-02T15") != "2027-02-20T16" {
		t.Fatalf("sanction %+v (to %v)", x, x.To)
	}
	r := agency.do("POST", "/api/v1/projects/"+p.ID+"/signup", nil).want(http.StatusConflict)
	if !strings.Contains(r.errBody().Message, "暂停") {
		t.Errorf("refusal %s", r.Body)
	}

	var list listPage[sanctionDTO]
	s.client().do("GET", "/api/v1/sanctions?active=true", nil).want(http.StatusOK).decode(&list)
	if list.Total != 1 || list.Items[0].ID != x.ID || list.Items[0].AgencyName != "甘肃第1环境咨询有限公司" ||
		list.Items[0].Cause == "" || list.Items[0].LegalBasis == "" {
		t.Fatalf("public list %+v", list)
	}

	reg.do("POST", "/api/v1/supervision/sanctions/"+x.ID+"/lift", map[string]string{"reason": "已完成整改并通过复查"}).want(http.StatusOK).decode(&x)
	if x.Active || x.LiftedAt == nil || x.LiftReason == "" {
		t.Fatalf("lifted %+v", x)
	}
	agency.do("POST", "/api/v1/projects/"+p.ID+"/signup", nil).want(http.StatusOK)
	reg.do("POST", "/api/v1/supervision/sanctions/"+x.ID+"/lift", map[string]string{"reason": "重复解除"}).want(http.StatusConflict)
	reg.do("POST", "/api/v1/supervision/sanctions/CF-none/lift", map[string]string{"reason": "不存在"}).want(http.StatusNotFound)

	// The list keeps past measures, like an exclusion list.
	s.client().do("GET", "/api/v1/sanctions", nil).want(http.StatusOK).decode(&list)
	if list.Total != 1 || list.Items[0].LiftedAt == nil {
		t.Fatalf("public list after the lift %+v", list)
	}
	s.client().do("GET", "/api/v1/sanctions?active=true", nil).want(http.StatusOK).decode(&list)
	if list.Total != 0 {
		t.Fatalf("active list after the lift %+v", list)
	}
	for _, rec := range s.auditRecords() {
		if rec.Action == "sanction.issue" && rec.Target != x.ID {
			t.Errorf("sanction.issue audited on %q", rec.Target)
		}
	}
}
